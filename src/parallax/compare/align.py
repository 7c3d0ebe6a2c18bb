"""Align claims across articles into facts: the same statement told by several outlets.

Two claims align when their embeddings are close AND they share something
concrete (an entity, a number, a date or enough content words); embeddings
alone merge claims that are merely on the same topic. Candidate pairs come
from a k-nearest-neighbour index (faiss HNSW above a few thousand claims,
exact search below) so the cost grows ~n log n with the number of articles
instead of comparing every sentence with every other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from parallax.compare.claims import ClaimUnit
from parallax.models import AnnotatedArticle, Fact, FactSupport

STRONG = 0.80  # cosine at which wording alone is enough
WEAK = 0.62  # cosine that needs concrete overlap as well
K = 8  # neighbours per claim
HNSW_ABOVE = 4000  # claims; exact search is faster below this


def embed_claims(
    units: Sequence[ClaimUnit],
    annotated: Sequence[AnnotatedArticle] = (),
    sentence_vectors: Sequence[np.ndarray] | None = None,
) -> np.ndarray:
    """L2-normalised vectors, one per claim; reuses sentence vectors for whole-sentence
    claims and embeds each distinct clause text once (replicated wording costs nothing)."""
    if not units:
        return np.zeros((0, 384), dtype=np.float32)
    sent_vec: dict[tuple[str, int], np.ndarray] = {}
    if sentence_vectors is not None:
        for ann, vecs in zip(annotated, sentence_vectors, strict=False):
            for sent, v in zip(ann.sentences, vecs, strict=False):
                sent_vec[(ann.id, sent.index)] = np.asarray(v, dtype=np.float32)
    need: dict[str, int] = {}
    for u in units:
        s = u.sentence
        whole = s is not None and (u.claim.end - u.claim.start) >= 0.9 * (s.end - s.start)
        if not (whole and (u.article_id, u.claim.sentence_index) in sent_vec):
            need.setdefault(u.claim.text, len(need))
    new = _encode(list(need)) if need else np.zeros((0, 384), dtype=np.float32)
    dim = new.shape[1] if len(new) else next(iter(sent_vec.values())).shape[0]
    out = np.zeros((len(units), dim), dtype=np.float32)
    for i, u in enumerate(units):
        if u.claim.text in need:
            out[i] = new[need[u.claim.text]]
        else:
            out[i] = sent_vec[(u.article_id, u.claim.sentence_index)]
    return out


def _encode(texts: list[str]) -> np.ndarray:
    from parallax.nlp import sentence_encoder

    vecs = sentence_encoder().encode(texts, batch_size=64, normalize_embeddings=True)
    return np.asarray(vecs, dtype=np.float32)


def neighbours(vectors: np.ndarray, k: int = K) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, indices) of each vector's k nearest neighbours (self included)."""
    import faiss

    n, dim = vectors.shape
    k = min(k + 1, n)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    index: Any
    if n > HNSW_ABOVE:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 64
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(x)
    return index.search(x, k)


def candidate_pairs(
    units: Sequence[ClaimUnit], vectors: np.ndarray, k: int = K, floor: float = 0.3
):
    """Cross-article (i, j, cosine) pairs from the kNN graph, i < j, cosine >= floor."""
    if len(units) < 2:
        return []
    sims, idx = neighbours(vectors, k)
    seen: dict[tuple[int, int], float] = {}
    for i in range(len(units)):
        for s, j in zip(sims[i], idx[i], strict=False):
            if j < 0 or j == i or s < floor or units[i].article_id == units[int(j)].article_id:
                continue
            key = (min(i, int(j)), max(i, int(j)))
            seen[key] = float(s)
    return [(i, j, s) for (i, j), s in seen.items()]


def overlap(a: ClaimUnit, b: ClaimUnit, common: frozenset[str] = frozenset()) -> bool:
    """Do two claims share something concrete (entity, number, date, content words)?
    Entities every article names (`common`, e.g. "China" in a China story) do not count."""
    if (set(a.claim.entities) & set(b.claim.entities)) - common:
        return True
    if set(a.claim.numbers) & set(b.claim.numbers) or set(a.claim.dates) & set(b.claim.dates):
        return True
    union = a.lemmas | b.lemmas
    return bool(union) and len(a.lemmas & b.lemmas) / len(union) >= 0.3


def same_statement(
    a: ClaimUnit, b: ClaimUnit, cosine: float, common: frozenset[str] = frozenset()
) -> bool:
    return cosine >= STRONG or (cosine >= WEAK and overlap(a, b, common))


