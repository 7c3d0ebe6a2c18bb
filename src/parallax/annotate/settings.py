"""Annotation settings: how the one spaCy pass and the encoder are run, and quote attribution."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuoteSettings:
    """Attribution of reported speech (`annotate.attribution`, `annotate.quotes`)."""

    # probability above which a cue candidate is an attribution, and the same for a
    # content that is a bare phrase (an object, "attacked Trump"), not a clause; picked on
    # PolNeAR dev by eval/tune_attribution.py: best speaker F1 (overlap) whose precision
    # is >= 82, a 2-point margin over the 80 (2026-12-03, after the nested-report,
    # passive/copular-content and object-complement rules: dev 76.8, P 84.4; F1 is flat
    # within 0.2 for thresholds 0.25-0.4, and a separate phrase gate no longer helps)
    cue_threshold: float = 0.35
    phrase_threshold: float = 0.35
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
    # spaCy worker processes; 0 = one per core once a batch has `min_per_process` texts per
    # process (policy: a worker costs ≈ 2.5 CPU-s and 330 MB to start, ≈ 40 articles' parse)
    n_process: int = 0
    min_per_process: int = 200
    # texts longer than this are parsed in paragraph-aligned chunks joined into one Doc
    # (policy: 10× a long news article; keeps parser memory flat, spaCy's limit is 1M)
    max_chunk_chars: int = 50_000
    lead_sentences: int = 3  # policy: the article vector is title + this many lead sentences
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
