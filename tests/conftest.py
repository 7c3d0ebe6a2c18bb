from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def rules_only_conflicts() -> Iterator[None]:
    """The product's rules-only fallback (the path taken when the verifier's weights are
    absent), for tests of how conflict rows are SHOWN: at the verifier's default threshold
    the demo corpus shows none (issue 14), and a UI test needs rows to click. Analyses cached
    by the web module are dropped on entry and exit so no other test sees these rows."""
    from parallax.apps.web import _SHARED_CACHE
    from parallax.compare import verifier

    _SHARED_CACHE.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(verifier, "model", lambda: None)
        yield
    _SHARED_CACHE.clear()
