"""The learned verifier: a random forest (or logistic regression) over candidate features.

Trained by eval/train_verifier.py on the TUNE split of eval/data/comparison only (real
cross-outlet pairs from BASIL, NeuS/AllSides and ClaimDiff, labelled by the team); the
coefficients ship as resources/comparison/verifier.json (numbers only, no text). Its
probability is the confidence shown; `CompareSettings.verifier_threshold` decides what is
shown. With `use_verifier = False` each rule's prior is used instead (rules-only fallback).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from parallax.compare.conflicts import KINDS, Candidate
from parallax.compare.settings import CompareSettings

FEATURES = (
    "cosine", "entity_jaccard", "lemma_jaccard", "both_own_voice", "same_attribution",
    "stance_differs", "disputed_any", "negation_differs", "time_cue", "date_gap_log",
    "length_ratio", "slot_match", "slot_gap", "changed_words", "context_jaccard",
    "holder_differs", "holder_same", "verb_same", "prior",
    *(f"kind={k}" for k in KINDS),
)  # fmt: skip


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float  # calibrated probability that the pair is a real contradiction of its kind
    shown: bool


def vector(c: Candidate) -> list[float]:
    """The candidate's features in FEATURES order (missing ones are 0)."""
    f = dict(c.features)
    f["prior"] = c.prior
    f[f"kind={c.kind}"] = 1.0
    return [float(f.get(name, 0.0)) for name in FEATURES]


@lru_cache(maxsize=1)
def model() -> dict[str, Any] | None:
    """The shipped coefficients, or None when absent (then rules only)."""
    try:
        path = resources.files("parallax").joinpath("resources", "comparison", "verifier.json")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None
    if tuple(data.get("features", ())) != FEATURES:
        return None  # trained on another feature set: retrain rather than guess
    return dict(data)


def probabilities(x: np.ndarray, m: dict[str, Any]) -> np.ndarray:
    """The model's probability per row of raw features (n, len(FEATURES)): a logistic
    regression, or the mean leaf probability of a random forest exported as arrays (walked
    here, all rows at once per tree, so the product loads numbers, never a pickle)."""
    xs = (x - np.asarray(m["mean"])) / np.where(np.asarray(m["scale"]) == 0, 1.0, m["scale"])
    if m.get("model") != "forest":
        z = m["intercept"] + xs @ np.asarray(m["coef"])
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))))
    rows = np.arange(len(xs))
    total = np.zeros(len(xs))
    for feature, threshold, left, right, prob in _tree_arrays(m):
        node = np.zeros(len(xs), dtype=np.int64)
        inner = left[node] != -1
        while inner.any():
            go_left = xs[rows, feature[node]] <= threshold[node]
            node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            inner = left[node] != -1
        total += prob[node]
    return total / max(1, len(m["trees"]))


def _tree_arrays(m: dict[str, Any]) -> list[tuple[np.ndarray, ...]]:
    if "_arrays" not in m:  # converted once per loaded model
        keys = ("feature", "threshold", "left", "right", "prob")
        m["_arrays"] = [tuple(np.asarray(t[k]) for k in keys) for t in m["trees"]]
        for arrays in m["_arrays"]:
            arrays[0][arrays[0] < 0] = 0  # leaves carry feature -2: any valid column
    return list(m["_arrays"])


def verify(cands: Sequence[Candidate], cfg: CompareSettings | None = None) -> list[Scored]:
    """Score every candidate; `shown` = above the threshold the tune split chose."""
    cfg = cfg or CompareSettings()
    m = model() if cfg.use_verifier else None
    if m is None:
        return [Scored(c, c.prior, c.prior >= cfg.rules_only_threshold) for c in cands]
    if not cands:
        return []
    probs = probabilities(np.array([vector(c) for c in cands], dtype=np.float64), m)
    return [
        Scored(c, float(p), bool(p >= cfg.verifier_threshold))
        for c, p in zip(cands, probs, strict=True)
    ]


def with_threshold(cfg: CompareSettings, threshold: float) -> CompareSettings:
    return dataclasses.replace(cfg, verifier_threshold=threshold)
