"""Annotation settings: how the one spaCy pass and the encoder are run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnotateSettings:
    batch_size: int = 16  # nlp.pipe batch; measured in docs/ notes (16 beats 64 on padding)
    # spaCy worker processes; 0 = one per core once a batch has `min_per_process` texts per
    # process (policy: a worker costs ≈ 2.5 CPU-s and 330 MB to start, ≈ 40 articles' parse)
    n_process: int = 0
    min_per_process: int = 200
    # texts longer than this are parsed in paragraph-aligned chunks joined into one Doc
    # (policy: 10× a long news article; keeps parser memory flat, spaCy's limit is 1M)
    max_chunk_chars: int = 50_000
    lead_sentences: int = 3  # policy: the article vector is title + this many lead sentences
