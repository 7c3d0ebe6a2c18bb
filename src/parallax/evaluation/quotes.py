"""Quote and reported-speech extraction scored on PolNeAR (test split) and on our hand-labelled fixture.

PolNeAR stores brat standoff files (`T` lines: Source/Cue/Content with character
spans, possibly discontinuous "a b;c d"; `E` lines tie them into one attribution).
Test articles are annotated by several annotators; the first annotation file per
article (sorted by name) is the gold. PolNeAR does not label direct vs indirect, so
direct = gold content containing a double quote mark (“ ” " or the NYT archive's '').
Matching: "exact" = same span after trimming quote marks, punctuation and spaces at
both ends and a leading "that"; "overlap" = the spans share at least half of the
shorter one. Speaker and cue are scored on attributions
whose content matched (overlap), so their F1 includes content-finding errors.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.evaluation import EvalResult
from parallax.models import Article, Quote

QUOTE_CHARS = "“”\"‘’'"
_TRIM = " \t\n.,;:!?—–-" + QUOTE_CHARS
REFERENCE = 75.4
PARC_SPEAKER_F1 = 82.0
REFERENCE_SOURCE = (
    "PolNeAR README: token-wise Krippendorff's alpha 75.4% between annotators; "
    "a strong attributor scores ~82 speaker F1 on PARC 3.0 (not PolNeAR)"
)


@dataclass
class Gold:
    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    direct: bool


def _spans(field: str) -> tuple[int, int]:
    nums = [int(x) for x in re.findall(r"\d+", field)]
    return min(nums), max(nums)


def read_standoff(path: Path, text: str) -> list[Gold]:
    """Attributions of one .ann file; unreadable lines are skipped."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            kind, _, loc = parts[1].partition(" ")
            try:
                spans[parts[0]] = (kind, _spans(loc))
            except ValueError:
                continue
        elif parts[0].startswith("E"):
            roles = dict(p.split(":", 1) for p in parts[1].split() if ":" in p)
            events.append(roles)
    out = []
    for ev in events:
        c = spans.get(ev.get("Content", ""))
        if c is None:
            continue
        s = spans.get(ev.get("Source", ""))
        q = spans.get(ev.get("Cue", ""))
        content = c[1]
        span = text[content[0] : content[1]]
        direct = any(ch in span for ch in '“”"') or "''" in span
        out.append(Gold(content, s[1] if s else None, q[1] if q else None, direct))
    return out


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    while s < e and text[s] in _TRIM:
        s += 1
    if text[s : s + 5].lower() == "that ":  # PolNeAR keeps the complementizer, we drop it
        s += 5
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = max(1, min(a[1] - a[0], b[1] - b[0]))
    return inter > 0 and inter >= 0.5 * shorter


