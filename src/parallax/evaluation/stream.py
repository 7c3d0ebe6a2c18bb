"""`parallax eval stream`: story clustering on a real news stream with hard negatives.

ECB+ (see `events`) has far-apart topics, so it never tests whether a *related
but different* story (same people, same week) is kept out. The NeuS raw crawl
of AllSides (506 stories, Apr-Oct 2021, each covered by a left, a centre and a
right outlet) is such a stream: 82 coronavirus stories, 17 on the House, 17 on
the Middle East... AllSides groups the articles of one story, which is our
*event* level. It has no storyline labels; as a proxy we report how pure our
storylines are with respect to AllSides' topic tag (a storyline that mixes
"Supreme Court" with "Coronavirus" has over-merged; the converse is not
checked).

Articles carry the AllSides story date (all three share it) and their outlet;
the text is the title and the lead paragraphs AllSides crawled (~90 words).
Split by time: stories before 2021-08-01 are for tuning (eval/tune_events.py:
the event weights and threshold, the storyline threshold under a purity floor,
and the embedding-only baseline's threshold via `tune_baseline`), later ones
test. Because all three articles of a story share its date, the stream teaches
"a day apart = another event"; the tuner leaves time damping to policy. The
paper (Lee et al. 2022) does not cluster, so there is no reference number; the
baseline is printed next to ours.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parallax.evaluation import EvalResult
from parallax.evaluation.events import (
    agglomerative,
    baseline_extra,
    baseline_thresholds,
    bcubed,
    cached_features,
    labels_from,
    pairwise,
    product_docs,
)
from parallax.models import Article
from parallax.stories import ClusterDoc, ClusterParams, cluster

CRAWL = Path("neus/data/raw_crawled/headline_11_2021-10-19_crawled_all.jsonl")
SPLIT_DATE = dt.date(2021, 8, 1)
NO_REFERENCE = "— : the NeuS paper does not cluster; embedding-only baseline shown instead"


@dataclass(frozen=True)
class StreamDoc:
    id: str
    story: str  # AllSides story id: the gold event
    topic: str  # AllSides topic tag: the storyline purity proxy
    outlet: str
    title: str
    text: str
    date: dt.date


def load_stream(data_dir: Path, part: str = "all") -> list[StreamDoc]:
    """Articles of the AllSides crawl, by date then story; part = tune, test or all."""
    path = Path(data_dir) / CRAWL
    if not path.is_file():
        return []
    docs: list[StreamDoc] = []
    for line in path.read_text("utf-8").splitlines():
        try:
            raw = json.loads(line)
            date = dt.date.fromisoformat(str(raw["date"])[:10])
        except (ValueError, KeyError, TypeError):
            continue
        if part == "tune" and date >= SPLIT_DATE or part == "test" and date < SPLIT_DATE:
            continue
        for side, item in sorted((raw.get("news") or {}).items()):
            body = item.get("newBody") or []
            paras = [body] if isinstance(body, str) else [p for p in body if isinstance(p, str)]
            text = "\n\n".join(p.strip() for p in paras if p.strip())
            title = (item.get("newsTitle") or "").strip()
            if not text or not title:
                continue
            docs.append(
                StreamDoc(
                    f"{raw['id']}-{side}",
                    str(raw["id"]),
                    str(raw.get("topic") or ""),
                    str(item.get("newsSource") or "unknown"),
                    title,
                    text,
                    date,
                )
            )
    docs.sort(key=lambda d: (d.date, d.story, d.id))
    return docs


def stream_articles(docs: Sequence[StreamDoc]) -> list[Article]:
    out = []
    for d in docs:
        text = f"{d.title}\n\n{d.text}"
        out.append(
            Article(
                id=d.id,
                source=f"allsides:{d.id}",
                outlet=d.outlet,
                outlet_reason="AllSides crawl",
                title=d.title,
                byline=None,
                published=d.date,
                date_reason="AllSides story date",
                language="en",
                text=text,
                paragraphs=((0, len(text)),),
            )
        )
    return out


def stream_cluster_docs(docs: Sequence[StreamDoc], cache_dir: Path | None) -> list[ClusterDoc]:
    """Features through the product path (annotate + embed), optionally cached on disk."""
    key = "|".join(d.id for d in docs)
    return cached_features(
        "stream_docs", key, cache_dir, lambda: product_docs(stream_articles(docs))
    )


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Cluster the test months (or the first `limit` stories of them) and score them."""
    raw = load_stream(Path(data_dir), "test")
    if limit:
        keep = list(dict.fromkeys(d.story for d in raw))[:limit]
        raw = [d for d in raw if d.story in set(keep)]
    if not raw:
        return []
    t0 = time.perf_counter()
    cache = os.environ.get("PARALLAX_EVAL_CACHE")
    docs = stream_cluster_docs(raw, Path(cache) if cache else None)
    t_feat = time.perf_counter() - t0
    params = ClusterParams.default()
    t1 = time.perf_counter()
    stories = cluster(docs, params)
    t_cluster = time.perf_counter() - t1
    ids = [d.id for d in docs]
    gold = [d.story for d in raw]
    pred = labels_from(stories, ids, "event")
    split = f"AllSides stream {raw[0].date}..{raw[-1].date}"
    note = f"{len(docs)} articles in {len(set(gold))} stories; params: {params.provenance}"
    thr = baseline_thresholds().get("stream_event")
    results = []
    for name, fn in (("B-cubed", bcubed), ("pairwise", pairwise)):
        p, r, f = fn(pred, gold)
        extra: dict[str, object] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "clusters": len(set(pred)),
            "gold_clusters": len(set(gold)),
            "cluster_seconds": round(t_cluster, 3),
        }
        if thr is not None:
            extra.update(baseline_extra(fn, docs, gold, thr, "the tune months"))
        results.append(
            EvalResult(
                "stream",
                f"event {name} F1",
                round(f, 4),
                None,
                NO_REFERENCE,
                split,
                len(docs),
                round(t_feat + t_cluster, 2),
                note,
                extra,
            )
        )
    storylines = labels_from(stories, ids, "storyline")
    purity = bcubed(storylines, [d.topic for d in raw])[0]
    results.append(
        EvalResult(
            "stream",
            "storyline topic purity (B-cubed precision vs AllSides topic)",
            round(purity, 4),
            None,
            "proxy: AllSides has no storyline labels",
            split,
            len(docs),
            0.0,
            "1.0 = no storyline mixes two AllSides topics",
            {"storylines": len(set(storylines))},
        )
    )
    return results


def _agglomerative_f1(docs: Sequence[ClusterDoc], raw: Sequence[StreamDoc], thr: float) -> float:
    return bcubed(agglomerative(docs, thr), [d.story for d in raw])[2]


def tune_baseline(docs: Sequence[ClusterDoc], raw: Sequence[StreamDoc]) -> tuple[float, float]:
    """(best F1, threshold) of the embedding-only baseline on these docs."""
    return max(
        (_agglomerative_f1(docs, raw, float(t)), float(t)) for t in np.arange(0.1, 0.91, 0.05)
    )
