"""Quotes and reported speech with their speakers.

Direct quotes are found from quotation marks (“ ” " and, nested or in headlines,
‘ ’ '), because quote marks are the one signal news text uses consistently; a quote
left open at the end of a paragraph continues when the next paragraph opens with a
quote mark (the print convention) or closes one before opening another. Speakers
and cues come from the spaCy dependency parse: the reporting verb next to the quote
(“...,” Blinken said / He told the media: “...”; a verb counts when its lemma heads
PolNeAR-train cues often enough, `QuoteSettings.direct_cue_logodds`), a dash signature
("“...” ― Karen Bobadilla"), a transcript label, or the previous quote's speaker for a
quote paragraph that continues it. Reported speech (indirect) comes from
`annotate.attribution`: a cue model learned on PolNeAR train over the parse ("said
that ...", "..., officials warned", "according to X", "accused X of ...", "a statement
from the ministry"). Source spans are the subject's whole noun phrase (PolNeAR/PARC
convention); `annotate.speakers.resolve_speaker` names the speaker or leaves it unknown.
A quoted fragment inside reported speech takes that report's source.

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
from dataclasses import replace
from typing import Any, Literal

from parallax.annotate.attribution import (
    Candidate,
    _noun_source,
    _subject,
    after_break,
    cue_model,
    find_attributions,
    lexicon_key,
    nested_in,
    source_range,
)
from parallax.annotate.entities import PRONOUNS, People, doc_text, known_genders
from parallax.annotate.settings import QuoteSettings
from parallax.annotate.speakers import resolve_speaker
from parallax.models import Quote

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
    raw = text
    # two apostrophes are a double quote mark in some house styles (the New York Times
    # archive: ''It's anti-reform,'' he said): scan them as one straight mark, same offsets
    text = text.replace("''", '"\x00')
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
    out = [(s, e + 1 if raw[e - 1 : e + 1] == "''" else e, p) for s, e, p in out]
    text = raw
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
        self,
        doc: Any,
        article_id: str,
        people: People,
        paragraphs: Sequence[tuple[int, int]],
        settings: QuoteSettings | None = None,
    ):
        self.settings = settings or QuoteSettings()
        self._inside: list[tuple[int, int]] = []
        self.doc = doc
        self.text = doc_text(doc)
        self.aid = article_id
        self.people = people
        self.pars = _paragraphs(self.text, paragraphs)

    # ------------------------------------------------------------ speakers
    def _tokens_between(self, start: int, end: int) -> list[Any]:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return list(span) if span is not None else []

    def _source_token(self, verb: Any) -> Any | None:
        if verb.lower_ == "according":
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "to":
                    objs = [g for g in c.children if g.dep_ == "pobj"]
                    return objs[0] if objs else None
            return None
        if verb.pos_ in {"NOUN", "PROPN"}:
            return _noun_source(verb)[0]
        return _subject(verb)[0]

    def speaker(self, verb: Any) -> tuple[str | None, str | None, int | None, int | None]:
        """(canonical, surface text, start, end) of the one who says, from a cue token.

        The source span is the subject's whole subtree (how PolNeAR and PARC mark sources);
        the canonical name comes from `speakers.resolve_speaker` (None when unsure).
        """
        subj = self._source_token(verb)
        if subj is not None and self._quoted(subj):
            # the parser took a word of the quote as the subject ("“... We will ...,” Chief
            # Jordan said"): another subject outside the quote marks, else the name next to
            # the cue or right after the closing mark ("“...,” Flynn, a surrogate, said")
            others = [c for c in verb.children if c.dep_ == "nsubj" and not self._quoted(c)]
            subj = others[-1] if others else self._name_next_to(verb)
        if subj is None:
            return None, None, None, None
        lo, hi = after_break(self.doc, source_range(self.doc, subj), verb.i)
        if lo <= verb.i < hi:
            lo, hi = (lo, verb.i) if subj.i < verb.i else (verb.i + 1, hi)
        return self.source_span(lo, hi)

    def _quoted(self, tok: Any) -> bool:
        return any(s <= tok.idx < e for s, e in self._inside)

    def _name_next_to(self, verb: Any) -> Any | None:
        """The proper noun right before or after a cue, outside quote marks."""
        ends = [e for _, e in self._inside if e <= verb.idx and verb.idx - e < 80]
        after = self._tok_at(max(ends)) if ends else None
        while after is not None and after < verb.i and self.doc[after].is_punct:
            after += 1
        for i in (verb.i - 1, verb.i + 1, after):
            if i is not None and 0 <= i < len(self.doc) and i != verb.i:
                tok = self.doc[i]
                while tok.dep_ in {"compound", "flat"} and tok.head.i != tok.i:
                    tok = tok.head
                if tok.pos_ == "PROPN" and not self._quoted(tok):
                    return tok
        return None

    def source_span(
        self, start: int, end: int
    ) -> tuple[str | None, str | None, int | None, int | None]:
        """Speaker tuple for the source tokens [start, end)."""
        while end - start > 1 and self.doc[end - 1].is_punct:
            if self.doc[end - 1].text == ")" and "(" in self.doc[start : end - 1].text:
                break
            end -= 1
        s, e = self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1].text)
        canon = resolve_speaker(self.doc, self.people, start, end)
        return canon, self.text[s:e], s, e

    def _cue_tokens(self, start: int, end: int) -> list[Any]:
        return [
            t
            for t in self._tokens_between(start, end)
            if _is_cue(t, self.settings.direct_cue_logodds)
        ]

    # ------------------------------------------------------------ main
    def find(self) -> list[Quote]:
        marks = find_quote_marks(self.text, self.pars)
        inside = [(s, e) for s, e, p in marks if p is None]
        self._inside = inside
        quotes: list[Quote] = []
        index_of: dict[int, int] = {}
        # canonical, text, paragraph, start, end of the last direct quote's speaker
        prev_speaker: tuple[str | None, str | None, int, int | None, int | None] | None = None
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
            if (
                spk[0] is None
                and spk[1] is not None
                and spk[1].lower() in PRONOUNS
                and spk[2] is not None
            ):
                spk = self._pronoun_speaker(spk, ps, inside, prev_speaker, par_no)
            if (
                cue is None
                and direct
                and prev_speaker
                and par_no - prev_speaker[2] <= 1
                and self._only_quotes(ps, pe, inside)
            ):
                # a quote paragraph continuing the previous speaker: the same source span
                spk = (prev_speaker[0], prev_speaker[1], prev_speaker[3], prev_speaker[4])
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
                prev_speaker = (spk[0], spk[1], par_no, spk[2], spk[3])
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
        found = find_attributions(
            self.doc,
            self.settings.cue_threshold,
            inside,
            phrase_threshold=self.settings.phrase_threshold,
        )
        quotes.extend(self._indirect(found, direct_spans, partial_spans))
        quotes = self._partials_in_reports(quotes, found)
        quotes = self._headline_reports(quotes)
        quotes.sort(key=lambda q: (q.start, q.end))
        return _fix_nested(quotes)  # nested_in must point into the sorted list

    def _pronoun_speaker(
        self, spk: tuple, ps: int, inside: list[tuple[int, int]], prev: tuple | None, par_no: int
    ) -> tuple:
        """ "he said" the entity rules left open: the last named subject earlier in the
        paragraph, else the previous direct quote's speaker (at most two paragraphs back);
        either only when its known gender does not contradict the pronoun."""
        want = {"he": "m", "she": "f"}.get(str(spk[1]).lower())
        genders = known_genders(self.doc, self.people)

        def fits(name: str | None) -> bool:
            return bool(name) and (want is None or genders.get(name or "", want) == want)

        subjects = [
            m
            for m in self.people.mentions
            if ps <= m.start < spk[2]
            and m.text.lower() not in PRONOUNS
            and not any(s <= m.start < e for s, e in inside)
            and self._dep(m.start, m.end) in {"nsubj", "nsubjpass"}
            and fits(m.canonical)
        ]
        if subjects:
            return (subjects[-1].canonical, spk[1], spk[2], spk[3])
        if prev is not None and fits(prev[0]) and par_no - prev[2] <= 2:
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
            dash = self._dash_source(e, pe)
            if dash is not None:
                return None, dash
            nxt = min([qs for qs, _ in inside if qs >= e] + [pe])
            post = self._cue_tokens(e, nxt)
            first = self._tok_at(e)
            post = [t for t in post if _post_cue_ok(t, first)]
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
                    verbs = [t for t in toks if _is_cue(t, self.settings.direct_cue_logodds)] or [
                        t for t in toks if t.pos_ == "VERB"
                    ]
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
        cues = []
        while tok.head is not tok and seen < 12:
            tok = tok.head
            seen += 1
            if _is_cue(tok, self.settings.direct_cue_logodds) and not (s <= tok.idx < e):
                cues.append(tok)
        # the outermost report ("Ditto said she expects the campaign “to continue ...”" is
        # Ditto's): PolNeAR marks no attribution nested in another's content
        if cues:
            return cues[-1], self.speaker(cues[-1])
        return None, none

    def _dash_source(
        self, e: int, pe: int
    ) -> tuple[str | None, str | None, int | None, int | None] | None:
        """ "“...” ― Karen Bobadilla": a name after a dash closing the quote's paragraph."""
        m = _DASH_SIGNATURE.match(self.text, e, pe)
        if m is None:
            return None
        span = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is None or not (
            any(t.ent_type_ == "PERSON" for t in span)
            or (len(span) >= 2 and all(t.pos_ == "PROPN" for t in span))
        ):
            return None
        return self.source_span(span.start, span.end)

    def _tok_at(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        import bisect

        if not hasattr(self, "_starts"):
            self._starts = [t.idx for t in self.doc]
        return bisect.bisect_left(self._starts, char)

    # ------------------------------------------------------------ reported speech
    def _indirect(
        self,
        found: list[tuple[Candidate, float]],
        direct: list[tuple[int, int]],
        partial: list[tuple[int, int]],
    ) -> list[Quote]:
        kept: list[tuple[Candidate, float]] = []
        out: list[Quote] = []
        for cand, p in found:
            content = self._char_range(cand.content)
            if content is None:
                continue
            cs, ce = content
            # the verb that introduces a direct quote is its attribution, not reported speech
            if any(min(ce, e) > max(cs, s) for s, e in direct) or ce - cs < self.settings.min_chars:
                continue
            covered = sum(max(0, min(ce, e) - max(cs, s)) for s, e in partial)
            if covered > self.settings.max_partial_cover * (ce - cs):
                continue
            spk: tuple[str | None, str | None, int | None, int | None] = (None, None, None, None)
            if cand.source is not None:
                spk = self.source_span(*cand.source)
            cue_s = self.doc[cand.cue].idx
            last = self.doc[cand.cue_end - 1]
            cue_e = last.idx + len(last.text)
            out.append(
                Quote(
                    self.aid,
                    "indirect",
                    self.text[cs:ce],
                    cs,
                    ce,
                    *spk,
                    self.text[cue_s:cue_e],
                    cue_s,
                    cue_e,
                )
            )
            kept.append((cand, p))
        return [
            q for q, outer in zip(out, nested_in(kept), strict=True) if self._keep(q, outer, out)
        ]

    def _keep(self, q: Quote, outer: int | None, reports: list[Quote]) -> bool:
        """A report nested in another's content is dropped (PolNeAR's convention, see
        `attribution.nested_in`) unless it names a person and the outer report does not:
        an institution or unnamed official relaying a person's words ("he told Blinken
        the US must ..., the Chinese government said") leaves that person a voice."""
        if outer is None:
            return True
        people = set(self.people.full_names)
        return q.speaker in people and reports[outer].speaker not in people

    def _partials_in_reports(
        self, quotes: list[Quote], found: list[tuple[Candidate, float]]
    ) -> list[Quote]:
        """A quoted fragment with no cue of its own inside reported speech ("Trump called
        him a “loser”") is the reporting source's words: it takes that source and cue."""
        spans = []
        for cand, _p in found:
            content = self._char_range(cand.content)
            # only a reporting verb that also introduces quotes ("called", "said"), not any
            # PolNeAR cue ("seized on the “spy” balloon" keeps its scare quote)
            cue_ok = _is_cue(self.doc[cand.cue], self.settings.direct_cue_logodds, nouns=True)
            if content is not None and cand.source is not None and cue_ok:
                spans.append((content, cand))
        out = []
        for q in quotes:
            if (
                q.kind == "partial"
                and q.speaker_start is None
                and q.nested_in is None
                and not _title_case(q.content)
            ):
                hit = next((c for (cs, ce), c in spans if cs <= q.start and q.end <= ce + 1), None)
                if hit is not None and hit.source is not None:
                    cue = self.doc[hit.cue : hit.cue_end]
                    canon, stext, sstart, send = self.source_span(*hit.source)
                    q = replace(
                        q,
                        speaker=canon,
                        speaker_text=stext,
                        speaker_start=sstart,
                        speaker_end=send,
                        cue=cue.text,
                        cue_start=cue.start_char,
                        cue_end=cue.end_char,
                    )
            out.append(q)
        return out

    def _headline_reports(self, quotes: list[Quote]) -> list[Quote]:
        """ "Pence: Gennifer Flowers Won’t Be at Debate, Trump Was ‘Mocking’ Clinton Camp": a
        headline-style line (short, no final period) opening with a name and a colon is that
        source's report (PolNeAR marks the colon as the cue). Its unattributed quotes take the
        source; a line without quotes becomes one reported-speech item."""
        out = list(quotes)
        for ps, pe in self.pars:
            m = _HEADLINE_SOURCE.match(self.text, ps, pe)
            line = self.text[ps:pe].rstrip()
            if m is None or line.endswith(".") or len(line.split()) > 20:
                continue
            span = self.doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
            if span is None or not any(t.pos_ == "PROPN" for t in span):
                continue
            spk = self.source_span(span.start, span.end)
            colon = m.end(1)
            cs, ce = m.start(2), ps + len(line)
            inner = [
                i
                for i, q in enumerate(out)
                if cs <= q.start < ce and q.speaker_start is None and q.nested_in is None
            ]
            for i in inner:
                out[i] = replace(
                    out[i],
                    speaker=spk[0],
                    speaker_text=spk[1],
                    speaker_start=spk[2],
                    speaker_end=spk[3],
                    cue=":",
                    cue_start=colon,
                    cue_end=colon + 1,
                )
            if not inner and not any(q.start < ce and cs < q.end for q in out):
                q = Quote(
                    self.aid, "indirect", self.text[cs:ce], cs, ce, *spk, ":", colon, colon + 1
                )
                out.append(q)
        return out

    def _char_range(self, rng: tuple[int, int] | None) -> tuple[int, int] | None:
        if rng is None:
            return None
        last = self.doc[rng[1] - 1]
        return _trim(self.text, self.doc[rng[0]].idx, last.idx + len(last.text))


# spaces, tabs and no-break spaces ("” ― Karen Bobadilla" in HuffPost reader quotes)
_DASH_SIGNATURE = re.compile(
    r"[^\S\n]*[―—–-]{1,2}[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,3})"
)
# "Pence: ...", "Elizabeth Warren Hammers Wells Fargo CEO: ...": capitalised words and a
# colon at the start of a line, at least one lower-case letter (not a transcript label)
_HEADLINE_SOURCE = re.compile(
    r"((?=[^:\n]*[a-z])[A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,5}):[^\S\n]+(\S)"
)
_TRANSCRIPT = re.compile(r"([A-Z][A-Z.'\- ]{1,30}[A-Z.]):\s+")
_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with", "at", "by", "other"}


def _title_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’]*", text)
    return (
        bool(words)
        and all(w[0].isupper() or w.lower() in _SMALL for w in words)
        and words[0][0].isupper()
    )


