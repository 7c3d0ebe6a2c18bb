"""Shared helpers for the benchmarks: CPU clocks, peak RSS and real news texts (PolNeAR).

CPU-seconds (user + system of this process and its finished children) are robust on
a machine shared with other jobs; wall time is printed next to them but not trusted.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(os.environ.get("PARALLAX_SHARED", Path(__file__).resolve().parents[2] / "shared"))
POLNEAR = SHARED / "data" / "polnear" / "data"
CORPUS = SHARED / "corpus" / "balloon"


def cpu_s() -> float:
    """CPU-seconds of this process (all threads) plus its reaped children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set of this process (MiB; children reported separately by the OS)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Clock:
    """CPU and wall seconds per named stage (a stage may be entered several times)."""

    cpu: dict[str, float] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        c, w = cpu_s(), time.perf_counter()
        try:
            yield
        finally:
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu_s() - c
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - w


def polnear_records(n: int, splits: tuple[str, ...] = ("train", "dev", "test")) -> list[dict]:
    """Up to n real news articles with outlet, date and title from PolNeAR's metadata."""
    meta: dict[str, dict[str, str]] = {}
    with open(POLNEAR / "metadata.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"]] = row
    out: list[dict] = []
    # in date order across outlets, so the first n hold cross-outlet stories as a day's
    # news does (file names are outlet_date_slug)
    paths = [p for split in splits for p in (POLNEAR / split / "text").glob("*.txt")]
    paths.sort(key=lambda p: (p.stem.split("_")[1], p.stem))
    for path in paths:
        row = meta.get(path.stem, {})
        out.append(
            {
                "text": path.read_text(encoding="utf-8"),
                "outlet": row.get("publisher") or path.stem.split("_")[0],
                "published": row.get("publication_date") or path.stem.split("_")[1],
                "source_name": row.get("publisher") or None,
            }
        )
        if len(out) >= n:
            return out
    return out


def write_jsonl(records: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return path


def table(rows: list[tuple], header: tuple[str, ...]) -> str:
    """A plain Markdown table (numbers formatted by the caller)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
