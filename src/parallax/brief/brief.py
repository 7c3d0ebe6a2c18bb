"""The neutral brief: cited sentences a reader can trust line by line.

Nothing is generated. Sections, in reading order:

- **lead**: what happened, in one to three source sentences. Candidates are the facts that
  most independent sources state in their own voice (not quoting anyone); among those, the
  most central one (its words recur in the members' titles and openings), least loaded.
- **summary**: the other agreed facts (two or more independent sources), least loaded
  wording; a quoted fact becomes "Speaker, as quoted by A, B: “…”" listing only the
  outlets that print that quote.
- **disagreements**: contradictions, grouped so one row shows every outlet per side.
- **per_outlet**: what only one source reports, and what an outlet leaves out.
- **voices**: the most quoted speakers and which outlets quote them.

Every line then goes through `check_sentence`, the product's own support check, and a
line that fails it is dropped (the count is kept on the Brief and shown). Extracted lines
must be full clauses (a subject and a finite verb, balanced quotes), never fragments.
Syndicated copies (stories/syndication.py) count once: `sources` maps each article to its
source key, and "agreed by N" counts source keys, not outlets.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from parallax.brief.settings import BriefSettings
from parallax.compare.framing_settings import FramingSettings
from parallax.models import (
    UNKNOWN,
    Analysis,
    AnnotatedArticle,
    Article,
    Brief,
    BriefSentence,
    Conflict,
    ConflictSide,
    Fact,
    FactSupport,
    Span,
    Story,
)

_KIND_LABEL = {
    "number": "Numbers differ",
    "place": "Places differ",
    "polarity": "Opposite claims",
    "name_title": "Names or titles differ",
    "date": "Dates differ",
    "quote_wording": "Quoted differently",
    "assessment": "Assessments differ",
}
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}\s+[—–-]+\s+")
_TRIM = " \t\n\"'“”‘’—–-:;,"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")
_QUOTED = re.compile(r"“([^“”]+)”")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_ARTICLE_REF = re.compile(r"article [0-9a-f]{6}")
_QUOTE_CHARS = str.maketrans({"’": "'", "‘": "'", "“": "'", "”": "'", '"': "'"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "this", "that", "these", "those", "we", "i"})
_SEGMENT = re.compile(
    r"(?:^|; | — )(?P<who>[^“”;—]+?)(?: \(quoting (?P<spk>[^()“”]+)\))?: “(?P<q>[^“”]*)”"
)


def outlet_label(outlet: str, article_id: str) -> str:
    """Outlet name, or 'unknown outlet (article 256c23)' so unknown ones stay apart."""
    return outlet if outlet != UNKNOWN else f"unknown outlet (article {article_id[:6]})"


def _label_of(art: Article) -> str:
    return outlet_label(art.outlet, art.id)


def _norm(text: str) -> str:
    """Whitespace, quote marks and edge punctuation normalised, for verbatim comparison."""
    return " ".join(text.translate(_QUOTE_CHARS).split()).strip(_TRIM + ".…")


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text) if len(w) > 3)


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(_ARTICLE_REF.sub(" ", text)))


def _quote(text: str, limit: int) -> str:
    """A verbatim quote for a template (inner double quotes become single), cut at a word."""
    text = " ".join(text.split()).strip(_TRIM)
    text = text.replace("“", "‘").replace("”", "’").replace('"', "'")
    if len(text) <= limit:
        return f"“{text}”"
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"“{cut}” …"


def _surname(name: str | None) -> str | None:
    return name.split()[-1] if name and name != UNKNOWN else None


def _and(names: Sequence[str]) -> str:
    return ", ".join(names)


def conflict_sides(c: Conflict) -> tuple[tuple[ConflictSide, ...], tuple[ConflictSide, ...]]:
    """The two sides of a contradiction, each with every outlet on it.

    The single adapter to the Conflict model: a grouped Conflict (all outlets per side)
    only needs this function changed."""
    a = getattr(c, "side_a", None)
    b = getattr(c, "side_b", None)
    if a is not None and b is not None:
        return tuple(a), tuple(b)
    return (c.a,), (c.b,)


@dataclass(frozen=True)
class ConflictRow:
    """One contradiction as a reader sees it: every outlet on each side, side by side."""

    kind: str
    side_a: tuple[ConflictSide, ...]
    side_b: tuple[ConflictSide, ...]
    confidence: float  # the highest of the grouped pairs
    reasons: tuple[str, ...]
    conflict_ids: tuple[str, ...]


def group_conflicts(conflicts: Sequence[Conflict]) -> list[ConflictRow]:
    """Pairwise contradictions of one kind that share a span become one row.

    The spans form a graph (an edge per contradiction); a connected component whose spans
    split into two sides (bipartite) is one row, so "A says 3; B and C say 4" is shown once
    instead of once per outlet pair. A component that cannot be split stays as pairs."""
    out: list[ConflictRow] = []
    by_kind: dict[str, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        by_kind[c.kind].append(c)

    def key(side: ConflictSide) -> tuple[str, int, int]:
        return (side.span.article_id, side.span.start, side.span.end)

    for kind, items in by_kind.items():
        nodes: dict[tuple[str, int, int], ConflictSide] = {}
        edges: dict[tuple[str, int, int], set[tuple[str, int, int]]] = defaultdict(set)
        for c in items:
            side_a, side_b = conflict_sides(c)
            for x in side_a:
                for y in side_b:
                    nodes.setdefault(key(x), x)
                    nodes.setdefault(key(y), y)
                    edges[key(x)].add(key(y))
                    edges[key(y)].add(key(x))
        colour: dict[tuple[str, int, int], int] = {}
        for start in nodes:
            if start in colour:
                continue
            colour[start], queue, comp, ok = 0, [start], [start], True
            while queue:
                n = queue.pop()
                for m in edges[n]:
                    if m not in colour:
                        colour[m] = 1 - colour[n]
                        queue.append(m)
                        comp.append(m)
                    elif colour[m] == colour[n]:
                        ok = False
            members = [c for c in items if any(key(s) in set(comp) for s in conflict_sides(c)[0])]
            if not ok:
                for c in members:
                    a, b = conflict_sides(c)
                    out.append(ConflictRow(kind, a, b, c.confidence, (c.reason,), (c.id,)))
                continue
            side_a = tuple(nodes[n] for n in comp if colour[n] == 0)
            side_b = tuple(nodes[n] for n in comp if colour[n] == 1)
            out.append(
                ConflictRow(
                    kind,
                    side_a,
                    side_b,
                    max(c.confidence for c in members),
                    tuple(dict.fromkeys(c.reason for c in members)),
                    tuple(c.id for c in members),
                )
            )
    return sorted(out, key=lambda r: -r.confidence)


def supports(sentence: str, cited: str, overlap: float) -> bool:
    """A cited span carries the sentence's content: all its numbers, most of its words."""
    if not _numbers(sentence) <= _numbers(cited):
        return False
    words = _words(sentence)
    if not words:
        return True
    return len(words & _words(cited)) / len(words) >= overlap


