"""The Spark job in local mode on CC-NEWS-like WARC input: same stories and conflicts as one machine.

One module-scoped SparkSession and one job run serve every test. Input: the five
demo articles as HTML response records in two WARC files (with a 404 and a PDF
record to skip), filler pages on unrelated topics, a JSONL file with an undated
record and a broken line, and a file that is not a WARC at all.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS

pytestmark = pytest.mark.slow

UNDATED = (
    "The regional orchestra of Tampere announced a new season of free concerts in parks. "
    "The conductor said the programme mixes Sibelius with film music and local folk songs. "
    "Tickets are not needed, but visitors are asked to bring their own chairs and blankets. "
    "The city council agreed to pay for the stage and the sound system this year."
)


def _build_input(root: Path) -> Path:
    from parallax.spark.io import write_warc
    from parallax.spark.sample import demo_pages, filler_pages, skip_pages

    src = root / "in"
    src.mkdir()
    demo = demo_pages(CORPUS)
    write_warc(src / "crawl-1.warc.gz", demo[:3] + skip_pages())
    write_warc(src / "crawl-2.warc.gz", demo[3:] + list(filler_pages(6, seed=3)))
    lines = [
        json.dumps(
            {"title": "Free concerts in the parks", "text": UNDATED, "outlet": "Tampere Daily"}
        ),
        "{not json",
    ]
    (src / "extra.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (src / "broken.warc.gz").write_bytes(b"this is not a WARC file at all")
    return src


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark")
    from parallax.spark.job import get_session

    session = get_session(
        "local[2]",
        {
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "4",
            "spark.default.parallelism": "2",
        },
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def job(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    from parallax.spark.job import run_job

    root = tmp_path_factory.mktemp("spark")
    src = _build_input(root)
    # window_days=60: one time block, so blocking cannot split anything and the result
    # must equal the single-machine run exactly (the split case is tested below).
    stats = run_job(
        [str(src)],
        str(root / "out"),
        master="local[2]",
        window_days=60,
        articles_per_task=3,
        min_compare_articles=3,
    )
    return src, root / "out", stats


def _table(out: Path, name: str) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    partitioning = "hive" if name in {"articles", "annotations", "embeddings"} else None
    return (
        ds.dataset(str(out / name), format="parquet", partitioning=partitioning)
        .to_table()
        .to_pylist()
    )


@lru_cache(maxsize=1)
def _single(src: str) -> dict[str, Any]:
    """The single-machine runner on the same input: `Pipeline().run` of the same articles."""
    from parallax.runner import Pipeline
    from parallax.spark.io import read_any, row_to_article

    rows = [r for p in sorted(Path(src).iterdir()) for r in read_any(str(p))]
    articles = [row_to_article(r) for r in rows if r["kind"] == "article"]
    analysis = Pipeline().run(articles)
    stories = list(analysis.stories)
    keys = {a.id: a.url or "" for a in articles}
    balloon = next(
        s
        for s in stories
        if s.level == "storyline" and any("spy-balloon" in keys[i] for i in s.article_ids)
    )
    return {"articles": articles, "stories": stories, "balloon": balloon, "analysis": analysis}


def _article_ids(value: Any) -> set[str]:
    """Every `article_id` a record mentions (spans, supports, citations)."""
    if isinstance(value, dict):
        own = {value["article_id"]} if isinstance(value.get("article_id"), str) else set()
        return own.union(*(_article_ids(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_article_ids(v) for v in value)) if value else set()
    return set()


def _canonical(plain: Any, digits: int = 3) -> str:
    """JSON with sorted keys and floats to `digits` significant digits (a sort key)."""

    def norm(v: Any) -> Any:
        if isinstance(v, float):
            return float(f"{v:.{digits}g}")
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v

    return json.dumps(norm(plain), sort_keys=True, ensure_ascii=False)


def _close(a: Any, b: Any) -> bool:
    """Equal records, floats within 1e-4 relative: the encoders' float32 sums differ in the
    last bits with the batch a sentence was encoded in (MiniLM ~1e-7; the NumPy e5 engine of
    2026-12-03 ~1e-6, which moves framing's P(biased) in the 6th digit)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-9)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _partition(stories: list[Any], level: str) -> set[frozenset[str]]:
    return {
        frozenset(s["article_ids"] if isinstance(s, dict) else s.article_ids)
        for s in stories
        if (s["level"] if isinstance(s, dict) else s.level) == level
    }


def _demo_ids(articles: list[Any]) -> dict[str, str]:
    """Demo key ("000".."004") by article id, from the URLs the sample pages were crawled at."""
    from parallax.spark.sample import DEMO_URLS

    by_url = {u: k for k, u in DEMO_URLS.items()}
    return {a.id: by_url[a.url] for a in articles if a.url in by_url}


def test_ingest_reads_warc_and_jsonl_and_records_skips(
    job: tuple[Path, Path, dict[str, Any]],
) -> None:
    src, out, stats = job
    single = _single(str(src))
    assert stats["articles"] == 5 + 6 + 1
    assert {r["id"] for r in _table(out, "articles")} == {a.id for a in single["articles"]}
    reasons = {r["reason"] for r in _table(out, "problems")}
    assert "HTTP status 404" in reasons
    assert "not HTML (Content-Type application/pdf)" in reasons
    broken = [r["reason"] for r in _table(out, "problems") if "broken.warc.gz" in r["source"]]
    assert broken and all("WARC" in r for r in broken), broken
    assert any(r.startswith("invalid JSON") for r in reasons)
    parts = {p.name for p in (out / "articles").iterdir() if p.is_dir()}
    assert {"published=2023-02-08", "published=2023-02-19", "published=unknown"} <= parts

    import duckdb

    rows = duckdb.sql(
        f"select outlet, count(*) from read_parquet('{out}/articles/**/*.parquet', hive_partitioning=true) "
        "where published = '2023-02-08' group by outlet"
    ).fetchall()
    assert ("The Epoch Times", 2) in rows


def test_models_load_once_per_python_worker(job: tuple[Path, Path, dict[str, Any]]) -> None:
    _, _, stats = job
    assert stats["annotated"] == stats["articles"]
    assert stats["annotate_chunks"] > stats["python_workers"]  # workers were reused across tasks
    assert stats["model_loads"] == 2 * stats["python_workers"]  # spaCy + MiniLM, once each


def test_same_stories_as_single_machine(job: tuple[Path, Path, dict[str, Any]]) -> None:
    src, out, _ = job
    single = _single(str(src))
    spark_stories = _table(out, "stories")
    for level in ("storyline", "event"):
        assert _partition(spark_stories, level) == _partition(single["stories"], level), level
    demo = _demo_ids(single["articles"])
    assert len(demo) == 5
    balloon = [
        s for s in spark_stories if s["level"] == "storyline" and set(demo) & set(s["article_ids"])
    ]
    assert len(balloon) == 1 and set(balloon[0]["article_ids"]) == set(demo)
    assert {"The Epoch Times", "NBC News", "World Socialist Web Site"} <= set(balloon[0]["outlets"])


def test_every_table_equals_the_runner(job: tuple[Path, Path, dict[str, Any]]) -> None:
    """Spark's per-story tables = `Pipeline().run` on the same articles, record for record,
    for every storyline Spark compared (min_compare_articles=3), on every table."""
    from parallax.models import to_plain
    from parallax.runner import STORY_TABLES

    src, out, _ = job
    single = _single(str(src))
    compared = {
        s["id"]: set(s["article_ids"])
        for s in _table(out, "stories")
        if s["level"] == "storyline" and len(s["article_ids"]) >= 3
    }
    assert any(set(single["balloon"].article_ids) == ids for ids in compared.values())
    in_compared = set().union(*compared.values())
    for name in STORY_TABLES:
        spark_rows = (
            [json.loads(r["data"]) for r in _table(out, name)] if (out / name).exists() else []
        )
        mine = [to_plain(x) for x in getattr(single["analysis"], name)]
        mine = [x for x in mine if _article_ids(x) & in_compared]
        left, right = sorted(spark_rows, key=_canonical), sorted(mine, key=_canonical)
        assert _close(left, right), name
        # conflicts may be empty: the demo shows none at the verifier's default threshold
        assert name not in {"facts", "framing", "briefs"} or mine, name


def test_blocks_split_by_lsh_merge_back(
    job: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Force 7-day windows and 3 hyperplanes: the balloon storyline must be stitched back."""
    from parallax.spark.job import run_job

    src, out, _ = job
    shutil.copytree(out / "embeddings", tmp_path / "embeddings")
    stats = run_job(
        [], str(tmp_path), master="local[2]", stages=("cluster",), window_days=7, lsh_bits=3
    )
    assert stats["blocks"] > 2
    demo = _demo_ids(_single(str(src))["articles"])
    homes = {
        s["id"]
        for s in _table(tmp_path, "stories")
        if s["level"] == "storyline" and set(demo) & set(s["article_ids"])
    }
    assert len(homes) == 1


def test_parquet_input_goes_through_the_record_reader(
    job: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    from parallax.spark.job import run_job

    _, out, stats = job
    again = run_job([str(out / "articles")], str(tmp_path), master="local[2]", stages=("ingest",))
    assert again["articles"] == stats["articles"] and again["problems"] == 0
    outlets = {r["outlet"] for r in _table(tmp_path, "articles")}
    assert {"The Epoch Times", "NBC News", "Tampere Daily"} <= outlets


def test_results_load_into_the_store(
    job: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    from parallax.annotate.core import ANNOTATOR_VERSION
    from parallax.spark.job import load_into_store
    from parallax.store import Store

    src, out, stats = job
    counts = load_into_store(out, tmp_path / "p.db")
    assert counts["articles"] == counts["annotations"] == stats["articles"]
    store = Store(tmp_path / "p.db")
    articles = store.articles()
    assert len(articles) == stats["articles"]
    demo = _demo_ids(articles)
    ann = store.get_annotations([a for a in articles if a.id in demo], ANNOTATOR_VERSION)
    assert len(ann) == 5 and all(a.sentences and a.mentions for a in ann.values())
    assert any(q.speaker and "Blinken" in q.speaker for a in ann.values() for q in a.quotes)
    storylines = store.stories("storyline")
    assert any(set(demo) <= set(s.article_ids) for s in storylines)
    assert any(a.published is None for a in articles)  # the undated JSONL record


def test_no_usable_input_is_reported_not_raised(spark: Any, tmp_path: Path) -> None:
    from parallax.spark.job import run_job

    stats = run_job([str(tmp_path / "missing.warc.gz")], str(tmp_path / "out"), master="local[2]")
    assert stats["articles"] == 0 and stats["problems"] == 1 and "skipped" in stats["note"]
    assert _table(tmp_path / "out", "problems")[0]["reason"] == "no such file or folder"


def test_entry_point_help_and_bad_arguments() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "parallax.spark.job", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0 and "--out" in ok.stdout and "WARC" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "parallax.spark.job", "x", "--out", "y", "--stages", "nope"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "unknown stage" in bad.stderr and "Traceback" not in bad.stderr
