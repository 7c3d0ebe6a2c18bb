"""Named entities: mentions, people's titles, and canonical names within and across articles.

The small spaCy model often tags a bare surname as GPE or ORG ("Blinken", "Wang",
"Price"), so people are found in two passes: full names from PERSON entities first,
then every entity or proper noun whose text is a part of one of those names is a
mention of that person. Titles come from the words in front of a name
("State Department spokesperson Ned Price"), from appositions ("Wang Yi, the director
of ..."), and from title-only references ("the Secretary of State") matched to the
person who carries that title. The title lexicon is hand-written because no trained
title tagger ships with the installed models.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from parallax.models import AnnotatedArticle, Entity, Mention, PersonTitle

KEEP_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "DATE", "CARDINAL"}
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}

# Head words of a title phrase; a phrase in front of a name only counts as a title
# when it contains one of these.
TITLE_WORDS = {
    "secretary",
    "minister",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "diplomat",
    "president",
    "leader",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "general",
    "gen.",
    "gen",
    "brig.",
    "brig",
    "official",
    "ambassador",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "governor",
    "mayor",
    "premier",
    "chancellor",
    "envoy",
    "commander",
    "adviser",
    "advisor",
    "aide",
    "reporter",
    "correspondent",
    "editor",
    "analyst",
    "professor",
    "ceo",
    "head",
    "deputy",
    "secretary-general",
    "admiral",
    "colonel",
    "col.",
    "captain",
    "capt.",
    "lt.",
    "dr.",
    "prime",
    "justice",
    "judge",
    "attorney",
    "lawmaker",
    "congressman",
    "congresswoman",
    "speaker",
    "negotiator",
    "councillor",
    "counselor",
    "counsellor",
    "vice",
    "press",
    "foreign",
    "defense",
    "defence",
    "mr.",
    "mrs.",
    "ms.",
    "sgt.",
    "maj.",
    "gov.",
    "pres.",
    "king",
    "queen",
    "prince",
    "pope",
    "candidate",
    "nominee",
    "founder",
    "executive",
    "officer",
}
# Heads that name an anonymous source: never resolved to a specific person.
ANONYMOUS_HEADS = {
    "official",
    "officials",
    "source",
    "sources",
    "people",
    "person",
    "aide",
    "aides",
}
HONORIFICS = {
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "sen.",
    "rep.",
    "gov.",
    "gen.",
    "brig.",
    "lt.",
    "col.",
    "capt.",
    "sgt.",
    "maj.",
    "president",
    "prime",
    "minister",
    "secretary",
    "general",
    "brig",
    "gen",
    "mr",
    "mrs",
    "ms",
    "dr",
    "pres.",
}
PRONOUNS = {"he", "she", "him"}

_GPE_ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "u.s": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states": "United States",
    "america": "United States",
    "the united states": "United States",
    "the us": "United States",
    "the u.s.": "United States",
    "prc": "China",
    "the prc": "China",
    "people's republic of china": "China",
    "the people's republic of china": "China",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "the uk": "United Kingdom",
}
_NATION_WORDS = {
    "chinese": "china",
    "china": "china",
    "prc": "china",
    "beijing": "china",
    "american": "us",
    "us": "us",
    "u.s.": "us",
    "america": "us",
    "washington": "us",
    "russian": "russia",
    "russia": "russia",
    "ukrainian": "ukraine",
    "ukraine": "ukraine",
}
_STOP = {"the", "a", "an", "of", "'s", "’s", "-", "–", "his", "her", "its", "their", "and"}


def clean_name(text: str) -> str:
    """A person's name without brackets, possessive, honorifics and stray punctuation."""
    text = re.sub(r"[\[\]()]", "", text)
    text = re.sub(r"['’]s$", "", text.strip())
    words = text.split()
    while len(words) > 1 and words[0].lower() in HONORIFICS:
        words.pop(0)
    return " ".join(w.strip(',;:"“”') for w in words).strip()