def reports(article: Article, fragment: str, overlap: float) -> bool:
    """Whether the article states the fragment: verbatim, or one of its sentences has
    `overlap` of the fragment's content words (used to test omission claims)."""
    if _norm(fragment).lower() in _norm(article.text).lower():
        return True
    words = _words(fragment)
    if not words:
        return False
    for sent in re.split(r"(?<=[.!?])\s+|\n+", article.text):
        if len(words & _words(sent)) / len(words) >= overlap:
            return True
    return False


class _Context:
    """Per-story lookups: articles, parses, loaded terms, source keys, settings."""

    def __init__(
        self,
        analysis: Analysis,
        article_ids: Iterable[str],
        settings: BriefSettings,
        sources: Mapping[str, str] | None,
        framing: FramingSettings | None = None,
    ) -> None:
        self.ids = set(article_ids)
        self.p = settings
        self.framing = framing  # the run's sentence-bias model settings (None = defaults)
        self.articles = {a.id: a for a in analysis.articles if a.id in self.ids}
        self.annotated: dict[str, AnnotatedArticle] = {
            a.id: a for a in analysis.annotated if a.id in self.ids
        }
        self.sources = dict(sources or {})
        self.loaded: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for fr in analysis.framing:
            for t in fr.loaded_terms:
                if t.article_id in self.ids:
                    self.loaded[t.article_id].append((t.start, t.end))
        # Centrality: how many members use a word in their title or first paragraph.
        self.df: Counter[str] = Counter()
        for art in self.articles.values():
            head = art.text[: art.paragraphs[1][1]] if len(art.paragraphs) > 1 else art.text
            self.df.update(_words(f"{art.title} {head}"))

    def label(self, article_id: str) -> str:
        art = self.articles.get(article_id)
        return _label_of(art) if art else outlet_label(UNKNOWN, article_id)

    def unit(self, article_id: str) -> str:
        """The independent source an article counts as (a wire copy counts as its original)."""
        return self.label(self.sources.get(article_id, article_id))

    def n_sources(self, article_ids: Iterable[str]) -> int:
        return len({self.unit(a) for a in article_ids})

    def centrality(self, text: str) -> float:
        words = _words(text)
        if not words:
            return 0.0
        n = max(1, len(self.articles))
        return sum(self.df[w] / n for w in words) / math.sqrt(len(words))

    def sentence_span(self, span: Span) -> Span | None:
        """The whole sentence around a span, trimmed of datelines and edge punctuation."""
        ann = self.annotated.get(span.article_id)
        art = self.articles.get(span.article_id)
        if art is None:
            return None
        if ann is not None:
            for s in ann.sentences:
                if s.start <= span.start < s.end:
                    return _trim_span(art, s.start, max(s.end, min(span.end, s.end)))
        return _trim_span(art, span.start, span.end)

    def full_clause(self, span: Span) -> bool:
        """A whole sentence with a subject and a verb: never a fragment as a fact."""
        text = span.text
        if not (self.p.min_sentence_chars <= len(text) <= self.p.max_sentence_chars):
            return False
        if not text[0].isupper() or text.count("“") != text.count("”") or text.count('"') % 2:
            return False
        if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
            return False
        ann = self.annotated.get(span.article_id)
        doc = ann.doc if ann is not None else None
        if doc is None:
            return True  # no parse stored: the character checks above are all we can do
        sub = doc.char_span(span.start, span.end, alignment_mode="expand")
        if sub is None:
            return False
        for tok in sub:
            if (tok.head == tok or tok.head.i < sub.start or tok.head.i >= sub.end) and (
                tok.pos_ in ("VERB", "AUX")
            ):
                subj = [c for c in tok.children if c.dep_ in _SUBJECTS]
                if subj and subj[0].lower_ not in _PRONOUNS:
                    return True
        return False

    def lead_ok(self, span: Span) -> bool:
        """A lead line stands alone: it quotes no one and does not lean on the sentence
        before it (no opening "But", "However," or other connective)."""
        ann = self.annotated.get(span.article_id)
        if ann is None:
            return "“" not in span.text
        for q in ann.quotes:
            if q.start < span.end and span.start < q.end and q.words >= self.p.lead_max_quoted:
                return False
        doc = ann.doc
        sub = doc.char_span(span.start, span.end, alignment_mode="expand") if doc else None
        if sub is None or len(sub) < 2:
            return sub is not None
        first, second = sub[0], sub[1]
        return not (first.pos_ == "CCONJ" or (first.pos_ == "ADV" and second.text == ","))

    def loaded_count(self, span: Span) -> int:
        return sum(1 for s, e in self.loaded[span.article_id] if span.start <= s and e <= span.end)


