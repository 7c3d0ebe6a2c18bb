"""How an outlet frames a story in its own voice: loaded terms, sourcing, hedging, bias score.

Only the outlet's own words count against it: anything inside a quote span (or
inside quotation marks) is a speaker's wording, not the outlet's. Everything here
reads the one stored parse (`AnnotatedArticle.doc`, `.title_doc`); nothing parses
text again. Loaded words come from a token tagger learned from labelled news
(`bias_model.TaggerModel`, docs/framing.md); the word-list detector is the fallback
behind `FramingSettings.detector = "lexicon"`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from parallax.compare import bias_model as bm
from parallax.compare.framing_settings import FramingSettings
from parallax.compare.lexicons import default_matcher, source_of, term_info
from parallax.models import (
    ActorTerms,
    AnnotatedArticle,
    Claim,
    Framing,
    FramingSignal,
    LoadedTerm,
    Sentence,
)

__all__ = [
    "loaded_terms",
    "headline_terms",
    "framing_for",
    "sentence_bias",
    "warm_bias_cache",
    "span_bias",
    "bias_of_spans",
    "own_voice_sentences",
    "quoted_regions",
    "actor_terms",
    "speculative_sentences",
]

FLAG_LISTS = ("recasens_loaded",)  # fallback detector: lists whose matches are reported
# Hyland's hedges "about"/"around" are hedges only before a number ("about 20").
_NUMERIC_HEDGES = {"about", "around"}
_ACCORDING = re.compile(r"\baccording to\b|\b(?:said|says|told)\b", re.I)
quoted_regions = bm.quoted_regions  # re-exported: quotes + paired quotation marks


def bias_of_spans(
    annotated: Mapping[str, AnnotatedArticle],
    spans: Sequence[Any],
    settings: FramingSettings | None = None,
) -> np.ndarray:
    """P(biased) for spans (article_id, start, end) of articles whose parse is stored.

    NaN where the article or its parse is missing; never parses text again.
    """
    out = np.full(len(spans), np.nan)
    found, rows = [], []
    for i, sp in enumerate(spans):
        ann = annotated.get(sp.article_id)
        doc = ann.doc if ann is not None else None
        span = doc.char_span(sp.start, sp.end, alignment_mode="expand") if doc else None
        if span is not None and len(span):
            found.append(span)
            rows.append(i)
    if found:
        out[rows] = span_bias(found, settings=settings)
    return out


_ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_SPECULATIVE_MODALS = {"may", "might", "could", "would", "should"}


def sentence_bias(
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    settings: FramingSettings | None = None,
) -> np.ndarray:
    """P(biased) per plain text (not from a stored parse: these texts are parsed here)."""
    name = (settings or FramingSettings()).sentence_model
    return bm.sentence_bias(list(texts), embeddings=embeddings, model_name=name)


def span_bias(
    spans: Sequence[Any],
    embeddings: np.ndarray | None = None,
    settings: FramingSettings | None = None,
) -> np.ndarray:
    """P(biased) per spaCy Span of a stored parse (no re-parse)."""
    name = (settings or FramingSettings()).sentence_model
    texts = [s.text for s in spans]
    return bm.sentence_bias(texts, docs=list(spans), embeddings=embeddings, model_name=name)


def _inside(start: int, end: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in regions)


def _regions(annotated: AnnotatedArticle) -> list[tuple[int, int]]:
    return quoted_regions(annotated.article.text, [(q.start, q.end) for q in annotated.quotes])


def _sent_spans(doc: Any, windows: Sequence[tuple[int, int]] | None) -> list[Any]:
    if doc is None:
        return []
    if not windows:
        return list(doc.sents)
    out = []
    for s, e in windows:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None and len(span):
            out.append(span)
    return out


@lru_cache(maxsize=4)
def _tagger(settings: FramingSettings) -> bm.TaggerModel | None:
    return bm.load_tagger(settings.tagger_model, settings.tagger_path or None)


def scored_tokens(
    spans: Sequence[Any], regions: Sequence[tuple[int, int]], model: bm.TaggerModel
) -> list[tuple[list[Any], np.ndarray]]:
    """Per sentence span: its own-voice candidate tokens and their P(loaded)."""
    out = []
    for sent in spans:
        toks = bm.candidate_tokens(sent, regions)
        if not toks:
            continue
        lex = bm.lexicon_membership(sent.as_doc())
        feats = [bm.token_feature_dict(t, lex.get(t.i - sent.start, set()), sent) for t in toks]
        out.append((toks, model.score(feats)))
    return out


def _learned_terms(
    article_id: str, spans: Sequence[Any], regions: Sequence[tuple[int, int]], cfg: FramingSettings
) -> list[LoadedTerm]:
    model = _tagger(cfg)
    if model is None:
        return []
    out: list[LoadedTerm] = []
    for toks, scores in scored_tokens(spans, regions, model):
        for start, end, p in bm.tag_spans(toks, scores, cfg.tagger_threshold):
            surface = toks[0].doc.text[start:end]
            reason = (
                f"learned tagger: P(loaded) = {p:.2f} for '{surface}' in the outlet's own voice"
            )
            out.append(LoadedTerm(article_id, start, end, surface, reason, model.source))
    return out


def _lexicon_terms(
    article_id: str, spans: Sequence[Any], regions: Sequence[tuple[int, int]]
) -> list[LoadedTerm]:
    """The fallback without learned weights: Recasens et al. evaluative-subset matches."""
    info = term_info()
    out: list[LoadedTerm] = []
    for sent in spans:
        found = []
        for m in default_matcher().matches(sent.as_doc()):
            if m.list_key not in FLAG_LISTS:
                continue
            first, last = sent[m.start_token], sent[m.end_token - 1]
            start, end = first.idx, last.idx + len(last)
            if not _inside(start, end, regions):
                found.append((start, end, m))
        kept: list[tuple[int, int, Any]] = []
        for f in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest match wins
            if not any(f[0] < k[1] and k[0] < f[1] for k in kept):
                kept.append(f)
        for start, end, m in sorted(kept, key=lambda k: k[0]):
            surface = sent.doc.text[start:end]
            entry = info[(m.list_key, m.term)]
            reason = f"Recasens bias lexicon: '{surface}' ({entry.category})"
            out.append(LoadedTerm(article_id, start, end, surface, reason, source_of(m.list_key)))
    return out


def loaded_terms(
    annotated: AnnotatedArticle,
    settings: FramingSettings | None = None,
    sentences: Sequence[Sentence] | None = None,
) -> tuple[LoadedTerm, ...]:
    """Loaded words and phrases in the outlet's own voice (never inside quotes), with reasons.

    Searched inside `sentences` (default: the annotated sentences, so cruft stays out).
    """
    cfg = settings or FramingSettings()
    sents = sentences if sentences is not None else annotated.sentences
    spans = _sent_spans(annotated.doc, [(s.start, s.end) for s in sents] or None)
    regions = _regions(annotated)
    if cfg.detector == "lexicon":
        return tuple(_lexicon_terms(annotated.id, spans, regions))
    return tuple(_learned_terms(annotated.id, spans, regions, cfg))


def headline_terms(
    annotated: AnnotatedArticle, settings: FramingSettings | None = None
) -> tuple[LoadedTerm, ...]:
    """Loaded terms in the headline, scored like body text. Spans index `article.title`."""
    cfg = settings or FramingSettings()
    doc = annotated.title_doc
    if doc is None or not doc.text.strip():
        return ()
    spans = [doc[:]]
    regions = quoted_regions(doc.text, [])
    if cfg.detector == "lexicon":
        terms = _lexicon_terms(annotated.id, spans, regions)
    else:
        terms = _learned_terms(annotated.id, spans, regions, cfg)
    return tuple(terms)


def own_voice_sentences(
    annotated: AnnotatedArticle, settings: FramingSettings | None = None
) -> list[Sentence]:
    """Sentences mostly outside quotes (quoted share below the setting): the outlet speaking."""
    cfg = settings or FramingSettings()
    regions = _regions(annotated)
    out = []
    for s in annotated.sentences:
        quoted = sum(max(0, min(e, s.end) - max(b, s.start)) for b, e in regions)
        if quoted < cfg.own_voice_max_quoted * max(1, s.end - s.start):
            out.append(s)
    return out


def _is_sourced(sent: Sentence, annotated: AnnotatedArticle) -> bool:
    """A sentence with a quote, a quote cue, "according to", or a report verb with a subject."""
    for q in annotated.quotes:
        spans = [(q.start, q.end)]
        if q.cue_start is not None and q.cue_end is not None:
            spans.append((q.cue_start, q.cue_end))
        if _inside(sent.start, sent.end, spans):
            return True
    if _ACCORDING.search(sent.text):
        return True
    span = annotated.doc.char_span(sent.start, sent.end, alignment_mode="expand")
    if span is None:
        return False
    report = _report_verbs()
    return any(
        t.lemma_.lower() in report and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
        for t in span
        if t.pos_ == "VERB"
    )


@lru_cache(maxsize=1)
def _report_verbs() -> frozenset[str]:
    from parallax.compare.lexicons import entries

    return frozenset(e.term for e in entries()["report_verbs"])


@lru_cache(maxsize=1)
def _hedge_words() -> frozenset[str]:
    from parallax.compare.lexicons import entries

    return frozenset(e.term for e in entries()["hedges"] if " " not in e.term)


def _hedges_and_boosters(doc: Any, regions: Sequence[tuple[int, int]]) -> tuple[int, int]:
    hedges = boosters = 0
    for m in default_matcher().matches(doc):
        start = doc[m.start_token].idx
        if _inside(start, start + 1, regions):
            continue
        if m.list_key == "hedges":
            nxt = doc[m.end_token] if m.end_token < len(doc) else None
            if m.term in _NUMERIC_HEDGES and not (nxt is not None and nxt.like_num):
                continue
            hedges += 1
        elif m.list_key in ("boosters", "factives"):
            boosters += 1
    return hedges, boosters


def speculative_sentences(
    annotated: AnnotatedArticle, settings: FramingSettings | None = None
) -> tuple[FramingSignal, ...]:
    """Own-voice, unattributed sentences carrying a modal or a hedge: unsourced speculation."""
    out = []
    hedges = _hedge_words()
    for s in own_voice_sentences(annotated, settings):
        if _is_sourced(s, annotated):
            continue
        span = annotated.doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            continue
        cues = [
            t.text
            for t in span
            if (t.tag_ == "MD" and t.lower_ in _SPECULATIVE_MODALS) or t.lower_ in hedges
        ]
        if cues:
            reason = f"unattributed claim with {', '.join(sorted(set(cues)))}"
            out.append(FramingSignal(annotated.id, s.start, s.end, s.text, "speculation", reason))
    return tuple(out)


def _descriptors(tok: Any) -> list[str]:
    """Words the parse ties to an entity's head token: modifiers, appositions, nominal heads."""
    words = [c.lemma_.lower() for c in tok.children if c.dep_ == "amod"]
    for c in tok.children:
        if c.dep_ == "appos" and c.pos_ == "NOUN":
            words.append(c.lemma_.lower())
            words += [g.lemma_.lower() for g in c.children if g.dep_ == "amod"]
    head = tok.head
    if tok.dep_ in ("compound", "poss", "amod", "nmod") and head.pos_ == "NOUN" and head is not tok:
        words.append(head.lemma_.lower())
    return [w for w in words if w.isalpha()]


