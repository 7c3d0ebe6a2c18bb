"""Who is quoted in each article, how much, and which side they speak for.

The side comes from a small rule table over how the article itself introduces
the speaker (titles, and the words right before/after the first mention of the
name). Rules are tried in order; the first that matches wins. A speaker the
quote annotation could not name is "unknown" (side "unnamed officials" when the
cue names officials without a name).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from parallax.models import UNKNOWN, AnnotatedArticle, Voice

# (side, pattern over the speaker's context), tried in order. Documented in docs/comparison.md.
SIDE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NATO", re.compile(r"\bNATO\b")),
    (
        "Chinese government",
        re.compile(
            r"\b(Chinese (?:government|foreign|diplomat|official|President|embassy)|China[’']s|CCP|"
            r"Communist Party|People[’']s Republic|Beijing|Foreign Ministry|Xi Jinping)",
        ),
    ),
    (
        "US government",
        re.compile(
            r"\b(State Dep(?:artmen)?t\.?|Department of State|Secretary of State|Pentagon|White House|"
            r"Biden administration|Department of Defense|Brig\. Gen\.|U\.?S\.? (?:official|government)|"
            r"President \[?Joe\]? Biden)",
        ),
    ),
    ("media", re.compile(r"\b(NBC|CNN|Washington Post|reporter|newspaper|columnist|anchor)\b")),
)
_UNNAMED = re.compile(r"\b(officials?|spokes(?:man|person|woman)|sources?)\b", re.I)


# Speakers that are institutions rather than people: their name decides the side.
NAME_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NATO", re.compile(r"\bNATO\b")),
    (
        "Chinese government",
        re.compile(r"^(China|Beijing|Chinese (government|Foreign Ministry|embassy).*)$"),
    ),
    (
        "US government",
        re.compile(
            r"^(the )?(United States|U\.?S\.?|Washington|White House|Pentagon|State Department|"
            r"US intelligence.*|U\.S\. officials?|Biden administration)$"
        ),
    ),
)


def side_of_name(name: str) -> str | None:
    for side, rx in NAME_RULES:
        if rx.search(name):
            return side
    try:
        from parallax.ingest.outlets import canonical_outlet

        if canonical_outlet(name) != name or name in _media_names():
            return "media"
    except ImportError:
        pass
    return "media" if name in _media_names() else None


def _media_names() -> set[str]:
    try:
        from parallax.ingest.outlets import OUTLETS
    except ImportError:
        return set()
    return {n for name, (aliases, _) in OUTLETS.items() for n in (name, *aliases)} | {
        n.removeprefix("The ") for n in OUTLETS
    }


def side_of(context: str) -> str:
    for side, rx in SIDE_RULES:
        if rx.search(context):
            return side
    return "other"


def _context(ann: AnnotatedArticle, speaker: str) -> str:
    """The article's own description of the speaker: titles, then the 60 characters
    before and the apposition after the first mention of the name."""
    titles = [t.title for t in ann.titles if t.person == speaker]
    text = ann.article.text
    first = next(
        (
            m
            for m in ann.mentions
            if m.label == "PERSON" and m.canonical == speaker and " " in m.text
        ),
        None,
    ) or next((m for m in ann.mentions if m.canonical == speaker), None)
    parts = list(titles)
    if first is not None:
        parts.append(text[max(0, first.start - 60) : first.start])
        after = text[first.end : first.end + 100]
        if after.startswith(","):
            parts.append(after.split(".")[0])
    return " | ".join(parts)


def voices_of(annotated: Sequence[AnnotatedArticle]) -> list[Voice]:
    """One Voice per (article, speaker), most quoted words first."""
    out = []
    for ann in annotated:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        unnamed: dict[str, bool] = {}
        for q in ann.quotes:
            name = q.speaker or UNKNOWN
            counts[name][0] += 1
            counts[name][1] += q.words
            if q.speaker is None and q.speaker_text and _UNNAMED.search(q.speaker_text):
                unnamed[name] = True
        for name, (n, words) in counts.items():
            if name == UNKNOWN:
                side = "unnamed officials" if unnamed.get(name) else UNKNOWN
            elif side_of_name(name):
                side = side_of_name(name) or "other"
            else:
                ctx = _context(ann, name)
                side = side_of(ctx) if ctx else "other"
                if side == "other" and _UNNAMED.search(name):
                    side = "unnamed officials"
            out.append(Voice(ann.id, ann.article.outlet, name, side, n, words))
    out.sort(key=lambda v: (v.article_id, -v.words))
    return out