def canonical_place(text: str) -> str:
    """Canonical form of a place or organisation name (drops "the", folds U.S./US/...)."""
    t = re.sub(r"['’]s$", "", text.strip())
    low = t.lower()
    if low in _GPE_ALIASES:
        return _GPE_ALIASES[low]
    if low.startswith("the "):
        t = t[4:]
        if t.lower() in _GPE_ALIASES:
            return _GPE_ALIASES[t.lower()]
    return t


def _norm_words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[A-Za-z][A-Za-z.\-]*", text.lower()):
        w = w.strip(".")
        if w in _STOP or not w:
            continue
        out.add(_NATION_WORDS.get(w, w))
    return out


def doc_text(doc: Any) -> str:
    """`Doc.text` rebuilt once per Doc (spaCy joins every token on each access)."""
    text = doc.user_data.get("parallax_text")
    if text is None:
        text = doc.user_data["parallax_text"] = doc.text
    return text


def sentence_bounds(doc: Any) -> list[tuple[int, int]]:
    """(sentence start, end) token indices for every token, computed once per Doc.

    `Token.sent` walks the Doc on every call; annotators ask for it per token.
    """
    cached = doc.user_data.get("parallax_sent_bounds")
    if cached is None or len(cached) != len(doc):
        cached = []
        for sent in doc.sents:
            cached.extend([(sent.start, sent.end)] * (sent.end - sent.start))
        doc.user_data["parallax_sent_bounds"] = cached
    return cached


@dataclass
class People:
    """Per-article person index built from one spaCy Doc."""

    full_names: list[str] = field(default_factory=list)
    alias: dict[str, str] = field(default_factory=dict)  # lowercased name part -> full name
    mentions: list[Mention] = field(default_factory=list)  # PERSON mentions incl. pronouns
    titles: list[PersonTitle] = field(default_factory=list)

    def person_at(self, char: int, window: int = 1500) -> Mention | None:
        """The most recent named PERSON mention that ends before `char` (for pronouns)."""
        best = None
        for m in self.mentions:
            if m.end <= char and char - m.end <= window and m.text.lower() not in PRONOUNS:
                best = m
        return best

    def mention_covering(self, start: int, end: int) -> Mention | None:
        for m in self.mentions:
            if m.start <= start and end <= m.end or start <= m.start < end:
                return m
        return None


_FUNCTION_WORDS = {"about", "with", "of", "the", "and", "for", "to", "in", "on", "at", "by", "from"}


def _plausible_name(name: str) -> bool:
    """Rejects headline fragments the NER tags as PERSON ("Sharing Info About Spy Balloon")."""
    words = name.split()
    if not words or len(words) > 4 or not re.search(r"[A-Za-z]", name):
        return False
    if any(w.lower() in _FUNCTION_WORDS for w in words) or re.search(r"[‘’'\"“”]\w", name):
        return False
    return all(w[:1].isupper() for w in words)


def _split_title_from_ent(ent: Any) -> tuple[int, int]:
    """(first token index of the name, ent.end): leading title words inside the entity are skipped."""
    i = ent.start
    while i < ent.end - 1 and ent.doc[i].text.lower() in HONORIFICS | TITLE_WORDS:
        i += 1
    return i, ent.end


def _abbrev(word: str) -> bool:
    """ "Brig", "Gen", "Dept" in front of a split-off period."""
    return word[:1].isupper() and word.isalpha() and len(word) <= 5


def _title_before(doc: Any, name_start: int, floor: int) -> tuple[int, int] | None:
    """Token range of a title written in front of a name, or None."""
    i = name_start - 1
    start = name_start
    while i >= floor:
        tok = doc[i]
        low = tok.text.lower()
        if tok.ent_type_ == "PERSON" and low not in TITLE_WORDS | HONORIFICS:
            break
        if low == "." and not (i > floor and _abbrev(doc[i - 1].text)):
            break
        if (
            tok.pos_ in {"PROPN", "NOUN", "ADJ"}
            or low in {"of", "-", "–", "."}
            or low in TITLE_WORDS
        ):
            start = i
            i -= 1
            continue
        if (
            low == "the"
            and i + 1 < name_start
            and doc[i + 1].text.lower() not in {"the"}
            and i - 1 >= floor
            and doc[i - 1].text.lower() == "of"
        ):
            start = i
            i -= 1
            continue
        break
    while start < name_start and doc[start].text.lower() in {"of", "-", "–", ".", "the"}:
        start += 1
    if start >= name_start:
        return None
    words = {t.text.lower() for t in doc[start:name_start]}
    if not words & TITLE_WORDS:
        return None
    # a title must end with a title word or an honorific (not "... balloon Blinken")
    j = name_start - 1
    while j > start and doc[j].text in {".", "-"}:
        j -= 1
    if doc[j].text.lower() not in TITLE_WORDS | HONORIFICS and doc[j].pos_ != "PROPN":
        return None
    return start, name_start


