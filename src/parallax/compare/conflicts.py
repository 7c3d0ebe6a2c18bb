"""Typed contradictions between outlets, each with both sides verbatim and a reason.

Every detector is a precise rule over the annotation (quantities, places,
resolved dates, quotes, titles) plus the claim parse; none compares
everything with everything: candidates are blocked by what they share (the
counted noun, the verb+patient, the speaker, the person, the negated word).
Precision matters more than recall here: a false contradiction costs the
reader's trust, so every rule errs on the side of silence and states how
sure it is (`confidence`) and why.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from parallax.compare.claims import ClaimUnit
from parallax.models import (
    UNKNOWN,
    AnnotatedArticle,
    Conflict,
    ConflictSide,
    Mention,
    Span,
)

SentVec = Callable[[str, int], np.ndarray]
_STOP = {"the", "a", "an", "and", "of", "to", "that", "is", "was", "in", "on", "for", "it", "this"}
_LOWER_BOUND = {"at least", "more than", "over", "upwards of", "no fewer than"}
_UPPER_BOUND = {"at most", "fewer than", "less than", "up to", "under", "no more than"}
_ABOUT = {"about", "around", "nearly", "almost", "roughly", "approximately", "some"}
_COUNTRIES = {
    "us", "u.s.", "the us", "the u.s.", "united states", "the united states", "america",
    "china", "russia", "ukraine", "canada", "germany", "france", "japan", "uk", "britain",
}  # fmt: skip
# What kind of thing something is: outlets that call it one of the first kind in
# their own voice contradict outlets that call it (or report it as) the second.
_COVERT = {"spy", "surveillance", "espionage", "spying", "surveil", "reconnaissance"}
_BENIGN = {"civilian", "research", "weather", "meteorological", "scientific", "airship"}
_TIME_HINTS = re.compile(
    r"\b(at the time|then|earlier|later|initially|previously|last \w+)\b", re.I
)
_OFFICES = {
    "minister", "director", "secretary", "spokesman", "spokesperson", "spokeswoman",
    "president", "premier", "ambassador", "chairman", "chair", "governor", "senator",
    "commissioner", "general", "chief", "head", "envoy", "councillor", "councilor",
}  # fmt: skip


_GENERIC = {
    "say",
    "tell",
    "be",
    "have",
    "do",
    "make",
    "china",
    "chinese",
    "us",
    "u.s.",
    "united",
    "states",
}
_NAMELESS = {
    "minister",
    "secretary",
    "director",
    "spokesman",
    "spokesperson",
    "ambassador",
    "premier",
}


def _cid(kind: str, a: Span, b: Span) -> str:
    key = "|".join(sorted([f"{a.article_id}:{a.start}", f"{b.article_id}:{b.start}"]))
    return hashlib.sha1(f"{kind}|{key}".encode()).hexdigest()[:12]


def _span(u: ClaimUnit) -> Span:
    c = u.claim
    return Span(c.article_id, c.start, c.end, c.text)


def _side(u: ClaimUnit, span: Span | None = None) -> ConflictSide:
    return ConflictSide(u.outlet, span or _span(u), u.claim.attribution)


def _who(u: ClaimUnit) -> str:
    return u.outlet if u.outlet != UNKNOWN else f"article {u.article_id[:6]} (outlet unknown)"


def _make(kind: str, a: ConflictSide, b: ConflictSide, conf: float, reason: str, diff=None):
    return Conflict(_cid(kind, a.span, b.span), kind, a, b, round(conf, 2), reason, diff)  # type: ignore[arg-type]


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))]


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


# ---------------------------------------------------------------- numbers


def _interval(value: float, qualifier: str | None) -> tuple[float, float]:
    q = (qualifier or "").lower()
    if q in _LOWER_BOUND:
        return (value + (1e-9 if q == "more than" else 0), float("inf"))
    if q in _UPPER_BOUND:
        return (0.0, value)
    if q in _ABOUT:
        return (value * 0.9, value * 1.1)
    return (value, value)


def number_conflicts(units: Sequence[ClaimUnit], vec: SentVec) -> list[Conflict]:
    """Different counts of the same counted thing in closely related sentences.

    Blocked by the content words of the counted phrase ("previous ... incidents"
    and "previous incursions" share "previous"); compatible figures such as
    "at least four" vs "four", or counts of different things ("five continents"
    vs "forty countries"), are never flagged."""
    index: dict[str, list[tuple[ClaimUnit, object]]] = defaultdict(list)
    for u in units:
        for q in u.quantities:
            before = u.sentence.text[: max(0, q.start - u.sentence.start)] if u.sentence else ""
            if re.search(r"\b(the|these|those|both|all|its|their)\s*$", before, re.I):
                continue  # "the two countries" refers back, it does not count
            for w in {_stem(w) for w in _words(q.counted) if w not in _STOP and len(w) > 2}:
                index[w].append((u, q))
    out: dict[tuple, Conflict] = {}
    for items in index.values():
        for (ua, qa), (ub, qb) in combinations(items, 2):
            if ua.article_id == ub.article_id or qa.value == qb.value:  # type: ignore[attr-defined]
                continue
            ia = _interval(qa.value, qa.qualifier)  # type: ignore[attr-defined]
            ib = _interval(qb.value, qb.qualifier)  # type: ignore[attr-defined]
            both_lower = ia[1] == ib[1] == float("inf")
            disjoint = ia[1] < ib[0] or ib[1] < ia[0]
            if not (disjoint or both_lower):
                continue
            sa, sb = ua.sentence, ub.sentence
            if sa is None or sb is None:
                continue
            sim = _cos(vec(ua.article_id, sa.index), vec(ub.article_id, sb.index))
            if sim < 0.5:
                continue
            a = ConflictSide(ua.outlet, _q_span(ua, qa), ua.claim.attribution)
            b = ConflictSide(ub.outlet, _q_span(ub, qb), ub.claim.attribution)
            if both_lower:
                conf = 0.6
                reason = (
                    f"{_who(ua)} says {qa.text!r} and {_who(ub)} says {qb.text!r}; "  # type: ignore[attr-defined]
                    "both are lower bounds, but they give different counts "  # type: ignore[attr-defined]
                    "of the same earlier events"
                )
            else:
                conf = 0.75
                reason = f"different figures for {qa.counted!r}: {qa.text!r} vs {qb.text!r}"  # type: ignore[attr-defined]
            key = tuple(sorted([(ua.article_id, qa.start), (ub.article_id, qb.start)]))  # type: ignore[attr-defined]
            out[key] = _make("number", a, b, conf, reason)
    return list(out.values())


def _q_span(u: ClaimUnit, q) -> Span:  # type: ignore[no-untyped-def]
    """The figure with its counted noun, cut from the article text."""
    s = u.sentence
    text_start = q.start
    end = q.end
    if s is not None:
        rest = s.text[q.end - s.start :]
        m = re.match(r"[\w\s\-’']*?" + re.escape(q.counted.split()[-1]) if q.counted else r"", rest)
        if q.counted and m:
            end = q.end + m.end()
    full = u.sentence.text if u.sentence else ""
    base = u.sentence.start if u.sentence else 0
    return Span(u.article_id, text_start, end, full[text_start - base : end - base] or q.text)


# ---------------------------------------------------------------- places and dates


def _nested(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return a in b or b in a or a in _COUNTRIES or b in _COUNTRIES


def _frame_index(units: Sequence[ClaimUnit]):  # type: ignore[no-untyped-def]
    index = defaultdict(list)
    for u in units:
        for f in u.frames:
            if f.patient and f.patient not in ("it", "they", "them", "that", "which", "what"):
                index[(f.verb, f.patient)].append((u, f))
    return index


def place_conflicts(units: Sequence[ClaimUnit]) -> list[Conflict]:
    """The same action on the same thing (verb + patient) placed in different places."""
    out = {}
    for (verb, patient), items in _frame_index(units).items():
        for (ua, fa), (ub, fb) in combinations(items, 2):
            if ua.article_id == ub.article_id or not fa.places or not fb.places:
                continue
            pa = [m for m in fa.places if m.canonical.lower() not in _COUNTRIES]
            pb = [m for m in fb.places if m.canonical.lower() not in _COUNTRIES]
            if not pa or not pb or any(_nested(x.canonical, y.canonical) for x in pa for y in pb):
                continue
            ma, mb = pa[0], pb[0]
            a = ConflictSide(ua.outlet, _frame_span(ua, fa), ua.claim.attribution)
            b = ConflictSide(ub.outlet, _frame_span(ub, fb), ub.claim.attribution)
            reason = (
                f"where the {patient} was {verb}: {_who(ua)} says {ma.text!r}, "
                f"{_who(ub)} says {mb.text!r}"
            )
            key = tuple(sorted([(ua.article_id, ma.start), (ub.article_id, mb.start)]))
            out[key] = _make("place", a, b, 0.8, reason)
    return list(out.values())


def date_conflicts(units: Sequence[ClaimUnit]) -> list[Conflict]:
    """The same action on the same thing given non-overlapping resolved dates.

    Relative dates ("on Saturday") count only once resolved; unresolved or
    uncertain ones and resolutions more than a year apart (a wrong anchor, not a
    disagreement) are skipped, so "February 4" and "Saturday" = Feb 4 agree."""
    out = {}
    for (verb, patient), items in _frame_index(units).items():
        for (ua, fa), (ub, fb) in combinations(items, 2):
            if ua.article_id == ub.article_id:
                continue
            ta = [t for t in fa.times if t.date_start and not t.uncertain]
            tb = [t for t in fb.times if t.date_start and not t.uncertain]
            if not ta or not tb:
                continue
            x, y = ta[0], tb[0]
            xe, ye = x.date_end or x.date_start, y.date_end or y.date_start
            if not (xe < y.date_start or ye < x.date_start):  # type: ignore[operator]
                continue
            if abs((x.date_start - y.date_start).days) > 366:  # type: ignore[operator]
                continue
            conf = 0.5 if (x.relative or y.relative) else 0.7
            reason = (
                f"when the {patient} was {verb}: {_who(ua)} {x.text!r} "
                f"({x.date_start}), {_who(ub)} {y.text!r} ({y.date_start})"
            )
            a = ConflictSide(ua.outlet, _frame_span(ua, fa), ua.claim.attribution)
            b = ConflictSide(ub.outlet, _frame_span(ub, fb), ub.claim.attribution)
            key = tuple(sorted([(ua.article_id, x.start), (ub.article_id, y.start)]))
            out[key] = _make("date", a, b, conf, reason)
    return list(out.values())


def _frame_span(u: ClaimUnit, f) -> Span:  # type: ignore[no-untyped-def]
    """The verb with everything it governs, verbatim ("shot down over North Carolina")."""
    s = u.sentence
    if s is None or not (s.start <= f.start < f.end <= s.end):
        return _sentence_span(u)
    return Span(u.article_id, f.start, f.end, s.text[f.start - s.start : f.end - s.start])


def _sentence_span(u: ClaimUnit) -> Span:
    s = u.sentence
    if s is None:
        return _span(u)
    return Span(u.article_id, s.start, s.end, s.text)


# ---------------------------------------------------------------- polarity


def polarity_conflicts(units: Sequence[ClaimUnit], vec: SentVec) -> list[Conflict]:
    """One outlet negates what another affirms ("There was no apology" vs "apologised").

    Blocked by the stem of the negated word; both sentences must be about the
    same thing (embedding cosine). When either side carries its own time cue
    ("at the time") the pair may describe different moments: confidence drops
    and the reason says so."""
    index: dict[str, list[tuple[ClaimUnit, str | None]]] = defaultdict(list)
    for u in units:
        for f in u.frames:
            if len(f.verb) >= 5:
                index[_stem(f.verb)].append((u, f.patient))
    generic = {"be", "have", "do", "make", "get", "take", "go", "see", "say", "able", "appear"}
    out: dict[Any, Any] = {}
    for neg in units:
        if not neg.claim.negated or neg.denied:
            continue
        for target in neg.neg_targets:
            if target in generic or len(target) < 5:
                continue
            stem = _stem(target)
            neg_patients = {f.patient for f in neg.frames if _stem(f.verb) == stem and f.patient}
            for pos, patient in index.get(stem, []):
                if pos.article_id == neg.article_id or pos.claim.negated:
                    continue
                if pos.sentence is None or neg.sentence is None:
                    continue
                if patient and neg_patients and patient not in neg_patients:
                    continue  # "engaged in dialogue" vs "engaged in this action": different acts
                if re.search(
                    rf"\b(no|not|never|n't)\W+(\w+\W+)?{re.escape(stem)}", pos.sentence.text, re.I
                ):
                    continue  # the affirming sentence itself negates it ("There was no apology," he said)
                shared = (pos.lemmas & neg.lemmas) - _GENERIC
                if not {w for w in shared if _stem(w) != stem}:
                    continue  # nothing else in common: probably about different things
                sim = _cos(
                    vec(neg.article_id, neg.sentence.index), vec(pos.article_id, pos.sentence.index)
                )
                if sim < 0.3:
                    continue
                a, b = _side(pos), _side(neg)
                moments = bool(
                    _TIME_HINTS.search(pos.sentence.text) or _TIME_HINTS.search(neg.sentence.text)
                )
                conf = 0.35 if moments else 0.6
                reason = f"{_who(pos)} affirms {target!r}, {_who(neg)} negates it"
                if moments:
                    reason += (
                        "; the sides may refer to different moments (one carries its own "
                        "time cue), so this may not be a real contradiction"
                    )
                if a.attribution != b.attribution:
                    reason += f" (said by {a.attribution or 'the outlet'} vs {b.attribution or 'the outlet'})"
                key = (pos.article_id, neg.article_id, _stem(target))
                if key not in out or out[key][0] < sim:
                    out[key] = (sim, _make("polarity", a, b, conf, reason))
    return [c for _, c in out.values()]


# ---------------------------------------------------------------- quotes


def _quote_units(annotated: Sequence[AnnotatedArticle]):  # type: ignore[no-untyped-def]
    """Quotes grouped per (article, sentence): a speaker's words in one sentence."""
    out = []
    for ann in annotated:
        by_sent: dict[int, list] = defaultdict(list)
        for q in ann.quotes:
            if q.kind == "indirect" or len(q.content.split()) < 4:
                continue  # titles and scare quotes ("Meet the Press", “spy”) are not statements
            s = next((s for s in ann.sentences if s.start <= q.start < s.end), None)
            if s is not None:
                by_sent[s.index].append(q)
        for idx, qs in by_sent.items():
            s = ann.sentences[idx] if idx < len(ann.sentences) else None
            if s is None:
                continue
            people = {
                m.canonical
                for m in ann.mentions
                if m.label == "PERSON" and s.start <= m.start < s.end
            }
            speakers = {q.speaker for q in qs if q.speaker} | people
            out.append((ann, s, qs, speakers))
    return out


