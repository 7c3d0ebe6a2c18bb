"""Issue 17 #2, #3, #10: hostile file names and missing paths in the CLI (no model is loaded)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax.apps.cli import app, safe_text

runner = CliRunner()


def article(n: int) -> str:
    return (
        f"Harbour board approves plan {n}\n\n"
        f"The harbour board voted on Monday to approve repair plan number {n} for the old "
        "swing bridge, officials said. The work will close the crossing to cars for six weeks "
        "and cost the town about two million dollars. Board member Lena Ortiz said the bridge "
        "had been patched for years and that a full repair could no longer wait. Shop owners "
        "near the crossing asked for signs to guide visitors during the closure."
    )


def test_safe_text_escapes_markup_and_controls():
    assert safe_text("[red]evil.txt") == "\\[red]evil.txt"
    assert "\n" not in safe_text("a\nb") and "\\n" in safe_text("a\nb")
    assert "\x1b" not in safe_text("\x1b[31mred") and "\\x1b" in safe_text("\x1b[31mred")
    assert "\u202e" not in safe_text("abc\u202etxt.exe")
    safe_text("caf\udce9").encode("utf-8")


def test_hostile_file_names_are_stored_and_printed_safely(tmp_path: Path):
    folder = tmp_path / "in"
    (folder / "x[").mkdir(parents=True)
    names = [
        "[red]evil.txt",
        "x[/]y.txt",
        "new\nline.txt",
        "esc\x1b[31mape.txt",
        "bidi\u202eign.txt",
    ]
    for n, name in enumerate(names):
        (folder / name).write_text(article(n), encoding="utf-8")
    raw = os.fsencode(folder) + b"/caf\xe9.txt"  # a latin-1 file name: not valid UTF-8
    with open(raw, "wb") as fh:
        fh.write(article(99).encode())
    (folder / "x[/]bad.txt").write_text("too short")  # a problem line naming a hostile path
    db = tmp_path / "p.db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--no-annotate"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output
    assert "x[/]bad.txt" in result.output  # shown as written, markup not interpreted
    problem_lines = [ln for ln in result.output.splitlines() if "bad.txt" in ln]
    assert len(problem_lines) == 1
    with sqlite3.connect(db) as conn:
        sources = [r[0] for r in conn.execute("SELECT source FROM articles")]
    assert len(sources) == len(names) + 1
    assert any(s.endswith("[red]evil.txt") for s in sources)
    assert any(s.endswith("caf\\xe9.txt") for s in sources)


def test_missing_path_is_reported_and_the_rest_processed(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(article(1))
    db = tmp_path / "p.db"
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "nope.txt"), str(good), "--db", str(db), "--no-annotate"]
    )
    assert result.exit_code == 0, result.output
    assert "nope.txt: no such file or folder" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_on_the_command_line_is_skipped_not_waited_on(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(article(2))
    result = runner.invoke(
        app, ["ingest", str(fifo), str(good), "--db", str(tmp_path / "p.db"), "--no-annotate"]
    )
    assert result.exit_code == 0, result.output
    assert "named pipe" in result.output
