"""`parallax eval omissions`: is a fact really missing from an outlet's whole article?

Data: eval/data/comparison/omissions.jsonl (BASIL triplets: a fact sentence from one outlet
and, for another outlet of the same event, whether its whole article states it; labelled by
the team, see GUIDELINES.md). Texts are resolved from ../shared/data (BASIL ships no licence:
the repo keeps references only). The product's test (`omissions.StatedTest`, the one
`find_omissions` uses) runs the fact's claims against every sentence of the outlet's whole
article; "omitted" = no sentence states it. Precision/recall of "omitted" on the TEST split,
next to the always-omitted baseline from the same run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from parallax.evaluation import EvalResult
from parallax.evaluation.contradictions import REPO, _resolver, resolved_rows

TASK = "omissions"
ITEMS = REPO / "eval" / "data" / "comparison" / "omissions.jsonl"
NO_REFERENCE = "none: a dataset built for Parallax; baseline = always 'omitted', same run"


def _basil_text(data_dir: Path, ref: dict[str, Any]) -> str:
    path = Path(data_dir) / "basil-dev" / ref["file"]
    art = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join(" ".join(p) for p in art["body-paragraphs"])


def _article(text: str, key: str):  # type: ignore[no-untyped-def]
    from parallax.models import Article

    aid = hashlib.sha256(f"{key}:{text}".encode()).hexdigest()[:16]
    paras, pos = [], 0
    for chunk in text.split("\n\n"):
        paras.append((pos, pos + len(chunk)))
        pos += len(chunk) + 2
    return Article(
        aid, key, key, "eval", "", None, dt.date(2014, 1, 1), "eval", "en", text, tuple(paras)
    )


def load(data_dir: Path, split: str | None = "test") -> list[dict[str, Any]]:
    """Items of one split with fact text and the target outlet's whole article text."""
    resolve = _resolver()

    def item(r: dict[str, Any]) -> dict[str, Any]:
        fact = resolve(r["fact"]["ref"], data_dir, r["fact"].get("sha1"))
        text = _basil_text(data_dir, {"file": _target_file(r, data_dir)})
        return {
            "id": r["id"],
            "fact": fact,
            "text": text,
            "omitted": bool(r["omitted"]),
            "outlet": r["outlet"],
        }

    return resolved_rows(ITEMS, split, item)


def _target_file(r: dict[str, Any], data_dir: Path) -> str:
    """The target outlet's article in the fact's BASIL triplet (its "source" field)."""
    folder = Path(r["fact"]["ref"]["file"]).parent
    for n in (1, 2, 3):
        f = folder / f"{r['group']}_{n}.json"
        try:
            src = json.loads((Path(data_dir) / "basil-dev" / f).read_text(encoding="utf-8")).get(
                "source"
            )
        except (OSError, ValueError):
            continue
        if str(src).lower() == r["outlet"]:
            return str(f)
    raise KeyError(f"no {r['outlet']} article for group {r['group']}")


def prepare(items: list[dict[str, Any]]) -> tuple[Any, ...]:
    """Annotate and embed the facts and target articles once (the expensive part)."""
    from parallax.annotate.core import annotate
    from parallax.annotate.embed import sentence_vectors
    from parallax.compare.align import sentence_lookup

    facts = {it["id"]: _article(it["fact"], "fact") for it in items}
    targets = {it["id"]: _article(it["text"], it["outlet"]) for it in items}
    arts = {a.id: a for a in [*facts.values(), *targets.values()]}
    ann = annotate(list(arts.values()))
    svecs = sentence_vectors(ann)
    return facts, targets, ann, svecs, sentence_lookup(ann, svecs)


def predict(
    items: list[dict[str, Any]], cfg: Any = None, prepared: tuple | None = None
) -> list[bool]:  # type: ignore[type-arg]
    """True = the product says the fact is omitted from the outlet's article."""
    from parallax.compare.align import embed_claims
    from parallax.compare.claims import extract_claims
    from parallax.compare.omissions import StatedTest
    from parallax.compare.settings import CompareSettings

    cfg = cfg or CompareSettings()
    facts, targets, ann, svecs, vec = prepared or prepare(items)
    by_id = {a.id: a for a in ann}
    test = StatedTest([by_id[a.id] for a in targets.values()], vec, cfg)
    out = []
    for it in items:
        fa = by_id[facts[it["id"]].id]
        units = extract_claims([fa])
        if not units:
            out.append(True)
            continue
        vecs = embed_claims(units, [fa], [svecs[ann.index(fa)]])
        out.append(not test.stated([targets[it["id"]].id], units, vecs))
    return out


def _pr(gold: list[bool], pred: list[bool]) -> tuple[float, float, int, int, int]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / (tp + fn) if tp + fn else float("nan")
    return prec, rec, tp, fp, fn


def run(data_dir: Path, limit: int | None = None) -> list[EvalResult]:
    t = time.perf_counter()
    items = load(data_dir, "test")
    if limit:
        items = items[:limit]
    gold = [it["omitted"] for it in items]
    pred = predict(items)
    secs = round(time.perf_counter() - t, 1)
    out = []
    for name, p in (("product", pred), ("always-omitted baseline", [True] * len(items))):
        prec, rec, tp, fp, fn = _pr(gold, p)
        extra = {"tp": tp, "fp": fp, "fn": fn}
        for metric, value in (("precision", prec), ("recall", rec)):
            out.append(
                EvalResult(
                    TASK,
                    f"{name} omitted {metric}",
                    round(value, 3),
                    None,
                    NO_REFERENCE,
                    "test",
                    len(items),
                    secs,
                    "",
                    extra,
                )
            )
    return out