def _trim_span(art: Article, start: int, end: int) -> Span:
    """Strip datelines, quote marks and edge punctuation; offsets stay exact."""
    text = art.text
    m = _DATELINE.match(text[start:end])
    if m:
        start += m.end()
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end < len(text) and text[end] in ".!?" and end - start > 0:
        end += 1  # keep the full stop: the line is a whole sentence
    return art.span(start, end)


def _story_facts(facts: Sequence[Fact], ids: set[str]) -> list[Fact]:
    out = []
    for f in facts:
        support = tuple(s for s in f.support if s.article_id in ids)
        if support:
            out.append(Fact(f.id, f.text, support))
    return out


def _bias(ctx: _Context, spans: Sequence[Span]) -> list[float]:
    """BABE-trained sentence bias read off the stored parse (never a second spaCy pass);
    zeros where a parse or the model is missing."""
    if not spans:
        return []
    try:
        from parallax.compare.framing import bias_of_spans

        return [
            0.0 if math.isnan(x) else float(x)
            for x in bias_of_spans(ctx.annotated, spans, ctx.framing)
        ]
    except Exception:  # the brief must not fail because the optional scorer did
        return [0.0] * len(spans)


# ---------------------------------------------------------------- lead and agreed facts


def _candidates(ctx: _Context, fact: Fact) -> list[tuple[FactSupport, Span]]:
    """Whole source sentences carrying the fact; a quote only where its speaker is named."""
    out = []
    for sup in fact.support:
        sent = ctx.sentence_span(sup.span)
        if sent is None or not ctx.full_clause(sent):
            continue
        name = _surname(sup.attribution)
        if sup.voice == "attributed" and (not name or name not in sent.text):
            continue
        out.append((sup, sent))
    return out


