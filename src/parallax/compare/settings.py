"""Comparison thresholds: alignment, conflicts, omissions, framing. Each names its source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompareSettings:
    align_strong: float = (
        0.80  # cosine at which wording alone aligns two claims (hand-set, docs/comparison.md)
    )
    align_weak: float = (
        0.62  # cosine that also needs concrete overlap (hand-set, docs/comparison.md)
    )
    align_neighbours: int = 8  # policy: neighbours searched per claim
    omission_min_coverage: float = 0.5  # policy: share of the other outlets that must report a fact
    omission_min_outlets: int = 2  # policy: and at least this many of them
