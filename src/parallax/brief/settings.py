"""Brief and timeline limits (policy: readability and caution, not tuned on data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BriefSettings:
    max_lead: int = 2  # policy: the "what happened" lead is one to three sentences
    max_summary: int = 6  # policy: lines in the agreed-facts summary
    max_per_outlet: int = 3  # policy: notes per outlet (adds + leaves out)
    max_voices: int = 4  # policy: most-quoted speakers listed
    max_quote_chars: int = 170  # policy: template quotes are cut (at a word) beyond this
    min_sentence_chars: int = 40  # policy: shorter source sentences are rarely a full fact
    max_sentence_chars: int = 400  # policy: longer source sentences are not summary lines
    min_conflict_confidence: float = 0.4  # policy: conflicts below this stay out of the brief
    lead_max_quoted: int = 4  # policy: a lead line holds no quote of this many words or more
    redundant: float = 0.6  # policy: content-word containment above which a line repeats another
    # Support check (policy, deliberately cautious): a cited span supports an extracted
    # sentence from another outlet when it has every number of the sentence and at least
    # this share of its content words; an outlet "does not report" a fact only when none
    # of its sentences has this share of the fact's content words.
    support_overlap: float = 0.34
    omission_overlap: float = 0.6
