"""Cross-source comparison of one story: facts, conflicts, omissions, framing, voices.

`compare` takes the annotated articles of ONE story (cluster first) and runs the
stages in order; each stage is its own module and reads only the annotation and
the claims, never the raw text again.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parallax.compare.align import align, embed_claims, sentence_lookup
from parallax.compare.claims import extract_claims
from parallax.compare.conflicts import find_conflicts
from parallax.compare.framing import framing_for
from parallax.compare.omissions import find_omissions
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
    for ann in annotated:
        try:
            mine = [c for c in claims if c.article_id == ann.id]
            out.append(
                framing_for(ann, mine, vectors.get(ann.id), getattr(settings, "framing", None))
            )
        except Exception as exc:
            log.warning("framing failed for %s: %s", ann.id, exc)
    return out


def compare(
    annotated: Sequence[AnnotatedArticle],
    sentence_vectors: Sequence[np.ndarray] | None = None,
    events: Sequence[Sequence[str]] | None = None,
    settings: Any = None,
) -> Comparison:
    """Compare the articles of one story. `sentence_vectors` (from parallax.annotate.embed) are
    reused when given; otherwise sentences and clauses are embedded here. `events` (lists
    of article ids) make omissions count only outlets covering the same event: a piece
    on the briefings does not "omit" the later Munich meeting."""
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
    vectors = embed_claims(units, annotated, sentence_vectors)
    sent = sentence_lookup(annotated, sentence_vectors)
    lap("embed")
    facts = align(units, vectors)
    lap("align")
    conflicts = find_conflicts(annotated, units, sent)
    lap("conflicts")
    if events:
        omissions = []
        for ids in events:
            members = [a for a in annotated if a.id in set(ids)]
            scoped = [
                dataclasses.replace(
                    f, support=tuple(s for s in f.support if s.article_id in set(ids))
                )
                for f in facts
            ]
            omissions.extend(find_omissions(members, [f for f in scoped if f.support]))
    else:
        omissions = find_omissions(annotated, facts)
    lap("omissions")
    voices = voices_of(annotated)
    lap("voices")
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
