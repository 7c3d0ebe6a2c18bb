from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, EPOCH_1, NBC, WSWS
from parallax.annotate.core import ANNOTATOR_VERSION, annotate
from parallax.ingest.core import ingest_paths
from parallax.models import Article
from parallax.store import Store

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def _articles() -> tuple[Article, ...]:
    return tuple(ingest_paths([CORPUS]).articles)


def test_annotate_caches_in_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    arts = list(_articles())
    seen: list[int] = []
    first = annotate(arts, store, progress=seen.append)
    assert sum(seen) == len(arts)
    dated = {a.id for a in arts if a.published is not None}
    assert set(store.get_annotations(arts, ANNOTATOR_VERSION)) == dated
    # undated articles borrow the batch's year (2023, from the WSWS piece): cached under it
    assert (
        set(store.get_annotations(arts, f"{ANNOTATOR_VERSION}/y2023"))
        == {a.id for a in arts} - dated
    )
    seen.clear()
    again = annotate(arts, store, progress=seen.append)
    assert again == first and seen == [len(arts)]
    by = {Path(a.article.source).name: a for a in first}
    wsws = by[WSWS]
    assert len(wsws.sentences) > 25
    for s in wsws.sentences:
        assert wsws.article.text[s.start : s.end] == s.text
    for m in wsws.mentions:
        assert wsws.article.text[m.start : m.end] == m.text
    labels = {m.label for m in wsws.mentions}
    assert {"PERSON", "GPE", "ORG", "NORP", "DATE"} <= labels
    nbc_people = {m.canonical for m in by[NBC].mentions if m.label == "PERSON"}
    assert {"Antony Blinken", "Wang Yi"} <= nbc_people


def test_undated_article_alone_says_why_dates_are_unknown() -> None:
    epoch = next(a for a in _articles() if Path(a.source).name == EPOCH_1)
    (alone,) = annotate([epoch])
    sat = next(t for t in alone.times if t.text == "Saturday")
    assert sat.date_start is None and sat.uncertain
    assert "no year" in sat.anchor_reason


def test_bad_input_does_not_crash() -> None:
    empty = Article(
        id="e" * 16,
        source="x",
        outlet="unknown",
        outlet_reason="",
        title="",
        byline=None,
        published=None,
        date_reason="",
        language="en",
        text="",
        paragraphs=(),
    )
    odd = Article(
        id="f" * 16,
        source="y",
        outlet="unknown",
        outlet_reason="",
        title="t",
        byline=None,
        published=None,
        date_reason="",
        language="en",
        text="“ unclosed \" ' ‘ ” 3 — Feb. 31 last Blursday",
        paragraphs=((0, 10),),
    )
    out = annotate([empty, odd])
    assert [a.id for a in out] == [empty.id, odd.id]
    assert out[0].sentences == ()
