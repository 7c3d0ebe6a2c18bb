"""Propose sentence pairs to label: the product's own conflict rules over whole ECB+ documents.

`build_comparison_set.py mine` finds pairs with its own slot heuristics over sentences. This
script instead runs what the product runs (annotate -> claims -> `find_candidates`) over every
document of an ECB+ sub-topic (one real event, many outlets), so the labelled pairs have the
distribution the verifier meets in use: the negatives of each rule included. It writes
proposals (refs, sha1s, the rule's kind and reason, and the two sentences for the labeller to
read) to --out, which must lie outside the repository: ECB+ text is never committed.

Run: nice -n 10 python eval/propose_candidates.py --out /tmp/proposals.jsonl
       [--data ../shared/data] [--kinds number,name_title,date,place] [--per-group 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "eval" / "data" / "comparison" / "pairs.jsonl"
ECB_DIR = "ecbplus/ECBplus-prep/output_data/test_parsing"
SEED = 20261203


def _articles(data: Path) -> dict[str, list[Any]]:
    """Sub-topic -> its documents as Articles (body text verbatim, so spans are ECB offsets)."""
    from parallax.models import Article

    groups: dict[str, list[Any]] = defaultdict(list)
    for p in sorted((data / ECB_DIR).glob("*/*.json")):
        doc = json.loads(p.read_text(encoding="utf-8"))
        body = doc.get("text") or ""
        if len(body.split()) < 30:
            continue
        rel = p.relative_to(data).as_posix()
        groups[p.parent.name].append(
            Article(
                rel,
                rel,
                f"doc:{p.stem}",
                "ecbplus",
                "",
                None,
                dt.date(2014, 1, 1),
                "eval",
                "en",
                body,
                ((0, len(body)),),
            )  # fmt: skip
        )
    return dict(groups)


def _labelled() -> set[tuple[str, int, str, int]]:
    seen = set()
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        a, b = r["a"]["ref"], r["b"]["ref"]
        if "start" in a and "start" in b:
            seen.add((a["file"], a["start"], b["file"], b["start"]))
            seen.add((b["file"], b["start"], a["file"], a["start"]))
    return seen


def _side(span: Any, outlet: str) -> dict[str, Any]:
    ref = {"file": span.article_id, "field": "text", "start": span.start, "end": span.end}
    return {"outlet": outlet, "ref": ref, "sha1": hashlib.sha1(span.text.encode()).hexdigest()}


def propose(data: Path, kinds: set[str], per_group: int) -> list[dict[str, Any]]:
    from parallax.annotate.core import annotate
    from parallax.annotate.embed import sentence_vectors
    from parallax.compare.align import embed_claims, sentence_lookup
    from parallax.compare.claims import extract_claims
    from parallax.compare.conflicts import find_candidates

    seen, rng, out = _labelled(), random.Random(SEED), []
    for group, arts in sorted(_articles(data).items()):
        ann = annotate(arts)
        vecs = sentence_vectors(ann)
        units = extract_claims(ann)
        cands = find_candidates(
            ann, units, sentence_lookup(ann, vecs), embed_claims(units, ann, vecs)
        )
        by_kind: dict[str, list[Any]] = defaultdict(list)
        for c in cands:
            a, b = c.a.span, c.b.span
            if c.kind in kinds and (a.article_id, a.start, b.article_id, b.start) not in seen:
                by_kind[c.kind].append(c)
        for _kind, items in sorted(by_kind.items()):
            for c in rng.sample(items, min(per_group, len(items))):
                out.append({
                    "group": group, "kind": c.kind, "reason": c.reason,
                    "a": _side(c.a.span, c.a.outlet), "b": _side(c.b.span, c.b.outlet),
                    "text_a": c.a.span.text, "text_b": c.b.span.text,
                })  # fmt: skip
        print(f"{group}: {len(arts)} docs, {len(cands)} candidates", file=sys.stderr)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--kinds", default="number,name_title,date,place")
    ap.add_argument("--per-group", type=int, default=4)
    args = ap.parse_args()
    if ROOT in args.out.resolve().parents:
        print(
            f"{args.out}: proposals hold source text; write them outside the repo", file=sys.stderr
        )
        return 2
    rows = propose(args.data, set(args.kinds.split(",")), args.per_group)
    args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} proposals -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