def quote_wording_conflicts(annotated: Sequence[AnnotatedArticle], vec: SentVec) -> list[Conflict]:
    """The same words of the same speaker quoted differently by different outlets."""
    units = _quote_units(annotated)
    best: dict[tuple, tuple[float, Conflict]] = {}
    for ua, ub in _quote_pairs(units, vec):
        (aa, sa, qa, spa), (ab, sb, qb, spb) = ua, ub
        if aa.id == ab.id:
            continue
        ta = " … ".join(q.content for q in qa)
        tb = " … ".join(q.content for q in qb)
        wa, wb = _words(ta), _words(tb)
        ka = [w for w in wa if w not in _STOP]
        kb = [w for w in wb if w not in _STOP]
        if not ka or not kb:
            continue
        sm = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
        matched = sum(bl.size for bl in sm.get_matching_blocks())
        share = matched / min(len(ka), len(kb))
        same_speaker = bool(spa & spb)
        sim = _cos(vec(aa.id, sa.index), vec(ab.id, sb.index))
        if share >= 0.8 and len(ka) >= 5:
            pass  # near-identical wording: the same quote even if a speaker is unknown
        elif not same_speaker or matched < 2 or share < 0.3 or sim < 0.45:
            continue
        score = share + 0.1 * sim  # ties in shared words go to the closer sentence
        diff, changed, punct_only = _window_diff(ta, tb)
        if not changed:
            continue
        conf = 0.3 if punct_only else (0.75 if share >= 0.6 else 0.5)
        speaker = sorted(spa & spb)[0] if spa & spb else "the same speaker"
        what = "punctuation/sentence division only" if punct_only else "different words"
        reason = (
            f"{speaker} quoted differently ({what}): {aa.article.outlet} vs {ab.article.outlet}"
        )
        a = ConflictSide(aa.article.outlet, _quotes_span(aa, qa), qa[0].speaker)
        b = ConflictSide(ab.article.outlet, _quotes_span(ab, qb), qb[0].speaker)
        conflict = _make("quote_wording", a, b, conf, reason, diff)
        # each quote pairs with its single best counterpart in each other article
        for key in ((aa.id, sa.index, ab.id), (ab.id, sb.index, aa.id)):
            if key in best and best[key][0] >= score:
                break
        else:
            for key in ((aa.id, sa.index, ab.id), (ab.id, sb.index, aa.id)):
                best[key] = (score, conflict)
    # keep pairs that still hold their best-counterpart slot on both sides
    slots = Counter(id(c) for _, c in best.values())
    uniq = {c.id: c for _, c in best.values() if slots[id(c)] >= 2}
    return list(uniq.values())


