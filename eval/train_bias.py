"""Train the sentence bias model on BABE: src/parallax/resources/framing/sentence_babe/model.json.

Usage: python eval/train_bias.py [--data ../shared/data] [--out PATH]

Same recipe `parallax eval loaded_language` cross-validates: MiniLM embedding +
lexicon counts + word-tagger aggregates, standardised logistic regression. The
tagger columns of the training rows are out-of-fold (inner 3-fold) so the model
learns how much to trust the tagger on words it has not seen; at run time they
come from the shipped BABE tagger (train it first: eval/train_tagger.py).
Output is plain JSON: no pickle.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from parallax.compare.bias_model import ALL_FEATURES, DEFAULT_C, TAGGER_FEATURES, featurize, fit
from parallax.evaluation import default_data_dir
from parallax.evaluation.loaded_language import babe_tokens, oof_tagger_rows, provenance, read_babe
from parallax.nlp import EMBEDDING_MODEL, SPACY_MODEL, spacy_nlp

DEFAULT_OUT = (
    Path(__file__).resolve().parents[1] / "src/parallax/resources/framing/sentence_babe/model.json"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="folder holding babe/ (../shared/data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--C", type=float, default=DEFAULT_C)
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
    X = featurize(babe.texts, docs, tagger_rows=tag)
    assert X.shape[1] == len(ALL_FEATURES) and tag.shape[1] == len(TAGGER_FEATURES)
    model = fit(X, babe.labels, features=ALL_FEATURES, C=args.C)
    payload = model.to_json()
    payload["provenance"] = {
        **provenance(babe),
        "embedding_model": EMBEDDING_MODEL,
        "spacy_model": SPACY_MODEL,
        "trained_by": "eval/train_bias.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(babe.texts)} sentences, {time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
