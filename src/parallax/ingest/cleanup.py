"""Turn scraped plain text into a clean article body plus the metadata it states.

Scraper output mixes the article with page furniture (browser notices,
newsletter prompts, photo captions, author bios, contact footers, repeated
headlines). trafilatura does this job for HTML but has nothing to work with
on flat text, so these line rules are ours. Each rule is conservative: a line
is removed only when it matches a furniture pattern and does not read like a
reported sentence, and every removed line is kept in `stripped`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from parallax.ingest.headers import (
    looks_like_outlet,
    outlet_name,
    parse_byline_line,
    split_outlet_date,
)
from parallax.ingest.outlets import find_self_reference

_BROWSER = re.compile(
    r"(not supported\b[^\n]{0,200}?browser|optimal experience|enable javascript|update your browser|"
    r"switch to a supported browser|cookies? (policy|settings)|accept (all )?cookies)",
    re.I,
)
_PROMO = re.compile(
    r"^(sign up|subscribe|get more news|by registering|stay informed|what you need to know|"
    r"download (our|the) app|follow us|share this|read more|click here|advertisement|"
    r"related( articles| stories)?:?|recommended|most popular|comments?|live ?on|watch:|listen:|"
    r"copyright|©|all rights reserved)\b|newsletter|icon$|privacy policy|terms of (use|service)|"
    r"^get more news",
    re.I,
)
# Words of a photo credit inside a line-final "(...)". Matched on the parenthesis content only
# (see `is_caption_credit`): the old one-regex form backtracked quadratically on an unclosed
# "(" followed by many "/" (7.7 s at 80k characters, issue 17).
_CREDIT_WORDS = re.compile(
    r"getty|ap photo|reuters|afp|photo|images|file|pool|shutterstock|epa|/", re.I
)
_BIO = re.compile(
    r"^(?:[A-Z][\w.'-]+ ){1,3}(?:is|was) an? (?:[\w-]+ ){0,4}"
    r"(?:reporter|journalist|correspondent|writer|editor|columnist|contributor|producer|author)\b",
)
_CONTACT = re.compile(r"^(to contact\b|contact us\b|send (us )?(a )?tips?\b|got a tip)", re.I)
_SYNDICATION = re.compile(
    r"^(from|via|source:|originally published (by|in|on))\s+(?P<name>.{3,60})$", re.I
)
_BYLINE = re.compile(
    r"^(?:by\s+)?(?P<name>[A-Z][a-zA-Z'’-]{0,40}(?:\s+[A-Z]\.)?(?:\s+(?:de|van|von|la)?\s*[A-Z][a-zA-Z'’-]{0,40}){1,2})"
    r"(?:\s*(?:,|and|&)\s*[A-Z][a-zA-Z'’-]{0,40}\s+[A-Z][a-zA-Z'’-]{0,40})*$"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATELINE = re.compile(
    rf"^(?:(?:published|updated|posted|first published)(?: on)?:?\s*)?(?:\w+day,?\s+)?"
    rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\s+(?P<y1>\d{{4}})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})|"
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))(?:(?:[,\s]+|\s+at\s+)\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?)?$",
    re.I,
)
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((?:https?://|www\.)[^)\s]{1,2000}\)")
_MD_EMPH = re.compile(r"(?<![\w*])\*{1,2}([^*\n]+?)\*{1,2}(?![\w*])")
_TERMINAL = re.compile(r"[.!?:;\"”’')\]…—-]\s*$")
_LINK_ONLY = re.compile(r"^\[?[\w./:-]{1,2000}\]?(\([^)]{0,2000}\))?$")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s*$")

MIN_WORDS = 40
# Longest metadata line considered (policy: a byline or dateline is one short line); longer
# lines are never parsed as headers, which also bounds the header patterns' work per line.
MAX_HEADER_CHARS = 200


@dataclass
class CleanText:
    """The result of cleaning one scraped text."""

    title: str | None
    body_paragraphs: list[str]
    byline: str | None = None
    dateline: str | None = None  # the verbatim line the date came from
    published_iso: str | None = None
    outlet: str | None = None
    outlet_evidence: str | None = None
    stripped: list[str] = field(default_factory=list)


def _words(line: str) -> int:
    return len(line.split())


def _is_browser_or_promo(line: str) -> bool:
    if _BROWSER.search(line):
        return True
    # Promo lines are short; a long line that merely mentions a newsletter is an article sentence.
    return _words(line) <= 16 and bool(_PROMO.search(line))


def _looks_like_headline(line: str) -> bool:
    return 2 <= _words(line) <= 30 and not _SENTENCE_END.search(line.rstrip("”\"’'"))


def parse_dateline(line: str) -> str | None:
    """ISO date if the whole line is a publication date ("19 February 2023")."""
    m = _DATELINE.match(line.strip())
    if not m:
        return None
    import datetime as dt

    if m.group("iso"):
        return m.group("iso")
    day = m.group("d1") or m.group("d2")
    month = (m.group("m1") or m.group("m2")).rstrip(".").lower()[:3]
    year = m.group("y1") or m.group("y2")
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    try:
        return dt.date(int(year), months.index(month) + 1, int(day)).isoformat()
    except ValueError:
        return None


def is_caption_credit(line: str) -> bool:
    """A line ending in "(... Getty Images)" / "(AP Photo/...)": a photo caption or credit.

    Linear: only the last parenthesis pair is inspected (no regex backtracking)."""
    tail = line.rstrip()
    if not tail.endswith(")"):
        return False
    start = tail.rfind("(", 0, len(tail) - 1)
    if start < 0:
        return False
    inner = tail[start + 1 : -1]
    return ")" not in inner and bool(_CREDIT_WORDS.search(inner))


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a paragraph the scraper split mid-sentence ("such behaviour is" / "unbelievable...")."""
    groups: list[list[str]] = []  # joined once at the end: repeated str concat was quadratic
    for line in lines:
        if groups and line and line[0].islower() and not _TERMINAL.search(groups[-1][-1][-3:]):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [" ".join(g) for g in groups]


