"""Stage 5: a merged timeline and a cited, neutral brief per story."""

from parallax.brief.brief import build_brief, build_briefs, check_brief
from parallax.brief.timeline import build_timeline

__all__ = ["build_brief", "build_briefs", "build_timeline", "check_brief"]
