"""The one runner: it alone knows the order of the stages.

ingest -> annotate (one parse per article, cached) -> stories -> per-story analysis
(entity resolution scoped to the story, compare, timeline, briefs) -> Analysis.

The CLI, the web app, the Spark job, the evaluation tasks and the tests all call
`Pipeline`; none of them wires stages itself, so every entry point gives the same
answer. Spark calls `Pipeline.analyze_story` per storyline, the same function the
single-machine `run` calls, so their outputs are equal by construction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from parallax.models import (
    Analysis,
    AnnotatedArticle,
    Article,
    Brief,
    Claim,
    Conflict,
    Entity,
    Fact,
    Framing,
    Omission,
    Records,
    Story,
    TimelineEntry,
    Voice,
)
from parallax.settings import Settings
from parallax.store import Store

STAGES = ("ingest", "annotate", "cluster", "compare", "timeline", "brief")
STORY_TABLES = ("facts", "conflicts", "omissions", "framing", "voices", "timeline", "briefs")

Tick = Callable[[int], None]
Progress = Callable[[str, int], contextlib.AbstractContextManager[Tick]]


def _ignore(_n: int = 1) -> None:
    return None


@contextlib.contextmanager
def no_progress(_label: str, _total: int) -> Iterator[Tick]:
    """The default progress: nothing shown (the CLI passes a Rich bar instead)."""
    yield _ignore


@dataclass(frozen=True)
class StoryAnalysis:
    """Everything computed for one storyline (and its events): the per-story unit of work."""

    story_id: str | None
    annotated: tuple[AnnotatedArticle, ...]  # with story-scoped canonical names
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    omissions: tuple[Omission, ...] = ()
    framing: tuple[Framing, ...] = ()
    voices: tuple[Voice, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    briefs: tuple[Brief, ...] = ()
    claims: tuple[Claim, ...] = ()  # the clause units compared (not part of Analysis)
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


class Pipeline:
    """Runs the stages in order with one `Settings`, an optional store and a progress factory."""

    def __init__(
        self,
        settings: Settings | None = None,
        store: Store | None = None,
        progress: Progress = no_progress,
    ) -> None:
        self.settings = settings or Settings()
        self.store = store
        self.progress = progress
        self.vectors: dict[str, np.ndarray] = {}  # article embeddings clustering used

    # ------------------------------------------------------------ stages

    def ingest(
        self,
        paths: Sequence[str | Path],
        sidecar: str | Path | None = None,
        ratings: str | Path | None = None,
    ) -> Any:
        """Files and folders -> IngestResult(articles, problems); stored when a store is set."""
        from parallax.ingest import ingest_paths

        with self.progress("ingest", 0) as tick:
            result = ingest_paths(paths, sidecar=sidecar, ratings=ratings, progress=tick)
        if self.store is not None and result.articles:
            self.store.upsert_articles(result.articles)
        return result

    def annotate(self, articles: Sequence[Article]) -> list[AnnotatedArticle]:
        """Per-article annotation (one spaCy pass each; cached in the store by content)."""
        from parallax.annotate import annotate

        with self.progress("annotate", len(articles)) as tick:
            return annotate(articles, store=self.store, progress=tick, settings=self.settings)

    def article_vectors(self, annotated: Sequence[AnnotatedArticle]) -> np.ndarray:
        from parallax.annotate import article_vectors

        return article_vectors(annotated, store=self.store)

    def cluster_docs(self, annotated: Sequence[AnnotatedArticle]) -> list[Any]:
        """What story clustering reads about each article (entities, date, vector, title)."""
        from parallax.stories import docs_from_annotated

        vectors = self.article_vectors(annotated)
        self.vectors.update(zip((a.id for a in annotated), vectors, strict=True))
        return docs_from_annotated(annotated, vectors)

    def why_grouped(self, analysis: Analysis) -> dict[str, Any]:
        """Per story, the shared entities, title words, dates and embedding similarity that
        grouped its articles (brief/why.py), for the report and `stories show --why`."""
        from parallax.brief.why import why_grouped

        missing = [a for a in analysis.annotated if a.id not in self.vectors]
        if missing:
            self.vectors.update(
                zip((a.id for a in missing), self.article_vectors(missing), strict=True)
            )
        return {s.id: why_grouped(s, analysis.annotated, self.vectors) for s in analysis.stories}

    def cluster(self, annotated: Sequence[AnnotatedArticle]) -> list[Story]:
        """Batch clustering of these articles into storylines and events."""
        from parallax.stories import cluster

        with self.progress("cluster", 0):
            return cluster(self.cluster_docs(annotated), self.settings.cluster)

    def assign(self, annotated: Sequence[AnnotatedArticle]) -> list[tuple[str, str]]:
        """Incremental assignment into the store's story index: (event, storyline) per article."""
        from parallax.stories import StoryIndex

        if self.store is None:
            raise ValueError("incremental assignment needs a store")
        index = StoryIndex(self.store, self.settings.cluster)
        with self.progress("assign", 0):
            return index.add(self.cluster_docs(annotated))

    def analyze_story(
        self,
        members: Sequence[AnnotatedArticle],
        stories: Sequence[Story] = (),
    ) -> StoryAnalysis:
        """Everything about one storyline: `stories` are it and its events (may be empty)."""
        from parallax.annotate import resolve_entities, sentence_vectors
        from parallax.brief import build_briefs, build_timeline
        from parallax.compare import compare
        from parallax.stories.syndication import source_keys

        resolved, entities = resolve_entities(members)
        sources = source_keys([a.article for a in resolved], self.settings.brief)
        storyline = next((s for s in stories if s.level == "storyline"), None)
        events = [list(s.article_ids) for s in stories if s.level == "event"]
        vectors = sentence_vectors(resolved, store=self.store)
        comparison = compare(
            resolved, vectors, events=events or None, settings=self.settings, sources=sources
        )
        timeline = build_timeline(resolved)
        partial = Analysis(
            articles=Records(a.article for a in resolved),
            annotated=Records(resolved),
            entities=Records(entities),
            stories=Records(stories),
            facts=comparison.facts,
            conflicts=comparison.conflicts,
            omissions=comparison.omissions,
            framing=comparison.framing,
            voices=comparison.voices,
            timeline=Records(timeline),
            stages=STAGES,
        )
        return StoryAnalysis(
            story_id=storyline.id if storyline else None,
            annotated=tuple(resolved),
            entities=tuple(entities),
            facts=tuple(comparison.facts),
            conflicts=tuple(comparison.conflicts),
            omissions=tuple(comparison.omissions),
            framing=tuple(comparison.framing),
            voices=tuple(comparison.voices),
            timeline=tuple(timeline),
            briefs=tuple(build_briefs(partial, self.settings.brief, sources)),
            claims=tuple(comparison.claims),
            seconds=comparison.seconds,
        )

    # ------------------------------------------------------------ end to end

    def story_groups(
        self, annotated: Sequence[AnnotatedArticle], stories: Sequence[Story]
    ) -> list[tuple[list[AnnotatedArticle], list[Story]]]:
        """(members, [storyline, its events]) per storyline; all articles as one group if none."""
        by_id = {a.id: a for a in annotated}
        lines = [s for s in stories if s.level == "storyline"]
        if not lines:
            return [(list(annotated), list(stories))]
        groups = []
        for line in lines:
            members = [by_id[i] for i in line.article_ids if i in by_id]
            events = sorted((s for s in stories if s.parent_id == line.id), key=lambda s: s.id)
            groups.append((members, [line, *events]))
        return groups

    def run(self, articles: Sequence[Article], problems: Sequence[Any] = ()) -> Analysis:
        """The stages after ingest, for articles in hand (files, a store or an upload)."""
        base: dict[str, Any] = {
            "articles": Records(articles),
            "problems": Records(problems),
            "stages": ("ingest",),
        }
        if not articles:
            return Analysis(**base)
        annotated = self.annotate(articles)
        stories = self.cluster(annotated)
        groups = self.story_groups(annotated, stories)
        parts: list[StoryAnalysis] = []
        with self.progress("compare", len(groups)) as tick:
            for members, scope in groups:
                parts.append(self.analyze_story(members, scope))
                tick(1)
        return merge_story_analyses(base, stories, parts)

    def analyze(
        self,
        paths: Sequence[str | Path],
        sidecar: str | Path | None = None,
        ratings: str | Path | None = None,
    ) -> Analysis:
        """Paths -> Analysis: ingest, then `run`."""
        ingested = self.ingest(paths, sidecar=sidecar, ratings=ratings)
        return self.run(ingested.articles, ingested.problems)


def merge_story_analyses(
    base: dict[str, Any], stories: Sequence[Story], parts: Sequence[StoryAnalysis]
) -> Analysis:
    """One Analysis from per-story results (articles keep the input order)."""
    order = {a.id: n for n, a in enumerate(base["articles"])}
    annotated = sorted(
        (a for p in parts for a in p.annotated), key=lambda a: order.get(a.id, len(order))
    )
    tables = {name: Records(x for p in parts for x in getattr(p, name)) for name in STORY_TABLES}
    return Analysis(
        **base | {"stages": STAGES},
        annotated=Records(annotated),
        entities=Records(e for p in parts for e in p.entities),
        stories=Records(stories),
        **tables,
    )


def analyze(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    sidecar: str | Path | None = None,
    ratings: str | Path | None = None,
    settings: Settings | None = None,
    progress: Progress = no_progress,
) -> Analysis:
    """`parallax.analyze`: ingest, annotate, cluster and compare the articles under `paths`."""
    store = Store(db) if db else None
    return Pipeline(settings, store, progress).analyze(paths, sidecar=sidecar, ratings=ratings)
