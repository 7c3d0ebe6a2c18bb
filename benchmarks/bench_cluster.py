"""Incremental story assignment speed with 1k, 10k and 100k articles already stored.

Synthetic data (384-d unit vectors around topic centres, 8 entities per article
from a 5,000-name vocabulary, dates spread over a year, 5 articles per event,
3 events per storyline). The stored stories are restored into the index the way
`StoryIndex(store)` restores them, then 1,000 new articles dated after all of
them are assigned one at a time. Only stories inside the time window are
searched, so the rate should not fall with the number stored.

Run: python benchmarks/bench_cluster.py [--sizes 1000 10000 100000] [--new 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections import Counter

import numpy as np

from parallax.stories import ClusterDoc, ClusterParams
from parallax.stories.index import StoryIndex, _State

DIM = 384
START = dt.date(2022, 1, 1)


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _prefilled(n_articles: int, rng: np.random.Generator, params: ClusterParams) -> StoryIndex:
    index = StoryIndex(None, params)
    per_event, per_storyline = 5, 3
    n_events = max(1, n_articles // per_event)
    names = [f"Entity {i}" for i in range(5000)]
    centres = _unit(rng.normal(size=(n_events, DIM)))
    for e in range(n_events):
        sl = e // per_storyline
        day = START + dt.timedelta(days=int(365 * e / n_events))
        ents = Counter({names[j]: per_event for j in rng.choice(5000, 8, replace=False)})
        ids = [f"a{e}-{k}" for k in range(per_event)]
        if e % per_storyline == 0:
            index._restore(
                _State(
                    f"sl-{sl}",
                    "storyline",
                    None,
                    centres[e] * per_event * per_storyline,
                    ids,
                    ents.copy(),
                    titles=[(1.0, f"Storyline {sl}")],
                    date_start=day,
                    date_end=day + dt.timedelta(days=10),
                    touched=e,
                )
            )
        index._restore(
            _State(
                f"ev-{e}",
                "event",
                f"sl-{sl}",
                centres[e] * per_event,
                ids,
                ents,
                titles=[(1.0, f"Event {e} headline")],
                date_start=day,
                date_end=day,
                touched=e,
            )
        )
    index.seq = n_events
    return index


def _new_docs(n: int, rng: np.random.Generator) -> list[ClusterDoc]:
    last = START + dt.timedelta(days=366)
    centres = _unit(rng.normal(size=(max(1, n // 5), DIM)))
    out = []
    for i in range(n):
        c = centres[i % len(centres)]
        v = _unit(c + 0.3 * rng.normal(size=DIM) / np.sqrt(DIM))
        ents = tuple(("ORG", f"Entity {j}") for j in rng.choice(5000, 8, replace=False))
        out.append(
            ClusterDoc(
                f"new-{i}",
                v,
                ents,
                last + dt.timedelta(days=i * 30 // n),
                f"Headline number {i % len(centres)} about things",
                f"Outlet {i % 7}",
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--new", type=int, default=1000)
    args = ap.parse_args()
    params = ClusterParams.default()
    rng = np.random.default_rng(0)
    rows = []
    for size in args.sizes:
        t0 = time.perf_counter()
        index = _prefilled(size, rng, params)
        index.latest = START + dt.timedelta(days=365)
        index._evict()
        fill = time.perf_counter() - t0
        active = {lvl: len(t.row) for lvl, t in index.tables.items()}
        docs = _new_docs(args.new, rng)
        t1 = time.perf_counter()
        for d in docs:
            index.add([d])
        secs = time.perf_counter() - t1
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            (size, active.get("event", 0), active.get("storyline", 0), fill, args.new / secs, rss)
        )
    base = rows[0][4]
    print(
        f"{'stored':>8} {'active ev':>9} {'active sl':>9} {'restore s':>9} {'articles/s':>10} {'vs 1st':>6} {'peak RSS MiB':>12}"
    )
    for size, ev, sl, fill, rate, rss in rows:
        print(
            f"{size:>8} {ev:>9} {sl:>9} {fill:>9.2f} {rate:>10.0f} {rate / base:>6.2f} {rss:>12.0f}"
        )


if __name__ == "__main__":
    main()