def _quote_pairs(units: list, vec: SentVec, k: int = 12):  # type: ignore[no-untyped-def]
    """All pairs for a small story; above that, each quote's k nearest sentences."""
    if len(units) <= 150:
        yield from combinations(units, 2)
        return
    from parallax.compare.align import neighbours

    mat = np.stack([vec(a.id, s.index) for a, s, _, _ in units]).astype(np.float32)
    _, idx = neighbours(mat, k)
    seen = set()
    for i, row in enumerate(idx):
        for j in row:
            j = int(j)
            if j < 0 or j == i or (min(i, j), max(i, j)) in seen:
                continue
            seen.add((min(i, j), max(i, j)))
            yield units[min(i, j)], units[max(i, j)]


def _quotes_span(ann: AnnotatedArticle, qs: list) -> Span:
    start, end = min(q.start for q in qs), max(q.end for q in qs)
    return Span(ann.id, start, end, ann.article.text[start:end])


def _window_diff(ta: str, tb: str) -> tuple[str, bool, bool]:
    """Word diff restricted to the stretch both quotes cover (a shorter excerpt of a
    longer quote is not a rewording). Returns (diff, changed, punctuation only)."""
    ra = re.sub(r"\[[^\]]*\]", "[…]", ta.replace("’", "'")).split()
    rb = re.sub(r"\[[^\]]*\]", "[…]", tb.replace("’", "'")).split()
    na = [re.sub(r"\W", "", w.lower()) or w for w in ra]
    nb = [re.sub(r"\W", "", w.lower()) or w for w in rb]
    sm = difflib.SequenceMatcher(a=na, b=nb, autojunk=False)
    blocks = [bl for bl in sm.get_matching_blocks() if bl.size]
    if not blocks:
        return "", False, False
    a0, b0 = blocks[0].a, blocks[0].b
    a1, b1 = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    wa, wb = ra[a0:a1], rb[b0:b1]
    lines = [ln for ln in difflib.ndiff(wa, wb) if not ln.startswith("?")]
    # what counts as a change: not an editor's [bracketed] insertion standing in for
    # a word or few, and not the punctuation closing the excerpt ("again." vs "again,")
    changed = False
    sm2 = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    for op, i0, i1, j0, j1 in sm2.get_opcodes():
        if op == "equal":
            continue
        xa, xb = wa[i0:i1], wb[j0:j1]
        if "[…]" in xa and len(xb) <= 3 or "[…]" in xb and len(xa) <= 3:
            continue
        at_end = i1 == len(wa) and j1 == len(wb) and i1 - i0 == j1 - j0 == 1
        if at_end and re.sub(r"\W", "", xa[0].lower()) == re.sub(r"\W", "", xb[0].lower()):
            continue
        changed = True
    punct_only = changed and [w for w in na[a0:a1] if w != "[…]"] == [
        w for w in nb[b0:b1] if w != "[…]"
    ]
    diff = " ".join(ln[2:] if ln.startswith("  ") else f"[{ln[0]}{ln[2:]}]" for ln in lines)
    return diff, changed, punct_only


