"""The data model: one frozen type per arrow of the data flow in DESIGN.md.

Every derived item keeps `article_id` plus character offsets into `Article.text`
so anything shown to a reader can be traced back and highlighted. Collections
are tuples so the types stay hashable and immutable; embeddings live outside
these types (see `parallax.annotate.embed`) because arrays are neither.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

UNKNOWN = "unknown"

T = TypeVar("T")


class Records(tuple[T, ...]):
    """A tuple of dataclasses that converts to a pandas DataFrame (the table API)."""

    def to_df(self) -> Any:
        import pandas as pd

        return pd.DataFrame([to_plain(r) for r in self])

    to_frame = to_df


def to_plain(obj: Any) -> Any:
    """Dataclasses/tuples/dates to JSON-ready dicts, lists and ISO strings."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.repr}
        for name in getattr(obj, "json_extra", ()):
            out[name] = to_plain(getattr(obj, name))
        return out
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


@dataclass(frozen=True)
class Span:
    """A verbatim piece of one article: the unit of citation."""

    article_id: str
    start: int
    end: int
    text: str


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True)
class Article:
    id: str  # sha256 of the normalised body text, 16 hex chars
    source: str  # path or URL it came from
    outlet: str  # UNKNOWN when it cannot be determined
    outlet_reason: str  # how the outlet was found, or why it is unknown
    title: str
    byline: str | None
    published: dt.date | None
    date_reason: str  # how the date was found, or why it is unknown
    language: str
    text: str  # cleaned body; all spans index into this
    paragraphs: tuple[tuple[int, int], ...]  # (start, end) offsets into text
    url: str | None = None
    stripped: tuple[str, ...] = ()  # scraper cruft lines removed, verbatim
    lean: str | None = None  # political lean if a ratings file says so

    json_extra: ClassVar[tuple[str, ...]] = ("words",)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def span(self, start: int, end: int) -> Span:
        return Span(self.id, start, end, self.text[start:end])


@dataclass(frozen=True)
class IngestProblem:
    """A file or record that was skipped (or partly used), with a one-line reason."""

    source: str
    reason: str
    skipped: bool = True


# ---------------------------------------------------------------- annotate


@dataclass(frozen=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A named-entity mention resolved to a canonical entity."""

    article_id: str
    start: int
    end: int
    text: str
    label: str  # PERSON ORG GPE NORP DATE CARDINAL ...
    canonical: str  # canonical name, shared across articles


@dataclass(frozen=True)
class PersonTitle:
    """How one article describes a person ("top Chinese diplomat")."""

    article_id: str
    person: str  # canonical name
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    article_id: str
    kind: Literal["direct", "indirect", "partial"]
    content: str
    start: int  # content span
    end: int
    speaker: str | None  # canonical name, None = unknown
    speaker_text: str | None  # the words naming the speaker in this article
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None  # "said", "according to", ...
    cue_start: int | None
    cue_end: int | None
    nested_in: int | None = None  # index of the enclosing quote, for quotes in quotes

    json_extra: ClassVar[tuple[str, ...]] = ("words",)

    @property
    def words(self) -> int:
        return len(self.content.split())


@dataclass(frozen=True)
class TimeExpression:
    article_id: str
    start: int
    end: int
    text: str
    date_start: dt.date | None
    date_end: dt.date | None
    anchor: dt.date | None  # the date relative phrases were resolved against
    anchor_reason: str  # "published date", "inferred from latest date in text", ...
    relative: bool
    uncertain: bool


@dataclass(frozen=True)
class Quantity:
    article_id: str
    start: int
    end: int
    text: str
    value: float
    counted: str  # what is counted ("previous spy balloon incidents")
    qualifier: str | None  # "at least", "more than", "about", ...


@dataclass(frozen=True)
class Entity:
    """A cross-article canonical entity."""

    canonical: str
    label: str
    aliases: tuple[str, ...]
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class AnnotatedArticle:
    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    titles: tuple[PersonTitle, ...]
    quotes: tuple[Quote, ...]
    times: tuple[TimeExpression, ...]
    quantities: tuple[Quantity, ...]
    # The one spaCy parse of `article.text` (tokens, POS, dependencies, lemmas, entities):
    # later stages read it instead of parsing again. Not serialised into JSON (repr=False);
    # the store keeps it as DocBin bytes (annotate.parse).
    doc: Any = field(default=None, repr=False, compare=False, hash=False)
    # The parse of `article.title` from the same pass (headlines are scored like body text).
    title_doc: Any = field(default=None, repr=False, compare=False, hash=False)

    @property
    def id(self) -> str:
        return self.article.id


# ---------------------------------------------------------------- cluster


@dataclass(frozen=True)
class Story:
    id: str
    level: Literal["storyline", "event"]
    label: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    date_start: dt.date | None
    date_end: dt.date | None
    parent_id: str | None = None  # an event's storyline
    entities: tuple[str, ...] = ()


# ---------------------------------------------------------------- compare


@dataclass(frozen=True)
class Claim:
    """A clause with its attribution: who says it, or the outlet's own voice."""

    id: str
    article_id: str
    outlet: str
    sentence_index: int
    start: int
    end: int
    text: str
    subject: str | None
    predicate: str | None
    attribution: str | None  # canonical speaker; None = the outlet's own voice
    entities: tuple[str, ...] = ()
    numbers: tuple[float, ...] = ()
    dates: tuple[str, ...] = ()  # ISO dates
    negated: bool = False


@dataclass(frozen=True)
class FactSupport:
    article_id: str
    outlet: str
    span: Span
    voice: Literal["own", "attributed"]
    attribution: str | None


@dataclass(frozen=True)
class Fact:
    id: str
    text: str  # the most neutral supporting wording
    support: tuple[FactSupport, ...]

    json_extra: ClassVar[tuple[str, ...]] = ("outlets", "article_ids")

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.outlet for s in self.support))

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.support))


