"""Loaded-language eval on a BABE subset and the basil-dev test events: `parallax eval` in CI."""

from __future__ import annotations

import pytest

from conftest import DATA

pytestmark = pytest.mark.slow

LIMIT = 600
# Measured 2026-12-03 (docs/framing.md); floors are those minus a margin. On this small
# subset the RBF SVM does not beat the logistic MiniLM recipe (0.730 vs 0.733); on all
# 3,673 sentences it does (0.806 vs 0.782), so the floor is on the subset's number.
FLOOR_FULL = 0.70  # measured 0.730 on this subset (folds 0.68-0.79)
FLOOR_MINILM = 0.70  # measured 0.733 (previous recipe, folds 0.70-0.77)
FLOOR_LEXICON = 0.55  # measured 0.600
FLOOR_SPAN_F1 = 0.09  # measured 0.107 (basil-dev test events, overlap F1; fallback 0.051)


def test_loaded_language_eval_above_floors() -> None:
    from parallax.evaluation.loaded_language import run

    if not (DATA / "babe" / "data" / "final_labels_SG2.csv").is_file():
        pytest.fail(f"BABE not found under {DATA}; set PARALLAX_SHARED")
    by = {r.metric: r for r in run(DATA, limit=LIMIT)}
    full = by["sentence bias macro-F1 (e5 + lexicons + word tagger, RBF SVM (shipped))"]
    minilm = by[
        "sentence bias macro-F1 (MiniLM + lexicons + word tagger, logistic (previous recipe))"
    ]
    lex = by["sentence bias macro-F1 (lexicon features only (baseline))"]
    assert full.items == LIMIT and full.reference == 0.804
    assert len(full.extra["per_fold"]) == 5
    assert full.ours >= FLOOR_FULL and lex.ours >= FLOOR_LEXICON and full.ours > lex.ours
    assert minilm.ours >= FLOOR_MINILM
    learned = by[
        "basil-dev own-voice lexical span F1, overlap (learned tagger (BABE-only, shipped))"
    ]
    words = by[
        "basil-dev own-voice lexical span F1, overlap (word-list fallback (Recasens subset))"
    ]
    assert learned.items == words.items > 0  # same gold spans, same process
    assert learned.ours >= FLOOR_SPAN_F1
    assert learned.ours > words.ours  # the learned tagger beats the word list
    spec = next(r for r in by.values() if r.metric.startswith("unsourced-speculation"))
    assert spec.reference is not None and spec.items > 0
