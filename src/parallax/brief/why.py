"""Why these articles were grouped: the evidence a reader can check for one story.

Clustering decides from entities, title terms, dates and embedding similarity
(stories/index.py); this restates the same four signals for a finished story so a reader
can judge the grouping instead of trusting it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from parallax.models import AnnotatedArticle, Story

MAX_ITEMS = 6  # policy: entities and title terms listed
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{3,}")


@dataclass(frozen=True)
class WhyGrouped:
    story_id: str
    articles: int
    shared_entities: tuple[tuple[str, int], ...]  # (name, members mentioning it)
    shared_title_terms: tuple[tuple[str, int], ...]  # (word, member titles using it)
    published: tuple[dt.date | None, dt.date | None]  # earliest and latest published date
    undated: int  # members without a published date
    similarity: float | None  # mean pairwise cosine of article embeddings (None: not given)
    min_similarity: float | None

    def sentence(self) -> str:
        """One plain line for the report and the CLI."""
        parts = []
        if self.shared_entities:
            names = ", ".join(f"{n} ({k}/{self.articles})" for n, k in self.shared_entities)
            parts.append(f"shared names: {names}")
        if self.shared_title_terms:
            terms = ", ".join(f"{w} ({k})" for w, k in self.shared_title_terms)
            parts.append(f"title words in common: {terms}")
        lo, hi = self.published
        if lo:
            span = f"{lo}" if lo == hi else f"{lo} to {hi}"
            parts.append(
                f"published {span}" + (f" ({self.undated} undated)" if self.undated else "")
            )
        if self.similarity is not None:
            parts.append(
                f"text similarity {self.similarity:.2f} on average (lowest pair "
                f"{self.min_similarity:.2f})"
            )
        if self.articles < 2:
            return "A single article: nothing else was close enough to join it."
        return "; ".join(parts) + "."


def why_grouped(
    story: Story,
    annotated: Sequence[AnnotatedArticle],
    vectors: Mapping[str, np.ndarray] | None = None,
) -> WhyGrouped:
    """The shared signals of one story's members (entities and title words used by two or
    more members, publication dates, and embedding similarity when vectors are given)."""
    members = [a for a in annotated if a.id in set(story.article_ids)]
    entities: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    for ann in members:
        entities.update({m.canonical for m in ann.mentions if m.label in _ENTITY_LABELS})
        terms.update({w.lower() for w in _TITLE_WORD.findall(ann.article.title)})
    floor = 2 if len(members) > 1 else 1
    shared = tuple((n, k) for n, k in entities.most_common() if k >= floor)[:MAX_ITEMS]
    words = {w.lower() for n, _ in shared for w in n.split()}
    title = tuple((w, k) for w, k in terms.most_common() if k >= 2 and w not in words)[:MAX_ITEMS]
    dates = sorted(a.article.published for a in members if a.article.published)
    sims: list[float] = []
    if vectors:
        vecs = [vectors[a.id] for a in members if a.id in vectors]
        sims = [float(np.dot(x, y)) for x, y in combinations(vecs, 2)]
    return WhyGrouped(
        story_id=story.id,
        articles=len(members),
        shared_entities=shared,
        shared_title_terms=title,
        published=(dates[0], dates[-1]) if dates else (None, None),
        undated=len(members) - len(dates),
        similarity=float(np.mean(sims)) if sims else None,
        min_similarity=min(sims) if sims else None,
    )
