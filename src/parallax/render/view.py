"""What the HTML/Markdown templates show, computed once: coverage, highlight marks, SVG.

Article text is highlighted by cutting it at every mark boundary and escaping each piece
(markupsafe) — raw article text is never inserted into markup. Each mark gets a short id
("m12"); conflicts, brief citations and timeline sources refer to marks by id so one click
can light up both sides of a contradiction in their articles.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from parallax.models import UNKNOWN, Analysis, Article, Span, Story

# Colour-blind-safe palette (Okabe–Ito) for sides in the voices chart.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999")
_FIXED = {
    "US government": "#0072B2",
    "Chinese government": "#D55E00",
    "NATO": "#009E73",
    "unnamed officials": "#CC79A7",
    "media": "#56B4E9",
    "unknown": "#999999",
}
_OTHERS = ("#E69F00", "#F0E442", "#000000", "#8C564B", "#17BECF")


def outlet_label(art: Article) -> str:
    return art.outlet if art.outlet != UNKNOWN else f"unknown outlet (article {art.id[:6]})"


@dataclass
class Mark:
    id: str
    start: int
    end: int
    kind: str  # quote, loaded, conflict, cite
    title: str = ""


@dataclass
class ArticleView:
    article: Article
    label: str
    marks: list[Mark] = field(default_factory=list)
    html: Markup = Markup("")


class _Marks:
    """Deduplicated marks per article; the same span used twice gets one id."""

    def __init__(self) -> None:
        self.by_article: dict[str, list[Mark]] = defaultdict(list)
        self._index: dict[tuple[str, int, int, str], str] = {}

    def add(self, article_id: str, start: int, end: int, kind: str, title: str = "") -> str:
        key = (article_id, start, end, kind)
        if key in self._index:
            return self._index[key]
        mid = f"m{len(self._index) + 1}"
        self._index[key] = mid
        self.by_article[article_id].append(Mark(mid, start, end, kind, title))
        return mid

    def span(self, span: Span, kind: str, title: str = "") -> str:
        return self.add(span.article_id, span.start, span.end, kind, title)


def highlight(text: str, marks: Iterable[Mark]) -> Markup:
    """Text cut at every mark boundary; each piece escaped, wrapped in its marks' classes."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[lo:hi])
        active = [m for m in marks if m.start <= lo and hi <= m.end]
        if not active:
            out.append(str(piece))
            continue
        classes = " ".join(sorted({f"hl-{m.kind}" for m in active}))
        ids = " ".join(m.id for m in active)
        title = "; ".join(dict.fromkeys(m.title for m in active if m.title))
        out.append(f'<span class="{classes}" data-m="{ids}" title="{escape(title)}">{piece}</span>')
    return Markup("".join(out))


def side_color(side: str, others: Sequence[str] = ()) -> str:
    """Fixed colours for the common sides; others by their rank in `others` (no clashes
    for up to five extra sides), falling back to a hash."""
    if side in _FIXED:
        return _FIXED[side]
    if side in others:
        return _OTHERS[list(others).index(side) % len(_OTHERS)]
    digest = int(hashlib.sha1(side.encode()).hexdigest(), 16)
    return _OTHERS[digest % len(_OTHERS)]


