"""Neutral brief on the demo corpus and its support checker (passes on ours, fails doctored)."""

from __future__ import annotations

import dataclasses

import pytest

from parallax.brief.brief import check_brief, unsupported_reasons
from parallax.models import Brief, BriefSentence, Span


@pytest.fixture(scope="module")
def demo(demo_articles):  # type: ignore[no-untyped-def]
    from parallax.apps.web import cached_analysis

    return cached_analysis(list(demo_articles.values()))


@pytest.fixture(scope="module")
def brief(demo):  # type: ignore[no-untyped-def]
    assert demo.briefs, "pipeline produced no brief"
    return demo.briefs[0]


def _section(brief, name):  # type: ignore[no-untyped-def]
    return [s for s in brief.sentences if s.section == name]


@pytest.mark.slow
def test_demo_brief_is_fully_supported(demo, brief):  # type: ignore[no-untyped-def]
    assert check_brief(brief, demo.articles) == []
    for b in demo.briefs:
        assert check_brief(b, demo.articles) == []
    assert all(s.citations and s.outlets for s in brief.sentences)


@pytest.mark.slow
def test_demo_brief_content(demo, brief):  # type: ignore[no-untyped-def]
    summary = _section(brief, "summary")
    assert 2 <= len(summary) <= 6
    assert any("Munich Security Conference" in s.text for s in summary)
    assert all(len(s.outlets) >= 2 for s in summary)  # shared facts only
    disagreements = " ".join(s.text for s in _section(brief, "disagreements"))
    assert "North Carolina" in disagreements and "South Carolina" in disagreements
    assert "at least three previous incursions" in disagreements
    assert "at least four previous spy balloon incidents" in disagreements
    per_outlet = _section(brief, "per_outlet")
    assert {s.outlets[0] for s in per_outlet} >= {"NBC News", "World Socialist Web Site"}
    # The summary avoids the WSWS wording the framing stage flags as loaded.
    assert not any("absurdly" in s.text or "vagrant" in s.text for s in summary)


@pytest.mark.slow
def test_checker_fails_on_doctored_briefs(demo, brief):  # type: ignore[no-untyped-def]
    summary = _section(brief, "summary")[0]
    dis = _section(brief, "disagreements")[0]

    def with_sentence(s: BriefSentence) -> Brief:
        return Brief(brief.story_id, (s,))

    changed = dataclasses.replace(summary, text=summary.text.replace(" ", " not ", 1))
    assert check_brief(with_sentence(changed), demo.articles)
    uncited = dataclasses.replace(summary, citations=())
    assert "no citation" in check_brief(with_sentence(uncited), demo.articles)[0]
    fake_span = dataclasses.replace(
        summary, citations=(dataclasses.replace(summary.citations[0], text="made up"),)
    )
    assert "does not match" in check_brief(with_sentence(fake_span), demo.articles)[0]
    swapped = dataclasses.replace(dis, text=dis.text.replace("North Carolina", "Georgia"))
    if swapped.text == dis.text:  # the first disagreement is another one: doctor a quote
        swapped = dataclasses.replace(dis, text=dis.text.replace("“", "“Reportedly ", 1))
    assert any("quoted" in p for p in check_brief(with_sentence(swapped), demo.articles))
    number = dataclasses.replace(dis, text=dis.text + " About 17 more were seen.")
    assert any("number 17" in p for p in check_brief(with_sentence(number), demo.articles))
    invented = BriefSentence("summary", "China apologised and paid compensation.", dis.citations)
    assert check_brief(with_sentence(invented), demo.articles)


SRC = [
    Span(
        "a",
        0,
        95,
        "Ned Price said the balloon was shot down on February 4 over South Carolina by a US fighter jet.",
    )
]


def test_rewrite_checker_accepts_supported_paraphrase():
    ok = "A US fighter jet shot down the balloon over South Carolina on February 4, Ned Price said."
    assert unsupported_reasons(ok, SRC) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("A US fighter jet shot the balloon down on February 5, Ned Price said.", "number 5"),
        ("Ned Price said the balloon was shot down over North Carolina on February 4.", "North"),
        ("China apologised and promised compensation for the balloon.", "China"),
        ("The balloon drifted harmlessly before officials decided to wait and see.", "words"),
    ],
)
def test_rewrite_checker_rejects_unsupported_sentences(text: str, reason: str):
    reasons = unsupported_reasons(text, SRC)
    assert reasons and any(reason in r for r in reasons), reasons


def test_llm_rewrite_is_off_without_url(monkeypatch):
    from parallax.brief.brief import rewrite_with_llm

    monkeypatch.delenv("PARALLAX_LLM_URL", raising=False)
    b = Brief(None, (BriefSentence("summary", SRC[0].text, tuple(SRC), ("X",)),))
    assert rewrite_with_llm(b) is b
