"""Train the loaded-language word tagger and tune its threshold on the basil-dev TUNE split.

Usage: python eval/train_tagger.py [--data ../shared/data] [--with-basil PATH]

Default: trains on BABE's biased-word labels only (the data we may ship weights from)
and writes src/parallax/resources/framing/tagger_babe/model.json. The threshold is
the one with the best overlap span F1 on the basil-dev TUNE events (never the test
events); set it as FramingSettings.tagger_threshold. `--with-basil PATH` also trains a
variant on BABE + basil-dev TRAIN events and writes it to PATH, outside the package:
basil-dev has no licence, so that model is for local use (FramingSettings.tagger_path).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare import bias_model as bm
from parallax.compare.framing import quoted_regions, scored_tokens
from parallax.evaluation import default_data_dir
from parallax.evaluation.basil_spans import read_basil
from parallax.evaluation.loaded_language import (
    TAGGER_C,
    annotate_basil,
    babe_tokens,
    own_voice_lex,
    provenance,
    read_babe,
    span_scores,
)
from parallax.nlp import SPACY_MODEL, spacy_nlp

OUT = Path(__file__).resolve().parents[1] / "src/parallax/resources/framing/tagger_babe/model.json"
THRESHOLDS = np.round(np.arange(0.05, 0.95, 0.025), 3)
BASIL_WEIGHT = 5.0  # basil rows count 5x BABE rows in the local variant (best on tune)


def basil_rows(anns: list[Any], gold: dict[str, list[tuple[int, int]]]) -> tuple[list, list]:
    """Own-voice candidate tokens of basil articles, labelled by own-voice lex spans."""
    feats, y = [], []
    for a in anns:
        regions = quoted_regions(a.article.text, [(q.start, q.end) for q in a.quotes])
        for sent in a.doc.sents:
            lex = bm.lexicon_membership(sent.as_doc())
            for t in bm.candidate_tokens(sent, regions):
                feats.append(bm.token_feature_dict(t, lex.get(t.i - sent.start, set()), sent))
                y.append(int(any(t.idx < e and s < t.idx + len(t) for s, e in gold[a.id])))
    return feats, y


def tune_threshold(model: bm.TaggerModel, anns: list[Any], gold: dict) -> tuple[float, dict]:
    """Threshold with the best overlap span F1 on the given (tune) articles."""
    scored = {}
    for a in anns:
        regions = quoted_regions(a.article.text, [(q.start, q.end) for q in a.quotes])
        spans = [a.doc.char_span(s.start, s.end, alignment_mode="expand") for s in a.sentences]
        scored[a.id] = scored_tokens([s for s in spans if s is not None], regions, model)
    best: tuple[float, dict] = (0.5, {"f1": -1.0})
    for th in THRESHOLDS:
        pred = {
            aid: [(s, e) for toks, sc in rows for s, e, _ in bm.tag_spans(toks, sc, th)]
            for aid, rows in scored.items()
        }
        sc = span_scores(pred, gold)
        if sc["f1"] > best[1]["f1"]:
            best = (float(th), sc)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--with-basil", type=Path, default=None)
    args = ap.parse_args(argv)
    data = args.data or default_data_dir()
    t0 = time.perf_counter()
    try:
        babe = read_babe(data)
        basil = read_basil(data)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = babe_tokens(babe, list(spacy_nlp().pipe(babe.texts, batch_size=64)))
    model = bm.fit_tagger(table.feats, table.y, C=TAGGER_C)
    tune = [b for b in basil if b.split == "tune"]
    tune_anns = annotate_basil(tune)
    th, sc = tune_threshold(model, tune_anns, own_voice_lex(tune))
    payload = model.to_json()
    payload["params"]["threshold_best_on_basil_tune"] = th
    payload["params"]["tune_scores"] = {k: round(float(v), 4) for k, v in sc.items()}
    payload["provenance"] = {
        **provenance(babe),
        "source": "Parallax loaded-language tagger (trained on BABE biased words)",
        "labels": "BABE SG2 biased_words; candidates = content words outside quotation marks",
        "spacy_model": SPACY_MODEL,
        "trained_by": "eval/train_tagger.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: threshold {th} (tune F1 {sc['f1']:.3f}), {len(table.y)} tokens")
    if args.with_basil:
        train = [b for b in basil if b.split == "train"]
        anns = annotate_basil(train)
        bf, by = basil_rows(anns, own_voice_lex(train))
        w = np.r_[np.ones(len(table.y)), np.full(len(by), BASIL_WEIGHT)]
        local = bm.fit_tagger([*table.feats, *bf], np.r_[table.y, by], C=TAGGER_C, sample_weight=w)
        th2, sc2 = tune_threshold(local, tune_anns, own_voice_lex(tune))
        data2 = local.to_json()
        data2["params"]["threshold_best_on_basil_tune"] = th2
        data2["provenance"] = {"source": "Parallax tagger (BABE + basil-dev train; local only)"}
        args.with_basil.write_text(json.dumps(data2) + "\n", encoding="utf-8")
        print(f"wrote {args.with_basil}: threshold {th2} (tune F1 {sc2['f1']:.3f})")
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
