"""Counts and amounts with what they count and how they are hedged.

spaCy marks the number (CARDINAL/QUANTITY/PERCENT/MONEY, and durations inside
DATE) and the dependency parse gives the noun it modifies ("four" -nummod->
"incidents"); the counted phrase is that noun with its left modifiers ("previous
spy balloon incidents"). Number words and qualifiers ("at least", "more than")
are small closed lists, so they are written out here rather than pulled in as a
dependency.
"""

from __future__ import annotations

import re
from typing import Any

from parallax.annotate.entities import doc_text
from parallax.models import Quantity

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
QUALIFIERS = (
    "at least",
    "at most",
    "more than",
    "less than",
    "fewer than",
    "up to",
    "as many as",
    "as few as",
    "no more than",
    "no fewer than",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "over",
    "under",
    "just over",
    "just under",
    "an estimated",
    "upwards of",
    "close to",
    "only",
    "exactly",
)
_QUAL_RE = re.compile(
    r"(?i)\b("
    + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
    + r")\s*(?:\ban?\s+)?$"  # also "more than a hundred", "about a dozen"
)
_UNITS = {
    "percent",
    "%",
    "per cent",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "hours",
    "hour",
    "miles",
    "mile",
    "feet",
    "foot",
    "kilometers",
    "km",
    "meters",
}


def parse_number(text: str) -> float | None:
    """ "forty" -> 40, "1,200" -> 1200, "2.5 million" -> 2.5e6, "twenty-five" -> 25."""
    t = text.lower().replace(",", "").strip()
    t = re.sub(r"[^\w.\s-]", " ", t)
    total = 0.0
    current = 0.0
    seen = False
    t = re.sub(r"\band an? half\b", "and 0.5", t)  # "four and a half" -> 4.5
    for w in re.split(r"[\s-]+", t):
        if not w or w == "and":
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in NUMBER_WORDS:
            current += NUMBER_WORDS[w]
            seen = True
        elif w in SCALES:
            current = (current or 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total += current
                current = 0
            seen = True
        else:
            break
    return total + current if seen else None


def _counted(tok: Any) -> tuple[str, Any | None]:
    """The noun phrase a number token counts, from the parse."""
    head = tok.head
    if tok.dep_ in {"nummod", "quantmod", "compound", "amod"} and head.pos_ in {"NOUN", "PROPN"}:
        left = min([c.i for c in head.lefts if c.i > tok.i] + [head.i])
        # also compounds between number and head: "spy balloon incidents"
        return tok.doc[left : head.i + 1].text, head
    if tok.dep_ == "pobj" or tok.dep_ in {"nsubj", "dobj"}:
        # "three of which", "one during ..." : counts something named earlier; not resolved
        return "", None
    return "", None


def find_quantities(doc: Any, article_id: str) -> list[Quantity]:
    """Counts, percentages and amounts with counted noun and qualifier."""
    out: list[Quantity] = []
    seen: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in {"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE"}:
            continue
        nums = [t for t in ent if t.like_num or t.lower_ in NUMBER_WORDS]
        if not nums:
            continue
        if ent.label_ == "DATE":
            # only durations ("eight days"), not calendar dates or years
            if not re.fullmatch(
                r"(?i)(?:the\s+)?(?:\w+[\s-])?\w+(?:\s+and\s+an?\s+half)?\s+"
                r"(?:days?|weeks?|months?|years?|hours?)",
                ent.text,
            ):
                continue
            if re.search(r"\b(?:19|20)\d\d\b", ent.text):
                continue
        first, last = nums[0], nums[-1]
        if first.i in seen:
            continue
        value = parse_number(doc[first.i : last.i + 1].text)
        if value is None:
            continue
        # counted thing: unit inside the entity ("100 percent", "eight days") or the noun modified
        tail = doc[last.i + 1 : ent.end].text.strip()
        half = re.match(r"(?i)and an? half\s+(.+)$", tail)  # "four and a half months"
        if half:
            value, tail = value + 0.5, half.group(1)
        if tail and tail.lower() in _UNITS | {"percent"}:
            counted = tail
        else:
            counted, _ = _counted(last)
        if not counted:
            continue
        if first.lower_ == "one" and counted != tail:
            continue  # "one more step", "One China": a determiner or a name, not a count
        start = first.idx
        qual = None
        before = doc_text(doc)[max(0, start - 30) : start]
        inside = doc_text(doc)[ent.start_char : start]
        m = _QUAL_RE.search(inside) or _QUAL_RE.search(before)
        if m:
            qual = m.group(1).lower()
            start = min(
                start,
                ent.start_char if _QUAL_RE.search(inside) else start - (len(before) - m.start()),
            )
        end_tok = last
        if counted and counted != tail:
            head = last.head
            end_tok = head if head.i > last.i else last
        end = max(ent.end_char, end_tok.idx + len(end_tok.text))
        seen.update(t.i for t in ent)
        out.append(
            Quantity(article_id, start, end, doc_text(doc)[start:end], float(value), counted, qual)
        )
    out.sort(key=lambda q: q.start)
    return out
