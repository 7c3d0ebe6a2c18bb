"""Split annotated sentences into claims: clauses with subject, predicate and attribution.

A claim is the unit we align and compare across outlets. Clauses come from
the one stored parse (`AnnotatedArticle.doc`); everything else (entities, quotes, dates, numbers) comes from the annotation
so claims agree with the rest of the product.

Attribution: a claim inside a Quote span (or the complement of a speech verb,
or an "according to X" sentence) is attributed to that speaker; otherwise it
is the outlet's own voice (attribution None).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from parallax.models import (
    UNKNOWN,
    AnnotatedArticle,
    Claim,
    Mention,
    Quantity,
    Quote,
    Sentence,
    TimeExpression,
)

# Verbs that make their complement someone else's statement, on top of the
# Recasens et al. report-verb list shipped in resources/.
_EXTRA_SPEECH = {"say", "tell", "insist", "deny", "claim", "declare", "explain", "add", "confirm"}
_DENIAL_VERBS = {"deny", "dispute", "reject", "refute", "dismiss"}
_NEG_WORDS = {"not", "n't", "no", "never", "neither", "nor", "nothing", "none"}
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
# numbers and dates are attached as numbers/dates, not as entities
_VALUE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    """Report verbs (Recasens et al. 2013 list) plus a few common ones."""
    try:
        text = resources.files("parallax").joinpath("resources", "recasens2013_report_verbs.txt")
        words = {
            ln.strip().lower()
            for ln in text.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")
        }
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        words = set()
    return frozenset(words | _EXTRA_SPEECH)


@dataclass(frozen=True)
class Frame:
    """One verb of a claim with what it acts on and where/when (for place/date conflicts)."""

    verb: str
    patient: str | None
    places: tuple[Mention, ...]
    times: tuple[TimeExpression, ...]
    start: int = 0  # the verb's subtree, article offsets
    end: int = 0


@dataclass(frozen=True)
class ClaimUnit:
    """A Claim plus the parse features the aligner and conflict typer need."""

    claim: Claim
    outlet: str
    lemmas: frozenset[str]  # content lemmas (nouns, verbs, adjectives, numbers)
    verb: str | None  # lemma of the clause head
    patient: str | None  # lemma of the object / passive subject / inherited subject
    places: tuple[Mention, ...]
    persons: tuple[Mention, ...]
    quantities: tuple[Quantity, ...]
    times: tuple[TimeExpression, ...]
    quotes: tuple[Quote, ...]
    sentence: Sentence | None = None
    frames: tuple[Frame, ...] = ()  # (verb, patient, places, times) per verb in the claim
    neg_targets: tuple[str, ...] = ()  # lemmas a negation applies to ("no apology" -> apology)
    denied: bool = False  # complement of "deny"/"reject": the speaker asserts its negation
    speech_verb: str | None = None  # the report verb this claim is the complement of ("claims")
    scare_quoted: tuple[str, ...] = ()  # short quoted words like “spy” inside own voice

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def article_id(self) -> str:
        return self.claim.article_id


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _clause_heads(sent: Any) -> list[tuple[Any, str | None]]:
    """(head token, role) for each clause: the root plus coordinated/adverbial clauses
    that have their own subject, and complements of speech verbs (role "speech")."""
    heads: list[tuple[Any, str | None]] = []
    for tok in sent:
        if tok.dep_ == "ROOT":
            heads.append((tok, None))
        elif tok.dep_ in ("conj", "advcl") and tok.pos_ in ("VERB", "AUX"):
            has_subj = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children)
            if has_subj or tok.dep_ == "advcl":
                heads.append((tok, None))
        elif tok.dep_ == "ccomp" and tok.head.lemma_.lower() in speech_verbs():
            heads.append((tok, "speech"))
    return heads


def _span_of(head: Any, others: list[Any]) -> tuple[int, int]:
    """Token range of head's subtree minus nested clause subtrees at its edges."""
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    for o in others:
        if o is head or not (lo <= o.i < hi) or not head.is_ancestor(o):
            continue
        olo, ohi = o.left_edge.i, o.right_edge.i + 1
        if ohi >= hi and olo > head.i:
            hi = olo
        elif olo <= lo and ohi <= head.i:
            lo = ohi
    doc = head.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ in ("cc", "mark", "prep")):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].dep_ == "cc"):
        hi -= 1
    return lo, hi


