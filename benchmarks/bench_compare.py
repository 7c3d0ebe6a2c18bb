"""Time compare() on one story of 5, 50 and 200 articles, per stage, with peak RSS.

Run: python benchmarks/bench_compare.py [--sizes 5 50 200]
Copies of the demo articles get random light word substitutions (seeded per copy)
and their own outlet name, so texts, embeddings and outlets all differ; ingest,
annotation and sentence embedding happen before the clock starts (they have
their own benchmarks). Alignment should grow ~n log n: the table ends with the
ratio of align time between the two largest sizes against n log n and n^2.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import os
import random
import re
import resource
import time
from pathlib import Path

from parallax.annotate.core import annotate
from parallax.annotate.embed import sentence_vectors
from parallax.compare.core import compare
from parallax.ingest.core import ingest_paths
from parallax.models import Article

CORPUS = (
    Path(os.environ.get("PARALLAX_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "corpus"
    / "balloon"
)
SWAPS = {
    "said": ["stated", "added", "noted"],
    "told": ["informed", "told"],
    "meeting": ["talks", "encounter"],
    "officials": ["authorities", "representatives"],
    "balloon": ["balloon", "airship"],
    "United States": ["U.S.", "US", "United States"],
    "China": ["China", "Beijing"],
    "very": ["really", "very", ""],
    "also": ["also", "additionally", ""],
    "countries": ["nations", "countries", "states"],
}
_RX = re.compile(r"\b(" + "|".join(map(re.escape, SWAPS)) + r")\b")


def vary(articles: list[Article], n: int) -> list[Article]:
    out = []
    for i in range(n):
        base = articles[i % len(articles)]
        rng = random.Random(i)

        def swap(m: re.Match[str], rng: random.Random = rng) -> str:
            return rng.choice(SWAPS[m.group(1)]) if rng.random() < 0.5 else m.group(1)

        text = base.text if i < len(articles) else _RX.sub(swap, base.text)
        text = re.sub(r"  +", " ", text)
        out.append(
            dataclasses.replace(
                base,
                id=hashlib.sha256(f"{i}:{text}".encode()).hexdigest()[:16],
                outlet=base.outlet if i < len(articles) else f"{base.outlet} #{i}",
                text=text,
                paragraphs=((0, len(text)),),
            )
        )
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200])
    ap.add_argument("--no-framing", action="store_true", help="skip framing (another stage)")
    args = ap.parse_args()
    if args.no_framing:
        import parallax.compare.core as core

        core._framing = lambda *a, **k: []  # type: ignore[assignment]
    base = ingest_paths([str(CORPUS)]).articles
    rows = []
    for n in args.sizes:
        arts = vary(base, n)
        t = time.perf_counter()
        ann = annotate(arts)
        vecs = sentence_vectors(ann)
        prep = time.perf_counter() - t
        t = time.perf_counter()
        result = compare(ann, vecs)
        total = time.perf_counter() - t
        rows.append(
            (
                n,
                len(result.claims),
                len(result.facts),
                len(result.conflicts),
                prep,
                total,
                result.seconds,
                peak_rss_mb(),
            )
        )
    stages = list(rows[0][6])
    head = (
        f"{'articles':>8} {'claims':>7} {'facts':>6} {'confl':>6} {'prep s':>7} {'total s':>8} {'art/s':>6} "
        + " ".join(f"{s[:9]:>9}" for s in stages)
        + f" {'RSS MB':>7}"
    )
    print(head)
    for n, c, f, k, prep, total, secs, rss in rows:
        cells = " ".join(f"{secs.get(s, 0):9.2f}" for s in stages)
        print(
            f"{n:8d} {c:7d} {f:6d} {k:6d} {prep:7.1f} {total:8.2f} {n / total:6.1f} {cells} {rss:7.0f}"
        )
    for n, *_, secs, _ in rows:
        conf = sum(secs.get(k, 0) for k in ("candidates", "verifier", "group"))
        print(
            f"{n} articles: conflicts {conf:.2f} s, verifier share {secs.get('verifier', 0) / max(conf, 1e-9):.1%}"
        )
    if len(rows) >= 2:
        (n1, c1, *_, s1, _), (n2, c2, *_, s2, _) = rows[-2], rows[-1]
        cf = [
            sum(s.get(k, 0) for k in ("candidates", "verifier", "group", "omissions"))
            for s in (s1, s2)
        ]
        print(
            f"conflicts+omissions time x{cf[1] / max(cf[0], 1e-6):.1f} from {n1} to {n2} articles "
            f"(linear x{n2 / n1:.1f}, n^2 x{(n2 / n1) ** 2:.1f})"
        )
        measured = s2["align"] / max(s1["align"], 1e-6)
        nlogn = (c2 * math.log(c2)) / (c1 * math.log(c1))
        print(
            f"align time x{measured:.1f} from {n1} to {n2} articles ({c1} -> {c2} claims); "
            f"n log n predicts x{nlogn:.1f}, n^2 would be x{(c2 / c1) ** 2:.1f}"
        )


if __name__ == "__main__":
    main()
