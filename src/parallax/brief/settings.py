"""Brief and timeline limits (policy: readability, not tuned on data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BriefSettings:
    max_summary: int = 6  # policy: lines in the agreed-facts summary
    max_per_outlet: int = 3  # policy: notes per outlet (adds + leaves out)
    max_quote_chars: int = 170  # policy: template quotes are cut (at a word) beyond this
    max_sentence_chars: int = 400  # policy: longer source sentences are not summary lines
    min_conflict_confidence: float = 0.4  # policy: conflicts below this stay out of the brief
    redundant: float = 0.6  # policy: content-word containment above which a line repeats another
