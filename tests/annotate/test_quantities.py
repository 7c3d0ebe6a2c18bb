from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, EPOCH_1, EPOCH_2, NBC, UNKNOWN_OUTLET, WSWS
from parallax.annotate.core import annotate
from parallax.annotate.quantities import parse_number
from parallax.ingest.core import ingest_paths
from parallax.models import AnnotatedArticle

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def _by_file() -> dict[str, AnnotatedArticle]:
    return {Path(a.article.source).name: a for a in annotate(ingest_paths([CORPUS]).articles)}


def _q(name: str) -> set[tuple[float, str, str | None]]:
    return {(q.value, q.counted, q.qualifier) for q in _by_file()[name].quantities}


def test_counts_with_qualifiers() -> None:
    assert (4.0, "previous spy balloon incidents", "at least") in _q(EPOCH_1)
    assert (5.0, "continents", None) in _q(EPOCH_1)
    assert (3.0, "previous incursions", "at least") in _q(EPOCH_2)
    assert (40.0, "countries", "more than") in _q(UNKNOWN_OUTLET)
    assert (40.0, "countries", "more than") in _q(NBC)
    assert (8.0, "days", None) in _q(NBC)
    assert (3.0, "unidentified flying objects", None) in _q(WSWS)
    assert (100.0, "percent", None) in _q(WSWS)
    assert not any(c == "China" for _, c, _ in _q(WSWS))  # "One China" is a name
    for ann in _by_file().values():
        for q in ann.quantities:
            assert ann.article.text[q.start : q.end] == q.text


def test_parse_number() -> None:
    assert parse_number("forty") == 40
    assert parse_number("twenty-five") == 25
    assert parse_number("1,200") == 1200
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("dozens") is None
    assert parse_number("four and a half") == 4.5
