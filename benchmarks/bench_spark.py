"""Spark local[1] / local[2] vs the single-process path: articles/s and peak memory.

Run: python benchmarks/bench_spark.py [--n 2000] [--files 8] [--cluster]

Input: the demo corpus replicated with variations (a different closing sentence
and URL per copy, so content ids differ) plus generated filler on unrelated
topics, half and half, as gzipped WARC files. Each mode runs in its own
subprocess so peak memory is its own:
  single    read_warc + annotate + article_vectors (+ cluster) in one process
  local[1]  run_job(stages=ingest,annotate[,cluster]) on one core
  local[2]  the same on two cores
Peak memory: the driver's ru_maxrss (resource), and the peak summed RSS of all
descendant processes (the JVM and the Python workers that hold the models),
sampled from /proc every 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "balloon"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/balloon")


def build_input(folder: Path, n: int, files: int) -> int:
    from parallax.spark.io import write_warc
    from parallax.spark.sample import demo_pages, filler_pages

    pages: list[dict[str, Any]] = []
    variant = 1
    while len(pages) < n // 2:
        pages.extend(demo_pages(CORPUS, variant=variant))
        variant += 1
    pages = pages[: n // 2] + list(filler_pages(n - n // 2, seed=11))
    per = -(-len(pages) // files)
    for i in range(files):
        write_warc(folder / f"crawl-{i:02d}.warc.gz", pages[i * per : (i + 1) * per])
    return len(pages)


def _descendants_rss_mb(root: int) -> float:
    """Summed RSS of all processes below `root` (Linux /proc), in MiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 2**20


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, _descendants_rss_mb(os.getpid()))


def run_mode(mode: str, folder: Path, cluster: bool) -> dict[str, Any]:
    """Startup (session, imports, model loads) is timed on a small warm-up input first,
    so `work` is the steady state that a long crawl run amortises startup over."""
    sampler = Sampler()
    sampler.start()
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    warm = folder.parent / "warmup"
    if mode == "single":
        from parallax.annotate.core import annotate
        from parallax.annotate.embed import article_vectors
        from parallax.spark.io import read_warc, row_to_article

        def ingest(where: Path) -> list[Any]:
            rows = [r for p in sorted(where.glob("*.warc.gz")) for r in read_warc(str(p))]
            unique = {r["id"]: r for r in rows if r["kind"] == "article"}  # dedup as the job does
            return [row_to_article(r) for r in unique.values()]

        t = time.perf_counter()
        article_vectors(annotate(ingest(warm)))
        seconds["startup"] = time.perf_counter() - t
        t = time.perf_counter()
        articles = ingest(folder)
        seconds["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        annotated = annotate(articles)
        vectors = article_vectors(annotated)
        seconds["annotate"] = time.perf_counter() - t
        if cluster:
            from parallax.stories import cluster as run_cluster
            from parallax.stories import docs_from_annotated

            t = time.perf_counter()
            run_cluster(docs_from_annotated(annotated, vectors))
            seconds["cluster"] = time.perf_counter() - t
        n = len(articles)
    else:
        from parallax.spark.job import get_session, run_job

        t = time.perf_counter()
        get_session(mode, {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"})
        stages = ("ingest", "annotate", "cluster") if cluster else ("ingest", "annotate")
        with tempfile.TemporaryDirectory() as out:  # warm-up: JVM, Python workers, models
            run_job([str(warm)], out, master=mode, stages=stages, articles_per_task=5)
        seconds["startup"] = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as out:
            stats = run_job([str(folder)], out, master=mode, stages=stages)
        for stage in stages:
            seconds[stage] = stats[f"{stage}_s"]
        n = int(stats["articles"])
    total = time.perf_counter() - t0
    sampler.stop.set()
    work = sum(v for k, v in seconds.items() if k != "startup")
    return {
        "mode": mode,
        "articles": n,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "work_s": round(work, 1),
        "total_s": round(total, 1),
        "driver_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "children_rss_mb": round(sampler.peak),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--n", type=int, default=2000, help="articles in the input (>= 2000 for the report)"
    )
    ap.add_argument("--files", type=int, default=8, help="WARC files (one ingest task each)")
    ap.add_argument("--cluster", action="store_true", help="also time clustering")
    ap.add_argument("--modes", default="single,local[1],local[2]")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:  # child process: one mode, JSON on the last stdout line
        print(json.dumps(run_mode(args.mode, Path(args.input), args.cluster)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "input"
        folder.mkdir()
        (Path(tmp) / "warmup").mkdir()
        build_input(Path(tmp) / "warmup", 20, 2)  # same kind of pages, other copies
        t = time.perf_counter()
        n = build_input(folder, args.n, args.files)
        print(
            f"input: {n} pages in {args.files} WARC files ({time.perf_counter() - t:.1f} s to build)"
        )
        results = []
        for mode in args.modes.split(","):
            cmd = [sys.executable, __file__, "--mode", mode, "--input", str(folder)]
            cmd += ["--cluster"] if args.cluster else []
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{mode}: failed\n{proc.stderr[-2000:]}")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    base = next((r for r in results if r["mode"] == "single"), None)
    stages = [
        s
        for s in ("startup", "ingest", "annotate", "cluster")
        if any(s in r["seconds"] for r in results)
    ]
    head = f"{'mode':<10}{'articles':>9}" + "".join(f"{s + ' s':>12}" for s in stages)
    head += f"{'work s':>9}{'art/s':>8}{'vs single':>10}{'driver MB':>11}{'children MB':>13}"
    print("\n" + head)
    for r in results:
        rate = r["articles"] / r["work_s"] if r["work_s"] else 0.0
        ratio = (
            rate / (base["articles"] / base["work_s"]) if base and base["work_s"] else float("nan")
        )
        cells = "".join(f"{r['seconds'].get(s, float('nan')):>12.1f}" for s in stages)
        print(
            f"{r['mode']:<10}{r['articles']:>9}{cells}{r['work_s']:>9.1f}{rate:>8.2f}{ratio:>9.2f}x"
            f"{r['driver_rss_mb']:>11}{r['children_rss_mb']:>13}"
        )
    print(
        "\nart/s = articles / work seconds (ingest+annotate[+cluster]); startup = session, imports and"
    )
    print("model loads, timed on a 20-page warm-up input first (paid once per run / per worker);")
    print(
        "children MB = peak summed RSS of the JVM and Python workers (the executors in local mode)."
    )


if __name__ == "__main__":
    main()
