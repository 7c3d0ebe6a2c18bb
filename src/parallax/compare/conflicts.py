"""Typed contradictions: general slot rules propose candidates, a learned verifier decides.

Every rule is blocked by what two claims share (the counted noun, verb + patient, the
speaker's quote, the person, the negated word, the claim's nearest neighbours), so a story
is never compared all-pairs over sentences. A rule only PROPOSES: each candidate carries
features (slot agreement, counted-noun match, embedding cosine, entity overlap, negation,
attribution, date distance, ...) that `verifier.py` scores; `grouping.py` turns the
pairs that pass into one row per disagreement. No rule holds a story-specific word.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from parallax.compare import slots
from parallax.compare.claims import ClaimUnit
from parallax.compare.settings import CompareSettings
from parallax.models import UNKNOWN, AnnotatedArticle, Conflict, ConflictSide, Span

log = logging.getLogger(__name__)
SentVec = Callable[[str, int], np.ndarray]
KINDS = ("number", "place", "date", "polarity", "quote_wording", "name_title", "assessment")
_STOP = {"the", "a", "an", "and", "of", "to", "that", "is", "was", "in", "on", "for", "it", "this"}
_GENERIC = {"say", "tell", "be", "have", "do", "make", "get", "take", "go", "see", "able"}
_TIME_CUE = re.compile(
    r"\b(at the time|then|earlier|later|initially|previously|last \w+|now)\b", re.I
)
_PRONOUNS = {"it", "they", "them", "that", "which", "what", "this", "who", "he", "she"}


@dataclass(frozen=True)
class Candidate:
    """One proposed disagreement between two articles, before verification."""

    kind: str
    a: ConflictSide
    b: ConflictSide
    node_a: tuple[str, int]  # (article, offset) of the disagreeing slot: grouping key
    node_b: tuple[str, int]
    topic: str  # what the disagreement is about ("count of votes", "where X was shot")
    prior: float  # the rule's own confidence, used when the verifier is off
    reason: str
    features: dict[str, float] = field(default_factory=dict)
    diff: str | None = None


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def _who(outlet: str, article_id: str) -> str:
    return outlet if outlet != UNKNOWN else f"article {article_id[:6]} (outlet unknown)"


def _jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _sentence_span(u: ClaimUnit) -> Span:
    s = u.sentence
    if s is None:
        c = u.claim
        return Span(c.article_id, c.start, c.end, c.text)
    return Span(u.article_id, s.start, s.end, s.text)


def _side(u: ClaimUnit, value: str, span: Span | None = None) -> ConflictSide:
    return ConflictSide(u.outlet, span or _sentence_span(u), u.claim.attribution, value=value)


def _in_sentence(u: ClaimUnit) -> tuple[str, tuple[int, int] | None]:
    """The text cues are read from (the claim's sentence) and the claim's span in it."""
    c, s = u.claim, u.sentence
    return (c.text, None) if s is None else (s.text, (c.start - s.start, c.end - s.start))


def claim_stance(u: ClaimUnit, negated: bool | None = None) -> str:
    """slots.stance of the claim, with only the cues that govern its own clause counted."""
    text, span = _in_sentence(u)
    neg = u.claim.negated if negated is None else negated
    if u.speech_verb and slots.dispute_cues().fullmatch(u.speech_verb.lower()):
        return "disputed"  # the clausal complement of "claims"/"alleges" ("RIM claims the X is")
    return slots.stance(text, u.claim.attribution, neg, span)


def claim_features(ua: ClaimUnit, ub: ClaimUnit, vec: SentVec) -> dict[str, float]:
    """Features every candidate shares: how related the two claims are and who says them."""
    sa, sb = ua.sentence, ub.sentence
    cos = _cos(vec(ua.article_id, sa.index), vec(ub.article_id, sb.index)) if sa and sb else 0.0
    ta, tb = (sa.text if sa else ua.claim.text), (sb.text if sb else ub.claim.text)
    st_a, st_b = claim_stance(ua), claim_stance(ub)
    da = [t.date_start for t in ua.times if t.date_start and not t.uncertain]
    db = [t.date_start for t in ub.times if t.date_start and not t.uncertain]
    gap = min((abs((x - y).days) for x in da for y in db), default=-1)
    la, lb = len(ta.split()), len(tb.split())
    return {
        "cosine": cos,
        "entity_jaccard": _jaccard(set(ua.claim.entities), set(ub.claim.entities)),
        "lemma_jaccard": _jaccard(ua.lemmas, ub.lemmas),
        "both_own_voice": float(ua.claim.attribution is None and ub.claim.attribution is None),
        "same_attribution": float(
            ua.claim.attribution is not None and ua.claim.attribution == ub.claim.attribution
        ),
        "stance_differs": float(st_a != st_b),
        "disputed_any": float("disputed" in (st_a, st_b)),
        "negation_differs": float(ua.claim.negated != ub.claim.negated),
        "time_cue": float(bool(_TIME_CUE.search(ta) or _TIME_CUE.search(tb))),
        "date_gap_log": math.log1p(gap) if gap >= 0 else -1.0,
        "length_ratio": min(la, lb) / max(la, lb, 1),
    }


# ---------------------------------------------------------------- numbers


def number_candidates(
    units: Sequence[ClaimUnit], annotated: Sequence[AnnotatedArticle], vec: SentVec,
    cfg: CompareSettings,
) -> list[Candidate]:  # fmt: skip
    """Different figures for the same counted thing ("7-2 vote" vs "5-4 vote"; "200" vs
    "300 attendees"); compatible figures ("at least four" vs "four") never qualify."""
    anns = {a.id: a for a in annotated}
    index: dict[str, list[tuple[ClaimUnit, slots.NumberSlot]]] = defaultdict(list)
    for u in units:
        ann = anns.get(u.article_id)
        if ann is None:
            continue
        for n in slots.number_slots(ann, u.claim.start, u.claim.end, cfg.number_about_tolerance):
            for word in n.counted - {"count"}:
                index[f"{n.kind}:{word}"].append((u, n))
    out: dict[tuple, Candidate] = {}
    for items in index.values():
        by_unit: dict[int, list[slots.NumberSlot]] = defaultdict(list)
        for u, n in items:
            by_unit[id(u)].append(n)
        for (ua, na), (ub, nb) in _cross(items):
            if na.kind != nb.kind or not slots.disjoint(na, nb) or slots.rounded_same(na, nb):
                continue
            if _also_stated(na, by_unit[id(ub)]) or _also_stated(nb, by_unit[id(ua)]):
                continue  # both say "10 km ... 55 km": figures of two things, not a conflict
            key = tuple(sorted([(ua.article_id, na.start), (ub.article_id, nb.start)]))
            if key in out:
                continue
            f = claim_features(ua, ub, vec)
            if f["cosine"] < cfg.cand_min_cosine:
                continue
            counted = na.counted & nb.counted
            f |= {
                "slot_match": _jaccard(na.counted, nb.counted),
                "slot_gap": slots.relative_gap(na, nb),
                "bounded": float(math.isinf(na.hi) or math.isinf(nb.hi)),
            } | _context_features(anns[ua.article_id], na, anns[ub.article_id], nb)
            what = " ".join(sorted(counted - {na.kind})) or na.kind
            reason = (
                f"different figures for the same {na.kind} ({what}): {na.text!r} vs {nb.text!r}"
            )
            a = _side(ua, na.value)
            b = _side(ub, nb.value)
            out[key] = Candidate("number", a, b, (ua.article_id, na.start), (ub.article_id, nb.start),
                                 f"number:{na.kind}:{what}", 0.7, reason, f)  # fmt: skip
    return list(out.values())


def _context_features(
    aa: AnnotatedArticle, sa: slots.NumberSlot, ab: AnnotatedArticle, sb: slots.NumberSlot
) -> dict[str, float]:
    """Do the two figures stand in the same words, and belong to the same holder?"""
    ca, cb = slots.slot_context(aa, sa.start, sa.end), slots.slot_context(ab, sb.start, sb.end)
    holders = bool(ca.holders and cb.holders)
    return {
        "context_jaccard": _jaccard(ca.lemmas, cb.lemmas),
        "holder_differs": float(holders and not (ca.holders & cb.holders)),
        "holder_same": float(bool(ca.holders & cb.holders)),
        "verb_same": float(bool(ca.verb) and ca.verb == cb.verb),
    }


def _also_stated(n: slots.NumberSlot, others: Sequence[slots.NumberSlot]) -> bool:
    """Does the other claim, whose figures for this counted thing are `others`, state figure
    `n` too (same kind, compatible value)?"""
    return any(m.kind == n.kind and not slots.disjoint(m, n) for m in others)


def _cross(items: list) -> Iterator[tuple]:  # type: ignore[type-arg]
    """Pairs of items from different articles."""
    for x, y in combinations(items, 2):
        if x[0].article_id != y[0].article_id:
            yield x, y


# ---------------------------------------------------------------- places and dates


def _frame_index(units: Sequence[ClaimUnit]) -> dict[tuple[str, str], list]:  # type: ignore[type-arg]
    index: dict[tuple[str, str], list] = defaultdict(list)  # type: ignore[type-arg]
    for u in units:
        for f in u.frames:
            if f.patient and f.patient not in _PRONOUNS and f.verb not in _GENERIC:
                index[(f.verb, f.patient)].append((u, f))
    return index


def place_candidates(
    units: Sequence[ClaimUnit], annotated: Sequence[AnnotatedArticle], vec: SentVec,
    cfg: CompareSettings,
) -> list[Candidate]:  # fmt: skip
    """The same action on the same thing (verb + patient) placed in places that are not
    the same once normalised ("Ark." = Arkansas) and not nested; datelines are skipped."""
    dateline = {a.id: slots.dateline_end(a) for a in annotated}
    anns = {a.id: a for a in annotated}
    out: dict[tuple, Candidate] = {}
    for (verb, patient), items in _frame_index(units).items():
        for (ua, fa), (ub, fb) in _cross(items):
            pa = [m for m in fa.places if m.start >= dateline.get(ua.article_id, 0)
                  and slots.locative(anns[ua.article_id], m.start, m.end)]  # fmt: skip
            pb = [m for m in fb.places if m.start >= dateline.get(ub.article_id, 0)
                  and slots.locative(anns[ub.article_id], m.start, m.end)]  # fmt: skip
            if not pa or not pb or any(slots.nested(x.text, y.text) for x in pa for y in pb):
                continue
            ma, mb = pa[0], pb[0]
            key = tuple(sorted([(ua.article_id, ma.start), (ub.article_id, mb.start)]))
            if key in out:
                continue
            f = claim_features(ua, ub, vec)
            if f["cosine"] < cfg.cand_min_cosine:
                continue
            f |= {"slot_match": 1.0, "slot_gap": 1.0, "same_label": float(ma.label == mb.label)}
            reason = (f"where the {patient} was {verb}: {_who(ua.outlet, ua.article_id)} says "
                      f"{ma.text!r}, {_who(ub.outlet, ub.article_id)} says {mb.text!r}")  # fmt: skip
            out[key] = Candidate("place", _side(ua, slots.norm_place(ma.text).title()),
                                 _side(ub, slots.norm_place(mb.text).title()),
                                 (ua.article_id, ma.start), (ub.article_id, mb.start),
                                 f"place:{verb}:{patient}", 0.75, reason, f)  # fmt: skip
    return list(out.values())


def date_candidates(
    units: Sequence[ClaimUnit], annotated: Sequence[AnnotatedArticle], vec: SentVec,
    cfg: CompareSettings,
) -> list[Candidate]:  # fmt: skip
    """The same action on the same thing given non-overlapping resolved dates; "Thursday"
    and "May 5" agree when they resolve to the same day against each article's anchor."""
    out: dict[tuple, Candidate] = {}
    for (verb, patient), items in _frame_index(units).items():
        for (ua, fa), (ub, fb) in _cross(items):
            _date_pair(ua, ub, fa.times, fb.times, f"the {patient} was {verb}", vec, cfg, out)
    return list(out.values())


def _date_pair(
    ua: ClaimUnit, ub: ClaimUnit, times_a: Sequence, times_b: Sequence, what: str,  # type: ignore[type-arg]
    vec: SentVec, cfg: CompareSettings, out: dict,  # type: ignore[type-arg]
) -> None:  # fmt: skip
    ta = [t for t in times_a if t.date_start and not t.uncertain]
    tb = [t for t in times_b if t.date_start and not t.uncertain]
    if not ta or not tb:
        return
    if any(not (x.date_end or x.date_start) < y.date_start and not (y.date_end or y.date_start) < x.date_start
           for x in ta for y in tb):  # fmt: skip
        return  # some pair of their dates overlaps: compatible
    x, y = ta[0], tb[0]
    gap = abs((x.date_start - y.date_start).days)  # type: ignore[operator]
    key = tuple(sorted([(ua.article_id, x.start), (ub.article_id, y.start)]))
    if gap > cfg.date_max_gap_days or key in out:
        return
    f = claim_features(ua, ub, vec)
    if f["cosine"] < cfg.cand_min_cosine:
        return
    f |= {"slot_match": float(x.relative == y.relative), "slot_gap": min(1.0, gap / 30)}
    reason = (f"when {what}: {_who(ua.outlet, ua.article_id)} {x.text!r} ({x.date_start}), "
              f"{_who(ub.outlet, ub.article_id)} {y.text!r} ({y.date_start})")  # fmt: skip
    out[key] = Candidate("date", _side(ua, str(x.date_start)), _side(ub, str(y.date_start)),
                         (ua.article_id, x.start), (ub.article_id, y.start),
                         f"date:{what}", 0.6, reason, f)  # fmt: skip


def _claim_or_sentence_times(u: ClaimUnit, anns: dict[str, AnnotatedArticle]) -> Sequence:  # type: ignore[type-arg]
    """The claim's own dates; for a reported claim without one, its sentence's ("HP on
    Monday said it has agreed to buy EYP": the report's date is the claim's)."""
    ann, s = anns.get(u.article_id), u.sentence
    if u.times or ann is None or s is None:
        return u.times
    return [t for t in ann.times if s.start <= t.start < s.end]


def _sentence_places(
    u: ClaimUnit, anns: dict[str, AnnotatedArticle], dateline: dict[str, int]
) -> list:  # type: ignore[type-arg]
    """Places of the claim's whole sentence ("X said ... in Norwalk"), dateline excluded."""
    ann, s = anns.get(u.article_id), u.sentence
    if ann is None or s is None:
        return list(u.places)
    return [m for m in ann.mentions if m.label in ("GPE", "LOC", "FAC") and s.start <= m.start < s.end
            and m.start >= dateline.get(u.article_id, 0) and slots.locative(ann, m.start, m.end)]  # fmt: skip


def aligned_slot_candidates(
    units: Sequence[ClaimUnit], annotated: Sequence[AnnotatedArticle], vectors: np.ndarray,
    vec: SentVec, cfg: CompareSettings,
) -> list[Candidate]:  # fmt: skip
    """Places and dates compared over aligned claims (each claim's nearest neighbours in
    other articles, cosine >= cand_min_cosine): "an event in Norfolk" vs "the group gathered
    in Norwalk" share no verb but are the same statement with a different place."""
    from parallax.compare.align import candidate_pairs

    dateline = {a.id: slots.dateline_end(a) for a in annotated}
    anns = {a.id: a for a in annotated}
    out: dict[tuple, Candidate] = {}
    for i, j, _ in candidate_pairs(
        units, vectors, k=cfg.cand_neighbours, floor=cfg.cand_min_cosine
    ):
        ua, ub = units[i], units[j]
        ta, tb = _claim_or_sentence_times(ua, anns), _claim_or_sentence_times(ub, anns)
        _date_pair(ua, ub, ta, tb, "it happened", vec, cfg, out)
        pa, pb = _sentence_places(ua, anns, dateline), _sentence_places(ub, anns, dateline)
        only_a = [
            m
            for m in pa
            if not any(slots.nested(m.text, n.text) or m.canonical == n.canonical for n in pb)
        ]
        only_b = [
            m
            for m in pb
            if not any(slots.nested(m.text, n.text) or m.canonical == n.canonical for n in pa)
        ]
        if not only_a or not only_b:
            continue
        ma, mb = only_a[0], only_b[0]
        key = tuple(sorted([(ua.article_id, ma.start), (ub.article_id, mb.start)]))
        if key in out:
            continue
        f = claim_features(ua, ub, vec)
        f |= {"slot_match": _jaccard({m.canonical for m in pa}, {m.canonical for m in pb}),
              "slot_gap": 1.0, "same_label": float(ma.label == mb.label)}  # fmt: skip
        reason = (f"where it happened: {_who(ua.outlet, ua.article_id)} says {ma.text!r}, "
                  f"{_who(ub.outlet, ub.article_id)} says {mb.text!r}")  # fmt: skip
        out[key] = Candidate("place", _side(ua, slots.norm_place(ma.text).title()),
                             _side(ub, slots.norm_place(mb.text).title()),
                             (ua.article_id, ma.start), (ub.article_id, mb.start),
                             f"place:{ua.id}", 0.55, reason, f)  # fmt: skip
    return list(out.values())


# ---------------------------------------------------------------- polarity


def polarity_candidates(
    units: Sequence[ClaimUnit], vec: SentVec, cfg: CompareSettings
) -> list[Candidate]:
    """One outlet negates what another affirms, about the same thing: same verb stem, the
    same patient when both have one, another shared content word, related sentences."""
    index: dict[str, list[tuple[ClaimUnit, str | None]]] = defaultdict(list)
    for u in units:
        for fr in u.frames:
            if len(fr.verb) >= 4 and fr.verb not in _GENERIC:
                index[_stem(fr.verb)].append((u, fr.patient))
    out: dict[tuple, Candidate] = {}
    for neg in units:
        if not neg.claim.negated or neg.denied:
            continue
        for target in neg.neg_targets:
            if target in _GENERIC or len(target) < 4:
                continue
            stem = _stem(target)
            neg_patients = {
                fr.patient for fr in neg.frames if _stem(fr.verb) == stem and fr.patient
            }
            for pos, patient in index.get(stem, []):
                if pos.article_id == neg.article_id or pos.claim.negated or pos.sentence is None:
                    continue
                if patient and neg_patients and patient not in neg_patients:
                    continue  # same verb, different objects: different acts
                if re.search(
                    rf"\b(no|not|never|n't)\W+(\w+\W+)?{re.escape(stem)}", pos.sentence.text, re.I
                ):
                    continue
                shared = {w for w in (pos.lemmas & neg.lemmas) - _GENERIC if _stem(w) != stem}
                key = (pos.article_id, neg.article_id, stem)
                if not shared or key in out:
                    continue
                f = claim_features(pos, neg, vec)
                if f["cosine"] < cfg.polarity_min_cosine:
                    continue
                f |= {"slot_match": float(bool(patient and patient in neg_patients)),
                      "slot_gap": 1.0, "shared_words": min(1.0, len(shared) / 5)}  # fmt: skip
                reason = f"{_who(pos.outlet, pos.article_id)} affirms {target!r}, {_who(neg.outlet, neg.article_id)} negates it"
                if f["time_cue"]:
                    reason += "; the sides may refer to different moments (a time cue is present)"
                out[key] = Candidate("polarity", _side(pos, f"{target}: yes"), _side(neg, f"{target}: no"),
                                     (pos.article_id, pos.claim.start), (neg.article_id, neg.claim.start),
                                     f"polarity:{stem}", 0.5 if f["time_cue"] else 0.6, reason, f)  # fmt: skip
    return list(out.values())


# ---------------------------------------------------------------- quotes


_QUOTED = re.compile(r"[“\"]([^“”\"]+)(?:[”\"]|$)|^([^“”\"]+)(?:”|\"(?=[\s.,;:!?]*$))")


@dataclass(frozen=True)
class _Words:
    """Quoted words found in a sentence when the quote annotator found none there (a
    sentence inside a multi-sentence quote, or a quote mark left open)."""

    content: str
    start: int
    end: int
    speaker: str | None = None


def _marked_quotes(s: Any, min_words: int) -> list[_Words]:
    out = []
    for m in _QUOTED.finditer(s.text):
        g = 1 if m.group(1) is not None else 2
        if len(m.group(g).split()) >= min_words:
            out.append(_Words(m.group(g), s.start + m.start(g), s.start + m.end(g)))
    return out


def _quote_units(annotated: Sequence[AnnotatedArticle], cfg: CompareSettings) -> list[tuple]:  # type: ignore[type-arg]
    """Quoted words grouped per (article, sentence): a speaker's words in one sentence."""
    out = []
    for ann in annotated:
        by_sent: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
        sents = list(ann.sentences)
        for q in ann.quotes:
            if q.kind == "indirect" or len(q.content.split()) < cfg.quote_min_words:
                continue  # titles and scare quotes are not statements
            s = next((s for s in sents if s.start <= q.start < s.end), None)
            if s is not None:
                by_sent[s.index].append(q)
        for s in sents:
            if s.index not in by_sent and (found := _marked_quotes(s, cfg.quote_min_words)):
                by_sent[s.index] = found
        for idx, qs in by_sent.items():
            s = next(s for s in sents if s.index == idx)
            people = {
                m.canonical
                for m in ann.mentions
                if m.label == "PERSON" and s.start <= m.start < s.end
            }
            out.append((ann, s, qs, {q.speaker for q in qs if q.speaker} | people))
    return out


def _quote_pairs(units: list, vec: SentVec, cfg: CompareSettings) -> Iterator[tuple]:  # type: ignore[type-arg]
    """All pairs for a small story; above that, each quote's nearest sentences (blocking)."""
    if len(units) <= cfg.cand_all_pairs_below:
        yield from combinations(units, 2)
        return
    from parallax.compare.align import neighbours

    mat = np.stack([vec(a.id, s.index) for a, s, _, _ in units]).astype(np.float32)
    _, idx = neighbours(mat, cfg.cand_neighbours)
    seen = set()
    for i, row in enumerate(idx):
        for j in (int(j) for j in row):
            if j >= 0 and j != i and (min(i, j), max(i, j)) not in seen:
                seen.add((min(i, j), max(i, j)))
                yield units[min(i, j)], units[max(i, j)]


_CONTRACTIONS = (
    (r"n't\b", " not"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
    (r"'m\b", " am"), (r"\b(it|he|she|that|there|what|here|who)'s\b", r"\1 is"), (r"\bcan not\b", "cannot"),
)  # fmt: skip


def _expand(text: str) -> str:
    """Contractions spelled out: "he's" and "he is" are the same words quoted."""
    t = text.replace("’", "'").replace("-", " ")
    for pat, rep in _CONTRACTIONS:
        t = re.sub(pat, rep, t, flags=re.I)
    return t.replace("wo not", "will not").replace("ca not", "can not")


_ELIDED = "[..]"  # an ellipsis inside a quote: words cut on purpose, any number of them


def _quote_words(text: str) -> list[str]:
    """Normalised words of a quote. An editor's [bracket] or (parenthesis) is a stand-in
    token "[]"; an ellipsis is "[..]"; "Sen." and "Senator" are one word."""
    t = re.sub(r"\[[^\]]*\]|\([^)]*\)", " [] ", _expand(text))
    t = re.sub(r"…|\.\s?\.\s?\.", f" {_ELIDED} ", t)
    abbr = slots.abbreviations()
    words = (w if w in ("[]", _ELIDED) else re.sub(r"[^\w]", "", w.lower()) for w in t.split())
    return [abbr.get(w, w) for w in words]


def quote_diff(ta: str, tb: str, cfg_edge: int = 3) -> tuple[str, int, int]:
    """Word-level diff of two quotes over the stretch both cover, ignoring punctuation, case
    and sentence division (an excerpt of a longer quote is not a rewording; an editor's
    [bracket] standing in for a few words is not either). Returns (diff, changed, compared)."""
    na, nb = _quote_words(ta), _quote_words(tb)
    keep_a = [i for i, w in enumerate(na) if w]
    keep_b = [i for i, w in enumerate(nb) if w]
    wa, wb = [na[i] for i in keep_a], [nb[i] for i in keep_b]
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    blocks = [bl for bl in sm.get_matching_blocks() if bl.size]
    if not blocks:
        return "", 0, 0
    a0, b0 = blocks[0].a, blocks[0].b
    a1, b1 = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    # a different word or few at both ends is a rewording; a longer run is an excerpt
    if 0 < len(wa) - a1 <= cfg_edge and 0 < len(wb) - b1 <= cfg_edge:
        a1, b1 = len(wa), len(wb)
    if 0 < a0 <= cfg_edge and 0 < b0 <= cfg_edge:
        a0, b0 = 0, 0
    xa, xb = wa[a0:a1], wb[b0:b1]
    changed, parts = 0, []
    for op, i0, i1, j0, j1 in difflib.SequenceMatcher(a=xa, b=xb, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(" ".join(xa[i0:i1]))
            continue
        da, db = xa[i0:i1], xb[j0:j1]
        if ("[]" in da and len(db) <= 3) or ("[]" in db and len(da) <= 3):
            continue
        if _ELIDED in da or _ELIDED in db:
            continue  # the outlet marked a cut ("remiss … if"): what it left out is not a rewording
        changed += max(len(da), len(db))
        parts.append(f"[-{' '.join(da)}]" * bool(da) + f"[+{' '.join(db)}]" * bool(db))
    return " ".join(parts), changed, max(len(xa), len(xb))


def quote_candidates(
    annotated: Sequence[AnnotatedArticle], vec: SentVec, cfg: CompareSettings
) -> list[Candidate]:
    """The same words of the same speaker quoted with different words by different outlets.
    Punctuation, case and sentence division never count as a difference."""
    units = _quote_units(annotated, cfg)
    best: dict[tuple, tuple[float, Candidate]] = {}
    for (aa, sa, qa, spa), (ab, sb, qb, spb) in _quote_pairs(units, vec, cfg):
        if aa.id == ab.id:
            continue
        ta, tb = " ".join(q.content for q in qa), " ".join(q.content for q in qb)
        ka = [w for w in _words(ta) if w not in _STOP]
        kb = [w for w in _words(tb) if w not in _STOP]
        if not ka or not kb:
            continue
        matched = sum(
            bl.size
            for bl in difflib.SequenceMatcher(a=ka, b=kb, autojunk=False).get_matching_blocks()
        )
        share = matched / min(len(ka), len(kb))
        same_speaker = bool(spa & spb)
        cos = _cos(vec(aa.id, sa.index), vec(ab.id, sb.index))
        near_same = share >= cfg.quote_same_wording_share and len(ka) >= 5
        speakers_ok = same_speaker or not spa or not spb  # unknown speakers do not rule it out
        if not near_same and (not speakers_ok or matched < cfg.quote_min_shared_words
                              or share < cfg.quote_min_share or cos < cfg.cand_min_cosine):  # fmt: skip
            continue
        diff, changed, compared = quote_diff(ta, tb, cfg.quote_edge_words)
        if not changed:
            continue  # punctuation, case or sentence division only
        f = {"cosine": cos, "entity_jaccard": 0.0, "lemma_jaccard": share, "both_own_voice": 0.0,
             "same_attribution": float(same_speaker), "stance_differs": 0.0, "disputed_any": 0.0,
             "negation_differs": 0.0, "time_cue": 0.0, "date_gap_log": -1.0,
             "length_ratio": min(len(ka), len(kb)) / max(len(ka), len(kb)),
             "slot_match": share, "slot_gap": changed / max(compared, 1),
             "changed_words": min(1.0, changed / 10)}  # fmt: skip
        speaker = sorted(spa & spb)[0] if spa & spb else "the same speaker"
        reason = (
            f"{speaker} quoted with different words: {aa.article.outlet} vs {ab.article.outlet}"
        )
        side_a = ConflictSide(
            aa.article.outlet, _quotes_span(aa, qa), qa[0].speaker, value=" ".join(_words(ta))
        )
        side_b = ConflictSide(
            ab.article.outlet, _quotes_span(ab, qb), qb[0].speaker, value=" ".join(_words(tb))
        )
        cand = Candidate("quote_wording", side_a, side_b, (aa.id, qa[0].start), (ab.id, qb[0].start),
                         f"quote:{speaker}", 0.7 if share >= 0.6 else 0.5, reason, f, diff)  # fmt: skip
        score = share + 0.1 * cos
        slots_ = ((aa.id, sa.index, ab.id), (ab.id, sb.index, aa.id))
        if all(k not in best or best[k][0] < score for k in slots_):
            for k in slots_:
                best[k] = (score, cand)
    # keep pairs that still hold their best-counterpart slot on both sides
    count: dict[int, int] = defaultdict(int)
    for _, c in best.values():
        count[id(c)] += 1
    return list({id(c): c for _, c in best.values() if count[id(c)] >= 2}.values())


def _quotes_span(ann: AnnotatedArticle, qs: list) -> Span:  # type: ignore[type-arg]
    start, end = min(q.start for q in qs), max(q.end for q in qs)
    return Span(ann.id, start, end, ann.article.text[start:end])


# ---------------------------------------------------------------- names and titles


def _sentence_and_index(ann: AnnotatedArticle, start: int, end: int) -> tuple[Span, int]:
    """The sentence holding `start` as a Span (the text itself without one) and its index."""
    s = next((s for s in ann.sentences if s.start <= start < s.end), None)
    if s is None:
        return Span(ann.id, start, end, ann.article.text[start:end]), 0
    return Span(ann.id, s.start, s.end, s.text), s.index


def _sentence_of(ann: AnnotatedArticle, start: int, end: int) -> Span:
    return _sentence_and_index(ann, start, end)[0]


def _fixed_features(cos: float) -> dict[str, float]:
    return {"cosine": cos, "entity_jaccard": 1.0, "lemma_jaccard": 0.0, "both_own_voice": 1.0,
            "same_attribution": 0.0, "stance_differs": 0.0, "disputed_any": 0.0,
            "negation_differs": 0.0, "time_cue": 0.0, "date_gap_log": -1.0, "length_ratio": 1.0}  # fmt: skip


def title_candidates(annotated: Sequence[AnnotatedArticle]) -> list[Candidate]:
    """Different offices written next to the same person's name by different outlets
    ("Foreign Minister X" vs "X, the director of ..."). Only title patterns adjacent to
    the name count (slots.office_titles); a description without an office never does."""
    by_person: dict[str, list[tuple[AnnotatedArticle, slots.OfficeTitle]]] = defaultdict(list)
    for ann in annotated:
        for t in slots.office_titles(ann):
            by_person[t.person].append((ann, t))
    out: dict[tuple, Candidate] = {}
    for person, items in by_person.items():
        for (aa, ta), (ab, tb) in combinations(items, 2):
            if aa.id == ab.id or ta.head == tb.head:
                continue
            key = tuple(sorted([(aa.id, ta.office), (ab.id, tb.office)]))
            if key in out:
                continue
            f = _fixed_features(0.0) | {"slot_match": 1.0, "slot_gap": 1.0}
            reason = f"{person}'s office differs: {ta.text!r} ({aa.article.outlet}) vs {tb.text!r} ({ab.article.outlet})"
            a = ConflictSide(
                aa.article.outlet, Span(aa.id, ta.start, ta.end, ta.text), None, value=ta.office
            )
            b = ConflictSide(
                ab.article.outlet, Span(ab.id, tb.start, tb.end, tb.text), None, value=tb.office
            )
            out[key] = Candidate("name_title", a, b, (aa.id, ta.start), (ab.id, tb.start),
                                 f"office:{person}", 0.7, reason, f)  # fmt: skip
    return list(out.values())


def _bare_short_name(ann: AnnotatedArticle, start: int, end: int) -> bool:
    """A one-word person mention used on its own: not part of a longer name or possessive
    ("Mitt" in "Mitt Romney's"), not inside quotes (a nickname or a show title)."""
    text = ann.article.text
    after, before = text[end : end + 3], text[max(0, start - 2) : start]
    if re.match(r"\s+[A-Z]", after) or re.search(
        r"[A-Z][\w’']*\s$", text[max(0, start - 20) : start]
    ):
        return False
    return not (re.search(r"[“\"‘']\s*$", before) or re.match(r"[”\"’']", after))


def name_candidates(annotated: Sequence[AnnotatedArticle], cfg: CompareSettings) -> list[Candidate]:
    """An outlet calls a person by another part of their full name than the other outlets
    do for the same short reference ("Yi" where all others write "Wang"). Needs several
    articles; first names, possessives and nicknames never count by themselves."""
    if len(annotated) < cfg.name_min_articles:
        return []
    full = {
        m.canonical
        for a in annotated
        for m in a.mentions
        if m.label == "PERSON" and " " in m.canonical
    }
    parts = {tok: name for name in full for tok in name.split()}
    forms: dict[str, dict[str, list[tuple[AnnotatedArticle, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for ann in annotated:
        for m in ann.mentions:
            word = m.text.strip()
            if (
                m.label == "PERSON"
                and " " not in word
                and word in parts
                and _bare_short_name(ann, m.start, m.end)
            ):
                forms[parts[word]][word].append((ann, m.start, m.end))
    out = []
    for person, by_form in forms.items():
        arts = {f: {a.id for a, _, _ in uses} for f, uses in by_form.items()}
        if len(arts) < 2:
            continue
        usual = max(arts, key=lambda f: len(arts[f]))
        if len(arts[usual]) < 2:
            continue
        for form, uses in by_form.items():
            odd = arts[form] - arts[usual]  # articles that never use the usual form
            if form == usual or not odd:
                continue
            ann, s, e = next(u for u in uses if u[0].id in odd)
            other, os_, oe = next(u for u in by_form[usual] if u[0].id not in odd)
            f = _fixed_features(0.0) | {"slot_match": 0.5, "slot_gap": 1.0}
            reason = (f"{person} is called {form!r} by {ann.article.outlet} but {usual!r} by "
                      f"{len(arts[usual])} article(s)")  # fmt: skip
            a = ConflictSide(ann.article.outlet, _sentence_of(ann, s, e), None, value=form)
            b = ConflictSide(other.article.outlet, _sentence_of(other, os_, oe), None, value=usual)
            out.append(Candidate("name_title", a, b, (ann.id, s), (other.id, os_),
                                 f"name:{person}", 0.6, reason, f))  # fmt: skip
    return out


def _person_names(annotated: Sequence[AnnotatedArticle]) -> dict[str, dict[str, tuple]]:  # type: ignore[type-arg]
    """Full person names as written (two or more capitalised words, possessive dropped) ->
    article id -> (article, first mention start, end)."""
    names: dict[str, dict[str, tuple]] = defaultdict(dict)  # type: ignore[type-arg]
    for ann in annotated:
        for m in ann.mentions:
            text = re.sub(r"[’']s?$", "", m.text.strip())
            parts = text.split()
            if m.label == "PERSON" and len(parts) >= 2 and all(p[:1].isupper() for p in parts):
                names[text].setdefault(ann.id, (ann, m.start, m.start + len(text)))
    return names


def _near_spelling(p: str, q: str, cfg: CompareSettings) -> float:
    """How alike two different spellings of one name part are (0 when they are not variants:
    same word, an initial, a nickname that is a prefix, another first letter)."""
    p, q = p.lower().rstrip("."), q.lower().rstrip(".")
    if p == q or min(len(p), len(q)) < 3 or p[0] != q[0] or p.startswith(q) or q.startswith(p):
        return 0.0
    r = difflib.SequenceMatcher(None, p, q).ratio()
    return r if r >= cfg.spelling_min_ratio else 0.0


def spelling_candidates(annotated: Sequence[AnnotatedArticle], vec: SentVec,
                        cfg: CompareSettings) -> list[Candidate]:  # fmt: skip
    """One person's name spelled two ways by different outlets ("Jon Owen" vs "John Owen"):
    full names equal on one end and a near spelling on the other, where no article uses both
    spellings (then they may be two people). Nicknames (a prefix: "Jon"/"Jonathan") and
    initials never count."""
    names = _person_names(annotated)
    buckets: dict[str, list[str]] = defaultdict(list)
    for name in names:
        parts = name.split()
        buckets["last:" + parts[-1].lower()].append(name)
        buckets["first:" + parts[0].lower()].append(name)
    out: list[Candidate] = []
    for bucket, members in buckets.items():
        end = 0 if bucket.startswith("last:") else -1  # the end that may differ
        for x, y in combinations(sorted(members), 2):
            ratio = _near_spelling(x.split()[end], y.split()[end], cfg)
            if not ratio or names[x].keys() & names[y].keys():
                continue
            out.extend(_spelling_pairs(names[x], names[y], (x, y, ratio), vec, cfg.cand_min_cosine))
    return out


def _spelling_pairs(xs: dict, ys: dict, what: tuple[str, str, float], vec: SentVec,  # type: ignore[type-arg]
                    cand_min_cosine: float) -> list[Candidate]:  # fmt: skip
    """A star of pairs (each article of one spelling with the first of the other), enough for
    grouping to make one row with every outlet on its side."""
    x, y, ratio = what
    first_x, first_y = next(iter(xs.values())), next(iter(ys.values()))
    pairs = [(a, first_y) for a in xs.values()] + [(first_x, b) for b in ys.values()][1:]
    out = []
    for (aa, sa, ea), (ab, sb, eb) in pairs:
        (span_a, ia), (span_b, ib) = (
            _sentence_and_index(aa, sa, ea),
            _sentence_and_index(ab, sb, eb),
        )
        cos = _cos(vec(aa.id, ia), vec(ab.id, ib))
        if cos < cand_min_cosine:
            continue  # the two names stand in unrelated sentences: maybe two people
        f = _fixed_features(cos) | {"slot_match": ratio, "slot_gap": 1.0 - ratio}
        reason = (
            f"the same person spelled {x!r} by {aa.article.outlet} and {y!r} by {ab.article.outlet}"
        )
        out.append(Candidate(
            "name_title", ConflictSide(aa.article.outlet, span_a, None, value=x),
            ConflictSide(ab.article.outlet, span_b, None, value=y), (aa.id, sa), (ab.id, sb),
            f"spelling:{x}|{y}", 0.6, reason, f,
        ))  # fmt: skip
    return out


# ---------------------------------------------------------------- assessment


def assessment_candidates(
    units: Sequence[ClaimUnit], vectors: np.ndarray, vec: SentVec, cfg: CompareSettings
) -> list[Candidate]:
    """One outlet asserts X in its own voice; another reports X only as someone's claim,
    calls it unproven, or denies it (slots.stance, a general cue list). Blocked by the
    claims' nearest neighbours; both claims must share an entity or content words."""
    from parallax.compare.align import candidate_pairs

    out: dict[tuple, Candidate] = {}
    pairs = candidate_pairs(units, vectors, k=cfg.cand_neighbours, floor=cfg.assessment_min_cosine)
    for i, j, _ in pairs:
        for own, other in ((units[i], units[j]), (units[j], units[i])):
            if own.sentence is None or other.sentence is None or own.claim.negated:
                continue
            if claim_stance(own, negated=False) != "own" or claim_stance(other) != "disputed":
                continue
            shared = (set(own.claim.entities) & set(other.claim.entities)) | (
                (own.lemmas & other.lemmas) - _GENERIC
            )
            key = (own.article_id, other.article_id, own.claim.start)
            if not shared or key in out:
                continue
            f = claim_features(own, other, vec) | {
                "slot_match": min(1.0, len(shared) / 5),
                "slot_gap": 1.0,
            }
            cue = slots.dispute_cue(*_in_sentence(other))
            reason = (f"{_who(own.outlet, own.article_id)} states it in its own voice; "
                      f"{_who(other.outlet, other.article_id)} reports it as disputed "
                      f"({cue or 'attributed'!r})")  # fmt: skip
            out[key] = Candidate("assessment", _side(own, "asserted"), _side(other, "disputed"),
                                 (own.article_id, own.claim.start), (other.article_id, other.claim.start),
                                 f"assessment:{own.id}", 0.5, reason, f)  # fmt: skip
    return list(out.values())


# ---------------------------------------------------------------- all


@dataclass(frozen=True)
class StoryUnits:
    """What every conflict detector reads about one story (one signature for all)."""

    annotated: Sequence[AnnotatedArticle]
    units: Sequence[ClaimUnit]
    vec: SentVec
    vectors: np.ndarray
    cfg: CompareSettings


@dataclass(frozen=True)
class Detector:
    """A registered conflict rule: its name, the conflict kind it emits, and its rule text."""

    name: str
    kind: str
    rule: str  # the first line of the rule function's docstring
    run: Callable[[StoryUnits], list[Candidate]]


def _detector(
    kind: str, fn: Callable[..., list[Candidate]], call: Callable[[StoryUnits], list[Candidate]]
) -> Detector:
    return Detector(fn.__name__, kind, (fn.__doc__ or "").strip().splitlines()[0], call)


# The detectors, in priority order (a later rule proposing the same slots is dropped).
DETECTORS: tuple[Detector, ...] = (
    _detector("number", number_candidates, lambda s: number_candidates(s.units, s.annotated, s.vec, s.cfg)),
    _detector("place", place_candidates, lambda s: place_candidates(s.units, s.annotated, s.vec, s.cfg)),
    _detector("date", date_candidates, lambda s: date_candidates(s.units, s.annotated, s.vec, s.cfg)),
    _detector("polarity", polarity_candidates, lambda s: polarity_candidates(s.units, s.vec, s.cfg)),
    _detector("quote_wording", quote_candidates, lambda s: quote_candidates(s.annotated, s.vec, s.cfg)),
    _detector("name_title", title_candidates, lambda s: title_candidates(s.annotated)),
    _detector("name_title", name_candidates, lambda s: name_candidates(s.annotated, s.cfg)),
    _detector("name_title", spelling_candidates, lambda s: spelling_candidates(s.annotated, s.vec, s.cfg)),
    _detector("assessment", assessment_candidates, lambda s: assessment_candidates(s.units, s.vectors, s.vec, s.cfg)),
    _detector("number/place/date", aligned_slot_candidates, lambda s: aligned_slot_candidates(s.units, s.annotated, s.vectors, s.vec, s.cfg)),
)  # fmt: skip


def find_candidates(
    annotated: Sequence[AnnotatedArticle], units: Sequence[ClaimUnit], vec: SentVec,
    vectors: np.ndarray | None = None, cfg: CompareSettings | None = None,
) -> list[Candidate]:  # fmt: skip
    """Every registered detector's candidates for one story; one failing rule is logged."""
    cfg = cfg or CompareSettings()
    if vectors is None:
        from parallax.compare.align import embed_claims

        vectors = embed_claims(units, annotated)
    story = StoryUnits(annotated, units, vec, vectors, cfg)
    found: list[Candidate] = []
    for detector in DETECTORS:
        try:
            found.extend(detector.run(story))
        except Exception as exc:  # one failing rule must not sink the comparison
            log.warning("conflict rule %s failed: %s", detector.name, exc)
    unique: dict[tuple, Candidate] = {}  # type: ignore[type-arg]
    for c in found:  # two rules proposing the same slots: keep the more specific (first)
        unique.setdefault((c.kind, *sorted([c.node_a, c.node_b])), c)
    return list(unique.values())


def find_conflicts(
    annotated: Sequence[AnnotatedArticle], units: Sequence[ClaimUnit], vec: SentVec,
    vectors: np.ndarray | None = None, cfg: CompareSettings | None = None,
    sources: dict[str, str] | None = None,
) -> list[Conflict]:  # fmt: skip
    """Candidates -> verifier -> one grouped Conflict per disagreement, most confident first."""
    from parallax.compare.grouping import group
    from parallax.compare.verifier import verify

    cfg = cfg or CompareSettings()
    cands = find_candidates(annotated, units, vec, vectors, cfg)
    scored = verify(cands, cfg)
    return group(scored, sources)