def voices_svg(analysis: Analysis) -> Markup:
    """Words quoted per speaker per outlet as a stacked horizontal bar chart (inline SVG)."""
    by_id = {a.id: a for a in analysis.articles}
    rows: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for v in analysis.voices:
        art = by_id.get(v.article_id)
        label = outlet_label(art) if art else v.outlet
        rows[label].append((v.speaker, v.side, v.words))
    if not rows:
        return Markup("")
    top = max(sum(w for *_, w in r) for r in rows.values()) or 1
    left, width, bar, gap = 230, 560, 22, 14
    sides = sorted({s for r in rows.values() for _, s, _ in r})
    others = [s for s in sides if s not in _FIXED]
    height = len(rows) * (bar + gap) + 40 + 20 * ((len(sides) + 3) // 4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="voices" '
        f'viewBox="0 0 {left + width + 60} {height}" width="100%">',
        "<title>Words quoted per speaker, by outlet, coloured by side</title>",
    ]
    y = 10
    for label, items in rows.items():
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.7:.0f}" text-anchor="end" '
            f'class="lbl">{escape(label)}</text>'
        )
        x = float(left)
        for speaker, side, words in sorted(items, key=lambda t: -t[2]):
            w = width * words / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar}" '
                f'fill="{side_color(side, others)}" stroke="#fff"><title>{escape(speaker)} '
                f"({escape(side)}): {words} words</title></rect>"
            )
            if w > 70:
                parts.append(
                    f'<text x="{x + 4:.1f}" y="{y + bar * 0.7:.0f}" class="in">'
                    f"{escape(speaker[: int(w / 7)])}</text>"
                )
            x += w
        total = sum(w for *_, w in items)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar * 0.7:.0f}" class="lbl">{total}</text>')
        y += bar + gap
    y += 6
    for n, side in enumerate(sides):
        lx, ly = left + (n % 4) * 150, y + (n // 4) * 20
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{side_color(side, others)}"/>'
            f'<text x="{lx + 16}" y="{ly + 11}" class="lbl">{escape(side)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _group(marks: _Marks, spans: Iterable[Span], by_id: dict[str, Article]) -> list[dict]:
    """One citation link per article, lighting all of that article's cited spans."""
    groups: dict[str, list[str]] = {}
    for c in spans:
        if c.article_id in by_id:
            groups.setdefault(c.article_id, []).append(marks.span(c, "cite"))
    return [{"article_id": aid, "marks": " ".join(ids)} for aid, ids in groups.items()]


def _conflict_rows(analysis: Analysis, marks: _Marks, by_id: dict[str, Article]) -> list[dict]:
    """Grouped contradiction rows (every outlet per side), each side's spans marked."""
    from parallax.brief.brief import group_conflicts

    rows = []
    for n, row in enumerate(group_conflicts(analysis.conflicts)):
        title = f"{row.kind}: {'; '.join(row.reasons)}"
        sides = []
        for side in (row.side_a, row.side_b):
            entries: list[dict[str, Any]] = []
            for x in side:
                art = by_id.get(x.span.article_id)
                entries.append(
                    {
                        "label": outlet_label(art) if art else x.outlet,
                        "attribution": x.attribution,
                        "text": x.span.text,
                        "mark": marks.span(x.span, "conflict", title),
                        "article_id": x.span.article_id,
                    }
                )
            sides.append(entries)
        ids = {e["article_id"] for side in sides for e in side}
        rows.append(
            {
                "row": row,
                "id": f"row-{n + 1}",
                "sides": sides,
                "marks": " ".join(e["mark"] for side in sides for e in side),
                "article_ids": ids,
                "diffs": [
                    c.diff for c in analysis.conflicts if c.id in row.conflict_ids and c.diff
                ],
            }
        )
    return rows


def _story_sections(
    analysis: Analysis,
    view: dict[str, Any],
    why: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """One section per storyline (or one for everything when there are no stories)."""
    from parallax.brief.why import why_grouped

    lines = [s for s in analysis.stories if s.level == "storyline"]
    if not lines:
        every = tuple(a.id for a in analysis.articles)
        lines = [Story("all", "storyline", "All articles", every, (), None, None)]
    out = []
    for n, story in enumerate(sorted(lines, key=lambda s: (-len(s.article_ids), s.label))):
        ids = set(story.article_ids)
        events = [e for e in analysis.stories if e.parent_id == story.id]
        scope = {story.id, *(e.id for e in events)}
        rows = [r for r in view["conflicts_grouped"] if r["article_ids"] <= ids]
        dated = [a.published for a in analysis.articles if a.id in ids and a.published]
        out.append(
            {
                "story": story,
                "anchor": f"story-{n + 1}",
                "events": events,
                "numbers": sorted(
                    view["article_index"][i] for i in ids if i in view["article_index"]
                ),
                "outlets": view["outlet_groups"](ids),
                "dates": (story.date_start, story.date_end)
                if story.date_start
                else ((min(dated), max(dated)) if dated else (None, None)),
                "why": (why or {}).get(story.id)
                or (why_grouped(story, analysis.annotated) if story.id != "all" else None),
                "briefs": [b for b in view["briefs"] if (b["b"].story_id or "all") in scope]
                or [b for b in view["briefs"] if b["b"].story_id is None and story.id == "all"],
                "rows": rows,
                "timeline": [
                    t for t in view["timeline"] if {c.article_id for c in t["t"].sources} <= ids
                ],
            }
        )
    return out


def _outlet_groups(analysis: Analysis) -> Any:
    """Outlets of a set of articles, wire copies folded into their original ("also carried by")."""
    from parallax.stories.syndication import source_keys

    keys = source_keys(list(analysis.articles))
    by_id = {a.id: a for a in analysis.articles}
    order = {a.id: n for n, a in enumerate(analysis.articles)}

    def groups(ids: Iterable[str]) -> list[dict[str, Any]]:
        units: dict[str, list[str]] = {}  # main outlet -> outlets carrying its copies
        for aid in sorted(ids, key=lambda i: order.get(i, 0)):
            if aid in by_id:
                rep = by_id.get(keys.get(aid, aid), by_id[aid])
                units.setdefault(outlet_label(rep), []).append(outlet_label(by_id[aid]))
        return [
            {"outlet": main, "also": [x for x in dict.fromkeys(labels) if x != main]}
            for main, labels in units.items()
        ]

    return groups, keys


def build_view(analysis: Analysis, why: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the templates need beyond the raw Analysis."""
    by_id = {a.id: a for a in analysis.articles}
    marks = _Marks()
    for ann in analysis.annotated:
        for q in ann.quotes:
            who = q.speaker or "unknown speaker"
            marks.add(ann.id, q.start, q.end, "quote", f"quote: {who}")
    for fr in analysis.framing:
        for t in fr.loaded_terms:
            marks.add(t.article_id, t.start, t.end, "loaded", f"loaded: {t.reason}")
    conflicts = []
    for c in analysis.conflicts:
        title = f"{c.kind}: {c.reason}"
        conflicts.append(
            {
                "c": c,
                "a_mark": marks.span(c.a.span, "conflict", title),
                "b_mark": marks.span(c.b.span, "conflict", title),
                "a_label": outlet_label(by_id[c.a.span.article_id])
                if c.a.span.article_id in by_id
                else c.a.outlet,
                "b_label": outlet_label(by_id[c.b.span.article_id])
                if c.b.span.article_id in by_id
                else c.b.outlet,
            }
        )
    briefs = []
    stories = {s.id: s for s in analysis.stories}
    for b in analysis.briefs:
        sents = []
        for s in b.sentences:
            sents.append({"s": s, "cites": _group(marks, s.citations, by_id)})
        briefs.append({"b": b, "story": stories.get(b.story_id or ""), "sentences": sents})
    timeline = []
    for entry in analysis.timeline:
        timeline.append({"t": entry, "sources": _group(marks, entry.sources, by_id)})
    articles = []
    for art in analysis.articles:
        view = ArticleView(art, outlet_label(art), marks.by_article.get(art.id, []))
        view.html = highlight(art.text, view.marks)
        articles.append(view)
    coverage = Counter(outlet_label(a) for a in analysis.articles)
    words: Counter[str] = Counter()
    for a in analysis.articles:
        words[outlet_label(a)] += a.words
    lean = Counter((a.lean or UNKNOWN) for a in analysis.articles)
    framing = []
    for fr in analysis.framing:
        owner = by_id.get(fr.article_id)
        terms = Counter(t.text.lower() for t in fr.loaded_terms)
        label = outlet_label(owner) if owner else fr.outlet
        title = owner.title if owner else ""
        framing.append({"f": fr, "label": label, "terms": terms, "title": title})
    sides = sorted({v.side for v in analysis.voices})
    groups, keys = _outlet_groups(analysis)
    shared: dict[str, Any] = {
        "conflicts_grouped": _conflict_rows(analysis, marks, by_id),
        "article_index": {v.article.id: n + 1 for n, v in enumerate(articles)},
        "briefs": briefs,
        "timeline": timeline,
        "outlet_groups": groups,
    }
    stories_view = _story_sections(analysis, shared, why)
    # Marks added for grouped rows must reach the article bodies: highlight after them.
    for av in articles:
        av.marks = marks.by_article.get(av.article.id, [])
        av.html = highlight(av.article.text, av.marks)
    dated = [a.published for a in analysis.articles if a.published]
    return {
        "conflicts_grouped": shared["conflicts_grouped"],
        "stories": stories_view,
        "source_keys": keys,
        "copies": {k: v for k, v in keys.items() if k != v},
        "dates": (min(dated), max(dated)) if dated else None,
        "outlet_count": len({outlet_label(a) for a in analysis.articles}),
        "marks": marks,
        "conflicts": conflicts,
        "briefs": briefs,
        "timeline": timeline,
        "articles": articles,
        "article_index": {v.article.id: n + 1 for n, v in enumerate(articles)},
        "coverage": coverage.most_common(),
        "coverage_words": words,
        "lean": lean.most_common(),
        "framing": framing,
        "voices_svg": voices_svg(analysis),
        "side_colors": {s: side_color(s, sides) for s in sides},
        "storylines": [s for s in analysis.stories if s.level == "storyline"],
    }
