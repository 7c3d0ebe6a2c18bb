"""Known outlets and the ways an article names itself.

The registry only maps names, aliases and domains to one canonical outlet
name; it carries no political-lean judgement (lean comes from a ratings file
the user supplies, see `parallax.ingest.sidecar`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

# canonical name -> (aliases, domains)
OUTLETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "The Epoch Times": (("Epoch Times", "NTD"), ("theepochtimes.com", "ntd.com")),
    "NBC News": (("NBC",), ("nbcnews.com",)),
    "World Socialist Web Site": (("WSWS", "World Socialist Web Site"), ("wsws.org",)),
    "CNN": ((), ("cnn.com",)),
    "Fox News": (("Fox",), ("foxnews.com",)),
    "The New York Times": (("New York Times", "NYT"), ("nytimes.com",)),
    "The Washington Post": (("Washington Post",), ("washingtonpost.com",)),
    "The Wall Street Journal": (("Wall Street Journal", "WSJ"), ("wsj.com",)),
    "Reuters": ((), ("reuters.com",)),
    "Associated Press": (("AP", "The Associated Press"), ("apnews.com",)),
    "BBC News": (("BBC",), ("bbc.com", "bbc.co.uk")),
    "The Guardian": (("Guardian",), ("theguardian.com",)),
    "Breitbart": (("Breitbart News",), ("breitbart.com",)),
    "CBS News": (("CBS",), ("cbsnews.com",)),
    "ABC News": (("ABC",), ("abcnews.go.com",)),
    "NPR": ((), ("npr.org",)),
    "Politico": ((), ("politico.com",)),
    "The Hill": ((), ("thehill.com",)),
    "Al Jazeera": ((), ("aljazeera.com",)),
    "Global Times": ((), ("globaltimes.cn",)),
    "Xinhua": ((), ("xinhuanet.com", "news.cn")),
    "Newsmax": ((), ("newsmax.com",)),
    "HuffPost": (("Huffington Post",), ("huffpost.com",)),
    "Vox": ((), ("vox.com",)),
    "The Daily Wire": (("Daily Wire",), ("dailywire.com",)),
}


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, (aliases, _domains) in OUTLETS.items():
        for alias in (name, *aliases):
            out[alias.lower()] = name
    return out


def canonical_outlet(name: str) -> str:
    """Registry name for a known alias; the cleaned input otherwise."""
    cleaned = re.sub(r"\s+", " ", name).strip(" .,:;\"'“”")
    if "." in cleaned and " " not in cleaned:
        return outlet_from_url(cleaned) or cleaned
    return _alias_map().get(cleaned.lower(), cleaned)


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlparse(url if "://" in url else f"https://{url}").hostname or "").lower()
    except ValueError:  # e.g. "Invalid IPv6 URL" for a user's "[..." value
        return None
    for name, (_aliases, domains) in OUTLETS.items():
        if any(host == d or host.endswith("." + d) for d in domains):
            return name
    return None


_NAME = r"(?P<name>(?:The\s+)?[A-Z][\w&'-]{0,40}(?:[ \t]+[A-Z][\w&'-]{0,40}){0,4})"
# Ways a text names its own outlet, most specific first.
_SELF_REFERENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(?:From|Via)\s+{_NAME}\s*$", re.M), "syndication line '{line}'"),
    (re.compile(rf"\bTo contact (?:the\s+)?{_NAME}\b"), "contact footer '{line}'"),
    (
        re.compile(rf"\b{_NAME} (?:has|had) (?:requested|asked for|reached out for) comment"),
        "says '{line}'",
    ),
    (
        re.compile(rf"\b{_NAME} (?:exclusively|previously|first) reported\b"),
        "reports in its own name: '{line}'",
    ),
    (
        re.compile(rf"\b(?:reporter|correspondent|writer|editor)\b[^\n]{{0,120}}?\bfor {_NAME}\b"),
        "author bio: '{line}'",
    ),
    (
        re.compile(r"\b(?P<name>(?:www\.)?[a-z0-9-]+\.(?:com|org|net|co\.uk|cn))/contact\b"),
        "contact link '{line}'",
    ),
)


def find_self_reference(text: str) -> tuple[str, str] | None:
    """(outlet, evidence) where the text names itself, else None."""
    aliases = _alias_map()
    for pattern, template in _SELF_REFERENCES:
        for m in pattern.finditer(text):
            raw = m.group("name")
            by_domain = outlet_from_url(raw) if "." in raw and " " not in raw else None
            name = by_domain or aliases.get(raw.strip().lower())
            if name is None and raw.lower().startswith("the "):
                name = aliases.get(raw[4:].strip().lower())
            if name is None and template.startswith("syndication"):
                name = canonical_outlet(raw)
            if name:
                line = text[max(0, m.start()) : m.end()].strip().replace("\n", " ")
                return name, template.format(line=line[:120])
    return None