ConflictKind = Literal[
    "number", "place", "polarity", "name_title", "date", "quote_wording", "assessment"
]


@dataclass(frozen=True)
class ConflictSide:
    """One article's side of a disagreement: its outlet, its words and the value it gives."""

    outlet: str
    span: Span
    attribution: str | None
    value: str | None = None  # normalised value ("7-2", "Arkansas", "foreign minister")


@dataclass(frozen=True)
class Conflict:
    id: str
    kind: ConflictKind
    a: ConflictSide
    b: ConflictSide
    confidence: float
    reason: str
    diff: str | None = None  # word-level diff for quote wording
    # Every article on every side, grouped by value (a and b are the first of the first two
    # values): one row per disagreement however many outlets take part.
    sides: tuple[ConflictSide, ...] = ()

    @property
    def positions(self) -> dict[str, tuple[str, ...]]:
        """value -> outlets giving it ("North Carolina": ("A",), "South Carolina": ("B", "C"))."""
        out: dict[str, list[str]] = {}
        for s in self.sides or (self.a, self.b):
            names = out.setdefault(s.value or s.span.text, [])
            if s.outlet not in names:
                names.append(s.outlet)
        return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Omission:
    outlet: str
    article_id: str
    fact_id: str
    fact_text: str
    covered_by: tuple[str, ...]  # outlets that do report it
    coverage: float  # share of the other sources reporting it
    # "omitted": others report the fact, this outlet's whole text never states it;
    # "only_one": only this source reports it (outlet = the one that does);
    # "side_not_heard": a side others quote is never quoted or paraphrased by this outlet.
    kind: Literal["omitted", "only_one", "side_not_heard"] = "omitted"
    evidence: tuple[Span, ...] = ()  # the sentences of the other outlets stating it


@dataclass(frozen=True)
class LoadedTerm:
    article_id: str
    start: int
    end: int
    text: str
    reason: str
    source: str  # which lexicon/model flagged it


@dataclass(frozen=True)
class ActorTerms:
    """How one article describes one main actor: words the parse ties to its mentions."""

    article_id: str
    entity: str  # canonical name
    label: str  # PERSON ORG GPE NORP
    mentions: int
    words: tuple[str, ...]  # lemmas of modifiers, appositions, nominal heads; most frequent first


@dataclass(frozen=True)
class FramingSignal:
    """An informational-bias signal on one sentence (e.g. unsourced speculation)."""

    article_id: str
    start: int
    end: int
    text: str
    kind: str  # "speculation"
    reason: str


