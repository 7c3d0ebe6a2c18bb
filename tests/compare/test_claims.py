"""Claim splitting on the demo corpus: attribution, negation, numbers and dates attached."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS
from parallax.compare.claims import ClaimUnit, extract_claims

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def units() -> tuple[tuple[ClaimUnit, ...], dict[str, str]]:
    from parallax.annotate.core import annotate
    from parallax.ingest.core import ingest_paths

    articles = ingest_paths([str(CORPUS)]).articles
    names = {a.id: Path(a.source).name[:3] for a in articles}
    return tuple(extract_claims(annotate(articles))), names


def _find(fragment: str, file: str) -> list[ClaimUnit]:
    us, names = units()
    return [u for u in us if fragment in u.claim.text and names[u.article_id] == file]


def test_quoted_denial_is_negated_and_attributed_to_blinken():
    got = _find("There was no apology", "003")
    assert got
    assert all(u.claim.negated for u in got)
    assert {u.claim.attribution for u in got} == {"Antony Blinken"}


def test_own_voice_claim_has_no_attribution_and_carries_resolved_date():
    got = _find("shot the balloon down with a missile on February 4", "004")
    assert got
    c = got[0].claim
    assert c.attribution is None and not c.negated
    assert "2023-02-04" in c.dates
    assert c.outlet == "World Socialist Web Site"


def test_number_attached_and_reported_speech_attributed():
    got = _find("at least four previous spy balloon incidents", "000")
    assert got
    c = got[0].claim
    assert 4.0 in c.numbers
    assert c.attribution == "Pat Ryder"  # "Ryder confirmed that ..."
    assert "United States" in c.entities
    assert "at least four" not in c.entities  # numbers are numbers, not entities


def test_claims_are_spans_of_the_text_and_split_sentences():
    us, _ = units()
    assert len(us) > sum(1 for _ in {(u.article_id, u.claim.sentence_index) for u in us})
    for u in us[:200]:
        assert u.sentence is not None
        assert u.sentence.start <= u.claim.start < u.claim.end <= u.sentence.end
        assert u.sentence.text[u.claim.start - u.sentence.start :].startswith(u.claim.text)


def test_empty_input():
    assert extract_claims([]) == []
