from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from parallax.apps.cli import app

runner = CliRunner()


def test_analyze_writes_json_report(tmp_path: Path, corpus_dir: Path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["analyze", str(corpus_dir), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert len(data["articles"]) == 5


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
