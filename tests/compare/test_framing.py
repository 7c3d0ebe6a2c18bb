"""Framing: learned loaded-language tagger in the outlet's own voice, headline, profile, parse once."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, EPOCH_1, NBC, WSWS
from parallax.compare.framing_settings import FramingSettings
from parallax.models import AnnotatedArticle, Article, Framing

pytestmark = pytest.mark.slow

# Loaded wording of the demo's WSWS and Epoch Times pieces in their own voice, as listed in
# issue 15 / docs/framing.md. The detector never saw these articles and holds no list
# written from them; the test checks that the general model still finds most.
WSWS_TERMS = ("belligerent", "slurs", "imperialism", "hypocritically", "propaganda", "absurdly",
              "vagrant", "reckless")  # fmt: skip
MIN_FOUND = 3  # of the 8 above: measured 3 (propaganda, absurdly, reckless); docs/framing.md


@lru_cache(maxsize=1)
def _annotated() -> dict[str, AnnotatedArticle]:
    from parallax.annotate.core import annotate
    from parallax.ingest.core import ingest_paths

    wanted = {EPOCH_1, NBC, WSWS}
    arts = [a for a in ingest_paths([CORPUS]).articles if Path(a.source).name in wanted]
    return {Path(a.article.source).name: a for a in annotate(arts)}


@lru_cache(maxsize=8)
def _framing(name: str, detector: str = "learned") -> Framing:
    from parallax.compare.framing import framing_for

    return framing_for(_annotated()[name], settings=FramingSettings(detector=detector))


def _one(text: str, title: str = "") -> AnnotatedArticle:
    """A small article through the product's one parse + annotate pass."""
    from parallax.annotate.core import annotate

    art = Article(
        id="t" + str(abs(hash((text, title))))[:10], source="test", outlet="unknown",
        outlet_reason="test", title=title, byline=None, published=None, date_reason="test",
        language="en", text=text, paragraphs=((0, len(text)),),
    )  # fmt: skip
    return annotate([art])[0]


def _words(terms: tuple) -> set[str]:
    return {w.lower() for t in terms for w in t.text.split()}


def test_demo_terms_found_without_a_demo_list() -> None:
    words = _words(_framing(WSWS).loaded_terms)
    found = [w for w in WSWS_TERMS if w in words]
    assert len(found) >= MIN_FOUND, (found, sorted(words))
    lexicons = resources.files("parallax").joinpath("resources")
    assert not lexicons.joinpath("parallax_loaded_terms.tsv").is_file()  # demo list removed


def test_quoted_words_never_count_against_the_outlet() -> None:
    from parallax.compare.framing import loaded_terms

    own = _one("The hysterical mob's brutal abuse of force shocked the reckless city council.")
    flagged = _words(loaded_terms(own))
    assert flagged & {"hysterical", "brutal", "reckless", "abuse"}, flagged
    quoted = _one(
        'The mayor said the protest was "hysterical" and called the arrests '
        '"a brutal abuse of force by a reckless council".'
    )
    assert not _words(loaded_terms(quoted)) & {"hysterical", "brutal", "abuse", "reckless"}
    ann = _annotated()[WSWS]
    assert "hysterical" in ann.article.text  # Wang Yi's words, inside a quote
    assert "hysterical" not in _words(_framing(WSWS).loaded_terms)


def test_neutral_topic_words_not_flagged() -> None:
    from parallax.compare.framing import loaded_terms

    ann = _one(
        "Prosecutors filed conspiracy charges against four men on Tuesday. "
        "The treaty set up an inspection regime for the two nuclear sites."
    )
    assert not _words(loaded_terms(ann)) & {"conspiracy", "regime", "charges", "inspection"}


@pytest.mark.xfail(strict=True, reason="known weakness: BABE often marks 'lying'; P = 0.48")
def test_pleaded_guilty_to_lying_not_flagged() -> None:
    from parallax.compare.framing import loaded_terms

    ann = _one("The former adviser pleaded guilty to lying to federal agents in March.")
    assert "lying" not in _words(loaded_terms(ann))


def test_headline_scored_like_body() -> None:
    ann = _one("Officials met on Monday.", title="Reckless president brutally smears hero")
    f = _framing_of(ann)
    assert f.headline_terms, f
    for t in f.headline_terms:
        assert ann.article.title[t.start : t.end] == t.text
    assert 0.0 <= f.headline_bias <= 1.0


def _framing_of(ann: AnnotatedArticle) -> Framing:
    from parallax.compare.framing import framing_for

    return framing_for(ann)