def actor_terms(
    annotated: AnnotatedArticle, settings: FramingSettings | None = None
) -> tuple[ActorTerms, ...]:
    """How this article describes its main actors ("regime" vs "government"), from the parse."""
    cfg = settings or FramingSettings()
    doc = annotated.doc
    if doc is None:
        return ()
    regions = _regions(annotated)
    counts: Counter[str] = Counter()
    words: dict[str, Counter[str]] = {}
    labels: dict[str, str] = {}
    for m in annotated.mentions:
        if m.label not in _ACTOR_LABELS:
            continue
        counts[m.canonical] += 1
        labels.setdefault(m.canonical, m.label)
        if _inside(m.start, m.end, regions):
            continue  # a speaker's words are not the outlet's description
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        words.setdefault(m.canonical, Counter()).update(_descriptors(span.root))
    out = []
    for name, n in counts.most_common(cfg.main_actors):
        top = words.get(name, Counter()).most_common(cfg.actor_words)
        out.append(ActorTerms(annotated.id, name, labels[name], n, tuple(w for w, _ in top)))
    return tuple(out)


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)] if len(values) else values
    return float(values.mean()) if len(values) else 0.0


def _own_scored(annotated: AnnotatedArticle, cfg: FramingSettings) -> list[Sentence]:
    """The own-voice sentences whose bias `framing_for` scores (the headline apart)."""
    title = (annotated.article.title or "").strip()
    return [
        s for s in own_voice_sentences(annotated, cfg) if s.text.strip() and s.text.strip() != title
    ]


