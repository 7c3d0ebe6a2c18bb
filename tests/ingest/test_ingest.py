from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import EPOCH_1, EPOCH_2, NBC, UNKNOWN_OUTLET, WSWS
from parallax.ingest.core import (
    IngestError,
    article_from_html,
    article_from_text,
    ingest_paths,
)
from parallax.models import UNKNOWN

BODY = (
    "The city council voted on Tuesday to expand the bus network to three new districts, "
    "officials said. The plan adds twelve routes and is expected to cost about $40 million over "
    "five years. Council member Ana Ruiz said the vote was a turning point for commuters who have "
    "waited a decade for better service. Opponents argued that the money should go to road repairs."
)


def test_all_five_demo_articles_ingest(demo_articles):
    assert len(demo_articles) == 5
    assert len({a.id for a in demo_articles.values()}) == 5


def test_wsws_byline_and_date(demo_articles):
    art = demo_articles[WSWS]
    assert art.byline == "Peter Symonds"
    assert art.published == dt.date(2023, 2, 19)
    assert art.outlet == "World Socialist Web Site"
    assert art.title == "US menaces China over balloon, arms for Russia"
    assert not art.text.startswith("Peter Symonds")


def test_nbc_title_is_the_headline_not_the_browser_notice(demo_articles):
    art = demo_articles[NBC]
    assert art.title.startswith("China offers 'no apology' in first meeting")
    assert "IE 11" not in art.text and "IE 11" not in art.title
    assert art.outlet == "NBC News"
    assert "Get more news" not in art.text


def test_epoch_times_attribution(demo_articles):
    assert demo_articles[EPOCH_1].outlet == "The Epoch Times"
    assert demo_articles[EPOCH_2].outlet == "The Epoch Times"
    assert demo_articles[EPOCH_2].byline == "Michael Washburn"
    assert "bio" in demo_articles[EPOCH_2].outlet_reason


def test_unknown_outlet_says_unknown_with_reason(demo_articles):
    art = demo_articles[UNKNOWN_OUTLET]
    assert art.outlet == UNKNOWN
    assert "does not name its outlet" in art.outlet_reason
    assert art.published is None and art.date_reason


def test_no_cruft_survives(demo_articles):
    banned = (
        "newsletter",
        "Sign up",
        "To contact",
        "wsws.org/contact",
        "IE 11",
        "Privacy Policy",
        "Getty Images",
        "is a New York-based reporter",
        "Stay informed",
    )
    for name, art in demo_articles.items():
        for phrase in banned:
            assert phrase not in art.text, (name, phrase)
        assert not art.text.rstrip().endswith("Comments")


def test_article_sentences_are_kept(demo_articles):
    assert (
        "The Epoch Times has requested comment from the State Department."
        in demo_articles[EPOCH_1].text
    )
    wsws = demo_articles[WSWS].text
    assert "such behaviour is unbelievable, almost hysterical." in wsws  # broken line re-joined
    assert "The extraordinary way in which a vagrant Chinese research balloon" in wsws
    nbc = demo_articles[NBC].text
    assert nbc.startswith("Before an interview on “Meet the Press,”")
    # duplicated headline removed once, not the body
    epoch2 = demo_articles[EPOCH_2]
    assert epoch2.title not in epoch2.text
    assert epoch2.stripped.count(epoch2.title) == 1


def test_paragraph_offsets_index_the_text(demo_articles):
    for art in demo_articles.values():
        for start, end in art.paragraphs:
            para = art.text[start:end]
            assert para and para == para.strip()
        assert art.paragraphs[-1][1] == len(art.text)


def test_reingest_is_stable(corpus_dir):
    first = ingest_paths([corpus_dir])
    second = ingest_paths([corpus_dir])
    assert [a.id for a in first.articles] == [a.id for a in second.articles]


# ---------------------------------------------------------------- formats


