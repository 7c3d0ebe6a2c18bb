"""Who is quoted, how much, and for which side: sides come from the article's own words."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS
from parallax.compare.voices import fold_country, side_in_spans, side_of_name, voices_of


def test_side_rules_are_general() -> None:
    # "Chinese Foreign Ministry spokesman Li Wei and NATO chief Ann Berg spoke."
    ents = [(0, 7, "NORP", "Chinese"), (8, 24, "ORG", "Foreign Ministry"), (47, 51, "ORG", "NATO")]
    places = ["China", "Ukraine"]
    # the country in the title wins over the organisation
    assert side_in_spans(ents, [(0, 34)], places) == "China"
    assert side_in_spans(ents, [(47, 57)], places) == "NATO"
    assert side_in_spans(ents, [(60, 70)], places) is None
    assert fold_country("Ukrainian", places) == "Ukraine"
    assert fold_country("U.S.", places) == "United States"
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
    assert by[("004", "Antony Blinken")].side == "United States"
    assert by[("004", "Wang Yi")].side == "China"
    assert by[("004", "Wang Yi")].quotes >= 3
    # the Epoch Times briefing piece quotes no Chinese voice at all
    assert not any(n == "000" and v.side == "China" for (n, _), v in by.items())
    for v in voices:
        assert v.quotes >= 1 and v.words >= 1


def test_no_quotes_no_voices():
    assert voices_of([]) == []
