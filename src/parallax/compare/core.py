"""Cross-source comparison of one story: facts, conflicts, omissions, framing, voices.

`compare` takes the annotated articles of ONE story (cluster first) and runs the
stages in order; each stage is its own module and reads only the annotation and
the claims, never the raw text again.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parallax.compare.align import align, embed_claims, sentence_lookup
from parallax.compare.claims import ClaimUnit, extract_claims
from parallax.compare.conflicts import find_candidates
from parallax.compare.framing import framing_for, warm_bias_cache
from parallax.compare.grouping import group
from parallax.compare.omissions import find_omissions, only_one_source, sides_not_heard
from parallax.compare.settings import CompareSettings
from parallax.compare.verifier import verify
from parallax.compare.voices import voices_of
from parallax.models import (
    AnnotatedArticle,
    Claim,
    Conflict,
    Fact,
    Framing,
    Omission,
    Records,
    Voice,
)

log = logging.getLogger(__name__)
DIM = 384  # all-MiniLM-L6-v2


@dataclass(frozen=True)
class Comparison:
    facts: Records[Fact]
    conflicts: Records[Conflict]
    omissions: Records[Omission]
    framing: Records[Framing]
    voices: Records[Voice]
    claims: Records[Claim]
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


def _framing(
    annotated: Sequence[AnnotatedArticle],
    claims: Sequence[Claim],
    sentence_vectors: Sequence[np.ndarray] | None = None,
    settings: Any = None,
) -> list[Framing]:
    """Framing per article; one article's failure is logged and the rest are kept."""
    vectors = (
        dict(zip([a.id for a in annotated], sentence_vectors, strict=False))
        if sentence_vectors
        else {}
    )
    out = []
    warm_bias_cache(annotated, getattr(settings, "framing", None))  # one e5 call, same scores
    for ann in annotated:
        try:
            mine = [c for c in claims if c.article_id == ann.id]
            out.append(
                framing_for(ann, mine, vectors.get(ann.id), getattr(settings, "framing", None))
            )
        except Exception as exc:
            log.warning("framing failed for %s: %s", ann.id, exc)
    return out


def _cfg(settings: Any) -> CompareSettings:
    """Accept the whole Settings object, its compare section, or None."""
    if isinstance(settings, CompareSettings):
        return settings
    return getattr(settings, "compare", None) or CompareSettings()


def _vectors(
    units: Sequence[ClaimUnit],
    annotated: Sequence[AnnotatedArticle],
    sentence_vectors: Sequence[np.ndarray] | None,
) -> tuple[np.ndarray, Any]:
    """Claim vectors and the sentence lookup, or zeros for a one-article story.

    Every reader of these vectors (alignment, conflict detectors, omissions, "only one
    source") pairs claims or sentences of different articles, so with one article none is
    read and the encoder would run for nothing (most storylines of a day's news are one
    article: about half the encoder's texts on PolNeAR, benchmarks/bench_pipeline.py).
    """
    if len({a.id for a in annotated}) > 1:
        return embed_claims(units, annotated, sentence_vectors), sentence_lookup(
            annotated, sentence_vectors
        )
    zero = np.zeros(DIM, dtype=np.float32)
    return np.zeros((len(units), DIM), dtype=np.float32), lambda _aid, _idx: zero


def compare(
    annotated: Sequence[AnnotatedArticle],
    sentence_vectors: Sequence[np.ndarray] | None = None,
    events: Sequence[Sequence[str]] | None = None,
    settings: Any = None,
    sources: Mapping[str, str] | None = None,
) -> Comparison:
    """Compare the articles of one story. `sentence_vectors` (from parallax.annotate.embed) are
    reused when given; otherwise sentences and clauses are embedded here. `events` (lists
    of article ids) make omissions count only sources covering the same event: a piece
    on the briefings does not "omit" the later Munich meeting. `sources` maps article id ->
    independent-source key (syndicated copies share one; default: the outlet), so copies
    never corroborate, contradict or omit on their own."""
    cfg = _cfg(settings)
    annotated = [a for a in annotated if a is not None]
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        seconds[name] = round(now - t, 3)
        t = now

    units = extract_claims(annotated)
    claims = [u.claim for u in units]
    lap("claims")
    vectors, sent = _vectors(units, annotated, sentence_vectors)
    lap("embed")
    facts = align(units, vectors)
    lap("align")
    cands = find_candidates(annotated, units, sent, vectors, cfg)
    lap("candidates")
    scored = verify(cands, cfg)
    lap("verifier")
    conflicts = group(scored, sources)
    lap("group")
    voices = voices_of(annotated)
    lap("voices")
    omissions = []
    for ids in [list(e) for e in events] if events else [[a.id for a in annotated]]:
        members = [a for a in annotated if a.id in set(ids)]
        scoped = [
            dataclasses.replace(f, support=tuple(s for s in f.support if s.article_id in set(ids)))
            for f in facts
        ]
        scoped = [f for f in scoped if f.support]
        mine = [v for v in voices if v.article_id in set(ids)]
        omissions.extend(find_omissions(members, scoped, units, vectors, sent, cfg, sources))
        omissions.extend(sides_not_heard(members, mine, cfg, sources))
        picked = [i for i, u in enumerate(units) if u.article_id in set(ids)]
        omissions.extend(
            only_one_source(
                members, scoped, [units[i] for i in picked], vectors[picked], sent, cfg, sources
            )
        )
    lap("omissions")
    framing = _framing(annotated, claims, sentence_vectors, settings)
    lap("framing")
    return Comparison(
        facts=Records(facts),
        conflicts=Records(conflicts),
        omissions=Records(omissions),
        framing=Records(framing),
        voices=Records(voices),
        claims=Records(claims),
        seconds=seconds,
    )