def _patient(head: Any) -> str | None:
    for dep in ("dobj", "nsubjpass", "attr", "pobj"):
        for c in head.children:
            if c.dep_ == dep:
                if c.lemma_.lower() in ("what", "that", "which"):
                    inner = [t for t in c.head.subtree if t.dep_ == "attr" and t.pos_ == "NOUN"]
                    if inner:
                        return str(inner[0].lemma_.lower())
                return str(c.lemma_.lower())
    for c in head.children:  # "shot down what it says was a spy balloon"
        if c.dep_ == "ccomp":
            inner = [t for t in c.subtree if t.dep_ == "attr" and t.pos_ == "NOUN"]
            if inner:
                return str(inner[0].lemma_.lower())
    # "before being shot down": climb to the clause that names what was acted on
    cur = head
    for _ in range(8):
        infinitival = any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if cur.dep_ in ("relcl", "acl") and not infinitival:
            return str(cur.head.lemma_.lower())
        if (
            cur.dep_ not in ("advcl", "conj", "xcomp", "pcomp", "prep", "pobj", "acl")
            or cur.head is cur
        ):
            break
        cur = cur.head
        for c in cur.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() not in (
                "that",
                "which",
                "who",
            ):
                return str(c.lemma_.lower())
    return None


def _neg_targets(toks: list[Any]) -> tuple[str, ...]:
    out = []
    for t in toks:
        if t.dep_ == "neg" or t.lower_ in _NEG_WORDS:
            head = t.head if t.head is not t else t
            cands = [head, *(c for c in head.children if c.dep_ in ("xcomp", "acomp", "attr"))]
            for c in cands:
                if c.pos_ not in ("NOUN", "VERB", "ADJ"):
                    continue
                if any(x.lower_ in ("only", "just") for x in c.children):
                    continue  # "not the only nation" negates exclusivity, not the noun
                out.append(c.lemma_.lower())
    return tuple(dict.fromkeys(out))


def _frames(toks: list[Any], off: int, ann: AnnotatedArticle) -> tuple[Frame, ...]:
    out = []
    for t in toks:
        if t.pos_ != "VERB":
            continue
        s0 = t.left_edge.idx + off
        s1 = t.right_edge.idx + len(t.right_edge) + off
        subj = [
            (c.left_edge.idx + off, c.right_edge.idx + len(c.right_edge) + off)
            for c in t.children
            if c.dep_ in ("nsubj", "nsubjpass", "agent")
        ]
        places = tuple(
            m
            for m in ann.mentions
            if m.label in _PLACE_LABELS
            and s0 <= m.start
            and m.end <= s1
            and not any(a <= m.start < b for a, b in subj)
        )
        times = tuple(x for x in ann.times if s0 <= x.start and x.end <= s1)
        out.append(Frame(t.lemma_.lower(), _patient(t), places, times, s0, s1))
    return tuple(out)


def _speaker_of(verb: Any, mentions: Sequence[Mention], offset: int) -> str | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            s0, s1 = c.left_edge.idx + offset, c.right_edge.idx + len(c.right_edge) + offset
            for m in mentions:
                if _overlaps(s0, s1, m.start, m.end) and m.label in (
                    "PERSON",
                    "ORG",
                    "GPE",
                    "NORP",
                ):
                    return m.canonical
            return c.text if c.pos_ == "PROPN" else None
    return None


def _claim_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]


def extract_claims(annotated: Sequence[AnnotatedArticle]) -> list[ClaimUnit]:
    """All claims of all articles, in text order, from the one stored parse (`ann.doc`)."""
    out: list[ClaimUnit] = []
    for ann in annotated:
        for sent in ann.sentences:
            if not sent.text.strip():
                continue
            span = (
                ann.doc.char_span(sent.start, sent.end, alignment_mode="expand")
                if ann.doc
                else None
            )
            # a copy of the sentence's tokens with their parse (no re-parsing), offsets from 0
            doc = span.as_doc() if span is not None else None
            try:
                out.extend(_claims_of_sentence(ann, sent, doc))
            except Exception:  # a parse we cannot split still yields the whole sentence
                out.extend(_claims_of_sentence(ann, sent, None))
    return out


