"""The incremental story index behind `parallax.stories`.

Each story (event or storyline) keeps a running state: the sum of its member
vectors (centroid), entity document counts, a few central titles, dates and
outlets. A new article is scored against the nearest *active* centroids only
(faiss brute-force inner product above a few thousand rows, numpy below), so
assignment cost depends on the number of recent stories, not on how many
articles are stored. Stories whose dates fall out of the time window, or the
least recently touched ones beyond `max_active`, stop being searched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from parallax.models import Story
from parallax.stories.docs import ClusterDoc, ClusterParams, order_key

LEVELS = ("event", "storyline")
TOP_TITLES = 5
TOP_ENTITIES = 10
FAISS_ABOVE = 4096  # rows; numpy matmul is faster below this


@dataclass
class _State:
    """Running state of one story."""

    id: str
    level: str
    parent_id: str | None
    vec_sum: np.ndarray
    article_ids: list[str] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    labels: dict[str, str] = field(default_factory=dict)  # canonical -> NER label
    titles: list[tuple[float, str]] = field(default_factory=list)  # (centrality, title), best first
    outlets: list[str] = field(default_factory=list)
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    touched: int = 0
    cache: dict[str, Any] = field(default_factory=dict)  # derived values, never persisted

    @property
    def n(self) -> int:
        return len(self.article_ids)

    def centroid(self) -> np.ndarray:
        cached = self.cache.get("centroid")
        if cached is None or cached[0] != self.n:
            norm = float(np.linalg.norm(self.vec_sum))
            cached = (self.n, self.vec_sum / norm if norm > 0 else self.vec_sum)
            self.cache["centroid"] = cached
        return cached[1]

    def clean_titles(self) -> list[str]:
        cached = self.cache.get("titles")
        if cached is None or cached[0] != self.titles:
            cached = (list(self.titles), [_clean_title(t) for _, t in self.titles])
            self.cache["titles"] = cached
        return cached[1]

    def add(self, doc: ClusterDoc, seq: int) -> None:
        self.vec_sum = self.vec_sum + doc.vector
        self.article_ids.append(doc.id)
        self.cache.pop("centroid", None)
        for label, name in dict.fromkeys(doc.entities):
            self.entities[name] += 1
            self.labels.setdefault(name, label)
        if doc.title:
            score = float(doc.vector @ self.centroid())
            self.titles = sorted([*self.titles, (score, doc.title)], key=lambda t: -t[0])[
                :TOP_TITLES
            ]
        if doc.outlet not in self.outlets:
            self.outlets.append(doc.outlet)
        if doc.date:
            self.date_start = min(filter(None, (self.date_start, doc.date)))
            self.date_end = max(filter(None, (self.date_end, doc.date)))
        self.touched = seq

    def gap_days(self, date: dt.date | None) -> int | None:
        """Days between `date` and this story's date range; None when either is unknown."""
        if date is None or self.date_start is None or self.date_end is None:
            return None
        if date < self.date_start:
            return (self.date_start - date).days
        return max(0, (date - self.date_end).days)


