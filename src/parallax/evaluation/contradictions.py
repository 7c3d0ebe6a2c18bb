"""`parallax eval contradictions`: typed contradiction precision/recall on real cross-outlet pairs.

Data: eval/data/comparison/pairs.jsonl (real sentence pairs from different outlets on the
same event, from BASIL, NeuS/AllSides and ClaimDiff, labelled same_fact / compatible /
contradiction(type) / unrelated by the team; see its GUIDELINES.md). The texts are stored
as references and resolved from ../shared/data. Scores are on the TEST split (events the
verifier and its threshold never saw); the verifier is trained on the tune split by
eval/train_verifier.py. Each pair becomes two one-sentence articles from two outlets and
goes through the product's own path: annotate -> extract_claims -> find_candidates ->
verify -> group. Reported next to the rules-only baseline run in the same process, and
with the 67-pair fixture (tests/fixtures/contradictions.jsonl) numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.util
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.evaluation import EvalResult

TASK = "contradictions"
REPO = Path(__file__).resolve().parents[3]
PAIRS = REPO / "eval" / "data" / "comparison" / "pairs.jsonl"
FIXTURE = REPO / "tests" / "fixtures" / "contradictions.jsonl"
KINDS = ("number", "place", "date", "polarity", "quote_wording", "name_title", "assessment")
NO_REFERENCE = "none: a dataset built for Parallax; baseline = rules only, same run"


@dataclass(frozen=True)
class Pair:
    id: str
    dataset: str
    split: str
    a: str
    b: str
    gold: str  # a conflict kind, or "none"


def _resolver() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_comparison_set", REPO / "eval" / "build_comparison_set.py"
    )
    if spec is None or spec.loader is None:
        raise FileNotFoundError("eval/build_comparison_set.py not found")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.resolve


def resolved_rows(
    path: Path, split: str | None, resolve_row: Callable[[dict[str, Any]], Any]
) -> list[Any]:
    """`resolve_row(record)` for each JSONL record of one split; a record whose texts cannot
    be resolved (missing data, changed checksum) is reported on one line and skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if split and r["split"] != split:
            continue
        try:
            out.append(resolve_row(r))
        except (OSError, KeyError, ValueError, IndexError) as exc:
            print(f"{path.name}: {r.get('id')}: skipped ({exc})")
    return out


def load_pairs(data_dir: Path, split: str | None = "test", path: Path = PAIRS) -> list[Pair]:
    """Labelled pairs of one split with their texts."""
    resolve = _resolver()

    def pair(r: dict[str, Any]) -> Pair:
        a = resolve(r["a"]["ref"], data_dir, r["a"].get("sha1"))
        b = resolve(r["b"]["ref"], data_dir, r["b"].get("sha1"))
        gold = r["type"] if r["label"] == "contradiction" and r.get("type") else "none"
        return Pair(r["id"], r["dataset"], r["split"], a, b, gold)

    return resolved_rows(path, split, pair)


def fixture_pairs(path: Path = FIXTURE) -> list[Pair]:
    rows = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [Pair(r["id"], "fixture", "fixture", r["a"], r["b"], r["kind"]) for r in rows]


def _article(text: str, outlet: str):  # type: ignore[no-untyped-def]
    from parallax.models import Article

    aid = hashlib.sha256(f"{outlet}:{text}".encode()).hexdigest()[:16]
    return Article(
        aid, f"{outlet}:{aid}", outlet, "eval", "", None, dt.date(2014, 1, 1), "eval", "en",
        text, ((0, len(text)),),
    )  # fmt: skip


@dataclass
class Prepared:
    """Annotated one-sentence articles with their vectors (the expensive part, done once)."""

    by_id: dict[str, Any]
    sent_vectors: list[Any]
    annotated: list[Any]


def prepare(pairs: Sequence[Pair]) -> Prepared:
    """Annotate and embed every distinct text of `pairs` in one batch."""
    from parallax.annotate.core import annotate
    from parallax.annotate.embed import sentence_vectors

    arts: dict[str, Any] = {}
    for p in pairs:
        for text, outlet in ((p.a, "Outlet A"), (p.b, "Outlet B")):
            art = _article(text, outlet)
            arts.setdefault(art.id, art)
    ann = annotate(list(arts.values()))
    return Prepared({a.id: a for a in ann}, sentence_vectors(ann), list(ann))


