"""Reported speech from the one parse: cue, source span and content span, scored by a learned model.

Every token whose lemma is in the cue lexicon learned from PolNeAR train (verbs such as
"say", "warn", "accuse", nouns such as "statement", and "according to") is a candidate
cue. For each candidate the parse gives a source (the subject's whole subtree, the agent
of a passive, the object of "according to", the owner of "his statement", "a statement
from the ministry") and a content (the clausal complement, the object, or the rest of the
sentence for a parenthetical "..., officials warned" / "..., according to X"). A logistic
model (weights learned on PolNeAR train by `eval/train_attribution.py`, threshold picked
on dev) scores each candidate from parse features; the ones above the threshold are
attributions. Source spans are whole noun-phrase subtrees because that is how PolNeAR
and PARC annotate them ("the senator, who ran in 2012,").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_FILE = "attribution/cue_model.json"
# content relations in the order they are tried
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj")
_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj"})
_QUOTES = '“”"‘’'


@dataclass(frozen=True)
class CueModel:
    """Lemma lexicon (lemma|POS -> log-odds of being a cue in PolNeAR train) and feature weights."""

    lexicon: dict[str, float]
    weights: dict[str, float]
    bias: float

    def score(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def cue_model() -> CueModel:
    """The shipped model (derived weights only; see resources/attribution/NOTICE)."""
    raw = json.loads(
        resources.files("parallax").joinpath("resources", MODEL_FILE).read_text(encoding="utf-8")
    )
    return CueModel(raw["lexicon"], raw["weights"], float(raw["bias"]))


@dataclass(frozen=True)
class Candidate:
    """One possible attribution around cue token `cue` (token indices into the Doc)."""

    cue: int
    cue_end: int  # exclusive token index ("according to", "pointed out")
    source: tuple[int, int] | None  # token range
    content: tuple[int, int] | None  # token range
    relation: str  # how the content was found: ccomp, xcomp, dobj, rest, none
    source_rel: str  # nsubj, inherited, agent, according, poss, from, none


def lexicon_key(tok: Any) -> str:
    return f"{tok.lemma_.lower()}|{'VERB' if tok.pos_ == 'AUX' else tok.pos_}"


def _range(toks: list[Any]) -> tuple[int, int]:
    return min(t.i for t in toks), max(t.i for t in toks) + 1


def source_range(doc: Any, head: Any) -> tuple[int, int]:
    """The source's whole subtree, cut at a line break (a dateline or timestamp the parser
    attached) and without edge punctuation or spaces."""
    lo, hi = _range(list(head.subtree))
    for i in range(head.i - 1, lo - 1, -1):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            lo = i + 1
            break
    for i in range(head.i + 1, hi):
        if "\n" in doc[i].text or "\n" in doc[i - 1].whitespace_:
            hi = i
            break
    while hi - lo > 1 and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        if doc[hi - 1].text == ")" and any(t.text == "(" for t in doc[lo : hi - 1]):
            break
        hi -= 1
    while hi - lo > 1 and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return lo, hi


def _breaks(tok: Any) -> bool:
    return "\n" in tok.text or "\n" in tok.whitespace_


def after_break(doc: Any, rng: tuple[int, int], cue: int) -> tuple[int, int]:
    """A source the parser took from the line above the cue's ("12:15 p.m.\n\nPresident
    Obama says ..." parsed with the timestamp as subject): the words between the last line
    break and the cue, when they hold a noun or pronoun; else `rng` unchanged."""
    if not rng[1] <= cue or not any(_breaks(doc[i]) for i in range(rng[1] - 1, cue)):
        return rng
    lo = max(i for i in range(rng[1] - 1, cue) if _breaks(doc[i])) + 1
    while lo < cue and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    hi = cue
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].dep_ in {"advmod", "aux", "neg"}):
        hi -= 1
    if any(t.pos_ in {"PROPN", "NOUN", "PRON"} for t in doc[lo:hi]):
        return lo, hi
    return rng


def _subject(verb: Any, depth: int = 0) -> tuple[Any | None, str]:
    """The subject of a cue verb, climbing through xcomp/conj/advcl to an inherited subject."""
    for c in verb.children:
        # the subject of a passive ("Quiros was accused of ...") is the target, not the source
        if c.dep_ in {"nsubj", "csubj"}:
            return c, "nsubj" if depth == 0 else "inherited"
    for c in verb.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0], "agent"
    if depth < 2 and verb.dep_ in {"xcomp", "conj", "advcl"} and verb.head is not verb:
        return _subject(verb.head, depth + 1)
    if depth < 2 and verb.dep_ == "pcomp" and verb.head.head.pos_ in {"VERB", "AUX"}:
        # "responded ... by saying that ...", "despite admitting that ...": the clause's subject
        return _subject(verb.head.head, depth + 1)
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in {"PROPN", "NOUN"}:
        return verb.head, "acl"  # "President Obama, saying ...": the noun it hangs on
    left = _left_name(verb) if depth == 0 and verb.pos_ in {"VERB", "AUX"} else None
    return (left, "left") if left is not None else (None, "none")


def _left_name(verb: Any) -> Any | None:
    """A name right before a subjectless cue verb, the parse having hung it elsewhere ("In
    a meeting with the board Trump said ..."): the head of its name phrase."""
    i = verb.i - 1
    while i >= 0 and verb.doc[i].dep_ in {"advmod", "aux", "neg"} and verb.doc[i].head is verb:
        i -= 1
    if i < 0 or verb.doc[i].pos_ != "PROPN":
        return None
    tok = verb.doc[i]
    while tok.dep_ in {"compound", "flat"} and tok.head.i > tok.i and tok.head.i < verb.i:
        tok = tok.head
    return tok


def _noun_source(noun: Any) -> tuple[Any | None, str]:
    """ "his statement", "the ministry's statement", "a statement from the ministry"."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c, "poss"
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in {"from", "by", "of"}:
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs and objs[0].pos_ in {"PROPN", "PRON"} or (objs and objs[0].ent_type_):
                return objs[0], "from"
    # "the ministry said in a statement" is found from the verb; "in a statement, X accused"
    # too. A noun cue that is the subject of its clause ("A statement said") is its own source.
    return None, "none"


def _rest_of_sentence(doc: Any, sent: tuple[int, int], skip: set[int]) -> tuple[int, int] | None:
    """The sentence around `skip` (the cue clause) when it is a parenthetical with at
    least two words on each side ("The latest test, North Korea said, was its biggest"),
    else the longest run of sentence tokens outside it."""
    if skip:
        lo, hi = min(skip), max(skip) + 1
        if _words(doc, max(sent[0], 0), lo) >= 2 and _words(doc, hi, sent[1]) >= 2:
            left = next(i for i in range(sent[0], lo) if not doc[i].is_space)
            right = max(i for i in range(hi, sent[1]) if not doc[i].is_space) + 1
            return left, right
    best: tuple[int, int] | None = None
    start = None
    for i in range(sent[0], sent[1] + 1):
        inside = i < sent[1] and i not in skip and not doc[i].is_space
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def _according(doc: Any, tok: Any, sent: tuple[int, int]) -> Candidate:
    """ "..., according to X" / "According to X, ...": X and the rest of the sentence."""
    objs = [g for g in doc[tok.i + 1].children if g.dep_ == "pobj"]
    skip = {t.i for t in tok.subtree} | {tok.i, tok.i + 1}
    content = _rest_of_sentence(doc, sent, skip)
    srng = source_range(doc, objs[0]) if objs else None
    return Candidate(tok.i, tok.i + 2, srng, content, "rest", "according")


def _content(doc: Any, tok: Any, sent: tuple[int, int]) -> tuple[tuple[int, int] | None, str]:
    """Content token range of a cue and how it was found."""
    for dep in _CONTENT_DEPS:
        kids = [c for c in tok.children if c.dep_ == dep]
        if kids:
            lo, hi = _range(list(kids[0].subtree))
            if dep == "dobj":
                hi = _object_complement(tok, hi)
            return (lo, hi), dep
    if any(c.dep_ == "agent" for c in tok.children):
        # "The issue was first reported by the Post", "a penalty imposed by the bureau":
        # what the passive cue is about is its subject, or the noun it modifies
        subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if subj:
            return _range(list(subj[0].subtree)), "passive"
        if tok.dep_ == "acl" and tok.head.i < tok.i:
            return (tok.head.left_edge.i, tok.i), "passive"
    for c in tok.children if tok.lemma_ in _COPULAS else ():
        # "she was sure [Trump would win]", "has been critical [of Trump]": a predicate
        # adjective or noun carries the complement of a copular cue
        if c.dep_ in {"acomp", "attr"}:
            for dep in ("ccomp", "xcomp", "prep"):
                kids = [k for k in c.children if k.dep_ == dep and k.i > c.i]
                if kids:
                    return _range(list(kids[0].subtree)), f"pred-{dep}"
    # "ruled against X", "spoke of X", "doubling down on X": the object of a preposition
    kids = [c for c in tok.children if c.dep_ == "prep" and c.i > tok.i and list(c.children)]
    if kids:
        return _range(list(kids[0].subtree)), f"prep-{kids[0].lower_}"
    if tok.pos_ in {"NOUN", "PROPN"}:
        kids = [c for c in tok.children if c.dep_ in {"acl", "appos", "ccomp", "relcl"}]
        if kids:
            return _range(list(kids[0].subtree)), "noun-clause"
    if tok.dep_ in {"parataxis", "advcl", "conj", "ccomp"}:
        # "..., officials warned." / "X, he said, is ...": the rest of the sentence
        rest = _rest_of_sentence(doc, sent, {t.i for t in tok.subtree})
        return rest, "rest" if rest else "none"
    return None, "none"


# copular verbs whose predicate carries the reported attitude (policy: English grammar)
_COPULAS = frozenset({"be", "become", "seem", "remain", "appear", "feel", "sound", "look"})
_COMPLEMENT_PREPS = frozenset({"of", "for", "as", "over", "about"})


def _object_complement(tok: Any, hi: int) -> int:
    """End of an object's content with what it is charged with: "accusing her [of being
    asleep]", "praised him [for ...]", "called Oz [a quack]", "derided the deal [as toothless]"."""
    for c in tok.children:
        if c.i == hi and (c.dep_ in {"oprd", "ccomp", "xcomp"} or c.lower_ in _COMPLEMENT_PREPS):
            hi = max(t.i for t in c.subtree) + 1
    return hi


