from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, EPOCH_1, NBC, WSWS
from parallax.annotate.core import annotate
from parallax.annotate.temporal import _relative
from parallax.ingest.core import ingest_paths
from parallax.models import AnnotatedArticle, TimeExpression

pytestmark = pytest.mark.slow
D = dt.date


@lru_cache(maxsize=1)
def _by_file() -> dict[str, AnnotatedArticle]:
    return {Path(a.article.source).name: a for a in annotate(ingest_paths([CORPUS]).articles)}


def _times(name: str, text: str) -> list[TimeExpression]:
    found = [t for t in _by_file()[name].times if t.text == text]
    assert found, text
    return found


def test_wsws_resolved_against_publication_date() -> None:
    assert _by_file()[WSWS].article.published == D(2023, 2, 19)
    sat = _times(WSWS, "Saturday")[0]
    assert (sat.date_start, sat.anchor, sat.anchor_reason, sat.relative) == (
        D(2023, 2, 18),
        D(2023, 2, 19),
        "published date",
        True,
    )
    assert _times(WSWS, "February 4")[0].date_start == D(2023, 2, 4)
    r = _times(WSWS, "February 5–6")[0]
    assert (r.date_start, r.date_end) == (D(2023, 2, 5), D(2023, 2, 6))
    late = _times(WSWS, "late last month")[0]
    assert late.date_start.month == 1 and late.date_end.month == 1 and late.date_start.year == 2023
    assert late.date_start < late.date_end
    assert _times(WSWS, "last Wednesday")[0].date_start == D(2023, 2, 15)
    assert _times(WSWS, "February 24")[0].date_start == D(2023, 2, 24)


def test_epoch_anchor_inferred_from_latest_date() -> None:
    sat = _times(EPOCH_1, "Saturday")[0]
    assert sat.anchor == D(2023, 2, 8)
    assert "inferred" in sat.anchor_reason and "no year in the text" in sat.anchor_reason
    assert sat.date_start == D(2023, 2, 4) and sat.uncertain


def test_nbc_without_any_date_is_uncertain() -> None:
    for t in _times(NBC, "Saturday"):
        assert t.date_start is None and t.uncertain and t.anchor is None


def test_relative_rules() -> None:
    sun = D(2023, 2, 19)
    assert _relative("over the weekend", sun, "It was shot down over the weekend.") == (
        D(2023, 2, 18),
        D(2023, 2, 19),
    )
    assert _relative("this evening", sun, "") == (sun, sun)
    assert _relative("earlier this month", sun, "")[0] == D(2023, 2, 1)
    assert _relative("next Monday", sun, "") == (D(2023, 2, 20), D(2023, 2, 20))
    assert _relative("Friday", sun, "The vote will take place Friday.") == (
        D(2023, 2, 24),
        D(2023, 2, 24),
    )
    assert _relative("Blursday", sun, "") is None
