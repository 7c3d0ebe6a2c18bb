"""Syndication: wire copies and near-duplicates count as one source.

The same AP or Reuters story printed by three outlets is one piece of reporting, not three
outlets agreeing. Two articles are copies when most of the word shingles of the shorter
one occur in the other (containment, so a trimmed or lightly edited copy still matches).
Text inside quotation marks is left out first: independent reports of one event often
print the same long statement, which is shared sourcing, not a shared article.

Exact shingle sets instead of MinHash (`datasketch`): the comparison runs per story, where
n is tens to a few hundred articles, so the n² exact containment costs milliseconds and
needs no dependency or hash-permutation noise. For corpus-wide deduplication MinHash LSH
would be the right tool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from parallax.models import Article
from parallax.stories.settings import SyndicationSettings

_QUOTED = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


MIN_SHINGLES = 20  # policy: texts with fewer shingles (a caption, a title) are never copies


def shingles(text: str, size: int) -> frozenset[int]:
    """Hashed word n-grams of the text with quoted passages removed."""
    words = _WORD.findall(_QUOTED.sub(" ", text).lower())
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of the smaller set found in the larger one."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def source_keys(
    articles: Sequence[Article], settings: SyndicationSettings | None = None
) -> dict[str, str]:
    """`{article_id: source_key}`: copies share a key (the id of the group's first article
    in input order); an independent article's key is its own id. Thresholds are
    `SyndicationSettings`."""
    p = settings or SyndicationSettings()
    sets = [shingles(a.text, p.shingle) for a in articles]
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(articles)):
        if len(sets[i]) < MIN_SHINGLES:
            continue
        for j in range(i + 1, len(articles)):
            if len(sets[j]) >= MIN_SHINGLES and containment(sets[i], sets[j]) >= p.containment:
                ri, rj = root(i), root(j)
                parent[max(ri, rj)] = min(ri, rj)
    return {a.id: articles[root(n)].id for n, a in enumerate(articles)}


def copy_groups(sources: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Groups of two or more article ids that share a source key, representative first."""
    groups: dict[str, list[str]] = {}
    for aid, key in sources.items():
        groups.setdefault(key, []).append(aid)
    return [
        tuple(sorted(ids, key=lambda i: i != key)) for key, ids in groups.items() if len(ids) > 1
    ]


def count_sources(article_ids: Sequence[str], sources: Mapping[str, str] | None) -> int:
    """Independent sources among these articles (copies count once)."""
    return len({(sources or {}).get(a, a) for a in article_ids})
