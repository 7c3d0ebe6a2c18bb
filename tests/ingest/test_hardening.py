"""Issue 17: bad input never crashes ingest or loses a good article. Fixtures are generated."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from parallax.ingest.cleanup import clean_text, is_caption_credit
from parallax.ingest.core import decode_bytes, ingest_paths
from parallax.ingest.settings import IngestSettings


def article(n: int, extra: str = "") -> str:
    return (
        f"Harbour board approves plan {n}\n\n"
        f"The harbour board voted on Monday to approve repair plan number {n} for the old "
        "swing bridge, officials said. The work will close the crossing to cars for six weeks "
        "and cost the town about two million dollars. Board member Lena Ortiz said the bridge "
        "had been patched for years and that a full repair could no longer wait. Shop owners "
        f"near the crossing asked for signs to guide visitors during the closure.{extra}"
    )


def reasons(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.source: p.reason for p in result.problems}


# ---------------------------------------------------------------- 1: wrong-typed JSONL fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ["a", "b"]),
        ("outlet", 42),
        ("byline", 3.5),
        ("url", 7),
        ("lean", ["left"]),
        ("published", 2023),
        ("author", {"name": "x"}),
        ("date", True),
    ],
)
def test_wrong_typed_field_is_dropped_and_reported(tmp_path: Path, field: str, value: object):
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"text": article(1), "outlet": "Reuters"}),
        json.dumps({"text": article(2), field: value}),
        json.dumps({"text": article(3)}),
    ]
    path.write_text("\n".join(lines))
    result = ingest_paths([path])
    assert len(result.articles) == 3
    reason = reasons(result)[f"{path}:2"]
    assert f"field '{field}'" in reason and "ignored" in reason
    assert not [p for p in result.problems if p.skipped]


@pytest.mark.parametrize("text", [["list"], 5, {"a": 1}, None, ""])
def test_record_with_unusable_text_is_skipped_rest_kept(tmp_path: Path, text: object):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": article(1)}))
    result = ingest_paths([path])
    assert len(result.articles) == 1
    assert "'text'" in reasons(result)[f"{path}:1"]


def test_non_object_lines_and_deep_nesting(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(["[1, 2]", "3", '"s"', "[" * 100_000, json.dumps({"text": article(1)})])
    )
    result = ingest_paths([path])
    assert len(result.articles) == 1
    assert len([p for p in result.problems if p.skipped]) == 4


# ---------------------------------------------------------------- 4, 11: slow input, sizes


@pytest.mark.parametrize(
    "hostile",
    [
        "(" + "/" * 80_000,  # the caption-credit blow-up of issue 17
        "[" * 80_000,
        "not supported " * 6000,
        "A-" * 40_000,
        "*a" * 40_000,
        ". " + " " * 80_000 + "x",
        "\n".join(["lower case line"] * 20_000),
    ],
)
def test_cleanup_is_linear_on_hostile_lines(hostile: str):
    start = time.perf_counter()
    clean_text(hostile)
    assert time.perf_counter() - start < 2.0  # quadratic forms took minutes at this size


def test_caption_credit_still_recognised():
    assert is_caption_credit("A man walks past. (AP Photo/Jane Doe)")
    assert is_caption_credit("Crowds gather. (Getty Images)")
    assert not is_caption_credit("He said (and meant it) that the plan works.")
    assert not is_caption_credit("(unclosed " + "/" * 100)


def test_cleanup_budget_setting_skips_with_a_message(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text(article(1))
    result = ingest_paths([path], settings=IngestSettings(cleanup_budget_s=-1.0))
    assert not result.articles
    assert "cleanup_budget_s" in reasons(result)[str(path)]


def test_huge_single_line_article_refused_quickly(tmp_path: Path):
    """Issue 17 #11: a 4.9 MB single-line article took 120 s and 3.3 GB to analyse."""
    path = tmp_path / "huge.txt"
    path.write_text("word " * 980_000)
    good = tmp_path / "good.txt"
    good.write_text(article(1))
    start = time.perf_counter()
    result = ingest_paths([tmp_path])
    assert time.perf_counter() - start < 5
    assert len(result.articles) == 1
    assert "max_article_chars" in reasons(result)[str(path)]


# ---------------------------------------------------------------- 8: sources.csv


def test_one_bad_row_in_sources_csv_keeps_the_good_rows(tmp_path: Path):
    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(article(n))
    (tmp_path / "sources.csv").write_text(
        "file,outlet,date\n"
        "a0.txt,Reuters,2024-03-05\n"
        "a1.txt,BBC,not a date at all\n"
        ",Nobody,2024-01-01\n"
        "a2.txt,NPR,2024-03-07\n"
    )
    result = ingest_paths([tmp_path])
    by_name = {Path(a.source).name: a for a in result.articles}
    assert (
        by_name["a0.txt"].outlet == "Reuters" and str(by_name["a0.txt"].published) == "2024-03-05"
    )
    assert by_name["a1.txt"].outlet == "BBC News" and by_name["a1.txt"].published is None
    assert by_name["a2.txt"].outlet == "NPR"
    text = " | ".join(f"{p.source}: {p.reason}" for p in result.problems)
    assert "sources.csv:3" in text and "sources.csv:4" in text


# ---------------------------------------------------------------- 9: encodings


