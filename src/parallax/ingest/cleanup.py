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
from dataclasses import dataclass, field

from parallax.ingest.outlets import find_self_reference

_BROWSER = re.compile(
    r"(not supported\b.*browser|optimal experience|enable javascript|update your browser|"
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
_CAPTION_CREDIT = re.compile(
    r"\((?:[^()]*?(?:getty|ap photo|reuters|afp|photo|images|file|pool|shutterstock|epa|/)[^()]*)\)\s*$",
    re.I,
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
    r"^(?:by\s+)?(?P<name>[A-Z][a-zA-Z'’-]+(?:\s+[A-Z]\.)?(?:\s+(?:de|van|von|la)?\s*[A-Z][a-zA-Z'’-]+){1,2})"
    r"(?:\s*(?:,|and|&)\s*[A-Z][a-zA-Z'’-]+\s+[A-Z][a-zA-Z'’-]+)*$"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATELINE = re.compile(
    rf"^(?:(?:published|updated|posted)(?: on)?:?\s*)?(?:\w+day,?\s+)?"
    rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\s+(?P<y1>\d{{4}})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})|"
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))(?:[,\s]+\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?)?$",
    re.I,
)
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|www\.)[^)]+\)")
_MD_EMPH = re.compile(r"(?<![\w*])\*{1,2}([^*\n]+?)\*{1,2}(?![\w*])")
_TERMINAL = re.compile(r"[.!?:;\"”’')\]…—-]\s*$")
_LINK_ONLY = re.compile(r"^\[?[\w./:-]+\]?(\([^)]*\))?$")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s*$")

MIN_WORDS = 40


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


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a paragraph the scraper split mid-sentence ("such behaviour is" / "unbelievable...")."""
    out: list[str] = []
    for line in lines:
        if out and line and line[0].islower() and not _TERMINAL.search(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def clean_text(raw: str) -> CleanText:
    """Split scraped text into title, metadata, body paragraphs and stripped cruft."""
    text = (
        raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    )
    text = _MD_LINK.sub(r"\1", text)
    lines = [ln.strip() for ln in text.split("\n")]
    result = CleanText(title=None, body_paragraphs=[])

    # Contact footer: everything from "To contact ..." to the end, if it sits in the last lines.
    nonempty = [i for i, ln in enumerate(lines) if ln]
    for i in nonempty[-6:]:
        if _CONTACT.match(lines[i]):
            tail = " ".join(ln for ln in lines[i:] if ln)
            result.stripped.extend(ln for ln in lines[i:] if ln)
            found = find_self_reference(tail)
            if found:
                result.outlet, result.outlet_evidence = found
            lines = lines[:i]
            break

    kept: list[str] = []
    head_zone = True  # metadata lines (byline, dateline) only count near the top
    title_checked = False
    for idx, line in enumerate(lines):
        if not line:
            continue
        if _is_browser_or_promo(line):
            result.stripped.append(line)
            continue
        if not title_checked:
            title_checked = True
            if _looks_like_headline(line):
                result.title = _MD_EMPH.sub(r"\1", line)
                continue
            head_zone = False
        if result.title and line == result.title:
            result.stripped.append(line)  # duplicated headline
            continue
        if _CAPTION_CREDIT.search(line):
            result.stripped.append(line)
            continue
        syn = _SYNDICATION.match(line)
        if syn and _words(line) <= 8 and not _SENTENCE_END.search(line):
            found = find_self_reference(line)
            if found:
                result.outlet, result.outlet_evidence = found
            result.stripped.append(line)
            continue
        if head_zone and len(kept) <= 2:
            iso = parse_dateline(line)
            if iso:
                result.published_iso, result.dateline = iso, line
                continue
            m = _BYLINE.match(line)
            if m and result.byline is None and _words(line) <= 6:
                result.byline = m.group("name")
                continue
        if result.byline and line.startswith(result.byline) and _BIO.match(line):
            result.stripped.append(line)
            found = find_self_reference(line)
            if found and not result.outlet:
                result.outlet, result.outlet_evidence = found
            continue
        if _BIO.match(line) and idx >= len(lines) - 3:
            result.stripped.append(line)
            continue
        if _LINK_ONLY.match(line) and "." in line and " " not in line:
            result.stripped.append(line)
            continue
        if len(kept) >= 1:
            head_zone = False
        kept.append(_MD_EMPH.sub(r"\1", line))

    result.body_paragraphs = _join_broken_lines(kept)
    if result.outlet is None:
        found = find_self_reference("\n".join(result.body_paragraphs))
        if found:
            result.outlet, result.outlet_evidence = found
    return result
