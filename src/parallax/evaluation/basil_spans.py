"""basil-dev (Fan et al. 2019) read as articles with gold bias spans, split by event.

The split is made once, by triplet (event), before anything is trained or tuned:
a hash of the triplet uuid puts each event in train, tune or test, so the three
outlets' articles about one event never straddle splits. Nothing from basil-dev is
copied into the repository; training scripts and the eval read it from
../shared/data at run time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parallax.models import Article

BASIL_DIR = Path("basil-dev")
# Share of events per split (policy: 60/20/20 of the 50 triplets).
SPLIT_SHARES = (("train", 0.6), ("tune", 0.2), ("test", 0.2))


@dataclass(frozen=True)
class GoldSpan:
    start: int  # offsets into the article text we build
    end: int
    bias: str  # "lex" | "inf"
    quote: bool
    text: str


@dataclass(frozen=True)
class BasilArticle:
    article: Article
    triplet: str
    split: str
    spans: tuple[GoldSpan, ...]


def split_of(triplet: str, triplets: Sequence[str]) -> str:
    """Deterministic event split: rank of the uuid's sha1 among all triplets."""
    order = sorted(triplets, key=lambda t: hashlib.sha1(t.encode()).hexdigest())
    pos = order.index(triplet) / max(1, len(order))
    acc = 0.0
    for name, share in SPLIT_SHARES:
        acc += share
        if pos < acc - 1e-9:
            return name
    return SPLIT_SHARES[-1][0]


def _locate(sentences: list[tuple[int, str]], ann: dict) -> tuple[int, int] | None:
    """Global offsets of a span given per-sentence offsets (sentence found by its text)."""
    txt, s, e = ann.get("txt", ""), int(ann.get("start", -1)), int(ann.get("end", -1))
    if not txt:
        return None
    for base, sent in sentences:
        if sent[s:e] == txt:
            return base + s, base + e
    for base, sent in sentences:
        i = sent.find(txt)
        if i >= 0:
            return base + i, base + i + len(txt)
    return None


def _article(path: Path, data: dict) -> tuple[Article, list[tuple[int, str]]]:
    parts: list[str] = []
    paragraphs: list[tuple[int, int]] = []
    sentences: list[tuple[int, str]] = []
    pos = 0
    for para in data.get("body-paragraphs", []):
        start = pos
        for k, sent in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            sentences.append((pos, sent))
            parts.append(sent)
            pos += len(sent)
        paragraphs.append((start, pos))
        parts.append("\n\n")
        pos += 2
    text = "".join(parts).rstrip()
    paragraphs = [(a, min(b, len(text))) for a, b in paragraphs if a < len(text)]
    art = Article(
        id=path.stem, source=str(path), outlet=str(data.get("source", "unknown")),
        outlet_reason="basil-dev", title=str(data.get("title", "")), byline=None,
        published=None, date_reason="basil-dev", language="en", text=text,
        paragraphs=tuple(paragraphs),
    )  # fmt: skip
    return art, sentences


def read_basil(data_dir: Path) -> list[BasilArticle]:
    """All 150 articles with their own-voice and quoted spans, each tagged with its split."""
    root = Path(data_dir) / BASIL_DIR
    files = sorted((root / "articles").glob("*/*.json"))
    if not files:
        raise FileNotFoundError(f"{root}: no basil-dev articles")
    loaded = [(f, json.loads(f.read_text(encoding="utf-8"))) for f in files]
    triplets = sorted({str(d["triplet-uuid"]) for _, d in loaded})
    out = []
    for f, data in loaded:
        art, sentences = _article(f, data)
        ann_path = root / "annotations" / f.parent.name / f"{f.stem}_ann.json"
        anns = json.loads(ann_path.read_text(encoding="utf-8")) if ann_path.exists() else {}
        spans = []
        for a in anns.get("phrase-level-annotations", []):
            loc = _locate(sentences, a)
            if loc is not None:
                spans.append(
                    GoldSpan(loc[0], loc[1], a.get("bias", ""), a.get("quote") == "yes", a["txt"])
                )
        trip = str(data["triplet-uuid"])
        out.append(BasilArticle(art, trip, split_of(trip, triplets), tuple(spans)))
    return out