def candidate(doc: Any, tok: Any, sent: tuple[int, int]) -> Candidate:
    """Source and content of `tok` read as a cue."""
    if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
        return _according(doc, tok, sent)
    cue_end = tok.i + 1
    for c in tok.children:
        if c.dep_ == "prt" and c.i == cue_end:
            cue_end = c.i + 1  # "pointed out"
    src, srel = _noun_source(tok) if tok.pos_ in {"NOUN", "PROPN"} else _subject(tok)
    content, relation = _content(doc, tok, sent)
    srng = None
    if src is not None:
        srng = after_break(doc, source_range(doc, src), tok.i)
        if srng[0] <= tok.i < srng[1]:  # "President Obama, saying ...": stop at the cue
            srng = (srng[0], tok.i) if src.i < tok.i else (tok.i + 1, srng[1])
    if srng and content and srng[0] < content[1] and content[0] < srng[1]:
        # the subject sits inside the content range: a parenthetical report ("Lenox was a
        # juggernaut, Mr. Clarke said, until ...") keeps both sides, as PolNeAR's content
        # does; otherwise (an inverted "said X") the content is cut at the subject
        before = _words(doc, content[0], min(srng[0], tok.i))
        after = _words(doc, max(srng[1], cue_end), content[1])
        if before < 2 or after < 2:
            content = (content[0], srng[0]) if srng[0] > content[0] else (srng[1], content[1])
    return Candidate(tok.i, cue_end, srng, content, relation, srel)


