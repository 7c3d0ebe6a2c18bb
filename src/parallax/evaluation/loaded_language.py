"""Loaded language on BABE (Spinde et al. 2021): sentence bias macro-F1 and biased-word overlap.

Sentence level: 5-fold stratified CV (the paper's protocol), training fresh per fold
through `parallax.compare.bias_model.fit` on `featurize` output, the same code path
eval/train_bias.py uses for the shipped weights. The lexicon-only model (same fit,
lexicon columns only) is reported alongside so the reader sees what the embeddings add.
Word level: tokens of our `loaded_terms` vs the annotated `biased_words`, on sentences
labelled biased (micro precision/recall/F1).
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parallax.evaluation import EvalResult

BABE_FILE = Path("babe") / "data" / "final_labels_SG2.csv"
REFERENCE_F1 = 0.804
REFERENCE_SOURCE = "Spinde et al. 2021 (Findings of EMNLP), macro-F1 with 5-fold CV"
LICENCE_NOTE = (
    "BABE (Media-Bias-Group, Spinde et al. 2021) is distributed in a repository licensed "
    "AGPL-3.0 with no separate data licence; the weights contain no BABE text. "
    "Confirm terms before commercial redistribution."
)


@dataclass(frozen=True)
class Babe:
    path: Path
    sha256: str
    texts: list[str]
    labels: np.ndarray  # 1 = Biased
    biased_words: list[list[str]]


def read_babe(data_dir: Path, limit: int | None = None, seed: int = 0) -> Babe:
    """BABE SG2 without "No agreement" rows; `limit` takes a stratified random subset."""
    import pandas as pd

    path = Path(data_dir) / BABE_FILE
    raw = path.read_bytes()
    df = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    df = df[df["label_bias"].isin(["Biased", "Non-biased"])].reset_index(drop=True)
    if limit is not None and limit < len(df):
        from sklearn.model_selection import train_test_split

        df, _ = train_test_split(df, train_size=limit, stratify=df["label_bias"], random_state=seed)
        df = df.reset_index(drop=True)

    def words(cell: object) -> list[str]:
        try:
            value = ast.literal_eval(str(cell))
        except (ValueError, SyntaxError):
            return []
        return [str(w).lower() for w in value] if isinstance(value, list) else []

    return Babe(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        texts=df["text"].astype(str).tolist(),
        labels=(df["label_bias"] == "Biased").astype(int).to_numpy(),
        biased_words=[words(c) for c in df["biased_words"]],
    )


def provenance(babe: Babe) -> dict[str, object]:
    return {
        "file": f"../shared/data/{BABE_FILE.as_posix()}",
        "sha256": babe.sha256,
        "rows": len(babe.texts),
        "biased": int(babe.labels.sum()),
        "dropped": "label_bias == 'No agreement'",
        "date": dt.date.today().isoformat(),
        "licence": LICENCE_NOTE,
    }


def cross_validate(
    X: np.ndarray, y: np.ndarray, features: tuple[str, ...], folds: int = 5, seed: int = 0
) -> tuple[float, float, list[float]]:
    """Macro-F1 (pooled over folds' predictions), its std across folds, and per-fold values."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from parallax.compare.bias_model import fit

    pred = np.zeros_like(y)
    per_fold = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
        model = fit(X[train], y[train], features=features)
        p = (model.predict_proba(X[test]) >= 0.5).astype(int)
        pred[test] = p
        per_fold.append(float(f1_score(y[test], p, average="macro")))
    return float(f1_score(y, pred, average="macro")), float(np.std(per_fold)), per_fold


def word_overlap(babe: Babe) -> tuple[float, float, float, int]:
    """Micro P/R/F1 of loaded_terms tokens vs annotated biased words, biased sentences only."""
    from parallax.compare.framing import loaded_terms
    from parallax.models import Article

    tp = fp = fn = 0
    n = 0
    for text, label, gold in zip(babe.texts, babe.labels, babe.biased_words, strict=True):
        if not label:
            continue
        n += 1
        art = Article(
            id=f"babe{n}", source="babe", outlet="unknown", outlet_reason="eval",
            title="", byline=None, published=None, date_reason="eval", language="en",
            text=text, paragraphs=((0, len(text)),),
        )  # fmt: skip
        ours = {
            w.lower().strip(".,;:!?\"'“”‘’") for t in loaded_terms(art, []) for w in t.text.split()
        }
        ours.discard("")
        gold_set = set(gold)
        tp += len(ours & gold_set)
        fp += len(ours - gold_set)
        fn += len(gold_set - ours)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, n


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Sentence-level macro-F1 (full model and lexicon-only) and word-level overlap on BABE."""
    from parallax.compare.bias_model import ALL_FEATURES, LEXICON_FEATURES, featurize

    t0 = time.perf_counter()
    babe = read_babe(data_dir, limit)
    X = featurize(babe.texts)
    t_feat = time.perf_counter() - t0
    split = "5-fold stratified CV" + (f", stratified subset of {limit}" if limit else "")
    results = []
    for name, feats, ref in (
        ("MiniLM embeddings + lexicons", ALL_FEATURES, REFERENCE_F1),
        ("lexicon features only (baseline)", LEXICON_FEATURES, None),
    ):
        t = time.perf_counter()
        f1, std, per_fold = cross_validate(X, babe.labels, tuple(feats))
        results.append(
            EvalResult(
                task="loaded_language",
                metric=f"sentence bias macro-F1 ({name})",
                ours=round(f1, 4),
                reference=ref,
                reference_source=REFERENCE_SOURCE if ref else "no paper number for this baseline",
                split=split,
                items=len(babe.texts),
                seconds=round(time.perf_counter() - t + t_feat, 2),
                notes="logistic regression, trained fresh per fold with parallax.compare.bias_model.fit",
                extra={
                    "std_over_folds": round(std, 4),
                    "per_fold": [round(v, 4) for v in per_fold],
                },
            )
        )
    t = time.perf_counter()
    p, r, f, n = word_overlap(babe)
    results.append(
        EvalResult(
            task="loaded_language",
            metric="biased-word F1 (loaded_terms tokens vs BABE biased_words)",
            ours=round(f, 4),
            reference=None,
            reference_source="Spinde et al. 2021 report no word-level score for BABE",
            split="sentences labelled biased" + (f", subset of {limit}" if limit else ""),
            items=n,
            seconds=round(time.perf_counter() - t, 2),
            notes="micro over tokens; our lexicons are not trained on BABE words",
            extra={"precision": round(p, 4), "recall": round(r, 4)},
        )
    )
    return results
