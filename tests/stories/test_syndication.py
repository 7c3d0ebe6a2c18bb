"""Wire copies count once: one story printed by three outlets plus two independent reports."""

from __future__ import annotations

import hashlib

from parallax.brief.brief import build_brief
from parallax.models import Analysis, Article, Fact, FactSupport, Records
from parallax.stories.syndication import copy_groups, count_sources, source_keys

WIRE = (
    "The city council of Marlow Falls approved a new budget on Tuesday after a long debate "
    "about road repairs, school funding and the future of the public library. The plan "
    "raises spending on road maintenance by twelve percent and freezes hiring in most city "
    "departments until the end of the fiscal year. Council members who opposed the plan "
    "argued that the library cuts would hurt families who depend on free internet access. "
    "The mayor is expected to sign the budget later this week, according to her office. "
    "A public hearing on the library branch closures is scheduled for next month."
)
INDEPENDENT = (
    "Residents packed the Marlow Falls council chamber for hours before a late vote that "
    "approved the budget. Several parents spoke against closing the east side library "
    "branch, saying their children use its computers every afternoon. The finance director "
    "defended the road repair money as overdue, pointing to a consultant report on potholes.",
    "Marlow Falls will spend more on its streets next year. Our analysis of the approved "
    "budget shows the biggest change is in the public works department, which gains two "
    "crews, while the parks department loses a seasonal position and the library loses "
    "evening hours at two of its three branches, a change opponents vowed to fight.",
)


def _article(text: str, outlet: str) -> Article:
    aid = hashlib.sha256(f"{outlet}{text}".encode()).hexdigest()[:16]
    return Article(
        aid, f"test:{outlet}", outlet, "test", "", None, None, "test", "en", text,
        ((0, len(text)),),
    )  # fmt: skip


def _corpus() -> list[Article]:
    copies = [
        _article(WIRE, "Daily Courier"),
        # Edited copies: a trimmed last sentence, a local intro line added.
        _article(WIRE.rsplit(" A public", 1)[0], "Valley Herald"),
        _article("MARLOW FALLS (Wire) — " + WIRE.replace("Tuesday", "Tuesday night"), "Star"),
    ]
    return copies + [_article(INDEPENDENT[0], "Gazette"), _article(INDEPENDENT[1], "Ledger")]


def test_one_wire_story_in_three_outlets_plus_two_independent_is_three_sources() -> None:
    arts = _corpus()
    keys = source_keys(arts)
    assert count_sources([a.id for a in arts], keys) == 3
    assert len(set(keys.values())) == 3
    (group,) = copy_groups(keys)
    assert set(group) == {a.id for a in arts[:3]}
    assert group[0] == arts[0].id  # the first in input order represents the copies
    assert keys[arts[3].id] == arts[3].id and keys[arts[4].id] == arts[4].id


def test_shared_quotes_alone_do_not_make_copies() -> None:
    quote = (
        "“We will not close a single branch without a hearing, and we will publish every "
        "number behind this decision before the council votes again next spring,” the mayor said."
    )
    a = _article(INDEPENDENT[0] + " " + quote, "Gazette")
    b = _article(INDEPENDENT[1] + " " + quote, "Ledger")
    keys = source_keys([a, b])
    assert keys[a.id] != keys[b.id]


def test_copies_count_once_toward_an_agreed_fact() -> None:
    arts = _corpus()
    sentence = WIRE.split(" about road")[0] + "."

    def support(art: Article) -> FactSupport:
        start = art.text.index("The city council")
        end = art.text.index(" about road", start)
        return FactSupport(art.id, art.outlet, art.span(start, end), "own", None)

    fact = Fact("f1", sentence, tuple(support(a) for a in arts[:3]))
    analysis = Analysis(articles=Records(arts), facts=Records([fact]))
    keys = source_keys(arts)
    with_keys = build_brief(analysis, sources=keys)
    assert not [
        s for s in with_keys.sentences if s.section in ("lead", "summary") and len(s.outlets) > 1
    ]
    without = build_brief(analysis)
    assert any(s.section == "lead" and len(s.outlets) == 3 for s in without.sentences)