def _appositive_title(doc: Any, name_end: int) -> tuple[int, int] | None:
    """ ", the director of ..." right after a name: token range of the apposition."""
    if name_end + 2 >= len(doc) or doc[name_end].text != ",":
        return None
    j = name_end + 1
    if doc[j].text.lower() in {"the", "a", "an"}:
        j += 1
    k = j
    # the head title word must come within the first few tokens
    while k < len(doc) and k < j + 6 and doc[k].text.lower() not in TITLE_WORDS:
        if doc[k].is_punct:
            return None
        k += 1
    if k >= len(doc) or k >= j + 6 or doc[k].text.lower() not in TITLE_WORDS:
        return None
    end = k + 1
    sent_end = sentence_bounds(doc)[k][1]
    while (
        end < sent_end
        and not (doc[end].is_punct and doc[end].text not in {"'s", "’s", "-", "–"})
        and doc[end].text.lower() not in {"who", "which", "before", "after", "when", "said", "says"}
        and doc[end].pos_ not in {"VERB", "AUX"}
    ):
        end += 1
    return j, end


def find_people(doc: Any, article_id: str) -> People:
    """PERSON mentions (names, surnames, title-only references, pronouns) and titles in one Doc."""
    people = People()
    # pass 1: full names from PERSON entities
    named: list[tuple[int, int, str]] = []  # token start, end, cleaned name
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        s, e = _split_title_from_ent(ent)
        name = clean_name(doc[s:e].text)
        if not _plausible_name(name):
            continue
        named.append((s, e, name))
    counts = Counter(n for _, _, n in named)
    full = sorted({n for n in counts if len(n.split()) >= 2}, key=lambda n: (-counts[n], n))
    part_owner: dict[str, set[str]] = defaultdict(set)
    for n in full:
        for w in n.split():
            if len(w) > 1:
                part_owner[w.lower()].add(n)
    alias = {w: next(iter(owners)) for w, owners in part_owner.items() if len(owners) == 1}
    for n in full:
        alias[n.lower()] = n
    people.full_names = full
    people.alias = alias

    # pass 2: any entity or proper-noun run matching a known name is that person
    spans: list[tuple[int, int, str, str]] = []  # token start, end, surface text, canonical
    taken: set[int] = set()
    for s, e, name in named:
        canon = alias.get(name.lower(), name)
        spans.append((s, e, doc[s:e].text, canon))
        taken.update(range(s, e))
    for ent in doc.ents:
        if ent.label_ in {"PERSON", "DATE", "CARDINAL"} or ent.start in taken:
            continue
        key = clean_name(ent.text).lower()
        if key in alias:
            spans.append((ent.start, ent.end, ent.text, alias[key]))
            taken.update(range(ent.start, ent.end))
    for tok in doc:
        if tok.i in taken or tok.pos_ != "PROPN":
            continue
        key = clean_name(tok.text).lower()
        if key in alias and tok.text[:1].isupper():
            spans.append((tok.i, tok.i + 1, tok.text, alias[key]))
            taken.add(tok.i)

    # titles in front of names and in apposition
    for s, e, _surface, canon in spans:
        # not the sentence start: the parser often splits after "Brig." / "Gen."
        floor = max(0, s - 12)
        rng = _title_before(doc, s, floor)
        ent_start = s
        # titles inside the entity ("Brig. Gen. Pat Ryder" tagged whole)
        while (
            ent_start > floor
            and doc[ent_start - 1].ent_iob_ == "I"
            and doc[ent_start - 1].ent_type_ == "PERSON"
        ):
            ent_start -= 1
        if rng:
            _add_title(people, doc, article_id, canon, rng[0], rng[1])
        app = _appositive_title(doc, e)
        if app:
            _add_title(people, doc, article_id, canon, app[0], app[1])

    for s, e, _surface, canon in spans:
        start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        text = doc_text(doc)[start:end]
        m = re.search(r"['’]s$", text)
        if m:
            end -= len(m.group(0))
            text = doc_text(doc)[start:end]
        people.mentions.append(Mention(article_id, start, end, text, "PERSON", canon))
    people.mentions.sort(key=lambda m: m.start)

    _title_only_references(doc, article_id, people, taken)
    _pronouns(doc, article_id, people)
    people.mentions.sort(key=lambda m: m.start)
    return people


