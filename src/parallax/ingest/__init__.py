"""Stage 1, ingest: files, folders, HTML, JSONL and sidecars -> Article, with one-line problems."""

from parallax.ingest.core import (
    IngestError,
    IngestResult,
    article_from_html,
    article_from_record,
    article_from_text,
    ingest_paths,
)

__all__ = [
    "IngestError",
    "IngestResult",
    "article_from_html",
    "article_from_record",
    "article_from_text",
    "ingest_paths",
]
