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


# ---------------------------------------------------------------- hardening (issue 17)

_CHILD = """
import sys, time
from pathlib import Path
from parallax.models import Article
from parallax.store import Store
db, n, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
art = Article(id=f"p{n:015d}", source=f"proc{n}.txt", outlet="unknown", outlet_reason="test",
              title=f"Article {n}", byline=None, published=None, date_reason="test",
              language="en", text=f"Process {n} wrote this.", paragraphs=((0, 10),), url=None,
              stripped=(), lean=None)
while not go.exists():
    time.sleep(0.001)
store = Store(db)
store.upsert_articles([art])
print("ok")
"""


def test_twelve_processes_create_a_new_store_at_once(tmp_path: Path):
    """Issue 17 #7: 5 of 12 processes failed with "table meta already exists"."""
    import os
    import subprocess
    import sys
    import time

    db, go = tmp_path / "new.db", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(db), str(n), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(12)
    ]
    time.sleep(2.0)  # let every child import and wait at the barrier
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    failed = [err for p, (_out, err) in zip(procs, outs, strict=True) if p.returncode != 0]
    assert not failed, failed[0]
    store = Store(db)
    assert store.count_articles() == 12
    assert store.integrity_check() == "ok"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_unstorable_article_does_not_lose_the_batch(tmp_path: Path, demo_articles):
    """Issue 17 #1: a list-valued field failed the single write and lost every article."""
    import dataclasses

    from parallax.models import IngestProblem

    arts = list(demo_articles.values())
    bad = dataclasses.replace(arts[0], id="bad0000000000000", lean=["left"])  # type: ignore[arg-type]
    problems: list[IngestProblem] = []
    store = Store(tmp_path / "p.db")
    assert store.upsert_articles([*arts[:2], bad, *arts[2:]], problems) == (5, 0)
    assert [p.source for p in problems] == [bad.source]
    assert store.count_articles() == 5
    assert store.integrity_check() == "ok"


def test_surrogates_in_a_source_are_stored(tmp_path: Path, demo_articles):
    """Issue 17 #3: a non-UTF-8 file name crashed the database write."""
    import dataclasses

    art = dataclasses.replace(next(iter(demo_articles.values())), source="/data/caf\udce9.txt")
    store = Store(tmp_path / "p.db")
    assert store.upsert_articles([art]) == (1, 0)
    (back,) = store.articles()
    assert back.source == "/data/caf\\udce9.txt"
    back.source.encode("utf-8")


def test_search_nul_and_repeated_terms(tmp_path: Path, demo_articles):
    """Issue 17 #6: NUL gave sqlite3.OperationalError; 1,200 repeated terms cost 19-32 s."""
    import time

    store = Store(tmp_path / "p.db")
    store.upsert_articles(demo_articles.values())
    assert store.search("\x00") == []
    assert len(store.search("Carolina\x00")) == 2
    start = time.perf_counter()
    assert len(store.search(" ".join(["Carolina"] * 1200))) == 2
    many = " ".join(f"w{i}" for i in range(5000))
    store.search(many)
    assert time.perf_counter() - start < 2.0
