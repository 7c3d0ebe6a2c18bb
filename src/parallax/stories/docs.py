"""Story clustering: articles -> storylines ▸ events, incremental and batch.

Every article is compared with the *centroids* of recent stories (never with
all stored articles) on four signals: embedding cosine, rarity-weighted
entity overlap (TF-IDF cosine), title similarity (rapidfuzz) and time
proximity. The two levels combine them differently (cluster_index.Signals):
events by a weighted mean, storylines by content damped by the time gap.
Event parameters are tuned on ECB+ topics 1-35, storyline ones on ECB+ and the
AllSides stream's early months, by eval/tune_events.py, and read from
resources/cluster_params.json. See docs/clustering.md for the algorithm and
its order effects.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from parallax.models import UNKNOWN, AnnotatedArticle

# Entity labels that identify *who/what/where* a story is about. Dates and
# numbers are left to the time signal (and would make unrelated stories look alike).
ENTITY_LABELS = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
)


@dataclass(frozen=True, eq=False)
class ClusterDoc:
    """What clustering needs to know about one article (plain inputs, no models)."""

    id: str
    vector: np.ndarray  # L2-normalised float32 article embedding
    entities: tuple[tuple[str, str], ...] = ()  # (label, canonical)
    date: dt.date | None = None  # published, or inferred from the text; None = unknown
    title: str = ""
    outlet: str = UNKNOWN


@dataclass(frozen=True)
class ClusterParams:
    """Weights of the four signals, the time rule of each level and the two thresholds."""

    w_cos: float = 0.6
    w_ent: float = 0.2
    w_title: float = 0.1
    w_time: float = 0.1
    event_threshold: float = 0.55
    storyline_threshold: float = 0.45
    event_window_days: int = 7
    storyline_window_days: int = 30
    time_scale_days: float = 3.0  # event time signal = exp(-gap / scale)
    storyline_time_scale_days: float = 30.0  # storyline damping uses exp(-gap / this)
    storyline_damping: float = 0.5  # share of a storyline score that the time gap can remove
    candidates: int = 20  # nearest centroids scored per level
    max_active: int = 20000  # cap on searchable stories per level (LRU beyond the window)
    provenance: str = "defaults (untuned)"

    @classmethod
    def default(cls) -> ClusterParams:
        """The tuned parameters shipped in resources/cluster_params.json, else the defaults."""
        return _shipped_params()

    def time_signal(self, gap_days: int | None, level: str) -> float | None:
        """exp(-gap / the level's time scale); None when the gap is unknown."""
        if gap_days is None:
            return None
        scale = self.time_scale_days if level == "event" else self.storyline_time_scale_days
        return math.exp(-gap_days / max(scale, 1e-6))

    def replace(self, **changes: Any) -> ClusterParams:
        data = asdict(self)
        data.update(changes)
        return ClusterParams(**data)


@lru_cache(maxsize=1)
def _shipped_params() -> ClusterParams:
    try:
        raw = json.loads(
            resources.files("parallax").joinpath("resources/cluster_params.json").read_text("utf-8")
        )
    except (FileNotFoundError, OSError, ValueError):
        return ClusterParams()
    known = {f.name for f in fields(ClusterParams)}
    params = {k: v for k, v in raw.get("params", {}).items() if k in known}
    params["provenance"] = str(raw.get("provenance", "resources/cluster_params.json"))
    return ClusterParams(**params)


# ---------------------------------------------------------------- adapters


def doc_date(ann: AnnotatedArticle) -> dt.date | None:
    """Published date, else the anchor the annotator inferred, else None (unknown)."""
    if ann.article.published:
        return ann.article.published
    for t in ann.times:
        if t.anchor is not None:
            return t.anchor
    return None


def docs_from_annotated(
    annotated: Sequence[AnnotatedArticle], vectors: np.ndarray
) -> list[ClusterDoc]:
    """Adapter from the annotation stage (entities, dates) plus `embed.article_vectors`."""
    out = []
    for ann, vec in zip(annotated, np.asarray(vectors, dtype=np.float32), strict=True):
        ents = tuple(
            dict.fromkeys((m.label, m.canonical) for m in ann.mentions if m.label in ENTITY_LABELS)
        )
        out.append(
            ClusterDoc(
                ann.id, _unit(vec), ents, doc_date(ann), ann.article.title, ann.article.outlet
            )
        )
    return out


def _unit(vec: Any) -> np.ndarray:
    v = np.asarray(vec, dtype=np.float32).reshape(-1)
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


# ---------------------------------------------------------------- API


def order_key(doc: ClusterDoc) -> tuple[bool, dt.date, str]:
    """Canonical batch order: dated articles by date (then id), undated ones last (by id)."""
    return (doc.date is None, doc.date or dt.date.min, doc.id)
