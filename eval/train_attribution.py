"""Learn the cue lexicon and the cue-candidate model of `annotate.attribution` from PolNeAR train.

Run: python eval/train_attribution.py   (needs eval/cache/polnear_train.spacy: eval/polnear_cache.py)
Writes src/parallax/resources/attribution/cue_model.json: lemma|POS log-odds of being the
head of a gold cue (lemmas seen as a cue head at least MIN_CUE times in train) and the
weights of a logistic regression over `attribution.features`. Only derived numbers are
stored, no PolNeAR text. The decision threshold is chosen on dev by `--tune` (never test).
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from parallax.annotate.attribution import MODEL_FILE, Candidate, candidate, features, lexicon_key
from parallax.annotate.entities import sentence_bounds
from parallax.evaluation.quotes import PolnearDoc, _overlap, polnear_docs

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "parallax" / "resources" / MODEL_FILE
MIN_CUE = 2  # a lemma must head a gold cue this often in train to be a candidate (dev: 2 beat 3)
SMOOTH = 1.0  # add-one smoothing of the lemma log-odds
C = 0.5  # inverse L2 strength; 3-fold CV on train (--cv): 0.1, 0.5, 2 within 0.004 F1


def cue_heads(d: PolnearDoc) -> dict[int, tuple[int, int]]:
    """Token index of the syntactic head of every gold cue span -> its gold content span."""
    out: dict[int, tuple[int, int]] = {}
    starts = [t.idx for t in d.doc]
    for g in d.gold:
        if g.cue is None:
            continue
        toks = [d.doc[i] for i, s in enumerate(starts) if g.cue[0] <= s < g.cue[1]]
        ids = {t.i for t in toks}
        heads = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
        # "Mr. Obama's announcement": the word, not the possessive mark or a preposition
        heads.sort(key=lambda t: t.pos_ not in {"VERB", "AUX", "NOUN", "PROPN", "ADJ"})
        if heads:
            out[heads[0].i] = g.content
    return out


def _content_ok(d: PolnearDoc, cand: Candidate, gold: tuple[int, int]) -> bool:
    """A positive must also find the gold content (the eval's overlap rule), so the model
    learns which parse shapes give usable attributions, not only which words are cues."""
    if cand.content is None:
        return False
    last = d.doc[cand.content[1] - 1]
    return _overlap((d.doc[cand.content[0]].idx, last.idx + len(last.text)), gold)


def lexicon(docs: list[PolnearDoc]) -> dict[str, float]:
    pos: Counter[str] = Counter()
    tot: Counter[str] = Counter()
    for d in docs:
        heads = cue_heads(d)
        for t in d.doc:
            key = lexicon_key(t)
            tot[key] += 1
            if t.i in heads:
                pos[key] += 1
    return {
        k: round(math.log((pos[k] + SMOOTH) / (tot[k] - pos[k] + SMOOTH)), 4)
        for k in pos
        if pos[k] >= MIN_CUE and k.split("|")[1] in {"VERB", "NOUN", "PROPN"}
    }


def examples(
    docs: list[PolnearDoc], lex: dict[str, float]
) -> tuple[list[dict[str, float]], list[int]]:
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for d in docs:
        heads = cue_heads(d)
        bounds = sentence_bounds(d.doc)
        for t in d.doc:
            key = lexicon_key(t)
            if key not in lex:
                continue
            cand = candidate(d.doc, t, bounds[t.i])
            xs.append(features(d.doc, t, cand, lex[key]))
            ys.append(1 if t.i in heads and _content_ok(d, cand, heads[t.i]) else 0)
    return xs, ys


def fit(xs: list[dict[str, float]], ys: list[int], c: float) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(xs)
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, ys)
    return vec, clf


def main() -> None:
    train = polnear_docs("train")
    lex = lexicon(train)
    xs, ys = examples(train, lex)
    print(f"lexicon {len(lex)} lemmas; {len(xs)} candidates, {sum(ys)} cue heads")
    if "--cv" in sys.argv:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_score

        x = DictVectorizer().fit_transform(xs)
        for c in (0.1, 0.5, 2.0):
            s = cross_val_score(LogisticRegression(C=c, max_iter=2000), x, ys, cv=3, scoring="f1")
            print(f"C={c}: cv F1 {s.mean():.3f}")
    vec, clf = fit(xs, ys, C)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "source": "learned from PolNeAR v1.0.0 train split by eval/train_attribution.py",
                "min_cue": MIN_CUE,
                "C": C,
                "lexicon": dict(sorted(lex.items())),
                "weights": dict(sorted(weights.items())),
                "bias": round(float(clf.intercept_[0]), 4),
            },
            indent=0,
            sort_keys=False,
        )
    )
    print(f"wrote {OUT} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
