"""Normalised slots of a claim: what the candidate rules compare and the verifier reads.

All slots come from the one annotation (quantities, mentions, times, quotes) plus the
stored parse; nothing here parses text again. Word lists live in resources/comparison/
with their sources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from parallax.models import AnnotatedArticle, Quantity

_STOP = {
    "the", "a", "an", "and", "of", "to", "that", "is", "was", "in", "on", "for", "it", "this",
    "at", "least", "more", "than", "about", "some", "over", "under", "nearly", "almost",
    "around", "up", "as", "many", "few", "only", "just", "by", "with", "their", "its",
}  # fmt: skip
_LOWER = {"at least", "more than", "over", "upwards of", "no fewer than", "just over"}
_UPPER = {"at most", "fewer than", "less than", "up to", "under", "no more than", "just under"}
_ABOUT = {
    "about", "around", "nearly", "almost", "roughly", "approximately", "some", "an estimated",
    "close to", "as many as",
}  # fmt: skip
# "a 7-2 vote", "voted 5-4", "voting 7 to 2", "by a vote of 52-48"
_TALLY = re.compile(
    r"(?i)\b(?:(vot\w*|tally|margin|ruling|decision|split)\W+(?:\w+\W+){0,3}?)?"
    r"(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})\b(?:\W+(?:\w+\W+){0,2}?(vote|ruling|decision|tally|margin))?"
)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def _read_lines(name: str) -> list[str]:
    path = resources.files("parallax").joinpath("resources", "comparison", name)
    return [
        ln.rstrip("\n")
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    """Abbreviation -> full state/country name (AP style and USPS codes)."""
    out = {}
    for ln in _read_lines("us_state_abbreviations.tsv"):
        abbr, full = ln.split("\t")
        out[abbr.lower()] = full
    return out


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Title and month abbreviations -> the full word ("sen" -> "senator")."""
    return dict(ln.split("\t") for ln in _read_lines("abbreviations.tsv"))


@lru_cache(maxsize=1)
def dispute_cues() -> re.Pattern[str]:
    words = sorted(_read_lines("dispute_cues.txt"), key=len, reverse=True)
    return re.compile(r"(?i)(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")


@lru_cache(maxsize=1)
def offices() -> frozenset[str]:
    return frozenset(w.lower() for w in _read_lines("offices.txt"))


def stems(text: str) -> frozenset[str]:
    """Content-word stems (first 5 letters) of a phrase: what is counted, compared loosely."""
    words = re.findall(r"[a-z]+", text.lower())
    return frozenset(w[:5] for w in words if w not in _STOP and len(w) > 2)


# ---------------------------------------------------------------- numbers


@dataclass(frozen=True)
class NumberSlot:
    """A figure with the interval it allows and what it counts."""

    kind: str  # "count", "percent", "money", "tally"
    lo: float
    hi: float
    counted: frozenset[str]  # stems of the counted noun phrase
    text: str
    start: int  # article offsets of the figure
    end: int
    value: str  # normalised value shown to the reader ("7-2", "at least 4")


def interval(value: float, qualifier: str | None, about: float) -> tuple[float, float]:
    q = (qualifier or "").lower()
    if q in _LOWER:
        return (value + (1e-9 if q in ("more than", "over") else 0.0), float("inf"))
    if q in _UPPER:
        return (0.0, value)
    if q in _ABOUT:
        return (value * (1 - about), value * (1 + about))
    return (value, value)


def _kind_of(q: Quantity, text: str) -> str:
    t = q.text.lower()
    if "%" in t or "percent" in t or "per cent" in t:
        return "percent"
    # the currency sign may sit just outside the quantity ("$200 million offer")
    if re.search(r"[$€£]\s*$", text[max(0, q.start - 3) : q.start]) or any(
        c in t for c in ("$", "dollar", "€", "£")
    ):
        return "money"
    return "count"


def _refers_back(q: Quantity, text: str, start: int) -> bool:
    """ "the two countries" points back at things named before; it does not count them.
    A decimal or a hyphenated figure ("the 6.1-magnitude quake") is never a back-reference."""
    if q.value != int(q.value) or re.match(r"[\w.,]+\s*-\s*[a-z]", q.text):
        return False
    before = text[max(start, q.start - 12) : q.start].lower()
    return bool(re.search(r"\b(the|these|those|both|all|its|their)\s*$", before))