def _extract(ctx: _Context, fact: Fact, sent: Span, section: str) -> BriefSentence | None:
    """The sentence cited by its own span plus every other support that carries it."""
    cites = [sent]
    for s in fact.support:
        if s.article_id == sent.article_id:
            continue
        other = ctx.sentence_span(s.span) or s.span
        if supports(sent.text, other.text, ctx.p.support_overlap):
            cites.append(other)
    ids = [c.article_id for c in cites]
    if ctx.n_sources(ids) < 2:
        return None
    outlets = tuple(dict.fromkeys(ctx.label(i) for i in ids))
    return BriefSentence(section, sent.text, tuple(cites), outlets, "extract")  # type: ignore[arg-type]


def _quoted_by(ctx: _Context, fact: Fact) -> BriefSentence | None:
    """'Speaker, as quoted by A, B: “…”', naming only outlets whose article prints it."""
    quoted = [s for s in fact.support if s.attribution and s.attribution != UNKNOWN]
    if not quoted:
        return None
    sup = min(quoted, key=lambda s: len(s.span.text))
    if len(sup.span.text) < ctx.p.min_sentence_chars:
        return None
    speaker = sup.attribution or ""
    quote = _quote(sup.span.text, ctx.p.max_quote_chars)
    frag = _fragments(quote)[0]
    cites = [
        s.span
        for s in fact.support
        if s.attribution == speaker
        and _norm(frag).lower() in _norm(ctx.articles[s.article_id].text).lower()
    ]
    if ctx.n_sources(c.article_id for c in cites) < 2:
        return None
    outlets = tuple(dict.fromkeys(ctx.label(c.article_id) for c in cites))
    text = f"{speaker}, as quoted by {_and(outlets)}: {quote}"
    return BriefSentence("summary", text, tuple(cites), outlets, "quoted_by")


def _score(ctx: _Context, bias: Mapping[str, float], sup: FactSupport, sent: Span) -> float:
    quoted = sent.text.count("“") + sent.text.count('"')
    return ctx.loaded_count(sent) + bias.get(sent.text, 0.0) + 0.2 * (quoted > 0)


