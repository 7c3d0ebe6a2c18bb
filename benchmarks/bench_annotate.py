"""Annotation and embedding throughput on the demo corpus replicated to >= 500 articles.

Run: python benchmarks/bench_annotate.py [--n 500]
Each copy gets a distinct sentence appended so content hashes (and caches) differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import resource
import sys
import time
from pathlib import Path

from parallax.annotate.core import annotate
from parallax.annotate.embed import sentence_vectors
from parallax.ingest.core import ingest_paths
from parallax.models import Article
from parallax.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "balloon"


def replicate(articles: list[Article], n: int) -> list[Article]:
    out = []
    for i in range(n):
        base = articles[i % len(articles)]
        text = f"{base.text}\n\nThis is copy number {i} of the piece."
        out.append(
            dataclasses.replace(
                base,
                id=hashlib.sha256(text.encode()).hexdigest()[:16],
                text=text,
                paragraphs=(*base.paragraphs, (len(base.text) + 2, len(text))),
            )
        )
    return out


def peak_rss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(r, c) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    articles = replicate(ingest_paths([CORPUS]).articles, args.n)
    rows = []
    annotated = []
    for n_process in (1, 2):
        t = time.perf_counter()
        settings = Settings().override({"annotate": {"n_process": n_process}})
        annotated = annotate(articles, settings=settings)
        dt = time.perf_counter() - t
        sents = sum(len(a.sentences) for a in annotated)
        rows.append((f"annotate n_process={n_process}", len(articles) / dt, sents / dt, dt))
    t = time.perf_counter()
    vecs = sentence_vectors(annotated)
    dt = time.perf_counter() - t
    rows.append(
        ("embed sentences (no cache)", len(articles) / dt, sum(len(v) for v in vecs) / dt, dt)
    )
    print(f"{len(articles)} articles, python {sys.version.split()[0]}")
    print(f"{'stage':<30}{'articles/s':>12}{'sentences/s':>13}{'seconds':>10}")
    for name, aps, sps, sec in rows:
        print(f"{name:<30}{aps:>12.1f}{sps:>13.1f}{sec:>10.1f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MiB (largest of this process and its workers)")


if __name__ == "__main__":
    main()