# ---------------------------------------------------------------- names and titles


def _person_map(annotated: Sequence[AnnotatedArticle]) -> dict[str, str]:
    """Single-word person mentions ("Yi", "Wang") -> the full canonical name they belong to."""
    full = {
        m.canonical
        for a in annotated
        for m in a.mentions
        if m.label == "PERSON" and " " in m.canonical
    }
    out: dict[str, str] = {}
    for name in full:
        for tok in name.split():
            out.setdefault(tok, name)
    return out


def name_conflicts(annotated: Sequence[AnnotatedArticle]) -> list[Conflict]:
    """An article calls a person by a different part of their name than the others do
    (WSWS writes "Yi" where everyone else, and WSWS elsewhere, writes "Wang")."""
    pmap = _person_map(annotated)
    uses: dict[str, list[tuple[AnnotatedArticle, Mention]]] = defaultdict(list)
    for ann in annotated:
        for m in ann.mentions:
            if m.label == "PERSON" and " " not in m.text.strip() and m.text.strip() in pmap:
                uses[pmap[m.text.strip()]].append((ann, m))
    out = []
    for person, items in uses.items():
        forms: dict[str, set[str]] = defaultdict(set)
        for ann, m in items:
            forms[m.text.strip()].add(ann.id)
        if len(forms) < 2:
            continue
        usual = max(forms, key=lambda f: len(forms[f]))
        for form, arts in forms.items():
            if form == usual or len(arts) >= len(forms[usual]):
                continue
            for ann, m in items:
                if m.text.strip() != form:
                    continue
                other = next(
                    (x for x in items if x[1].text.strip() == usual and x[0].id != ann.id), None
                )
                if other is None:
                    continue
                oa, om = other
                a = ConflictSide(ann.article.outlet, _mention_sentence(ann, m), None)
                b = ConflictSide(oa.article.outlet, _mention_sentence(oa, om), None)
                reason = (
                    f"{person} is called {form!r} by {ann.article.outlet} but {usual!r} by "
                    f"{len(forms[usual])} article(s); {usual!r} is the short name the others use"
                )
                out.append(_make("name_title", a, b, 0.6, reason))
    return out


