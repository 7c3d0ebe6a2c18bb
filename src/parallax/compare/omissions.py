"""What each source leaves out, what only one source says, and which sides go unheard.

A fact counts as omitted by source X only when most other sources report it AND no
sentence anywhere in X's text states it (the same embedding/slot test alignment uses,
against every sentence of X, not just X's aligned claims). Facts must be full clauses
(a subject and a verb, at least `omission_min_words` words); fragments never count.
Counting is per independent source: syndicated copies share a key (`sources`); by
default a key is the outlet, or the article when its outlet is unknown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from parallax.compare.claims import ClaimUnit
from parallax.compare.settings import CompareSettings
from parallax.models import UNKNOWN, AnnotatedArticle, Fact, Omission, Span, Voice

SentVec = Callable[[str, int], np.ndarray]
_UNHEARD_SKIP = {"unknown", "other", "media"}  # policy: sides too vague to be "not heard"


def outlet_key(outlet: str, article_id: str) -> str:
    return outlet if outlet != UNKNOWN else f"{UNKNOWN}:{article_id}"


def _lacking(
    have: set[str], by_key: Mapping[str, list[str]], cfg: CompareSettings
) -> Iterator[tuple[list[str], list[str], float]]:
    """Sources without something that enough of the other sources have: (the source's
    article ids, the reporting source keys, their share of the other sources)."""
    for key, ids in by_key.items():
        reporting = [k for k in have if k != key]
        coverage = len(reporting) / (len(by_key) - 1)
        if (
            key not in have
            and coverage >= cfg.omission_min_coverage
            and len(reporting) >= cfg.omission_min_outlets
        ):
            yield ids, reporting, coverage


def source_keys(
    annotated: Sequence[AnnotatedArticle], sources: Mapping[str, str] | None = None
) -> dict[str, str]:
    """article id -> independent-source key (given, else outlet, else the article)."""
    given = dict(sources or {})
    return {a.id: given.get(a.id, outlet_key(a.article.outlet, a.id)) for a in annotated}


def _norm_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


class StatedTest:
    """Does any sentence of a set of articles state a given claim? (cosine + slots)"""

    def __init__(
        self, annotated: Sequence[AnnotatedArticle], vec: SentVec, cfg: CompareSettings
    ) -> None:
        self.cfg = cfg
        self.mat: dict[str, np.ndarray] = {}
        self.sents: dict[str, list[tuple[frozenset[str], frozenset[float]]]] = {}
        self.text: dict[str, str] = {}
        for a in annotated:
            rows = [vec(a.id, s.index) for s in a.sentences] or [np.zeros(1, dtype=np.float32)]
            m = np.stack(rows).astype(np.float32)
            self.mat[a.id] = m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-9)
            self.sents[a.id] = [_slots_in(a, s.start, s.end) for s in a.sentences]
            self.text[a.id] = f" {_norm_words(a.article.text)} "

    def stated(
        self, article_ids: Sequence[str], units: Sequence[ClaimUnit], vecs: np.ndarray
    ) -> bool:
        for aid in article_ids:
            if aid not in self.mat:
                continue
            if any(f" {_norm_words(u.claim.text)} " in self.text[aid] for u in units):
                return True  # printed word for word (a quote others say is missing)
            v = vecs / (np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9)
            sims = v @ self.mat[aid].T  # claims x sentences
            if sims.size and float(sims.max()) >= self.cfg.omission_stated_cosine:
                return True
            weak = np.argwhere(sims >= self.cfg.omission_stated_weak)
            for ci, si in weak:
                ents, nums = (
                    self.sents[aid][si] if si < len(self.sents[aid]) else (frozenset(), frozenset())
                )
                u = units[ci]
                if (name_keys(u.claim.entities) & ents) or (set(u.claim.numbers) & nums):
                    return True
        return False


def name_keys(names: Iterable[str]) -> frozenset[str]:
    """The words of entity names, so a short form meets its full name across articles
    ("Obama" and "Barack Obama"; canonical names are resolved per article or story)."""
    return frozenset(
        w for n in names for w in re.findall(r"[a-z][a-z’'-]+", n.lower()) if w not in _NAME_STOP
    )


_NAME_STOP = {"the", "of", "and", "for"}  # function words inside names ("Bank of America")


def _slots_in(a: AnnotatedArticle, start: int, end: int) -> tuple[frozenset[str], frozenset[float]]:
    ents = name_keys(m.canonical for m in a.mentions if start <= m.start < end)
    nums = frozenset(q.value for q in a.quantities if start <= q.start < end)
    return ents, nums


def _full_clause(u: ClaimUnit, min_words: int) -> bool:
    text = u.claim.text.strip()
    return (
        u.claim.subject is not None
        and u.claim.predicate is not None
        and len(text.split()) >= min_words
        and not re.match(r"^[\]\)\[,;:a-z]", text)  # starts mid-sentence: a fragment
    )


def find_omissions(
    annotated: Sequence[AnnotatedArticle],
    facts: Sequence[Fact],
    units: Sequence[ClaimUnit] = (),
    vectors: np.ndarray | None = None,
    vec: SentVec | None = None,
    cfg: CompareSettings | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[Omission]:
    """Omitted facts, ranked by how many other sources report them."""
    cfg = cfg or CompareSettings()
    keys = source_keys(annotated, sources)
    by_key: dict[str, list[str]] = defaultdict(list)
    for aid, k in keys.items():
        by_key[k].append(aid)
    if len(by_key) < 3:
        return []  # with two sources every difference is symmetric, not an omission
    index = {u.id: i for i, u in enumerate(units)}
    test = StatedTest(annotated, vec, cfg) if vec is not None and vectors is not None else None
    outlet = {a.id: a.article.outlet for a in annotated}
    out = []
    for fact in facts:
        mine = [units[index[c]] for c in _claim_ids(fact, units) if c in index]
        if mine and not any(_full_clause(u, cfg.omission_min_words) for u in mine):
            continue
        if not mine and len(fact.text.split()) < cfg.omission_min_words:
            continue
        have = {keys.get(s.article_id, s.article_id) for s in fact.support}
        covered = {s.outlet for s in fact.support}
        for ids, _reporting, coverage in _lacking(have, by_key, cfg):
            rows = [index[u.id] for u in mine]
            if outlet[ids[0]] in covered:
                continue  # the outlet reports it in another of its articles
            if (
                test is not None
                and mine
                and vectors is not None
                and test.stated(ids, mine, vectors[rows])
            ):
                continue
            out.append(
                Omission(
                    outlet=outlet[ids[0]], article_id=ids[0], fact_id=fact.id, fact_text=fact.text,
                    covered_by=tuple(sorted(covered)),
                    coverage=round(coverage, 3), kind="omitted",
                    evidence=tuple(s.span for s in fact.support),
                )
            )  # fmt: skip
    out.sort(key=lambda o: (-o.coverage, o.outlet, o.fact_id))
    return out


def _claim_ids(fact: Fact, units: Sequence[ClaimUnit]) -> list[str]:
    spans = {(s.article_id, s.span.start, s.span.end) for s in fact.support}
    return [u.id for u in units if (u.article_id, u.claim.start, u.claim.end) in spans]


def only_one_source(
    annotated: Sequence[AnnotatedArticle],
    facts: Sequence[Fact],
    units: Sequence[ClaimUnit],
    vectors: np.ndarray,
    vec: SentVec,
    cfg: CompareSettings | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[Omission]:
    """Concrete full-clause claims (a number, date or entity) that one source makes and no
    sentence of any other source states: "only X reports ...". Capped per source."""
    cfg = cfg or CompareSettings()
    keys = source_keys(annotated, sources)
    if len(set(keys.values())) < 2:
        return []
    aligned = {(s.article_id, s.span.start) for f in facts for s in f.support}
    test = StatedTest(annotated, vec, cfg)
    outlet = {a.id: a.article.outlet for a in annotated}
    count: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    out = []
    for i, u in enumerate(units):
        k = keys.get(u.article_id, u.article_id)
        if count[k] >= cfg.single_source_max or (u.article_id, u.claim.start) in aligned:
            continue
        if not _full_clause(u, cfg.single_source_min_words) or not (
            u.claim.numbers or u.claim.dates
        ):
            continue
        norm = _norm_words(u.claim.text)
        others = [aid for aid, kk in keys.items() if kk != k]
        if norm in seen or test.stated(others, [u], vectors[[i]]):
            continue
        seen.add(norm)
        count[k] += 1
        span = Span(u.article_id, u.claim.start, u.claim.end, u.claim.text)
        out.append(Omission(outlet=outlet[u.article_id], article_id=u.article_id, fact_id=u.id,
                            fact_text=u.claim.text, covered_by=(outlet[u.article_id],),
                            coverage=0.0, kind="only_one", evidence=(span,)))  # fmt: skip
    return out


def sides_not_heard(
    annotated: Sequence[AnnotatedArticle],
    voices: Sequence[Voice],
    cfg: CompareSettings | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[Omission]:
    """A side (from voices.py: speaker + side) that most other sources quote or paraphrase
    and this source never does."""
    cfg = cfg or CompareSettings()
    keys = source_keys(annotated, sources)
    by_key: dict[str, list[str]] = defaultdict(list)
    for aid, k in keys.items():
        by_key[k].append(aid)
    if len(by_key) < 3:
        return []
    heard: dict[str, set[str]] = defaultdict(set)  # side -> source keys
    for v in voices:
        if v.side not in _UNHEARD_SKIP and v.article_id in keys:
            heard[v.side].add(keys[v.article_id])
    outlet = {a.id: a.article.outlet for a in annotated}
    out = []
    for side, have in sorted(heard.items()):
        for ids, reporting, coverage in _lacking(have, by_key, cfg):
            covered = tuple(sorted({outlet[a] for k in reporting for a in by_key[k]}))
            if outlet[ids[0]] in covered:
                continue  # the outlet's other article on this event quotes the side
            out.append(Omission(outlet=outlet[ids[0]], article_id=ids[0], fact_id=f"side:{side}",
                                fact_text=f"no {side} voice is quoted or paraphrased",
                                covered_by=covered, coverage=round(coverage, 3),
                                kind="side_not_heard"))  # fmt: skip
    return out
