"""Sentence-level bias score: logistic regression over MiniLM embeddings + lexicon counts.

Trained on BABE (Spinde et al. 2021) by eval/train_bias.py; the weights ship as plain
JSON in `parallax/resources/bias_model.json` (no pickle, so they can be read and
diffed). The eval (`parallax.evaluation.loaded_language`) trains fresh per fold through
the same `featurize` + `fit` used here, so the score it reports is the score of the
shipped recipe.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from parallax.compare.lexicons import LISTS, default_matcher

MODEL_FILE = "bias_model.json"
EMBED_DIM = 384
# Lexicon features: per list, matches per sentence; plus a few surface cues of opinion.
LEXICON_FEATURES: tuple[str, ...] = (
    *(f"lex_{k}" for k in LISTS),
    "log_tokens",
    "share_adj",
    "share_adv",
    "has_quote_mark",
)
EMBED_FEATURES: tuple[str, ...] = tuple(f"emb_{i}" for i in range(EMBED_DIM))
ALL_FEATURES: tuple[str, ...] = (*EMBED_FEATURES, *LEXICON_FEATURES)
QUOTE_MARKS = set("\"“”‘’'")


def lexicon_features(docs: Sequence[Any]) -> np.ndarray:
    """Lexicon feature rows (LEXICON_FEATURES order) for spaCy Docs or Spans."""
    matcher = default_matcher()
    keys = list(LISTS)
    rows = np.zeros((len(docs), len(LEXICON_FEATURES)), dtype=np.float32)
    for i, doc in enumerate(docs):
        n = max(1, len(doc))
        for m in matcher.matches(doc):
            rows[i, keys.index(m.list_key)] += 1.0
        rows[i, len(keys)] = math.log1p(n)
        rows[i, len(keys) + 1] = sum(t.pos_ == "ADJ" for t in doc) / n
        rows[i, len(keys) + 2] = sum(t.pos_ == "ADV" for t in doc) / n
        rows[i, len(keys) + 3] = float(any(c in QUOTE_MARKS for c in doc.text))
    return rows


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 sentence embeddings (float32)."""
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    from parallax.nlp import sentence_encoder

    vecs = sentence_encoder().encode(
        list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
    )
    return np.asarray(vecs, dtype=np.float32)


def featurize(
    texts: Sequence[str],
    docs: Sequence[Any] | None = None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """Full feature matrix (ALL_FEATURES order).

    Pass spaCy docs to skip re-parsing, and precomputed all-MiniLM-L6-v2 rows (e.g.
    `parallax.annotate.embed.sentence_vectors`) to skip the encoder, the costly part.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    if docs is None:
        from parallax.nlp import spacy_nlp

        docs = list(spacy_nlp().pipe(texts, batch_size=256))
    if embeddings is None or np.shape(embeddings) != (len(texts), EMBED_DIM):
        embeddings = embed(texts)
    return np.hstack([np.asarray(embeddings, dtype=np.float32), lexicon_features(docs)])


@dataclass(frozen=True)
class BiasModel:
    """Standardise, then logistic regression. Arrays are plain lists in JSON."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    params: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(biased) per row of X, whose columns are ALL_FEATURES or self.features."""
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1] != len(self.features):
            X = X[:, [ALL_FEATURES.index(f) for f in self.features]]
        z = ((X - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "standard-scaler + logistic-regression",
            "features": list(self.features),
            "scaler_mean": [round(float(v), 8) for v in self.mean],
            "scaler_scale": [round(float(v), 8) for v in self.scale],
            "coefficients": [round(float(v), 8) for v in self.coef],
            "intercept": float(self.intercept),
            "params": self.params,
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BiasModel:
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["scaler_mean"], dtype=np.float64),
            scale=np.asarray(data["scaler_scale"], dtype=np.float64),
            coef=np.asarray(data["coefficients"], dtype=np.float64),
            intercept=float(data["intercept"]),
            params=dict(data.get("params", {})),
            provenance=dict(data.get("provenance", {})),
        )


# Chosen by 5-fold CV on BABE over C in {0.001..0.5} (flat between 0.002 and 0.01).
DEFAULT_C = 0.005


def fit(
    X: np.ndarray,
    y: np.ndarray,
    features: Sequence[str] = ALL_FEATURES,
    C: float = DEFAULT_C,
    seed: int = 0,
) -> BiasModel:
    """Train on rows of X (columns ALL_FEATURES; only `features` are used); y: 1 = biased."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    cols = [ALL_FEATURES.index(f) for f in features]
    Xs = np.asarray(X, dtype=np.float64)[:, cols]
    scaler = StandardScaler().fit(Xs)
    # three MiniLM dimensions are constant (std ~1e-33): leave them unscaled, not blown up
    scale = np.where(scaler.scale_ > 1e-6, scaler.scale_, 1.0)
    clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=seed)
    clf.fit((Xs - scaler.mean_) / scale, np.asarray(y, dtype=int))
    return BiasModel(
        features=tuple(features),
        mean=scaler.mean_,
        scale=scale,
        coef=clf.coef_[0].copy(),
        intercept=float(clf.intercept_[0]),
        params={"C": C, "class_weight": "balanced", "solver": clf.solver, "seed": seed},
    )


@lru_cache(maxsize=1)
def load_model() -> BiasModel | None:
    """The shipped model, or None when bias_model.json is missing (not trained yet)."""
    try:
        text = resources.files("parallax").joinpath("resources", MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    return BiasModel.from_json(json.loads(text))


def sentence_bias(
    texts: Sequence[str],
    docs: Sequence[Any] | None = None,
    embeddings: np.ndarray | None = None,
) -> np.ndarray:
    """P(biased) per sentence from the shipped BABE model; NaN for all if no model ships."""
    model = load_model()
    if not texts:
        return np.zeros(0, dtype=np.float64)
    if model is None:
        return np.full(len(texts), np.nan)
    return model.predict_proba(featurize(texts, docs, embeddings))
