"""Stage 2, annotate: one spaCy pass per article -> sentences, entities, titles, quotes, dates,
numbers and the stored parse; sentence and article vectors (cached by content hash).

Names are imported on first use, so importing `parallax.annotate.settings` (as
`parallax.settings` does for the CLI) pulls in no store, spaCy or dateparser.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ANNOTATOR_VERSION": "parallax.annotate.core",
    "annotate": "parallax.annotate.core",
    "article_vectors": "parallax.annotate.embed",
    "embed_texts": "parallax.annotate.embed",
    "sentence_vectors": "parallax.annotate.embed",
    "resolve_entities": "parallax.annotate.entities",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