def _post_cue_ok(tok: Any, first: int) -> bool:
    """A cue after a closing quote mark: near it (8 tokens), or further when its subject
    starts right at the quote ("“...,” Scott Pruitt, the attorney general of Oklahoma, one
    of the states suing, said"); an object rules it out ("“...” he tweeted a photo")
    unless it is the one told ("“...,” Figueroa told USA Today")."""
    near = tok.i - first <= 8 or any(
        c.dep_ in {"nsubj", "nsubjpass"} and c.left_edge.i == first for c in tok.children
    )
    told = tok.lemma_ == "tell" or all(
        c.pos_ in {"PROPN", "PRON"} for c in tok.children if c.dep_ == "dobj"
    )
    return near and told


def _is_cue(tok: Any, min_logodds: float, nouns: bool = False) -> bool:
    """A reporting word next to a quote: its lemma heads PolNeAR-train cues often enough."""
    if tok.lower_ == "according":
        return True
    if tok.pos_ not in {"VERB", "AUX"} and not (nouns and tok.pos_ == "NOUN"):
        return False
    prior = cue_model().lexicon.get(lexicon_key(tok))
    return prior is not None and prior >= min_logodds


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
        ce -= 2 if text[ce - 2 : ce] == "''" else 1
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
    doc: Any,
    article_id: str,
    people: People,
    paragraphs: Sequence[tuple[int, int]] = (),
    settings: QuoteSettings | None = None,
) -> list[Quote]:
    """All direct, partial and indirect quotes of one parsed article, in text order."""
    return QuoteFinder(doc, article_id, people, paragraphs, settings).find()
