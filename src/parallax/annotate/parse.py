"""The one parse: spaCy over article texts, and its compact storage as DocBin bytes.

Every later stage reads `AnnotatedArticle.doc` (tokens with POS, dependencies, lemmas,
entities and sentence boundaries); nothing parses text again. `parse_texts` is the
only place spaCy's pipeline runs on article text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from parallax.nlp import spacy_nlp

# Stored layers: enough for sentences, entities, dependency clauses and lemmas.
_ATTRS = ["ORTH", "SPACY", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE"]


def parse_texts(texts: Sequence[str], batch_size: int = 16, n_process: int = 1) -> Iterator[Any]:
    """spaCy Docs for `texts`, batched; texts longer than spaCy's limit are cut there."""
    if not texts:
        return iter(())
    nlp = spacy_nlp()
    limit = nlp.max_length - 1
    clean = [t[:limit] if isinstance(t, str) else "" for t in texts]
    return iter(nlp.pipe(clean, batch_size=batch_size, n_process=n_process))


def parse_articles(
    texts: Sequence[str], titles: Sequence[str], batch_size: int = 16, n_process: int = 1
) -> Iterator[tuple[Any, Any]]:
    """(body Doc, headline Doc) per article from ONE `nlp.pipe` call (headlines ride along).

    Headlines are not part of `Article.text`; framing scores them like body text, so
    they are parsed here, in the same pass, instead of later on their own.
    """
    interleaved = [t for pair in zip(texts, titles, strict=True) for t in pair]
    docs = parse_texts(interleaved, batch_size, n_process)
    return iter(zip(docs, docs, strict=False))


@lru_cache(maxsize=1)
def _vocab() -> Any:
    """An English vocabulary for restoring stored parses (no pipeline load needed)."""
    import spacy

    return spacy.blank("en").vocab


def doc_to_bytes(doc: Any) -> bytes:
    from spacy.tokens import DocBin

    bin_ = DocBin(attrs=_ATTRS, store_user_data=False)
    bin_.add(doc)
    return bytes(bin_.to_bytes())


def doc_from_bytes(data: bytes) -> Any:
    from spacy.tokens import DocBin

    return next(iter(DocBin().from_bytes(data).get_docs(_vocab())))
