"""The word lists shipped in `parallax/resources/` and a spaCy matcher over them.

Every list says where it comes from in its file header (see docs/framing.md).
Matching is on lower-cased lemmas *and* lower-cased surface forms, because the
published lists mix lemmas ("slur") with inflected forms ("appeared"), and
spaCy's lemma of a word in a title-case headline can differ from its lemma in a
sentence. The same matcher serves loaded-term flagging (framing.py) and the
lexicon features of the sentence bias model (bias_model.py), so both see the
same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# key -> (file, human-readable source used in LoadedTerm.source and the docs)
LISTS: dict[str, tuple[str, str]] = {
    "recasens_bias": ("recasens2013_bias_lexicon.txt", "Recasens et al. 2013 bias lexicon"),
    "recasens_loaded": (
        "recasens2013_loaded_subset.tsv",
        "Recasens et al. 2013 bias lexicon (evaluative subset chosen by Parallax)",
    ),
    "hedges": ("hyland2005_hedges.txt", "Hyland 2005 hedges"),
    "assertives": ("hooper1975_assertives.txt", "Hooper 1975 assertive verbs"),
    "factives": ("hooper1975_factives.txt", "Hooper 1975 factive verbs"),
    "implicatives": ("karttunen1971_implicatives.txt", "Karttunen 1971 implicative verbs"),
    "report_verbs": ("recasens2013_report_verbs.txt", "Recasens et al. 2013 report verbs"),
    "boosters": ("parallax_boosters.txt", "Parallax certainty markers (ours, after Hyland 2005)"),
}


@dataclass(frozen=True)
class Entry:
    term: str  # lower case, one or more words
    list_key: str
    category: str | None = None
    reason: str | None = None


def _read(name: str) -> list[str]:
    text = resources.files("parallax").joinpath("resources", name).read_text(encoding="utf-8")
    return [ln.rstrip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def entries() -> dict[str, tuple[Entry, ...]]:
    """All shipped lists, keyed like LISTS; tsv lists keep their category/reason."""
    out: dict[str, tuple[Entry, ...]] = {}
    for key, (name, _source) in LISTS.items():
        rows = []
        for line in _read(name):
            cols = line.split("\t")
            term = " ".join(cols[0].lower().split())
            cat = cols[1].strip() if len(cols) > 1 else None
            reason = cols[2].strip() if len(cols) > 2 else None
            rows.append(Entry(term, key, cat, reason))
        out[key] = tuple(rows)
    return out


def source_of(key: str) -> str:
    return LISTS[key][1]


@dataclass(frozen=True)
class Match:
    list_key: str
    term: str
    start_token: int
    end_token: int


class LexiconMatcher:
    """PhraseMatcher over every shipped list, matched on lemmas and surface forms."""

    def __init__(self, nlp: Any, keys: Iterable[str] | None = None) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._vocab = nlp.vocab
        self._tok = nlp.tokenizer
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._doc = Doc
        for key in keys or LISTS:
            for e in entries()[key]:
                words = [t.text for t in self._tok(e.term)]
                # one match key per entry so a match names its list and its exact term
                self.matcher.add(f"{key}\t{e.term}", [Doc(nlp.vocab, words=words)])

    def _lower_docs(self, doc: Any) -> tuple[Any, Any]:
        words_lemma = [(t.lemma_ or t.text).lower() for t in doc]
        words_lower = [t.lower_ for t in doc]
        return self._doc(self._vocab, words=words_lemma), self._doc(self._vocab, words=words_lower)

    def matches(self, doc: Any) -> list[Match]:
        """All (list, term, token span) matches in a spaCy Doc or Span, deduplicated."""
        seen: set[tuple[str, int, int]] = set()
        out: list[Match] = []
        for view in self._lower_docs(doc):
            for match_id, s, e in self.matcher(view):
                key, term = self._vocab.strings[match_id].split("\t", 1)
                if (key, s, e) in seen:
                    continue
                seen.add((key, s, e))
                out.append(Match(key, term, s, e))
        out.sort(key=lambda m: (m.start_token, -m.end_token))
        return out


@lru_cache(maxsize=1)
def default_matcher() -> LexiconMatcher:
    from parallax.nlp import spacy_nlp

    return LexiconMatcher(spacy_nlp())


@lru_cache(maxsize=1)
def term_info() -> dict[tuple[str, str], Entry]:
    """(list_key, term) -> Entry, to look up the category and reason of a match."""
    return {(e.list_key, e.term): e for rows in entries().values() for e in rows}