def candidates(pairs: Sequence[Pair], prepared: Prepared | None = None) -> list[list[Any]]:
    """Candidates per pair, each pair compared as a two-article story."""
    from parallax.compare.align import embed_claims, sentence_lookup
    from parallax.compare.claims import extract_claims
    from parallax.compare.conflicts import find_candidates

    prep = prepared or prepare(pairs)
    sent = sentence_lookup(prep.annotated, prep.sent_vectors)
    units = extract_claims(prep.annotated)
    vecs = embed_claims(units, prep.annotated, prep.sent_vectors)
    rows: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        rows.setdefault(u.article_id, []).append(i)
    out = []
    for p in pairs:
        ids = [_article(p.a, "Outlet A").id, _article(p.b, "Outlet B").id]
        idx = [i for aid in ids for i in rows.get(aid, [])]
        arts = [prep.by_id[x] for x in ids]
        out.append(find_candidates(arts, [units[i] for i in idx], sent, vecs[idx]))
    return out


def predict(cands: Sequence[list[Any]], cfg: Any) -> list[set[str]]:
    """Conflict kinds shown for each pair under settings `cfg` (verify + group)."""
    from parallax.compare.grouping import group
    from parallax.compare.verifier import verify

    return [{c.kind for c in group(verify(cs, cfg))} for cs in cands]


def score(gold: Sequence[str], pred: Sequence[set[str]]) -> dict[str, dict[str, float]]:
    """Per kind and overall: precision, recall, tp/fp/fn. "any" = a contradiction shown on a
    contradiction pair (kind ignored); "typed" = the right kind shown."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        for k in p:
            (tp if k == g else fp)[k] += 1
            (tp if k == g else fp)["typed"] += 1
        if g != "none" and g not in p:
            fn[g] += 1
            fn["typed"] += 1
        tp["any"] += g != "none" and bool(p)
        fp["any"] += g == "none" and bool(p)
        fn["any"] += g != "none" and not p
    out = {}
    for k in (*KINDS, "typed", "any"):
        prec = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
        rec = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else float("nan")
        out[k] = {"precision": prec, "recall": rec, "tp": tp[k], "fp": fp[k], "fn": fn[k]}
    return out


def _results(
    name: str, table: dict, n: int, secs: float, split: str, notes: str
) -> list[EvalResult]:
    out = []
    for k, v in table.items():
        if v["tp"] + v["fp"] + v["fn"] == 0:
            continue
        for metric in ("precision", "recall"):
            out.append(EvalResult(TASK, f"{name} {k} {metric}", round(v[metric], 3), None, NO_REFERENCE,
                                  split, n, round(secs, 1), notes,
                                  {"tp": v["tp"], "fp": v["fp"], "fn": v["fn"]}))  # fmt: skip
    return out


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    """Test split with the verifier (default settings) and rules only; then the fixture."""
    from parallax.compare.settings import CompareSettings

    t = time.perf_counter()
    pairs = load_pairs(data_dir, "test")
    if limit:
        pairs = pairs[:limit]
    cands = candidates(pairs)
    gold = [p.gold for p in pairs]
    cfg = CompareSettings()
    rules = dataclasses.replace(cfg, use_verifier=False)
    secs = time.perf_counter() - t
    out = _results("verifier", score(gold, predict(cands, cfg)), len(pairs), secs, "test",
                   f"threshold {cfg.verifier_threshold}; gold {dict(Counter(gold))}")  # fmt: skip
    out += _results("rules-only", score(gold, predict(cands, rules)), len(pairs), secs, "test",
                    f"baseline: rule priors >= {rules.rules_only_threshold}")  # fmt: skip
    for ds in sorted({p.dataset for p in pairs}):
        sel = [i for i, p in enumerate(pairs) if p.dataset == ds]
        table = score([gold[i] for i in sel], predict([cands[i] for i in sel], cfg))
        out += _results(f"verifier[{ds}]", {"any": table["any"], "typed": table["typed"]},
                        len(sel), secs, "test", "per dataset")  # fmt: skip
    t = time.perf_counter()
    fx = fixture_pairs()
    if limit:
        fx = fx[:limit]
    fc = candidates(fx)
    fgold = [p.gold for p in fx]
    fsecs = time.perf_counter() - t
    out += _results("fixture verifier", score(fgold, predict(fc, cfg)), len(fx), fsecs, "fixture",
                    "67 pairs: ClaimDiff pairs labelled by us + edited sentences (tests/fixtures)")  # fmt: skip
    out += _results("fixture rules-only", score(fgold, predict(fc, rules)), len(fx), fsecs, "fixture",
                    "baseline")  # fmt: skip
    return out