class _CentroidTable:
    """Growable matrix of active story centroids with nearest-neighbour search."""

    def __init__(self, dim: int) -> None:
        self.matrix = np.zeros((64, dim), dtype=np.float32)
        self.ids: list[str | None] = []
        self.row: dict[str, int] = {}

    def put(self, story_id: str, centroid: np.ndarray) -> None:
        r = self.row.get(story_id)
        if r is None:
            r = len(self.ids)
            if r == self.matrix.shape[0]:
                self.matrix = np.vstack([self.matrix, np.zeros_like(self.matrix)])
            self.ids.append(story_id)
            self.row[story_id] = r
        self.matrix[r] = centroid

    def drop(self, story_ids: list[str]) -> None:
        for sid in story_ids:
            r = self.row.pop(sid, None)
            if r is not None:
                self.ids[r] = None
                self.matrix[r] = 0.0
        if len(self.ids) > 1024 and len(self.row) < len(self.ids) // 2:
            keep = [(r, sid) for r, sid in enumerate(self.ids) if sid is not None]
            self.matrix = np.ascontiguousarray(self.matrix[[r for r, _ in keep]])
            self.ids = [sid for _, sid in keep]
            self.row = {sid: r for r, (_, sid) in enumerate(keep)}

    def nearest(self, vec: np.ndarray, k: int) -> list[tuple[str, float]]:
        n = len(self.ids)
        if not self.row or k <= 0:
            return []
        k = min(k, n)
        if n > FAISS_ABOVE:
            import faiss

            sims, idx = faiss.knn(
                vec[None, :], self.matrix[:n], k, metric=faiss.METRIC_INNER_PRODUCT
            )
            pairs = [(int(i), float(c)) for i, c in zip(idx[0], sims[0], strict=True) if i >= 0]
        else:
            scores = self.matrix[:n] @ vec
            rows = np.argpartition(-scores, k - 1)[:k].tolist() if k < n else list(range(n))
            pairs = [(r, float(scores[r])) for r in rows]
        return [(sid, c) for r, c in pairs if (sid := self.ids[r]) is not None]


def _story_id(level: str, article_id: str) -> str:
    return ("ev-" if level == "event" else "sl-") + hashlib.sha1(article_id.encode()).hexdigest()[
        :12
    ]


# token_set_ratio of two unrelated stop-word-stripped headlines is about 0.45 (measured on
# the unrelated fixtures against the balloon titles); storylines count only the part above.
TITLE_CHANCE = 0.5


@dataclass(frozen=True)
class Signals:
    """The four similarities of an article (or story) to a story; None = unknown."""

    cos: float
    ent: float | None
    title: float | None  # rapidfuzz token-set ratio / 100
    time: float | None  # exp(-gap / the level's time scale)

    def score(self, level: str, p: ClusterParams) -> float:
        return self.combined(p) if level == "event" else self.storyline(p)

    def combined(self, p: ClusterParams) -> float:
        """Event score: weighted mean of the known signals (unknown ones are left out)."""
        return self._mean(
            (p.w_cos, self.cos), (p.w_ent, self.ent), (p.w_title, self.title), (p.w_time, self.time)
        )

    def _mean(self, *parts: tuple[float, float | None]) -> float:
        used = [(w, s) for w, s in parts if s is not None and w > 0]
        total = sum(w for w, _ in used)
        return sum(w * s for w, s in used) / total if total else self.cos

    def storyline(self, p: ClusterParams) -> float:
        """Storyline score: content (cosine, entities, title above chance) damped by the gap.

        Time multiplies here instead of adding. At storyline level the candidates
        are all on related subjects, and in a stream of thousands of articles a day
        "same week" is true of nearly every pair, so as additive evidence it lifted
        related-but-different stories over the threshold (AllSides storyline purity
        0.10, and a China trade story, Blinken in Turkey and Harris in Munich joined
        the balloon storyline). A paraphrased headline is no evidence against, so
        titles only add, and only above chance. Events keep the mean (`combined`):
        there the candidates already share a storyline, and a day or two apart is
        real evidence for the same event.
        """
        content = self._mean((p.w_cos, self.cos), (p.w_ent, self.ent))
        if self.title is not None and p.w_title > 0:
            above = max(0.0, (self.title - TITLE_CHANCE) / (1.0 - TITLE_CHANCE))
            content = min(1.0, content + p.w_title * above)
        if self.time is None:
            return content
        return content * ((1.0 - p.storyline_damping) + p.storyline_damping * self.time)


def best_possible(level: str, cos: float, p: ClusterParams) -> float:
    """Upper bound of `Signals.score` given the cosine (every other signal at its best)."""
    if level == "event":
        w_other = sum(w for w in (p.w_ent, p.w_title, p.w_time) if w > 0)
        return (p.w_cos * cos + w_other) / (p.w_cos + w_other or 1)
    w_ent = max(p.w_ent, 0.0)
    return (p.w_cos * cos + w_ent) / (p.w_cos + w_ent or 1) + max(p.w_title, 0.0)


