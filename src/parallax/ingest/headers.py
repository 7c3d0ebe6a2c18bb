"""Metadata stated in plain-text header lines: "By NAME, OUTLET", "OUTLET — DATE", "Published DATE".

Scraped or pasted text often carries its byline, outlet and date as lines near the top. These
rules are general shapes, not outlet lists: an outlet is told from a person by the registry, a
leading "The", a domain, or a generic newspaper noun as its last word (resources list).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from parallax.ingest.outlets import canonical_outlet, outlet_from_url

_WORD = r"[A-Z][a-zA-Z'’-]{0,40}"
PERSON = rf"{_WORD}(?:\s+[A-Z]\.)?(?:\s+(?:de|van|von|la|da|del|di|le)?\s*{_WORD}){{1,2}}"
_PERSON_RE = re.compile(rf"^{PERSON}$")
_BY_LINE = re.compile(r"^by\s+(?P<rest>.{3,160})$", re.I)
# separators between a byline and its outlet, or an outlet and its date
_SEP = re.compile(r"\s*(?:,|\||•|·|\s[—–-]\s|—|–)\s*")
_FOR = re.compile(rf"^(?P<name>{PERSON})\s+(?:for|of|at)\s+(?P<outlet>.{{2,60}})$")
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}\.[a-z]{2,6}$", re.I)


@lru_cache(maxsize=2)
def _words(name: str) -> frozenset[str]:
    text = resources.files("parallax").joinpath("resources", name).read_text(encoding="utf-8")
    return frozenset(
        ln.strip().lower() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")
    )


def is_role(segment: str) -> bool:
    """'Staff Writer', 'Senior Correspondent': a newsroom title, not a name."""
    tokens = re.findall(r"[A-Za-z]+", segment.lower())
    roles = _words("parallax_byline_roles.txt")
    return bool(tokens) and all(t in roles or t.removesuffix("s") in roles for t in tokens)


def looks_like_outlet(segment: str) -> bool:
    """A name that reads as an outlet rather than a person (general shape, see module doc)."""
    seg = segment.strip(" .,:;")
    if not seg or len(seg) > 60 or len(seg.split()) > 7 or is_role(seg):
        return False
    if _DOMAIN.match(seg):
        return True
    if canonical_outlet(seg) != seg or seg.lower().startswith("the "):
        return seg[0].isupper() or seg.lower().startswith("the ")
    tokens = seg.split()
    if not all(t[0].isupper() or t.lower() in {"of", "and", "&", "the", "de"} for t in tokens):
        return False
    return tokens[-1].lower().strip(".") in _words("parallax_outlet_nouns.txt")


def outlet_name(segment: str) -> str:
    seg = segment.strip(" .,:;")
    if _DOMAIN.match(seg):
        return outlet_from_url(seg) or seg
    return canonical_outlet(seg)


def parse_byline_line(line: str) -> tuple[str, str | None] | None:
    """(byline, outlet or None) from "By Jane Ortiz, Marlow Falls Gazette" and similar lines."""
    m = _BY_LINE.match(line.strip())
    if not m:
        return None
    rest = m.group("rest").strip()
    fm = _FOR.match(rest)
    if fm and looks_like_outlet(fm.group("outlet")):
        return fm.group("name"), outlet_name(fm.group("outlet"))
    parts = [p for p in _SEP.split(rest) if p and p.strip()]
    names: list[str] = []
    outlet: str | None = None
    for part in parts:
        part = part.strip()
        if is_role(part):
            continue
        if outlet is None and names and looks_like_outlet(part):
            outlet = outlet_name(part)
            continue
        for name in re.split(r"\s+(?:and|&)\s+", part):
            if not _PERSON_RE.match(name.strip()):
                return None
            names.append(name.strip())
    if not names:
        return None
    return ", ".join(names), outlet


def split_outlet_date(line: str, parse_date: Callable[[str], str | None]) -> tuple[str, str] | None:
    """(outlet, ISO date) from "Marlow Falls Gazette — March 3, 2024" (either order)."""
    pieces = re.split(r"\s+[—–|-]\s+|\s*[—–|]\s*", line.strip(), maxsplit=1)
    if len(pieces) != 2:
        return None
    for outlet_side, date_side in ((pieces[0], pieces[1]), (pieces[1], pieces[0])):
        iso = parse_date(date_side)
        if iso and looks_like_outlet(outlet_side):
            return outlet_name(outlet_side), iso
    return None
