"""Quotes and reported speech with their speakers.

Direct quotes are found from quotation marks (“ ” " and, nested or in headlines,
‘ ’ '), because quote marks are the one signal news text uses consistently; a quote
left open at the end of a paragraph continues when the next paragraph opens with a
quote mark (the print convention) or closes one before opening another. Speakers
and cues come from the spaCy dependency parse: the reporting verb next to the quote
(“...,” Blinken said / He told the media: “...”) and its subject, or "according to X".
Reported speech is a reporting verb with a clausal complement ("Blinken said that
...") or a parenthetical ("..., Ryder said, ...") or "according to X".

Kinds:
- direct: a whole quoted utterance (starts a sentence or follows ":"/","),
- partial: a quoted fragment inside the writer's own sentence (“hysterical”), or a
  quote nested in another quote (`nested_in` = index of the outer quote). A partial
  with no reporting verb governing it is a scare quote (the “spy” balloon): it is
  kept with speaker=None and cue=None, which is how consumers can tell them apart.
- indirect: reported speech without quote marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from parallax.annotate.entities import PRONOUNS, People, canonical_place, doc_text
from parallax.models import Quote

CUE_LEMMAS = {
    "say",
    "tell",
    "add",
    "state",
    "confirm",
    "announce",
    "warn",
    "claim",
    "argue",
    "insist",
    "deny",
    "declare",
    "note",
    "explain",
    "ask",
    "report",
    "write",
    "emphasize",
    "emphasise",
    "stress",
    "acknowledge",
    "share",
    "suggest",
    "urge",
    "brand",
    "reiterate",
    "assert",
    "admit",
    "allege",
    "contend",
    "predict",
    "promise",
    "vow",
    "accuse",
    "criticize",
    "criticise",
    "reply",
    "respond",
    "tweet",
    "observe",
    "recall",
    "conclude",
    "mention",
    "caution",
    "concede",
    "complain",
    "testify",
    "indicate",
    "believe",
    "think",
    "charge",
    "signal",
    "voice",
    "express",
    "describe",
    "accord",
    "repeat",
}
# verbs that only count as cues when they take a clause ("he told Wang that ...")
_CLAUSE_ONLY = {
    "believe",
    "think",
    "share",
    "express",
    "voice",
    "describe",
    "signal",
    "know",
    "find",
    "hope",
    "expect",
    "fear",
    "worry",
    "feel",
    "agree",
    "learn",
    "reveal",
    "show",
    "estimate",
    "realize",
    "recognize",
    "understand",
    "doubt",
    "question",
    "pledge",
    "cite",
    "point",
}
CUE_LEMMAS |= _CLAUSE_ONLY
_NOT_INDIRECT = {"ask"}  # "Asked whether ..." is the reporter's question, not the source's words
_ANON_HEADS = {
    "official",
    "officials",
    "source",
    "sources",
    "people",
    "person",
    "expert",
    "experts",
    "aide",
    "aides",
    "analyst",
    "analysts",
    "some",
    "others",
    "critics",
}
_DET = re.compile(r"^(?:the|a|an)\s+", re.I)

OPENERS = "“‘"
CLOSERS = "”’"


def _paragraphs(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    if paragraphs:
        return [(int(s), int(e)) for s, e in paragraphs]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _is_open_straight(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def find_quote_marks(
    text: str, paragraphs: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, int | None]]:
    """Double-quoted spans as (start, end, parent) with marks included; then single-quoted ones.

    `parent` is the index of the enclosing double-quoted span for quotes in quotes.
    """
    pars = _paragraphs(text, paragraphs)
    out: list[tuple[int, int, int | None]] = []
    open_at: int | None = None
    open_ch = ""
    inner_at: int | None = None
    inner: list[tuple[int, int]] = []  # “curly” quotes inside a "straight" quote
    for n, (ps, pe) in enumerate(pars):
        i = ps
        while i < pe:
            ch = text[i]
            if open_at is not None and open_ch == '"' and ch in "“”":
                if ch == "“":
                    inner_at = i
                elif inner_at is not None:
                    inner.append((inner_at, i + 1))
                    inner_at = None
            elif ch == "“" or (ch == '"' and open_at is None and _is_open_straight(text, i)):
                if open_at is None:
                    open_at, open_ch = i, ch
            elif (ch == "”" or ch == '"') and open_at is not None:
                out.append((open_at, i + 1, None))
                open_at = inner_at = None
            i += 1
        if open_at is not None:
            nxt = pars[n + 1] if n + 1 < len(pars) else None
            nxt_text = text[nxt[0] : nxt[1]].lstrip() if nxt else ""
            if nxt_text[:1] in {"“", '"'}:
                out.append((open_at, pe, None))  # continues in the next paragraph's own quote
                open_at = inner_at = None
            elif nxt and re.search(r"[”\"]", nxt_text) and not re.match(r"[^”\"]*“", nxt_text):
                continue  # the quote runs on across a paragraph break
            else:
                open_at = inner_at = None  # unbalanced: drop it rather than guess
    # single quotes: nested inside double ones, or stand-alone (headline style)
    doubles = list(out)
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(“\"—:]))[‘'](?=\w)(.+?)(?<=[\w.,!?])[’'](?!\w)", text):
        s, e = m.start(), m.end()
        if "\n" in text[s:e] or e - s > 300:
            continue
        parent = next((k for k, (ds, de, _) in enumerate(doubles) if ds < s and e <= de), None)
        out.append((s, e, parent))
    for s, e in inner:
        parent = next((k for k, (ds, de, _) in enumerate(doubles) if ds < s and e <= de), None)
        if parent is not None:
            out.append((s, e, parent))
    return out


class QuoteFinder:
    """Finds quotes in one parsed article; `people` resolves speaker names and pronouns."""

    def __init__(
        self, doc: Any, article_id: str, people: People, paragraphs: Sequence[tuple[int, int]]
    ):
        self.doc = doc
        self.text = doc_text(doc)
        self.aid = article_id
        self.people = people
        self.pars = _paragraphs(self.text, paragraphs)

    # ------------------------------------------------------------ speakers
    def _tokens_between(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return list(span) if span is not None else []

    def _subject(self, verb: Any, depth: int = 0) -> Any | None:
        for c in verb.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                return c
        if verb.lemma_ == "accord":
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "to":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return g
        if (
            depth < 2
            and verb.dep_ in {"advcl", "xcomp", "conj", "parataxis"}
            and verb.head is not verb
        ):
            return self._subject(verb.head, depth + 1)
        return None

    def speaker(self, verb: Any) -> tuple[str | None, str | None, int | None, int | None]:
        """(canonical, surface text, start, end) of the one who says, from a cue verb."""
        subj = self._subject(verb)
        if subj is None:
            return None, None, None, None
        men = self.people.mention_covering(subj.idx, subj.idx + len(subj.text))
        if men is not None:
            # "State Department spokesperson Ned Price": the title is part of how the source is named
            for t in self.people.titles:
                if t.end <= men.start and men.start - t.end <= 2 and t.person == men.canonical:
                    return men.canonical, self.text[t.start : men.end], t.start, men.end
            return men.canonical, men.text, men.start, men.end
        if subj.lower_ in PRONOUNS or subj.pos_ == "PRON":
            if subj.lower_ in PRONOUNS:
                prev = self.people.person_at(subj.idx)
                if prev is not None:
                    return prev.canonical, subj.text, subj.idx, subj.idx + len(subj.text)
            return None, subj.text, subj.idx, subj.idx + len(subj.text)
        # a noun phrase: keep determiners, adjectives and compounds, not relative clauses
        left = subj.i
        for c in subj.lefts:
            left = min(left, c.left_edge.i)
        right = subj.i
        for c in subj.rights:
            if c.dep_ in {"compound", "flat", "appos", "prep"} and c.right_edge.i - left < 15:
                right = max(right, c.right_edge.i)
        span = self.doc[left : right + 1]
        stext = span.text
        from parallax.annotate.entities import TITLE_WORDS

        if (
            subj.lower_ in _ANON_HEADS
            or span[0].lower_ in {"a", "an", "some", "one"}
            or subj.lower_ in TITLE_WORDS
        ):
            return None, stext, span.start_char, span.end_char
        if subj.ent_type_ in {"ORG", "GPE", "NORP", "PERSON"} and len(span) <= 4:
            return canonical_place(_DET.sub("", stext)), stext, span.start_char, span.end_char
        if any(t.ent_type_ in {"ORG", "GPE", "NORP"} for t in span):
            return _DET.sub("", stext), stext, span.start_char, span.end_char
        return None, stext, span.start_char, span.end_char

    def _cue_tokens(self, start: int, end: int) -> list[Any]:
        return [t for t in self._tokens_between(start, end) if _is_cue(t)]

    # ------------------------------------------------------------ main
    def find(self) -> list[Quote]:
        marks = find_quote_marks(self.text, self.pars)
        inside = [(s, e) for s, e, p in marks if p is None]
        quotes: list[Quote] = []
        index_of: dict[int, int] = {}
        prev_speaker: tuple[str | None, str | None, int] | None = None  # canonical, text, paragraph
        doubles = [(k, s, e) for k, (s, e, p) in enumerate(marks) if p is None]
        singles = [
            (k, s, e, p)
            for k, (s, e, p) in enumerate(marks)
            if p is not None or s not in {d[1] for d in doubles}
        ]
        top = sorted(
            [(k, s, e, None) for k, s, e in doubles]
            + [
                m
                for m in singles
                if m[3] is None and not any(ds <= m[1] < de for _, ds, de in doubles)
            ],
            key=lambda x: x[1],
        )
        for k, s, e, _ in top:
            cs, ce = _content_bounds(self.text, s, e)
            if ce <= cs:
                continue
            par_no, (ps, pe) = self._paragraph_of(s)
            label = _TRANSCRIPT.match(self.text[cs:ce])
            if label:
                cs += label.end()  # "WALLACE: ..." in a transcript: the label names the speaker
            prev_direct_end = quotes[-1].end + 2 if quotes and quotes[-1].kind == "direct" else None
            direct = self._is_direct(s, ps, cs, ce, prev_direct_end)
            cue, spk = self._attribute(s, e, ps, pe, inside, direct)
            if spk[1] is not None and spk[1].lower() in PRONOUNS and spk[2] is not None:
                spk = self._pronoun_speaker(spk, ps, inside, prev_speaker, par_no)
            if (
                cue is None
                and direct
                and prev_speaker
                and par_no - prev_speaker[2] <= 1
                and self._only_quotes(ps, pe, inside)
            ):
                spk = (prev_speaker[0], prev_speaker[1], None, None)
            if label and direct:
                who = label.group(1).strip()
                canon = self.people.alias.get(who.lower(), who.title())
                cue = None
                spk = (canon, who, cs - label.end(), cs - label.end() + len(who))
            if not direct and _title_case(self.text[cs:ce]):
                cue, spk = None, (None, None, None, None)  # a name ("Meet the Press"), not speech
            kind: Literal["direct", "indirect", "partial"] = "direct" if direct else "partial"
            q = Quote(
                self.aid,
                kind,
                self.text[cs:ce],
                cs,
                ce,
                spk[0],
                spk[1],
                spk[2],
                spk[3],
                cue.text
                if cue is not None
                else (None if kind == "partial" or spk[0] is None else None),
                cue.idx if cue is not None else None,
                cue.idx + len(cue.text) if cue is not None else None,
            )
            if cue is not None and getattr(cue, "lemma_", "") == "accord":
                q = _with_cue(q, self.text, cue)
            index_of[k] = len(quotes)
            quotes.append(q)
            if direct and (spk[0] or spk[1]):
                prev_speaker = (spk[0], spk[1], par_no)
        # quotes nested in quotes
        for _k, s, e, p in singles:
            if p is None or p not in index_of:
                continue
            cs, ce = _content_bounds(self.text, s, e)
            if ce > cs:
                quotes.append(
                    Quote(
                        self.aid,
                        "partial",
                        self.text[cs:ce],
                        cs,
                        ce,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        nested_in=index_of[p],
                    )
                )
        direct_spans = [(q.start - 1, q.end + 1) for q in quotes if q.kind == "direct"]
        partial_spans = [
            (q.start, q.end) for q in quotes if q.kind == "partial" and q.nested_in is None
        ]
        quotes.extend(self._indirect(inside, direct_spans, partial_spans))
        quotes.sort(key=lambda q: (q.start, q.end))
        return _fix_nested(quotes)  # nested_in must point into the sorted list

    def _pronoun_speaker(
        self, spk: tuple, ps: int, inside: list[tuple[int, int]], prev: tuple | None, par_no: int
    ) -> tuple:
        """ "he said": a named subject earlier in the paragraph, else the previous quote's speaker."""
        subjects = [
            m
            for m in self.people.mentions
            if ps <= m.start < spk[2]
            and m.text.lower() not in PRONOUNS
            and not any(s <= m.start < e for s, e in inside)
            and self._dep(m.start, m.end) in {"nsubj", "nsubjpass"}
        ]
        if subjects:
            return (subjects[-1].canonical, spk[1], spk[2], spk[3])
        if prev is not None and prev[0] and par_no - prev[2] <= 2:
            return (prev[0], spk[1], spk[2], spk[3])
        return spk

    def _dep(self, start: int, end: int) -> str:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span.root.dep_ if span is not None and len(span) else ""

    def _paragraph_of(self, pos: int) -> tuple[int, tuple[int, int]]:
        for n, (ps, pe) in enumerate(self.pars):
            if ps <= pos < pe:
                return n, (ps, pe)
        return len(self.pars), (pos, len(self.text))

    def _only_quotes(self, ps: int, pe: int, inside: list[tuple[int, int]]) -> bool:
        rest = self.text[ps:pe]
        for s, e in inside:
            if ps <= s and e <= pe + 1:
                rest = rest.replace(self.text[s:e], "")
        return not re.search(r"[A-Za-z]{2,}", rest)

    def _is_direct(self, s: int, ps: int, cs: int, ce: int, prev_end: int | None = None) -> bool:
        before = self.text[ps:s].rstrip()
        words = len(self.text[cs:ce].split())
        if not before:
            return True
        if prev_end is not None and ps <= prev_end and s - prev_end < 40 and before.endswith(","):
            return words >= 3  # “...,” Blinken said, “and ...”: the same utterance goes on
        if before[-1] in ":." or before.endswith(("—", "–")):
            return words >= 3
        if before[-1] == "," and self.text[cs : cs + 1].isupper():
            return words >= 3
        return False

    def _attribute(
        self, s: int, e: int, ps: int, pe: int, inside: list[tuple[int, int]], direct: bool
    ) -> tuple[Any | None, tuple[str | None, str | None, int | None, int | None]]:
        none = (None, None, None, None)
        if direct:
            nxt = min([qs for qs, _ in inside if qs >= e] + [pe])
            post = self._cue_tokens(e, nxt)
            first = self._tok_at(e)
            post = [
                t
                for t in post
                if t.i - first <= 8 and not any(c.dep_ == "dobj" for c in t.children)
            ]
            ends_sentence = self.text[e - 2 : e - 1] in {".", "?", "!"}
            if (
                ends_sentence
                and first < len(self.doc)
                and self.doc[first].text in {"He", "She", "They", "It", "We", "I", "The"}
            ):
                post = []
            if post:
                return post[0], self.speaker(post[0])
            prv = max([qe for _, qe in inside if qe <= s] + [ps])
            pre = self._cue_tokens(prv, s)
            if pre and not re.search(r"[.!?][\"”’]?\s+[A-Z“\"]", self.text[pre[-1].idx : s]):
                return pre[-1], self.speaker(pre[-1])
            # "Caddell continued:\n\n“...”": the cue closes the previous paragraph
            n = self._paragraph_of(s)[0]
            if not self.text[ps:s].strip() and 0 < n <= len(self.pars):
                qs, qe = self.pars[n - 1]
                if self.text[qs:qe].rstrip().endswith(":"):
                    toks = self._tokens_between(qs, qe)
                    verbs = [t for t in toks if _is_cue(t)] or [t for t in toks if t.pos_ == "VERB"]
                    if verbs:
                        return verbs[-1], self.speaker(verbs[-1])
            return None, none
        # partial: the reporting verb that governs the quoted words
        toks = self._tokens_between(s, e)
        words = [t for t in toks if not t.is_punct]
        if not words:
            return None, none
        tok = words[0]
        seen = 0
        while tok.head is not tok and seen < 12:
            tok = tok.head
            seen += 1
            if _is_cue(tok) and not (s <= tok.idx < e):
                return tok, self.speaker(tok)
        return None, none

    def _tok_at(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        import bisect

        if not hasattr(self, "_starts"):
            self._starts = [t.idx for t in self.doc]
        return bisect.bisect_left(self._starts, char)

    # ------------------------------------------------------------ reported speech
    def _indirect(
        self,
        inside: list[tuple[int, int]],
        direct: list[tuple[int, int]],
        partial: list[tuple[int, int]],
    ) -> list[Quote]:
        out: list[Quote] = []
        for tok in self.doc:
            if (
                not _is_cue(tok)
                or tok.lemma_ in _NOT_INDIRECT
                or any(s <= tok.idx < e for s, e in inside)
            ):
                continue
            content = self._content_of(tok)
            if content is None:
                continue
            cs, ce = content
            # the verb that introduces a direct quote is its attribution, not reported speech
            if any(min(ce, e) > max(cs, s) for s, e in direct) or ce - cs < 12:
                continue
            covered = sum(max(0, min(ce, e) - max(cs, s)) for s, e in partial)
            if covered > 0.6 * (ce - cs):
                continue
            spk = self.speaker(tok)
            cue_text, cue_s, cue_e = tok.text, tok.idx, tok.idx + len(tok.text)
            if tok.lemma_ == "accord":
                nxt = tok.nbor(1) if tok.i + 1 < len(self.doc) else None
                if nxt is not None and nxt.lower_ == "to":
                    cue_e = nxt.idx + len(nxt.text)
                    cue_text = self.text[cue_s:cue_e]
            out.append(
                Quote(
                    self.aid,
                    "indirect",
                    self.text[cs:ce],
                    cs,
                    ce,
                    spk[0],
                    spk[1],
                    spk[2],
                    spk[3],
                    cue_text,
                    cue_s,
                    cue_e,
                )
            )
        return out

    def _content_of(self, verb: Any) -> tuple[int, int] | None:
        comp = [c for c in verb.children if c.dep_ == "ccomp"]
        if not comp and verb.lemma_ in {"tell", "ask", "warn", "urge"}:
            comp = [c for c in verb.children if c.dep_ in {"xcomp"}]
        if comp:
            c = comp[0]
            return _trim(self.text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text))
        if verb.lemma_ in _CLAUSE_ONLY:
            return None
        from parallax.annotate.entities import sentence_bounds

        b = sentence_bounds(self.doc)[verb.i]
        sent = self.doc[b[0] : b[1]]
        if verb.lemma_ == "accord" or verb.dep_ == "parataxis":
            # "..., according to X" / "..., Ryder said, ...": the rest of the sentence
            sub = (
                verb.subtree
                if verb.lemma_ == "accord"
                else [verb, *[c for c in verb.children if c.dep_ in {"nsubj", "punct", "advmod"}]]
            )
            sub = list(sub)
            if verb.dep_ == "parataxis":
                sub = [t for t in verb.subtree if t.i <= max(t2.i for t2 in sub)]
            lo = min(t.i for t in sub)
            hi = max(t.i for t in sub)
            before = (sent.start_char, self.doc[lo].idx)
            after = (self.doc[hi].idx + len(self.doc[hi].text), sent.end_char)
            a = _trim(self.text, *before)
            b = _trim(self.text, *after)
            spans = [x for x in (a, b) if x is not None and x[1] - x[0] > 0]
            if not spans:
                return None
            return max(spans, key=lambda x: x[1] - x[0])
        return None


