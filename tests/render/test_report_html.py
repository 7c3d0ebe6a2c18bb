"""HTML/Markdown report: content on the demo corpus, self-contained, article text inert."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from conftest import rules_only_conflicts
from parallax.ingest.core import article_from_text
from parallax.models import (
    Analysis,
    AnnotatedArticle,
    Brief,
    BriefSentence,
    Conflict,
    ConflictSide,
    Framing,
    LoadedTerm,
    Quote,
    Records,
    TimelineEntry,
    Voice,
)
from parallax.render.report import render_html, render_markdown
from parallax.render.view import highlight

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ATTR_BREAK = '" onmouseover="alert(2)'


@pytest.fixture(scope="module")
def demo(demo_articles):  # type: ignore[no-untyped-def]
    from parallax.apps.web import cached_analysis

    # rows to render: at the verifier's default threshold the demo shows none (issue 14)
    with rules_only_conflicts():
        return cached_analysis(list(demo_articles.values()))


@pytest.mark.slow
def test_demo_report_shows_every_section(demo):  # type: ignore[no-untyped-def]
    html = render_html(demo)
    for heading in (
        "Outlets:",
        "Political lean:",
        "Neutral brief",
        "What happened",
        "Why these were grouped",
        "Where outlets disagree",
        "What each outlet adds or leaves out",
        "Timeline",
        "Where outlets contradict each other",
        "Framing by outlet",
        "Who is quoted",
    ):
        assert heading in html, heading
    assert "Feb 4, 2023" in html and "Feb 18, 2023" in html and "date uncertain" in html
    assert "unknown: 5" in html  # no ratings file: every lean is unknown
    assert "<svg" in html and "Antony Blinken" in html
    # grouped rows: fewer rows than pairwise conflicts, every conflict in one row
    rows = re.findall(r'class="conflict" id="[^"]+" data-marks="([^"]+)"', html)
    assert 0 < len(rows) <= len(demo.conflicts)
    # every side of every row is marked in the article bodies
    for marks in rows:
        assert len(marks.split()) >= 2
        for mark in marks.split():
            assert re.search(rf'data-m="[^"]*\b{mark}\b', html)
    assert 'class="hl-loaded"' in html and "hl-quote" in html


@pytest.mark.slow
def test_demo_report_is_self_contained(demo):  # type: ignore[no-untyped-def]
    html = render_html(demo)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "<link" not in html and "@import" not in html
    assert "Content-Security-Policy" in html


@pytest.mark.slow
def test_csp_allows_only_the_reports_own_blocks(demo):  # type: ignore[no-untyped-def]
    import base64
    import hashlib

    html = render_html(demo)
    import html as html_lib

    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found
    csp = html_lib.unescape(found.group(1))
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert ' style="' not in html  # inline style attributes would need 'unsafe-inline'
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert len(blocks) == 1
        digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp


@pytest.mark.slow
def test_demo_markdown_has_the_same_content(demo):  # type: ignore[no-untyped-def]
    md = render_markdown(demo)
    assert "### Neutral brief" in md and "#### Where outlets disagree" in md
    assert "#### What happened" in md and "Why these were grouped" in md
    assert "**2023-02-05 – 2023-02-06**" in md and "### Timeline" in md
    for conflict in demo.conflicts:  # every disagreement of the HTML report is in the Markdown
        assert conflict.a.span.text.split()[0] in md


def _evil_analysis() -> Analysis:
    text = (
        f"Officials said {PAYLOAD} was posted on Monday. Critics called it {ATTR_BREAK} a "
        "disgraceful stunt, and the mayor said “we will look into it” on Tuesday. "
        + "The council met and voted on the plan for buses today. "
        * 6
    )
    art = article_from_text(text, source="<evil>")
    art = dataclasses.replace(art, outlet=f"Evil {PAYLOAD}", lean=PAYLOAD, title=f"T {PAYLOAD}")
    body = art.text
    s = body.index("<script>")
    e = s + len(PAYLOAD)
    span = art.span(s, e)
    q0 = body.index("we will")
    quote = Quote(
        art.id,
        "direct",
        "we will look into it",
        q0,
        q0 + 20,
        PAYLOAD,
        PAYLOAD,
        None,
        None,
        PAYLOAD,
        None,
        None,
    )
    lt = LoadedTerm(art.id, s, e, PAYLOAD, f"reason {PAYLOAD}", "test")
    ann = AnnotatedArticle(art, (), (), (), (quote,), (), ())
    side = ConflictSide(art.outlet, span, PAYLOAD)
    conflict = Conflict("c1", "place", side, side, 0.9, f"why {PAYLOAD}", PAYLOAD)
    framing = Framing(art.id, art.outlet, (lt,), 1, 1, 0, 0, 0.5, 0.5, 0.5)
    voice = Voice(art.id, art.outlet, PAYLOAD, PAYLOAD, 1, 5)
    day = dt.date(2023, 2, 6)
    tl = TimelineEntry(day, day, True, span.text, (span,), (art.outlet,))
    brief = Brief(None, (BriefSentence("summary", span.text, (span,), (art.outlet,)),))
    return Analysis(
        articles=Records([art]),
        annotated=Records([ann]),
        conflicts=Records([conflict]),
        framing=Records([framing]),
        voices=Records([voice]),
        timeline=Records([tl]),
        briefs=Records([brief]),
        stages=("ingest",),
    )


def test_injected_article_renders_inert_in_html():
    html = render_html(_evil_analysis())
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'onmouseover="alert' not in html
    assert "&lt;script&gt;alert" in html
    # the only script element is the report's own
    assert html.count("<script") == 1


def test_highlight_escapes_each_piece_and_keeps_offsets():
    text = "a <b>bold</b> & c"
    from parallax.render.view import Mark

    out = str(highlight(text, [Mark("m1", 2, 13, "loaded", 'x"><script>')]))
    assert out == (
        'a <span class="hl-loaded" data-m="m1" title="x&#34;&gt;&lt;script&gt;">'
        "&lt;b&gt;bold&lt;/b&gt;</span> &amp; c"
    )
    assert str(highlight(text, [Mark("m2", 5, 999, "x")])) == "a &lt;b&gt;bold&lt;/b&gt; &amp; c"


def test_injected_article_is_neutralised_in_markdown():
    md = render_markdown(_evil_analysis())
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md


@pytest.mark.slow
def test_omissions_are_judged_within_an_event(demo):  # type: ignore[no-untyped-def]
    """The briefing pieces (Epoch Times, Feb 6-8) do not 'omit' the later Munich meeting."""
    assert demo.omissions
    epoch = [o for o in demo.omissions if o.outlet == "The Epoch Times" and o.kind == "omitted"]
    assert not any("Munich" in o.fact_text for o in epoch)


def test_markdown_tables_and_links_stay_inert():
    text = "The council met and voted on the plan for buses today. " * 8
    art = article_from_text(text, source="<md>")
    art = dataclasses.replace(
        art, outlet="Pipe | Outlet", byline="[click](javascript:alert(1))", title="A | B"
    )
    md = render_markdown(Analysis(articles=Records([art])))
    row = next(line for line in md.splitlines() if line.startswith("| 1 | Pipe"))
    assert len(re.split(r"(?<!\\)\|", row)) == 9  # the table's own 7 cells only
    assert not re.search(r"(?<!\\)\]\(javascript:", md) and "\\[click\\]" in md


def test_many_stories_get_a_table_of_contents_and_collapsed_sections():
    from parallax.models import Story

    arts, stories = [], []
    for n in range(12):
        text = f"Story {n} happened in town {n}. " + "The council met and voted on buses. " * 8
        art = article_from_text(text, source=f"<s{n}>")
        arts.append(dataclasses.replace(art, title=f"Headline number {n}"))
        day = dt.date(2023, 2, 1 + n)
        stories.append(Story(f"s{n}", "storyline", f"Label {n}", (art.id,), ("X",), day, day))
    analysis = Analysis(articles=Records(arts), stories=Records(stories))
    html = render_html(analysis)
    toc = re.findall(r'<a class="toc-link" href="#(story-\d+)">', html)
    assert len(toc) == 12
    for anchor in toc:
        assert f'<details class="story" id="{anchor}">' in html  # collapsed
    assert html.count("2023-02-") < 80  # compact header: no list of every date range
    md = render_markdown(analysis)
    assert md.count("](#story-") == 12 and md.count("## Story: ") == 12
