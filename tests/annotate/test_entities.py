from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, EPOCH_1, EPOCH_2, NBC, UNKNOWN_OUTLET, WSWS
from parallax.annotate.core import annotate
from parallax.annotate.entities import resolve_entities
from parallax.ingest.core import ingest_paths
from parallax.models import AnnotatedArticle

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def _by_file() -> dict[str, AnnotatedArticle]:
    return {Path(a.article.source).name: a for a in annotate(ingest_paths([CORPUS]).articles)}


def _canon(name: str, text: str) -> set[str]:
    return {m.canonical for m in _by_file()[name].mentions if m.text == text}


def test_wang_yi_and_wrong_yi_surname_are_one_person() -> None:
    assert _canon(WSWS, "Yi") == {"Wang Yi"}
    assert _canon(WSWS, "Wang") == {"Wang Yi"}
    assert _canon(UNKNOWN_OUTLET, "Wang") == {"Wang Yi"}


def test_surnames_resolve_across_articles() -> None:
    assert _canon(UNKNOWN_OUTLET, "Blinken") == {"Antony Blinken"}
    assert _canon(EPOCH_2, "Price") == {"Ned Price"}
    assert _canon(WSWS, "Price") == {"Ned Price"}
    assert _canon(EPOCH_1, "Stoltenberg") == {"Jen Stoltenberg"}
    _, entities = resolve_entities(list(_by_file().values()))
    blinken = next(e for e in entities if e.canonical == "Antony Blinken")
    assert {"Blinken", "Antony Blinken"} <= set(blinken.aliases)
    assert len(blinken.article_ids) == 4  # every article but 001, which never names him
    us = next(e for e in entities if e.canonical == "United States")
    assert {"US", "U.S."} <= set(us.aliases)


def test_title_only_reference_and_pronoun() -> None:
    nbc = _by_file()[NBC]
    ref = [m for m in nbc.mentions if m.text == "China's senior foreign minister"]
    assert ref and ref[0].canonical == "Wang Yi"
    sec = [m for m in _by_file()[UNKNOWN_OUTLET].mentions if m.text == "The Secretary of State"]
    assert sec and sec[0].canonical == "Antony Blinken"
    he = [m for m in _by_file()[EPOCH_1].mentions if m.text == "he"]
    assert he and he[0].canonical == "Jen Stoltenberg"


def test_titles_are_clean() -> None:
    titles = {(t.person, t.title) for a in _by_file().values() for t in a.titles}
    for pair in [
        ("Ned Price", "State Department spokesperson"),
        ("Antony Blinken", "Secretary of State"),
        ("Jen Stoltenberg", "NATO Secretary-General"),
        ("Pat Ryder", "Pentagon spokesperson Brig. Gen."),
        ("Wang Yi", "top Chinese diplomat"),
        ("Wang Yi", "senior Chinese diplomat"),
        ("Wang Yi", "senior foreign minister"),
        (
            "Wang Yi",
            "director of the People’s Republic of China CCP Central Foreign Affairs office",
        ),
    ]:
        assert pair in titles, pair
    for a in _by_file().values():
        for t in a.titles:
            assert not t.title.lower().endswith(("said", "says")), t
            assert a.article.text[t.start : t.end] == t.title


def _people_of(text: str) -> dict[str, str]:
    """Pronoun text@offset -> the person it was resolved to."""
    from parallax.evaluation.quotes import _article

    ann = annotate([_article(text, "inline.txt")])[0]
    return {
        f"{m.text}@{m.start}": m.canonical
        for m in ann.mentions
        if m.label == "PERSON" and m.text.lower() in {"he", "she"}
    }


@pytest.mark.slow
def test_pronoun_gender_from_honorifics() -> None:
    """ "She" skips the nearer man: the honorifics tell the genders."""
    text = "Ms. Anna Keller spoke after Mr. David Moss arrived. She said the plan was ready."
    resolved = _people_of(text)
    assert resolved == {f"She@{text.index('She')}": "Anna Keller"}


@pytest.mark.slow
def test_pronoun_unknown_when_unsure() -> None:
    """Two people of unknown gender in one sentence and no subject among them: unresolved."""
    text = "A letter from Robin Hale to Casey Dunn arrived. He said it was late."
    assert _people_of(text) == {}
