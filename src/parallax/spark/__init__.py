"""Parallax on Apache Spark: the single-machine stages, run per partition and per story.

`run_job(inputs, out_dir, ...)` runs ingest -> annotate+embed -> cluster -> compare
and writes Parquet; `load_into_store(out_dir, db)` loads the results into the
SQLite store. pyspark is imported only when a job runs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_into_store", "run_job"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from parallax.spark import job

        return getattr(job, name)
    raise AttributeError(name)