def _words(doc: Any, lo: int, hi: int) -> int:
    return sum(1 for t in doc[lo:hi] if not (t.is_punct or t.is_space))


def _quote_near(doc: Any, rng: tuple[int, int] | None) -> bool:
    if rng is None:
        return False
    lo, hi = max(0, rng[0] - 1), min(len(doc), rng[1] + 1)
    return any(doc[i].text in _QUOTES for i in range(lo, hi))


def features(doc: Any, tok: Any, cand: Candidate, prior: float) -> dict[str, float]:
    """Parse features of one candidate cue (names are stable: they key the learned weights)."""
    f: dict[str, float] = {
        "prior": prior,
        f"pos={tok.pos_}": 1.0,
        f"dep={tok.dep_}": 1.0,
        f"tag={tok.tag_}": 1.0,
        f"rel={cand.relation}": 1.0,
        f"srel={cand.source_rel}": 1.0,
        f"rel*srel={cand.relation}*{cand.source_rel}": 1.0,
        f"lemma={tok.lemma_.lower()}": 1.0,
        f"lemma*rel={tok.lemma_.lower()}*{cand.relation}": 1.0,
    }
    if cand.source is not None:
        head = doc[cand.source[1] - 1]
        for t in doc[cand.source[0] : cand.source[1]]:
            if (
                t.dep_ in _SUBJ | {"pobj", "poss"}
                or t.head.i >= cand.source[1]
                or t.head.i < cand.source[0]
            ):
                head = t
                break
        kind = head.ent_type_ or ("PRON" if head.pos_ == "PRON" else head.pos_)
        f[f"src={kind}"] = 1.0
        f[f"src*rel={kind}*{cand.relation}"] = 1.0
        f[f"src*dep={kind}*{tok.dep_}"] = 1.0
        f["src_len"] = min(cand.source[1] - cand.source[0], 10) / 10
        f["src_after"] = 1.0 if cand.source[0] > tok.i else 0.0
    if cand.content is not None:
        f["con_len"] = min(cand.content[1] - cand.content[0], 40) / 40
        f["con_quote"] = 1.0 if _quote_near(doc, cand.content) else 0.0
        f["con_verb"] = (
            1.0
            if any(t.pos_ in {"VERB", "AUX"} for t in doc[cand.content[0] : cand.content[1]])
            else 0.0
        )
    if any(c.dep_ == "neg" for c in tok.children):
        f["neg"] = 1.0
    if cand.content is not None and doc[cand.content[0]].lower_ == "that":
        f["that"] = 1.0
    f.update(_shape_features(doc, tok, cand))
    return f