def _exact(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    return _trim(text, a) == _trim(text, b)


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return 100 * p, 100 * r, 100 * f


class Tally:
    def __init__(self) -> None:
        self.c: dict[str, list[int]] = {}

    def add(self, key: str, tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> None:
        v = self.c.setdefault(key, [0, 0, 0, 0])
        for i, x in enumerate((tp_p, n_pred, tp_g, n_gold)):
            v[i] += x

    def prf(self, key: str) -> tuple[float, float, float]:
        return _prf(*self.c.get(key, [0, 0, 0, 0]))


def score_document(text: str, gold: list[Gold], pred: list[Quote], tally: Tally) -> None:
    """Add one document's counts for content/speaker/cue, exact and overlap, by kind."""
    groups = {
        "all": (gold, pred),
        "direct": ([g for g in gold if g.direct], [q for q in pred if q.kind != "indirect"]),
        "indirect": ([g for g in gold if not g.direct], [q for q in pred if q.kind == "indirect"]),
    }
    for name, (gs, ps) in groups.items():
        for mode in ("exact", "overlap"):

            def same(a: tuple[int, int], b: tuple[int, int], mode: str = mode) -> bool:
                return _exact(text, a, b) if mode == "exact" else _overlap(a, b)

            tp_p = sum(1 for q in ps if any(same((q.start, q.end), g.content) for g in gs))
            tp_g = sum(1 for g in gs if any(same((q.start, q.end), g.content) for q in ps))
            tally.add(f"content {mode} {name}", tp_p, len(ps), tp_g, len(gs))
            if name != "all":
                continue
            for role in ("source", "cue"):
                pspan = [
                    (
                        q,
                        (q.speaker_start, q.speaker_end)
                        if role == "source"
                        else (q.cue_start, q.cue_end),
                    )
                    for q in ps
                ]
                spans_p: list[tuple[Quote, tuple[int, int]]] = [
                    (q, (s[0], s[1])) for q, s in pspan if s[0] is not None and s[1] is not None
                ]
                spans_g: list[tuple[Gold, tuple[int, int]]] = [
                    (g, s)
                    for g in gs
                    if (s := (g.source if role == "source" else g.cue)) is not None
                ]

                def hit(q: Quote, qs: tuple[int, int], g: Gold, gsp: tuple[int, int]) -> bool:
                    return bool(_overlap((q.start, q.end), g.content) and same(qs, gsp))

                tp_p = sum(1 for q, s in spans_p if any(hit(q, s, g, gsp) for g, gsp in spans_g))
                tp_g = sum(1 for g, gsp in spans_g if any(hit(q, s, g, gsp) for q, s in spans_p))
                tally.add(f"{role} {mode}", tp_p, len(spans_p), tp_g, len(spans_g))


def _article(text: str, name: str) -> Article:
    paragraphs = tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))
    return Article(
        id=hashlib.sha256(text.encode()).hexdigest()[:16],
        source=name,
        outlet="unknown",
        outlet_reason="eval",
        title="",
        byline=None,
        published=None,
        date_reason="eval",
        language="en",
        text=text,
        paragraphs=paragraphs,
    )


CACHE_DIR = Path(__file__).resolve().parents[3] / "eval" / "cache"


@dataclass
class PolnearDoc:
    name: str
    text: str
    gold: list[Gold]
    doc: Any


def _polnear_files(data_dir: Path, split: str) -> list[tuple[Path, Path]]:
    root = Path(data_dir) / "polnear" / "data" / split
    out = []
    for path in sorted((root / "text").glob("*.txt")):
        anns = sorted((root / "attributions").glob(path.stem + "_*.ann"))
        if anns:
            out.append((path, anns[0]))
    return out


def polnear_docs(
    split: str,
    data_dir: Path | None = None,
    limit: int | None = None,
    build: bool = False,
    cache_dir: Path = CACHE_DIR,
) -> list[PolnearDoc]:
    """PolNeAR articles of a split with gold attributions and their one parse.

    Parses come from eval/cache/polnear_<split>.spacy when its text hashes match; with
    `build` the missing ones are parsed (annotate.parse, the one spaCy pass) and cached.
    Without a cache and without `build` the Docs are parsed but not written.
    """
    from spacy.tokens import DocBin

    from parallax.annotate.parse import _ATTRS, _vocab, parse_texts
    from parallax.evaluation import default_data_dir

    files = _polnear_files(data_dir or default_data_dir(), split)
    if limit:
        files = files[:limit]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p, _ in files]
    keys = [hashlib.sha256(t.encode()).hexdigest()[:16] for t in texts]
    bin_path = cache_dir / f"polnear_{split}.spacy"
    cached: dict[str, Any] = {}
    if bin_path.exists() and bin_path.with_suffix(".json").exists():
        names = json.loads(bin_path.with_suffix(".json").read_text())
        docs = DocBin().from_bytes(bin_path.read_bytes()).get_docs(_vocab())
        cached = dict(zip(names, docs, strict=False))
    todo = [i for i, k in enumerate(keys) if k not in cached]
    for i, doc in zip(todo, parse_texts([texts[i] for i in todo]), strict=True):
        cached[keys[i]] = doc
    if build and todo:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin(attrs=_ATTRS, store_user_data=False)
        order = list(cached)
        for k in order:
            bin_.add(cached[k])
        bin_path.write_bytes(bin_.to_bytes())
        bin_path.with_suffix(".json").write_text(json.dumps(order))
    return [
        PolnearDoc(p.name, t, read_standoff(a, t), cached[k])
        for (p, a), t, k in zip(files, texts, keys, strict=True)
    ]


