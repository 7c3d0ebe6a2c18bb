"""Bucket the speaker (source-span) errors of the quote finder on a PolNeAR split.

Run: python eval/quote_errors.py [dev] [--show BUCKET N]   (never choose anything on test)
Gold side: missed (no predicted content overlaps), no-source (content found, no source),
wrong-source (source does not overlap), boundary (overlaps, not exact), exact.
Prediction side: spurious (content matches no gold), and the same source buckets.
"""

from __future__ import annotations

import sys
from collections import Counter

from parallax.annotate.core import annotate_doc
from parallax.evaluation.quotes import _article, _exact, _overlap, polnear_docs


def main(split: str, show: str | None, n: int) -> None:
    docs = polnear_docs(split)
    gold_b: Counter[str] = Counter()
    pred_b: Counter[str] = Counter()
    shown = 0
    for d in docs:
        quotes = list(annotate_doc(d.doc, _article(d.text, d.name)).quotes)
        t = d.text
        for g in d.gold:
            if g.source is None:
                continue
            ms = [q for q in quotes if _overlap((q.start, q.end), g.content)]
            with_src = [q for q in ms if q.speaker_start is not None]
            if not ms:
                b = "missed"
            elif not with_src:
                b = "no-source"
            elif any(_exact(t, (q.speaker_start, q.speaker_end), g.source) for q in with_src):
                b = "exact"
            elif any(_overlap((q.speaker_start, q.speaker_end), g.source) for q in with_src):
                b = "boundary"
            else:
                b = "wrong-source"
            kind = "direct" if g.direct else "indirect"
            gold_b[b] += 1
            gold_b[f"{b}/{kind}"] += 1
            if show == b and shown < n:
                shown += 1
                gs, gc = t[g.source[0] : g.source[1]], t[g.content[0] : g.content[1]]
                cue = t[g.cue[0] : g.cue[1]] if g.cue else None
                print(f"--- {d.name}\n GOLD src=[{gs}] cue=[{cue}] con=[{gc[:150]}]")
                for q in ms:
                    print(f" PRED src=[{q.speaker_text}] cue=[{q.cue}] con=[{q.content[:150]}]")
        for q in quotes:
            if q.speaker_start is None:
                continue
            gs = [g for g in d.gold if _overlap((q.start, q.end), g.content)]
            qs = (q.speaker_start, q.speaker_end)
            if not gs:
                b = "spurious"
            elif not any(g.source for g in gs):
                b = "gold-no-source"
            elif any(g.source and _exact(t, qs, g.source) for g in gs):
                b = "exact"
            elif any(g.source and _overlap(qs, g.source) for g in gs):
                b = "boundary"
            else:
                b = "wrong-source"
            pred_b[b] += 1
            pred_b[f"{b}/{q.kind}"] += 1
            if show == "p-" + b and shown < n:
                shown += 1
                print(f"--- {d.name}\n PRED src=[{q.speaker_text}] cue=[{q.cue}] kind={q.kind}")
                print(f"      con=[{q.content[:200]}]")
                for g in gs:
                    src = t[g.source[0] : g.source[1]] if g.source else None
                    print(f" GOLD src=[{src}] con=[{t[g.content[0] : g.content[1]][:150]}]")
    print("gold:", dict(sorted(gold_b.items())))
    print("pred:", dict(sorted(pred_b.items())))


if __name__ == "__main__":
    args = sys.argv[1:]
    show = args[args.index("--show") + 1] if "--show" in args else None
    n = int(args[args.index("--show") + 2]) if "--show" in args else 0
    main(next((a for a in args[:1] if not a.startswith("-")), "dev"), show, n)
