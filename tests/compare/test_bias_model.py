"""Sentence bias model: the stored SVM (JSON + support.npy) scores as scikit-learn's SVC does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parallax.compare import bias_model as bm

FEATS = bm.SHIPPED_FEATURES


def _data(n: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows in ALL_FEATURES order; the label depends non-linearly on two shipped columns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(bm.ALL_FEATURES))).astype(np.float32)
    a, b = bm.ALL_FEATURES.index(FEATS[0]), bm.ALL_FEATURES.index(FEATS[-1])
    y = ((X[:, a] ** 2 + X[:, b] ** 2) > 1.4).astype(int)
    return X, y


def test_svm_decision_matches_sklearn_after_a_round_trip(tmp_path: Path) -> None:
    from sklearn.svm import SVC

    X, y = _data()
    model = bm.fit(X[:200], y[:200], features=FEATS, kind="svm")
    bm.save_model(model, tmp_path)
    data = json.loads((tmp_path / bm.MODEL_FILE).read_text("utf-8"))
    support = np.load(tmp_path / bm.SUPPORT_FILE, allow_pickle=False)
    loaded = bm.BiasModel.from_json(data, support)
    assert support.dtype == np.float16 and len(loaded.coef) == len(support)

    cols = [bm.ALL_FEATURES.index(f) for f in FEATS]
    Z = (X[:, cols] - loaded.mean) / loaded.scale
    ref = SVC(C=bm.SVM_C, gamma="scale", class_weight="balanced").fit(Z[:200], y[:200])
    np.testing.assert_allclose(loaded.decision(X[200:]), ref.decision_function(Z[200:]), atol=2e-2)
    p = loaded.predict_proba(X[200:])
    assert np.all((p > 0) & (p < 1))
    # Platt slope is positive: a higher SVM score is a higher P(biased)
    assert loaded.platt[0] > 0
    order = np.argsort(loaded.decision(X[200:]))
    assert np.all(np.diff(p[order]) >= 0)


def test_logistic_recipe_still_loads_and_kind_is_checked() -> None:
    X, y = _data()
    model = bm.fit(X, y, features=FEATS, kind="logistic")
    again = bm.BiasModel.from_json(model.to_json())
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X), atol=1e-6)
    with pytest.raises(ValueError):
        bm.fit(X, y, kind="forest")


def test_featurize_skips_encoders_the_model_does_not_use(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_texts: object) -> np.ndarray:
        raise AssertionError("MiniLM ran for a model without MiniLM columns")

    monkeypatch.setattr(bm, "embed", boom)
    monkeypatch.setattr(bm, "embed_e5", lambda t: np.ones((len(t), bm.E5_DIM), np.float32))

    class Doc(list):  # enough of a spaCy Doc for the lexicon and tagger columns
        text = ""

    X = bm.featurize(["a"], docs=[Doc()], tagger_rows=np.zeros((1, 7)), features=FEATS)
    assert X.shape == (1, len(bm.ALL_FEATURES))
    assert X[0, bm.ALL_FEATURES.index("e5_0")] == 1.0 and X[0, 0] == 0.0
