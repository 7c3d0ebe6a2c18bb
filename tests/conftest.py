from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PARALLAX_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "balloon"
DATA = SHARED / "data"
FIXTURES = Path(__file__).parent / "fixtures"

EPOCH_1 = "000_073c29235360de81.txt"
EPOCH_2 = "001_ca44ee2e5bdd01a9.txt"
UNKNOWN_OUTLET = "002_bf76b8945c5b62ff.txt"
NBC = "003_6092bbde9e6dba06.txt"
WSWS = "004_2e4714a1960eeb2a.txt"


def analyze_as_one_story(paths: list[Path]) -> Any:
    """The runner's per-story analysis of all articles under `paths` (no clustering)."""
    from parallax.runner import Pipeline

    pipeline = Pipeline()
    return pipeline.analyze_story(pipeline.annotate(pipeline.ingest(paths).articles))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one clear line, when ../shared is missing (tests must not skip silently)."""
    missing = [str(p) for p in (CORPUS, DATA) if not p.is_dir()]
    if missing:
        pytest.exit(
            f"shared data not found: {', '.join(missing)} "
            "(put the shared folder beside the checkout or set PARALLAX_SHARED)",
            returncode=4,
        )


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"demo corpus not found at {CORPUS}; set PARALLAX_SHARED")
    return CORPUS


@pytest.fixture(scope="session")
def demo_articles(corpus_dir: Path):  # type: ignore[no-untyped-def]
    from parallax.ingest.core import ingest_paths

    result = ingest_paths([corpus_dir])
    assert not result.problems
    return {Path(a.source).name: a for a in result.articles}
