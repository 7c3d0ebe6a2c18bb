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

from parallax.models import UNKNOWN, Analysis, Article, Span

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


def build_view(analysis: Analysis) -> dict[str, Any]:
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
    return {
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
