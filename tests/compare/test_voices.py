"""Who is quoted, how much, and for which side, on the demo corpus."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS
from parallax.compare.voices import side_of, side_of_name, voices_of


def test_rule_table():
    assert side_of("NATO Secretary-General") == "NATO"
    assert side_of("US Secretary of State") == "US government"
    assert side_of("director of the Communist Party’s Central Foreign Affairs office") == (
        "Chinese government"
    )
    assert side_of("a retired farmer") == "other"
    assert side_of_name("China") == "Chinese government"
    assert side_of_name("Washington Post") == "media"
    assert side_of_name("Jane Doe") is None


@lru_cache(maxsize=1)
def demo():
    from parallax.annotate.core import annotate
    from parallax.ingest.core import ingest_paths

    articles = ingest_paths([str(CORPUS)]).articles
    names = {a.id: Path(a.source).name[:3] for a in articles}
    return voices_of(annotate(articles)), names


@pytest.mark.slow
def test_demo_voices_and_sides():
    voices, names = demo()
    by = {(names[v.article_id], v.speaker): v for v in voices}
    assert by[("000", "Jen Stoltenberg")].side == "NATO"
    assert by[("000", "Antony Blinken")].side == "US government"
    assert by[("001", "Ned Price")].side == "US government"
    assert by[("004", "Wang Yi")].side == "Chinese government"
    assert by[("004", "Wang Yi")].quotes >= 3
    # the Epoch Times briefing piece quotes no Chinese voice at all
    assert not any(n == "000" and v.side == "Chinese government" for (n, _), v in by.items())
    for v in voices:
        assert v.quotes >= 1 and v.words >= 1


def test_no_quotes_no_voices():
    assert voices_of([]) == []
