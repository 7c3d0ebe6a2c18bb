"""The annotate stage: one spaCy pass per article, then entities, titles, quotes, dates, numbers.

spaCy runs once per process over all uncached articles with `nlp.pipe` (batched,
optionally in several processes); every annotator below reads that one Doc. Results
are cached in the store under ANNOTATOR_VERSION, so re-annotating is free. The
cache holds per-article annotations; cross-article names (`resolve_entities`) are
recomputed on every call because they depend on which articles are together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from parallax.entities import find_mentions, find_people, resolve_entities
from parallax.models import AnnotatedArticle, Article, Sentence
from parallax.quantities import find_quantities
from parallax.quotes import find_quotes
from parallax.store import Store
from parallax.temporal import resolve_times

__all__ = ["ANNOTATOR_VERSION", "annotate", "annotate_doc", "resolve_entities"]

ANNOTATOR_VERSION = "ann-1"


def year_hint(articles: Sequence[Article]) -> int | None:
    """The most common publication year among the articles: the year for year-less dates."""
    years = Counter(a.published.year for a in articles if a.published is not None)
    return years.most_common(1)[0][0] if years else None


def annotate_doc(doc: Any, article: Article, hint: int | None = None) -> AnnotatedArticle:
    """All annotations of one article from its parsed Doc (names are per-article here)."""
    aid = article.id
    sentences: list[Sentence] = []
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        sentences.append(Sentence(aid, len(sentences), start, start + len(text), text))
    people = find_people(doc, aid)
    return AnnotatedArticle(
        article=article,
        sentences=tuple(sentences),
        mentions=tuple(find_mentions(doc, aid, people)),
        titles=tuple(people.titles),
        quotes=tuple(find_quotes(doc, aid, people, article.paragraphs)),
        times=tuple(resolve_times(doc, aid, article.published, hint)),
        quantities=tuple(find_quantities(doc, aid)),
    )


def _version(published: object, hint: int | None) -> str:
    return ANNOTATOR_VERSION if published is not None else f"{ANNOTATOR_VERSION}/y{hint or 0}"


def _save(store: Store, annotated: list[AnnotatedArticle], hint: int | None) -> None:
    dated = [a for a in annotated if a.article.published is not None]
    undated = [a for a in annotated if a.article.published is None]
    if dated:
        store.put_annotations(dated, ANNOTATOR_VERSION)
    if undated:
        store.put_annotations(undated, _version(None, hint))


def _empty(article: Article) -> AnnotatedArticle:
    return AnnotatedArticle(article, (), (), (), (), (), ())


def annotate(
    articles: Sequence[Article],
    store: Store | None = None,
    progress: Callable[[int], None] | None = None,
    n_process: int = 1,
    batch_size: int = 16,
) -> list[AnnotatedArticle]:
    """Annotate articles (cached ones come from the store) and resolve names across them.

    `progress` is called with the number of articles just finished (an increment).
    """
    articles = list(articles)
    hint = year_hint(articles)
    done: dict[str, AnnotatedArticle] = {}
    if store is not None:
        # undated articles borrow the batch's year for year-less dates, so their cache key
        # carries that year; dated articles do not depend on the batch
        dated = [a for a in articles if a.published is not None]
        undated = [a for a in articles if a.published is None]
        done.update(store.get_annotations(dated, ANNOTATOR_VERSION))
        done.update(store.get_annotations(undated, _version(None, hint)))
    if progress and done:
        progress(len(done))
    todo = list({a.id: a for a in articles if a.id not in done}.values())
    if todo:
        from parallax.nlp import spacy_nlp

        nlp = spacy_nlp()
        limit = nlp.max_length - 1
        texts = [a.text[:limit] if isinstance(a.text, str) else "" for a in todo]
        fresh: list[AnnotatedArticle] = []
        pipe = nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
        for article, doc in zip(todo, pipe, strict=True):
            try:
                ann = annotate_doc(doc, article, hint)
            except Exception:  # one odd article must not stop a crawl; it stays unannotated
                ann = _empty(article)
            fresh.append(ann)
            done[article.id] = ann
            if progress:
                progress(1)
            if store is not None and len(fresh) >= 64:
                _save(store, fresh, hint)
                fresh = []
        if store is not None and fresh:
            _save(store, fresh, hint)
    ordered = [done[a.id] for a in articles]
    resolved, _ = resolve_entities(ordered)
    return resolved