def number_slots(ann: AnnotatedArticle, start: int, end: int, about: float) -> list[NumberSlot]:
    """Figures in [start, end): quantities with a counted noun, plus vote tallies."""
    text = ann.article.text
    out: list[NumberSlot] = []
    tally_spans: list[tuple[int, int]] = []
    for m in _TALLY.finditer(text, start, end):
        if not (m.group(1) or m.group(4)):
            continue  # "3-4 inches" is a range, not a vote
        a, b = int(m.group(2)), int(m.group(3))
        big, small = max(a, b), min(a, b)
        s0, s1 = m.start(2), m.end(3)
        tally_spans.append((s0, s1))
        out.append(
            NumberSlot("tally", big * 1000 + small, big * 1000 + small, frozenset({"vote"}),
                       text[s0:s1], s0, s1, f"{big}-{small}")
        )  # fmt: skip
    out.extend(_amounts(ann, start, end, about, tally_spans))
    out.extend(age_slots(ann, start, end))
    for q in ann.quantities:
        if not (start <= q.start < end) or any(a <= q.start < b for a, b in tally_spans):
            continue
        counted = stems(q.counted)
        if _YEAR.match(q.text.strip()) and not counted:
            continue  # a bare year is a date, not a count
        if _refers_back(q, text, start):
            continue
        kind = _kind_of(q, text)
        if kind == "count" and not counted:
            continue  # a count of nothing named cannot be compared
        lo, hi = interval(q.value, q.qualifier, about)
        qual = f"{q.qualifier} " if q.qualifier else ""
        out.append(
            NumberSlot(kind, lo, hi, counted | {kind}, q.text, q.start, q.end,
                       f"{qual}{q.value:g}{'%' if kind == 'percent' else ''}")
        )  # fmt: skip
    return out


def _amounts(
    ann: AnnotatedArticle, start: int, end: int, about: float, taken: list[tuple[int, int]]
) -> list[NumberSlot]:
    """Money and percentages the parse tags (MONEY/PERCENT) that the quantity annotator
    skipped because no counted noun follows ("costing the group $1 million")."""
    from parallax.annotate.quantities import parse_number

    if ann.doc is None:
        return []
    have = [(q.start, q.end) for q in ann.quantities] + taken
    out = []
    for ent in ann.doc.char_span(start, end, alignment_mode="expand").ents if end > start else []:
        if ent.label_ not in ("MONEY", "PERCENT") or any(
            a < ent.end_char and ent.start_char < b for a, b in have
        ):
            continue
        raw = re.sub(r"(?i)(us\$|\$|€|£|percent|per cent|%|dollars?)", " ", ent.text)
        m = re.search(r"[\d.,]+(?:\s+(?:hundred|thousand|million|billion|trillion))?", raw)
        value = parse_number(m.group(0).strip()) if m else None
        if value is None:
            continue
        # the qualifier before the figure, inside the entity or just before it ("over $142 million")
        digit = re.search(r"\d", ent.text)
        prefix = ent.text[: digit.start()] if digit else ""
        before = ann.article.text[max(0, ent.start_char - 30) : ent.start_char] + prefix
        qual = re.search(
            r"(?i)\b("
            + "|".join(sorted(_LOWER | _UPPER | _ABOUT, key=len, reverse=True))
            + r")\W*$",
            before,
        )
        q = qual.group(1).lower() if qual else None
        kind = "money" if ent.label_ == "MONEY" else "percent"
        lo, hi = interval(value, q, about)
        head = ent.root.head
        counted = frozenset({kind}) | (
            stems(head.lemma_) if head.pos_ in ("NOUN", "VERB") else frozenset()
        )
        inside = qual is not None and qual.start() >= len(before) - len(prefix)
        shown = ent.text if inside or q is None else f"{q} {ent.text}"
        out.append(NumberSlot(kind, lo, hi, counted, ent.text, ent.start_char, ent.end_char, shown))
    return out


# Content tokens on each side of a figure that say what it is a figure OF ("fell about
# 150 metres" vs "rushed for 226 yards"); policy, about one clause on either side.
CONTEXT_WIDTH = 6


@dataclass(frozen=True)
class SlotContext:
    lemmas: frozenset[str]  # content lemmas near the slot (numbers and stop words left out)
    holders: frozenset[str]  # PERSON/ORG/GPE/NORP names near it: whose figure it is
    verb: str = ""  # lemma of the nearest verb governing the figure ("scored", "killed")


