"""`parallax eval events`: story clustering scored on ECB+ (sub-topic = event, topic = storyline).

ECB+ (Cybulska & Vossen 2014) groups news documents into topics, each with two
sub-topics that are two different real events of the same kind (two
earthquakes, two rehab check-ins). We cluster every test document (topics
36-45) with the parameters tuned on topics 1-35 (eval/tune_events.py) and
report B-cubed and pairwise P/R/F1 at both levels, next to an embedding-only
average-link agglomerative baseline tuned on the same training topics.

Time: ECB documents carry no publication date and ECB+ documents often a
free-text one; we parse what we can and the time signal is simply off for a
pair when either date is unknown (its weight is redistributed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parallax.evaluation import EvalResult
from parallax.models import UNKNOWN, Article, Story
from parallax.runner import Pipeline
from parallax.stories import ClusterDoc, ClusterParams, cluster

TRAIN_TOPICS = tuple(range(1, 36))
TEST_TOPICS = tuple(range(36, 46))
ECB_SUBDIR = Path("ecbplus/ECBplus-prep/output_data/test_parsing")
NO_REFERENCE = (
    "— : the data README gives no reference number, and we know of no published "
    "document-clustering score on the ECB+ test topics that we can cite with confidence"
)


@dataclass(frozen=True)
class EcbDoc:
    id: str  # e.g. "36_4ecbplus"
    topic: int
    subtopic: str  # e.g. "36ecbplus"
    title: str
    text: str
    date: dt.date | None
    path: str


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MDY = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*-?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})\b",
    re.I,
)
_DMY = re.compile(
    r"\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*,?\s*(\d{4})\b",
    re.I,
)
_NUM = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b")


def parse_ecb_date(raw: str | None) -> dt.date | None:
    """The first date in ECB+'s free-text `date_publish` ("Posted July 20, 2009"); None if none."""
    if not raw:
        return None
    found: list[tuple[int, dt.date]] = []
    for rx, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_NUM, "num")):
        for m in rx.finditer(raw):
            a, b, y = m.groups()
            try:
                if order == "mdy":
                    d = dt.date(int(y), _MONTHS[a[:3].lower()], int(b))
                elif order == "dmy":
                    d = dt.date(int(y), _MONTHS[b[:3].lower()], int(a))
                else:
                    d = dt.date(int(y), int(a), int(b))
            except ValueError:
                continue
            found.append((m.start(), d))
    return min(found)[1] if found else None


def load_ecbplus(data_dir: Path, topics: Iterable[int]) -> list[EcbDoc]:
    """ECB+ documents of the given topics, in a stable order; unreadable files are skipped."""
    root = Path(data_dir) / ECB_SUBDIR
    docs = []
    for topic in topics:
        for sub in (f"{topic}ecb", f"{topic}ecbplus"):
            for path in sorted((root / sub).glob("*.json")):
                try:
                    raw = json.loads(path.read_text("utf-8"))
                except (OSError, ValueError):
                    continue
                text = (raw.get("text") or "").strip()
                title = (raw.get("title") or "").strip()
                if not text and not title:
                    continue
                docs.append(
                    EcbDoc(
                        path.stem,
                        topic,
                        sub,
                        title,
                        text,
                        parse_ecb_date(raw.get("date_publish")),
                        str(path),
                    )
                )
    return docs


def ecb_articles(docs: Sequence[EcbDoc]) -> list[Article]:
    return [
        Article(
            id=d.id,
            source=d.path,
            outlet=UNKNOWN,
            outlet_reason="ECB+ gives no outlet",
            title=d.title,
            byline=None,
            published=d.date,
            date_reason="ECB+ date_publish" if d.date else "no parseable date in ECB+",
            language="en",
            text=d.text or d.title,
            paragraphs=((0, len(d.text or d.title)),),
        )
        for d in docs
    ]


def product_docs(articles: Sequence[Article]) -> list[ClusterDoc]:
    """What the product clusters on: the runner's annotation and cluster features."""
    pipeline = Pipeline()
    return pipeline.cluster_docs(pipeline.annotate(articles))


def ecb_cluster_docs(docs: Sequence[EcbDoc], cache_dir: Path | None = None) -> list[ClusterDoc]:
    """Features through the product path (the runner's annotate + cluster_docs), optionally cached on disk."""
    key = "|".join(d.id for d in docs) + _feature_mode()
    return cached_features("ecb_docs", key, cache_dir, lambda: product_docs(ecb_articles(docs)))


def cached_features(
    name: str, key: str, cache_dir: Path | None, compute: Callable[[], list[ClusterDoc]]
) -> list[ClusterDoc]:
    """`compute()`, pickled under cache_dir as NAME_<hash of key>.pkl and reused when present."""
    if cache_dir is None:
        return compute()
    import hashlib

    cache = Path(cache_dir) / f"{name}_{hashlib.sha1(key.encode()).hexdigest()[:16]}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    out = compute()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def _feature_mode() -> str:
    """Part of the feature cache key: features always come from the runner's annotate pass."""
    return "annotate"


# ---------------------------------------------------------------- metrics


