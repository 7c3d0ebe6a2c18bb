"""Story labels are built from what members share, never one outlet's headline."""

from __future__ import annotations

import numpy as np

from parallax.stories.index import _label, _State


def _state(*titles: str) -> _State:
    scored = [(1.0 - n / 10, t) for n, t in enumerate(titles)]
    return _State("s1", "storyline", None, np.zeros(3, dtype=np.float32), titles=scored)


def test_shared_phrase_and_entities_not_a_headline() -> None:
    titles = (
        "Council passes budget with road repair boost",
        "Marlow Falls budget: road repair boost wins 5-4 vote",
        "Library cuts anger parents as council passes budget",
    )
    label = _label(_state(*titles), ("Marlow Falls", "City Council"))
    assert label.startswith("Marlow Falls")
    assert "road repair boost" in label.lower() or "passes budget" in label.lower()
    assert label.casefold() not in {t.casefold() for t in titles}


def test_single_title_story_gets_terms_not_the_headline() -> None:
    title = "Storm"
    assert _label(_state(title), ()) != title
    title = "Chiefs rally past Eagles to win the Super Bowl"
    label = _label(_state(title), ("Andy Reid",))
    assert label != title and label.startswith("Andy Reid: ")


def test_same_name_in_two_forms_is_listed_once() -> None:
    label = _label(_state("China balloon row", "Chinese balloon row deepens"), ("Chinese", "China"))
    assert label.count("Chin") == 1 and label.endswith(": balloon row")
