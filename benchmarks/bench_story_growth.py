"""How the per-story analysis grows with the story: one story of n articles, n = 5 ... 1000.

Run: nice -n 10 python benchmarks/bench_story_growth.py [--sizes 5,50,200,1000]

A story of n articles: the five demo articles (one real event, five outlets) cycled
to n, each copy with its own closing sentence, outlet suffix and content id: the
worst case for comparison (every copy agrees and disagrees with every other). The
articles are annotated first (not timed); `Pipeline.analyze_story` (entity
resolution, sentence vectors, compare, timeline, briefs) is timed in CPU-seconds, and
the exponent b of cost ≈ a·n^b is fitted by least squares on log-log. n log n over
this range has b ≈ 1.1-1.2.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CORPUS, cpu_s, peak_rss_mb, table  # noqa: E402


def story_of(n: int) -> list:
    from parallax.ingest import ingest_paths

    base = ingest_paths([CORPUS]).articles
    out = []
    for i in range(n):
        a = base[i % len(base)]
        text = f"{a.text}\n\nFiled as copy {i}."
        out.append(
            dataclasses.replace(
                a,
                id=hashlib.sha256(text.encode()).hexdigest()[:16],
                text=text,
                outlet=f"{a.outlet or 'Outlet'} {i // len(base)}",
                paragraphs=(*a.paragraphs, (len(a.text) + 2, len(text))),
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5,50,200")
    args = ap.parse_args()
    from parallax.runner import Pipeline

    sizes = [int(s) for s in args.sizes.split(",")]
    pipeline = Pipeline()
    annotated_all = pipeline.annotate(story_of(max(sizes)))
    rows, points = [], []
    for n in sizes:
        members = annotated_all[:n]
        c = cpu_s()
        result = pipeline.analyze_story(members)
        cost = cpu_s() - c
        points.append((math.log(n), math.log(max(cost, 1e-6))))
        rows.append(
            (n, f"{cost:.1f}", f"{cost / n:.3f}", len(result.facts), len(result.conflicts),
             len(result.omissions))
        )  # fmt: skip
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    b = sum((x - mx) * (y - my) for x, y in points) / max(
        1e-12, sum((x - mx) ** 2 for x, _ in points)
    )
    print(table(rows, ("articles", "CPU-s", "CPU-s/article", "facts", "conflicts", "omissions")))
    print(f"\nfitted exponent b (cost ≈ a·n^b): {b:.2f}  (n log n ≈ 1.1-1.2 here; ≤ that passes)")
    local = [
        f"{sizes[i]}→{sizes[i + 1]}: {(points[i + 1][1] - points[i][1]) / (points[i + 1][0] - points[i][0]):.2f}"
        for i in range(len(points) - 1)
    ]
    print("local exponents (fixed costs flatten the small end): " + ", ".join(local))
    print(f"peak RSS {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
