"""How an outlet frames a story in its own voice: loaded terms, sourcing, hedging, bias score.

Only the outlet's own words count against it: anything inside a quote span (or
inside quotation marks) is a speaker's wording, not the outlet's. Word lists and
their origins: docs/framing.md and the headers of `parallax/resources/*`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from parallax.compare.bias_model import sentence_bias as _sentence_bias
from parallax.compare.lexicons import default_matcher, source_of, term_info
from parallax.models import AnnotatedArticle, Article, Claim, Framing, LoadedTerm, Sentence

__all__ = [
    "loaded_terms",
    "headline_terms",
    "framing_for",
    "sentence_bias",
    "own_voice_sentences",
]

FLAG_LISTS = ("parallax_loaded", "recasens_loaded")  # lists whose matches are reported
_PRIORITY = {"parallax_loaded": 0, "recasens_loaded": 1}
# Hyland's hedges "about"/"around" are hedges only before a number ("about 20").
_NUMERIC_HEDGES = {"about", "around"}
_ACCORDING = re.compile(r"\baccording to\b|\b(?:said|says|told)\b", re.I)
# Paired quotation marks, allowing paragraph breaks inside (quotes run across them).
_QUOTED = re.compile(r"“[^“”]{1,1500}”|\"[^\"]{1,1500}\"")


def sentence_bias(texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
    """P(biased) per sentence, from the BABE-trained model shipped in resources/.

    `embeddings`: optional precomputed all-MiniLM-L6-v2 rows, one per text.
    """
    return _sentence_bias(list(texts), embeddings=embeddings)


@lru_cache(maxsize=32)
def _parse(text: str) -> Any:
    from parallax.nlp import spacy_nlp

    return spacy_nlp()(text)


def _quoted_regions(text: str, quote_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quote spans from annotate plus any text between paired quotation marks.

    The scan is a safety net for partial and scare quotes an attributor may skip:
    words in quotation marks are someone else's, never the outlet's own voice.
    """
    regions = [(int(s), int(e)) for s, e in quote_spans if e > s]
    regions += [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    return sorted(regions)


def _inside(start: int, end: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in regions)


def _windows(article: Article, sentences: Sequence[Sentence] | None) -> list[tuple[int, int]]:
    if sentences:
        return [(s.start, s.end) for s in sentences]
    return [(0, len(article.text))]


def loaded_terms(
    article: Article,
    quote_spans: Sequence[tuple[int, int]],
    sentences: Sequence[Sentence] | None = None,
) -> tuple[LoadedTerm, ...]:
    """Loaded or emotive words in the outlet's own voice (never inside quotes), with reasons.

    When `sentences` are given only text inside them is searched (cruft stays out).
    """
    text = article.text or ""
    if not text.strip():
        return ()
    doc = _parse(text)
    regions = _quoted_regions(text, quote_spans)
    windows = _windows(article, sentences)
    info = term_info()
    found: list[tuple[int, int, str, str]] = []  # start, end, list key, term
    for m in default_matcher().matches(doc):
        if m.list_key not in FLAG_LISTS:
            continue
        start, end = doc[m.start_token].idx, doc[m.end_token - 1].idx + len(doc[m.end_token - 1])
        if _inside(start, end, regions) or not _inside(start, end, windows):
            continue
        found.append((start, end, m.list_key, m.term))
    # longest match wins; on equal spans our list (with a written reason) wins
    found.sort(key=lambda f: (-(f[1] - f[0]), _PRIORITY[f[2]], f[0]))
    kept: list[tuple[int, int, str, str]] = []
    for f in found:
        if not any(f[0] < k[1] and k[0] < f[1] for k in kept):
            kept.append(f)
    out = []
    for start, end, key, term in sorted(kept):
        entry = info[(key, term)]
        surface = text[start:end]
        if key == "parallax_loaded":
            reason = entry.reason or f"{entry.category}: '{surface}'"
        else:
            reason = f"Recasens bias lexicon: '{surface}' ({entry.category})"
        out.append(LoadedTerm(article.id, start, end, surface, reason, source_of(key)))
    return tuple(out)


def headline_terms(article: Article) -> tuple[LoadedTerm, ...]:
    """Loaded terms in the headline. NOTE: start/end index `article.title`, not `.text`.

    The title is not part of `Article.text`, so these cannot join `Framing.loaded_terms`
    (whose spans index the text); the reason starts with "headline: " to say so.
    """
    title = article.title or ""
    if not title.strip():
        return ()
    as_text = dataclasses.replace(article, text=title, paragraphs=((0, len(title)),))
    return tuple(
        dataclasses.replace(t, reason=f"headline: {t.reason}") for t in loaded_terms(as_text, [])
    )


def own_voice_sentences(annotated: AnnotatedArticle) -> list[Sentence]:
    """Sentences mostly (>= half their characters) outside quotes: the outlet speaking."""
    text = annotated.article.text
    regions = _quoted_regions(text, [(q.start, q.end) for q in annotated.quotes])
    out = []
    for s in annotated.sentences:
        quoted = sum(max(0, min(e, s.end) - max(b, s.start)) for b, e in regions)
        if quoted * 2 < max(1, s.end - s.start):
            out.append(s)
    return out


def _is_sourced(sent: Sentence, annotated: AnnotatedArticle, doc: Any) -> bool:
    """A sentence with a quote, a quote cue, "according to", or a report verb with a subject."""
    for q in annotated.quotes:
        spans = [(q.start, q.end)]
        if q.cue_start is not None and q.cue_end is not None:
            spans.append((q.cue_start, q.cue_end))
        if _inside(sent.start, sent.end, spans):
            return True
    if _ACCORDING.search(sent.text):
        return True
    report = {e.term for e in _report_entries()}
    span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
    if span is None:
        return False
    return any(
        t.lemma_.lower() in report and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
        for t in span
        if t.pos_ == "VERB"
    )


@lru_cache(maxsize=1)
def _report_entries() -> tuple[Any, ...]:
    from parallax.compare.lexicons import entries

    return entries()["report_verbs"]


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


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)] if len(values) else values
    return float(values.mean()) if len(values) else 0.0