class CleanupTimeout(ValueError):
    """Cleaning one text took longer than its budget (hostile or degenerate input)."""


class _Budget:
    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise CleanupTimeout(f"text cleanup took over its {self.seconds:g} s budget")


def _normalise(raw: str) -> list[str]:
    text = (
        raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    )
    text = _MD_LINK.sub(r"\1", text)
    return [ln.strip() for ln in text.split("\n")]


def _strip_contact_footer(lines: list[str], result: CleanText) -> list[str]:
    """Everything from "To contact ..." to the end, if it sits in the last lines."""
    nonempty = [i for i, ln in enumerate(lines) if ln]
    for i in nonempty[-6:]:
        if _CONTACT.match(lines[i]):
            tail = " ".join(ln for ln in lines[i:] if ln)
            result.stripped.extend(ln for ln in lines[i:] if ln)
            found = find_self_reference(tail)
            if found:
                result.outlet, result.outlet_evidence = found
            return lines[:i]
    return lines


def _header_line(line: str, result: CleanText) -> bool:
    """Read a metadata line near the top (date, byline, outlet); True if it was one."""
    if len(line) > MAX_HEADER_CHARS:
        return False
    iso = parse_dateline(line)
    if iso and result.published_iso is None:
        result.published_iso, result.dateline = iso, line
        return True
    if _words(line) > 12:
        return False
    by = parse_byline_line(line)
    if by and result.byline is None:
        result.byline = by[0]
        if by[1] and result.outlet is None:
            result.outlet, result.outlet_evidence = by[1], f"byline line '{line[:120]}'"
        return True
    od = split_outlet_date(line, parse_dateline)
    if od:
        if result.outlet is None:
            result.outlet, result.outlet_evidence = od[0], f"outlet and date line '{line[:120]}'"
        if result.published_iso is None:
            result.published_iso, result.dateline = od[1], line
        return True
    if _words(line) <= 7 and looks_like_outlet(line):  # a bare outlet line is not a byline
        if result.outlet is None:
            result.outlet, result.outlet_evidence = outlet_name(line), f"outlet line '{line}'"
        return True
    if _words(line) <= 6 and result.byline is None:
        m = _BYLINE.match(line)
        if m:
            result.byline = m.group("name")
            return True
    return False


def clean_text(raw: str, budget_s: float | None = None) -> CleanText:
    """Split scraped text into title, metadata, body paragraphs and stripped cruft.

    `budget_s` bounds the wall-clock time (CleanupTimeout when exceeded)."""
    budget = _Budget(budget_s)
    result = CleanText(title=None, body_paragraphs=[])
    lines = _strip_contact_footer(_normalise(raw), result)
    kept: list[str] = []
    head_zone = True  # metadata lines (byline, dateline) only count near the top
    title_checked = False
    for idx, line in enumerate(lines):
        if not line:
            continue
        if idx % 64 == 0:
            budget.check()
        if _is_browser_or_promo(line):
            result.stripped.append(line)
            continue
        if not title_checked:
            title_checked = True
            if _looks_like_headline(line) and not _header_line_peek(line):
                result.title = _MD_EMPH.sub(r"\1", line)
                continue
            head_zone = _header_line_peek(line)
        if result.title and line == result.title:
            result.stripped.append(line)  # duplicated headline
            continue
        if is_caption_credit(line):
            result.stripped.append(line)
            continue
        syn = _SYNDICATION.match(line)
        if syn and _words(line) <= 8 and not _SENTENCE_END.search(line):
            found = find_self_reference(line)
            if found:
                result.outlet, result.outlet_evidence = found
            result.stripped.append(line)
            continue
        if head_zone and len(kept) <= 2 and _header_line(line, result):
            continue
        if _drop_bio_or_link(line, idx, len(lines), result):
            continue
        if len(kept) >= 1:
            head_zone = False
        kept.append(_MD_EMPH.sub(r"\1", line))
    budget.check()
    result.body_paragraphs = _join_broken_lines(kept)
    if result.outlet is None:
        found = find_self_reference("\n".join(result.body_paragraphs))
        if found:
            result.outlet, result.outlet_evidence = found
    budget.check()
    return result


def _header_line_peek(line: str) -> bool:
    """Whether a first line is metadata (a byline or dated outlet line), not a headline."""
    if len(line) > MAX_HEADER_CHARS:
        return False
    return bool(
        parse_dateline(line)
        or (
            _words(line) <= 12
            and (parse_byline_line(line) or split_outlet_date(line, parse_dateline))
        )
    )


def _drop_bio_or_link(line: str, idx: int, n_lines: int, result: CleanText) -> bool:
    if result.byline and line.startswith(result.byline) and _BIO.match(line):
        result.stripped.append(line)
        found = find_self_reference(line)
        if found and not result.outlet:
            result.outlet, result.outlet_evidence = found
        return True
    if _BIO.match(line) and idx >= n_lines - 3:
        result.stripped.append(line)
        return True
    if _LINK_ONLY.match(line) and "." in line and " " not in line:
        result.stripped.append(line)
        return True
    return False