def _lead_and_summary(ctx: _Context, facts: list[Fact]) -> list[BriefSentence]:
    """Lead (own-voice, most supported, most central) then the other agreed facts."""
    shared = [f for f in facts if ctx.n_sources(f.article_ids) >= 2]
    plans = [(f, _candidates(ctx, f)) for f in shared]
    by_text = {sent.text: sent for _, cands in plans for _, sent in cands}
    texts = sorted(by_text)
    bias = dict(zip(texts, _bias(ctx, [by_text[t] for t in texts]), strict=True))

    def own_sources(fact: Fact) -> int:
        return ctx.n_sources(s.article_id for s in fact.support if s.voice == "own")

    out: list[BriefSentence] = []
    used: list[frozenset[str]] = []

    def add(line: BriefSentence | None) -> None:
        if line is None:
            return
        words = _words(line.text)
        if any(len(words & u) / max(1, min(len(words), len(u))) > ctx.p.redundant for u in used):
            return
        used.append(words)
        out.append(line)

    lead_plans = sorted(
        ((f, [(s, t) for s, t in c if s.voice == "own" and ctx.lead_ok(t)]) for f, c in plans),
        key=lambda fc: (
            -own_sources(fc[0]),
            -max((ctx.centrality(t.text) for _, t in fc[1]), default=0),
        ),
    )
    lead_facts = set()
    for fact, cands in lead_plans:
        if len(out) >= ctx.p.max_lead or own_sources(fact) < 2 or not cands:
            continue
        _, best = min(cands, key=lambda c: (_score(ctx, bias, *c), -ctx.centrality(c[1].text)))
        before = len(out)
        add(_extract(ctx, fact, best, "lead"))
        if len(out) > before:
            lead_facts.add(fact.id)
    shared.sort(key=lambda f: (-ctx.n_sources(f.article_ids), -len(f.support)))
    cands_of = dict((f.id, c) for f, c in plans)
    for fact in shared:
        if fact.id in lead_facts or len(out) - len(lead_facts) >= ctx.p.max_summary:
            continue
        cands = cands_of[fact.id]
        line = None
        if cands:
            _, best = min(
                cands,
                key=lambda c: (_score(ctx, bias, *c) + 0.3 * (c[0].voice != "own"), len(c[1].text)),
            )
            line = _extract(ctx, fact, best, "summary")
        add(line or _quoted_by(ctx, fact))
    return out


def _fallback_lead(ctx: _Context) -> list[BriefSentence]:
    """No fact is shared: the least loaded opening sentence of the most central article.

    Still extractive and cited; its single outlet tells the reader it is not corroborated."""
    cands = []
    for aid, ann in ctx.annotated.items():
        art = ctx.articles[aid]
        start = art.paragraphs[0][1] if art.title and art.paragraphs else 0
        body = [s for s in ann.sentences if s.start >= start] or list(ann.sentences)
        for s in body[:2]:
            span = _trim_span(art, s.start, s.end)
            if ctx.full_clause(span) and ctx.lead_ok(span):
                cands.append(span)
                break
    if not cands:
        return []
    bias = _bias(ctx, cands)
    best = min(
        zip(cands, bias, strict=True),
        key=lambda cb: (
            ctx.loaded_count(cb[0]) + cb[1] - ctx.centrality(cb[0].text),
            len(cb[0].text),
        ),
    )[0]
    return [BriefSentence("lead", best.text, (best,), (ctx.label(best.article_id),), "extract")]


# ---------------------------------------------------------------- disagreements


def _side_text(ctx: _Context, side: ConflictSide) -> str:
    who = ctx.label(side.span.article_id) if side.span.article_id in ctx.articles else side.outlet
    if side.attribution:
        who = f"{who} (quoting {side.attribution})"
    return f"{who}: {_quote(side.span.text, ctx.p.max_quote_chars)}"


def _disagreements(ctx: _Context, conflicts: Sequence[Conflict]) -> list[BriefSentence]:
    out = []
    mine = [
        c
        for c in conflicts
        if c.confidence >= ctx.p.min_conflict_confidence  # the rest stay in the table only
        and all(s.span.article_id in ctx.ids for side in conflict_sides(c) for s in side)
    ]
    for row in group_conflicts(mine):
        side_a, side_b = row.side_a, row.side_b
        sides = [*side_a, *side_b]
        label = _KIND_LABEL.get(row.kind, row.kind)
        text = (
            f"{label}. {'; '.join(_side_text(ctx, s) for s in side_a)} — "
            f"{'; '.join(_side_text(ctx, s) for s in side_b)}"
        )
        outlets = tuple(dict.fromkeys(ctx.label(s.span.article_id) for s in sides))
        cites = tuple(s.span for s in sides)
        out.append(BriefSentence("disagreements", text, cites, outlets, "conflict"))
    return out


# ---------------------------------------------------------------- only some / leaves out