class StoryIndex:
    """Incremental storyline ▸ event assignment, optionally persisted in a Store."""

    def __init__(
        self, store: Any = None, params: ClusterParams | None = None, *, evict_by_date: bool = True
    ) -> None:
        self.store = store
        self.evict_by_date = evict_by_date
        self.params = params or ClusterParams.default()
        self.states: dict[str, _State] = {}
        self.tables: dict[str, _CentroidTable] = {}
        self.df: Counter[str] = Counter()  # entity -> number of articles mentioning it
        self.n_docs = 0
        self.seq = 0
        self.latest: dt.date | None = None
        self.article_story: dict[str, tuple[str, str]] = {}
        if store is not None:
            for state in load_states(store):
                self._restore(state)

    # ------------------------------------------------------------ public
    def add(self, docs: list[ClusterDoc] | tuple[ClusterDoc, ...]) -> list[tuple[str, str]]:
        """Assign each doc to an event and storyline (opening new ones); returns (event, storyline) ids.

        Articles already in the index keep their assignment. The docs of one call
        arrive together, so they are assigned in the batch's canonical order (dated
        by date, undated last): ingesting a folder gives what `cluster` gives on
        it, whatever order its files are listed in. Order effects remain between
        calls only (docs/clustering.md).
        """

        touched: set[str] = set()
        for doc in sorted(docs, key=order_key):
            if doc.id not in self.article_story:
                touched.update(self._assign(doc))
        out = [self.article_story[doc.id] for doc in docs]
        if self.store is not None and touched:
            changed = [self.states[s] for s in sorted(touched)]
            save_states(self.store, changed, [self.to_story(s) for s in changed])
        return out

    def stories(self) -> list[Story]:
        """All stories, storylines first, each level in creation order."""
        ordered = sorted(self.states.values(), key=lambda s: s.level != "storyline")  # stable
        return [self.to_story(s) for s in ordered]

    # ------------------------------------------------------------ scoring
    def idf(self, name: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(name, 0) + 1)) + 1.0

    def signals(
        self, doc: ClusterDoc, state: _State, doc_idf: dict[str, float], title: str
    ) -> Signals:
        cos = float(doc.vector @ state.centroid())
        ent = None
        if doc_idf and state.entities:
            dot = (
                sum(w * self.idf(n) * state.entities.get(n, 0) for n, w in doc_idf.items())
                / state.n
            )
            norm = math.sqrt(sum(w * w for w in doc_idf.values())) * self._entity_norm(state)
            ent = dot / norm if norm else 0.0
        title_sig = None
        if title and state.titles:
            title_sig = max(fuzz.token_set_ratio(title, t) for t in state.clean_titles()) / 100.0
        time_sig = self.params.time_signal(state.gap_days(doc.date), state.level)
        return Signals(cos, ent, title_sig, time_sig)

    def _entity_norm(self, state: _State) -> float:
        """Norm of the story's TF-IDF entity vector, recomputed when the story or the IDFs moved."""
        cached = state.cache.get("norm")
        if cached is None or cached[0] != state.n or self.n_docs > cached[1] * 1.02 + 1:
            total = sum((self.idf(n) * c / state.n) ** 2 for n, c in state.entities.items())
            cached = (state.n, self.n_docs, math.sqrt(total))
            state.cache["norm"] = cached
        return cached[2]

    def _candidates(
        self, level: str, doc: ClusterDoc, extra: set[str]
    ) -> dict[str, tuple[float, float]]:
        """Nearest active stories of one level that could pass a threshold, with their scores.

        Each score pair is (the level's own score, the storyline score): a storyline
        is at least as close as its closest event, measured the storyline's way.
        """
        p = self.params
        window = p.event_window_days if level == "event" else p.storyline_window_days
        table = self.tables.get(level)
        found = dict(table.nearest(doc.vector, p.candidates)) if table else {}
        # Exact pruning: a candidate whose best possible score (every signal but the
        # cosine at its maximum) is below every threshold it could serve cannot matter.
        checks = [(level, p.event_threshold if level == "event" else p.storyline_threshold)]
        if level == "event":
            checks.append(("storyline", p.storyline_threshold))
        ids = {s for s, c in found.items() if any(best_possible(lv, c, p) >= t for lv, t in checks)}
        doc_idf = {n: self.idf(n) for _, n in dict.fromkeys(doc.entities)}
        title = _clean_title(doc.title)
        scores: dict[str, tuple[float, float]] = {}
        for sid in ids | extra:
            state = self.states[sid]
            gap = state.gap_days(doc.date)
            if gap is not None and gap > window:
                continue
            sig = self.signals(doc, state, doc_idf, title)
            if level == "event":  # the storyline way needs the storyline's time scale
                sl_sig = replace(sig, time=p.time_signal(gap, "storyline"))
                scores[sid] = (sig.combined(p), sl_sig.storyline(p))
            else:
                own = sig.storyline(p)
                scores[sid] = (own, own)
        return scores

    # ------------------------------------------------------------ assignment
    def _assign(self, doc: ClusterDoc) -> tuple[str, str]:
        p = self.params
        self.seq += 1
        ev_cands = self._candidates("event", doc, set())
        parents = {self.states[e].parent_id for e in ev_cands} - {None}
        sl_cands = self._candidates("storyline", doc, parents)  # type: ignore[arg-type]
        sl_scores = {s: own for s, (own, _) in sl_cands.items()}
        for e, (_, as_storyline) in ev_cands.items():
            parent = self.states[e].parent_id
            if parent in sl_scores:
                sl_scores[parent] = max(sl_scores[parent], as_storyline)
        ev_scores = {e: own for e, (own, _) in ev_cands.items()}
        storyline = max(sl_scores, key=lambda k: (sl_scores[k], k), default=None)
        if storyline is None or sl_scores[storyline] < p.storyline_threshold:
            storyline = self._open("storyline", doc, None)
        event = max(
            (e for e in ev_scores if self.states[e].parent_id == storyline),
            key=lambda k: (ev_scores[k], k),
            default=None,
        )
        if event is None or ev_scores[event] < p.event_threshold:
            event = self._open("event", doc, storyline)
        for sid in (event, storyline):
            state = self.states[sid]
            state.add(doc, self.seq)
            self._table(state.level, doc.vector.shape[0]).put(sid, state.centroid())
        for name in {n for _, n in doc.entities}:
            self.df[name] += 1
        self.n_docs += 1
        if doc.date and (self.latest is None or doc.date > self.latest):
            self.latest = doc.date
        self.article_story[doc.id] = (event, storyline)
        self._evict()
        return event, storyline

    def _open(self, level: str, doc: ClusterDoc, parent: str | None) -> str:
        sid = _story_id(level, doc.id)
        self.states[sid] = _State(sid, level, parent, np.zeros_like(doc.vector, dtype=np.float32))
        return sid

    def _table(self, level: str, dim: int) -> _CentroidTable:
        if level not in self.tables:
            self.tables[level] = _CentroidTable(dim)
        return self.tables[level]

    def _evict(self) -> None:
        """Stop searching stories older than twice their window, and the LRU beyond max_active."""
        p = self.params
        for level, window in (
            ("event", p.event_window_days),
            ("storyline", p.storyline_window_days),
        ):
            table = self.tables.get(level)
            if table is None:
                continue
            stale: list[str] = []
            if self.evict_by_date and self.latest is not None and self.seq % 64 == 0:
                horizon = self.latest - dt.timedelta(days=2 * window)
                stale = [
                    s
                    for s in table.row
                    if (e := self.states[s].date_end) is not None and e < horizon
                ]
            over = len(table.row) - len(stale) - p.max_active
            if over > 0:
                live = sorted((self.states[s].touched, s) for s in table.row if s not in set(stale))
                stale += [s for _, s in live[:over]]
            if stale:
                table.drop(stale)

    def _restore(self, state: _State) -> None:
        self.states[state.id] = state
        self.seq = max(self.seq, state.touched)
        if state.date_end and (self.latest is None or state.date_end > self.latest):
            self.latest = state.date_end
        if state.level == "event":
            self.n_docs += state.n
            self.df.update(state.entities)
            for a in state.article_ids:
                self.article_story[a] = (state.id, state.parent_id or state.id)
        self._table(state.level, state.vec_sum.shape[0]).put(state.id, state.centroid())
        self._evict()

    # ------------------------------------------------------------ output
    def to_story(self, state: _State) -> Story:
        top = sorted(state.entities.items(), key=lambda kv: (-kv[1] * self.idf(kv[0]), kv[0]))
        names = tuple(n for n, _ in top[:TOP_ENTITIES])
        return Story(
            id=state.id,
            level=state.level,  # type: ignore[arg-type]
            label=_label(state, names),
            article_ids=tuple(state.article_ids),
            outlets=tuple(state.outlets),
            date_start=state.date_start,
            date_end=state.date_end,
            parent_id=state.parent_id,
            entities=names,
        )