def _mention_sentence(ann: AnnotatedArticle, m) -> Span:  # type: ignore[no-untyped-def]
    s = next((s for s in ann.sentences if s.start <= m.start < s.end), None)
    if s is None:
        return Span(ann.id, m.start, m.end, m.text)
    return Span(ann.id, s.start, s.end, s.text)


_ROLE = re.compile(
    r"\b(?:(?:China|Beijing|the US|the U\.S\.)[’']s|Chinese|American|the|top|senior|a)\s+"
    r"((?:[A-Za-z]+\s+){0,3}?(?:" + "|".join(sorted(_OFFICES | {"diplomat", "official"})) + r"))\b"
)


def collect_titles(
    annotated: Sequence[AnnotatedArticle],
) -> list[tuple[AnnotatedArticle, str, str, int, int]]:
    """(article, person, title, start, end): annotated titles plus two fallbacks for
    what title extraction misses: "NAME, the TITLE" appositions and a nameless role
    ("China's senior foreign minister") linked to the first person named in the
    next sentence who is not named in its own sentence (a heuristic, documented)."""
    out = []
    for ann in annotated:
        for t in ann.titles:
            out.append((ann, t.person, t.title, t.start, t.end))
        text = ann.article.text
        persons = [m for m in ann.mentions if m.label == "PERSON"]
        for m in persons:
            app = re.match(
                r",\s+(the|a)\s+([^,.;“”\"]{3,120}?)(?=[,.;]|\s+(?:before|after|who)\b)",
                text[m.end :],
            )
            if app:
                s, e = m.end + app.start(2), m.end + app.end(2)
                out.append((ann, m.canonical, text[s:e], s, e))
            pre = re.search(
                r"((?:top|senior)\s+(?:[A-Z]\w+\s+)?\w+)\s+$", text[max(0, m.start - 60) : m.start]
            )
            if pre:
                s = m.start - len(text[max(0, m.start - 60) : m.start]) + pre.start(1)
                out.append((ann, m.canonical, pre.group(1), s, s + len(pre.group(1))))
        for i, sent in enumerate(ann.sentences):
            for rm in _ROLE.finditer(sent.text):
                s0 = sent.start + rm.start(1)
                if any(p.start <= s0 + len(rm.group(1)) + 2 and p.start >= s0 for p in persons):
                    continue  # a title before a name is handled above
                # the person meant is the first one named after the role who is not
                # already named in the role's own clause (its counterpart, e.g. Blinken)
                near = {p.canonical for p in persons if sent.start <= p.start < s0 + 200}
                nxt = ann.sentences[i + 1] if i + 1 < len(ann.sentences) else sent
                if rm.group(1).split()[-1] not in _NAMELESS:
                    continue
                if not re.match(
                    r"(China|Beijing|the US|the U\.S\.)[’']s|Chinese|American", rm.group(0)
                ):
                    continue  # only "<country>'s <office>" is specific enough to link
                cands = [p for p in persons if s0 < p.start < nxt.end and p.canonical not in near]
                if cands:
                    out.append((ann, cands[0].canonical, rm.group(1), s0, s0 + len(rm.group(1))))
    return out