@dataclass(frozen=True)
class Framing:
    article_id: str
    outlet: str
    loaded_terms: tuple[LoadedTerm, ...]
    sourced_claims: int
    unsourced_claims: int
    hedges: int
    certainty_markers: int
    bias_score: float  # mean sentence bias probability, own voice
    headline_bias: float
    body_bias: float
    # Loaded terms of the headline; their start/end index `Article.title`, not `.text`.
    headline_terms: tuple[LoadedTerm, ...] = ()
    loaded_per_1000_words: float = 0.0
    own_voice_share: float = 0.0  # share of sentences mostly outside quotes
    actors: tuple[ActorTerms, ...] = ()
    speculation: tuple[FramingSignal, ...] = ()

    json_extra: ClassVar[tuple[str, ...]] = ("sourced_share",)

    @property
    def sourced_share(self) -> float:
        total = self.sourced_claims + self.unsourced_claims
        return self.sourced_claims / total if total else 0.0


@dataclass(frozen=True)
class Voice:
    article_id: str
    outlet: str
    speaker: str  # canonical name or "unknown"
    side: str  # "US government", "Chinese government", "NATO", "unnamed officials", "media", ...
    quotes: int
    words: int


# ---------------------------------------------------------------- timeline and brief


@dataclass(frozen=True)
class TimelineEntry:
    date_start: dt.date
    date_end: dt.date
    uncertain: bool
    text: str
    sources: tuple[Span, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class BriefSentence:
    section: Literal["lead", "summary", "disagreements", "per_outlet", "voices"]
    text: str
    citations: tuple[Span, ...]
    outlets: tuple[str, ...] = ()
    # Which template made the line: the support check verifies each one its own way.
    kind: Literal["extract", "quoted_by", "conflict", "only", "omission", "voices"] = "extract"


@dataclass(frozen=True)
class Brief:
    story_id: str | None
    sentences: tuple[BriefSentence, ...]
    checked: int = 0  # sentences the support check saw before writing
    dropped: int = 0  # of those, how many failed it and were left out


# ---------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Analysis:
    """Everything Parallax says about one set of articles."""

    articles: Records[Article]
    problems: Records[IngestProblem] = field(default_factory=Records)
    annotated: Records[AnnotatedArticle] = field(default_factory=Records)
    entities: Records[Entity] = field(default_factory=Records)
    stories: Records[Story] = field(default_factory=Records)
    facts: Records[Fact] = field(default_factory=Records)
    conflicts: Records[Conflict] = field(default_factory=Records)
    omissions: Records[Omission] = field(default_factory=Records)
    framing: Records[Framing] = field(default_factory=Records)
    voices: Records[Voice] = field(default_factory=Records)
    timeline: Records[TimelineEntry] = field(default_factory=Records)
    briefs: Records[Brief] = field(default_factory=Records)
    stages: tuple[str, ...] = ()  # which stages ran

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def to_dict(self) -> dict[str, Any]:
        from parallax.render.report import analysis_to_dict

        return analysis_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        from parallax.render.report import render_json

        return render_json(self, indent=indent)

    def to_markdown(self) -> str:
        from parallax.render.report import render_markdown

        return render_markdown(self)

    def to_html(self) -> str:
        from parallax.render.report import render_html

        return render_html(self)


def records(items: Iterable[T] | Sequence[T] = ()) -> Records[T]:
    return Records(items)


# ---------------------------------------------------------------- decoding


def from_plain(cls: type[T], data: Any) -> T:
    """Inverse of `to_plain` for the types above (used by the store and the JSON reader)."""
    import types
    import typing

    def decode(tp: Any, value: Any) -> Any:
        if value is None:
            return None
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return decode(args[0], value) if len(args) == 1 else value
        if origin is typing.Literal:
            return value
        if origin is tuple or origin is Records:
            targs = typing.get_args(tp)
            if len(targs) == 2 and targs[1] is Ellipsis:
                return tuple(decode(targs[0], v) for v in value)
            if targs and origin is tuple:
                return tuple(decode(a, v) for a, v in zip(targs, value, strict=False))
            return tuple(decode(targs[0], v) for v in value) if targs else tuple(value)
        if tp is dt.date:
            return dt.date.fromisoformat(value[:10])
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            hints = typing.get_type_hints(tp)
            kwargs = {
                f.name: decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(tp)
                if f.name in value and f.init
            }
            return tp(**kwargs)
        return value

    return typing.cast(T, decode(cls, data))