def _only(ctx: _Context, facts: list[Fact], unit: str) -> BriefSentence | None:
    for fact in facts:
        if {ctx.unit(s.article_id) for s in fact.support} != {unit}:
            continue
        sent = ctx.sentence_span(fact.support[0].span)
        if sent is None or not ctx.full_clause(sent):
            continue
        others = [a for a in ctx.articles.values() if ctx.unit(a.id) != unit]
        if any(reports(a, sent.text, ctx.p.omission_overlap) for a in others):
            continue
        text = f"Only {unit} reports: {_quote(sent.text, ctx.p.max_quote_chars)}"
        return BriefSentence("per_outlet", text, (sent,), (unit,), "only")
    return None


def _omissions(
    ctx: _Context, facts: list[Fact], analysis: Analysis, unit: str, aids: list[str]
) -> list[BriefSentence]:
    """Facts every article of this source leaves out and two other sources report."""
    fact_by_id = {f.id: f for f in facts}
    missing: dict[str, set[str]] = defaultdict(set)
    for o in analysis.omissions:
        if o.article_id in aids and o.fact_id in fact_by_id:
            missing[o.fact_id].add(o.article_id)
    notes: list[BriefSentence] = []
    ranked = sorted(analysis.omissions, key=lambda o: -o.coverage)
    for fid in dict.fromkeys(o.fact_id for o in ranked if missing.get(o.fact_id) == set(aids)):
        fact = fact_by_id[fid]
        sent = ctx.sentence_span(fact.support[0].span)
        if sent is None or not ctx.full_clause(sent):
            continue
        if any(reports(ctx.articles[a], sent.text, ctx.p.omission_overlap) for a in aids):
            continue  # the omission check would fail: this source does say it
        cites = [sent]
        for s in fact.support[1:]:
            other = ctx.sentence_span(s.span) or s.span
            if ctx.unit(s.article_id) != unit and supports(
                sent.text, other.text, ctx.p.support_overlap
            ):
                cites.append(other)
        others = list(dict.fromkeys(ctx.label(c.article_id) for c in cites))
        if ctx.n_sources(c.article_id for c in cites) < 2:
            continue
        quote = _quote(sent.text, ctx.p.max_quote_chars)
        text = f"{unit} does not report {quote}, which {_and(others)} report."
        notes.append(BriefSentence("per_outlet", text, tuple(cites), (unit,), "omission"))
        if len(notes) >= ctx.p.max_per_outlet - 1:
            break
    return notes


def _per_outlet(ctx: _Context, facts: list[Fact], analysis: Analysis) -> list[BriefSentence]:
    """Per independent source: one fact only it reports, then what it leaves out."""
    by_unit: dict[str, list[str]] = defaultdict(list)
    for aid in ctx.articles:
        by_unit[ctx.unit(aid)].append(aid)
    out: list[BriefSentence] = []
    for unit, aids in by_unit.items():
        only = _only(ctx, facts, unit)
        if only is not None:
            out.append(only)
        out.extend(_omissions(ctx, facts, analysis, unit, aids))
    return out


# ---------------------------------------------------------------- voices


def _voices(ctx: _Context) -> list[BriefSentence]:
    """The most quoted speakers, each with the outlets quoting them (a quote cited per outlet)."""
    words: Counter[str] = Counter()
    spans: dict[str, dict[str, Span]] = defaultdict(dict)
    for ann in ctx.annotated.values():
        art = ctx.articles[ann.id]
        for q in ann.quotes:
            if not q.speaker or q.speaker == UNKNOWN or q.nested_in is not None:
                continue
            words[q.speaker] += q.words
            spans[q.speaker].setdefault(_label_of(art), art.span(q.start, q.end))
    out = []
    for speaker, _ in words.most_common(ctx.p.max_voices):
        cites = spans[speaker]
        outlets = tuple(cites)
        text = f"{speaker} is quoted by {_and(outlets)}."
        out.append(BriefSentence("voices", text, tuple(cites.values()), outlets, "voices"))
    return out


# ---------------------------------------------------------------- build


