"""Neutral brief scored on NeuS / ALLSIDES test (Lee et al. 2022, NAACL), 307 items.

Each item is three leads (title + first sentences) of one story from outlets of different
lean, joined by " [SEP] " in `test.source` (the folder name says the order is random, so
positions are not sides), and the AllSides editors' neutral roundup in `test.target`.

Ours: the three leads go through the product's path — annotate (one batch), cross-article
entities, `compare`, `build_briefs` — and the brief's summary sentences are the output.
Leads are shorter than ingest's 40-word floor, so articles are built directly (title kept
as the first paragraph) instead of through `article_from_text`.

Baselines in the same run: each lead position alone as the "summary" (lead 1/2/3).

Metrics:
- ROUGE-1/2/L F1 vs the roundup, `rouge-score` with stemming (NeuS used the `rouge`
  package; numbers are close but not identical).
- Framing bias (NeuS metric, their `metric_code.ipynb`): lower-case, drop punctuation,
  lemmatise, take the set of generated tokens absent from the reference, and sum NRC-VAD
  arousal of those with valence > 0.65 (Arousal+) and < 0.35 (Arousal-); reported as the
  mean per item, Arousal sum = + and -. Lower is less framing. Lemmas come from spaCy
  (NeuS used NLTK WordNet, whose data is not installed here). The lexicon is read from the
  data folder at eval time only and never shipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parallax.evaluation import EvalResult

TASK = "brief"
SPLIT_DIR = Path("neus/data/naacl2022_lrc_roundup_random_order_probe")
VAD_FILE = Path("neus/data/lexicons/NRC-VAD-Lexicon-Aug2018Release/NRC-VAD-Lexicon.txt")
REF = "Lee et al. 2022 (NeuS, NAACL) metric_code.ipynb; paper numbers not copied (see docs)"
_PART = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


def parse_source(line: str) -> list[tuple[str, str]]:
    """'TITLE=> t. ARTICLE=> a [SEP] ...' -> [(title, lead), ...]."""
    out = []
    for part in line.split("[SEP]"):
        m = _PART.search(part)
        if m:
            out.append((m.group(1).strip(), m.group(2).strip()))
    return out


def target_text(line: str) -> str:
    m = _PART.search(line)
    return f"{m.group(1)} {m.group(2)}".strip() if m else line.strip()


def _article(title: str, lead: str, outlet: str):  # type: ignore[no-untyped-def]
    from parallax.models import Article

    text = f"{title}\n\n{lead}" if title else lead
    aid = hashlib.sha256(f"{outlet}:{text}".encode()).hexdigest()[:16]
    split = len(title) if title else 0
    paragraphs = ((0, split), (split + 2, len(text))) if title else ((0, len(text)),)
    return Article(
        aid, f"neus:{aid}", outlet, "eval", title, None, None, "eval: none", "en", text,
        paragraphs,
    )  # fmt: skip


def our_briefs(items: Sequence[list[tuple[str, str]]]) -> tuple[list[str], int, tuple[int, int]]:
    """The product's brief lead + summary for each item, how many used the single-outlet
    fallback (no fact shared by two leads), and (lines checked, lines that passed the
    support check before dropping) over all brief lines."""
    from parallax.runner import Pipeline

    groups = [
        [_article(t, lead, f"source {n + 1}") for n, (t, lead) in enumerate(item)] for item in items
    ]
    pipeline = Pipeline()
    annotated = {a.id: a for a in pipeline.annotate([a for g in groups for a in g])}
    out = []
    fallback = checked = dropped = 0
    for group in groups:
        # each item is one event by construction (NeuS triplets): no clustering
        result = pipeline.analyze_story([annotated[a.id] for a in group])
        summary = [
            s for b in result.briefs[:1] for s in b.sentences if s.section in ("lead", "summary")
        ]
        checked += sum(b.checked for b in result.briefs[:1])
        dropped += sum(b.dropped for b in result.briefs[:1])
        fallback += bool(summary) and all(len(s.outlets) < 2 for s in summary)
        out.append(" ".join(s.text for s in summary))
    return out, fallback, (checked, checked - dropped)


# ---------------------------------------------------------------- metrics


def load_vad(path: Path) -> dict[str, tuple[float, float]]:
    """word -> (valence, arousal) from the NRC-VAD lexicon."""
    vad = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            try:
                vad[parts[0]] = (float(parts[1]), float(parts[2]))
            except ValueError:
                continue  # header line
    return vad


def _lemmas(texts: Sequence[str]) -> list[set[str]]:
    from parallax.nlp import spacy_nlp

    nlp = spacy_nlp()
    prepped = [re.sub(r"[^\w\s]", "", t.replace("U.S.", "USA").lower()) for t in texts]
    keep = [
        p for p in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer") if p in nlp.pipe_names
    ]
    disable = [p for p in nlp.pipe_names if p not in keep]
    return [
        {tok.lemma_.lower() for tok in doc if not tok.is_space}
        for doc in nlp.pipe(prepped, disable=disable, batch_size=64)
    ]


def framing_bias(
    gens: Sequence[str], refs: Sequence[str], vad: dict[str, tuple[float, float]]
) -> dict[str, float]:
    """NeuS framing-bias metric: mean arousal of polar words in gen but not in ref."""
    gen_l, ref_l = _lemmas(gens), _lemmas(refs)
    pos = neg = 0.0
    for g, r in zip(gen_l, ref_l, strict=True):
        for tok in g - r:
            if tok in vad:
                valence, arousal = vad[tok]
                if valence > 0.65:
                    pos += arousal
                elif valence < 0.35:
                    neg += arousal
    n = max(1, len(gens))
    return {"arousal+": pos / n, "arousal-": neg / n, "arousal sum": (pos + neg) / n}


def rouge(gens: Sequence[str], refs: Sequence[str]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for g, r in zip(gens, refs, strict=True):
        scores = scorer.score(r, g)
        for k in totals:
            totals[k] += scores[k].fmeasure
    n = max(1, len(gens))
    return {k: v / n for k, v in totals.items()}


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Our brief and the three single-lead baselines on NeuS test (first `limit` items)."""
    split = Path(data_dir) / SPLIT_DIR
    src_lines = (split / "test.source").read_text(encoding="utf-8").splitlines()
    tgt_lines = (split / "test.target").read_text(encoding="utf-8").splitlines()
    vad = load_vad(Path(data_dir) / VAD_FILE)
    pairs = [(parse_source(s), target_text(t)) for s, t in zip(src_lines, tgt_lines, strict=True)]
    pairs = [(s, t) for s, t in pairs if len(s) == 3][:limit]
    items = [s for s, _ in pairs]
    refs = [t for _, t in pairs]
    start = time.perf_counter()
    ours, fallback, (checked, passed) = our_briefs(items)
    ours_seconds = time.perf_counter() - start
    systems: dict[str, tuple[list[str], float]] = {"ours (brief summary)": (ours, ours_seconds)}
    for pos in range(3):
        systems[f"baseline lead {pos + 1}"] = ([f"{i[pos][0]} {i[pos][1]}" for i in items], 0.0)
    results = [
        EvalResult(
            task=TASK,
            metric="brief lines passing the support check before dropping",
            ours=passed / max(1, checked),
            reference=None,
            reference_source="issue 16: every line must pass; failing lines are dropped",
            split="NeuS test",
            items=checked,
            seconds=ours_seconds,
            notes=f"{passed}/{checked} lines (all sections of the first brief per item)",
            extra={"run_date": dt.date.today().isoformat()},
        )
    ]
    empty = sum(1 for o in ours if not o.strip())
    for name, (gens, seconds) in systems.items():
        metrics: dict[str, Any] = {**rouge(gens, refs), **framing_bias(gens, refs, vad)}
        # Arousal sums grow with output length: report length so the two are read together.
        metrics["mean words"] = sum(len(g.split()) for g in gens) / max(1, len(gens))
        notes = name
        if name.startswith("ours"):
            notes += (
                f"; {empty}/{len(items)} empty, {fallback}/{len(items)} single-outlet fallback "
                "(no fact shared by two leads)"
            )
        for metric, value in metrics.items():
            results.append(
                EvalResult(
                    task=TASK,
                    metric=f"{metric} [{name}]",
                    ours=float(value),
                    reference=None,
                    reference_source=REF,
                    split="NeuS test",
                    items=len(items),
                    seconds=seconds,
                    notes=notes,
                    extra={"run_date": dt.date.today().isoformat()},
                )
            )
    return results