def test_profile_fields() -> None:
    wsws, nbc = _framing(WSWS), _framing(NBC)
    assert wsws.loaded_per_1000_words > nbc.loaded_per_1000_words
    assert nbc.sourced_share > wsws.sourced_share
    for f in (wsws, nbc):
        assert 0.0 < f.own_voice_share <= 1.0
        assert f.actors and all(a.mentions > 0 for a in f.actors)
        assert 0.0 <= f.bias_score <= 1.0


def test_actor_words_from_the_parse() -> None:
    from parallax.compare.framing import actor_terms

    ann = _one(
        "The Chinese regime detained Wang, a veteran activist. "
        "The Chinese regime later released him."
    )
    by = {a.entity: a for a in actor_terms(ann)}
    words = {w for a in by.values() for w in a.words}
    assert "regime" in words, by
    assert "activist" in words, by


def test_speculation_is_own_voice_and_unattributed() -> None:
    from parallax.compare.framing import speculative_sentences

    ann = _one(
        "The move could trigger a wider war. "
        "Officials said the talks might resume, according to a statement. "
        "The bill passed on Tuesday."
    )
    flagged = [s.text for s in speculative_sentences(ann)]
    assert flagged == ["The move could trigger a wider war."]


def test_lexicon_fallback_runs_without_learned_weights() -> None:
    f = _framing(WSWS, "lexicon")
    assert f.bias_score == 0.0 and f.body_bias == 0.0
    assert all(t.source.startswith("Recasens") for t in f.loaded_terms)


def test_framing_reads_the_stored_parse_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No spaCy call on article text after annotate."""
    import parallax.nlp as nlp_mod
    from parallax.compare.framing import framing_for
    from parallax.compare.lexicons import default_matcher

    ann = _annotated()[EPOCH_1]
    default_matcher()  # built once per process from the lists (tokenizer only), before the patch

    def boom() -> None:
        raise AssertionError("framing parsed text again")

    monkeypatch.setattr(nlp_mod, "spacy_nlp", boom)
    f = framing_for(ann)
    assert f.outlet == "The Epoch Times"


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

    ann = _annotated()[NBC]
    empty = AnnotatedArticle(ann.article, (), (), (), (), (), ())
    assert loaded_terms(empty) == ()
    f = framing_for(empty, None)
    assert f.loaded_terms == () and f.sourced_share == 0.0


@pytest.mark.parametrize("folder", ["sentence_babe", "tagger_babe"])
def test_models_are_plain_json_with_notice(folder: str) -> None:
    base = resources.files("parallax").joinpath("resources", "framing", folder)
    data = json.loads(base.joinpath("model.json").read_text("utf-8"))
    notice = base.joinpath("NOTICE").read_text("utf-8")
    assert "BABE" in notice and "Spinde" in notice and "AGPL" in notice
    prov = data["provenance"]
    assert prov["file"].endswith("babe/data/final_labels_SG2.csv") and prov["rows"] == 3673
    if folder == "sentence_babe":
        # SVM: one dual coefficient per support vector, stored beside the JSON (no pickle)
        with base.joinpath(data["support_file"]).open("rb") as fh:
            support = np.load(fh, allow_pickle=False)
        assert support.shape == (len(data["coefficients"]), len(data["features"]))
        assert len(data["features"]) == len(data["scaler_mean"])
        assert np.all(np.asarray(data["scaler_scale"]) > 0)
        assert "support.npy" in notice
    else:
        assert data["weights"] and not any("basil" in k for k in data["weights"])


def test_precomputed_sentence_vectors_give_same_scores() -> None:
    from parallax.annotate.embed import sentence_vectors
    from parallax.compare.framing import framing_for

    ann = _annotated()[NBC]
    fast = framing_for(ann, sentence_vectors=sentence_vectors([ann])[0])
    slow = _framing(NBC)
    assert fast.body_bias == pytest.approx(slow.body_bias, abs=1e-3)
    assert fast.loaded_terms == slow.loaded_terms


def test_warm_bias_cache_encodes_what_framing_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    """One e5 call up front covers every text framing scores, and the scores do not move."""
    from parallax.compare import bias_model as bm
    from parallax.compare.framing import framing_for, warm_bias_cache

    anns = list(_annotated().values())
    cold = [framing_for(a) for a in anns]
    bm._e5_cached.cache_clear()
    calls: list[list[str]] = []
    real = bm._E5Queries.encode

    def spy(self: object, texts: list[str], **kw: object) -> np.ndarray:
        calls.append(list(texts))
        return real(self, texts, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bm._E5Queries, "encode", spy)
    sent = warm_bias_cache(anns)
    warm = [framing_for(a) for a in anns]
    assert sent > 3 * len(anns) and len(calls) == 1  # per-article calls all hit the cache
    for c, w in zip(cold, warm, strict=True):
        assert w.bias_score == pytest.approx(c.bias_score, abs=1e-6)
        assert w.headline_bias == pytest.approx(c.headline_bias, abs=1e-6)
