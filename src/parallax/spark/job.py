"""The Parallax Spark job: WARC/JSONL/Parquet -> articles, annotations, stories, comparisons.

Run it as `parallax spark run INPUT... --out DIR`, `python -m parallax.spark.job`,
or `spark-submit .../parallax/spark/job.py` (see docs/spark.md). Every stage is a
thin wrapper (parallax.spark.stages) around the single-machine functions, and each
stage's output is written as Parquet before the next stage reads it back, so a
failed run can be inspected and the tables are the checkpoints.

Output layout under `out_dir` (dates partition as `published=YYYY-MM-DD` or
`published=unknown`):
  articles/  annotations/  embeddings/   partitioned by published
  problems/  stories/  facts/ conflicts/ omissions/ framing/ voices/ [timeline/ briefs/]
  _job.json  the counts and timings returned by run_job
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parallax.settings import Settings

STAGES = ("ingest", "annotate", "cluster", "compare")
BLOCK_TARGET = 2000  # articles per clustering block before LSH splits a time window
MAX_LSH_BITS = 12
ANNOTATE_PARTITION = 200  # articles per annotate task (more tasks than cores for balance)

DEFAULT_CONF = {
    "spark.python.worker.reuse": "true",  # keeps the loaded models across tasks
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "256",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # published stays a string
    "spark.sql.session.timeZone": "UTC",
    "spark.executorEnv.HF_HUB_OFFLINE": "1",
    "spark.executorEnv.TOKENIZERS_PARALLELISM": "false",
    "spark.executorEnv.PARALLAX_WORKER_THREADS": "1",
}


def get_session(master: str | None = "local[2]", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession with the job's defaults; `conf` wins. Reuses an active session."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if master and active.sparkContext.master != master:
            active.stop()
        else:
            for key, value in (conf or {}).items():
                if key.startswith("spark.sql."):
                    active.conf.set(key, value)
            return active
    builder = SparkSession.builder.appName("parallax")
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[2]"  # not under spark-submit and no master given
    if master:
        builder = builder.master(master)
    settings = dict(DEFAULT_CONF)
    if master and master.startswith("local"):
        settings.update({"spark.driver.memory": "4g", "spark.ui.showConsoleProgress": "false"})
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _write(df: Any, path: str, partitioned: bool = False) -> None:
    writer = df.write.mode("overwrite")
    if partitioned:
        writer = writer.partitionBy("published")
    writer.parquet(path)


def _read(spark: Any, path: str) -> Any:
    return spark.read.option("basePath", path).parquet(path)


# ---------------------------------------------------------------- stages


def _ingest(spark: Any, inputs: Sequence[str], out: str, stats: dict[str, Any]) -> None:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from parallax.spark.io import INGEST_COLUMNS, PROBLEM_COLUMNS, discover, problem_row
    from parallax.spark.stages import ingest_files, ingest_records

    files, parquet, early = discover(inputs)
    stats["input_files"] = len(files) + len(parquet)
    parts = []
    if files:  # one file per task: a WARC is read sequentially by one reader
        rdd = spark.sparkContext.parallelize([(f,) for f in files], max(1, min(len(files), 10000)))
        parts.append(
            spark.createDataFrame(rdd, "path string").mapInPandas(ingest_files, INGEST_COLUMNS)
        )
    if parquet:
        raw = spark.read.option("pathGlobFilter", "*.parquet").parquet(*parquet)
        known = ["id", "text", "html", "title", "outlet", "source_name", "published", "date",
                 "url", "byline", "author", "lean"]  # fmt: skip
        cols = [F.col(c).cast("string").alias(c) for c in known if c in raw.columns]
        cols.append(F.input_file_name().alias("_source"))
        parts.append(raw.select(*cols).mapInPandas(ingest_records, INGEST_COLUMNS))
    problems = spark.createDataFrame([problem_row(p) for p in early], PROBLEM_COLUMNS)
    if parts:
        ingested = parts[0]
        for more in parts[1:]:
            ingested = ingested.unionByName(more)
        ingested = ingested.persist()
        ranked = ingested.filter(F.col("kind") == "article").withColumn(
            "_rank", F.row_number().over(Window.partitionBy("id").orderBy("source"))
        )
        firsts = ranked.filter(F.col("_rank") == 1).select("id", F.col("source").alias("_first"))
        dups = (
            ranked.filter(F.col("_rank") > 1)
            .join(firsts, "id")
            .select(
                "source",
                F.concat(F.lit("exact duplicate of "), F.col("_first")).alias("reason"),
                F.lit(True).alias("skipped"),
            )
        )
        articles = ranked.filter(F.col("_rank") == 1).drop("_rank", "kind", "reason", "skipped")
        _write(articles, f"{out}/articles", partitioned=True)
        skipped = ingested.filter(F.col("kind") == "problem").select("source", "reason", "skipped")
        problems = problems.unionByName(skipped).unionByName(dups)
        _write(problems.coalesce(1), f"{out}/problems")
        ingested.unpersist()
    else:
        _write(problems.coalesce(1), f"{out}/problems")
        shutil.rmtree(f"{out}/articles", ignore_errors=True)  # no stale articles of a former run
    stats["articles"] = _count(spark, f"{out}/articles")
    stats["problems"] = _count(spark, f"{out}/problems")


def _count(spark: Any, path: str) -> int:
    """Rows in a written table; 0 when nothing was written (Spark cannot read an empty folder)."""
    from pyspark.errors import AnalysisException

    try:
        return int(_read(spark, path).count())
    except AnalysisException:
        return 0


def _annotate(
    spark: Any, out: str, stats: dict[str, Any], per_task: int, settings: Settings | None
) -> None:
    from pyspark.sql import functions as F

    from parallax.spark.stages import ANNOTATION_COLUMNS, annotate_articles

    articles = _read(spark, f"{out}/articles")
    n = int(stats.get("articles") or articles.count())
    parallelism = spark.sparkContext.defaultParallelism
    parts = max(1, min(max(parallelism, math.ceil(n / max(1, per_task))), 100000))
    annotated = articles.repartition(parts, "id").mapInPandas(
        lambda batches: annotate_articles(batches, settings), ANNOTATION_COLUMNS
    )  # the closure ships the run's settings to the executors
    annotated = annotated.persist()
    _write(
        annotated.select("id", "annotation", "parse", "title_parse", "published"),
        f"{out}/annotations",
        partitioned=True,
    )
    emb_cols = ["id", "vector", "cluster_date", "cluster_entities", "title", "outlet", "published"]
    _write(annotated.select(*emb_cols), f"{out}/embeddings", partitioned=True)
    workers = (
        annotated.groupBy("worker")
        .agg(F.max("model_loads").alias("loads"), F.countDistinct("chunk").alias("chunks"))
        .collect()
    )
    stats["annotated"] = annotated.count()
    stats["annotate_tasks"] = parts
    stats["python_workers"] = len(workers)
    stats["annotate_chunks"] = sum(int(r["chunks"]) for r in workers)
    stats["model_loads"] = sum(int(r["loads"]) for r in workers)  # 2 per worker = loaded once
    annotated.unpersist()


def _cluster(
    spark: Any,
    out: str,
    stats: dict[str, Any],
    window_days: int,
    lsh_bits: int | None,
    block_target: int,
    settings: Settings | None,
) -> None:
    import pandas as pd
    from pyspark.sql import functions as F

    from parallax.annotate.embed import DIM
    from parallax.spark.merge import merge_block_stories
    from parallax.spark.stages import BLOCK_STORY_COLUMNS, cluster_block, lsh_planes, signature
    from parallax.stories import ClusterParams

    # the single-machine parameters (or --config's [cluster]); window_days only blocks
    params = settings.cluster if settings is not None else ClusterParams.default()
    emb = (
        _read(spark, f"{out}/embeddings")
        .withColumn(
            "window",
            F.when(F.col("cluster_date").isNull(), F.lit(-1)).otherwise(
                F.floor(F.datediff(F.to_date("cluster_date"), F.lit("1970-01-01")) / window_days)
            ),
        )
        .withColumn("window", F.col("window").cast("long"))
    )
    sizes = {int(r["window"]): int(r["count"]) for r in emb.groupBy("window").count().collect()}
    if lsh_bits is None:
        bits = {
            w: min(MAX_LSH_BITS, max(0, math.ceil(math.log2(c / block_target))))
            for w, c in sizes.items()
        }
    else:
        bits = {w: lsh_bits for w in sizes}
    planes = lsh_planes(max(bits.values(), default=0), DIM)

    def bucketed(batches: Any) -> Any:
        import numpy as np

        for frame in batches:
            if len(frame) == 0:
                continue
            sig = signature(
                np.stack(frame["vector"].map(np.asarray).tolist()).astype(np.float32), planes
            )
            masks = frame["window"].map(lambda w: (1 << bits.get(int(w), 0)) - 1).to_numpy()
            yield frame.assign(bucket=(sig & masks).astype("int64"))

    from pyspark.sql.types import LongType, StructField, StructType

    schema = StructType([*emb.schema.fields, StructField("bucket", LongType())])
    blocked = emb.mapInPandas(bucketed, schema)
    per_block = blocked.groupBy("window", "bucket").applyInPandas(
        cluster_block(_params_dict(params)), BLOCK_STORY_COLUMNS
    )
    rows = [r.asDict() for r in per_block.collect()]
    stories, merges = merge_block_stories(rows, params)
    stats["blocks"] = len({r["block"] for r in rows})
    stats["block_stories"] = len(rows)
    stats["merges"] = merges
    stats["storylines"] = sum(s.level == "storyline" for s in stories)
    stats["events"] = sum(s.level == "event" for s in stories)
    from parallax.models import to_plain

    frame = pd.DataFrame(
        [
            {
                "id": s.id,
                "level": s.level,
                "label": s.label,
                "parent_id": s.parent_id,
                "article_ids": list(s.article_ids),
                "outlets": list(s.outlets),
                "date_start": s.date_start.isoformat() if s.date_start else None,
                "date_end": s.date_end.isoformat() if s.date_end else None,
                "entities": list(s.entities),
                "n_articles": len(s.article_ids),
                "data": json.dumps(to_plain(s), ensure_ascii=False),
            }
            for s in stories
        ]
    )
    ddl = (
        "id string, level string, label string, parent_id string, article_ids array<string>, "
        "outlets array<string>, date_start string, date_end string, entities array<string>, "
        "n_articles int, data string"
    )
    df = spark.createDataFrame(frame, ddl) if len(frame) else spark.createDataFrame([], ddl)
    _write(df.coalesce(1), f"{out}/stories")


def _params_dict(params: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(params)


def _compare(
    spark: Any, out: str, stats: dict[str, Any], min_articles: int, settings: Settings | None
) -> None:
    from pyspark.sql import functions as F

    from parallax.spark.stages import COMPARE_COLUMNS, COMPARE_TABLES, compare_story

    stories = spark.read.parquet(f"{out}/stories").filter(
        (F.col("level") == "storyline") & (F.col("n_articles") >= min_articles)
    )
    # each storyline travels with its events: the runner's per-story unit of work
    events = (
        spark.read.parquet(f"{out}/stories")
        .filter(F.col("level") == "event")
        .groupBy(F.col("parent_id").alias("story_id"))
        .agg(F.collect_list("data").alias("events"))
    )
    members = stories.select(
        F.col("id").alias("story_id"),
        F.col("data").alias("story"),
        F.posexplode("article_ids").alias("pos", "id"),
    ).join(events, "story_id", "left")
    articles = _read(spark, f"{out}/articles")
    notes = _read(spark, f"{out}/annotations").drop("published")
    rows = members.join(articles, "id").join(notes, "id")
    n_groups = max(1, spark.sparkContext.defaultParallelism)
    result = (
        rows.repartition(n_groups, "story_id")
        .groupBy("story_id")
        .applyInPandas(lambda frame: compare_story(frame, settings), COMPARE_COLUMNS)
        .persist()
    )
    counts = {r["tbl"]: int(r["count"]) for r in result.groupBy("tbl").count().collect()}
    for name in COMPARE_TABLES:
        if name in counts:
            part = result.filter(F.col("tbl") == name).drop("tbl")
            _write(part.coalesce(max(1, min(8, counts[name] // 50000))), f"{out}/{name}")
    stats["compared_stories"] = stories.count()
    stats.update(counts)
    result.unpersist()


# ---------------------------------------------------------------- API


def run_job(
    inputs: Sequence[str],
    out_dir: str,
    master: str | None = "local[2]",
    stages: Sequence[str] = STAGES,
    window_days: int = 7,
    conf: dict[str, str] | None = None,
    *,
    lsh_bits: int | None = None,
    block_target: int = BLOCK_TARGET,
    min_compare_articles: int = 2,
    articles_per_task: int = ANNOTATE_PARTITION,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Run the stages over the inputs on Spark; returns counts and seconds per stage.

    Later stages read the earlier stages' Parquet from `out_dir`, so
    `stages=("cluster", "compare")` reruns clustering on an earlier run's output.
    `lsh_bits` forces the LSH split of every time window (default: sized so a
    block holds about `block_target` articles); `min_compare_articles` skips
    single-article storylines, which have nothing to compare. `settings` (`--config`)
    reach annotate, cluster and compare in the executors.
    `window_days` is the blocking window only: the clustering thresholds and time
    windows are the single-machine ones (`settings.cluster`, default `ClusterParams.default()`).
    """
    out = str(Path(out_dir).resolve()) if "://" not in out_dir else out_dir
    if "://" not in out:
        Path(out).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    spark = get_session(master, conf)
    stats: dict[str, Any] = {"master": spark.sparkContext.master, "out": out}
    runners = {
        "ingest": lambda: _ingest(spark, list(inputs), out, stats),
        "annotate": lambda: _annotate(spark, out, stats, articles_per_task, settings),
        "cluster": lambda: _cluster(
            spark, out, stats, window_days, lsh_bits, block_target, settings
        ),
        "compare": lambda: _compare(spark, out, stats, min_compare_articles, settings),
    }
    for stage in STAGES:
        if stage not in stages:
            continue
        if stage != "ingest" and stats.get("articles", 1) == 0:
            stats["note"] = "no articles: later stages skipped (see problems/)"
            break
        t = time.perf_counter()
        runners[stage]()
        stats[f"{stage}_s"] = round(time.perf_counter() - t, 2)
    stats["total_s"] = round(time.perf_counter() - started, 2)
    if "://" not in out:
        Path(out, "_job.json").write_text(json.dumps(stats, indent=2, default=str), "utf-8")
    return stats


