"""Stage 2, annotate: one spaCy pass per article -> sentences, entities, titles, quotes, dates,
numbers and the stored parse; sentence and article vectors (cached by content hash)."""

from parallax.annotate.core import ANNOTATOR_VERSION, annotate
from parallax.annotate.embed import article_vectors, embed_texts, sentence_vectors
from parallax.annotate.entities import resolve_entities

__all__ = [
    "ANNOTATOR_VERSION",
    "annotate",
    "article_vectors",
    "embed_texts",
    "resolve_entities",
    "sentence_vectors",
]
