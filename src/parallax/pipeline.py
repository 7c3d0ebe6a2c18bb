"""End to end: paths -> Analysis. Each stage is one module; this file only wires them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from parallax.ingest import IngestResult, ingest_paths
from parallax.models import Analysis, AnnotatedArticle, Article, Records
from parallax.store import Store

STAGES = ("ingest", "annotate", "cluster", "compare", "timeline", "brief")
_STAGE_MODULES = {
    "annotate": ("parallax.annotate", "parallax.embed"),
    "cluster": ("parallax.cluster",),
    "compare": ("parallax.compare",),
    "timeline": ("parallax.timeline",),
    "brief": ("parallax.brief",),
}


def available_stages(wanted: Sequence[str] = STAGES) -> tuple[str, ...]:
    """The wanted stages whose modules are installed, in data-flow order."""
    import importlib.util

    ready = []
    for stage in STAGES:
        mods = _STAGE_MODULES.get(stage, ())
        if stage in wanted and all(importlib.util.find_spec(m) for m in mods):
            ready.append(stage)
    return tuple(ready)


Progress = Callable[[str, int], Callable[[int], None]]


def _ignore(_n: int = 1) -> None:
    return None


@contextlib.contextmanager
def no_progress(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield _ignore


def annotate_articles(
    articles: Sequence[Article], store: Store | None, progress: Any = no_progress
) -> tuple[list[AnnotatedArticle], list[Any]]:
    """Annotate and resolve entities across articles."""
    from parallax.annotate import annotate, resolve_entities

    with progress("annotate", len(articles)) as tick:
        annotated = annotate(articles, store=store, progress=tick)
    annotated, entities = resolve_entities(annotated)
    return list(annotated), list(entities)


def analyze(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    sidecar: str | Path | None = None,
    ratings: str | Path | None = None,
    stages: Sequence[str] = STAGES,
    progress: Any = no_progress,
) -> Analysis:
    """Ingest the inputs, then run the later stages over the articles."""
    with progress("ingest", 0) as tick:
        ingested: IngestResult = ingest_paths(
            paths, sidecar=sidecar, ratings=ratings, progress=tick
        )
    store = Store(db) if db else None
    if store is not None and ingested.articles:
        store.upsert_articles(ingested.articles)
    return analyze_articles(
        ingested.articles, store, problems=ingested.problems, stages=stages, progress=progress
    )


def analyze_articles(
    articles: Sequence[Article],
    store: Store | None = None,
    *,
    problems: Sequence[Any] = (),
    stages: Sequence[str] = STAGES,
    progress: Any = no_progress,
) -> Analysis:
    """The stages after ingest, for articles already in hand (files, store or upload).

    Comparison runs per storyline, with omissions judged per event inside it.
    """
    stages = available_stages(stages)
    result: dict[str, Any] = {
        "articles": Records(articles),
        "problems": Records(problems),
        "stages": ("ingest",),
    }
    if not articles or "annotate" not in stages:
        return Analysis(**result)

    annotated, entities = annotate_articles(articles, store, progress)
    result.update(annotated=Records(annotated), entities=Records(entities))
    result["stages"] += ("annotate",)

    stories: list[Any] = []
    if "cluster" in stages:
        from parallax.cluster import cluster, docs_from_annotated
        from parallax.embed import article_vectors

        vectors = article_vectors(annotated, store=store)
        stories = cluster(docs_from_annotated(annotated, vectors))
        result["stories"] = Records(stories)
        result["stages"] += ("cluster",)

    if "compare" in stages:
        from parallax.compare import compare
        from parallax.embed import sentence_vectors

        groups: list[Any] = [s for s in stories if s.level == "storyline"] or [None]
        by_id = {a.id: a for a in annotated}
        sent_vecs = dict(
            zip([a.id for a in annotated], sentence_vectors(annotated, store=store), strict=True)
        )
        merged: dict[str, list[Any]] = {
            k: [] for k in ("facts", "conflicts", "omissions", "framing", "voices")
        }
        with progress("compare", len(groups)) as tick:
            for story in groups:
                ids = list(story.article_ids) if story else list(by_id)
                members = [by_id[i] for i in ids if i in by_id]
                events = [list(e.article_ids) for e in stories if story and e.parent_id == story.id]
                comparison = compare(
                    members, [sent_vecs[a.id] for a in members], events=events or None
                )
                for key in merged:
                    merged[key].extend(getattr(comparison, key))
                tick(1)
        for key, values in merged.items():
            result[key] = Records(values)
        result["stages"] += ("compare",)

    if "timeline" in stages:
        from parallax.timeline import build_timeline

        result["timeline"] = Records(build_timeline(annotated))
        result["stages"] += ("timeline",)
    if "brief" in stages and "compare" in result["stages"]:
        from parallax.brief import build_briefs

        result["briefs"] = Records(build_briefs(Analysis(**result)))
        result["stages"] += ("brief",)
    return Analysis(**result)
