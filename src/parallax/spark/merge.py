"""Merge the stories that Spark's blocking split: same signals, same thresholds as clustering.

Inside one block (time window x LSH bucket) stories come from `cluster.cluster`
unchanged. A story can still span blocks: its articles fell on both sides of a
window boundary or a random hyperplane. Here every block story is scored against
the nearest stories of the same level from *other* blocks with the product's own
combination (`cluster_index.Signals.score`: embedding cosine of centroids,
TF-IDF entity cosine, title similarity, time proximity, combined each level's
way) and merged when the score passes that level's threshold and the time gap
is within the level's window.
Decisions made inside a block are never undone. Merged events pull their
storylines together, so every event still sits inside one storyline.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from parallax.models import Story
from parallax.stories import ClusterParams

TOP_ENTITIES = 10


class _UnionFind:
    def __init__(self, items: Sequence[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def _date(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(v)[:10]) if v else None


def _gap(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    if not (a["ds"] and b["ds"]):
        return None
    if a["de"] < b["ds"]:
        return (b["ds"] - a["de"]).days
    if b["de"] < a["ds"]:
        return (a["ds"] - b["de"]).days
    return 0


def _clean_title(title: str) -> str:
    """The clustering's own title normalisation (one rule for both paths)."""
    from parallax.stories.index import _clean_title as clean

    return str(clean(title))


def merge_block_stories(
    rows: Sequence[dict[str, Any]], params: ClusterParams | None = None
) -> tuple[list[Story], int]:
    """Block stories (rows of stages.BLOCK_STORY_COLUMNS) -> final stories, and merges made."""
    from parallax.stories.index import Signals

    p = params or ClusterParams.default()
    items = []
    for r in rows:
        items.append(
            {
                **r,
                "ds": _date(r["date_start"]),
                "de": _date(r["date_end"]),
                "counts": Counter(json.loads(r["entity_counts"] or "{}")),
                "clean": _clean_title(r["title"] or ""),
                "vec": np.asarray(r["centroid"], dtype=np.float32),
            }
        )
    by_id = {it["id"]: it for it in items}
    uf = _UnionFind(list(by_id))
    merges = 0
    events = [it for it in items if it["level"] == "event"]
    n_docs = sum(it["n"] for it in events) or 1
    df: Counter[str] = Counter()
    for it in events:
        df.update(it["counts"])

    def idf(name: str) -> float:
        return math.log((n_docs + 1) / (df.get(name, 0) + 1)) + 1.0

    def ent_cos(a: Counter[str], b: Counter[str]) -> float | None:
        if not a or not b:
            return None
        va = {k: v * idf(k) for k, v in a.items()}
        vb = {k: v * idf(k) for k, v in b.items()}
        dot = sum(w * vb.get(k, 0.0) for k, w in va.items())
        na = math.sqrt(sum(w * w for w in va.values()))
        nb = math.sqrt(sum(w * w for w in vb.values()))
        return dot / (na * nb) if na and nb else 0.0

    for level, window, threshold in (
        ("event", p.event_window_days, p.event_threshold),
        ("storyline", p.storyline_window_days, p.storyline_threshold),
    ):
        group = [it for it in items if it["level"] == level]
        if len({it["block"] for it in group}) < 2:
            continue
        mat = np.stack([it["vec"] for it in group])
        k = min(p.candidates + 1, len(group))
        seen: set[tuple[str, str]] = set()
        for start in range(0, len(group), 2048):  # chunked: memory stays rows x 2048
            sims = mat[start : start + 2048] @ mat.T
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for off, cands in enumerate(top):
                a = group[start + off]
                for j in cands.tolist():
                    b = group[j]
                    pair = (min(a["id"], b["id"]), max(a["id"], b["id"]))
                    if b["block"] == a["block"] or pair in seen:
                        continue  # each cross-block pair once; within-block is cluster()'s call
                    seen.add(pair)
                    gap = _gap(a, b)
                    if gap is not None and gap > window:
                        continue
                    title = (
                        fuzz.token_set_ratio(a["clean"], b["clean"]) / 100.0
                        if a["clean"] and b["clean"]
                        else None
                    )
                    time_sig = p.time_signal(gap, level)
                    sig = Signals(
                        float(sims[off, j]), ent_cos(a["counts"], b["counts"]), title, time_sig
                    )
                    if sig.score(level, p) >= threshold and uf.union(a["id"], b["id"]):
                        merges += 1
        if level == "event":  # an event lives in one storyline: merged events join their storylines
            for it in group:
                root = by_id[uf.find(it["id"])]
                if (
                    it["parent_id"]
                    and root["parent_id"]
                    and uf.union(it["parent_id"], root["parent_id"])
                ):
                    merges += 1
    return _final_stories(items, uf), merges


def _final_stories(items: list[dict[str, Any]], uf: _UnionFind) -> list[Story]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        groups.setdefault(uf.find(it["id"]), []).append(it)
    # the representative of a group: its biggest part (ties: smallest id) names and labels it
    rep = {root: min(parts, key=lambda x: (-x["n"], x["id"])) for root, parts in groups.items()}
    stories = []
    for root, parts in groups.items():
        head = rep[root]
        parts = sorted(parts, key=lambda x: (x["ds"] or dt.date.min, x["id"]))
        ids = list(dict.fromkeys(a for x in parts for a in x["article_ids"]))
        counts: Counter[str] = Counter()
        for x in parts:
            counts.update(x["counts"])
        starts = [x["ds"] for x in parts if x["ds"]]
        ends = [x["de"] for x in parts if x["de"]]
        if len(parts) == 1:
            entities = tuple(head["entities"])
        else:
            entities = tuple(
                n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES]
            )
        parent = rep[uf.find(head["parent_id"])]["id"] if head["parent_id"] else None
        stories.append(
            Story(
                id=head["id"],
                level=head["level"],
                label=head["label"],
                article_ids=tuple(ids),
                outlets=tuple(dict.fromkeys(o for x in parts for o in x["outlets"])),
                date_start=min(starts) if starts else None,
                date_end=max(ends) if ends else None,
                parent_id=parent,
                entities=entities,
            )
        )
    stories.sort(key=lambda s: (s.level != "storyline", s.date_start or dt.date.min, s.id))
    return stories
