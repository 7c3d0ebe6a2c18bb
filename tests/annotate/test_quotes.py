from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, EPOCH_1, EPOCH_2, FIXTURES, NBC, UNKNOWN_OUTLET, WSWS
from parallax.annotate.core import annotate
from parallax.annotate.quotes import find_quote_marks
from parallax.evaluation.quotes import score_fixture
from parallax.ingest.core import ingest_paths
from parallax.models import AnnotatedArticle, Quote

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def _by_file() -> dict[str, AnnotatedArticle]:
    return {Path(a.article.source).name: a for a in annotate(ingest_paths([CORPUS]).articles)}


def _quote(name: str, start_of_content: str) -> Quote:
    found = [q for q in _by_file()[name].quotes if q.content.startswith(start_of_content)]
    assert found, start_of_content
    return found[0]


def test_named_speakers_of_direct_quotes() -> None:
    for name in (UNKNOWN_OUTLET, NBC):
        q = _quote(name, "There was no apology")
        assert (q.kind, q.speaker, q.cue) == ("direct", "Antony Blinken", "said")
    for name in (UNKNOWN_OUTLET, NBC, WSWS):
        assert _quote(name, "There are so many balloons all over the world").speaker == "Wang Yi"
    assert _quote(EPOCH_2, "We have detected this variety").speaker == "Ned Price"
    assert (
        _quote(EPOCH_1, "China is substantially building up its military").speaker
        == "Jen Stoltenberg"
    )


def test_pronoun_continuation_and_interrupted_quotes() -> None:
    # “...” he said: the pronoun is Ned Price, not the Biden named in between
    assert _quote(EPOCH_2, "I think you have heard").speaker == "Ned Price"
    # a quote paragraph with no cue continues the previous speaker
    q = _quote(EPOCH_1, "We’re doing so because")
    assert q.speaker == "Antony Blinken" and q.kind == "direct"
    # a quote left open at a paragraph end continues in the next paragraph
    assert _quote(NBC, "And I told him quite simply").speaker == "Antony Blinken"
    # “...,” Blinken said, "and I made clear ..."
    q = _quote(NBC, "and I made clear")
    assert q.kind == "direct" and q.speaker == "Antony Blinken"


def test_reported_speech_and_partials() -> None:
    # "In all four incidents, Ryder said, Chinese surveillance balloons had entered ...":
    # a parenthetical report's content spans both sides of the cue (PolNeAR's convention)
    q = _quote(EPOCH_1, "In all four incidents, Ryder said, Chinese surveillance balloons")
    assert (q.kind, q.speaker, q.cue) == ("indirect", "Pat Ryder", "said")
    q = _quote(WSWS, "Blinken bluntly told Yi")
    assert (q.kind, q.speaker, q.cue) == ("indirect", "Ned Price", "according to")
    q = _quote(UNKNOWN_OUTLET, "Wang is placing the responsibility")
    assert q.speaker == "Chinese government" and q.kind == "indirect"
    hyst = _quote(UNKNOWN_OUTLET, "hysterical")
    assert hyst.kind == "partial" and hyst.speaker == "Wang Yi"
    spy = _quote(WSWS, "spy")
    assert spy.kind == "partial" and spy.speaker is None and spy.cue is None  # scare quote
    nested = _quote(WSWS, "disturbing")
    assert nested.nested_in is not None
    outer = _by_file()[WSWS].quotes[nested.nested_in]
    assert outer.start <= nested.start < nested.end <= outer.end + 1


def test_spans_are_verbatim() -> None:
    for ann in _by_file().values():
        text = ann.article.text
        for q in ann.quotes:
            assert text[q.start : q.end] == q.content
            if q.speaker_start is not None:
                assert text[q.speaker_start : q.speaker_end] == q.speaker_text
            if q.cue_start is not None:
                assert text[q.cue_start : q.cue_end] == q.cue


def test_quote_marks_all_styles() -> None:
    text = 'He said "plain" and “curly” and ‘single’.\n“Open para\n“Next para” she said.'
    spans = [text[s:e] for s, e, _ in find_quote_marks(text)]
    assert '"plain"' in spans and "“curly”" in spans and "‘single’" in spans
    assert "“Open para" in spans and "“Next para”" in spans


def test_two_apostrophes_are_a_double_quote() -> None:
    """The NYT archive writes ''...'' for “...”; the Burman quote is direct, with its cue."""
    text = "Taxes.\n\n''It has the virtue of being responsible,'' Leonard Burman said of the plan."
    spans = [text[s:e] for s, e, _ in find_quote_marks(text)]
    assert spans == ["''It has the virtue of being responsible,''"]
    q = next(q for q in _annotated(text).quotes if q.content.startswith("It has"))
    assert q.content == "It has the virtue of being responsible"
    assert q.kind == "direct" and q.cue == "said" and q.speaker_text == "Leonard Burman"


