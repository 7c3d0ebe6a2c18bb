"""Framing settings: which loaded-language detector runs, its threshold, profile policies.

Each tuned value names the data and split it came from (docs/framing.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FramingSettings:
    # "learned": the token tagger shipped in resources/framing/<tagger_model>/ (trained on
    # BABE only); "lexicon": the fallback without learned weights (Recasens et al. 2013
    # evaluative subset, word-list matches only).
    detector: str = "learned"
    tagger_model: str = "tagger_babe"  # folder under resources/framing/ (policy: BABE-only)
    # Optional path to a locally trained tagger JSON (e.g. with basil-dev, which may not be
    # redistributed); empty = the shipped one.
    tagger_path: str = ""
    # P(loaded) at or above which a word is shown: chosen for span F1 (overlap) on the
    # basil-dev TUNE split (events disjoint from the test split) by eval/train_tagger.py.
    tagger_threshold: float = 0.425
    # Folder under resources/framing/ (policy). "sentence_babe": e5 + RBF SVM, BABE 5-fold
    # macro-F1 0.806, one extra e5 pass (≈ 45 ms CPU per sentence); "sentence_babe_minilm":
    # logistic over the MiniLM vectors the pipeline already has, 0.782 (docs/framing.md).
    sentence_model: str = "sentence_babe"
    # A sentence is own voice when less than this share of its characters is quoted (policy).
    own_voice_max_quoted: float = 0.5
    main_actors: int = 6  # policy: actors per article in the word-choice profile
    actor_words: int = 6  # policy: words kept per actor
