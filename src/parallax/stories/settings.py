"""Syndication settings (story clustering's own section is ClusterParams in stories/docs.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyndicationSettings:
    """When two articles are copies of one wire story (stories/syndication.py)."""

    shingle: int = 5  # policy: five-word shingles rarely repeat by chance
    containment: float = 0.5  # policy: half the shorter text's shingles shared
