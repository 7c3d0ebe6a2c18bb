"""The per-partition functions the Spark job runs on executors: thin wrappers over the product.

Each function takes pandas batches (mapInPandas) or one group (applyInPandas) and
calls the single-machine stage unchanged: `ingest` readers, `annotate.annotate`,
`embed.article_vectors`, `cluster.docs_from_annotated` + `cluster.cluster`,
`compare.compare`, `brief.build_briefs`. Models are loaded through `parallax.nlp`
(lru_cache), so a reused Python worker (spark.python.worker.reuse=true, the
default) loads spaCy and MiniLM once and keeps them for every later batch.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from parallax.spark.io import (
    annotated_from,
    annotation_to_json,
    read_any,
    records_to_rows,
    row_to_article,
)

if TYPE_CHECKING:
    from parallax.settings import Settings

INGEST_CHUNK = 256  # rows per yielded pandas frame
ANNOTATE_CHUNK = 32  # articles per annotate()/embed call: bounded memory, full nlp.pipe batches
_CHUNKS = itertools.count()  # per Python worker: how many chunks this process has annotated

ANNOTATION_COLUMNS = (
    "id string, published string, annotation string, parse binary, title_parse binary, "
    "vector array<float>, "
    "cluster_date string, cluster_entities string, title string, outlet string, "
    "worker string, model_loads int, chunk int"
)
BLOCK_STORY_COLUMNS = (
    "block string, id string, level string, label string, parent_id string, "
    "article_ids array<string>, outlets array<string>, date_start string, date_end string, "
    "entities array<string>, centroid array<float>, entity_counts string, title string, n int"
)
COMPARE_COLUMNS = "story_id string, tbl string, item_id string, data string"
COMPARE_TABLES = ("facts", "conflicts", "omissions", "framing", "voices", "timeline", "briefs")


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Object columns with real None: pandas would turn an all-None column into float NaN."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns})


def _frames(
    rows: Iterator[dict[str, Any]], columns: list[str], size: int
) -> Iterator[pd.DataFrame]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield _frame(chunk, columns)
            chunk = []
    if chunk:
        yield _frame(chunk, columns)


def _names(ddl: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in ddl.split(",") if part.strip()]


# ---------------------------------------------------------------- ingest


def ingest_files(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """mapInPandas over a frame of `path`s: one input file per row, read on the executor."""
    from parallax.spark.io import INGEST_COLUMNS

    columns = _names(INGEST_COLUMNS)

    def rows() -> Iterator[dict[str, Any]]:
        for frame in batches:
            for path in frame["path"]:
                yield from read_any(str(path))

    yield from _frames(rows(), columns, INGEST_CHUNK)


def ingest_records(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """mapInPandas over Parquet article rows (text or html plus metadata columns)."""
    from parallax.spark.io import INGEST_COLUMNS

    columns = _names(INGEST_COLUMNS)

    def rows() -> Iterator[dict[str, Any]]:
        for frame in batches:
            for record in frame.to_dict("records"):
                source = str(record.pop("_source", "") or "parquet")
                ident = record.get("id") or record.get("url") or ""
                yield from records_to_rows([(f"{source}#{ident}" if ident else source, record)])

    yield from _frames(rows(), columns, INGEST_CHUNK)


# ---------------------------------------------------------------- annotate + embed


def model_loads() -> int:
    """How many times this Python process has loaded a model (1 per model when reuse works)."""
    from parallax.nlp import sentence_encoder, spacy_nlp

    return int(spacy_nlp.cache_info().misses + sentence_encoder.cache_info().misses)


def annotate_articles(
    batches: Iterator[pd.DataFrame], settings: Settings | None = None
) -> Iterator[pd.DataFrame]:
    """mapInPandas: article rows -> annotation JSON, article vector and cluster inputs.

    Calls the runner's `annotate` and `cluster_docs` on chunks of ANNOTATE_CHUNK
    articles; the parse travels as DocBin bytes so the compare step never re-parses.
    """
    from parallax.annotate.parse import doc_to_bytes
    from parallax.runner import Pipeline

    pipeline = Pipeline(settings)

    threads = int(os.environ.get("PARALLAX_WORKER_THREADS", "1"))
    columns = _names(ANNOTATION_COLUMNS)
    pid = f"{os.uname().nodename}:{os.getpid()}"
    for frame in batches:
        records = frame.to_dict("records")
        for start in range(0, len(records), ANNOTATE_CHUNK):
            articles = [row_to_article(r) for r in records[start : start + ANNOTATE_CHUNK]]
            annotated = pipeline.annotate(articles)
            if threads > 0 and "torch" in sys.modules:  # only when the torch encoder runs
                sys.modules["torch"].set_num_threads(threads)
            docs = pipeline.cluster_docs(annotated)
            vectors = [d.vector for d in docs]
            loads, chunk = model_loads(), next(_CHUNKS)
            out = [
                {
                    "id": ann.id,
                    "published": rec["published"],
                    "annotation": annotation_to_json(ann),
                    "parse": doc_to_bytes(ann.doc) if ann.doc is not None else None,
                    "title_parse": (
                        doc_to_bytes(ann.title_doc) if ann.title_doc is not None else None
                    ),
                    "vector": vec.astype(np.float32).tolist(),
                    "cluster_date": doc.date.isoformat() if doc.date else None,
                    "cluster_entities": json.dumps(
                        [list(e) for e in doc.entities], ensure_ascii=False
                    ),
                    "title": doc.title,
                    "outlet": doc.outlet,
                    "worker": pid,
                    "model_loads": loads,
                    "chunk": chunk,
                }
                for ann, vec, doc, rec in zip(
                    annotated, vectors, docs, records[start : start + ANNOTATE_CHUNK], strict=True
                )
            ]
            yield _frame(out, columns)


# ---------------------------------------------------------------- cluster


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    return dt.date.fromisoformat(str(value)[:10])


def cluster_block(params: dict[str, Any]) -> Any:
    """applyInPandas function for one block (time window x LSH bucket): `cluster.cluster` on it."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        from parallax.stories import ClusterDoc, ClusterParams, cluster

        p = ClusterParams(**params)
        block = f"{frame['window'].iloc[0]}:{frame['bucket'].iloc[0]}" if len(frame) else ""
        docs = []
        for r in frame.to_dict("records"):
            ents = tuple(tuple(e) for e in json.loads(r["cluster_entities"] or "[]"))
            vec = np.asarray(r["vector"], dtype=np.float32)
            docs.append(
                ClusterDoc(
                    r["id"], vec, ents, _date(r["cluster_date"]), r["title"] or "", r["outlet"]
                )  # type: ignore[arg-type]
            )
        by_id = {d.id: d for d in docs}
        rows = []
        for story in cluster(docs, p):
            members = [by_id[a] for a in story.article_ids]
            mat = np.stack([m.vector for m in members])
            centroid = mat.sum(axis=0)
            centroid = centroid / (np.linalg.norm(centroid) or 1.0)
            central = max(members, key=lambda m: float(m.vector @ centroid))
            counts = Counter(n for m in members for n in {name for _, name in m.entities})
            rows.append(
                {
                    "block": block,
                    "id": story.id,
                    "level": story.level,
                    "label": story.label,
                    "parent_id": story.parent_id,
                    "article_ids": list(story.article_ids),
                    "outlets": list(story.outlets),
                    "date_start": story.date_start.isoformat() if story.date_start else None,
                    "date_end": story.date_end.isoformat() if story.date_end else None,
                    "entities": list(story.entities),
                    "centroid": centroid.astype(np.float32).tolist(),
                    "entity_counts": json.dumps(counts, ensure_ascii=False),
                    "title": central.title,
                    "n": len(members),
                }
            )
        return _frame(rows, _names(BLOCK_STORY_COLUMNS))

    return run