LABEL_ENTITIES = 2  # policy: names in a story label
LABEL_TERMS = 4  # policy: title words in a label when no phrase is shared
_LABEL_WORD = re.compile(r"[\w][\w'’.-]*")


def _title_words(title: str) -> list[str]:
    return [w.strip(".") for w in _LABEL_WORD.findall(title)]


def _shared_phrase(titles: list[str]) -> str:
    """The longest word run (two words or more, no stop word at either end) found in at
    least two member titles, in the central title's spelling; '' when none is shared."""
    tokenised = [_title_words(t) for t in titles]
    lowered = [[w.lower() for w in ws] for ws in tokenised]
    best = ""
    for n in range(min(6, max((len(w) for w in lowered), default=0)), 1, -1):
        for ws, low in zip(tokenised, lowered, strict=True):
            for i in range(len(low) - n + 1):
                gram = low[i : i + n]
                if gram[0] in _STOP or gram[-1] in _STOP:
                    continue
                hits = sum(
                    any(other[j : j + n] == gram for j in range(len(other) - n + 1))
                    for other in lowered
                )
                if hits >= 2:
                    best = " ".join(ws[i : i + n])
                    return best
    return best


def _key_terms(titles: list[str], skip: set[str]) -> str:
    """Title words ranked by how many member titles use them, then by length (longer words
    carry more of the topic), shown in title order."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int, str]] = {}
    for t_i, title in enumerate(titles):
        for w_i, word in enumerate(_title_words(title)):
            low = word.lower()
            if low in _STOP or low in skip or len(low) < 3:
                continue
            if low not in {w.lower() for w in _title_words(title)[:w_i]}:
                counts[low] += 1
            first.setdefault(low, (t_i, w_i, word))
    shared = [w for w in counts if counts[w] >= 2]
    pool = shared if shared and len(titles) > 1 else list(counts)
    ranked = sorted(pool, key=lambda w: (-counts[w], -len(w), first[w][:2]))[:LABEL_TERMS]
    return ", ".join(first[w][2] for w in sorted(ranked, key=lambda w: first[w][:2]))


def _label_entities(names: tuple[str, ...], titles: list[str]) -> list[str]:
    """The most salient names, preferring those the titles use; one form per name
    ("China" and "Chinese" are one)."""
    in_title = [n for n in names if any(n.lower() in t.lower() for t in titles)]
    out: list[str] = []
    for name in [*in_title, *(n for n in names if n not in in_title)]:
        stem = name.lower()[:4]
        if any(o.lower()[:4] == stem and " " not in o + name for o in out):
            continue
        out.append(name)
        if len(out) == LABEL_ENTITIES:
            break
    return out


def _label(state: _State, names: tuple[str, ...]) -> str:
    """A neutral label from what the members share: the most salient entities, then the
    longest phrase two or more titles share (else the title words most members use).
    Never one outlet's headline: a label equal to a member title is rebuilt from terms."""
    titles = [t for _, t in state.titles if t]
    entities = _label_entities(names, titles)
    skip = {w.lower() for n in entities for w in _title_words(n)}
    phrase = _shared_phrase(titles) if len(titles) > 1 else ""
    if phrase and all(w.lower() in skip for w in _title_words(phrase)):
        phrase = ""
    phrase = phrase or _key_terms(titles, skip)
    label = ": ".join(p for p in (", ".join(entities), phrase) if p) or state.id
    if label.casefold() in {t.casefold() for t in titles}:
        label = ", ".join(names[: LABEL_ENTITIES + 1]) or state.id
    return label


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "but",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "over",
        "after",
        "before",
        "says",
        "said",
        "amid",
        "about",
        "into",
    ]
)


