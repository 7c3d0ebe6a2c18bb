"""Ingest throughput: plain text, HTML and JSONL, on the demo corpus replicated.

Prints articles/s per format and peak RSS. The plain-text rate is the baseline
the other formats are reported against (same run, same machine).
Usage: python benchmarks/bench_ingest.py [N_ARTICLES]

Hostile mode (issue 17): `python benchmarks/bench_ingest.py --hostile` times text cleanup on
inputs that used to backtrack quadratically (an unclosed "(" then many "/": 0.39 / 1.95 /
7.74 s at 20k / 40k / 80k characters before the fix) at doubling sizes; linear code roughly
doubles per row.
"""

from __future__ import annotations

import html
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from parallax.ingest.core import ingest_paths

CORPUS = (
    Path(os.environ.get("PARALLAX_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "corpus"
    / "balloon"
)
HOSTILE = {
    "caption: '(' + '/'*n": lambda n: "(" + "/" * n,
    "brackets: '['*n": lambda n: "[" * n,
    "hyphen words: 'A-'*n/2": lambda n: "A-" * (n // 2),
    "spaces after '.'": lambda n: ". " + " " * n + "x",
    "'not supported ' repeated": lambda n: "not supported " * (n // 14),
}


def hostile() -> None:
    from parallax.ingest.cleanup import clean_text

    sizes = (20_000, 40_000, 80_000, 160_000)
    print(f"{'input':<28}" + "".join(f"{n // 1000:>7}k" for n in sizes) + "   (seconds)")
    for name, make in HOSTILE.items():
        cells = []
        for n in sizes:
            text = make(n)
            start = time.perf_counter()
            clean_text(text)
            cells.append(time.perf_counter() - start)
        print(f"{name:<28}" + "".join(f"{c:>8.3f}" for c in cells))


def make_inputs(root: Path, n: int) -> dict[str, list[Path]]:
    texts = [p.read_text() for p in sorted(CORPUS.glob("*.txt"))]
    txt_dir, html_dir = root / "txt", root / "html"
    txt_dir.mkdir()
    html_dir.mkdir()
    jsonl = root / "articles.jsonl"
    with jsonl.open("w") as fh:
        for i in range(n):
            base = texts[i % len(texts)]
            head, _, rest = base.strip().partition("\n")
            text = f"{head}\n\nThis is replicated article number {i} for the benchmark run.\n{rest}"
            (txt_dir / f"{i:06d}.txt").write_text(text)
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
            (html_dir / f"{i:06d}.html").write_text(
                f"<html><head><title>Article {i}</title></head><body><article>{paras}</article></body></html>"
            )
            fh.write(
                json.dumps({"text": text, "outlet": "Bench", "published": "2023-02-19"}) + "\n"
            )
    return {"text": [txt_dir], "html": [html_dir], "jsonl": [jsonl]}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--hostile":
        hostile()
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp), n)
        rows = []
        for fmt, paths in inputs.items():
            start = time.perf_counter()
            result = ingest_paths(paths)
            secs = time.perf_counter() - start
            rows.append((fmt, len(result.articles), len(result.problems), secs))
    base = rows[0][1] / rows[0][3]
    print(
        f"{'format':<8} {'articles':>8} {'problems':>8} {'seconds':>8} {'articles/s':>11} {'vs text':>8}"
    )
    for fmt, arts, probs, secs in rows:
        rate = arts / secs
        print(f"{fmt:<8} {arts:>8} {probs:>8} {secs:>8.2f} {rate:>11.1f} {rate / base:>7.2f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
