"""BABE loaded-language eval on a stratified subset: the CI fast path of `parallax eval`."""

from __future__ import annotations

import pytest

from conftest import DATA

pytestmark = pytest.mark.slow

LIMIT = 600
# Measured on this subset: see docs/framing.md. Floors are those minus a margin.
FLOOR_FULL = 0.68  # measured 0.728
FLOOR_LEXICON = 0.55  # measured 0.603


def test_babe_subset_scores_above_floor() -> None:
    from parallax.evaluation.loaded_language import run

    if not (DATA / "babe" / "data" / "final_labels_SG2.csv").is_file():
        pytest.fail(f"BABE not found under {DATA}; set PARALLAX_SHARED")
    results = run(DATA, limit=LIMIT)
    by = {r.metric: r for r in results}
    full = by["sentence bias macro-F1 (MiniLM embeddings + lexicons)"]
    lex = by["sentence bias macro-F1 (lexicon features only (baseline))"]
    words = by["biased-word F1 (loaded_terms tokens vs BABE biased_words)"]
    assert full.items == LIMIT and full.reference == 0.804
    assert len(full.extra["per_fold"]) == 5
    assert full.ours >= FLOOR_FULL
    assert lex.ours >= FLOOR_LEXICON
    assert full.ours > lex.ours  # the embeddings add something over the word lists
    assert 0 < words.items < LIMIT
    assert words.extra["precision"] > 0.3  # flagged words are mostly ones BABE marks
