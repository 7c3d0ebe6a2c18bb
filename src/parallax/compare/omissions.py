"""What each outlet leaves out: facts most of the other outlets report and it does not.

Coverage is counted per outlet (two articles of one outlet count once;
an article whose outlet is unknown counts as its own outlet), and only within
the articles passed in, which `compare` receives one story at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.models import UNKNOWN, AnnotatedArticle, Fact, Omission

MIN_COVERAGE = 0.5  # share of the other outlets that must report the fact
MIN_OUTLETS = 2  # and at least this many of them


def outlet_key(outlet: str, article_id: str) -> str:
    return outlet if outlet != UNKNOWN else f"{UNKNOWN}:{article_id}"


def find_omissions(annotated: Sequence[AnnotatedArticle], facts: Sequence[Fact]) -> list[Omission]:
    """Omissions ranked by coverage (then by how many articles carry the fact)."""
    outlets: dict[str, list[str]] = {}
    for ann in annotated:
        outlets.setdefault(outlet_key(ann.article.outlet, ann.id), []).append(ann.id)
    if len(outlets) < 3:
        return []  # with two outlets every difference is symmetric, not an omission
    out = []
    for fact in facts:
        have = {outlet_key(s.outlet, s.article_id) for s in fact.support}
        for key, ids in outlets.items():
            if key in have:
                continue
            others = len(outlets) - 1
            reporting = [k for k in have if k != key]
            coverage = len(reporting) / others if others else 0.0
            if coverage < MIN_COVERAGE or len(reporting) < MIN_OUTLETS:
                continue
            covered = tuple(
                sorted(
                    {
                        s.outlet if s.outlet != UNKNOWN else f"{UNKNOWN} ({s.article_id[:6]})"
                        for s in fact.support
                    }
                )
            )
            out.append(
                Omission(
                    outlet=key.split(":")[0],
                    article_id=ids[0],
                    fact_id=fact.id,
                    fact_text=fact.text,
                    covered_by=covered,
                    coverage=round(coverage, 3),
                )
            )
    out.sort(key=lambda o: (-o.coverage, o.outlet, o.fact_id))
    return out
