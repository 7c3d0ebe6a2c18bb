"""Omissions per outlet: facts most other outlets report and this one does not."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CORPUS, analyze_as_one_story
from parallax.compare.omissions import find_omissions
from parallax.models import UNKNOWN, AnnotatedArticle, Article, Fact, FactSupport, Records, Span


def _ann(aid: str, outlet: str) -> AnnotatedArticle:
    art = Article(aid, aid, outlet, "test", "t", None, None, "test", "en", "x" * 50, ((0, 50),))
    return AnnotatedArticle(art, (), (), (), (), (), ())


def _fact(fid: str, *arts: AnnotatedArticle) -> Fact:
    support = tuple(
        FactSupport(a.id, a.article.outlet, Span(a.id, 0, 5, "xxxxx"), "own", None) for a in arts
    )
    return Fact(fid, f"The council said that fact {fid} is a full clause", support)


def test_rule_counts_outlets_not_articles():
    a1, a2 = _ann("a1", "Epoch"), _ann("a2", "Epoch")
    b, c, d = _ann("b", "NBC"), _ann("c", UNKNOWN), _ann("d", "WSWS")
    facts = [_fact("f1", b, c, d), _fact("f2", a1, b), _fact("f3", a2, b, c)]
    got = find_omissions([a1, a2, b, c, d], facts)
    f1 = [o for o in got if o.fact_id == "f1"]
    assert [o.outlet for o in f1] == ["Epoch"] and f1[0].coverage == 1.0
    assert f1[0].covered_by == ("NBC", "WSWS", "unknown")
    # f3 is reported by Epoch (article a2), so neither Epoch article omits it
    assert not any(o.fact_id == "f3" and o.outlet == "Epoch" for o in got)
    # f2: Epoch and NBC report it, i.e. 2 of the 3 other outlets for WSWS and for c
    f2 = sorted((o.outlet, o.article_id, o.coverage) for o in got if o.fact_id == "f2")
    assert f2 == [("WSWS", "d", 0.667), ("unknown", "c", 0.667)]
    assert [o.coverage for o in got] == sorted((o.coverage for o in got), reverse=True)


def test_syndicated_copies_count_as_one_source():
    a, b, c, d = _ann("a", "X"), _ann("b", "Y"), _ann("c", "Z"), _ann("d", "W")
    facts = [_fact("f", b, c)]
    assert sorted(o.outlet for o in find_omissions([a, b, c, d], facts)) == ["W", "X"]
    # b and c are one wire story printed twice: one source, not enough to call it omitted
    assert find_omissions([a, b, c, d], facts, sources={"b": "wire", "c": "wire"}) == []


def test_two_outlets_have_no_omissions():
    a, b = _ann("a", "X"), _ann("b", "Y")
    assert find_omissions([a, b], [_fact("f", a)]) == []


@lru_cache(maxsize=1)
def demo():
    return analyze_as_one_story([CORPUS])


@pytest.mark.slow
def test_demo_omissions_are_full_clauses_from_other_outlets():
    got = [o for o in demo().omissions if o.kind == "omitted"]
    assert got
    for o in got:
        assert len(o.fact_text.split()) >= 6 and "]" not in o.fact_text.split()[0]
    for o in demo().omissions:
        if o.kind == "only_one":
            assert o.covered_by == (o.outlet,) and o.coverage == 0.0
            continue
        assert o.outlet not in o.covered_by and o.coverage >= 0.5
    df = Records(demo().omissions).to_df()
    assert {"outlet", "fact_text", "covered_by", "coverage"} <= set(df.columns)


def _story(*texts_outlets: tuple[str, str]):  # type: ignore[no-untyped-def]
    import datetime as dt

    from parallax.annotate.core import annotate

    arts = [
        Article(
            f"id{i}", f"id{i}", o, "t", "", None, dt.date(2024, 5, 2), "t", "en", t, ((0, len(t)),)
        )
        for i, (t, o) in enumerate(texts_outlets)
    ]
    return annotate(arts)


@pytest.mark.slow
def test_fact_stated_anywhere_in_the_outlet_is_not_omitted():
    from parallax.compare.core import compare

    fact = "The county will close the Elm Street bridge for repairs for six weeks."
    ann = _story(
        (f"{fact} Drivers should use Route 9.", "Gazette"),
        (f"Commuters face delays. {fact}", "Herald"),
        (
            "Residents packed the hearing on Monday. The county will shut the Elm Street bridge "
            "for six weeks of repairs, the engineer said. Several residents objected.",
            "Courier",
        ),
        ("Residents packed the hearing on Monday. Several residents objected to the plan.", "Post"),
    )
    got = [o for o in compare(ann).omissions if o.kind == "omitted"]
    outlets = {o.outlet for o in got if "bridge" in o.fact_text}
    assert "Post" in outlets and "Courier" not in outlets
    for o in got:
        assert len(o.fact_text.split()) >= 6 and o.fact_text[0].isupper()


def test_a_short_name_meets_its_full_name_across_articles():
    from parallax.compare.omissions import name_keys

    assert name_keys(["Obama"]) & name_keys(["Barack Obama"])
    assert name_keys(["Bank of America"]) == frozenset({"bank", "america"})
    assert not name_keys(["Romney"]) & name_keys(["Barack Obama"])