def run(data_dir: Path, limit: int | None = None, split: str = "test") -> list[EvalResult]:
    """Score `parallax.annotate.core` quotes on a PolNeAR split (first `limit` articles).

    The cue model is trained on `train` (eval/train_attribution.py), thresholds picked on
    `dev` (eval/tune_attribution.py); `test` is the reported number. Parses come from
    eval/cache when present (eval/polnear_cache.py), else the one spaCy pass runs here.
    """
    from parallax.annotate.core import annotate_doc

    started = time.perf_counter()
    docs = polnear_docs(split, data_dir, limit)
    annotated = [annotate_doc(d.doc, _article(d.text, d.name)) for d in docs]
    tally = Tally()
    for d, ann in zip(docs, annotated, strict=True):
        score_document(d.text, d.gold, list(ann.quotes), tally)
    seconds = time.perf_counter() - started
    n = len(docs)
    results = []
    for key, metric in [
        ("source overlap", "speaker F1 (overlap)"),
        ("source exact", "speaker F1 (exact)"),
        ("content overlap all", "content F1 (overlap)"),
        ("content exact all", "content F1 (exact)"),
        ("cue overlap", "cue F1 (overlap)"),
        ("cue exact", "cue F1 (exact)"),
        ("content overlap direct", "direct content F1 (overlap)"),
        ("content exact direct", "direct content F1 (exact)"),
        ("content overlap indirect", "indirect content F1 (overlap)"),
        ("content exact indirect", "indirect content F1 (exact)"),
    ]:
        p, r, f = tally.prf(key)
        results.append(
            EvalResult(
                task="quotes",
                metric=metric,
                ours=round(f, 1),
                reference=REFERENCE,
                reference_source=REFERENCE_SOURCE
                if "speaker" in metric
                else "PolNeAR README alpha 75.4 (all roles); no per-role F1 published",
                split=f"polnear {split}" + (f" (first {limit})" if limit else ""),
                items=n,
                seconds=round(seconds, 1),
                notes="gold = first annotator file per article; direct = content holds a quote mark",
                extra={
                    "precision": round(p, 1),
                    "recall": round(r, 1),
                    "counts": tally.c.get(key),
                    **({"parc3_reference": PARC_SPEAKER_F1} if "speaker" in metric else {}),
                },
            )
        )
    return results


# ---------------------------------------------------------------- demo-corpus fixture


def score_fixture(fixture: Path, annotated: list, by_file: dict[str, str]) -> dict[str, float]:
    """P/R/F1 of our quotes against the hand-labelled balloon fixture.

    `by_file` maps fixture file names to article ids. A gold quote is found when a
    predicted quote of that article overlaps one of its occurrences (half of the
    shorter span); "attributed" also requires the same canonical speaker.
    """
    gold = [
        json.loads(line)
        for line in Path(fixture).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    by_id = {a.id: a for a in annotated}
    found = attributed = 0
    matched_pred: set[tuple[str, int]] = set()
    speaker_ok: set[tuple[str, int]] = set()
    for g in gold:
        ann = by_id.get(by_file.get(g["file"], ""))
        if ann is None:
            continue
        text = ann.article.text
        occ = [(m.start(), m.end()) for m in re.finditer(re.escape(g["content"]), text)]
        hits = [
            (i, q)
            for i, q in enumerate(ann.quotes)
            if any(_overlap((q.start, q.end), o) for o in occ)
        ]
        if hits:
            found += 1
            matched_pred.update((ann.id, i) for i, _ in hits)
        good = [(i, q) for i, q in hits if (q.speaker or None) == (g["speaker"] or None)]
        if good:
            attributed += 1
            speaker_ok.update((ann.id, i) for i, _ in good)
    ids = set(by_file.values())
    n_pred = sum(len(a.quotes) for a in annotated if a.id in ids)
    p, r, f = _prf(len(matched_pred), n_pred, found, len(gold))
    ap, ar, af = _prf(len(speaker_ok), n_pred, attributed, len(gold))
    return {
        "gold": len(gold),
        "predicted": n_pred,
        "precision": p,
        "recall": r,
        "f1": f,
        "attributed_precision": ap,
        "attributed_recall": ar,
        "attributed_f1": af,
        "speaker_accuracy": 100 * attributed / found if found else 0.0,
    }
