"""The one runner: parse once, one answer on every path."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from parallax.runner import STORY_TABLES, Pipeline

pytestmark = pytest.mark.slow


def test_analyze_parses_each_article_once(monkeypatch):
    """Characters handed to spaCy during `analyze` of the demo = the articles' text (±5%)."""
    import parallax.nlp as nlp_mod

    real = nlp_mod.spacy_nlp()
    seen: list[int] = []

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def __call__(self, text, *args, **kwargs):
            seen.append(len(text))
            return real(text, *args, **kwargs)

        def pipe(self, texts, *args, **kwargs):
            def counted():
                for t in texts:
                    seen.append(len(t))
                    yield t

            return real.pipe(counted(), *args, **kwargs)

    counting = Counting()
    monkeypatch.setattr(nlp_mod, "spacy_nlp", lambda: counting)
    import parallax.annotate.parse as parse_mod

    monkeypatch.setattr(parse_mod, "spacy_nlp", lambda: counting)
    analysis = Pipeline().analyze([CORPUS])
    total = sum(len(a.text) for a in analysis.articles)
    assert analysis.conflicts or analysis.facts  # the whole chain ran
    assert abs(sum(seen) - total) <= 0.05 * total, (sum(seen), total)


def test_same_article_same_names_on_every_path():
    """Entity resolution is scoped to the story, never written back into annotations."""
    pipeline = Pipeline()
    articles = pipeline.ingest([CORPUS]).articles
    annotated = pipeline.annotate(articles)
    before = [a.mentions for a in annotated]
    batch = pipeline.run(articles)
    again = pipeline.annotate(articles)
    assert [a.mentions for a in again] == before  # nothing was rewritten in place
    one = pipeline.analyze_story(annotated, [s for s in batch.stories])
    names = {m.canonical for a in one.annotated for m in a.mentions}
    assert names == {m.canonical for a in batch.annotated for m in a.mentions}


def test_ingest_into_store_stores_each_changed_storyline(tmp_path):
    """Ingest computes and stores the analysis of the storylines it touched; a view reads it."""
    from parallax.store import Store

    store = Store(tmp_path / "p.db")
    pipeline = Pipeline(store=store)
    articles = pipeline.ingest([CORPUS]).articles
    first, rest = articles[:2], articles[2:]
    assignments = pipeline.ingest_into_store(first)
    lines = {line for _event, line in assignments}
    assert all(store.get_analysis(line) is not None for line in lines)

    calls: list[int] = []
    real = pipeline.analyze_story
    pipeline.analyze_story = lambda *a, **k: calls.append(1) or real(*a, **k)  # type: ignore[method-assign]
    line = next(iter(lines))
    stored = pipeline.stored_analysis(line)
    assert calls == []  # read from the store, nothing recomputed
    assert stored is not None and {a.id for a in stored.articles} <= {a.id for a in first}
    assert pipeline.update_stories(lines) == []  # current: skipped

    again = pipeline.ingest_into_store(rest)
    changed = {line for _event, line in again}
    assert len(calls) == len({s for s in changed if store.story(s) is not None})
    for line in changed:
        view = pipeline.stored_analysis(line)
        assert view is not None and len(view.articles) == len(store.story(line).article_ids)
    # what a page reads back equals what was computed, table by table (JSON round trip)
    biggest = max(changed, key=lambda s: len(store.story(s).article_ids))
    fresh = pipeline._analyse_stored({s.id: s for s in store.stories()}, biggest)
    view = pipeline.stored_analysis(biggest)
    for table in (*STORY_TABLES, "articles", "entities", "stories"):
        assert tuple(getattr(view, table)) == tuple(getattr(fresh, table)), table
    assert pipeline.stored_analysis("no-such-story") is None