def _clean_title(title: str) -> str:
    return " ".join(w for w in default_process(title).split() if w not in _STOP)


# ------------------------------------------------------------ state (de)serialisation


def state_blob(state: _State) -> np.ndarray:
    """Per-story state as zlib-compressed JSON bytes in a float32 vector (the store's vector table)."""
    data = {
        "entities": dict(state.entities),
        "labels": state.labels,
        "titles": state.titles,
        "touched": state.touched,
        "n": state.n,
    }
    raw = zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return np.frombuffer(raw, dtype=np.uint8).astype(np.float32)


def state_from(story: Story, mean: np.ndarray, blob: np.ndarray | None) -> _State:
    data: dict[str, Any] = {}
    if blob is not None:
        data = json.loads(zlib.decompress(blob.astype(np.uint8).tobytes()).decode("utf-8"))
    n = max(1, len(story.article_ids))
    return _State(
        id=story.id,
        level=story.level,
        parent_id=story.parent_id,
        vec_sum=np.asarray(mean, dtype=np.float32) * n,
        article_ids=list(story.article_ids),
        entities=Counter(data.get("entities", {})),
        labels=dict(data.get("labels", {})),
        titles=[(float(s), str(t)) for s, t in data.get("titles", [])],
        outlets=list(story.outlets),
        date_start=story.date_start,
        date_end=story.date_end,
        touched=int(data.get("touched", 0)),
    )