def _office(title: str) -> str | None:
    words = [w.lower().strip(",.") for w in title.split()]
    for w in words:
        if w in _OFFICES:
            return "spokesperson" if w.startswith("spokes") else w
    return None


def title_conflicts(annotated: Sequence[AnnotatedArticle]) -> list[Conflict]:
    """Different offices for the same person across outlets ("foreign minister" vs
    "director of the Central Foreign Affairs office"). Descriptions that name no
    office ("top Chinese diplomat") are compatible with any office."""
    from rapidfuzz import fuzz

    pmap = _person_map(annotated)
    by_person: dict[str, list] = defaultdict(list)
    for ann, person, title, s, e in collect_titles(annotated):
        person = pmap.get(person, person)
        office = _office(title)
        if office:
            by_person[person].append((ann, title, office, s, e))
    out = {}
    for person, items in by_person.items():
        for (aa, ta, oa, sa, ea), (ab, tb, ob, sb, eb) in combinations(items, 2):
            if aa.id == ab.id or (
                aa.article.outlet == ab.article.outlet and aa.article.outlet != UNKNOWN
            ):
                continue
            if oa == ob or fuzz.token_set_ratio(ta.lower(), tb.lower()) >= 80:
                continue
            key = tuple(sorted([(aa.id, ta.lower()), (ab.id, tb.lower())]))
            if key in out:
                continue
            a = ConflictSide(aa.article.outlet, Span(aa.id, sa, ea, aa.article.text[sa:ea]), None)
            b = ConflictSide(ab.article.outlet, Span(ab.id, sb, eb, ab.article.text[sb:eb]), None)
            reason = f"{person}'s office differs: {ta!r} ({aa.article.outlet}) vs {tb!r} ({ab.article.outlet})"
            out[key] = _make("name_title", a, b, 0.7, reason)
    return list(out.values())