def _claims_of_sentence(ann: AnnotatedArticle, sent: Sentence, doc: Any) -> list[ClaimUnit]:
    art = ann.article
    off = sent.start
    ranges: list[tuple[int, int, Any, str | None]] = []
    if doc is not None and len(doc):
        heads = _clause_heads(doc)
        speech_parents = {h.head.i for h, role in heads if role == "speech"}
        toks = [h for h, _ in heads]
        for h, role in heads:
            if h.i in speech_parents and role is None:
                continue  # "Blinken said [that X]": only X is a claim
            lo, hi = _span_of(h, toks)
            if hi - lo >= 3:
                ranges.append((doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]), h, role))
    if not ranges:
        ranges = [(0, len(sent.text), None, None)]
    # the sentence-level "according to X" / "X said" speaker
    sent_speaker = None
    if doc is not None:
        for tok in doc:
            if tok.lower_ == "according" and tok.dep_ == "prep":
                for t in tok.subtree:
                    if t.dep_ == "pobj":
                        e = t.idx + off
                        hit = [
                            m
                            for m in ann.mentions
                            if m.start <= e < m.end + 40 and m.start >= e - 40
                        ]
                        hit = [m for m in hit if m.label in ("PERSON", "ORG", "GPE", "NORP")]
                        sent_speaker = hit[-1].canonical if hit else t.text
    units = []
    for c0, c1, head, role in ranges:
        start, end = off + c0, off + c1
        text = art.text[start:end]
        quotes = tuple(q for q in ann.quotes if _overlaps(start, end, q.start, q.end))
        attribution: str | None = None
        denied, speech_verb = False, None
        if role == "speech" and head is not None:
            attribution = _speaker_of(head.head, ann.mentions, off) or UNKNOWN
            denied = head.head.lemma_.lower() in _DENIAL_VERBS
            speech_verb = head.head.text
        big = [q for q in quotes if (min(end, q.end) - max(start, q.start)) >= 0.5 * (end - start)]
        if big:
            attribution = big[0].speaker or UNKNOWN
        if attribution is None and sent_speaker:
            attribution = sent_speaker
        toks = [t for t in doc if c0 <= t.idx < c1] if doc is not None else []
        negated = denied or any(t.dep_ == "neg" or t.lower_ in _NEG_WORDS for t in toks)
        mentions = [m for m in ann.mentions if _overlaps(start, end, m.start, m.end)]
        quants = tuple(q for q in ann.quantities if _overlaps(start, end, q.start, q.end))
        times = tuple(t for t in ann.times if _overlaps(start, end, t.start, t.end))
        lemmas = frozenset(
            t.lemma_.lower()
            for t in toks
            if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and not t.is_stop
        )
        scare = tuple(
            q.content for q in quotes if len(q.content.split()) <= 2 and attribution is None
        )
        subj = next((t.text for t in toks if t.dep_ in ("nsubj", "nsubjpass")), None)
        claim = Claim(
            id=_claim_id(art.id, start, end),
            article_id=art.id,
            outlet=art.outlet,
            sentence_index=sent.index,
            start=start,
            end=end,
            text=text,
            subject=subj,
            predicate=head.lemma_ if head is not None else None,
            attribution=attribution,
            entities=tuple(
                dict.fromkeys(m.canonical for m in mentions if m.label not in _VALUE_LABELS)
            ),
            numbers=tuple(q.value for q in quants),
            dates=tuple(t.date_start.isoformat() for t in times if t.date_start),
            negated=negated,
        )
        units.append(
            ClaimUnit(
                claim=claim,
                outlet=art.outlet,
                lemmas=lemmas,
                verb=head.lemma_.lower() if head is not None else None,
                patient=_patient(head) if head is not None else None,
                places=tuple(m for m in mentions if m.label in _PLACE_LABELS),
                persons=tuple(m for m in mentions if m.label == "PERSON"),
                quantities=quants,
                times=times,
                quotes=quotes,
                sentence=sent,
                neg_targets=_neg_targets(toks),
                frames=_frames(toks, off, ann),
                denied=denied,
                speech_verb=speech_verb,
                scare_quoted=scare,
            )
        )
    return units


def claims_only(units: Sequence[ClaimUnit]) -> tuple[Claim, ...]:
    return tuple(u.claim for u in units)
