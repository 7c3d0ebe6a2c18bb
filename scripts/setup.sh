#!/usr/bin/env bash
# Set up Parallax from scratch: a virtualenv in .venv with every dependency pinned
# in pyproject.toml, the CPU build of PyTorch, and Debian's Chromium for the
# browser tests. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first: an unpinned or transitive torch would pull gigabytes of CUDA wheels.
pip install --quiet torch==2.13.0
pip install --quiet -e ".[all,dev]"

# Headless Chromium for the browser test (Debian package; Playwright's own download cannot work offline).
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "setup: could not install chromium; browser tests will fail" >&2
  else
    echo "setup: install Debian's 'chromium' package for the browser tests (sudo apt-get install chromium)" >&2
  fi
fi
echo "setup: done ($(python --version), parallax $(python -c 'import parallax; print(parallax.__version__)'))"
