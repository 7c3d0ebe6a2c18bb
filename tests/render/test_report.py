from __future__ import annotations

import json

from parallax.ingest.core import article_from_text
from parallax.models import Analysis, Records
from parallax.render.report import render_html, render_json, render_markdown, validate_json
from parallax.render.schema_gen import build_schema, load_schema

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_checked_in_schema_matches_the_code():
    assert load_schema() == json.loads(json.dumps(build_schema())), (
        "run `python -m parallax.render.schema_gen`"
    )


def test_ingest_only_analysis_validates(demo_articles):
    analysis = Analysis(articles=Records(demo_articles.values()), stages=("ingest",))
    data = json.loads(render_json(analysis))
    validate_json(data)
    assert {a["outlet"] for a in data["articles"]} >= {"The Epoch Times", "NBC News", "unknown"}
    assert data["schema_version"] == "1.0.0"


def test_html_and_markdown_show_the_article_table(demo_articles):
    analysis = Analysis(articles=Records(demo_articles.values()), stages=("ingest",))
    html = render_html(analysis)
    assert "Peter Symonds" in html and "2023-02-19" in html and "does not name its outlet" in html
    assert "Sign up for NTD Daily" in html  # the stripped cruft is shown for review
    md = render_markdown(analysis)
    assert (
        "| World Socialist Web Site | US menaces China over balloon, arms for Russia | Peter Symonds | 2023-02-19 |"
        in md
    )


def test_article_content_is_escaped_in_html():
    text = (
        f"Injected {PAYLOAD} headline\n\n"
        + "The council met and voted on the plan for buses today. " * 8
    )
    art = article_from_text(text, source="<evil>")
    html = render_html(Analysis(articles=Records([art])))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
