"""Temporal expressions resolved to calendar dates or ranges.

Absolute forms ("February 4", "Feb. 8", "19 February 2023") go through dateparser.
Relative forms news uses ("on Saturday", "last Wednesday", "late last month",
"over the weekend", "this evening") are resolved by hand-written rules against an
anchor, because dateparser neither returns ranges nor knows that a bare weekday
in past-tense news means the most recent one.

The anchor is the publication date. When that is unknown it is inferred from the
latest absolute date in the text (anchor_reason says so); a date written without a
year takes its year from `year_hint` (the year of the other articles annotated in
the same batch) or a year written elsewhere in the text, and is marked uncertain
when neither exists. Without any anchor, relative phrases stay unresolved and
uncertain ("unknown is a value").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from parallax.annotate.quantities import NUMBER_WORDS
from parallax.models import TimeExpression

WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Counts in "two weeks ago", "a few days later": the shared number words plus vague counts.
_NUM_WORDS = {**NUMBER_WORDS, "a": 1, "an": 1, "couple": 2, "few": 3}
_FUTURE = re.compile(
    r"\b(will|would|is due|are due|plans? to|is to|are to|to be held|next|upcoming|scheduled)\b",
    re.I,
)


def _absolute(text: str, year: int | None) -> tuple[dt.date, dt.date, bool] | None:
    """(start, end, year_was_written) for absolute dates; ranges like "February 5–6"."""
    import dateparser

    t = text.strip()
    t = re.sub(r"^(?:on|in|since|by|from|until|the)\s+", "", t, flags=re.I)
    m = re.fullmatch(
        rf"({_MONTH_RE})\s+(\d{{1,2}})\s*[–\-]\s*(\d{{1,2}})(?:,?\s+(\d{{4}}))?", t, re.I
    )
    if m:
        month = MONTHS.get(m.group(1).lower().rstrip(".")[:3])
        y = int(m.group(4)) if m.group(4) else year
        if month and y:
            try:
                return (
                    dt.date(y, month, int(m.group(2))),
                    dt.date(y, month, int(m.group(3))),
                    bool(m.group(4)),
                )
            except ValueError:
                return None
        return None
    if re.fullmatch(r"(?:19|20)\d\d", t):
        y = int(t)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), True
    has_month = re.search(rf"\b{_MONTH_RE}(?!\w)", t, re.I)
    if not has_month:
        return None
    has_day = re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", t)
    has_year = re.search(r"\b(?:19|20)\d\d\b", t)
    base = dt.datetime(year or 2000, 7, 1)
    parsed = dateparser.parse(
        t, languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period"}
    )
    if parsed is None:
        return None
    d = parsed.date()
    if not has_year and year is None:
        return None
    if not has_year:
        d = d.replace(year=year)
    if not has_day:  # a whole month
        last = calendar.monthrange(d.year, d.month)[1]
        return d.replace(day=1), d.replace(day=last), bool(has_year)
    return d, d, bool(has_year)


def _weekday_before(anchor: dt.date, weekday: int, strict: bool) -> dt.date:
    delta = (anchor.weekday() - weekday) % 7
    if delta == 0 and strict:
        delta = 7
    return anchor - dt.timedelta(days=delta)


def _weekday_after(anchor: dt.date, weekday: int) -> dt.date:
    delta = (weekday - anchor.weekday()) % 7 or 7
    return anchor + dt.timedelta(days=delta)


def _month_shift(d: dt.date, months: int) -> tuple[int, int]:
    m = d.month - 1 + months
    return d.year + m // 12, m % 12 + 1


def _month_range(y: int, m: int, part: str | None) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(y, m)[1]
    if part in {"early", "beginning", "start"}:
        return dt.date(y, m, 1), dt.date(y, m, 10)
    if part in {"mid", "middle"}:
        return dt.date(y, m, 11), dt.date(y, m, 20)
    if part in {"late", "end"}:
        return dt.date(y, m, 21), dt.date(y, m, last)
    return dt.date(y, m, 1), dt.date(y, m, last)


def _relative(text: str, anchor: dt.date, sentence: str) -> tuple[dt.date, dt.date] | None:
    """Rules for the relative phrases news uses; None when not a relative date."""
    t = text.lower().strip()
    t = re.sub(r"^(?:on|over|during|in|since|by|at|from|earlier|later)\s+", "", t)
    t = re.sub(r"^the\s+", "", t)
    if t in {
        "today",
        "tonight",
        "this evening",
        "this morning",
        "this afternoon",
        "earlier today",
        "later today",
        "now",
    }:
        return anchor, anchor
    if t in {"yesterday", "last night"}:
        d = anchor - dt.timedelta(days=1)
        return d, d
    if t == "tomorrow":
        d = anchor + dt.timedelta(days=1)
        return d, d
    m = re.fullmatch(
        r"(last|this|next|past)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?",
        t,
    )
    if m:
        wd = WEEKDAYS[m.group(2)]
        if m.group(1) == "next" or (m.group(1) is None and _FUTURE.search(sentence)):
            d = _weekday_after(anchor, wd)
        else:
            d = _weekday_before(anchor, wd, strict=m.group(1) in {"last", "past"})
        return d, d
    if re.fullmatch(r"(?:last |this |past )?weekend", t):
        sat = _weekday_before(anchor, 5, strict=anchor.weekday() in {5, 6} and t.startswith("last"))
        return sat, sat + dt.timedelta(days=1)
    m = re.fullmatch(
        r"(?:(early|mid|late|end of|beginning of|start of|middle of)[\s-]+)?(last|this|next|previous|past) (month|year|week)",
        t,
    )
    if m:
        part = m.group(1).split()[0].replace("-", "") if m.group(1) else None
        unit = m.group(3)
        shift = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}[m.group(2)]
        if unit == "month":
            y, mo = _month_shift(anchor, shift)
            lo, hi = _month_range(y, mo, part)
            if shift == 0 and text.lower().startswith("earlier"):
                hi = min(hi, anchor)
            return lo, hi
        if unit == "year":
            y = anchor.year + shift
            if part in {"end", "late"}:
                return dt.date(y, 10, 1), dt.date(y, 12, 31)
            if part in {"early", "beginning", "start"}:
                return dt.date(y, 1, 1), dt.date(y, 3, 31)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=shift)
        return monday, monday + dt.timedelta(days=6)
    m = re.fullmatch(r"(\w+|\d+) (day|week|month|year)s? (ago|earlier|before)", t)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUM_WORDS.get(m.group(1))
        if n is None:
            return None
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2)] * n
        d = anchor - dt.timedelta(days=days)
        return (
            (d, d)
            if m.group(2) in {"day", "week"}
            else (d - dt.timedelta(days=15), d + dt.timedelta(days=15))
        )
    m = re.fullmatch(r"(?:last|past) (?:(\w+) |couple of |few )?(day|week)s", t)
    if m:
        n = (
            _NUM_WORDS.get(m.group(1) or "few", 3)
            if not (m.group(1) or "").isdigit()
            else int(m.group(1))
        )
        n = 2 if "couple" in t else n
        unit = 7 if m.group(2) == "week" else 1
        return anchor - dt.timedelta(days=n * unit), anchor
    return None


_DURATION = re.compile(
    r"^(?:for\s+)?(?:the\s+)?(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?|hours?|decades?)(?:\s+long)?$",
    re.I,
)


def infer_anchor(
    expressions: Sequence[tuple[str, str]], published: dt.date | None, year_hint: int | None
) -> tuple[dt.date | None, str, int | None]:
    """(anchor, reason, year used for year-less dates) from (text, sentence) DATE phrases."""
    years = []
    for text, _ in expressions:
        for y in re.findall(r"\b((?:19|20)\d\d)\b", text):
            years.append(int(y))
    if published is not None:
        return published, "published date", published.year
    year = year_hint or (max(years) if years else None)
    latest: tuple[dt.date, bool] | None = None
    for text, _ in expressions:
        r = _absolute(text, year)
        if r is None or r[0] != r[1] and (r[1] - r[0]).days > 31:
            continue
        if latest is None or r[1] > latest[0]:
            latest = (r[1], r[2])
    if latest is None:
        if year is None and any(re.search(rf"\b{_MONTH_RE}\s+\d", t, re.I) for t, _ in expressions):
            return None, "unknown: no publication date and the dates in the text have no year", year
        return None, "unknown: no publication date and no absolute date in the text", year
    if latest[1]:
        return latest[0], f"inferred from latest date in text ({latest[0].isoformat()})", year
    src = (
        "year of the other articles in this batch"
        if year_hint
        else "latest year written in the text"
    )
    return (
        latest[0],
        f"inferred from latest date in text ({latest[0]:%b %d}); no year in the text, year {latest[0].year} from the {src}",
        year,
    )


def resolve_times(
    doc: Any, article_id: str, published: dt.date | None, year_hint: int | None = None
) -> list[TimeExpression]:
    """All DATE/TIME entities of a parsed article resolved against the (possibly inferred) anchor."""
    from parallax.annotate.entities import sentence_bounds

    ents = [e for e in doc.ents if e.label_ in {"DATE", "TIME"}]
    bounds = sentence_bounds(doc)
    sent_text = {e.start: doc[bounds[e.start][0] : bounds[e.start][1]].text for e in ents}
    phrases = [(e.text, sent_text[e.start]) for e in ents]
    anchor, reason, year = infer_anchor(phrases, published, year_hint)
    inferred = published is None
    year_guessed = (
        year is not None
        and not any(re.search(r"\b(?:19|20)\d\d\b", p) for p, _ in phrases)
        and published is None
    )
    out: list[TimeExpression] = []
    for e in ents:
        start, end = e.start_char, e.end_char
        # keep "over the weekend" / "on Saturday": the preposition helps the rules, not the span
        prev = doc[e.start - 1].lower_ if e.start > 0 else ""
        phrase = f"{prev} {e.text}" if prev in {"over", "earlier", "later"} else e.text
        rel = _relative(phrase, anchor, sent_text[e.start]) if anchor else None
        is_rel = (
            rel is not None
            or _relative(phrase, dt.date(2000, 1, 1), sent_text[e.start]) is not None
        )
        if rel is not None:
            out.append(
                TimeExpression(
                    article_id, start, end, e.text, rel[0], rel[1], anchor, reason, True, inferred
                )
            )
            continue
        if is_rel:
            out.append(
                TimeExpression(article_id, start, end, e.text, None, None, None, reason, True, True)
            )
            continue
        ab = _absolute(e.text, year)
        if ab is not None:
            uncertain = (not ab[2]) and (published is None) and (year_guessed or year is None)
            out.append(
                TimeExpression(
                    article_id, start, end, e.text, ab[0], ab[1], anchor, reason, False, uncertain
                )
            )
            continue
        # durations ("eight days") and vague phrases ("recent years") are kept, unresolved
        out.append(
            TimeExpression(
                article_id,
                start,
                end,
                e.text,
                None,
                None,
                anchor,
                reason,
                bool(not _DURATION.match(e.text)),
                True,
            )
        )
    return out
