"""Sentence and article embeddings (all-MiniLM-L6-v2), cached in the store by content hash.

Article vectors embed the title plus the lead sentences (first three): news puts the
who/what/when up front, and the tail of a scraped article is where cruft and
background live, so the lead is a cleaner signal for clustering than the mean of
all sentences and costs one encoder call per article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from parallax.models import AnnotatedArticle
from parallax.store import Store

KIND = "minilm"
DIM = 384
LEAD_SENTENCES = 3


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_texts(
    texts: Sequence[str], store: Store | None = None, batch_size: int = 64
) -> np.ndarray:
    """L2-normalised float32 rows, one per text; cached vectors are reused, new ones stored."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    keys = [text_key(t) for t in texts]
    cached = store.get_vectors(KIND, keys) if store is not None else {}
    todo = list(dict.fromkeys(k for k in keys if k not in cached))
    if todo:
        from parallax.nlp import sentence_encoder

        first = {k: t for k, t in zip(keys, texts, strict=True)}
        new = (
            sentence_encoder()
            .encode(
                [first[k] for k in todo],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            .astype(np.float32)
        )
        fresh = dict(zip(todo, new, strict=True))
        if store is not None:
            store.put_vectors(KIND, fresh)
        cached = {**cached, **fresh}
    out = np.stack([cached[k] for k in keys]).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def sentence_vectors(
    annotated: Sequence[AnnotatedArticle], store: Store | None = None
) -> list[np.ndarray]:
    """Per article, one row per Sentence (in order); one encoder pass over all articles."""
    texts = [s.text for a in annotated for s in a.sentences]
    flat = embed_texts(texts, store)
    out, i = [], 0
    for a in annotated:
        n = len(a.sentences)
        out.append(flat[i : i + n])
        i += n
    return out


def lead_text(ann: AnnotatedArticle) -> str:
    lead = " ".join(s.text for s in ann.sentences[:LEAD_SENTENCES])
    return f"{ann.article.title}\n{lead}".strip()


def article_vectors(
    annotated: Sequence[AnnotatedArticle], store: Store | None = None
) -> np.ndarray:
    """One normalised row per article: the embedding of its title plus lead sentences."""
    return embed_texts([lead_text(a) for a in annotated], store)