def build_brief(
    analysis: Analysis,
    story: Story | None = None,
    settings: BriefSettings | None = None,
    sources: Mapping[str, str] | None = None,
    framing: FramingSettings | None = None,
) -> Brief:
    """The brief for one story (or all articles when `story` is None), support-checked:
    lines that fail `check_sentence` are dropped and counted."""
    ids = set(story.article_ids) if story else {a.id for a in analysis.articles}
    ctx = _Context(analysis, ids, settings or BriefSettings(), sources, framing)
    facts = _story_facts(analysis.facts, ids)
    head = _lead_and_summary(ctx, facts)
    if not any(s.section == "lead" for s in head):
        head = _fallback_lead(ctx) + head
    drafts = [
        *head,
        *_disagreements(ctx, analysis.conflicts),
        *_per_outlet(ctx, facts, analysis),
        *_voices(ctx),
    ]
    kept = [s for s in drafts if not check_sentence(s, ctx.articles, ctx.p, ctx.sources)]
    return Brief(story.id if story else None, tuple(kept), len(drafts), len(drafts) - len(kept))


def build_briefs(
    analysis: Analysis,
    settings: BriefSettings | None = None,
    sources: Mapping[str, str] | None = None,
    framing: FramingSettings | None = None,
) -> list[Brief]:
    """One brief per storyline and per event (events identical to their storyline skipped)."""
    if not analysis.stories:
        return (
            [build_brief(analysis, None, settings, sources, framing)] if analysis.articles else []
        )
    by_id = {s.id: s for s in analysis.stories}
    out = []
    for story in analysis.stories:
        parent = by_id.get(story.parent_id or "")
        if parent is not None and set(parent.article_ids) == set(story.article_ids):
            continue
        out.append(build_brief(analysis, story, settings, sources, framing))
    return out


# ---------------------------------------------------------------- the support check


def _fragments(text: str) -> list[str]:
    return [m.group(1).strip(_TRIM + ".…") for m in _QUOTED.finditer(text)]


def _in(fragment: str, text: str) -> bool:
    return _norm(fragment).lower() in _norm(text).lower()


def _check_template(
    s: BriefSentence,
    by_label: Mapping[str, list[Article]],
    by_unit: Mapping[str, list[Article]],
    cited: Mapping[str, list[str]],
    p: BriefSettings,
) -> list[str]:
    """Slot checks for each template kind; `cited` = cited span texts per outlet label."""
    frags = _fragments(s.text)
    all_cited = [t for texts in cited.values() for t in texts]
    problems = []
    if not frags:
        return ["not found in its citations and quotes nothing from them"]
    for frag in frags:
        if not any(_in(frag, t) for t in all_cited):
            problems.append(f"quoted {frag[:60]!r} is not in any cited span")
    outside = _QUOTED.sub(" ", s.text)
    for label in sorted(by_label, key=len, reverse=True):
        outside = outside.replace(label, " ")  # "Channel 4" names an outlet, not a number
    for num in _numbers(outside):
        if not any(num in t for t in all_cited):
            problems.append(f"number {num} is not in any cited span")
    if s.kind == "quoted_by":
        speaker = _surname(s.text.split(", as quoted by ", 1)[0])
        for outlet in s.outlets:
            arts = by_label.get(outlet, [])
            if not any(_in(frags[0], a.text) for a in arts):
                problems.append(f"{outlet} does not print the quote it is credited with")
            elif speaker and not any(speaker in a.text for a in arts):
                problems.append(f"{outlet} never names {speaker}")
    elif s.kind == "conflict":
        for m in _SEGMENT.finditer(s.text.split(". ", 1)[-1]):
            who, spk, q = m.group("who").strip(), m.group("spk"), m.group("q")
            if not any(_in(q.strip(_TRIM + ".…"), t) for t in cited.get(who, [])):
                problems.append(f"{who} is not cited for {q[:40]!r}")
            name = _surname(spk)
            if name and not any(name in a.text for a in by_label.get(who, [])):
                problems.append(f"{who} never names {spk}")
    elif s.kind in ("only", "omission") and len(s.outlets) != 1:
        problems.append("names no single outlet")
    elif s.kind == "only":
        outlet = s.outlets[0]
        if not any(_in(frags[0], t) for t in cited.get(outlet, [])):
            problems.append(f"{outlet} is not cited for what only it reports")
        for label, arts in by_unit.items():
            if label != outlet and any(reports(a, frags[0], p.omission_overlap) for a in arts):
                problems.append(f"{label} reports it too")
    elif s.kind == "omission":
        outlet = s.outlets[0]
        if any(reports(a, frags[0], p.omission_overlap) for a in by_unit.get(outlet, [])):
            problems.append(f"{outlet} does report {frags[0][:40]!r}")
        if outlet in cited:
            problems.append(f"{outlet} is cited for what it is said to leave out")
    return problems


