"""Annotation settings: how the one spaCy pass and the encoder are run, and quote attribution."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuoteSettings:
    """Attribution of reported speech (`annotate.attribution`, `annotate.quotes`)."""

    # probability above which a cue candidate is an attribution; picked on PolNeAR dev
    # (best speaker F1 overlap with precision >= 80) by eval/tune_attribution.py
    cue_threshold: float = 0.35
    # the same for a content that is a bare phrase (an object, "attacked Trump"), not a
    # clause; picked on PolNeAR dev by eval/tune_attribution.py
    phrase_threshold: float = 0.45
    # reported content shorter than this many characters is dropped; picked on PolNeAR
    # dev by eval/tune_attribution.py (1 beat 12: PolNeAR marks short objects, "attacked Trump")
    min_chars: int = 1
    # reported speech whose content is mostly a quoted fragment is that partial quote;
    # policy, kept from the earlier finder
    max_partial_cover: float = 0.6
    # a verb next to a quote mark is its cue when its lemma's log-odds of heading a cue in
    # PolNeAR train (resources/attribution/cue_model.json) is at least this; picked on dev
    direct_cue_logodds: float = -1.5


@dataclass(frozen=True)
class AnnotateSettings:
    batch_size: int = 16  # nlp.pipe batch; measured in docs/ notes (16 beats 64 on padding)
    n_process: int = 1  # spaCy worker processes; policy (1 keeps memory and start-up low)
    lead_sentences: int = 3  # policy: the article vector is title + this many lead sentences
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
