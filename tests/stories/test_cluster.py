"""Story clustering: demo-corpus grouping, unrelated articles, incremental == batch, persistence."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS as DEMO
from conftest import FIXTURES
from parallax.models import Story
from parallax.runner import Pipeline
from parallax.stories import ClusterDoc, ClusterParams, StoryIndex, cluster

UNRELATED = FIXTURES / "unrelated"


@lru_cache(maxsize=1)
def _docs() -> tuple[dict[str, ClusterDoc], dict[str, ClusterDoc]]:
    """(balloon docs by file prefix "000".., unrelated docs by file stem), computed once."""
    from parallax.ingest.core import ingest_paths

    paths = sorted(DEMO.glob("*.txt")) + sorted(UNRELATED.glob("*.txt"))
    articles = ingest_paths(paths).articles
    pipeline = Pipeline()
    docs = pipeline.cluster_docs(pipeline.annotate(articles))
    by_source = {Path(a.source).name: d for a, d in zip(articles, docs, strict=True)}
    balloon = {name[:3]: d for name, d in by_source.items() if (DEMO / name).exists()}
    other = {Path(name).stem: d for name, d in by_source.items() if (UNRELATED / name).exists()}
    return balloon, other


def _partition(stories: list[Story], level: str, names: dict[str, str]) -> set[frozenset[str]]:
    return {
        frozenset(names[a] for a in s.article_ids if a in names)
        for s in stories
        if s.level == level
    } - {frozenset()}


def _names() -> dict[str, str]:
    balloon, other = _docs()
    return {d.id: k for k, d in (balloon | other).items()}


@pytest.mark.slow
def test_demo_corpus_is_one_storyline_with_two_events() -> None:
    balloon, _ = _docs()
    stories = cluster(list(balloon.values()))
    names = _names()
    assert _partition(stories, "storyline", names) == {
        frozenset({"000", "001", "002", "003", "004"})
    }
    assert _partition(stories, "event", names) == {
        frozenset({"000", "001"}),  # allies briefed, Feb 6-8 (The Epoch Times)
        frozenset({"002", "003", "004"}),  # Blinken meets Wang Yi in Munich, Feb 18
    }
    storyline = next(s for s in stories if s.level == "storyline")
    events = [s for s in stories if s.level == "event"]
    assert all(e.parent_id == storyline.id for e in events)
    assert {"The Epoch Times", "NBC News", "World Socialist Web Site"} <= set(storyline.outlets)
    assert any("Blinken" in e for e in storyline.entities)
    assert "balloon" in storyline.label.lower()
    assert storyline.date_end is not None and storyline.date_end >= dt.date(2023, 2, 18)


NEAR_MISSES = {"02_chip_export_controls", "03_blinken_turkey_quake", "08_harris_munich_ukraine"}


def _balloon_storylines(near_misses: bool) -> list[set[frozenset[str]]]:
    balloon, other = _docs()
    names = _names()
    others = [d for k, d in other.items() if near_misses or k not in NEAR_MISSES]
    mixed = others[:4] + list(balloon.values()) + others[4:]
    out = []
    for stories in (cluster(mixed), _incremental(mixed)):
        storylines = _partition(stories, "storyline", names)
        out.append(next(p for p in storylines if "003" in p))
    return out


@pytest.mark.slow
def test_unrelated_articles_never_join_the_balloon_storyline() -> None:
    _, other = _docs()
    assert len(other) >= 8
    for home in _balloon_storylines(near_misses=False):
        assert home == {"000", "001", "002", "003", "004"}, home


@pytest.mark.slow
def test_near_miss_articles_stay_out_of_the_balloon_storyline() -> None:
    # Same people, same conference, same weeks: a China chip-export story, Blinken in
    # Turkey, Harris at the Munich conference. Kept out by the storyline score (content
    # damped by the time gap), not by anything tuned on the demo corpus.
    for home in _balloon_storylines(near_misses=True):
        assert home == {"000", "001", "002", "003", "004"}, home


def _incremental(docs: list[ClusterDoc], store=None) -> list[Story]:
    index = StoryIndex(store)
    for d in docs:  # one at a time, as they would arrive
        index.add([d])
    return index.stories()


@pytest.mark.slow
def test_incremental_equals_batch_on_demo_corpus() -> None:
    from parallax.stories import order_key

    balloon, _ = _docs()
    names = _names()
    batch = cluster(list(balloon.values()))
    files = list(balloon.values())
    for label, inc in (
        ("one at a time, in date order", _incremental(sorted(files, key=order_key))),
        ("one call, file order", _one_call(files)),
        ("one call, newest first", _one_call(list(reversed(files)))),
    ):
        for level in ("event", "storyline"):
            assert _partition(inc, level, names) == _partition(batch, level, names), label


def _one_call(docs: list[ClusterDoc]) -> list[Story]:
    index = StoryIndex(None)
    index.add(docs)  # e.g. `parallax ingest FOLDER`: the docs of one call arrive together
    return index.stories()


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known order effect: newest first, one call each, 001 (Feb 6) arrives after the "
    "Munich articles (Feb 18-19) and the Epoch Times pair lands in two events (see "
    "docs/clustering.md)",
)
def test_incremental_newest_first_one_at_a_time_equals_batch() -> None:
    balloon, _ = _docs()
    names = _names()
    batch = cluster(list(balloon.values()))
    inc = _incremental(list(reversed(balloon.values())))
    for level in ("event", "storyline"):
        assert _partition(inc, level, names) == _partition(batch, level, names)


@pytest.mark.slow
def test_persistence_round_trip_through_sqlite(tmp_path: Path) -> None:
    from parallax.store import Store

    balloon, other = _docs()
    names = _names()
    docs = list(balloon.values()) + list(other.values())[:3]
    db = tmp_path / "stories.db"
    first = StoryIndex(Store(db))
    first.add(docs[:4])
    second = StoryIndex(Store(db))  # a new process: state comes back from SQLite
    assigned = second.add(docs[4:])
    assert len(assigned) == len(docs) - 4
    again = StoryIndex(Store(db))
    assert again.add(docs[:1]) == first.add(docs[:1])  # known articles keep their story
    in_memory = StoryIndex(None)  # the same two calls, never persisted
    in_memory.add(docs[:4])
    in_memory.add(docs[4:])
    for level in ("event", "storyline"):
        assert _partition(Store(db).stories(), level, names) == _partition(
            in_memory.stories(), level, names
        )
        assert _partition(again.stories(), level, names) == _partition(
            in_memory.stories(), level, names
        )
    restored = {s.id: s for s in again.stories()}
    for s in in_memory.stories():
        assert restored[s.id].label == s.label and restored[s.id].outlets == s.outlets


# ---------------------------------------------------------------- fast, synthetic


def _unit(seed: int, dim: int = 16) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def test_time_window_keeps_old_stories_from_absorbing_new_ones() -> None:
    v = _unit(1)
    params = ClusterParams(event_threshold=0.5, storyline_threshold=0.4)
    early = ClusterDoc("a", v, (("GPE", "Ohio"),), dt.date(2023, 1, 1), "Storm hits Ohio")
    late = ClusterDoc("b", v, (("GPE", "Ohio"),), dt.date(2023, 3, 15), "Storm hits Ohio")
    undated = ClusterDoc("c", v, (("GPE", "Ohio"),), None, "Storm hits Ohio")
    stories = cluster([early, late, undated], params)
    storylines = [s for s in stories if s.level == "storyline"]
    assert len(storylines) == 2  # 73 days apart: beyond the 30-day storyline window
    # The undated article can join either: time is unknown, so the time signal is off.
    assert sorted(len(s.article_ids) for s in storylines) == [1, 2]


def test_bad_input_does_not_crash() -> None:
    assert cluster([]) == []
    zero = ClusterDoc("z", np.zeros(8, dtype=np.float32))
    one = ClusterDoc("o", _unit(2, 8), title="")
    stories = cluster([zero, one, zero])  # duplicate id is ignored
    assert sorted(len(s.article_ids) for s in stories if s.level == "event") in ([1, 1], [2])
    assert StoryIndex(None).stories() == []


def test_story_fields_and_order_independence() -> None:
    base = _unit(3)
    docs = [
        ClusterDoc(
            f"d{i}",
            (base + 0.05 * _unit(10 + i)) / np.linalg.norm(base + 0.05 * _unit(10 + i)),
            (("PERSON", "Ada Lovelace"), ("GPE", "London")),
            dt.date(2023, 5, 1 + i),
            f"Lovelace engine shown in London, day {i}",
            f"Outlet {i % 2}",
        )
        for i in range(4)
    ]
    a = cluster(docs)
    b = cluster(list(reversed(docs)))
    assert [(s.id, s.article_ids) for s in a] == [(s.id, s.article_ids) for s in b]
    storyline = next(s for s in a if s.level == "storyline")
    assert storyline.outlets == ("Outlet 0", "Outlet 1")
    assert (storyline.date_start, storyline.date_end) == (dt.date(2023, 5, 1), dt.date(2023, 5, 4))
    assert set(storyline.entities[:2]) == {"Ada Lovelace", "London"}
    assert "Lovelace" in storyline.label
