"""Stage 4, compare: the articles of one story -> facts, conflicts, omissions, framing, voices."""

from parallax.compare.core import Comparison, compare

__all__ = ["Comparison", "compare"]
