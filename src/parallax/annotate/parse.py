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
