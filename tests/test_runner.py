"""The one runner: parse once, one answer on every path."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from parallax.runner import Pipeline

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