def _bias_spans(annotated: AnnotatedArticle, own: list[Sentence]) -> tuple[list[Any], list[Any]]:
    """(body spans of `own`, [the headline span] or []) as the sentence bias model scores them."""
    spans = _sent_spans(annotated.doc, [(s.start, s.end) for s in own])
    title_doc = annotated.title_doc
    has_title = title_doc is not None and title_doc.text.strip()
    return spans, [title_doc[:]] if has_title else []


def warm_bias_cache(
    annotated: Sequence[AnnotatedArticle], settings: FramingSettings | None = None
) -> int:
    """Encode, in one e5 call, every text `framing_for` will score for these articles.

    The scores do not change (a text's vector does not depend on its batch, and the e5
    content-hash cache then serves them); the cost does: per-article calls of 1 headline
    or 20-30 sentences of mixed length pad more and pay the per-batch overhead more often
    than one call sorted by length (27.8 vs 21.3 CPU-s for 60 PolNeAR articles' texts,
    docs/performance.md). Returns the number of texts sent.
    """
    cfg = settings or FramingSettings()
    model = bm.load_model(cfg.sentence_model) if cfg.detector != "lexicon" else None
    if model is None or not set(model.features) & set(bm.E5_FEATURES):
        return 0
    texts: list[str] = []
    for ann in annotated:
        body, head = _bias_spans(ann, _own_scored(ann, cfg))
        texts += [s.text for s in (*head, *body)]
    if texts:
        bm.embed_e5(texts)
    return len(texts)


