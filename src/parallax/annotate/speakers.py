"""Who a source span names: a documented rule set over the one parse; unknown when unsure.

Rules, tried in order (the first that applies decides; none applying means unknown):
1. Named person: the span's head (or a token of its head phrase) is part of a PERSON
   mention found by `entities.find_people` -> that person.
2. Pronoun ("he", "she"): `entities.find_people` already resolved it by the pronoun rules
   there (nearest compatible person in gender and number within a few sentences, gender
   from honorifics, gendered titles and earlier unambiguous pronouns). Unresolved -> unknown.
3. Description ("the spokesman", "the senator", "the Secretary of State"): a definite
   noun phrase headed by a title word -> the person whose extracted title contains that
   word, when exactly one person of the article holds such a title before the span.
4. Organisation or place ("the ministry", "the Chinese Foreign Ministry", "Beijing"): the
   head is inside an ORG/GPE/NORP entity -> its canonical name.
5. Relative pronoun ("Biden, who served 36 years, said"; PolNeAR marks "who" as the
   source): the noun the relative clause modifies, by rules 1-4.
6. Everything else ("officials", "a source", "critics", "they") -> unknown, with the
   words kept as `speaker_text` so consumers can show "unnamed officials".
"""

from __future__ import annotations

import re
from typing import Any

from parallax.annotate.entities import (
    ANONYMOUS_HEADS,
    PRONOUNS,
    TITLE_WORDS,
    People,
    canonical_place,
)

_DET = re.compile(r"^(?:the|a|an)\s+", re.I)
_DEFINITE = {"the", "this", "that"}
_RELATIVE = {"who", "which", "that"}


def span_head(doc: Any, start: int, end: int) -> Any:
    """The syntactic head token of the token range [start, end)."""
    for t in doc[start:end]:
        if t.head.i < start or t.head.i >= end or t.head.i == t.i:
            return t
    return doc[end - 1]


def _head_phrase(doc: Any, head: Any) -> tuple[int, int]:
    """Head plus its compounds and flat name parts (`Foreign Minister Wang Yi`)."""
    lo = hi = head.i
    for c in head.children:
        if c.dep_ in {"compound", "flat", "amod", "nmod"} and c.i < head.i:
            lo = min(lo, c.left_edge.i)
    return lo, hi + 1


def _named(doc: Any, people: People, head: Any) -> str | None:
    lo, hi = _head_phrase(doc, head)
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text)
    best = None
    for m in people.mentions:
        if m.start < end and start < m.end and m.text.lower() not in PRONOUNS:
            # the mention that covers the head itself wins over a modifier's
            if m.start <= head.idx < m.end:
                return m.canonical
            best = best or m.canonical
    return best if head.pos_ == "PROPN" else None


def _description(doc: Any, people: People, head: Any, start: int) -> str | None:
    word = head.lower_
    if word not in TITLE_WORDS or word in ANONYMOUS_HEADS or head.tag_ in {"NNS", "NNPS"}:
        return None
    first = doc[head.left_edge.i].lower_
    if first not in _DEFINITE and doc[head.left_edge.i].dep_ != "poss":
        return None
    holders = {t.person for t in people.titles if t.start < start and word in t.title.lower()}
    return next(iter(holders)) if len(holders) == 1 else None


def _relative_antecedent(head: Any) -> Any | None:
    """ "Biden, who served 36 years, said": the noun a relative pronoun's clause hangs on."""
    if head.lower_ not in _RELATIVE or head.head.dep_ != "relcl":
        return None
    noun = head.head.head
    return noun if noun.pos_ in {"PROPN", "NOUN"} and noun.i != head.i else None


def resolve_speaker(doc: Any, people: People, start: int, end: int) -> str | None:
    """Canonical speaker of the source tokens [start, end), or None (unknown)."""
    if end <= start:
        return None
    head = span_head(doc, start, end)
    antecedent = _relative_antecedent(head)
    if antecedent is not None:
        lo, hi = _head_phrase(doc, antecedent)
        return resolve_speaker(doc, people, lo, hi)
    if head.lower_ in PRONOUNS or head.pos_ == "PRON":
        m = people.mention_covering(head.idx, head.idx + len(head.text))
        return m.canonical if m is not None and m.text.lower() in PRONOUNS else None
    named = _named(doc, people, head)
    if named:
        return named
    if head.lower_ in ANONYMOUS_HEADS:
        return None
    desc = _description(doc, people, head, doc[start].idx)
    if desc:
        return desc
    if head.ent_type_ in {"ORG", "GPE", "NORP", "PERSON"}:
        ent = next((e for e in doc.ents if e.start <= head.i < e.end), None)
        if ent is not None and ent.label_ != "PERSON":
            return canonical_place(_DET.sub("", ent.text))
    lo, hi = _head_phrase(doc, head)
    if head.pos_ == "NOUN" and any(t.ent_type_ in {"ORG", "GPE", "NORP"} for t in doc[lo:hi]):
        # "the Chinese government", "the U.S. embassy": an institution named by its country
        return _DET.sub("", doc[lo:hi].text)
    return None