def _add_title(people: People, doc: Any, article_id: str, person: str, s: int, e: int) -> None:
    start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
    text = doc_text(doc)[start:end].strip(" ,")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    start = end - len(text) if text else start
    if not text or len(text) > 120:
        return
    if any(t.person == person and t.start == start for t in people.titles):
        return
    people.titles.append(PersonTitle(article_id, person, text, start, start + len(text)))


def _title_only_references(doc: Any, article_id: str, people: People, taken: set[int]) -> None:
    """ "the Secretary of State", "China's senior foreign minister": a titled person named elsewhere."""
    if not people.titles:
        return
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.i in taken or root.text.lower() not in TITLE_WORDS or root.tag_ in {"NNS", "NNPS"}:
            continue
        if root.text.lower() in ANONYMOUS_HEADS:
            continue
        first = chunk[0].text.lower()
        if first in {"a", "an", "another", "some", "any", "one"}:
            continue
        if any(t.i in taken for t in chunk) or (chunk.end < len(doc) and doc[chunk.end].i in taken):
            continue
        # extend "the Secretary of State": noun_chunks stops before "of"
        end_tok = chunk.end
        if (
            end_tok + 1 < len(doc)
            and doc[end_tok].text == "of"
            and doc[end_tok + 1].pos_ == "PROPN"
        ):
            end_tok += 2
            while (
                end_tok < len(doc) and doc[end_tok].pos_ == "PROPN" and doc[end_tok].i not in taken
            ):
                end_tok += 1
        if end_tok < len(doc) and doc[end_tok].i in taken:
            continue  # a title in front of a name, handled above
        span = doc[chunk.start : end_tok]
        words = _norm_words(span.text)
        best, best_score = None, 0.0
        for t in people.titles:
            tw = _norm_words(t.title)
            overlap = len(words & tw)
            exact = span.text.lower().removeprefix("the ").strip() == t.title.lower()
            score = overlap + (5 if exact else 0)
            if score > best_score:
                best, best_score = t, score
        if best is None or best_score < 2:
            continue
        start, end = span.start_char, span.end_char
        people.mentions.append(Mention(article_id, start, end, span.text, "PERSON", best.person))
        # the words after a possessive/determiner are this article's title for the person
        tstart = start
        for t in span:
            if (
                t.dep_ in {"det", "poss", "case"}
                or t.text in {"'s", "’s"}
                or (t.head.dep_ == "poss" and t.i < root.i and t.pos_ == "PROPN")
            ):
                tstart = t.idx + len(t.text)
            else:
                break
        title = doc_text(doc)[tstart:end].strip()
        if title and title.lower() != best.title.lower():
            tstart = end - len(title)
            people.titles.append(PersonTitle(article_id, best.person, title, tstart, end))
        taken.update(range(span.start, span.end))


_MALE = {"he", "him"}
_FEMALE = {"she"}
PRONOUN_SENTENCES = 2  # policy: a pronoun looks back this many sentences before its own


@lru_cache(maxsize=1)
def gendered_titles() -> dict[str, str]:
    """Honorifics and titles that tell a person's gender (resources/attribution)."""
    text = resources.files("parallax").joinpath("resources", "attribution", "gendered_titles.tsv")
    out = {}
    for line in text.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, gender = line.split("\t")[:2]
            out[word.strip().lower()] = gender.strip()
    return out


