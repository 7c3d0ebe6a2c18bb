"""Parse PolNeAR once with the project's spaCy model and cache the Docs as DocBin files.

Run: python eval/polnear_cache.py [train dev test]
Writes eval/cache/polnear_<split>.spacy (+ .json with file names and text hashes).
Training (eval/train_attribution.py) and `parallax eval quotes` read these instead of
re-parsing; a stale entry (text changed) is re-parsed by the reader.
"""

from __future__ import annotations

import sys

from parallax.evaluation.quotes import polnear_docs


def main(splits: list[str]) -> None:
    for split in splits:
        docs = polnear_docs(split, build=True)
        print(f"{split}: {len(docs)} parsed articles cached")


if __name__ == "__main__":
    main(sys.argv[1:] or ["train", "dev", "test"])