# ---------------------------------------------------------------- assessment


_LABEL = re.compile(
    r"(?<![“\"‘'])\b(spy|surveillance|espionage|reconnaissance|civilian|research|weather|"
    r"meteorological|scientific)\s+(?:\w+\s+)?(balloon|aircraft|plane|airship|drone|satellite|"
    r"ship|program|programme|campaign|platform|device|craft)s?\b",
    re.I,
)


def _kind_words(u: ClaimUnit, words: set[str]) -> set[str]:
    """Labels used as a label ("spy balloon"), not in scare quotes or as a verb."""
    found = {m.group(1).lower() for m in _LABEL.finditer(u.claim.text)}
    return found & words


def assessment_conflicts(units: Sequence[ClaimUnit]) -> list[Conflict]:
    """One outlet asserts in its own voice what kind of thing something was ("China's spy
    balloon program"); another calls it something else in its own voice ("vagrant
    Chinese research balloon"), or reports it only as a disputed claim ("China has
    insisted the balloon was not intended for surveillance") or in scare quotes."""
    by_art: dict[str, list[ClaimUnit]] = defaultdict(list)
    for u in units:
        by_art[u.article_id].append(u)

    def asserts(us: list[ClaimUnit]) -> ClaimUnit | None:
        reported = [(v.claim.start, v.claim.end) for v in us if v.claim.attribution is not None]
        for u in us:
            if u.claim.attribution is not None or u.claim.negated:
                continue
            for m in _LABEL.finditer(u.claim.text):
                pos = u.claim.start + m.start()
                if m.group(1).lower() in _COVERT and not any(a <= pos < b for a, b in reported):
                    return u  # a label in the outlet's own words, not inside what someone says
        return None

    def disputes(us: list[ClaimUnit]) -> tuple[ClaimUnit, float, str] | None:
        for u in us:
            if u.claim.attribution is None and _kind_words(u, _BENIGN) and not u.claim.negated:
                return u, 0.8, f"calls it {sorted(_kind_words(u, _BENIGN))} in its own voice"
        for u in us:
            if u.claim.attribution is not None and u.claim.negated:
                labels = " ".join(m.group(0) for m in _LABEL.finditer(u.claim.text))
                bare = set(_words(u.claim.text)) - set(_words(labels))
                if bare & _COVERT:  # "not intended for surveillance", not "the spy balloon"
                    return u, 0.6, f"reports it only as disputed (by {u.claim.attribution})"
        for u in us:
            if u.claim.attribution is not None and _kind_words(u, _BENIGN):
                return (
                    u,
                    0.55,
                    f"reports {u.claim.attribution}'s account that it was {sorted(_kind_words(u, _BENIGN))}",
                )
        for u in us:
            if any(set(_words(q)) & _COVERT for q in u.scare_quoted):
                return u, 0.5, "puts the label in scare quotes"
        return None

    out = []
    asserted = {aid: asserts(us) for aid, us in by_art.items()}
    disputed = {aid: disputes(us) for aid, us in by_art.items() if asserted[aid] is None}
    for aid in by_art:
        a = asserted[aid]
        if a is None:
            continue
        for got in disputed.values():
            if got is None:
                continue
            b, conf, how = got
            label = sorted(_kind_words(a, _COVERT))
            reason = f"{_who(a)} asserts {label} in its own voice; {_who(b)} {how}"
            out.append(_make("assessment", _side(a), _side(b), conf, reason))
    return out