def slot_context(ann: AnnotatedArticle, start: int, end: int) -> SlotContext:
    """What stands around a slot in the stored parse (empty without a parse)."""
    doc = ann.doc
    if doc is None:
        return SlotContext(frozenset(), frozenset())
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return SlotContext(frozenset(), frozenset())
    sent = span.sent
    lo, hi = max(sent.start, span.start - CONTEXT_WIDTH), min(sent.end, span.end + CONTEXT_WIDTH)
    toks = [t for t in doc[lo:hi] if not (span.start <= t.i < span.end)]
    lemmas = frozenset(
        t.lemma_.lower() for t in toks if t.is_alpha and not t.is_stop and not t.like_num
    )
    holders = frozenset(
        e.text.lower()
        for e in sent.ents
        if e.label_ in ("PERSON", "ORG", "GPE", "NORP") and lo <= e.start and e.end <= hi
    )
    gov = next((t for t in span.root.ancestors if t.pos_ in ("VERB", "AUX")), None)
    return SlotContext(lemmas, holders, gov.lemma_.lower() if gov is not None else "")


# "61-year-old Jane Roe", "Jane Roe, 61,", "Jane Roe (61)", "Jane Roe, aged 61,"
_AGE_BEFORE = re.compile(r"(?i)\b((?:\w+-)?\w+)[\s-]+years?[\s-]+old\W{0,3}$")
_AGE_AFTER = re.compile(r"^\s*(?:,\s*(?:aged\s+)?(\d{1,3})\s*[,;.)]|\((\d{1,3})\))")


def age_slots(ann: AnnotatedArticle, start: int, end: int) -> list[NumberSlot]:
    """A named person's age, written next to the name. What is counted is that person (the
    story-resolved name), so two people's ages never meet: "Gomes, 35" vs "Gomes, 61" only
    when both resolve to the same person."""
    from parallax.annotate.quantities import parse_number

    text = ann.article.text
    out = []
    for m in ann.mentions:
        if m.label != "PERSON" or not (start <= m.start < end):
            continue
        window = max(0, m.start - 30)
        before = _AGE_BEFORE.search(text[window : m.start])
        after = _AGE_AFTER.match(text[m.end : m.end + 12])
        found, base = (before, window) if before else (after, m.end)
        if found is None:
            continue
        age = parse_number(next(g for g in found.groups() if g).replace("-", " "))
        if age is None or not 0 < age < 120:
            continue
        s0, s1 = base + found.start(), base + found.end()
        out.append(NumberSlot("age", age, age, frozenset({m.canonical.lower()}),
                              text[s0:s1].strip(" ,;.()"), s0, s1, f"{age:g}"))  # fmt: skip
    return out


def significant_digits(text: str) -> int:
    """Significant digits of a figure as written ("22 billion" 2, "22.1 billion" 3,
    "120,000" 2); 0 without digits ("four")."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if m is None:
        return 0
    digits = m.group(0).replace(",", "")
    if "." in digits:
        return len(digits.replace(".", "").lstrip("0"))
    return len(digits.strip("0")) or 1


def rounded_same(a: NumberSlot, b: NumberSlot) -> bool:
    """One exact figure is the other rounded to its written precision ("$22.1 billion" vs
    "$22 billion"): the guidelines' rounded-vs-exact case. A one-digit figure ("$200
    million") is not taken as a rounding: it may be exact."""
    if math.isinf(a.hi) or math.isinf(b.hi) or a.lo != a.hi or b.lo != b.hi:
        return False
    da, db = significant_digits(a.text), significant_digits(b.text)
    coarse, fine, digits = (a, b, da) if da < db else (b, a, db)
    if digits < 2 or da == db or coarse.lo == 0:
        return False
    scale = 10 ** (math.floor(math.log10(abs(coarse.lo))) - digits + 1)
    return round(fine.lo / scale) * scale == coarse.lo


def disjoint(a: NumberSlot, b: NumberSlot) -> bool:
    """No value fits both. Touching bounds are not disjoint: "more than 100" vs "100" is
    rounding, not a contradiction (the guidelines' rule for rounded figures)."""
    tol = 1e-6 * max(abs(a.lo), abs(b.lo), 1.0)
    return a.hi < b.lo - tol or b.hi < a.lo - tol


