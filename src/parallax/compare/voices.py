"""Who is quoted in each article, how much, and which side they speak for.

Speakers are the resolved speakers of the quotes (`annotate.speakers`). A speaker's side
is the organisation, country or party the article itself ties them to, read from the
entities the one parse found; there is no list of story actors. Rules, in order:

1. a news outlet (ingest/outlets) is "media";
2. the entities inside the speaker's titles in this article ("Chinese Foreign Ministry
   spokesman", "NATO Secretary-General", "Wang Yi, the director of the People's Republic
   of China ...") and inside the words the article names them with when quoting them
   ("the Chinese government", "U.S. officials"): the first country (GPE, or a NORP
   adjective folded to the country the article names: "Chinese" -> "China") decides;
   else the first organisation or party (ORG, NORP: "NATO", "Democratic");
3. an institution speaker that is itself a country or organisation is its own side;
4. an unnamed source ("officials", "a spokesman") is "unnamed officials"; else "unknown".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from parallax.annotate.entities import canonical_place
from parallax.models import UNKNOWN, AnnotatedArticle, Voice

_UNNAMED = re.compile(r"\b(officials?|spokes(?:man|person|woman)|sources?|aides?)\b", re.I)
_PLACE = {"GPE", "NORP"}
_ORG = {"ORG", "NORP"}
FOLD_PREFIX = (
    4  # policy: a NORP adjective and a place name sharing this many letters are one country
)


def side_of_name(name: str) -> str | None:
    """ "media" for a news outlet's name, else None."""
    from parallax.ingest.outlets import OUTLETS, canonical_outlet

    names = {n for key, (aliases, _) in OUTLETS.items() for n in (key, *aliases)}
    names |= {n.removeprefix("The ") for n in OUTLETS}
    if name in names or canonical_outlet(name) != name:
        return "media"
    return None


def fold_country(text: str, places: Iterable[str]) -> str:
    """A NORP adjective as the country the article names ("Chinese" -> "China"), else itself."""
    text = text.replace("’", "'")
    low = canonical_place(text).lower()
    for place in places:
        p = place.replace("’", "'").lower()
        if len(low) >= FOLD_PREFIX and low[:FOLD_PREFIX] == p[:FOLD_PREFIX]:
            return canonical_place(place.replace("’", "'"))
    return canonical_place(text)


Ent = tuple[int, int, str, str]  # start, end, label, text


def entities_of(ann: AnnotatedArticle) -> list[Ent]:
    """Named entities of the article: from its parse (titles included), else its mentions."""
    if ann.doc is not None:
        return [(e.start_char, e.end_char, e.label_, e.text) for e in ann.doc.ents]
    return [(m.start, m.end, m.label, m.text) for m in ann.mentions]


def side_in_spans(
    ents: Sequence[Ent],
    spans: Iterable[tuple[int, int]],
    places: Sequence[str],
    speaker: str = "",
    text: str = "",
) -> str | None:
    """Rule 2: the first country, else the first organisation, named inside `spans`.

    Left out: the speaker's own name mis-tagged as an organisation ("Blinken"), and the
    one-word object of a title ("Secretary of State": "State" is no organisation here).
    """
    own = {w.lower() for w in speaker.split()}
    inside = sorted(
        {
            (ms, me, label, t)
            for s, e in spans
            for ms, me, label, t in ents
            if s <= ms
            and me <= e
            and label in _PLACE | _ORG
            and not {w.lower() for w in t.split()} <= own
            and not (label == "ORG" and " " not in t and text[max(0, ms - 3) : ms] == "of ")
        }
    )
    for _s, _e, label, text in inside:
        if label in _PLACE:
            folded = fold_country(text, places)
            if label == "GPE" or folded != canonical_place(text):
                return folded
    for _s, _e, label, text in inside:
        if label in _ORG:
            return canonical_place(text)
    return None


def _speaker_spans(ann: AnnotatedArticle, speaker: str) -> list[tuple[int, int]]:
    spans = [(t.start, t.end) for t in ann.titles if t.person == speaker]
    spans += [
        (q.speaker_start, q.speaker_end)
        for q in ann.quotes
        if q.speaker == speaker and q.speaker_start is not None and q.speaker_end is not None
    ]
    return spans


def side_for(
    ann: AnnotatedArticle, speaker: str, places: Sequence[str], ents: Sequence[Ent] = ()
) -> str:
    """The side of one resolved speaker in one article (rules 1-3 of the module doc)."""
    media = side_of_name(speaker)
    if media:
        return media
    person = any(m.canonical == speaker and m.label == "PERSON" for m in ann.mentions)
    side = side_in_spans(
        ents or entities_of(ann),
        _speaker_spans(ann, speaker),
        places,
        speaker if person else "",
        ann.article.text,
    )
    if side:
        return "media" if side_of_name(side) else side
    own = next((m for m in ann.mentions if m.canonical == speaker and m.label != "PERSON"), None)
    if own is not None:
        return fold_country(own.text, places) if own.label in _PLACE else speaker
    return UNKNOWN


def voices_of(annotated: Sequence[AnnotatedArticle]) -> list[Voice]:
    """One Voice per (article, speaker), most quoted words first."""
    out = []
    for ann in annotated:
        ents = entities_of(ann)
        places = [text for _s, _e, label, text in ents if label == "GPE"]
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        unnamed: dict[str, bool] = {}
        for q in ann.quotes:
            name = q.speaker or UNKNOWN
            counts[name][0] += 1
            counts[name][1] += q.words
            if q.speaker is None and q.speaker_text and _UNNAMED.search(q.speaker_text):
                unnamed[name] = True
        for name, (n, words) in counts.items():
            if name == UNKNOWN:
                side = "unnamed officials" if unnamed.get(name) else UNKNOWN
            else:
                side = side_for(ann, name, places, ents)
            out.append(Voice(ann.id, ann.article.outlet, name, side, n, words))
    out.sort(key=lambda v: (v.article_id, -v.words))
    return out
