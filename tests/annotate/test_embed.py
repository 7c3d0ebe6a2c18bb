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