def test_fixture_floor() -> None:
    """Measured on the 76-quote fixture: R 98.7, speaker-correct R 98.7, speaker accuracy 100.

    Precision is 68.1 (86.6 before the learned attributor, 71.7 before its clause-shape
    features, 68.3 before the nested-report and passive/copular rules): it also returns PolNeAR-style reported speech ("Wang criticized the US ...",
    "Price emphasized the critical role ...", "its assessment [that] it was a surveillance
    balloon") the fixture never labelled, so precision here counts those as wrong.
    """
    by_file = {name: a.id for name, a in _by_file().items()}
    scores = score_fixture(FIXTURES / "quotes_balloon.jsonl", list(_by_file().values()), by_file)
    assert scores["gold"] >= 60
    assert scores["recall"] >= 95
    assert scores["precision"] >= 67
    assert scores["attributed_recall"] >= 95
    assert scores["speaker_accuracy"] >= 95


def _annotated(text: str) -> AnnotatedArticle:
    from parallax.evaluation.quotes import _article

    return annotate([_article(text, "inline.txt")])[0]


def test_reported_speech_forms() -> None:
    """Forms the issue names: "according to", sources after the content, nominal cues."""
    ann = _annotated(
        "The ministry said the talks would resume in March. "
        "The talks will resume in March, according to the foreign ministry. "
        "Prices will rise sharply next year, officials warned on Monday. "
        "In a statement, the ministry accused the rebels of breaking the truce."
    )
    by_cue = {q.cue: q for q in ann.quotes if q.kind == "indirect"}
    assert by_cue["said"].speaker_text == "The ministry"
    assert by_cue["said"].content.startswith("the talks would resume")
    assert by_cue["according to"].speaker_text == "the foreign ministry"
    assert by_cue["according to"].content.startswith("The talks will resume")
    assert by_cue["warned"].speaker_text == "officials" and by_cue["warned"].speaker is None
    assert by_cue["warned"].content.startswith("Prices will rise")
    assert by_cue["accused"].speaker_text == "the ministry"


def test_speakers_resolved_or_unknown() -> None:
    ann = _annotated(
        "Ms. Jane Carter, the senator from Ohio, met Mr. Paul Reed on Monday. "
        "She said the bill would pass. "
        "The senator told reporters that the vote was close."
    )
    by_cue = {q.cue: q for q in ann.quotes}
    assert by_cue["said"].speaker_text == "She" and by_cue["said"].speaker == "Jane Carter"
    assert by_cue["told"].speaker == "Jane Carter"  # "the senator": the one titled senator
    unsure = _annotated("Tom Avery met Bill Stone. Officials said the meeting went well.")
    assert all(q.speaker is None for q in unsure.quotes)


def test_source_spans_follow_the_parse() -> None:
    """A passive subject is the target, not the source; a timestamp line is not the source."""
    ann = _annotated(
        "The mayor was accused of hiding the report by the council.\n\n"
        "10:40 a.m.\n\nDonald Trump said the rally would go ahead despite the storm."
    )
    by_cue = {q.cue: q for q in ann.quotes}
    assert by_cue["accused"].speaker_text is None  # never "The mayor"
    said = by_cue["said"]
    assert said.speaker_text == "Donald Trump" and said.speaker == "Donald Trump"
    assert said.content.startswith("the rally would go ahead")


def test_relative_pronoun_source_names_its_antecedent() -> None:
    ann = _annotated("The bill was backed by Senator Joe Biden, who said it would pass easily.")
    said = next(q for q in ann.quotes if q.cue == "said")
    assert said.speaker_text == "who" and said.speaker == "Joe Biden"


def test_direct_sources_after_long_subjects_dashes_and_headline_colons() -> None:
    ann = _annotated(
        "Mike Pence: Flowers Won’t Be at Debate, Trump Was ‘Mocking’ Clinton Camp\n\n"
        "“It’s an invasion of the state regulatory domain,” Scott Pruitt, the Republican "
        "attorney general of Oklahoma, one of the states suing the EPA, said on Monday.\n\n"
        "“We were there under legitimate pretenses,” Figueroa told USA Today.\n\n"
        "“Maybe we can build a wall around him.”\u00a0― Steve Quinlan"
    )
    by_start = {q.content.split()[0]: q for q in ann.quotes}
    assert by_start["Mocking"].speaker == "Mike Pence" and by_start["Mocking"].cue == ":"
    assert by_start["It’s"].speaker_text.startswith("Scott Pruitt")
    assert by_start["We"].speaker_text == "Figueroa" and by_start["We"].cue == "told"
    assert by_start["Maybe"].speaker_text == "Steve Quinlan"


def test_report_nested_in_a_report_takes_the_outer_source() -> None:
    """PolNeAR marks the outer report only: Machado's promise is Merrill's claim."""
    text = (
        "Clinton spokesman Nick Merrill said Alicia Machado promised to continue supporting "
        "Clinton in the campaign."
    )
    reports = [q for q in _annotated(text).quotes if q.kind == "indirect"]
    assert [q.speaker_text for q in reports] == ["Clinton spokesman Nick Merrill"]
    assert reports[0].content.startswith("Alicia Machado promised")
