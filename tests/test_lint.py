"""The code stays ruff- and mypy-clean (the developers' guide): CI runs this with the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / cmd[0]
    if not tool.exists():
        pytest.fail(f"{tool} missing: install the [dev] extra (scripts/setup.sh does)")
    return subprocess.run([str(tool), *cmd[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check_and_format() -> None:
    for cmd in (("ruff", "check", "src", "tests", "eval"),
                ("ruff", "format", "--check", "src", "tests", "eval")):  # fmt: skip
        out = _run(*cmd)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]


def test_mypy_src() -> None:
    out = _run("mypy", "src")
    assert out.returncode == 0, out.stdout[-3000:]
