"""The annotate stage: one spaCy pass per article, then entities, titles, quotes, dates, numbers.

spaCy runs once per process over all uncached articles with `nlp.pipe` (batched); every
annotator below reads that one Doc, and the Doc itself is kept on the annotated article
(`AnnotatedArticle.doc`, stored as DocBin bytes) so later stages (claims, framing, the
bias model) read its tokens and never parse again. Results are cached in the store under
ANNOTATOR_VERSION. Names are per article here; cross-article names are resolved per story
by the runner (`annotate.entities.resolve_entities`), never written back.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from parallax.annotate.entities import find_mentions, find_people
from parallax.annotate.parse import doc_from_bytes, doc_to_bytes, parse_articles
from parallax.annotate.quantities import find_quantities
from parallax.annotate.quotes import find_quotes
from parallax.annotate.settings import AnnotateSettings, QuoteSettings
from parallax.annotate.temporal import resolve_times
from parallax.models import AnnotatedArticle, Article, Sentence
from parallax.store import Store

__all__ = ["ANNOTATOR_VERSION", "annotate", "annotate_doc"]

log = logging.getLogger(__name__)

ANNOTATOR_VERSION = (
    "ann-4"  # ann-4: attribution rules of 2026-12-03, ages/halves/"more than a" in quantities
)


def year_hint(articles: Sequence[Article]) -> int | None:
    """The most common publication year among the articles: the year for year-less dates."""
    years = Counter(a.published.year for a in articles if a.published is not None)
    return years.most_common(1)[0][0] if years else None


@dataclass(frozen=True)
class DocContext:
    """What every annotator reads besides the Doc: the article, its people, settings."""

    article: Article
    people: Any  # entities.People: persons and their titles found in this article
    hint: int | None  # the batch's most common year, for year-less dates
    quotes: QuoteSettings | None


Annotator = Callable[[Any, DocContext], tuple[Any, ...]]


def _sentences(doc: Any, ctx: DocContext) -> tuple[Sentence, ...]:
    """The parser's sentences, trimmed of surrounding whitespace."""
    out: list[Sentence] = []
    for sent in doc.sents:
        text = sent.text.strip()
        if text:
            start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            out.append(Sentence(ctx.article.id, len(out), start, start + len(text), text))
    return tuple(out)


# One signature for every annotator: (Doc, DocContext) -> the AnnotatedArticle field it fills.
ANNOTATORS: tuple[tuple[str, Annotator], ...] = (
    ("sentences", _sentences),
    ("mentions", lambda doc, c: tuple(find_mentions(doc, c.article.id, c.people))),
    ("titles", lambda doc, c: tuple(c.people.titles)),
    ("quotes", lambda doc, c: tuple(find_quotes(doc, c.article.id, c.people, c.article.paragraphs, c.quotes))),
    ("times", lambda doc, c: tuple(resolve_times(doc, c.article.id, c.article.published, c.hint))),
    ("quantities", lambda doc, c: tuple(find_quantities(doc, c.article.id))),
)  # fmt: skip


def annotate_doc(
    doc: Any,
    article: Article,
    hint: int | None = None,
    quotes: QuoteSettings | None = None,
    title_doc: Any = None,
) -> AnnotatedArticle:
    """All annotations of one article from its parsed Doc (names are per-article here)."""
    ctx = DocContext(article, find_people(doc, article.id), hint, quotes)
    layers = {name: annotator(doc, ctx) for name, annotator in ANNOTATORS}
    return AnnotatedArticle(article=article, **layers, doc=doc, title_doc=title_doc)


TITLE_KEY = "{}#title"  # parses-table key of an article's headline parse


def parse_rows(annotated: Sequence[AnnotatedArticle]) -> dict[str, bytes]:
    """The parses-table rows of these articles: body under the id, headline under TITLE_KEY."""
    rows = {a.id: doc_to_bytes(a.doc) for a in annotated if a.doc is not None}
    rows.update(
        {TITLE_KEY.format(a.id): doc_to_bytes(a.title_doc) for a in annotated if a.title_doc}
    )
    return rows


def _version(published: object, hint: int | None) -> str:
    return ANNOTATOR_VERSION if published is not None else f"{ANNOTATOR_VERSION}/y{hint or 0}"


def _save(store: Store, annotated: list[AnnotatedArticle], hint: int | None) -> None:
    for version, group in (
        (ANNOTATOR_VERSION, [a for a in annotated if a.article.published is not None]),
        (_version(None, hint), [a for a in annotated if a.article.published is None]),
    ):
        if group:
            store.put_annotations(group, version)
    store.put_parses(parse_rows(annotated))


def _cached(store: Store, articles: list[Article], hint: int | None) -> dict[str, AnnotatedArticle]:
    """Stored annotations whose stored parse is also there (else the article is re-parsed)."""
    done: dict[str, AnnotatedArticle] = {}
    # undated articles borrow the batch's year for year-less dates, so their cache key
    # carries that year; dated articles do not depend on the batch
    done.update(store.get_annotations([a for a in articles if a.published], ANNOTATOR_VERSION))
    undated = [a for a in articles if a.published is None]
    done.update(store.get_annotations(undated, _version(None, hint)))
    parses = store.get_parses([*done, *(TITLE_KEY.format(a) for a in done)])
    return {
        aid: replace(
            ann,
            doc=doc_from_bytes(parses[aid]),
            title_doc=doc_from_bytes(parses[TITLE_KEY.format(aid)]),
        )
        for aid, ann in done.items()
        if aid in parses and TITLE_KEY.format(aid) in parses
    }


def annotate(
    articles: Sequence[Article],
    store: Store | None = None,
    progress: Callable[[int], None] | None = None,
    settings: Any = None,
) -> list[AnnotatedArticle]:
    """Annotate articles (cached ones come from the store); names stay per article.

    `progress` is called with the number of articles just finished (an increment).
    """
    cfg: AnnotateSettings = settings.annotate if settings is not None else AnnotateSettings()
    articles = list(articles)
    hint = year_hint(articles)
    done = _cached(store, articles, hint) if store is not None else {}
    if progress and done:
        progress(len(done))
    todo = list({a.id: a for a in articles if a.id not in done}.values())
    fresh: list[AnnotatedArticle] = []
    docs = parse_articles(
        [a.text for a in todo],
        [a.title or "" for a in todo],
        cfg.batch_size,
        cfg.n_process,
        cfg.max_chunk_chars,
        cfg.min_per_process,
    )
    for article, (doc, title_doc) in zip(todo, docs, strict=True):
        try:
            ann = annotate_doc(doc, article, hint, cfg.quotes, title_doc)
        except Exception as exc:  # one odd article must not stop a crawl
            log.warning("%s: annotation failed (%s); article left unannotated", article.source, exc)
            done[article.id] = AnnotatedArticle(
                article, (), (), (), (), (), (), doc=doc, title_doc=title_doc
            )
            continue  # never cached: a fixed annotator retries it next run
        fresh.append(ann)
        done[article.id] = ann
        if progress:
            progress(1)
        if store is not None and len(fresh) >= 64:
            _save(store, fresh, hint)
            fresh = []
    if store is not None and fresh:
        _save(store, fresh, hint)
    return [done[a.id] for a in articles]
