"""compare(): the public entry point, its tables and its behaviour on odd input."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CORPUS, analyze_as_one_story
from parallax.compare.core import compare
from parallax.models import AnnotatedArticle, Article, Records
from parallax.runner import StoryAnalysis


@lru_cache(maxsize=1)
def demo() -> StoryAnalysis:
    return analyze_as_one_story([CORPUS])


@pytest.mark.slow
def test_comparison_tables():
    c = demo()
    for name in ("facts", "conflicts", "omissions", "voices", "claims"):
        records = Records(getattr(c, name))
        assert len(records) > 0, name
        assert len(records.to_df()) == len(records)
    assert set(c.conflicts.to_df()["kind"]) >= {
        "number", "place", "polarity", "name_title", "quote_wording", "assessment",
    }  # fmt: skip
    assert {"support", "text"} <= set(c.facts.to_df().columns)


@pytest.mark.slow
def test_framing_is_filled_when_framing_module_exists():
    c = demo()
    try:
        import parallax.compare.framing  # noqa: F401
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