def relative_gap(a: NumberSlot, b: NumberSlot) -> float:
    """How far apart two figures are, relative to the larger (0 = same)."""
    x = a.lo if a.lo != float("inf") else a.hi
    y = b.lo if b.lo != float("inf") else b.hi
    big = max(abs(x), abs(y), 1e-9)
    return min(1.0, abs(x - y) / big)


# ---------------------------------------------------------------- places


# Prepositions that put an event somewhere. A closed grammatical class, written out here like
# the qualifiers: a name elsewhere in the clause is an actor ("Washington said", "told
# China"), not where something happened.
_LOCATIVE = {
    "in",
    "at",
    "near",
    "off",
    "over",
    "outside",
    "inside",
    "across",
    "throughout",
    "around",
    "within",
    "into",
    "onto",
    "along",
    "above",
    "below",
    "beneath",
    "under",
}  # fmt: skip  ("on" and "between" are left out: "policy on Taiwan", "talks between X and Y")


def locative(ann: AnnotatedArticle, start: int, end: int) -> bool:
    """Is the name at [start, end) the place of something ("crashed off the coast of X",
    "an event in Norfolk", "Bellingham, Wash.")? True without a parse (cannot tell)."""
    doc = ann.doc
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    if span is None:
        return True
    tok = span.root
    for _ in range(4):  # up through "coast of X", "Bellingham, Wash.", "X and Y"
        if tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE:
            return True
        if tok.dep_ in ("pobj", "appos", "conj", "compound", "npadvmod") and tok.head is not tok:
            tok = tok.head if tok.dep_ != "pobj" else tok.head.head
            continue
        return False
    return False


