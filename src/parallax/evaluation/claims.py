"""Cross-outlet claim comparison scored on ClaimDiff (Ko et al. 2023), test split.

ClaimDiff labels a pair of claims from two outlets on one topic as: B
*strengthens* A (ClaimDiff-S relation=1), B *weakens* A (ClaimDiff-W
relation=1), or neither (both 0; the two files hold the same pairs). Parallax
makes no such judgement directly, so we map its outputs onto the labels:

- alignment -> strengthen: the pair would join one Fact (`align.same_statement`
  on any claim of A with any claim of B) = "B supports A";
- typed conflict -> weaken: `conflicts.find_conflicts` reports any conflict
  between the two one-claim articles = "B undermines A";
- 3-way: conflict -> weaken, else aligned -> strengthen, else neither.

These are crude proxies: ClaimDiff's "weaken" includes subtle shifts of
emphasis our precise detectors deliberately ignore, and its "strengthen"
includes supporting evidence that is not the same statement. Scores are
reported as they come, next to the majority-class baseline from the same run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.evaluation import EvalResult

TASK = "claims"
NO_REFERENCE = (
    "none: ClaimDiff reports model accuracy on its own task framing, not on these mappings"
)


@dataclass(frozen=True)
class PairResult:
    aligned: bool
    kinds: frozenset[str]
    cosine: float


def _article(text: str, outlet: str):  # type: ignore[no-untyped-def]
    from parallax.models import Article

    aid = hashlib.sha256(f"{outlet}:{text}".encode()).hexdigest()[:16]
    return Article(
        aid, f"{outlet}:{aid}", outlet, "eval", "", None, dt.date(2020, 1, 1), "eval", "en",
        text, ((0, len(text)),),
    )  # fmt: skip


def predict_pairs(pairs: Sequence[tuple[str, str]]) -> list[PairResult]:
    """Run each (A, B) text pair through annotate -> claims -> align/conflicts as two
    one-article outlets; texts are annotated and embedded once each, in one batch."""
    from parallax.annotate.core import annotate
    from parallax.compare.align import embed_claims, same_statement, sentence_lookup
    from parallax.compare.claims import extract_claims
    from parallax.compare.conflicts import find_conflicts

    arts: dict[str, Any] = {}
    for a, b in pairs:
        for text, outlet in ((a, "Outlet A"), (b, "Outlet B")):
            art = _article(text, outlet)
            arts.setdefault(art.id, art)
    ann = {x.id: x for x in annotate(list(arts.values()))}
    units = extract_claims(list(ann.values()))
    vecs = embed_claims(units, list(ann.values()))
    by_art: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_art.setdefault(u.article_id, []).append(i)
    sent = sentence_lookup(list(ann.values()))
    out = []
    for a, b in pairs:
        ia, ib = _article(a, "Outlet A").id, _article(b, "Outlet B").id
        best, aligned = 0.0, False
        for i in by_art.get(ia, []):
            for j in by_art.get(ib, []):
                cos = float(vecs[i] @ vecs[j])
                best = max(best, cos)
                aligned = aligned or same_statement(units[i], units[j], cos)
        pair_units = [units[k] for k in by_art.get(ia, []) + by_art.get(ib, [])]
        kinds = {c.kind for c in find_conflicts([ann[ia], ann[ib]], pair_units, sent)}
        out.append(PairResult(aligned, frozenset(kinds), best))
    return out


def _prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "accuracy": acc, "tp": tp, "fp": fp, "fn": fn}


def load(data_dir: Path, limit: int | None = None) -> list[dict]:
    """Test pairs with both labels: label = strengthen | weaken | neither."""
    base = Path(data_dir) / "claimdiff"
    strong = json.loads((base / "ClaimDiff-S" / "ClaimDiff-strength-test.json").read_text())["data"]
    weak = {
        x["pair_id"]: x["relation"]
        for x in json.loads((base / "ClaimDiff-W" / "ClaimDiff-weak-test.json").read_text())["data"]
    }
    rows = []
    for x in strong:
        w = weak.get(x["pair_id"], 0)
        label = "strengthen" if x["relation"] == 1 else "weaken" if w == 1 else "neither"
        rows.append({"a": x["claim_a"], "b": x["claim_b"], "label": label, "id": x["pair_id"]})
    return rows[:limit] if limit else rows


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Score the three mappings and the majority-class baseline on ClaimDiff test."""
    t0 = time.perf_counter()
    try:
        rows = load(data_dir, limit)
    except (OSError, KeyError, ValueError) as exc:
        return [
            EvalResult(TASK, "ClaimDiff unavailable", float("nan"), None, str(exc), "test", 0, 0.0)
        ]
    preds = predict_pairs([(r["a"], r["b"]) for r in rows])
    secs = time.perf_counter() - t0
    labels = [r["label"] for r in rows]
    ours3 = ["weaken" if p.kinds else "strengthen" if p.aligned else "neither" for p in preds]
    majority = max(set(labels), key=labels.count)
    res = []

    def add(metric: str, value: float, notes: str, extra: dict) -> None:
        res.append(
            EvalResult(
                TASK,
                metric,
                round(value, 4),
                None,
                NO_REFERENCE,
                "test",
                len(rows),
                round(secs, 1),
                notes,
                extra,
            )
        )

    al = _prf([x == "strengthen" for x in labels], [p.aligned for p in preds])
    base_al = _prf([x == "strengthen" for x in labels], [majority == "strengthen"] * len(rows))
    add("aligned->strengthen F1", al["f1"], "our same-fact alignment as 'B strengthens A'", al)
    add("majority baseline: strengthen F1", base_al["f1"], f"always '{majority}'", base_al)
    cf = _prf([x == "weaken" for x in labels], [bool(p.kinds) for p in preds])
    base_cf = _prf([x == "weaken" for x in labels], [majority == "weaken"] * len(rows))
    kinds: dict[str, int] = {}
    for p in preds:
        for k in p.kinds:
            kinds[k] = kinds.get(k, 0) + 1
    add(
        "conflict->weaken F1",
        cf["f1"],
        "any typed conflict as 'B weakens A'",
        {**cf, "kinds": kinds},
    )
    add("majority baseline: weaken F1", base_cf["f1"], f"always '{majority}'", base_cf)
    acc3 = sum(a == b for a, b in zip(labels, ours3, strict=True)) / max(1, len(rows))
    macro = (
        sum(
            _prf([x == c for x in labels], [y == c for y in ours3])["f1"]
            for c in ("strengthen", "weaken", "neither")
        )
        / 3
    )
    base_macro = _prf([x == majority for x in labels], [True] * len(rows))["f1"] / 3
    add(
        "3-way accuracy",
        acc3,
        "conflict->weaken, aligned->strengthen, else neither",
        {"macro_f1": macro},
    )
    add(
        "majority baseline: 3-way accuracy",
        labels.count(majority) / max(1, len(rows)),
        f"always '{majority}'",
        {"macro_f1": base_macro},
    )
    return res
