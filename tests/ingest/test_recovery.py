"""kill -9 during ingest loses nothing committed and leaves no duplicates; two concurrent ingests
into a new store both succeed (issue 17). Articles are generated; each child is a real process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

N_ARTICLES = 40

CHILD = """
import sys
from pathlib import Path
from parallax.ingest.core import ingest_paths
from parallax.store import Store
folder, db, batch = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = Store(db)
print("store", flush=True)
articles = ingest_paths([folder]).articles
for i in range(0, len(articles), batch):
    store.upsert_articles(articles[i : i + batch])
    print("batch", i // batch + 1, flush=True)
print("done", flush=True)
"""


def make_articles(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(N_ARTICLES):
        (folder / f"a{n:02d}.txt").write_text(
            f"Harbour board approves plan {n}\n\n"
            f"The harbour board voted on Monday to approve repair plan number {n} for the old "
            "swing bridge, officials said. The work will close the crossing to cars for six "
            "weeks and cost the town about two million dollars. Board member Lena Ortiz said "
            "the bridge had been patched for years and that a full repair could no longer wait."
        )


def child(folder: Path, db: Path, batch: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(db), str(batch)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check_store(db: Path) -> int:
    """integrity_check ok, no duplicate rows in the table or the search index; article count."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (rows,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        (distinct,) = conn.execute("SELECT count(DISTINCT id) FROM articles").fetchone()
        (fts,) = conn.execute("SELECT count(*) FROM articles_fts").fetchone()
        (fts_distinct,) = conn.execute("SELECT count(DISTINCT id) FROM articles_fts").fetchone()
    assert rows == distinct == fts == fts_distinct
    return int(rows)


def test_kill_9_at_several_points_then_rerun_completes(tmp_path: Path):
    folder, db = tmp_path / "in", tmp_path / "p.db"
    make_articles(folder)
    counts = []
    for kill_after in ("store", "batch 1", "batch 3", "batch 6"):
        proc = child(folder, db, batch=4)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == kill_after:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        counts.append(check_store(db))
    assert counts == sorted(counts)  # nothing committed was lost by a later kill
    proc = child(folder, db, batch=4)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "done" in out
    assert check_store(db) == N_ARTICLES


def test_two_concurrent_ingests_into_a_new_store(tmp_path: Path):
    folder, db = tmp_path / "in", tmp_path / "new.db"
    make_articles(folder)
    procs = [child(folder, db, batch=3), child(folder, db, batch=5)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    assert check_store(db) == N_ARTICLES
