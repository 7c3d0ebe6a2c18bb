"""First view of a story page: analysis stored at ingest, read (and rendered) at view time.

Run: nice -n 10 python benchmarks/bench_story_view.py [--corpus PATH]

`Pipeline.ingest_into_store` (what `parallax ingest` and the web upload call) annotates,
assigns and stores each changed storyline's analysis; then, as a fresh server would,
each story is read with `Pipeline.stored_analysis` and rendered to HTML. The first
view of every story is timed (wall and CPU); nothing is analysed at view time unless
the stored analysis is stale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CORPUS, cpu_s, table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(CORPUS))
    args = ap.parse_args()
    from parallax.render.report import render_html
    from parallax.runner import Pipeline
    from parallax.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "p.db")
        pipeline = Pipeline(store=store)
        articles = pipeline.ingest([args.corpus]).articles
        c, w = cpu_s(), time.perf_counter()
        pipeline.ingest_into_store(articles)
        ingest_cpu, ingest_wall = cpu_s() - c, time.perf_counter() - w
        server = Pipeline(store=Store(Path(tmp) / "p.db"))  # a fresh reader, empty caches
        rows = []
        for story in store.stories():
            c, w = cpu_s(), time.perf_counter()
            analysis = server.stored_analysis(story.id)
            assert analysis is not None
            html = render_html(analysis, page_title=story.label)
            rows.append(
                (story.level, len(story.article_ids), f"{time.perf_counter() - w:.3f}",
                 f"{cpu_s() - c:.3f}", f"{len(html) / 1e3:.0f}")
            )  # fmt: skip
    print(
        f"ingest_into_store of {len(articles)} articles: {ingest_cpu:.1f} CPU-s "
        f"({ingest_wall:.1f} s wall), analyses stored"
    )
    print(table(rows, ("story", "articles", "first view s (wall)", "CPU-s", "HTML kB")))


if __name__ == "__main__":
    main()