def test_latin1_decodes_naive_correctly():
    data = article(1, " It was a na\u00efve plan, the caf\u00e9 owner said.").encode("latin-1")
    text, warning = decode_bytes(data, "x")
    assert "na\u00efve" in text and "caf\u00e9" in text
    assert warning and "not UTF-8" in warning


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_encodings_are_read(tmp_path: Path, encoding: str):
    path = tmp_path / "a.txt"
    body = article(1, " A na\u00efve plan.")
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + body.encode(encoding))
    result = ingest_paths([path])
    assert len(result.articles) == 1, reasons(result)
    assert "na\u00efve" in result.articles[0].text


def test_chinese_is_reported_as_not_english(tmp_path: Path):
    path = tmp_path / "zh.txt"
    path.write_text("港口委员会周一投票批准了旧平旋桥的维修计划。" * 12, encoding="utf-8")
    gbk = tmp_path / "zh_gbk.txt"
    gbk.write_bytes(("港口委员会周一投票批准了旧平旋桥的维修计划。" * 12).encode("gbk"))
    result = ingest_paths([path, gbk])
    assert "not English" in reasons(result)[str(path)]
    assert "not English" in reasons(result)[str(gbk)]


# ---------------------------------------------------------------- 10: special files, symlinks


def test_symlink_out_of_the_folder_is_skipped(tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text(article(9))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(article(1))
    (folder / "link.txt").symlink_to(outside)
    (folder / "inner.txt").symlink_to(folder / "good.txt")  # inside: fine (duplicate)
    result = ingest_paths([folder])
    assert [Path(a.source).name for a in result.articles] == ["good.txt"]
    assert "outside the input folder" in reasons(result)[str(folder / "link.txt")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_a_folder_and_on_the_command_line(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "good.txt").write_text(article(1))
    start = time.perf_counter()
    result = ingest_paths([folder, folder / "pipe.txt"])
    assert time.perf_counter() - start < 5
    assert len(result.articles) == 1
    assert sum("named pipe" in p.reason for p in result.problems) == 2


def test_missing_path_is_reported_and_rest_kept(tmp_path: Path):
    (tmp_path / "good.txt").write_text(article(1))
    result = ingest_paths([tmp_path / "nope", tmp_path / "good.txt"])
    assert len(result.articles) == 1
    assert "no such file" in reasons(result)[str(tmp_path / "nope")]


def test_non_utf8_file_name_becomes_a_storable_source(tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(article(1).encode())
    (art,) = ingest_paths([tmp_path]).articles
    assert art.source.endswith("caf\\xe9.txt")
    art.source.encode("utf-8")


def test_control_characters_and_surrogates_in_json_text_are_scrubbed(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"text": article(1, " Bad \x00\x1b[31m \ud800 bytes."), "title": "T\u202e\x07"})
    )
    (art,) = ingest_paths([path]).articles
    assert "\x00" not in art.text and "\x1b" not in art.text and "\x07" not in art.title
    art.text.encode("utf-8")


# ---------------------------------------------------------------- issue 16: plain-text metadata


def test_byline_with_outlet_line():
    raw = "Council backs new ferry route\n\nBy Jane Ortiz, Marlow Falls Gazette\n\n" + article(1)
    (art,) = _one(raw)
    assert art.byline == "Jane Ortiz"
    assert art.outlet == "Marlow Falls Gazette"
    assert "byline line" in art.outlet_reason


def test_outlet_dash_date_line_and_bare_outlet_line_is_not_a_byline():
    raw = "Council backs new ferry route\n\nRiverton Daily Chronicle — March 3, 2024\n\n" + article(
        1
    )
    (art,) = _one(raw)
    assert art.outlet == "Riverton Daily Chronicle"
    assert str(art.published) == "2024-03-03"
    assert art.byline is None
    raw = "Council backs new ferry route\n\nThe Harlow Sentinel\n\nBy Sam Lee\n\n" + article(2)
    (art,) = _one(raw)
    assert art.outlet == "The Harlow Sentinel" and art.byline == "Sam Lee"


def test_published_line_and_role_and_coauthors():
    raw = (
        "Council backs new ferry route\n\nBy Ana Ruiz and Tom Berg, Staff Writers\n\n"
        "Published: March 4, 2024 at 10:15 a.m.\n\n" + article(3)
    )
    (art,) = _one(raw)
    assert art.byline == "Ana Ruiz, Tom Berg"
    assert str(art.published) == "2024-03-04"
    assert art.outlet == "unknown"


def _one(raw: str):  # type: ignore[no-untyped-def]
    from parallax.ingest.core import article_from_text

    return [article_from_text(raw, source="t.txt")]


def test_symlink_loops_nul_paths_and_json_sidecar_types(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "loop").symlink_to(folder / "loop2")
    (folder / "loop2").symlink_to(folder / "loop")
    (folder / "good.txt").write_text(article(1))
    (folder / "good.json").write_text(json.dumps({"outlet": ["x"], "date": 5, "byline": "Ann Lee"}))
    result = ingest_paths([folder, "bad\x00name.txt"])
    (art,) = result.articles
    assert art.byline == "Ann Lee" and art.outlet == "unknown"
    text = " | ".join(p.reason for p in result.problems)
    assert "field 'outlet'" in text and "field 'date'" in text and "invalid path" in text
