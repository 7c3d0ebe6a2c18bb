"""Alignment of claims into facts on the demo corpus, and the blocking that keeps it cheap."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS
from parallax.compare.align import K, align, candidate_pairs, embed_claims, neutrality_key
from parallax.compare.claims import extract_claims


@lru_cache(maxsize=1)
def aligned():
    from parallax.annotate.core import annotate
    from parallax.annotate.embed import sentence_vectors
    from parallax.ingest.core import ingest_paths

    articles = ingest_paths([str(CORPUS)]).articles
    ann = annotate(articles)
    units = extract_claims(ann)
    vecs = embed_claims(units, ann, sentence_vectors(ann))
    names = {a.id: Path(a.source).name[:3] for a in articles}
    return units, vecs, align(units, vecs), names


@pytest.mark.slow
def test_same_statement_by_two_outlets_is_one_fact():
    _, _, facts, names = aligned()
    hit = [f for f in facts if "More than forty countries" in f.text]
    assert hit
    assert {names[a] for a in hit[0].article_ids} == {"002", "003"}
    assert {s.outlet for s in hit[0].support} == {"unknown", "NBC News"}
    assert all(
        s.voice == "attributed" and s.attribution == "Antony Blinken" for s in hit[0].support
    )


@pytest.mark.slow
def test_munich_meeting_fact_spans_three_outlets():
    _, _, facts, names = aligned()
    hit = [f for f in facts if "Munich Security Conference" in f.text]
    assert any({"002", "003", "004"} <= {names[a] for a in f.article_ids} for f in hit)


@pytest.mark.slow
def test_facts_hold_one_claim_per_article_and_verbatim_spans():
    units, _, facts, _ = aligned()
    texts = {u.article_id: None for u in units}
    assert facts and texts
    for f in facts:
        ids = [s.article_id for s in f.support]
        assert len(ids) == len(set(ids)) >= 2
        assert f.text in {s.span.text for s in f.support}


@pytest.mark.slow
def test_blocking_bounds_candidate_pairs():
    units, vecs, _, _ = aligned()
    pairs = candidate_pairs(units, vecs)
    assert len(pairs) <= K * len(units)  # never all pairs
    assert all(units[i].article_id != units[j].article_id for i, j, _ in pairs)


def test_neutral_wording_prefers_fewer_loaded_words_then_shorter():
    plain = "The research balloon was shot down over the sea."
    loaded = "The notorious balloon was shot down over the sea."  # a Recasens loaded word
    assert neutrality_key(plain) < neutrality_key(loaded)


def test_align_nothing():
    assert align([], np.zeros((0, 384), dtype=np.float32)) == []
