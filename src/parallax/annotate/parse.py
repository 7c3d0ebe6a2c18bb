"""The one parse: spaCy over article texts, and its compact storage as DocBin bytes.

Every later stage reads `AnnotatedArticle.doc` (tokens with POS, dependencies, lemmas,
entities and sentence boundaries); nothing parses text again. `parse_texts` is the
only place spaCy's pipeline runs on article text.

All of `en_core_web_sm`'s enabled components are read downstream (tagger: POS for the
bias features; parser: sentences and clauses; attribute_ruler + lemmatizer: lemmas for
cues and lexicons; NER: entities), so none is disabled. Long texts are parsed in
paragraph-aligned chunks and joined back into one Doc with the original text, so an
oversized article is neither cut nor parsed as one huge batch item.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from parallax.nlp import spacy_nlp

# Stored layers: enough for sentences, entities, dependency clauses and lemmas.
_ATTRS = ["ORTH", "SPACY", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE"]


def chunk_text(text: str, max_chars: int) -> list[str]:
    """Contiguous pieces of `text`, each ≤ max_chars where a break allows, cut after whitespace.

    Joined with "" they give `text` back exactly, so offsets in the merged Doc are the
    article's offsets.
    """
    if len(text) <= max_chars:
        return [text]
    pieces, start = [], 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = 0
        for pattern in (r"\n\s*\n", r"\n", r"(?<=[.!?])\s+", r"\s+"):
            ends = [m.end() for m in re.finditer(pattern, window) if m.end() > max_chars // 4]
            if ends:
                cut = ends[-1]
                break
        cut = cut or max_chars  # no whitespace at all: a hard cut
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def processes_for(n_texts: int, n_process: int, min_per_process: int) -> int:
    """spaCy worker processes: `n_process`, or 0 = one per core when the batch pays the start-up."""
    if n_process > 0:
        return n_process
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, n_texts // max(1, min_per_process)))


def parse_texts(
    texts: Sequence[str],
    batch_size: int = 16,
    n_process: int = 1,
    max_chunk_chars: int = 50_000,
    min_per_process: int = 200,
) -> Iterator[Any]:
    """spaCy Docs for `texts` in order, batched; long texts are parsed in chunks and joined."""
    if not texts:
        return iter(())
    nlp = spacy_nlp()
    clean = [t if isinstance(t, str) else "" for t in texts]
    chunks = [chunk_text(t, max_chunk_chars) for t in clean]
    flat = [c for cs in chunks for c in cs]
    procs = processes_for(len(flat), n_process, min_per_process)
    docs = nlp.pipe(flat, batch_size=batch_size, n_process=procs)
    return _rejoin(docs, [len(cs) for cs in chunks])


def _rejoin(docs: Iterator[Any], counts: list[int]) -> Iterator[Any]:
    from spacy.tokens import Doc

    for n in counts:
        parts = [next(docs) for _ in range(n)]
        yield parts[0] if n == 1 else Doc.from_docs(parts, ensure_whitespace=False)


def parse_articles(
    texts: Sequence[str],
    titles: Sequence[str],
    batch_size: int = 16,
    n_process: int = 1,
    max_chunk_chars: int = 50_000,
    min_per_process: int = 200,
) -> Iterator[tuple[Any, Any]]:
    """(body Doc, headline Doc) per article from ONE `nlp.pipe` call (headlines ride along).

    Headlines are not part of `Article.text`; framing scores them like body text, so
    they are parsed here, in the same pass, instead of later on their own.
    """
    interleaved = [t for pair in zip(texts, titles, strict=True) for t in pair]
    docs = parse_texts(interleaved, batch_size, n_process, max_chunk_chars, min_per_process)
    return iter(zip(docs, docs, strict=False))


@lru_cache(maxsize=1)
def _vocab() -> Any:
    """An English vocabulary for restoring stored parses (no pipeline load needed)."""
    from parallax.nlp import import_spacy

    return import_spacy().blank("en").vocab


def doc_to_bytes(doc: Any) -> bytes:
    from spacy.tokens import DocBin

    bin_ = DocBin(attrs=_ATTRS, store_user_data=False)
    bin_.add(doc)
    return bytes(bin_.to_bytes())


def doc_from_bytes(data: bytes) -> Any:
    from spacy.tokens import DocBin

    return next(iter(DocBin().from_bytes(data).get_docs(_vocab())))
