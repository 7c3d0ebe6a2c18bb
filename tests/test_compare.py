"""compare(): the public entry point, its tables and its behaviour on odd input."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CORPUS
from parallax.compare import Comparison, compare
from parallax.models import AnnotatedArticle, Article, Records


@lru_cache(maxsize=1)
def demo() -> Comparison:
    from parallax.compare import compare_paths

    return compare_paths([str(CORPUS)])


@pytest.mark.slow
def test_comparison_tables():
    c = demo()
    for name in ("facts", "conflicts", "omissions", "voices", "claims"):
        records = getattr(c, name)
        assert isinstance(records, Records) and len(records) > 0, name
        assert len(records.to_df()) == len(records)
    assert set(c.conflicts.to_df()["kind"]) >= {
        "number", "place", "polarity", "name_title", "quote_wording", "assessment",
    }  # fmt: skip
    assert {"support", "text"} <= set(c.facts.to_df().columns)


@pytest.mark.slow
def test_framing_is_filled_when_framing_module_exists():
    c = demo()
    try:
        import parallax.framing  # noqa: F401
    except ImportError:
        assert len(c.framing) == 0
    else:
        assert len(c.framing) == 5


def _bare(text: str) -> AnnotatedArticle:
    art = Article("x1", "x", "unknown", "t", "t", None, None, "t", "en", text, ((0, len(text)),))
    return AnnotatedArticle(art, (), (), (), (), (), ())


@pytest.mark.slow
def test_odd_input_does_not_crash():
    empty = compare([])
    assert len(empty.facts) == len(empty.conflicts) == 0
    one = compare([_bare("No sentences were annotated here.")])
    assert len(one.facts) == 0 and len(one.omissions) == 0