def save_states(store: Any, states: list[_State], stories: list[Story]) -> None:
    """Stories via save_stories; member-vector means and state blobs via put_vectors."""
    store.save_stories(stories)
    for level in LEVELS:
        mine = [s for s in states if s.level == level]
        if mine:
            store.put_vectors(f"{level}_centroid", {s.id: s.vec_sum / max(1, s.n) for s in mine})
            store.put_vectors(f"{level}_state", {s.id: state_blob(s) for s in mine})


def load_states(store: Any) -> list[_State]:
    """Everything a StoryIndex needs from the store, storylines before their events."""
    out: list[_State] = []
    for level in ("storyline", "event"):
        stories = store.stories(level)
        ids = [s.id for s in stories]
        means = store.get_vectors(f"{level}_centroid", ids)
        blobs = store.get_vectors(f"{level}_state", ids)
        for story in stories:
            if story.id in means:  # stories saved by someone else without a centroid are skipped
                out.append(state_from(story, means[story.id], blobs.get(story.id)))
    out.sort(key=lambda s: (s.level != "storyline", s.touched))
    return out


def cluster(docs: Sequence[ClusterDoc], params: ClusterParams | None = None) -> list[Story]:
    """Full batch clustering: the incremental algorithm over docs in canonical order.

    Same data -> same stories, whatever order the docs come in.
    """
    # Batch sees all stories (no eviction by date), so undated articles, which come
    # last, can still meet old stories; the time windows still apply to dated pairs.
    index = StoryIndex(None, params, evict_by_date=False)
    index.add(sorted(docs, key=order_key))
    return index.stories()
