"""What the attribution step costs inside annotation (issue 19: at most 20 %).

Run: python benchmarks/bench_attribution.py [--n 40]
Parses the first N PolNeAR dev articles with the one spaCy pass, runs every annotator,
and times the quote/attribution step (`find_quotes`, which runs `find_attributions`)
apart from the rest. CPU seconds of this process (time.process_time), best of 3 for the
annotators so a busy shared machine disturbs the split less.
"""

from __future__ import annotations

import argparse
import time

from parallax.annotate.core import annotate_doc
from parallax.annotate.entities import find_people
from parallax.annotate.parse import parse_texts
from parallax.annotate.quotes import find_quotes
from parallax.evaluation import default_data_dir
from parallax.evaluation.quotes import _article, _polnear_files
from parallax.nlp import spacy_nlp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    files = _polnear_files(default_data_dir(), "dev")[: args.n]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p, _ in files]
    spacy_nlp()  # loading is not annotation time
    t = time.process_time()
    docs = list(parse_texts(texts))
    parse = time.process_time() - t
    articles = [_article(text, p.name) for text, (p, _) in zip(texts, files, strict=True)]
    annotators, quotes = [], []
    for _ in range(3):
        t = time.process_time()
        for doc, art in zip(docs, articles, strict=True):
            annotate_doc(doc, art)
        annotators.append(time.process_time() - t)
        t = time.process_time()
        for doc, art in zip(docs, articles, strict=True):
            find_quotes(doc, art.id, find_people(doc, art.id), art.paragraphs)
        quotes.append(time.process_time() - t)
    t = time.process_time()
    for doc, art in zip(docs, articles, strict=True):
        find_people(doc, art.id)
    people = time.process_time() - t
    total = parse + min(annotators)
    attribution = max(0.0, min(quotes) - people)
    print(f"{len(docs)} PolNeAR dev articles, {sum(len(d) for d in docs)} tokens")
    print(f"spaCy parse        {parse:7.2f} CPU-s")
    print(f"all annotators     {min(annotators):7.2f} CPU-s")
    print(f"attribution step   {attribution:7.2f} CPU-s (find_quotes without find_people)")
    print(f"attribution share  {100 * attribution / total:6.1f} % of annotation (target <= 20 %)")


if __name__ == "__main__":
    main()
