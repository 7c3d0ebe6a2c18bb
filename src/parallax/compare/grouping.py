"""One row per disagreement: pairwise verified findings grouped into one Conflict.

Findings of one kind that share a disagreeing slot (the same figure, place, quote or
title in one article) are one disagreement; its sides are all the articles involved,
grouped by the value they give ("North Carolina: A | South Carolina: B, C"). Syndicated
copies (same `sources` key) are listed but never make a disagreement on their own.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

from parallax.compare.verifier import Scored
from parallax.models import Conflict, ConflictSide


def _find(parent: dict, x):  # type: ignore[no-untyped-def]
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def group(scored: Sequence[Scored], sources: Mapping[str, str] | None = None) -> list[Conflict]:
    """Grouped conflicts from the shown findings, most confident first."""
    shown = [s for s in scored if s.shown]
    src = dict(sources or {})
    shown = [
        s for s in shown
        if src.get(s.candidate.a.span.article_id, s.candidate.a.span.article_id)
        != src.get(s.candidate.b.span.article_id, s.candidate.b.span.article_id)
    ]  # fmt: skip
    parent: dict = {}
    for s in shown:
        c = s.candidate
        ra, rb = _find(parent, (c.kind, c.node_a)), _find(parent, (c.kind, c.node_b))
        parent[ra] = rb
    groups: dict = defaultdict(list)
    for s in shown:
        groups[_find(parent, (s.candidate.kind, s.candidate.node_a))].append(s)
    return sorted((_conflict(members) for members in groups.values()), key=lambda c: -c.confidence)


def _conflict(members: list[Scored]) -> Conflict:
    best = max(members, key=lambda s: s.score)
    by_value: dict[str, dict[str, ConflictSide]] = defaultdict(dict)
    for s in sorted(members, key=lambda s: -s.score):
        for side in (s.candidate.a, s.candidate.b):
            key = side.value or side.span.text
            if any(side.span.article_id in v for v in by_value.values()):
                continue  # one article holds one side
            by_value[key][side.span.article_id] = side
    # the best pair's two values come first, so a and b stay its sides
    order = [best.candidate.a.value or best.candidate.a.span.text,
             best.candidate.b.value or best.candidate.b.span.text]  # fmt: skip
    order += [v for v in by_value if v not in order]
    sides = tuple(side for v in order for side in by_value.get(v, {}).values())
    a = next((x for x in sides if (x.value or x.span.text) == order[0]), best.candidate.a)
    b = next((x for x in sides if (x.value or x.span.text) == order[1]), best.candidate.b)
    c = best.candidate
    values = " | ".join(
        f"{v}: {', '.join(dict.fromkeys(x.outlet for x in by_value[v].values()))}"
        for v in order if v in by_value
    )  # fmt: skip
    reason = c.reason if len(by_value) <= 2 and len(sides) <= 2 else f"{c.reason} [{values}]"
    key = "|".join(sorted(f"{x.span.article_id}:{x.span.start}" for x in sides))
    cid = hashlib.sha1(f"{c.kind}|{c.topic}|{key}".encode()).hexdigest()[:12]
    return Conflict(cid, c.kind, a, b, round(best.score, 3), reason, c.diff, sides)  # type: ignore[arg-type]