def framing_for(
    annotated: AnnotatedArticle,
    claims: Sequence[Claim] | None = None,
    sentence_vectors: np.ndarray | None = None,
) -> Framing:
    """Framing of one article: loaded terms, sourced vs own-voice claims, hedges, bias scores.

    With `claims`, a claim with an attribution is sourced and one without is the
    outlet's own voice; without them each sentence is classified (see `_is_sourced`).
    `sentence_vectors` (one row per `annotated.sentences`, as from
    `parallax.annotate.embed.sentence_vectors`) saves re-encoding the sentences.
    """
    article = annotated.article
    text = article.text or ""
    doc = _parse(text)
    quote_spans = [(q.start, q.end) for q in annotated.quotes]
    regions = _quoted_regions(text, quote_spans)
    terms = loaded_terms(article, quote_spans, annotated.sentences or None)

    mine = [c for c in claims if c.article_id == article.id] if claims is not None else None
    if mine is not None:
        sourced = sum(c.attribution is not None for c in mine)
        unsourced = len(mine) - sourced
    else:
        flags = [_is_sourced(s, annotated, doc) for s in annotated.sentences]
        sourced, unsourced = sum(flags), len(flags) - sum(flags)

    hedges, boosters = _hedges_and_boosters(doc, regions)

    title = (article.title or "").strip()
    own = [s for s in own_voice_sentences(annotated) if s.text.strip() and s.text.strip() != title]
    vecs = None
    if sentence_vectors is not None and len(sentence_vectors) == len(annotated.sentences):
        pos = {s.index: i for i, s in enumerate(annotated.sentences)}
        vecs = np.asarray(sentence_vectors)[[pos[s.index] for s in own]]
    body_scores = sentence_bias([s.text for s in own], embeddings=vecs)
    headline_scores = sentence_bias([title]) if title else np.zeros(0)
    scores = np.concatenate([headline_scores, body_scores])
    headline = float(headline_scores[0]) if len(headline_scores) else 0.0
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
    )
