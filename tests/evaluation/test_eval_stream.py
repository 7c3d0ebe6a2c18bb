"""Story clustering on the AllSides stream: loader, split, and a small real run."""

from __future__ import annotations

import pytest

from conftest import DATA
from parallax.evaluation.stream import SPLIT_DATE, load_stream, run


def test_loader_reads_triplets_and_splits_by_date() -> None:
    tune, test = load_stream(DATA, "tune"), load_stream(DATA, "test")
    assert tune and test
    assert max(d.date for d in tune) < SPLIT_DATE <= min(d.date for d in test)
    assert not {d.story for d in tune} & {d.story for d in test}
    by_story: dict[str, set[str]] = {}
    for d in tune:
        by_story.setdefault(d.story, set()).add(d.outlet)
    assert sum(len(o) >= 2 for o in by_story.values()) > 0.9 * len(by_story)  # several outlets
    assert all(d.title and len(d.text.split()) >= 20 for d in tune)
    assert load_stream(DATA / "nowhere") == []


@pytest.fixture(scope="module")
def small_run() -> dict:
    # The first 12 test stories span a few days of August 2021: several share a topic
    # (four on COVID, two on evictions, two on Cuomo) and a week: the near-miss case.
    return {r.metric: r for r in run(DATA, limit=12)}


@pytest.mark.slow
def test_small_run_scores_events_next_to_the_baseline(small_run: dict) -> None:
    event = small_run["event B-cubed F1"]
    assert event.extra["gold_clusters"] == 12
    assert event.extra["recall"] >= 0.85  # articles of one AllSides story end up together
    assert event.extra["precision"] >= 0.8  # same-week stories on one topic stay apart
    assert event.ours > event.extra["baseline_f1"]  # 0.889 vs 0.833 here
    assert "baseline_f1" in event.extra


@pytest.mark.slow
def test_storylines_do_not_mix_allsides_topics(small_run: dict) -> None:
    purity = small_run["storyline topic purity (B-cubed precision vs AllSides topic)"]
    assert purity.ours >= 0.8
