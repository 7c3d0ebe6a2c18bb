"""Typed conflicts on the demo corpus: the contradictions a careful reader finds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, analyze_as_one_story
from parallax.runner import StoryAnalysis

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def demo() -> StoryAnalysis:
    return analyze_as_one_story([CORPUS])


def _file(article_id: str) -> str:
    return _ids()[article_id]


@lru_cache(maxsize=1)
def _ids() -> dict[str, str]:
    from parallax.ingest.core import ingest_paths

    return {a.id: Path(a.source).name[:3] for a in ingest_paths([str(CORPUS)]).articles}


def _of(kind: str):
    return [c for c in demo().conflicts if c.kind == kind]


def _pair(c) -> set[str]:
    return {_file(c.a.span.article_id), _file(c.b.span.article_id)}


def test_number_three_vs_four_earlier_incursions():
    got = [c for c in _of("number") if _pair(c) == {"000", "001"}]
    assert got, _of("number")
    c = got[0]
    texts = {c.a.span.text, c.b.span.text}
    assert any("at least four previous spy balloon incidents" in t for t in texts)
    assert any("at least three previous incursions" in t for t in texts)
    assert c.a.outlet == c.b.outlet == "The Epoch Times"


def test_compatible_numbers_not_flagged():
    for c in _of("number"):
        both = (c.a.span.text + " " + c.b.span.text).lower()
        assert not ("continents" in both and "countries" in both)
        assert not ("at least four" in both and "four incidents" in both)


def test_place_north_vs_south_carolina():
    got = [c for c in _of("place") if _pair(c) == {"002", "003"}]
    assert got
    c = got[0]
    sides = {_file(s.span.article_id): s for s in (c.a, c.b)}
    assert "North Carolina" in sides["002"].span.text and sides["002"].outlet == "unknown"
    assert "South Carolina" in sides["003"].span.text and sides["003"].outlet == "NBC News"


def test_polarity_apology_flagged_with_low_confidence_and_moment_caveat():
    got = [c for c in _of("polarity") if "apologised" in c.a.span.text + c.b.span.text]
    assert got
    for c in got:
        assert _file(c.a.span.article_id) == "004" or _file(c.b.span.article_id) == "004"
        assert _pair(c) & {"002", "003"}
        assert c.confidence < 0.5
        assert "different moments" in c.reason


def test_wang_called_yi_and_title_conflict():
    names = [c for c in _of("name_title") if "'Yi'" in c.reason]
    assert names and "Yi" in (names[0].a.span.text + names[0].b.span.text)
    assert any(s.outlet == "World Socialist Web Site" for s in (names[0].a, names[0].b))
    titles = [c for c in _of("name_title") if "office differs" in c.reason]
    assert titles
    joined = " | ".join(c.a.span.text + " vs " + c.b.span.text for c in titles)
    assert "foreign minister" in joined and "Central Foreign Affairs office" in joined


def test_quote_wording_with_word_diff():
    wang = [c for c in _of("quote_wording") if "shoot all of them down" in c.a.span.text]
    assert wang and all(c.diff for c in wang)
    assert any("So," in (c.diff or "") and "004" in _pair(c) for c in wang)
    blinken = [
        c for c in _of("quote_wording") if "never occur again" in c.a.span.text + c.b.span.text
    ]
    assert blinken
    assert any("happen" in (c.diff or "") and "occur" in (c.diff or "") for c in blinken)


def test_assessment_spy_balloon_vs_research_balloon():
    got = _of("assessment")
    pairs = {frozenset(_pair(c)) for c in got}
    assert frozenset({"000", "004"}) in pairs
    c = next(c for c in got if _pair(c) == {"000", "004"})
    assert "spy balloon" in c.a.span.text and c.a.attribution is None
    assert "research balloon" in c.b.span.text
    assert any("not intended for surveillance" in c.b.span.text for c in got)


def test_shoot_down_date_not_a_conflict():
    for c in _of("date"):
        both = c.a.span.text + c.b.span.text
        assert not ("February 4" in both and "Saturday" in both), c


def test_every_conflict_is_cross_article_verbatim_and_explained():
    from parallax.ingest.core import ingest_paths

    texts = {a.id: a.text for a in ingest_paths([str(CORPUS)]).articles}
    assert demo().conflicts
    for c in demo().conflicts:
        assert c.a.span.article_id != c.b.span.article_id
        for s in (c.a, c.b):
            assert texts[s.span.article_id][s.span.start : s.span.end] == s.span.text
        assert 0 < c.confidence <= 1 and c.reason
