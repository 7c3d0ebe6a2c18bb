"""Annotation settings: how the one spaCy pass and the encoder are run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnotateSettings:
    batch_size: int = 16  # nlp.pipe batch; measured in docs/ notes (16 beats 64 on padding)
    n_process: int = 1  # spaCy worker processes; policy (1 keeps memory and start-up low)
    lead_sentences: int = 3  # policy: the article vector is title + this many lead sentences