_RELATIVE = frozenset({"who", "which", "that"})
_PERSONAL = frozenset({"he", "she", "they", "we", "i", "you"})


def _shape_features(doc: Any, tok: Any, cand: Candidate) -> dict[str, float]:
    """Clause-shape features added after an error analysis on PolNeAR dev: who the source
    is (relative or personal pronoun), whether the content is a clause with its own
    subject and what heads it, the cue's auxiliaries and addressee, and where it hangs.
    On dev they raised the candidates' recall at precision 0.8 from 0.78 to 0.81."""
    lemma = tok.lemma_.lower()
    f: dict[str, float] = {
        f"lemma*srel={lemma}*{cand.source_rel}": 1.0,
        f"headdep={tok.head.dep_ if tok.head is not tok else 'ROOT'}": 1.0,
    }
    if cand.source is not None:
        first = doc[cand.source[0]].lower_
        if first in _RELATIVE:
            f["src_rel_pron"] = 1.0
        if first in _PERSONAL:
            f[f"src_pron={first}"] = 1.0
    if cand.content is not None:
        lo, hi = cand.content
        toks = doc[lo:hi]
        if any(t.dep_ in {"nsubj", "nsubjpass"} for t in toks):
            f["con_subj"] = 1.0
        heads = [t for t in toks if t.head.i < lo or t.head.i >= hi]
        if heads:
            f[f"conhead={heads[0].pos_}"] = 1.0
            f[f"conhead_ent={heads[0].ent_type_ or '-'}"] = 1.0
        f["gap"] = min(abs(lo - tok.i), 10) / 10
    for c in tok.children:
        if c.dep_ in {"aux", "auxpass"}:
            f[f"aux={c.lemma_.lower()}"] = 1.0
        if c.dep_ == "dative" or (c.dep_ == "dobj" and cand.relation == "ccomp"):
            f["addressee"] = 1.0
    return f


CLAUSAL = frozenset({"ccomp", "xcomp", "rest", "noun-clause", "pred-ccomp", "pred-xcomp"})


def find_attributions(
    doc: Any,
    threshold: float,
    skip: list[tuple[int, int]],
    model: CueModel | None = None,
    phrase_threshold: float | None = None,
) -> list[tuple[Candidate, float]]:
    """Candidates scoring at least `threshold`, cues inside the char spans `skip` left out.

    A content that is a bare phrase (an object: "attacked Trump") rather than a clause
    must reach `phrase_threshold`; a reporter's question ("Asked whether ...") is no
    attribution of the one asked.
    """
    from parallax.annotate.entities import sentence_bounds

    model = model or cue_model()
    bounds = sentence_bounds(doc)
    out = []
    for tok in doc:
        prior = model.lexicon.get(lexicon_key(tok))
        if prior is None or any(s <= tok.idx < e for s, e in skip):
            continue
        cand = candidate(doc, tok, bounds[tok.i])
        if cand.content is None:
            continue
        if tok.lemma_ == "ask" and tok.tag_ == "VBN" and cand.source is None:
            continue
        p = model.score(features(doc, tok, cand, prior))
        need = threshold if cand.relation in CLAUSAL else max(threshold, phrase_threshold or 0.0)
        if p >= need:
            out.append((cand, p))
    return out


def _within(i: int, rng: tuple[int, int] | None) -> bool:
    return rng is not None and rng[0] <= i < rng[1]


def nested_in(found: list[tuple[Candidate, float]]) -> list[int | None]:
    """For each attribution, the index of a surer one whose content holds its cue
    ("Merrill said [Machado promised to keep supporting Clinton]"), else None. PolNeAR
    marks the outer report only: 6 of 2,192 gold cues on dev sit inside another gold
    content. Two that contain each other's cue are not nested."""
    out: list[int | None] = []
    for b, p in found:
        outer = (
            k
            for k, (a, pa) in enumerate(found)
            if a is not b
            and pa >= p
            and _within(b.cue, a.content)
            and not _within(a.cue, b.content)
        )
        out.append(next(outer, None))
    return out