def test_html_via_trafilatura(tmp_path: Path):
    html = f"""<!doctype html><html><head><title>Council expands buses | City Times</title>
    <meta property="og:site_name" content="City Times"><meta name="author" content="Jo Reyes">
    <meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
    <body><nav>Home | News | Sports</nav><article><h1>Council expands buses</h1><p>{BODY}</p>
    <p>{BODY.replace("Tuesday", "Wednesday")}</p></article><footer>Subscribe to our newsletter</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html)
    result = ingest_paths([path])
    assert not result.problems
    (art,) = result.articles
    assert art.outlet == "City Times"
    assert art.byline == "Jo Reyes"
    assert art.published == dt.date(2024, 3, 5)
    assert "Council" in art.title
    assert "Home | News" not in art.text and "newsletter" not in art.text


def test_html_string_api():
    art = article_from_html(
        f"<html><body><article><h1>Buses</h1><p>{BODY}</p></article></body></html>",
        url="https://www.nbcnews.com/x",
    )
    assert art.outlet == "NBC News"


def test_jsonl_records_and_bad_lines(tmp_path: Path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {
                "text": BODY,
                "title": "Buses",
                "outlet": "Reuters",
                "published": "2024-03-05",
                "url": "https://reuters.com/a",
            }
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": BODY.replace("twelve", "eleven")}),
    ]
    path.write_text("\n".join(lines))
    result = ingest_paths([path])
    assert [a.outlet for a in result.articles] == ["Reuters", UNKNOWN]
    assert result.articles[0].published == dt.date(2024, 3, 5)
    reasons = {p.source: p.reason for p in result.problems}
    assert "invalid JSON" in reasons[f"{path}:2"]
    assert "no 'text'" in reasons[f"{path}:3"]


def test_sources_csv_sidecar_fills_outlet_and_date(tmp_path: Path, corpus_dir: Path):
    (tmp_path / "a.txt").write_text((corpus_dir / UNKNOWN_OUTLET).read_text())
    (tmp_path / "sources.csv").write_text(
        "file,outlet,date,url,lean\na.txt,Example Daily,2023-02-19,https://example.com/a,center\n"
    )
    (art,) = ingest_paths([tmp_path]).articles
    assert art.outlet == "Example Daily" and art.published == dt.date(2023, 2, 19)
    assert art.url == "https://example.com/a" and art.lean == "center"
    assert "sources.csv" in art.outlet_reason


def test_json_sidecar_per_file(tmp_path: Path, corpus_dir: Path):
    (tmp_path / "b.txt").write_text((corpus_dir / UNKNOWN_OUTLET).read_text())
    (tmp_path / "b.json").write_text(json.dumps({"outlet": "CNN", "date": "2023-02-18"}))
    result = ingest_paths([tmp_path])
    (art,) = result.articles
    assert art.outlet == "CNN" and art.published == dt.date(2023, 2, 18)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        ("tiny.txt", b"Headline\n\nJust a few words here.", "too little text"),
        (
            "german.txt",
            ("Die Stadt hat am Dienstag beschlossen, das Busnetz zu erweitern. " * 12).encode(),
            "not English",
        ),
        ("broken.html", b"<html><body><div><p>unclosed <b>tags <script>var x=1;</script>", "HTML"),
        (
            "furniture.html",
            b"<html><body><nav>Home</nav><footer>Sign up</footer></body></html>",
            "HTML",
        ),
    ],
)
def test_bad_inputs_are_reported_and_skipped(
    tmp_path: Path, name: str, content: bytes, reason: str
):
    good = tmp_path / "good.txt"
    good.write_text(f"Good headline\n\n{BODY}")
    (tmp_path / name).write_bytes(content)
    result = ingest_paths([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["good.txt"]
    (problem,) = result.problems
    assert problem.source.endswith(name) and problem.skipped
    assert reason.lower() in problem.reason.lower()
    assert "\n" not in problem.reason


def test_huge_file_is_skipped_without_reading(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    result = ingest_paths([huge])
    assert not result.articles
    assert "over the 5 MB limit" in result.problems[0].reason


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path: Path):
    path = tmp_path / "latin.txt"
    path.write_bytes(
        f"Café council expands buses\n\n{BODY} The café owner said “naïve” plans fail.".encode(
            "cp1252"
        )
    )
    result = ingest_paths([path])
    (art,) = result.articles
    assert "Café" in art.title
    (warning,) = result.problems
    assert not warning.skipped and "not UTF-8" in warning.reason


def test_exact_duplicates_are_skipped(tmp_path: Path, corpus_dir: Path):
    text = (corpus_dir / WSWS).read_text()
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(
        text.replace("\n\n", "\n\n\n")
    )  # same content, other whitespace
    result = ingest_paths([tmp_path])
    assert len(result.articles) == 1
    assert "exact duplicate of" in result.problems[0].reason


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path):
    result = ingest_paths([tmp_path / "nope.txt"])
    assert not result.articles and "no such file" in result.problems[0].reason


def test_text_api_errors_are_clear():
    with pytest.raises(IngestError, match="empty"):
        article_from_text("   ")
    art = article_from_text(f"Buses expand\n\n{BODY}")
    assert art.title == "Buses expand" and art.outlet == UNKNOWN


def test_html_without_metadata_takes_no_caption_date_or_paragraph_as_outlet():
    caption = "<p>State Department spokesman Ned Price speaks in Washington on Aug. 18, 2021. (Getty Images)</p>"
    paras = "".join(
        f"<p>The council met and voted on plan number {i} for buses, officials said after meeting {i}.</p>"
        for i in range(6)
    )
    art = article_from_html(
        f"<html><head><title>Buses</title></head><body><article><h1>Buses</h1>{caption}{paras}</article></body></html>"
    )
    assert art.published is None and "no dateline" in art.date_reason
    assert art.outlet == UNKNOWN
