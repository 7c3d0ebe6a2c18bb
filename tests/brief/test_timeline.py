"""Timeline: resolved dates on the demo corpus, verbatim descriptions, cross-outlet merging."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from parallax.brief.timeline import build_timeline
from parallax.ingest.core import article_from_text
from parallax.models import AnnotatedArticle, Sentence, TimeExpression

D = dt.date


def _entry(timeline, start, end, *needles):  # type: ignore[no-untyped-def]
    for t in timeline:
        if (t.date_start, t.date_end) == (start, end) and all(n in t.text for n in needles):
            return t
    got = "\n".join(f"{t.date_start}..{t.date_end}: {t.text[:90]}" for t in timeline)
    raise AssertionError(f"no {start}..{end} entry with {needles}; timeline:\n{got}")


@pytest.fixture(scope="module")
def demo(demo_articles):  # type: ignore[no-untyped-def]
    from parallax.apps.web import cached_analysis

    return cached_analysis(list(demo_articles.values()))


@pytest.mark.slow
def test_demo_timeline_has_the_key_events_with_their_dates(demo):  # type: ignore[no-untyped-def]
    tl = demo.timeline
    assert [t.date_start for t in tl] == sorted(t.date_start for t in tl)
    shoot = _entry(tl, D(2023, 2, 4), D(2023, 2, 4), "shot the balloon down")
    # The Epoch Times dates the same shoot-down only as "Saturday" of an inferred week.
    assert set(shoot.outlets) >= {"World Socialist Web Site", "The Epoch Times"}
    assert not shoot.uncertain  # WSWS gives the date outright
    visit = _entry(tl, D(2023, 2, 5), D(2023, 2, 6), "planned visit by Blinken")
    assert "calling off" in visit.text
    price = _entry(tl, D(2023, 2, 6), D(2023, 2, 6), "Ned Price")
    assert price.uncertain  # undated Epoch Times article: anchor inferred from the text
    _entry(tl, D(2023, 2, 8), D(2023, 2, 8), "press conference", "Stoltenberg")
    munich = _entry(tl, D(2023, 2, 18), D(2023, 2, 18), "Munich Security Conference")
    assert "NBC News" in munich.outlets  # NBC's undated "Saturday" joins WSWS's dated one
    _entry(tl, D(2023, 2, 24), D(2023, 2, 24), "peace plan", "Xi Jinping")


@pytest.mark.slow
def test_timeline_text_is_verbatim_and_cited(demo):  # type: ignore[no-untyped-def]
    by_id = {a.id: a for a in demo.articles}
    for t in demo.timeline:
        assert t.sources and t.outlets
        first = t.sources[0]
        assert first.text == t.text == by_id[first.article_id].text[first.start : first.end]
        for s in t.sources:
            assert by_id[s.article_id].text[s.start : s.end] == s.text
        assert len(t.text) < 400 and t.text == t.text.strip()


def _annotated(text: str, times: list[tuple[str, dt.date | None, bool]], outlet: str):  # type: ignore[no-untyped-def]
    art = dataclasses.replace(article_from_text(text, source="<t>"), outlet=outlet)
    body = art.text
    sentences, pos = [], 0
    for n, chunk in enumerate(body.split(". ")):
        start = body.index(chunk, pos)
        sentences.append(Sentence(art.id, n, start, start + len(chunk) + 1, chunk + "."))
        pos = start + len(chunk)
    exprs = []
    for phrase, day, uncertain in times:
        s = body.index(phrase)
        exprs.append(
            TimeExpression(
                art.id, s, s + len(phrase), phrase, day, day, day, "test", day is None, uncertain
            )
        )
    return AnnotatedArticle(art, tuple(sentences), (), (), (), tuple(exprs), ())


FILLER = " The council then adjourned and members went home after a long day of debate. " * 4


def test_same_event_merges_and_undated_weekday_joins_only_when_wording_matches():
    a = _annotated(
        "Officials said the mayor opened the new river bridge on March 4 after years of work."
        + FILLER,
        [("March 4", D(2023, 3, 4), False)],
        outlet="Daily A",
    )
    b = _annotated(
        "The new river bridge was opened by the mayor on Saturday, officials said." + FILLER,
        [("Saturday", None, True)],
        outlet="Daily B",
    )
    c = _annotated(
        "A football match was played on Saturday in the rain." + FILLER,
        [("Saturday", None, True)],
        outlet="Daily C",
    )
    tl = build_timeline([a, b, c])
    assert len(tl) == 1
    (entry,) = tl
    assert entry.date_start == D(2023, 3, 4) and not entry.uncertain
    assert entry.outlets == ("Daily A", "Daily B")  # C's "Saturday" is another event
    assert entry.text.startswith("Officials said the mayor opened the new river bridge on March 4")


def test_uncertain_dates_stay_uncertain_and_long_ranges_are_left_out():
    a = _annotated(
        "The ministry published the report on May 2, weeks after the leak. In recent years "
        "budgets grew." + FILLER,
        [("May 2", D(2023, 5, 2), True)],
        outlet="Daily A",
    )
    tl = build_timeline([a])
    assert [(t.date_start, t.uncertain) for t in tl] == [(D(2023, 5, 2), True)]
    assert build_timeline([]) == []