def check_sentence(
    sentence: BriefSentence,
    articles: Mapping[str, Article],
    settings: BriefSettings | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[str]:
    """Problems with one brief line (empty when every cited article supports it).

    Extracted lines: the text is the first citation verbatim and every other citation
    carries its numbers and most of its words. Templates: every quote is verbatim in a
    cited span, every number outside quotes is in one, and each kind's slots hold at the
    cited spans (the outlets "as quoted by" print the quote; an outlet said not to report
    something does not, against its whole text; each side of a disagreement is cited).
    `articles` should hold the story's articles: omission claims are judged against them.
    """
    p = settings or BriefSettings()
    head = f"[{sentence.section}] {sentence.text[:80]!r}"
    if not sentence.citations:
        return [f"{head}: no citation"]
    problems = []
    cited: dict[str, list[str]] = defaultdict(list)
    for c in sentence.citations:
        art = articles.get(c.article_id)
        if art is None:
            problems.append(f"{head}: cites unknown article {c.article_id}")
        elif art.text[c.start : c.end] != c.text:
            problems.append(f"{head}: cited span {c.start}-{c.end} does not match the article")
        else:
            cited[_label_of(art)].append(c.text)
    if problems:
        return problems
    labels = {_label_of(articles[c.article_id]) for c in sentence.citations}
    if sentence.kind in ("extract", "quoted_by", "voices", "conflict"):
        missing = [o for o in sentence.outlets if o not in labels]
        problems += [f"{head}: {o} is credited but not cited" for o in missing]
    if sentence.kind == "extract":
        first = sentence.citations[0].text
        if _norm(sentence.text) not in _norm(first):
            return [*problems, f"{head}: not the text of its first citation"]
        for c in sentence.citations[1:]:
            if not supports(sentence.text, c.text, p.support_overlap):
                problems.append(f"{head}: article {c.article_id[:6]} does not carry it")
        return problems
    by_label: dict[str, list[Article]] = defaultdict(list)
    by_unit: dict[str, list[Article]] = defaultdict(list)
    for a in articles.values():
        by_label[_label_of(a)].append(a)
        rep = articles.get((sources or {}).get(a.id, a.id), a)
        by_unit[_label_of(rep)].append(a)
    if sentence.kind == "voices":
        speaker = _surname(sentence.text.split(" is quoted by ", 1)[0])
        for c in sentence.citations:
            if speaker and speaker not in articles[c.article_id].text:
                problems.append(f"{head}: article {c.article_id[:6]} never names {speaker}")
        return problems
    return problems + [
        f"{head}: {r}" for r in _check_template(sentence, by_label, by_unit, cited, p)
    ]


def check_brief(
    brief: Brief,
    articles: Sequence[Article] | Mapping[str, Article],
    settings: BriefSettings | None = None,
    sources: Mapping[str, str] | None = None,
    scope: Iterable[str] | None = None,
) -> list[str]:
    """Every problem found in a brief (an empty list: every line is supported).

    `scope` (the story's article ids) limits the articles omission claims are judged on."""
    by_id = dict(articles) if isinstance(articles, Mapping) else {a.id: a for a in articles}
    if scope is not None:
        keep = set(scope)
        by_id = {k: v for k, v in by_id.items() if k in keep}
    problems: list[str] = []
    for s in brief.sentences:
        problems.extend(check_sentence(s, by_id, settings, sources))
    return problems
