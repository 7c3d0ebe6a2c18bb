"""Print precision/recall/F1 of our quote extraction against tests/fixtures/quotes_balloon.jsonl.

Run: python eval/quotes_fixture.py
"""

from __future__ import annotations

import os
from pathlib import Path

from parallax.annotate.core import annotate
from parallax.evaluation.quotes import score_fixture
from parallax.ingest.core import ingest_paths

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("PARALLAX_SHARED", ROOT.parent / "shared")) / "corpus" / "balloon"
FIXTURE = ROOT / "tests" / "fixtures" / "quotes_balloon.jsonl"


def main() -> None:
    articles = ingest_paths([CORPUS]).articles
    annotated = annotate(articles)
    by_file = {Path(a.source).name: a.id for a in articles}
    scores = score_fixture(FIXTURE, annotated, by_file)
    print(f"{'metric':<24}{'value':>8}")
    for key, value in scores.items():
        print(f"{key:<24}{value:>8.1f}")


if __name__ == "__main__":
    main()