def norm_place(text: str) -> str:
    """ "Little Rock, Ark." == "Little Rock, Arkansas"; "&" == "and"; "the" dropped."""
    t = text.strip().replace("&", " and ").replace("’", "'")
    abbr = state_names()
    words = []
    for w in re.split(r"(\s+|,)", t):
        key = w.strip().lower()
        words.append(abbr.get(key, w) if key else w)
    t = "".join(words).lower()
    t = re.sub(r"^(the)\s+", "", t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    return " ".join(t.split())


def nested(a: str, b: str) -> bool:
    """One place name contains the other ("South Carolina" / "coast of South Carolina")."""
    x, y = f" {norm_place(a)} ", f" {norm_place(b)} "
    return x in y or y in x


_DATELINE = re.compile(
    r"^\s*([A-Z][A-Za-z .,'’-]{1,60}?)(?:\s*\([A-Za-z .]{1,30}\))?\s*(?:—|–|--|-|:)\s", re.M
)


def dateline_end(ann: AnnotatedArticle) -> int:
    """End offset of a dateline ("LITTLE ROCK, Ark. (AP) —") at the article start, else 0.
    Places inside it say where the reporter filed, not where the event happened."""
    m = _DATELINE.match(ann.article.text[:120])
    return m.end() if m else 0


# ---------------------------------------------------------------- attribution


# Verbs of denial dispute a STATEMENT only: "denies that ...", "rejects the claims", not
# "rejects the offer" or "denies arson" (a plea). What may follow them, within two words.
_DENIAL_VERB = re.compile(r"(?i)^(?:den(?:y|ies|ied|ying)|reject\w*|disput\w*|refut\w*|insist\w*)$")
_DENIAL_OBJECT = re.compile(
    r"(?i)^\W*(?:\w+\W+){0,2}?(?:that|claims?|allegations?|accusations?|reports?|assertions?"
    r"|suggestions?|accounts?|charges? that|any\s+wrongdoing|wrongdoing|it|this|these)\b"
)
# "claim" reports a statement when a clause or its subject follows ("claims that", "claimed
# to", "claims they", "claims of fraud", "claim, without evidence"); not in "territorial
# claims" or "claimed responsibility" (general English; Parallax policy).
_CLAIM_STATEMENT = re.compile(
    r"(?i)^\s*(?:,|that\b|to\b|of\b|about\b|he\b|she\b|they\b|it\b|we\b|i\b|its\b|his\b"
    r"|her\b|their\b)"
)
# "as Apple puts it", "as X described it": the words that follow are the source's, not the
# outlet's (general English; Parallax policy).
_AS_PUTS_IT = re.compile(
    r"(?i)\bas\s+(?:\w+\W+){1,4}?(?:puts?|put|calls?|called|describ\w+)\s+it\b"
)
# A cue governs a clause when it sits inside it or just before it ("Apple claims that X",
# "the allegedly drunk driver"): characters before the claim a cue may stand (policy).
CUE_REACH = 40


def dispute_cue(sentence: str, span: tuple[int, int] | None = None) -> str | None:
    """The first dispute cue that governs the claim at `span` (offsets in `sentence`;
    None = the whole sentence), or None."""
    lo, hi = (span[0] - CUE_REACH, span[1]) if span else (0, len(sentence))
    for m in dispute_cues().finditer(sentence):
        if m.end() <= lo or m.start() >= hi:
            continue
        rest = sentence[m.end() :]
        if _DENIAL_VERB.match(m.group(0)) and not _DENIAL_OBJECT.match(rest):
            continue
        if m.group(0).lower().startswith("claim") and not _CLAIM_STATEMENT.match(rest):
            continue
        return m.group(0)
    return None


def stance(
    sentence: str, attribution: str | None, negated: bool, span: tuple[int, int] | None = None
) -> str:
    """ "own" (the outlet asserts it), "attributed" (someone says it) or "disputed" (reported
    only as a claim, called unproven, or denied). Only cues that govern the claim at `span`
    count: a "claimed" in another clause of the sentence says nothing about this one."""
    if dispute_cue(sentence, span):
        return "disputed"
    if attribution is not None or _AS_PUTS_IT.search(sentence):
        return "attributed"
    return "own"


# ---------------------------------------------------------------- offices


@dataclass(frozen=True)
class OfficeTitle:
    person: str  # canonical name
    office: str  # normalised office ("foreign minister")
    head: str  # office head noun ("minister")
    text: str
    start: int
    end: int


_CAP = r"(?:[A-Z][\w.’'-]*|of|for|the|and)"


def office_titles(ann: AnnotatedArticle, persons: Sequence[object] = ()) -> list[OfficeTitle]:
    """Offices written next to a person's name only: "Foreign Minister Wang Yi" (a
    capitalised title run ending in an office noun, directly before the name) or
    "Wang Yi, China's foreign minister," (an apposition ending in an office noun).
    Anything else ("the pre-dawn arrest of President") is not read as a title."""
    text = ann.article.text
    offs = offices()
    out: list[OfficeTitle] = []
    for m in ann.mentions:
        if m.label != "PERSON" or " " not in m.canonical:
            continue
        pre = re.search(rf"((?:{_CAP}\s+){{0,5}}{_CAP})\s+$", text[max(0, m.start - 80) : m.start])
        if pre:
            words = pre.group(1).split()
            while words and words[0].lower() in ("of", "for", "the", "and"):
                words = words[1:]
            title = " ".join(words)
            head = _office_head(title, offs)
            if head:
                s = m.start - len(pre.group(0)) + pre.group(0).find(title)
                out.append(
                    OfficeTitle(m.canonical, _office_key(title), head, title, s, s + len(title))
                )
                continue
        app = re.match(r",\s+((?:the|a|an|[A-Z]\w+[’']s)\s+[^,.;:“”\"()]{2,60}?)\s*(?=[,.;)]|$)",
                       text[m.end : m.end + 90])  # fmt: skip
        if app:
            title = app.group(1)
            head = _office_head(title, offs, last_only=True)
            if head:
                s = m.end + app.start(1)
                out.append(
                    OfficeTitle(m.canonical, _office_key(title), head, title, s, s + len(title))
                )
    return out


def _office_head(title: str, offs: frozenset[str], last_only: bool = False) -> str | None:
    words = [w.strip(".,").lower() for w in title.split()]
    if not words:
        return None
    if words[-1] in offs or (len(words) > 1 and " ".join(words[-2:]) in offs):
        return "spokesperson" if words[-1].startswith("spokes") else words[-1]
    if last_only:
        return None
    # "Secretary of State", "Director of the Office" : head first, portfolio after "of"
    if "of" in words:
        first = words[: words.index("of")]
        if first and first[-1] in offs:
            return first[-1]
    return None


def _office_key(title: str) -> str:
    """Lower-cased office without articles, possessives and nationality words."""
    words = [w.strip(".,").lower() for w in title.split()]
    words = [w for w in words if w not in ("the", "a", "an") and not re.search(r"['’]s$", w)]
    return " ".join(words)