_TRANSCRIPT = re.compile(r"([A-Z][A-Z.'\- ]{1,30}[A-Z.]):\s+")
_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "at", "by", "other"}


def _title_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’]*", text)
    return (
        bool(words)
        and all(w[0].isupper() or w.lower() in _SMALL for w in words)
        and words[0][0].isupper()
    )


def _is_cue(tok: Any) -> bool:
    if tok.lemma_ == "accord" and tok.lower_ == "according":
        return True
    return tok.pos_ in {"VERB", "AUX"} and tok.lemma_ in CUE_LEMMAS and tok.lemma_ != "accord"


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    junk = " \t\n,;:—–-“”\"‘’'"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    m = re.match(r"(?i)(that|however|but|and)[\s,]+", text[start:end])
    if m:
        start += m.end()
        while start < end and text[start] in junk:
            start += 1
    return (start, end) if end > start else None


def _content_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    """Quote content without the marks and a trailing comma or dash."""
    cs, ce = s + 1, e
    if ce > cs and text[ce - 1] in CLOSERS + "\"'":
        ce -= 1
    while cs < ce and text[cs] in " \n“\"‘'":
        cs += 1
    while ce > cs and text[ce - 1] in " \n,—–-":
        ce -= 1
    return cs, ce


def _with_cue(q: Quote, text: str, tok: Any) -> Quote:
    from dataclasses import replace

    end = tok.idx + len(tok.text)
    m = re.match(r"\s+to\b", text[end:])
    if m:
        end += m.end()
    return replace(q, cue=text[tok.idx : end], cue_start=tok.idx, cue_end=end)


def _fix_nested(quotes: list[Quote]) -> list[Quote]:
    """Rewrite nested_in to the enclosing quote's index in the final (sorted) list."""
    from dataclasses import replace

    out = list(quotes)
    for i, q in enumerate(out):
        if q.nested_in is None:
            continue
        parent = next(
            (
                j
                for j, p in enumerate(out)
                if j != i
                and p.nested_in is None
                and p.kind != "indirect"
                and p.start <= q.start
                and q.end <= p.end + 1
            ),
            None,
        )
        out[i] = replace(q, nested_in=parent)
    return out


def find_quotes(
    doc: Any, article_id: str, people: People, paragraphs: Sequence[tuple[int, int]] = ()
) -> list[Quote]:
    """All direct, partial and indirect quotes of one parsed article, in text order."""
    return QuoteFinder(doc, article_id, people, paragraphs).find()
