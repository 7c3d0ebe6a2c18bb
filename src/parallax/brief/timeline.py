"""Timeline: dated events from every article, merged across outlets, in date order.

Each entry's text is the verbatim source clause around a resolved time expression; the
same event reported by several outlets (same dates, overlapping wording) becomes one entry
with every source span. A relative date an article could not resolve ("Saturday" in an
undated article) joins an entry only when another outlet dated the same event: the
weekday must match and the wording must overlap strongly; the entry stays marked uncertain
if every source is uncertain. Content-word overlap is used instead of embeddings so the
stage needs no model, stays deterministic and takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parallax.models import AnnotatedArticle, Sentence, Span, TimeExpression, TimelineEntry

MAX_RANGE_DAYS = 31  # longer ranges ("recent years") are background, not events
MAX_CLAUSE_CHARS = 220  # longer sentences are cut to the clause around the date
SAME_EVENT = 0.2  # content-word overlap for two same-date mentions to merge (demo: same
# event 0.20-0.33, different events on one day 0.12-0.14)
UNDATED_JOIN = 0.45  # stricter overlap for attaching an undated weekday mention

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is was were be been are that
    this it its his her their he she they we i you on said says say after before over about
    which who what when while than then also not no into up out during earlier later last
    february feb jan january march saturday sunday monday tuesday wednesday thursday friday
    week weekend month year day days""".split()  # noqa: SIM905
)
_LEAD_TRIM = " \t\n\"'“”‘’—–-:;,"


@dataclass
class _Mention:
    time: TimeExpression
    span: Span
    outlet: str
    words: frozenset[str]