def load_into_store(out_dir: str | os.PathLike[str], db: str | os.PathLike[str]) -> dict[str, int]:
    """Load a job's articles, annotations, article vectors and stories into a SQLite Store.

    Reads the Parquet with pyarrow (no Spark needed), in batches, so it also works
    on a laptop after the cluster run finished.
    """
    import numpy as np
    import pyarrow.dataset as ds

    from parallax.annotate.core import ANNOTATOR_VERSION, parse_rows
    from parallax.annotate.embed import KIND, lead_text, text_key
    from parallax.models import Story, from_plain
    from parallax.spark.io import annotated_from, row_to_article
    from parallax.store import Store

    root = Path(out_dir)
    store = Store(Path(db))
    counts = {"articles": 0, "annotations": 0, "vectors": 0, "stories": 0}

    def batches(name: str, partitioned: bool = True) -> Any:
        path = root / name
        if not path.exists():
            return
        data = ds.dataset(str(path), format="parquet", partitioning="hive" if partitioned else None)
        for batch in data.to_batches(batch_size=500):
            yield batch.to_pylist()

    articles: dict[str, Any] = {}
    for rows in batches("articles"):
        chunk = [row_to_article(r) for r in rows]
        store.upsert_articles(chunk)
        counts["articles"] += len(chunk)
        articles.update({a.id: a for a in chunk})
    annotated_by_id: dict[str, Any] = {}
    for rows in batches("annotations"):
        annotated = [
            annotated_from(articles[r["id"]], r["annotation"], r.get("parse"), r.get("title_parse"))
            for r in rows
            if r["id"] in articles
        ]
        store.put_annotations(annotated, ANNOTATOR_VERSION)
        store.put_parses(parse_rows(annotated))
        counts["annotations"] += len(annotated)
        annotated_by_id.update({a.id: a for a in annotated})
    for rows in batches("embeddings"):
        vectors = {
            text_key(lead_text(annotated_by_id[r["id"]])): np.asarray(r["vector"], dtype=np.float32)
            for r in rows
            if r["id"] in annotated_by_id
        }
        store.put_vectors(KIND, vectors)  # warms the embedding cache for later runs
        counts["vectors"] += len(vectors)
    for rows in batches("stories", partitioned=False):
        stories = [from_plain(Story, json.loads(r["data"])) for r in rows]
        store.save_stories(stories)
        counts["stories"] += len(stories)
    return counts