def lsh_planes(bits: int, dim: int, seed: int = 7) -> np.ndarray:
    """Random hyperplanes for the sign-of-projection LSH signature (fixed seed: reproducible blocks)."""
    return np.random.default_rng(seed).standard_normal((bits, dim)).astype(np.float32)


def signature(vectors: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """Integer bucket per row: bit i set when the vector lies on the positive side of plane i."""
    if planes.shape[0] == 0:
        return np.zeros(len(vectors), dtype=np.int64)
    bits = (vectors @ planes.T) > 0
    return (bits * (1 << np.arange(planes.shape[0]))).sum(axis=1).astype(np.int64)


# ---------------------------------------------------------------- compare (per story)


def compare_story(frame: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """applyInPandas for one storyline: the runner's `analyze_story`, as on one machine."""
    from parallax.models import Story, from_plain, to_plain
    from parallax.runner import STORY_TABLES, Pipeline

    frame = frame.sort_values("pos")
    story_id = str(frame["story_id"].iloc[0])
    story = from_plain(Story, json.loads(frame["story"].iloc[0]))
    raw_events = frame["events"].iloc[0] if "events" in frame else None
    events = [
        from_plain(Story, json.loads(e)) for e in (raw_events if raw_events is not None else [])
    ]
    members = [
        annotated_from(row_to_article(r), r["annotation"], r.get("parse"), r.get("title_parse"))
        for r in frame.to_dict("records")
    ]
    result = Pipeline(settings).analyze_story(members, [story, *sorted(events, key=lambda e: e.id)])
    tables = {name: list(getattr(result, name)) for name in STORY_TABLES}
    rows = []
    for name, items in tables.items():
        for n, item in enumerate(items):
            plain = to_plain(item)
            ident = plain.get("id") if isinstance(plain, dict) else None
            rows.append(
                {
                    "story_id": story_id,
                    "tbl": name,
                    "item_id": str(ident or f"{story_id}-{name}-{n}"),
                    "data": json.dumps(plain, ensure_ascii=False),
                }
            )
    return _frame(rows, _names(COMPARE_COLUMNS))