def known_genders(doc: Any, people: People) -> dict[str, str]:
    """Gender per canonical person from the honorific or title written next to a name."""
    words = gendered_titles()
    out: dict[str, str] = {}
    for t in people.titles:
        found = {words[w] for w in t.title.lower().split() if w in words}
        if len(found) == 1:
            out.setdefault(t.person, found.pop())
    for m in people.mentions:
        if m.text.lower() in PRONOUNS:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.start > 0:
            g = words.get(doc[span.start - 1].text.lower()) or words.get(span[0].text.lower())
            if g:
                out.setdefault(m.canonical, g)
    return out


def _pronouns(doc: Any, article_id: str, people: People) -> None:
    """ "he"/"she" -> the nearest compatible named person, by these rules (unknown when unsure):

    1. candidates are named mentions in the pronoun's sentence (before it) and the
       PRONOUN_SENTENCES sentences before, not used as a modifier ("the Biden administration");
    2. gender must agree when the person's gender is known (honorific, gendered title, or an
       earlier pronoun that had only one candidate);
    3. a subject pronoun prefers the latest subject candidate; otherwise the latest candidate;
    4. when the nearest sentence holding candidates has two different people and no subject
       among them, the pronoun stays unresolved.
    """
    gender = known_genders(doc, people)
    named = [m for m in people.mentions if m.text.lower() not in PRONOUNS]
    bounds = sentence_bounds(doc)
    for tok in doc:
        low = tok.text.lower()
        if low not in PRONOUNS or tok.pos_ != "PRON":
            continue
        want = "m" if low in _MALE else "f" if low in _FEMALE else None
        floor = bounds[tok.i][0]
        for _ in range(PRONOUN_SENTENCES):
            if floor > 0:
                floor = bounds[floor - 1][0]
        floor_char = doc[floor].idx
        cand = [
            m
            for m in named
            if floor_char <= m.start < tok.idx
            and (_dep_at(doc, m.start, m.end) != "compound" or len(m.text.split()) > 1)
            and (want is None or gender.get(m.canonical, want) == want)
        ]
        pick = _pick_referent(doc, tok, cand, bounds)
        if pick is None:
            continue
        if want and len({m.canonical for m in cand}) == 1:
            gender.setdefault(pick.canonical, want)
        people.mentions.append(
            Mention(
                article_id, tok.idx, tok.idx + len(tok.text), tok.text, "PERSON", pick.canonical
            )
        )


def _pick_referent(doc: Any, tok: Any, cand: list[Mention], bounds: Any) -> Mention | None:
    """Rules 3 and 4 of `_pronouns`."""
    if not cand:
        return None
    subjects = [m for m in cand if _dep_at(doc, m.start, m.end) in {"nsubj", "nsubjpass"}]
    if subjects and tok.dep_ in {"nsubj", "nsubjpass"}:
        return subjects[-1]
    last = cand[-1]
    last_sent = bounds[doc.char_span(last.start, last.end, alignment_mode="expand").start][0]
    same = {
        m.canonical
        for m in cand
        if bounds[doc.char_span(m.start, m.end, alignment_mode="expand").start][0] == last_sent
    }
    if len(same) > 1 and not subjects:
        return None
    return subjects[-1] if subjects else last


def _dep_at(doc: Any, start: int, end: int | None = None) -> str:
    """Dependency label of a mention: the root of its span (a name's last token)."""
    span = doc.char_span(start, end or start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    tok = span.root
    while tok.dep_ == "compound" and tok.head.i > tok.i and tok.head.pos_ == "PROPN":
        tok = tok.head
    return tok.dep_


def find_mentions(doc: Any, article_id: str, people: People) -> list[Mention]:
    """All kept-label mentions; PERSON ones come from `people`, others get a folded canonical."""
    # "State" in "Secretary of State" is part of a title, not the organisation
    person_chars = [(m.start, m.end) for m in people.mentions] + [
        (t.start, t.end) for t in people.titles
    ]
    out = list(people.mentions)
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS or ent.label_ == "PERSON":
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in person_chars):
            continue
        canon = canonical_place(ent.text) if ent.label_ in NAME_LABELS else ent.text
        out.append(Mention(article_id, ent.start_char, ent.end_char, ent.text, ent.label_, canon))
    out.sort(key=lambda m: (m.start, m.end))
    return out


