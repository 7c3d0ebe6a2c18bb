"""Precision/recall of the typed conflict detectors on our labelled fixture.

tests/fixtures/contradictions.jsonl holds sentence pairs that are NOT from the
demo corpus: real ClaimDiff pairs we labelled ourselves, and real ClaimDiff
sentences we edited (or wrote on their pattern) to carry one known conflict,
plus compatible controls. Each record says which (`origin`, `source`, `note`).
Each pair becomes two one-sentence articles from two outlets and goes through
the product's own path: annotate -> extract_claims -> find_conflicts.

Run: python eval/contradictions_fixture.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "contradictions.jsonl"
KINDS = ("number", "place", "date", "polarity", "quote_wording", "name_title", "assessment")


def _article(text: str, outlet: str, key: str):  # type: ignore[no-untyped-def]
    from parallax.models import Article

    aid = hashlib.sha256(f"{key}:{text}".encode()).hexdigest()[:16]
    return Article(
        aid, key, outlet, "fixture", "", None, dt.date(2023, 1, 1), "fixture", "en", text,
        ((0, len(text)),),
    )  # fmt: skip


def load(path: Path = FIXTURE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def predict(rows: list[dict]) -> list[set[str]]:
    """Conflict kinds the product finds for each pair (one batch through the models)."""
    from parallax.annotate.core import annotate
    from parallax.compare.align import sentence_lookup
    from parallax.compare.claims import extract_claims
    from parallax.compare.conflicts import find_conflicts

    arts = []
    for r in rows:
        arts.append(_article(r["a"], "Outlet A", r["id"] + "a"))
        arts.append(_article(r["b"], "Outlet B", r["id"] + "b"))
    ann = annotate(arts)
    units = extract_claims(ann)
    vec = sentence_lookup(ann)
    out = []
    for i in range(len(rows)):
        pair = ann[2 * i : 2 * i + 2]
        ids = {a.id for a in pair}
        mine = [u for u in units if u.article_id in ids]
        out.append({c.kind for c in find_conflicts(pair, mine, vec)})
    return out


def score(rows: list[dict], predicted: list[set[str]]) -> dict[str, dict[str, float]]:
    """Per kind: precision, recall, support; plus "any" = conflict vs none."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for r, pred in zip(rows, predicted, strict=True):
        gold = r["kind"]
        for k in pred:
            (tp if k == gold else fp)[k] += 1
        if gold != "none" and gold not in pred:
            fn[gold] += 1
        is_c, said = gold != "none", bool(pred)
        tp["any"] += is_c and said
        fp["any"] += said and not is_c
        fn["any"] += is_c and not said
    table = {}
    for k in (*KINDS, "any"):
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
        rc = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else float("nan")
        table[k] = {"precision": p, "recall": rc, "tp": tp[k], "fp": fp[k], "fn": fn[k]}
    return table


def evaluate(
    path: Path = FIXTURE,
) -> tuple[dict[str, dict[str, float]], list[dict], list[set[str]]]:
    rows = load(path)
    pred = predict(rows)
    return score(rows, pred), rows, pred


def main() -> int:
    t = time.perf_counter()
    table, rows, pred = evaluate()
    print(f"{len(rows)} pairs ({Counter(r['kind'] for r in rows)})  {time.perf_counter() - t:.1f}s")
    print(f"{'kind':14} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for k, v in table.items():
        print(
            f"{k:14} {v['precision']:9.2f} {v['recall']:7.2f} {v['tp']:4d} {v['fp']:4d} {v['fn']:4d}"
        )
    if "-v" in sys.argv:
        for r, p in zip(rows, pred, strict=True):
            if (r["kind"] == "none" and p) or (r["kind"] != "none" and r["kind"] not in p):
                print(f"  {r['id']} gold={r['kind']} got={sorted(p)} :: {r['note'] or r['source']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