@dataclass
class _Entry:
    start: dt.date
    end: dt.date
    mentions: list[_Mention] = field(default_factory=list)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(
        w.lower().strip("'’") for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2
    )


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller word set found in the other (containment, not Jaccard)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def clause_span(text: str, sent: Sentence, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end), cut to the clause when the sentence is long.

    Offsets are into the article text so the description stays verbatim and citable.
    """
    lo, hi = sent.start, sent.end
    if hi - lo > MAX_CLAUSE_CHARS:
        # Clause borders: semicolons, dashes and ", and"/", but" joins; cut only around the date.
        borders = [
            (lo + m.start(), lo + m.end())
            for m in re.finditer(r"; | — | – |, (?:and|but|while) ", text[lo:hi])
        ]
        before = [b_end for _, b_end in borders if b_end <= start]
        after = [b_start for b_start, _ in borders if b_start >= end]
        if before:
            lo = before[-1]
        if after:
            hi = after[0]
    while lo < hi and text[lo] in _LEAD_TRIM:
        lo += 1
    while hi > lo and text[hi - 1] in _LEAD_TRIM + ".":
        hi -= 1
    return lo, hi


_ABBREV_END = re.compile(
    r"\b(?:Brig|Gen|Lt|Col|Maj|Sgt|Adm|Capt|Cmdr|Sen|Rep|Gov|Dr|Mr|Mrs|Ms|Prof|St|Dept|Jr|Sr)\.\s*$"
)


def _sentence_at(sentences: Sequence[Sentence], pos: int, text: str) -> Sentence | None:
    """The sentence holding `pos`, re-joined with the next one when the splitter cut after a
    title abbreviation ("Brig.", "Gen.", "Sen.") so descriptions are not left dangling."""
    for n, s in enumerate(sentences):
        if s.start <= pos < s.end:
            end = s.end
            k = n
            while (
                _ABBREV_END.search(text[s.start : end])
                and k + 1 < len(sentences)
                and "\n\n" not in text[end : sentences[k + 1].start]
            ):
                k += 1
                end = sentences[k].end
            if end == s.end:
                return s
            return Sentence(s.article_id, s.index, s.start, end, text[s.start : end])
    return None


def _weekday_of(text: str) -> int | None:
    low = text.lower()
    for n, name in enumerate(_WEEKDAYS):
        if name in low:
            return n
    return None


def _mentions(annotated: Sequence[AnnotatedArticle]) -> tuple[list[_Mention], list[_Mention]]:
    """Dated and undated-weekday mentions, one per (article, clause, date)."""
    dated: list[_Mention] = []
    undated: list[_Mention] = []
    for ann in annotated:
        text = ann.article.text
        seen: set[tuple[int, int, dt.date | None]] = set()
        for t in ann.times:
            sent = _sentence_at(ann.sentences, t.start, text)
            if sent is None:
                continue
            lo, hi = clause_span(text, sent, t.start, t.end)
            if hi <= lo:
                continue
            key = (lo, hi, t.date_start)
            if key in seen:
                continue
            seen.add(key)
            span = ann.article.span(lo, hi)
            m = _Mention(t, span, ann.article.outlet, _content_words(span.text))
            if t.date_start is not None and t.date_end is not None:
                if (t.date_end - t.date_start).days <= MAX_RANGE_DAYS:
                    dated.append(m)
            elif t.relative and _weekday_of(t.text) is not None:
                undated.append(m)
    return dated, undated


def _merge(dated: list[_Mention]) -> list[_Entry]:
    entries: list[_Entry] = []
    for m in sorted(dated, key=lambda m: (m.time.date_start, m.time.uncertain)):
        assert m.time.date_start is not None and m.time.date_end is not None
        best, best_score = None, 0.0
        for e in entries:
            if (e.start, e.end) != (m.time.date_start, m.time.date_end) and not _contains(e, m):
                continue
            score = max(_overlap(m.words, o.words) for o in e.mentions)
            if score > best_score:
                best, best_score = e, score
        if best is not None and best_score >= SAME_EVENT:
            best.mentions.append(m)
        else:
            entries.append(_Entry(m.time.date_start, m.time.date_end, [m]))
    return entries


def _contains(e: _Entry, m: _Mention) -> bool:
    """A single-day mention inside a short range ("the weekend") may be the same event."""
    ds, de = m.time.date_start, m.time.date_end
    assert ds is not None and de is not None
    return (e.start <= ds and de <= e.end) or (ds <= e.start and e.end <= de)


def _attach_undated(entries: list[_Entry], undated: list[_Mention]) -> None:
    for m in undated:
        day = _weekday_of(m.time.text)
        best, best_score = None, 0.0
        for e in entries:
            if e.start != e.end or e.start.weekday() != day:
                continue
            if any(o.span.article_id == m.span.article_id for o in e.mentions):
                continue
            score = max(_overlap(m.words, o.words) for o in e.mentions)
            if score > best_score:
                best, best_score = e, score
        if best is not None and best_score >= UNDATED_JOIN:
            best.mentions.append(m)


def build_timeline(
    annotated: Sequence[AnnotatedArticle], *, attach_undated: bool = True
) -> list[TimelineEntry]:
    """Dated events across all articles, ordered by date, each with its source spans."""
    dated, undated = _mentions(annotated)
    entries = _merge(dated)
    if attach_undated:
        _attach_undated(entries, undated)
    out: list[TimelineEntry] = []
    for e in entries:
        resolved = [m for m in e.mentions if m.time.date_start is not None]
        # Describe with the surest, most specific source: certain before uncertain, exact
        # dates before ranges, shorter clauses before long ones.
        lead = min(
            resolved,
            key=lambda m: (m.time.uncertain, m.time.relative, len(m.span.text)),
        )
        uncertain = all(m.time.uncertain or m.time.date_start is None for m in e.mentions)
        spans = tuple(dict.fromkeys([lead.span, *(m.span for m in e.mentions)]))
        out.append(
            TimelineEntry(
                date_start=e.start,
                date_end=e.end,
                uncertain=uncertain,
                text=lead.span.text,
                sources=spans,
                outlets=tuple(dict.fromkeys(m.outlet for m in e.mentions)),
            )
        )
    out.sort(key=lambda t: (t.date_start, t.date_end, t.uncertain))
    return out
