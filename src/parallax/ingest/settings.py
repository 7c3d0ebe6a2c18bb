"""Ingest limits. Policy values (no data tunes them); each says why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestSettings:
    max_article_bytes: int = 5 * 1024 * 1024  # policy: one article's text or HTML file
    min_words: int = 40  # policy: below this a page is a stub, not an article
