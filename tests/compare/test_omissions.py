"""Omissions per outlet: facts most other outlets report and this one does not."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CORPUS, analyze_as_one_story
from parallax.compare.omissions import find_omissions
from parallax.models import UNKNOWN, AnnotatedArticle, Article, Fact, FactSupport, Span


def _ann(aid: str, outlet: str) -> AnnotatedArticle:
    art = Article(aid, aid, outlet, "test", "t", None, None, "test", "en", "x" * 50, ((0, 50),))
    return AnnotatedArticle(art, (), (), (), (), (), ())


def _fact(fid: str, *arts: AnnotatedArticle) -> Fact:
    support = tuple(
        FactSupport(a.id, a.article.outlet, Span(a.id, 0, 5, "xxxxx"), "own", None) for a in arts
    )
    return Fact(fid, f"fact {fid}", support)


def test_rule_counts_outlets_not_articles():
    a1, a2 = _ann("a1", "Epoch"), _ann("a2", "Epoch")
    b, c, d = _ann("b", "NBC"), _ann("c", UNKNOWN), _ann("d", "WSWS")
    facts = [_fact("f1", b, c, d), _fact("f2", a1, b), _fact("f3", a2, b, c)]
    got = find_omissions([a1, a2, b, c, d], facts)
    f1 = [o for o in got if o.fact_id == "f1"]
    assert [o.outlet for o in f1] == ["Epoch"] and f1[0].coverage == 1.0
    assert f1[0].covered_by == ("NBC", "WSWS", "unknown (c)")
    # f3 is reported by Epoch (article a2), so neither Epoch article omits it
    assert not any(o.fact_id == "f3" and o.outlet == "Epoch" for o in got)
    # f2: Epoch and NBC report it, i.e. 2 of the 3 other outlets for WSWS and for c
    f2 = sorted((o.outlet, o.article_id, o.coverage) for o in got if o.fact_id == "f2")
    assert f2 == [("WSWS", "d", 0.667), ("unknown", "c", 0.667)]
    assert [o.coverage for o in got] == sorted((o.coverage for o in got), reverse=True)


def test_two_outlets_have_no_omissions():
    a, b = _ann("a", "X"), _ann("b", "Y")
    assert find_omissions([a, b], [_fact("f", a)]) == []


@lru_cache(maxsize=1)
def demo():
    return analyze_as_one_story([CORPUS])


@pytest.mark.slow
def test_briefing_articles_omit_the_munich_meeting():
    got = demo().omissions
    epoch = [o for o in got if o.outlet == "The Epoch Times"]
    assert any("Munich" in o.fact_text for o in epoch)
    for o in got:
        assert o.outlet not in o.covered_by and o.coverage >= 0.5
    df = got.to_df()
    assert {"outlet", "fact_text", "covered_by", "coverage"} <= set(df.columns)
