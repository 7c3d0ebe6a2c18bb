from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from parallax.models import Story
from parallax.store import SCHEMA_VERSION, Store, StoreError


def test_upsert_is_idempotent_and_roundtrips(tmp_path: Path, demo_articles):
    store = Store(tmp_path / "p.db")
    arts = list(demo_articles.values())
    assert store.upsert_articles(arts) == (5, 0)
    assert store.upsert_articles(arts) == (0, 5)
    assert store.count_articles() == 5
    back = {a.id: a for a in store.articles()}
    for art in arts:
        assert back[art.id] == art
    assert store.schema_version == SCHEMA_VERSION


def test_fts_search_finds_the_carolina_articles(tmp_path: Path, demo_articles):
    store = Store(tmp_path / "p.db")
    store.upsert_articles(demo_articles.values())
    store.upsert_articles(demo_articles.values())  # re-index must not duplicate hits
    hits = store.search("Carolina")
    assert len(hits) == 2
    assert all("\x02Carolina\x03" in snippet for _id, _title, snippet in hits)
    assert store.search('"; DROP TABLE articles; --') == []


def test_vectors_and_stories(tmp_path: Path):
    store = Store(tmp_path / "p.db")
    vec = np.arange(4, dtype=np.float32)
    store.put_vectors("minilm", {"k": vec})
    assert np.array_equal(store.get_vectors("minilm", ["k", "missing"])["k"], vec)
    story = Story("s1", "storyline", "Balloon", ("a", "b"), ("X",), None, None)
    store.save_stories([story])
    store.save_stories([story])
    assert store.stories() == [story] and store.story("s1") == story
    store.delete_stories(["s1"])
    assert store.stories() == []


def test_bad_db_paths_fail_clearly(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "p.db")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable database"):
        Store(bad)


def test_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "p.db"
    Store(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="newer"):
        Store(path)