def _bias_scores(
    annotated: AnnotatedArticle,
    own: list[Sentence],
    sentence_vectors: np.ndarray | None,
    cfg: FramingSettings,
) -> tuple[np.ndarray, np.ndarray]:
    if cfg.detector == "lexicon":  # the fallback runs without any learned weights
        return np.zeros(0), np.zeros(0)
    vecs = None
    if sentence_vectors is not None and len(sentence_vectors) == len(annotated.sentences):
        pos = {s.index: i for i, s in enumerate(annotated.sentences)}
        vecs = np.asarray(sentence_vectors)[[pos[s.index] for s in own]]
    spans, head = _bias_spans(annotated, own)
    if len(spans) != len(own):
        vecs = None
    body = span_bias(spans, embeddings=vecs, settings=cfg) if spans else np.zeros(0)
    headline = span_bias(head, settings=cfg) if head else np.zeros(0)
    return headline, body


def framing_for(
    annotated: AnnotatedArticle,
    claims: Sequence[Claim] | None = None,
    sentence_vectors: np.ndarray | None = None,
    settings: FramingSettings | None = None,
) -> Framing:
    """Framing of one article: loaded terms, sourcing, hedging, bias scores, actor wording.

    With `claims`, a claim with an attribution is sourced and one without is the
    outlet's own voice; without them each sentence is classified (see `_is_sourced`).
    `sentence_vectors` (one row per `annotated.sentences`, as from
    `parallax.annotate.embed.sentence_vectors`) saves re-encoding the sentences.
    """
    cfg = settings or FramingSettings()
    article = annotated.article
    terms = loaded_terms(annotated, cfg, annotated.sentences or None)
    mine = [c for c in claims if c.article_id == article.id] if claims is not None else None
    if mine is not None:
        sourced = sum(c.attribution is not None for c in mine)
        unsourced = len(mine) - sourced
    else:
        flags = [_is_sourced(s, annotated) for s in annotated.sentences]
        sourced, unsourced = sum(flags), len(flags) - sum(flags)
    hedges, boosters = (
        _hedges_and_boosters(annotated.doc, _regions(annotated))
        if annotated.doc is not None
        else (0, 0)
    )
    own = _own_scored(annotated, cfg)
    headline_scores, body_scores = _bias_scores(annotated, own, sentence_vectors, cfg)
    scores = np.concatenate([headline_scores, body_scores])
    headline = float(headline_scores[0]) if len(headline_scores) else 0.0
    words = max(1, article.words)
    return Framing(
        article_id=article.id,
        outlet=article.outlet,
        loaded_terms=terms,
        sourced_claims=int(sourced),
        unsourced_claims=int(unsourced),
        hedges=hedges,
        certainty_markers=boosters,
        bias_score=_mean(scores),
        headline_bias=headline if not np.isnan(headline) else 0.0,
        body_bias=_mean(body_scores),
        headline_terms=headline_terms(annotated, cfg),
        loaded_per_1000_words=round(1000.0 * len(terms) / words, 2),
        own_voice_share=round(len(own) / max(1, len(annotated.sentences)), 3),
        actors=actor_terms(annotated, cfg),
        speculation=speculative_sentences(annotated, cfg),
    )
