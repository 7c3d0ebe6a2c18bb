from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax.apps.cli import app

runner = CliRunner()


def test_one_quiet_run_writes_every_output_and_prints_nothing(tmp_path: Path, corpus_dir: Path):
    """Several -o outputs and --csv from one run; -q leaves stdout and stderr empty,
    third-party "Loading weights" bars included (a fresh process, so models load here)."""
    outs = [tmp_path / "r.json", tmp_path / "r.md", tmp_path / "r.html"]
    args = [sys.executable, "-m", "parallax.apps.cli", "analyze", str(corpus_dir), "-q"]
    for o in outs:
        args += ["-o", str(o)]
    args += ["--csv", str(tmp_path / "tables")]
    proc = subprocess.run(args, capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    data = json.loads(outs[0].read_text())
    assert len(data["articles"]) == 5
    assert "## Story: " in outs[1].read_text() and "Why these were grouped" in outs[2].read_text()
    assert {p.name for p in (tmp_path / "tables").iterdir()} >= {
        "articles.csv",
        "facts.csv",
        "conflicts.csv",
        "stories.csv",
    }
    assert len((tmp_path / "tables" / "articles.csv").read_text().splitlines()) >= 6


def test_read_commands_refuse_a_missing_database(tmp_path: Path):
    db = tmp_path / "typo.db"
    for args in (
        ["stories", "list", "--db", str(db)],
        ["stories", "show", "abc", "--db", str(db)],
        ["serve", "--db", str(db), "--data-dir", str(tmp_path / "d")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert "no such database" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert not db.exists()


def test_empty_folder_says_what_was_looked_for(tmp_path: Path):
    result = runner.invoke(app, ["analyze", str(tmp_path), "-o", str(tmp_path / "r.json"), "-q"])
    assert result.exit_code == 1
    assert "no articles found in" in result.output and "reasons above" not in result.output


def test_quiet_switches_off_model_library_bars(monkeypatch):
    from huggingface_hub.utils import are_progress_bars_disabled

    from parallax.apps.cli import silence_third_party

    for name in ("HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY", "TQDM_DISABLE"):
        monkeypatch.delenv(name, raising=False)
    silence_third_party()
    assert are_progress_bars_disabled()
    assert os.environ["TRANSFORMERS_VERBOSITY"] == "error"


def test_bad_arguments_exit_nonzero_with_one_line(tmp_path: Path):
    result = runner.invoke(
        app, ["analyze", str(tmp_path / "missing"), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    result = runner.invoke(app, ["analyze", str(tmp_path), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "unknown report format" in result.output


def test_folder_without_usable_articles_fails(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["analyze", str(tmp_path), "-o", str(tmp_path / "r.json"), "-q"])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output
    assert "Traceback" not in result.output


def test_console_script_help_runs_in_a_subprocess():
    exe = Path(sys.executable).with_name("parallax")
    proc = subprocess.run(
        [str(exe), "--help"], capture_output=True, text=True, env={**os.environ, "CI": "true"}
    )
    assert proc.returncode == 0
    for cmd in ("analyze", "ingest", "stories", "eval"):
        assert cmd in proc.stdout


def test_stories_show_why_and_outlet_filter(tmp_path: Path, corpus_dir: Path):
    db = tmp_path / "p.db"
    result = runner.invoke(app, ["ingest", str(corpus_dir), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["stories", "list", "--db", str(db), "--outlet", "nbc news"])
    assert listed.exit_code == 0 and "storyline" in listed.output
    none = runner.invoke(app, ["stories", "list", "--db", str(db), "--outlet", "Nowhere Gazette"])
    assert "no stories with an article from Nowhere Gazette" in none.output
    from parallax.store import Store

    story = max(Store(db).stories("storyline"), key=lambda s: len(s.article_ids))
    shown = runner.invoke(
        app, ["stories", "show", story.id, "--db", str(db), "--why", "--outlet", "NBC News"]
    )
    assert shown.exit_code == 0, shown.output
    assert "why grouped: shared names:" in shown.output and "text similarity" in shown.output
    articles = [line for line in shown.output.splitlines() if line.startswith("  - ")]
    assert articles and all(line.startswith("  - NBC News:") for line in articles)


@pytest.mark.parametrize("command", [["serve"], ["spark", "run", "in", "--out", "o"]])
def test_serve_and_spark_run_read_the_config_like_ingest(tmp_path, command):  # type: ignore[no-untyped-def]
    """A bad --config is the same one-line error for the app and the Spark job as for ingest
    (so all three run with one Settings)."""
    from parallax.store import Store

    bad = tmp_path / "bad.toml"
    bad.write_text("[compare]\nno_such_field = 1\n")
    db = tmp_path / "p.db"
    Store(db)
    args = [*command, "--config", str(bad)]
    if command == ["serve"]:
        args += ["--db", str(db), "--data-dir", str(tmp_path / "d")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "bad.toml" in res.output and "no_such_field" in res.output
    assert "Traceback" not in res.output