# ---------------------------------------------------------------- across articles


def _merge_person_names(names: Counter[str]) -> dict[str, str]:
    """Map each person name to one canonical name across articles.

    A one-word name joins the only multi-word name that contains it ("Yi" -> "Wang Yi");
    multi-word names with the same surname and a near-identical full form merge
    ("Jen Stoltenberg" / "Jens Stoltenberg"). The canonical form is the most frequent
    multi-word name of the group.
    """
    multi = [n for n in names if len(n.split()) >= 2]
    parent: dict[str, str] = {n: n for n in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for i, a in enumerate(multi):
        for b in multi[i + 1 :]:
            if (
                a.split()[-1].lower() == b.split()[-1].lower()
                and fuzz.ratio(a.lower(), b.lower()) >= 85
                or set(a.lower().split()) <= set(b.lower().split())
                or set(b.lower().split()) <= set(a.lower().split())
            ):
                union(a, b)
    for n in names:
        if len(n.split()) != 1:
            continue
        owners = {find(m) for m in multi if n.lower() in m.lower().split()}
        if len(owners) == 1:
            union(next(iter(owners)), n)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[find(n)].append(n)
    out: dict[str, str] = {}
    for members in groups.values():
        pool = [m for m in members if len(m.split()) >= 2] or members
        best = max(pool, key=lambda m: (names[m], len(m), m))
        for m in members:
            out[m] = best
    return out


def _title_key(title: str) -> str:
    t = re.sub(r"^(?:the|a|an)\s+", "", title.strip(), flags=re.I).lower()
    return re.sub(r"^(?:us|u\.s\.|american|chinese)\s+", "", t)


def resolve_entities(
    annotated: Sequence[AnnotatedArticle],
) -> tuple[list[AnnotatedArticle], list[Entity]]:
    """One canonical name per person/place across articles; rewrites mentions, quotes and titles."""
    person_names: Counter[str] = Counter()
    for ann in annotated:
        for m in ann.mentions:
            if m.label == "PERSON" and m.text.lower() not in PRONOUNS:
                person_names[m.canonical] += 1
    mapping = _merge_person_names(person_names)

    def canon(name: str | None) -> str | None:
        return mapping.get(name, name) if name else name

    # "the Secretary of State said ...": a title that names exactly one person across articles
    holders: dict[str, set[str]] = defaultdict(set)
    for ann in annotated:
        for t in ann.titles:
            holders[_title_key(t.title)].add(canon(t.person) or t.person)

    def speaker_of(q: Any) -> str | None:
        if q.speaker is None and q.speaker_text:
            who = holders.get(_title_key(q.speaker_text), set())
            if len(who) == 1:
                return next(iter(who))
        return canon(q.speaker)

    out: list[AnnotatedArticle] = []
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for ann in annotated:
        mentions = tuple(
            replace(m, canonical=canon(m.canonical) or m.canonical) if m.label == "PERSON" else m
            for m in ann.mentions
        )
        quotes = tuple(replace(q, speaker=speaker_of(q)) for q in ann.quotes)
        titles = tuple(replace(t, person=canon(t.person) or t.person) for t in ann.titles)
        out.append(replace(ann, mentions=mentions, quotes=quotes, titles=titles))
        for m in mentions:
            if m.label not in NAME_LABELS | {"EVENT"}:
                continue
            g = groups.setdefault((m.canonical, m.label), {"aliases": Counter(), "articles": {}})
            if m.text.lower() not in PRONOUNS:
                g["aliases"][m.text] += 1
            g["articles"][ann.id] = None
    entities = [
        Entity(
            canonical=name,
            label=label,
            aliases=tuple(a for a, _ in g["aliases"].most_common()),
            article_ids=tuple(g["articles"]),
        )
        for (name, label), g in groups.items()
    ]
    entities.sort(key=lambda e: (-len(e.article_ids), -sum(1 for _ in e.aliases), e.canonical))
    return out, entities
