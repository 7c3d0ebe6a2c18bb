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
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

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


def probability(x: Sequence[float], m: dict[str, Any]) -> float:
    """The model's probability for standardised features: a logistic regression, or the mean
    leaf probability of a random forest exported as arrays (walked here so the product
    loads numbers, never a pickle)."""
    if m.get("model") == "forest":
        xs = [
            (v - mean) / (scale or 1.0)
            for v, mean, scale in zip(x, m["mean"], m["scale"], strict=True)
        ]
        return sum(_leaf(t, xs) for t in m["trees"]) / len(m["trees"])
    z = m["intercept"]
    for v, mean, scale, w in zip(x, m["mean"], m["scale"], m["coef"], strict=True):
        z += w * (v - mean) / (scale or 1.0)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _leaf(tree: dict[str, list], xs: Sequence[float]) -> float:  # type: ignore[type-arg]
    node = 0
    while tree["left"][node] != -1:
        go_left = xs[tree["feature"][node]] <= tree["threshold"][node]
        node = tree["left"][node] if go_left else tree["right"][node]
    return float(tree["prob"][node])


def verify(cands: Sequence[Candidate], cfg: CompareSettings | None = None) -> list[Scored]:
    """Score every candidate; `shown` = above the threshold the tune split chose."""
    cfg = cfg or CompareSettings()
    m = model() if cfg.use_verifier else None
    out = []
    for c in cands:
        if m is None:
            out.append(Scored(c, c.prior, c.prior >= cfg.rules_only_threshold))
            continue
        p = probability(vector(c), m)
        out.append(Scored(c, p, p >= cfg.verifier_threshold))
    return out


def with_threshold(cfg: CompareSettings, threshold: float) -> CompareSettings:
    return dataclasses.replace(cfg, verifier_threshold=threshold)