def find_conflicts(
    annotated: Sequence[AnnotatedArticle], units: Sequence[ClaimUnit], vec: SentVec
) -> list[Conflict]:
    """All typed conflicts of one story, most confident first."""
    found: list[Conflict] = []
    detectors: list[Callable[[], list[Conflict]]] = [
        lambda: number_conflicts(units, vec),
        lambda: place_conflicts(units),
        lambda: date_conflicts(units),
        lambda: polarity_conflicts(units, vec),
        lambda: quote_wording_conflicts(annotated, vec),
        lambda: name_conflicts(annotated),
        lambda: title_conflicts(annotated),
        lambda: assessment_conflicts(units),
    ]
    for detect in detectors:
        try:
            found.extend(detect())
        except Exception as exc:  # one failing detector must not sink the comparison
            import logging

            logging.getLogger(__name__).warning("conflict detector failed: %s", exc)
    # one conflict per distinct wording pair and outlet pair: two articles of one
    # outlet repeating the same sentence add nothing for the reader
    seen: set = set()
    out = []
    for c in sorted(found, key=lambda c: -c.confidence):
        key = (
            c.kind,
            frozenset({(c.a.outlet, _norm(c.a.span.text)), (c.b.outlet, _norm(c.b.span.text))}),
        )
        if c.id not in seen and key not in seen:
            seen.update((c.id, key))
            out.append(c)
    return out


def _norm(text: str) -> str:
    return " ".join(_words(text))