def common_entities(units: Sequence[ClaimUnit], share: float = 0.8) -> frozenset[str]:
    """Entities named by at least `share` of the articles (they carry no alignment signal)."""
    by_article: dict[str, set[str]] = {}
    for u in units:
        by_article.setdefault(u.article_id, set()).update(u.claim.entities)
    n = len(by_article)
    if n < 3:
        return frozenset()
    counts: dict[str, int] = {}
    for ents in by_article.values():
        for e in ents:
            counts[e] = counts.get(e, 0) + 1
    return frozenset(e for e, c in counts.items() if c >= share * n)


@lru_cache(maxsize=1)
def _loaded_words() -> frozenset[str]:
    """The evaluative words of the Recasens et al. (2013) loaded subset (resources/)."""
    from parallax.compare.lexicons import entries

    return frozenset(e.term for e in entries().get("recasens_loaded", ()))


def neutrality_key(text: str) -> tuple[int, bool, int]:
    """Fewest loaded words first, then fewest words: how a fact's wording is chosen."""
    words = [w.strip(".,;:!?\"'“”‘’()").lower() for w in text.split()]
    joined = f" {' '.join(words)} "
    loaded = sum(1 for t in _loaded_words() if f" {t} " in joined)
    return loaded, len(words) < 6, len(words)  # fragments under six words read badly


def align(units: Sequence[ClaimUnit], vectors: np.ndarray) -> list[Fact]:
    """Group claims into facts reported by at least two articles.

    Pairs merge best-first; two groups merge only if they come from different
    articles (a fact holds one claim per article) and their centroids are still
    close, which stops single-link chaining through loosely related claims."""
    parent = list(range(len(units)))
    arts = [{u.article_id} for u in units]
    cent = [v.copy() for v in vectors]
    common = common_entities(units)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = sorted(candidate_pairs(units, vectors, floor=WEAK), key=lambda p: -p[2])
    for i, j, s in pairs:
        if not same_statement(units[i], units[j], s, common):
            continue
        ri, rj = find(i), find(j)
        if ri == rj or arts[ri] & arts[rj]:
            continue
        ci, cj = cent[ri], cent[rj]
        if float(ci @ cj) / (np.linalg.norm(ci) * np.linalg.norm(cj) + 1e-9) < WEAK:
            continue
        parent[ri] = rj
        arts[rj] |= arts[ri]
        cent[rj] = ci + cj
    groups: dict[int, list[int]] = {}
    for i in range(len(units)):
        groups.setdefault(find(i), []).append(i)
    facts = []
    for members in groups.values():
        if len({units[i].article_id for i in members}) < 2:
            continue
        support = tuple(
            FactSupport(
                article_id=units[i].article_id,
                outlet=units[i].outlet,
                span=_span(units[i]),
                voice="own" if units[i].claim.attribution is None else "attributed",
                attribution=units[i].claim.attribution,
            )
            for i in sorted(members, key=lambda m: (units[m].article_id, units[m].claim.start))
        )
        text = min((s.span.text for s in support), key=neutrality_key)
        fid = hashlib.sha1("|".join(sorted(units[i].id for i in members)).encode()).hexdigest()[:12]
        facts.append(Fact(id=fid, text=text, support=support))
    facts.sort(key=lambda f: (-len(f.article_ids), f.id))
    return facts


def _span(u: ClaimUnit):  # type: ignore[no-untyped-def]
    from parallax.models import Span

    c = u.claim
    return Span(c.article_id, c.start, c.end, c.text)


def sentence_lookup(
    annotated: Sequence[AnnotatedArticle], sentence_vectors: Sequence[np.ndarray] | None = None
):  # type: ignore[no-untyped-def]
    """(article_id, sentence index) -> vector; embeds every sentence once (distinct texts
    only) when the caller passes no vectors."""
    table: dict[tuple[str, int], np.ndarray] = {}
    if sentence_vectors is not None and len(sentence_vectors) == len(annotated):
        for ann, vecs in zip(annotated, sentence_vectors, strict=False):
            for s, v in zip(ann.sentences, vecs, strict=False):
                table[(ann.id, s.index)] = np.asarray(v, dtype=np.float32)
    missing = [
        (a.id, s.index, s.text)
        for a in annotated
        for s in a.sentences
        if (a.id, s.index) not in table
    ]
    if missing:
        texts = list(dict.fromkeys(t for _, _, t in missing))
        enc = _encode(texts)
        pos = {t: i for i, t in enumerate(texts)}
        for aid, idx, t in missing:
            table[(aid, idx)] = enc[pos[t]]
    dim = next(iter(table.values())).shape[0] if table else 384
    zero = np.zeros(dim, dtype=np.float32)
    return lambda aid, idx: table.get((aid, idx), zero)
