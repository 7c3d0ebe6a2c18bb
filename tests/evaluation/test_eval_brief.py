"""NeuS brief evaluation: parsing, the framing-bias metric, and a small real run."""

from __future__ import annotations

import pytest

from conftest import DATA
from parallax.evaluation.brief import SPLIT_DIR, framing_bias, parse_source, run, target_text


def test_parse_source_and_target():
    line = "TITLE=> A b. ARTICLE=> One two. [SEP] TITLE=> C. ARTICLE=> Three. [SEP] TITLE=> D. ARTICLE=> Four."
    assert parse_source(line) == [("A b.", "One two."), ("C.", "Three."), ("D.", "Four.")]
    assert target_text("TITLE=> Roundup. ARTICLE=> Calm words.") == "Roundup. Calm words."


@pytest.mark.slow
def test_framing_bias_counts_only_polar_words_missing_from_the_reference():
    vad = {"brutal": (0.1, 0.9), "attack": (0.2, 0.8), "wonderful": (0.9, 0.7), "table": (0.5, 0.2)}
    gens = ["A brutal attack at the wonderful table", "attack"]
    refs = ["An attack at the table", "attack"]
    scores = framing_bias(gens, refs, vad)
    assert scores["arousal-"] == pytest.approx(0.9 / 2)  # brutal only; attack is in ref
    assert scores["arousal+"] == pytest.approx(0.7 / 2)
    assert scores["arousal sum"] == pytest.approx(1.6 / 2)


@pytest.mark.slow
def test_small_real_run_scores_ours_next_to_the_lead_baselines():
    if not (DATA / SPLIT_DIR / "test.source").is_file():
        pytest.fail(f"NeuS data not found under {DATA}")
    results = run(DATA, limit=4)
    by = {r.metric: r for r in results}
    for system in ("ours (brief summary)", "baseline lead 1", "baseline lead 2", "baseline lead 3"):
        for metric in ("rouge1", "rouge2", "rougeL", "arousal+", "arousal-", "arousal sum"):
            r = by[f"{metric} [{system}]"]
            assert r.items == 4 and r.split == "NeuS test"
            assert r.ours >= 0
    assert 0.1 < by["rouge1 [ours (brief summary)]"].ours < 0.9
    assert 0.1 < by["rouge1 [baseline lead 1]"].ours < 0.9
    assert "fallback" in by["rouge1 [ours (brief summary)]"].notes
