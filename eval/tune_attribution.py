"""Pick the attribution thresholds in QuoteSettings on PolNeAR dev (never test).

Run: python eval/tune_attribution.py   (after eval/polnear_cache.py and eval/train_attribution.py)
Prints speaker/content F1 for a grid of settings; the best speaker F1 (overlap) whose
precision stays >= 82 (a 2-point margin over the issue's 80 on test) goes into
annotate/settings.py by hand, with this script named.
"""

from __future__ import annotations

import itertools
import sys

from parallax.annotate.core import annotate_doc
from parallax.annotate.settings import QuoteSettings
from parallax.evaluation.quotes import Tally, _article, polnear_docs, score_document


def score(docs: list, settings: QuoteSettings) -> Tally:
    tally = Tally()
    for d in docs:
        ann = annotate_doc(d.doc, _article(d.text, d.name), quotes=settings)
        score_document(d.text, d.gold, list(ann.quotes), tally)
    return tally


def main() -> None:
    docs = polnear_docs("dev")
    grid = {
        "cue_threshold": [0.3, 0.35, 0.4, 0.45, 0.5],
        "min_chars": [1, 12],
        "direct_cue_logodds": [-1.5],
        "phrase_threshold": [0.35, 0.45, 0.55],
    }
    if len(sys.argv) > 1:  # e.g. cue_threshold=0.4,0.5 min_chars=1
        for arg in sys.argv[1:]:
            k, v = arg.split("=")
            grid[k] = [type(grid[k][0])(x) for x in v.split(",")]
    for values in itertools.product(*grid.values()):
        kw = dict(zip(grid, values, strict=True))
        t = score(docs, QuoteSettings(**kw))
        so, se, co = t.prf("source overlap"), t.prf("source exact"), t.prf("content overlap all")
        print(
            kw,
            f"speaker ov F1 {so[2]:.1f} (P {so[0]:.1f} R {so[1]:.1f}) exact {se[2]:.1f}"
            f" content ov {co[2]:.1f} (P {co[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
