"""Framing on the demo corpus: loaded terms in the outlet's own voice, sourcing, bias scores."""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, EPOCH_1, NBC, WSWS
from parallax.models import AnnotatedArticle, Framing

pytestmark = pytest.mark.slow


@lru_cache(maxsize=1)
def _annotated() -> dict[str, AnnotatedArticle]:
    from parallax.annotate.core import annotate
    from parallax.ingest.core import ingest_paths

    wanted = {EPOCH_1, NBC, WSWS}
    arts = [a for a in ingest_paths([CORPUS]).articles if Path(a.source).name in wanted]
    return {Path(a.article.source).name: a for a in annotate(arts)}


@lru_cache(maxsize=8)
def _framing(name: str) -> Framing:
    from parallax.compare.framing import framing_for

    return framing_for(_annotated()[name])


def _texts(f: Framing) -> list[str]:
    return [t.text.lower() for t in f.loaded_terms]


def test_wsws_loaded_terms_in_own_voice() -> None:
    ann = _annotated()[WSWS]
    f = _framing(WSWS)
    texts = _texts(f)
    for word in ("belligerent", "slurs", "imperialism", "hypocritically", "propaganda war"):
        assert word in texts, (word, texts)
    assert {"absurdly", "vagrant", "reckless"} <= set(texts)
    # Wang Yi's "unbelievable, almost hysterical" is his wording, not WSWS's
    assert "hysterical" in ann.article.text
    assert "hysterical" not in texts
    quotes = [(q.start, q.end) for q in ann.quotes]
    for t in f.loaded_terms:
        assert ann.article.text[t.start : t.end] == t.text
        assert not any(t.start < e and s < t.end for s, e in quotes), t
        assert t.reason and t.source
    by_text = {t.text.lower(): t for t in f.loaded_terms}
    assert "judgemental adverb" in by_text["hypocritically"].reason
    assert by_text["slurs"].source == "Parallax loaded-terms list (ours)"


def test_quote_spans_exclude_words() -> None:
    """The same word stops counting once a quote span covers it."""
    from parallax.compare.framing import loaded_terms

    art = _annotated()[WSWS].article
    free = loaded_terms(art, [])
    target = next(t for t in free if t.text == "belligerent")
    covered = loaded_terms(art, [(target.start, target.end)])
    assert target not in covered
    assert len(covered) == len(free) - 1


def test_epoch_communist_regime_flagged() -> None:
    f = _framing(EPOCH_1)
    hits = [t for t in f.loaded_terms if t.text.lower() == "communist regime"]
    assert hits
    assert hits[0].reason.startswith("label for a government")
    assert f.outlet == "The Epoch Times"


def test_wsws_more_biased_and_less_sourced_than_nbc() -> None:
    wsws, nbc = _framing(WSWS), _framing(NBC)
    assert wsws.body_bias > nbc.body_bias
    assert nbc.sourced_share > wsws.sourced_share
    assert len(wsws.loaded_terms) > 3 * max(1, len(nbc.loaded_terms))
    for f in (wsws, nbc):
        assert 0.0 <= f.headline_bias <= 1.0 and 0.0 <= f.body_bias <= 1.0
        assert 0.0 <= f.bias_score <= 1.0
        assert f.hedges >= 0 and f.certainty_markers >= 0


def test_framing_with_claims_counts_attribution() -> None:
    from parallax.compare.claims import claims_only, extract_claims
    from parallax.compare.framing import framing_for

    ann = _annotated()[NBC]
    claims = claims_only(extract_claims([ann]))
    f = framing_for(ann, claims)
    mine = [c for c in claims if c.article_id == ann.id]
    assert f.sourced_claims == sum(c.attribution is not None for c in mine)
    assert f.sourced_claims + f.unsourced_claims == len(mine)


def test_sentence_bias_orders_loaded_above_neutral() -> None:
    from parallax.compare.framing import sentence_bias

    scores = sentence_bias(
        [
            "The radical left-wing mob viciously smeared the hero with absurd, hateful lies.",
            "The committee will meet on Tuesday to discuss the budget.",
        ]
    )
    assert scores.shape == (2,)
    assert scores[0] > 0.5 > scores[1]
    assert sentence_bias([]).shape == (0,)


def test_bad_input_does_not_crash() -> None:
    from parallax.compare.framing import framing_for, loaded_terms

    art = dataclasses.replace(_annotated()[NBC].article, text="", paragraphs=(), title="")
    assert loaded_terms(art, [(5, 2), (0, 999)]) == ()
    empty = AnnotatedArticle(art, (), (), (), (), (), ())
    f = framing_for(empty, None)
    assert f.loaded_terms == () and f.sourced_share == 0.0 and f.bias_score == 0.0


def test_model_json_is_plain_and_documented() -> None:
    path = resources.files("parallax").joinpath("resources", "bias_model.json")
    data = json.loads(path.read_text("utf-8"))
    assert len(data["coefficients"]) == len(data["features"]) == len(data["scaler_mean"])
    prov = data["provenance"]
    assert prov["file"].endswith("babe/data/final_labels_SG2.csv")
    assert prov["rows"] == 3673 and len(prov["sha256"]) == 64
    assert "licence" in prov and prov["date"]
    assert np.all(np.asarray(data["scaler_scale"]) > 0)


def test_precomputed_sentence_vectors_give_same_scores() -> None:
    """The pipeline's cached sentence vectors can replace re-encoding (the costly part)."""
    from parallax.annotate.embed import sentence_vectors
    from parallax.compare.framing import framing_for

    ann = _annotated()[NBC]
    fast = framing_for(ann, sentence_vectors=sentence_vectors([ann])[0])
    slow = _framing(NBC)
    assert fast.body_bias == pytest.approx(slow.body_bias, abs=1e-3)
    assert fast.loaded_terms == slow.loaded_terms


def test_headline_terms_index_the_title() -> None:
    from parallax.compare.framing import headline_terms

    art = _annotated()[WSWS].article
    terms = headline_terms(art)
    assert [t.text for t in terms] == ["menaces"]
    t = terms[0]
    assert art.title[t.start : t.end] == "menaces" and t.reason.startswith("headline: ")
    assert headline_terms(_annotated()[NBC].article) == ()