# ---------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m parallax.spark.job` and the spark-submit entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m parallax.spark.job",
        description="Parallax on Apache Spark: ingest, annotate, cluster and compare "
        "WARC (.warc/.warc.gz), JSONL or Parquet input; writes Parquet tables under --out.",
    )
    parser.add_argument(
        "inputs", nargs="+", help="files or folders (WARC, JSONL, HTML, text, Parquet)"
    )
    parser.add_argument("--out", required=True, help="output folder for the Parquet tables")
    parser.add_argument(
        "--master", default=None, help="Spark master (default: spark-submit's, else local[2])"
    )
    parser.add_argument(
        "--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES)
    )
    parser.add_argument(
        "--window-days", type=int, default=7, help="event time window and blocking window"
    )
    parser.add_argument(
        "--lsh-bits", type=int, default=None, help="force the LSH split per time window"
    )
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="extra Spark setting"
    )
    parser.add_argument(
        "--load-db", default=None, help="afterwards, load the results into this SQLite store"
    )
    args = parser.parse_args(argv)
    conf = {}
    for item in args.conf:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--conf expects KEY=VALUE, got {item!r}")
        conf[key] = value
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(unknown)}")
    try:
        stats = run_job(
            args.inputs, args.out, master=args.master, stages=stages,
            window_days=args.window_days, conf=conf, lsh_bits=args.lsh_bits,
        )  # fmt: skip
        print(json.dumps(stats, indent=2, default=str))
        if args.load_db:
            print(json.dumps(load_into_store(args.out, args.load_db)))
    except Exception as exc:  # one line, no traceback, non-zero exit
        print(
            f"parallax spark: error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
