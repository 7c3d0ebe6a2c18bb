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
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from parallax.store import Store

STAGES = ("ingest", "annotate", "cluster", "compare", "timeline", "brief")
# Bump when the analysis code changes what it stores (invalidates the `analyses` table).
ANALYSIS_VERSION = "analysis-2"  # analysis-2: forest verifier, new conflict rules, NumPy e5
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
    annotated: Records[AnnotatedArticle]  # with story-scoped canonical names
    entities: Records[Entity]
    facts: Records[Fact] = field(default_factory=Records)
    conflicts: Records[Conflict] = field(default_factory=Records)
    omissions: Records[Omission] = field(default_factory=Records)
    framing: Records[Framing] = field(default_factory=Records)
    voices: Records[Voice] = field(default_factory=Records)
    timeline: Records[TimelineEntry] = field(default_factory=Records)
    briefs: Records[Brief] = field(default_factory=Records)
    claims: Records[Claim] = field(
        default_factory=Records
    )  # the clause units compared (not part of Analysis)
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
            result = ingest_paths(
                paths,
                sidecar=sidecar,
                ratings=ratings,
                progress=tick,
                settings=self.settings.ingest,
            )
        if self.store is not None and result.articles:
            self.store.upsert_articles(result.articles, result.problems)
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
        sources = source_keys([a.article for a in resolved], self.settings.syndication)
        storyline = next((s for s in stories if s.level == "storyline"), None)
        events = [list(s.article_ids) for s in stories if s.level == "event"]
        # one article: nothing compares its sentences across sources (compare._vectors)
        vectors = sentence_vectors(resolved, store=self.store) if len(resolved) > 1 else None
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
            annotated=Records(resolved),
            entities=Records(entities),
            facts=Records(comparison.facts),
            conflicts=Records(comparison.conflicts),
            omissions=Records(comparison.omissions),
            framing=Records(comparison.framing),
            voices=Records(comparison.voices),
            timeline=Records(timeline),
            briefs=Records(
                build_briefs(partial, self.settings.brief, sources, self.settings.framing)
            ),
            claims=Records(comparison.claims),
            seconds=comparison.seconds,
        )

    # ------------------------------------------------------------ stored analyses

    def ingest_into_store(self, articles: Sequence[Article]) -> list[tuple[str, str]]:
        """New articles into the store, ready to view: store, annotate, assign to stories, then
        recompute and store the analysis of each storyline that changed (and only those).

        The one call for `parallax ingest` and the web upload; returns (event, storyline)
        per article, as `assign`.
        """
        store = self._need_store()
        if articles:
            store.upsert_articles(articles)
        assignments = self.assign(self.annotate(articles)) if articles else []
        self.update_stories(dict.fromkeys(line for _event, line in assignments))
        return assignments

    def update_stories(self, story_ids: Any, force: bool = False) -> list[str]:
        """Recompute and store the analysis of these storylines (an event id means its
        storyline) unless the stored one is current; ids no longer in the store are
        skipped. Returns the storyline ids recomputed."""
        store = self._need_store()
        stories = {s.id: s for s in store.stories()}
        lines = [i for i in dict.fromkeys(self._storyline_id(stories, i) for i in story_ids) if i]
        done: list[str] = []
        with self.progress("analyse stories", len(lines)) as tick:
            for line_id in lines:
                found = store.get_analysis(line_id)
                articles = store.articles(list(stories[line_id].article_ids))
                if force or found is None or found[0] != self.analysis_key(articles):
                    self._analyse_stored(stories, line_id)
                    done.append(line_id)
                tick(1)
        return done

    def stored_analysis(self, story_id: str) -> Analysis | None:
        """The stored analysis of a story's storyline, recomputed (and stored) only when its
        articles, the settings or the code changed; None for an unknown id."""
        from parallax.models import from_plain

        store = self._need_store()
        story = store.story(story_id)
        line = store.story(story.parent_id) if story and story.parent_id else story
        if line is None:
            return None
        found = store.get_analysis(line.id)
        if found is not None and found[0] == self.analysis_key(
            store.articles(list(line.article_ids))
        ):
            plain = from_plain(Analysis, found[1])
            return Analysis(
                **{
                    f: (Records(v) if isinstance(v, tuple) and f != "stages" else v)
                    for f, v in vars(plain).items()
                }
            )
        return self._analyse_stored({s.id: s for s in store.stories()}, line.id)

    def analysis_key(self, articles: Sequence[Article]) -> str:
        """What a stored analysis depends on: the article set with the metadata a user can
        change, the settings and the analysis code version."""
        parts = sorted(
            f"{a.id}|{a.outlet}|{a.published}|{a.lean or ''}|{a.title}" for a in articles
        )
        blob = "\n".join([ANALYSIS_VERSION, repr(self.settings), *parts])
        return hashlib.sha1(blob.encode("utf-8")).hexdigest()

    def _need_store(self) -> Store:
        if self.store is None:
            raise ValueError("stored analyses need a store")
        return self.store

    @staticmethod
    def _storyline_id(stories: dict[str, Story], story_id: str) -> str | None:
        story = stories.get(story_id)
        if story is None:
            return None
        if story.level == "storyline" or not story.parent_id:
            return story.id
        return story.parent_id if story.parent_id in stories else None

    def _analyse_stored(self, stories: dict[str, Story], line_id: str) -> Analysis:
        """analyze_story on a stored storyline and its events; the result is stored."""
        from parallax.models import to_plain

        store = self._need_store()
        line = stories[line_id]
        events = sorted((s for s in stories.values() if s.parent_id == line_id), key=lambda s: s.id)
        articles = store.articles(list(line.article_ids))
        members = self.annotate(articles)
        part = self.analyze_story(members, [line, *events])
        base = {"articles": Records(articles), "problems": Records(), "stages": ("ingest",)}
        analysis = merge_story_analyses(base, [line, *events], [part])
        store.put_analysis(line_id, self.analysis_key(articles), to_plain(analysis))
        return analysis

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
        from parallax.compare.framing import warm_bias_cache

        annotated = self.annotate(articles)
        stories = self.cluster(annotated)
        groups = self.story_groups(annotated, stories)
        parts: list[StoryAnalysis] = []
        with self.progress("compare", len(groups)) as tick:
            for chunk in _article_chunks(groups, WARM_ARTICLES):
                # framing's bias texts of many stories in one e5 call (same scores, less padding)
                warm_bias_cache([a for members, _ in chunk for a in members], self.settings.framing)
                for members, scope in chunk:
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


# Stories whose framing texts are encoded together: ≈ 20 texts an article, so one chunk
# stays far inside the e5 cache (nlp.CACHE_ENTRIES) and its memory stays small.
WARM_ARTICLES = 200


def _article_chunks(groups: Sequence[Any], size: int) -> list[list[Any]]:
    """Consecutive (members, scope) groups cut into chunks of about `size` articles."""
    chunks: list[list[Any]] = [[]]
    n = 0
    for g in groups:
        if n >= size:
            chunks.append([])
            n = 0
        chunks[-1].append(g)
        n += len(g[0])
    return [c for c in chunks if c]


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
    from parallax.store import Store

    store = Store(db) if db else None
    return Pipeline(settings, store, progress).analyze(paths, sidecar=sidecar, ratings=ratings)
