"""Train the sentence bias model on BABE and write src/parallax/resources/bias_model.json.

Usage: python eval/train_bias.py [--data ../shared/data] [--out src/parallax/resources/bias_model.json]

Uses the same `featurize` + `fit` as `parallax eval loaded_language` (which
cross-validates them), so the shipped weights are the evaluated recipe trained on
all of BABE SG2. Output is plain JSON: no pickle.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from parallax.compare.bias_model import ALL_FEATURES, DEFAULT_C, featurize, fit
from parallax.evaluation import default_data_dir
from parallax.evaluation.loaded_language import provenance, read_babe
from parallax.nlp import EMBEDDING_MODEL, SPACY_MODEL

DEFAULT_OUT = (
    Path(__file__).resolve().parents[1] / "src" / "parallax" / "resources" / "bias_model.json"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    X = featurize(babe.texts)
    model = fit(X, babe.labels, features=ALL_FEATURES, C=args.C)
    payload = model.to_json()
    payload["provenance"] = {
        **provenance(babe),
        "embedding_model": EMBEDDING_MODEL,
        "spacy_model": SPACY_MODEL,
        "trained_by": "eval/train_bias.py",
    }
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(babe.texts)} sentences, {time.perf_counter() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
