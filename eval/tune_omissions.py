"""Choose the omission thresholds on the TUNE split of eval/data/comparison/omissions.jsonl.

A fact counts as stated by an outlet when a sentence of its article reaches cosine >=
`omission_stated_cosine` with one of the fact's claims, or >= `omission_stated_weak` and
shares a name or a figure with it. This grid picks the pair with the largest recall of
omissions whose tune precision is >= TARGET (else the best F0.5) and prints it, for
CompareSettings. The test split is never read.

Run: nice -n 10 python eval/tune_omissions.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.8  # policy: the omission precision target


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    from parallax.compare.settings import CompareSettings
    from parallax.evaluation.omissions import _pr, load, predict, prepare

    items = load(Path(args.shared), "tune")
    gold = [it["omitted"] for it in items]
    prep = prepare(items)
    best = None
    for strong in np.arange(0.50, 0.86, 0.02):
        for weak in np.arange(0.40, strong + 0.001, 0.05):
            cfg = dataclasses.replace(
                CompareSettings(), omission_stated_cosine=round(float(strong), 2),
                omission_stated_weak=round(float(weak), 2),
            )  # fmt: skip
            prec, rec, *_ = _pr(gold, predict(items, cfg, prep))
            if prec != prec:
                continue
            ok = prec >= TARGET
            f05 = 1.25 * prec * rec / (0.25 * prec + rec) if prec + rec else 0.0
            key = (ok, rec if ok else f05, prec, weak, strong)
            if best is None or key > best[0]:
                best = (key, round(float(strong), 2), round(float(weak), 2), prec, rec)
    assert best is not None
    _, strong, weak, prec, rec = best
    print(f"{len(items)} tune items ({sum(gold)} omitted): stated_cosine {strong}, "
          f"stated_weak {weak} -> tune precision {prec:.3f}, recall {rec:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