def bcubed(pred: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of two labelings of the same items."""
    p_sets = _groups(pred)
    g_sets = _groups(gold)
    prec = rec = 0.0
    for p, g in zip(pred, gold, strict=True):
        inter = len(p_sets[p] & g_sets[g])
        prec += inter / len(p_sets[p])
        rec += inter / len(g_sets[g])
    n = max(1, len(pred))
    return _prf(prec / n, rec / n)


def pairwise(pred: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """Pairwise precision/recall/F1 over all unordered item pairs."""
    from collections import Counter

    both = Counter(zip(pred, gold, strict=True))
    same_p = sum(c * (c - 1) / 2 for c in Counter(pred).values())
    same_g = sum(c * (c - 1) / 2 for c in Counter(gold).values())
    tp = sum(c * (c - 1) / 2 for c in both.values())
    return _prf(tp / same_p if same_p else 1.0, tp / same_g if same_g else 1.0)


def _prf(p: float, r: float) -> tuple[float, float, float]:
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _groups(labels: Sequence[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for i, lab in enumerate(labels):
        out.setdefault(lab, set()).add(i)
    return out


def labels_from(stories: Sequence[Story], ids: Sequence[str], level: str) -> list[str]:
    where = {a: s.id for s in stories if s.level == level for a in s.article_ids}
    return [where.get(i, f"missing:{i}") for i in ids]


def agglomerative(docs: Sequence[ClusterDoc], threshold: float) -> list[str]:
    """Baseline: embedding-only average-link clustering, cut at cosine similarity `threshold`."""
    if len(docs) < 2:
        return ["0"] * len(docs)
    from sklearn.cluster import AgglomerativeClustering

    X = np.stack([d.vector for d in docs])
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1.0 - threshold
    )
    return [str(x) for x in model.fit_predict(X)]


# ---------------------------------------------------------------- run


def baseline_extra(
    metric: Callable[[Sequence[str], Sequence[str]], tuple[float, float, float]],
    docs: Sequence[ClusterDoc],
    gold: Sequence[str],
    threshold: float,
    tuned_on: str,
) -> dict[str, Any]:
    """The embedding-only baseline scored with `metric`, as EvalResult.extra fields."""
    bp, br, bf = metric(agglomerative(docs, threshold), gold)
    return {
        "baseline": f"embedding-only average-link agglomerative, threshold tuned on {tuned_on}",
        "baseline_threshold": threshold,
        "baseline_precision": round(bp, 4),
        "baseline_recall": round(br, 4),
        "baseline_f1": round(bf, 4),
    }


def baseline_thresholds() -> dict[str, float]:
    from importlib import resources

    try:
        raw = json.loads(
            resources.files("parallax").joinpath("resources/cluster_params.json").read_text("utf-8")
        )
        return {k: float(v) for k, v in raw.get("baseline", {}).items()}
    except (OSError, ValueError):
        return {}


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Cluster ECB+ test topics (36-45, or the first `limit` of them) and score both levels."""
    topics = TEST_TOPICS[:limit] if limit else TEST_TOPICS
    t0 = time.perf_counter()
    raw = load_ecbplus(Path(data_dir), topics)
    if not raw:
        return []
    cache = os.environ.get("PARALLAX_EVAL_CACHE")
    docs = ecb_cluster_docs(raw, Path(cache) if cache else None)
    t_feat = time.perf_counter() - t0
    params = ClusterParams.default()
    t1 = time.perf_counter()
    stories = cluster(docs, params)
    t_cluster = time.perf_counter() - t1
    # ECB+ puts two events of one kind, often years apart, in one topic; our shipped time
    # windows (product policy) split those. Same weights with windows of 1 / 10 years (the
    # storyline time scale follows its window, as in eval/tune_events.py):
    long_params = params.replace(
        event_window_days=365, storyline_window_days=3650, storyline_time_scale_days=3650.0
    )
    long_stories = cluster(docs, long_params)
    ids = [d.id for d in docs]
    gold = {"event": [d.subtopic for d in raw], "storyline": [str(d.topic) for d in raw]}
    base_thr = baseline_thresholds()

    # Order effects: the same docs fed one call each, in a shuffled order (one call with
    # them all would be sorted into the batch order).
    from parallax.stories.index import StoryIndex

    shuffled = list(docs)
    random.Random(0).shuffle(shuffled)
    inc = StoryIndex(None, params)
    for doc in shuffled:
        inc.add([doc])
    inc_stories = inc.stories()

    split = f"ECB+ test topics {topics[0]}-{topics[-1]}"
    dated = sum(d.date is not None for d in docs)
    note = f"{len(docs)} docs, {dated} with a parsed date; params: {params.provenance}"
    results: list[EvalResult] = []
    for level in ("event", "storyline"):
        pred = labels_from(stories, ids, level)
        n_pred = len(set(pred))
        for name, fn in (("B-cubed", bcubed), ("pairwise", pairwise)):
            p, r, f = fn(pred, gold[level])
            extra: dict[str, Any] = {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "clusters": n_pred,
                "gold_clusters": len(set(gold[level])),
                "feature_seconds": round(t_feat, 2),
                "cluster_seconds": round(t_cluster, 3),
            }
            lp, lr, lf = fn(labels_from(long_stories, ids, level), gold[level])
            extra.update(
                long_windows_precision=round(lp, 4),
                long_windows_recall=round(lr, 4),
                long_windows_f1=round(lf, 4),
            )
            thr = base_thr.get(level)
            if thr is not None:
                extra.update(baseline_extra(fn, docs, gold[level], thr, "topics 1-35"))
            results.append(
                EvalResult(
                    "events",
                    f"{level} {name} F1",
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
        agree = bcubed(labels_from(inc_stories, ids, level), pred)[2]
        results.append(
            EvalResult(
                "events",
                f"{level} incremental-vs-batch agreement (B-cubed F1)",
                round(agree, 4),
                None,
                "internal consistency, no reference",
                split,
                len(docs),
                0.0,
                "incremental over a seeded shuffle vs batch (date order)",
            )
        )
    return results


if __name__ == "__main__":  # pragma: no cover - manual use: python -m parallax.evaluation.events
    import sys

    from parallax.evaluation import default_data_dir

    lim = int(sys.argv[1]) if len(sys.argv) > 1 else None
    for res in run(default_data_dir(), lim):
        print(f"{res.metric:55s} {res.ours:.3f}  {json.dumps(res.extra)}")
