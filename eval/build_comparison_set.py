"""Mine candidate cross-outlet sentence pairs for the comparison dev set.

The labelled set lives in eval/data/comparison/ (pairs.jsonl, omissions.jsonl); this
script only (a) assigns every event group to a split, (b) mines *candidate* pairs of
sentences from different outlets covering the same event, and (c) validates labelled
files against the source data. It never stores source text: every sentence is a
reference (a locator plus the sha1 of the sentence text) resolved at eval time from
``../shared/data`` with :func:`resolve`.

Usage (from the repository root):

    python eval/build_comparison_set.py mine      [--data ../shared/data]   # writes candidates.jsonl + splits.json
    python eval/build_comparison_set.py show      [--data ...] [--ids a,b]  # prints candidate text to stdout (never commit it)
    python eval/build_comparison_set.py validate  [--data ...]              # checks refs, sha1s, spans, splits of the labelled files
    python eval/build_comparison_set.py stats                               # counts per label x type x split x dataset

Sources and locators (paths relative to the shared data folder):

* basil:     {"file": "articles/2010/<uuid>_1.json", "para": i, "sent": j}   (under basil-dev/)
* neus:      {"file": "neus/data/raw_crawled/headline_11_2021-10-19_crawled_all.jsonl",
              "story": <id>, "side": "left"|"center"|"right", "para": i | "title",
              "start": s, "end": e}   (character span within that paragraph / title)
* claimdiff: {"file": "claimdiff/ClaimDiff-S/<file>.json", "pair_id": ..., "field": "claim_a"|"claim_b"}
* ecbplus:   {"file": "ecbplus/ECBplus-prep/output_data/test_parsing/<subtopic>/<doc>.json",
              "field": "title"|"text", "start": s, "end": e}   (character span; group = sub-topic, e.g. "3ecbplus")

Mining is general (no story word lists): TF-IDF cosine between the two sentences, shared
capitalised tokens, and "slot differences" (numbers, vote tallies, percentages, money,
dates/weekdays/months, place-like capitalised tokens after in/at/from, negation present on
one side only, quoted text present on both sides but worded differently). Selection is
deterministic (fixed seeds, sorted inputs).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import hashlib
import itertools
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "eval" / "data" / "comparison"
# ../shared/data next to the checkout (a git worktree one level deeper also finds it)
DEFAULT_DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)

BASIL_DIR = "basil-dev"
NEUS_FILE = "neus/data/raw_crawled/headline_11_2021-10-19_crawled_all.jsonl"
CLAIMDIFF_FILES = [
    "claimdiff/ClaimDiff-S/ClaimDiff-strength-train.json",
    "claimdiff/ClaimDiff-S/ClaimDiff-strength-test-full.json",
]
ECB_DIR = "ecbplus/ECBplus-prep/output_data/test_parsing"
SEED = 20261202


# --------------------------------------------------------------------------- refs


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def split_of(dataset: str, group: str) -> str:
    """Deterministic event-level split: sha1("dataset:group") mod 10 < 6 -> tune, else test."""
    return "tune" if int(sha1(f"{dataset}:{group}"), 16) % 10 < 6 else "test"


_CACHE: dict = {}


def _load_json(path: Path):
    key = str(path)
    if key not in _CACHE:
        if path.suffix == ".jsonl":
            _CACHE[key] = {str(o["id"]): o for o in map(json.loads, path.open(encoding="utf-8"))}
        else:
            _CACHE[key] = json.loads(path.read_text(encoding="utf-8"))
    return _CACHE[key]


def _claimdiff_index(path: Path) -> dict:
    key = ("cd", str(path))
    if key not in _CACHE:
        _CACHE[key] = {x["pair_id"]: x for x in _load_json(path)["data"]}
    return _CACHE[key]


def resolve(ref: dict, shared_dir: str | Path = DEFAULT_DATA, sha: str | None = None) -> str:
    """Return the sentence text a reference points to (and check its sha1 if given).

    ``ref`` is the locator stored in pairs.jsonl / omissions.jsonl ("ref" field of a side,
    or an omission "evidence"); ``shared_dir`` is the shared data folder (``../shared/data``
    holding basil-dev/, neus/, claimdiff/). Raises ValueError on a sha1 mismatch.
    """
    base = Path(shared_dir)
    f = ref["file"]
    if f.startswith("articles/"):  # basil
        art = _load_json(base / BASIL_DIR / f)
        text = art["body-paragraphs"][ref["para"]][ref["sent"]]
    elif f.startswith("neus/"):
        side = _load_json(base / f)[str(ref["story"])]["news"][ref["side"]]
        para = side["newsTitle"] if ref["para"] == "title" else side["newBody"][ref["para"]]
        text = para[ref["start"] : ref["end"]]
    elif f.startswith("claimdiff/"):
        text = _claimdiff_index(base / f)[ref["pair_id"]][ref["field"]]
    elif f.startswith("ecbplus/"):  # ECB+ document: "title" or a character span of "text"
        doc = _load_json(base / f)
        text = doc[ref["field"]][ref["start"] : ref["end"]]
    else:
        raise ValueError(f"unknown ref file {f!r}")
    if sha is not None and sha1(text) != sha:
        raise ValueError(f"sha1 mismatch for {ref}")
    return text


# --------------------------------------------------------------------------- sentences


class Sent:
    __slots__ = ("dataset", "group", "outlet", "ref", "text")

    def __init__(self, dataset, group, outlet, ref, text):
        self.dataset, self.group, self.outlet, self.ref, self.text = (
            dataset,
            group,
            outlet,
            ref,
            text,
        )

    def side(self) -> dict:
        return {"outlet": self.outlet, "ref": self.ref, "sha1": sha1(self.text)}


_SENT_END = re.compile(r"[.!?][\"”’']?(\s+)(?=[\"“‘A-Z0-9])")


def split_sentences(par: str) -> list[tuple[int, int]]:
    """Character spans of sentences in a paragraph (simple regex splitter; spans are stored)."""
    spans, start = [], 0
    for m in _SENT_END.finditer(par):
        end = m.start(1)
        seg = par[start:end]
        # do not split after common abbreviations / initials
        if re.search(
            r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|U\.S|[A-Z])\.[\"”]?$",
            seg,
        ):
            continue
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(par)))
    out = []
    for s, e in spans:
        while s < e and par[s].isspace():
            s += 1
        while e > s and par[e - 1].isspace():
            e -= 1
        if e - s >= 20:
            out.append((s, e))
    return out


def load_basil(data: Path) -> dict[str, list[Sent]]:
    groups: dict[str, list[Sent]] = collections.defaultdict(list)
    for p in sorted((data / BASIL_DIR / "articles").glob("*/*.json")):
        art = json.loads(p.read_text(encoding="utf-8"))
        rel = p.relative_to(data / BASIL_DIR).as_posix()
        g = art["triplet-uuid"]
        for i, par in enumerate(art["body-paragraphs"]):
            for j, s in enumerate(par):
                if len(s.split()) >= 5:
                    groups[g].append(
                        Sent(
                            "basil",
                            g,
                            art["source"].lower(),
                            {"file": rel, "para": i, "sent": j},
                            s,
                        )
                    )
    return dict(groups)


def load_neus(data: Path) -> dict[str, list[Sent]]:
    groups: dict[str, list[Sent]] = collections.defaultdict(list)
    for line in (data / NEUS_FILE).open(encoding="utf-8"):
        o = json.loads(line)
        g = str(o["id"])
        for side in ("left", "center", "right"):
            n = o["news"].get(side)
            if not n:
                continue
            outlet = n.get("newsSource") or side
            t = n.get("newsTitle") or ""
            if len(t.split()) >= 5:
                groups[g].append(
                    Sent(
                        "neus",
                        g,
                        outlet,
                        {
                            "file": NEUS_FILE,
                            "story": o["id"],
                            "side": side,
                            "para": "title",
                            "start": 0,
                            "end": len(t),
                        },
                        t,
                    )
                )
            for i, par in enumerate(n.get("newBody") or []):
                for s, e in split_sentences(par):
                    txt = par[s:e]
                    if len(txt.split()) >= 6 and not txt.endswith("..."):
                        groups[g].append(
                            Sent(
                                "neus",
                                g,
                                outlet,
                                {
                                    "file": NEUS_FILE,
                                    "story": o["id"],
                                    "side": side,
                                    "para": i,
                                    "start": s,
                                    "end": e,
                                },
                                txt,
                            )
                        )
    return dict(groups)


def load_claimdiff(data: Path) -> list[tuple[Sent, Sent]]:
    pairs = []
    for f in CLAIMDIFF_FILES:
        for x in json.loads((data / f).read_text(encoding="utf-8"))["data"]:
            if x["pair_id"].endswith("_rev"):
                continue
            g = x["topic"]
            a = Sent(
                "claimdiff",
                g,
                x["article_a"],
                {"file": f, "pair_id": x["pair_id"], "field": "claim_a"},
                x["claim_a"],
            )
            b = Sent(
                "claimdiff",
                g,
                x["article_b"],
                {"file": f, "pair_id": x["pair_id"], "field": "claim_b"},
                x["claim_b"],
            )
            pairs.append((a, b))
    return pairs


def _ecb_outlet(doc: dict, name: str) -> str:
    """ECB+ has no source names: the URL's domain when given, else the document id (one document = one outlet)."""
    m = re.match(r"https?://([^/]+)", re.sub(r"\s+", "", doc.get("url") or ""))
    return m.group(1).lower().removeprefix("www.") if m else f"doc:{name}"


def load_ecbplus(data: Path) -> dict[str, list[Sent]]:
    """ECB+ sub-topics (e.g. "3ecbplus" = one real event covered by many documents) -> title + body sentences."""
    groups: dict[str, list[Sent]] = collections.defaultdict(list)
    for p in sorted((data / ECB_DIR).glob("*/*.json")):
        doc = json.loads(p.read_text(encoding="utf-8"))
        g, name = p.parent.name, p.stem
        rel = p.relative_to(data).as_posix()
        outlet = _ecb_outlet(doc, name)
        t = doc.get("title") or ""
        if len(t.split()) >= 5:
            groups[g].append(
                Sent(
                    "ecbplus",
                    g,
                    outlet,
                    {"file": rel, "field": "title", "start": 0, "end": len(t)},
                    t,
                )
            )
        body = doc.get("text") or ""
        for s, e in split_sentences(body):
            if len(body[s:e].split()) >= 6:
                groups[g].append(
                    Sent(
                        "ecbplus",
                        g,
                        outlet,
                        {"file": rel, "field": "text", "start": s, "end": e},
                        body[s:e],
                    )
                )
    return dict(groups)


# --------------------------------------------------------------------------- slot features

NUM_WORDS = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|dozens|hundreds|thousands|half)"
RE_NUM = re.compile(
    r"\$?\d[\d,.]*(?:\s?(?:%|percent|million|billion|trillion))?|\b\d+-\d+\b|\b"
    + NUM_WORDS
    + r"\b",
    re.I,
)
RE_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|yesterday|today|tomorrow|last (?:week|month|year|night)|this (?:week|month|year))\b"
)
RE_NEG = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|denied|denies|deny|refused|refuses|rejected|without evidence|unfounded|false)\b|n't\b",
    re.I,
)
RE_PLACE = re.compile(r"\b(?:in|at|from|to|near)\s+((?:[A-Z][a-z]+\.?\s?){1,3})")
RE_QUOTE = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")
RE_CAP = re.compile(r"\b[A-Z][a-zA-Z'’.-]+\b")
STOP_CAP = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "Mr.",
    "Mrs.",
    "Ms.",
    "For",
    "As",
    "If",
    "When",
    "After",
    "Some",
    "Still",
    "Yet",
    "So",
    "Its",
    "There",
    "What",
    "Who",
}


def caps(t: str) -> set[str]:
    toks = RE_CAP.findall(t)
    return {
        w.strip(".'’") for k, w in enumerate(toks) if w not in STOP_CAP and not RE_DATE.fullmatch(w)
    }


def nums(t: str) -> set[str]:
    return {m.group(0).lower().replace(",", "").rstrip(".") for m in RE_NUM.finditer(t)}


def slot_diffs(a: str, b: str) -> list[str]:
    out = []
    na, nb = nums(a), nums(b)
    if na and nb and na != nb:
        out.append("number")
    da, db = set(RE_DATE.findall(a)), set(RE_DATE.findall(b))
    if da and db and da != db:
        out.append("date")
    pa = {m.strip() for m in RE_PLACE.findall(a)} - STOP_CAP
    pb = {m.strip() for m in RE_PLACE.findall(b)} - STOP_CAP
    if pa and pb and not (pa & pb):
        out.append("place")
    if bool(RE_NEG.search(a)) != bool(RE_NEG.search(b)):
        out.append("polarity")
    qa, qb = RE_QUOTE.findall(a), RE_QUOTE.findall(b)
    for x, y in itertools.product(qa, qb):
        if x.strip(" ,.") == y.strip(" ,."):
            continue
        m = difflib.SequenceMatcher(None, x.lower(), y.lower(), autojunk=False)
        if m.find_longest_match(0, len(x), 0, len(y)).size >= 12 or m.ratio() > 0.6:
            out.append("quote_wording")
            break
    return out


# --------------------------------------------------------------------------- mining


def tfidf_matrix(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        sublinear_tf=True,
        min_df=1,
        token_pattern=r"(?u)\b\w[\w'-]+\b",
    )
    return vec.fit_transform(texts)


def mine_group(
    sents: list[Sent], X, idx: dict[int, int], rng: random.Random, quota: dict[str, int]
) -> list[dict]:
    """Score every cross-outlet pair of one event and pick candidates per bucket."""
    cands = []
    for i, j in itertools.combinations(range(len(sents)), 2):
        a, b = sents[i], sents[j]
        if a.outlet == b.outlet:
            continue
        cos = float(X[idx[i]].multiply(X[idx[j]]).sum())
        shared = caps(a.text) & caps(b.text)
        cands.append((i, j, cos, shared))
    picked: dict[tuple[int, int], dict] = {}

    def take(pool, n, reason):
        for i, j, cos, shared, slots in pool:
            if n <= 0:
                break
            if (i, j) in picked:
                continue
            picked[(i, j)] = {
                "reason": reason,
                "cos": round(cos, 3),
                "shared_caps": len(shared),
                "slots": slots,
            }
            n -= 1

    related = [
        (i, j, c, s, slot_diffs(sents[i].text, sents[j].text))
        for i, j, c, s in cands
        if c >= 0.22 or (len(s) >= 2 and c >= 0.1)
    ]
    slotted = [r for r in related if r[4]]
    # slot-difference pairs: most similar first, one bucket per slot type so rare types get in
    for slot in ("number", "date", "place", "quote_wording", "polarity"):
        pool = sorted((r for r in slotted if slot in r[4]), key=lambda r: -r[2])
        take(pool, quota.get(slot, 0), f"slot:{slot}")
    plain = sorted((r for r in related if not r[4]), key=lambda r: -r[2])
    take(plain, quota.get("high_sim", 0), "high_sim")
    rnd = [
        (i, j, c, s, slot_diffs(sents[i].text, sents[j].text))
        for i, j, c, s in rng.sample(cands, min(len(cands), 40))
    ]
    take(rnd, quota.get("random", 0), "random")
    out = []
    for (i, j), meta in picked.items():
        a, b = sents[i], sents[j]
        out.append(
            {"dataset": a.dataset, "group": a.group, "a": a.side(), "b": b.side(), "mined": meta}
        )
    return out


def mine(data: Path) -> list[dict]:
    rng = random.Random(SEED)
    out = []
    # basil: 50 triplets, full articles
    basil = load_basil(data)
    allb = [s for g in sorted(basil) for s in basil[g]]
    X = tfidf_matrix([s.text for s in allb])
    k = 0
    q_basil = {
        "number": 2,
        "date": 1,
        "place": 1,
        "quote_wording": 2,
        "polarity": 1,
        "high_sim": 2,
        "random": 1,
    }
    for g in sorted(basil):
        sents = basil[g]
        idx = {n: k + n for n in range(len(sents))}
        k += len(sents)
        out += mine_group(sents, X, idx, rng, q_basil)
    # neus: short leads; sample stories deterministically
    neus = load_neus(data)
    alln = [s for g in sorted(neus, key=int) for s in neus[g]]
    Xn = tfidf_matrix([s.text for s in alln])
    k, stories = 0, []
    offsets = {}
    for g in sorted(neus, key=int):
        offsets[g] = k
        k += len(neus[g])
        stories.append(g)
    q_neus = {
        "number": 1,
        "date": 1,
        "place": 1,
        "quote_wording": 1,
        "polarity": 1,
        "high_sim": 1,
        "random": 0,
    }
    for g in sorted(rng.sample(stories, 90), key=int):
        sents = neus[g]
        if len({s.outlet for s in sents}) < 2:
            continue
        idx = {n: offsets[g] + n for n in range(len(sents))}
        got = mine_group(sents, Xn, idx, rng, q_neus)
        out += got[:2]
    # claimdiff: the released pairs (two outlets, same topic); prefer slot-difference pairs
    cd = load_claimdiff(data)
    slotted = [(a, b, slot_diffs(a.text, b.text)) for a, b in cd]
    with_slot = [x for x in slotted if x[2]]
    without = [x for x in slotted if not x[2]]
    rng.shuffle(with_slot)
    rng.shuffle(without)
    per_topic = collections.Counter()
    chosen = []
    for a, b, sl in with_slot + without:
        if per_topic[a.group] >= 2 or len(chosen) >= 80:
            continue
        per_topic[a.group] += 1
        chosen.append(
            {
                "dataset": "claimdiff",
                "group": a.group,
                "a": a.side(),
                "b": b.side(),
                "mined": {"reason": "slot:" + sl[0] if sl else "released_pair", "slots": sl},
            }
        )
    out += chosen
    # supplement (appended so earlier ids stay stable): near-duplicate cross-outlet basil pairs
    # (same wording up to a few words, e.g. one quote rendered twice) that the first pass missed
    seen = {
        (
            c["a"]["ref"]["file"],
            c["a"]["ref"]["para"],
            c["a"]["ref"]["sent"],
            c["b"]["ref"]["file"],
            c["b"]["ref"]["para"],
            c["b"]["ref"]["sent"],
        )
        for c in out
        if c["dataset"] == "basil"
    }
    out += near_duplicates(basil, seen)
    # ECB+ (second supplement, appended): same-sub-topic documents from different sources
    out += mine_ecbplus(data, len(out))
    for n, c in enumerate(out):
        c["id"] = f"{c['dataset']}-{n:04d}"
        c["split"] = split_of(c["dataset"], c["group"])
    return out


RE_COUNTED = re.compile(
    r"(?:\b(?:magnitude|aged?|No\.)\s+(\d[\d.,]*))|(\$?\d[\d.,]*|\b"
    + NUM_WORDS
    + r")(?:-year-old|\s+(?:(?:more|other|people|year|years|percent|%)\b)?\s*([a-z]{3,}))",
    re.I,
)


def counted(t: str) -> dict[str, set[str]]:
    """{counted noun: values} for "<number> <noun>" ("4 people", "34-year-old" -> "year-old", "magnitude 6.1")."""
    out: dict[str, set[str]] = collections.defaultdict(set)
    for m in RE_COUNTED.finditer(t):
        if m.group(1):
            noun, val = m.group(0).split()[0].lower(), m.group(1)
        else:
            val = m.group(2)
            noun = (
                "year-old"
                if m.group(0).lower().endswith("-year-old")
                else (m.group(3) or "").lower()
            )
        val = val.lower().replace(",", "").rstrip(".")
        if noun and noun not in {
            "the",
            "and",
            "that",
            "for",
            "but",
            "was",
            "were",
            "with",
            "from",
            "who",
            "which",
        }:
            out[noun.rstrip("s") if len(noun) > 4 else noun].add(val)
    return out


W2N = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


def _numval(v: str):
    v = v.lower().replace(",", "").replace(" ", "")
    if v in W2N:
        return float(W2N[v])
    try:
        return float(v.lstrip("$"))
    except ValueError:
        return None


RE_AGE1 = re.compile(r"\b([A-Z][a-z]{2,}), (\d{1,2}),")
RE_AGE2 = re.compile(
    r"\b(\d{1,2}|[A-Z]?[a-z]+(?:-[a-z]+)?)\s?-\s?year\s?-\s?old\s+(?:[a-z]+\s+){0,2}(?:[A-Z][a-z]+\s+)?([A-Z][a-z]{2,})"
)
RE_MAG = re.compile(
    r"(?:magnitude(?:\s+of)?\s+(\d\.\d)|(\d\.\d)\s*-?\s*magnitude|measuring\s+(\d\.\d))", re.I
)
RE_TOLL = re.compile(
    r"\b(\d+|"
    + NUM_WORDS
    + r")\s+(?:people\s+|persons\s+|others\s+)?(dead|killed|died|injured|wounded|hurt)\b|\b(killing|injuring|wounding)\s+(\d+|"
    + NUM_WORDS
    + r")\b",
    re.I,
)
TITLES = r"(President|Vice President|Gov\.|Governor|Sen\.|Senator|Rep\.|Chief|Sgt\.|Sergeant|Lt\.|Lieutenant|Capt\.|Captain|Officer|Detective|Deputy|Sheriff|Undersheriff|Judge|Justice|Minister|Director|Commissioner|Mayor|Coach|Dr\.|Prosecutor|Attorney|Inspector|Superintendent|Constable|Agent|General|Gen\.|Col\.|Colonel|Admiral|Commander|Cmdr\.|Secretary|Spokesman|spokesman|spokeswoman|Prime Minister|CEO|Chairman)"
RE_TITLE = re.compile(TITLES + r"\s+(?:[A-Z][a-z]+\s+|[A-Z]\.\s+)?([A-Z][a-z]{2,})\b")
RE_FULLNAME = re.compile(r"\b([A-Z][a-z]{2,})\s+(?:[A-Z]\.\s+)?([A-Z][a-z]{2,})\b")
RE_WD = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
RE_MONDAY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s+(\d{1,2})\b"
)
RE_AGE3 = re.compile(
    r"\b([A-Z][a-z]{2,}),\s(\d{1,2}),|\b(\d{1,2})\s?-\s?year\s?-\s?old\s+(?:[a-z]+\s+){0,3}(?:[A-Z][a-z]+\s+){0,2}([A-Z][a-z]{2,})"
)
RE_HEDGE = re.compile(
    r"\b(allegedly|alleged|accused of|suspected of|suspect in|is accused|claimed|claims|reportedly|believed to|suspicion of|without evidence|no evidence|deni(?:ed|es))\b",
    re.I,
)
RE_ATTR = re.compile(
    r"\b(said|says|say|according to|told|reported|reports|charged|charges|police|authorities|investigators|prosecutors)\b",
    re.I,
)
POLARITY_PATTERNS = [  # (marker on one side, counterpart on the other side or None = negation at cosine >= 0.5)
    (
        re.compile(
            r"\b(no one|nobody|no injuries|not injured|unharmed|no (?:immediate )?reports? of (?:injur|casualt|damage))",
            re.I,
        ),
        re.compile(r"\b(injured|injuries|wounded|hurt|damaged|damage to)\b", re.I),
    ),
    (
        re.compile(r"\b(turned himself in|turned herself in|surrendered|gave himself up)\b", re.I),
        re.compile(r"\b(arrested|captured|caught|apprehended|tracked down)\b", re.I),
    ),
    (
        re.compile(r"\b(not guilty|acquitted)\b", re.I),
        re.compile(r"\b(pleaded guilty|convicted|found guilty)\b", re.I),
    ),
    (
        re.compile(r"\b(confirmed|officially)\b", re.I),
        re.compile(r"\b(rumou?red|unconfirmed|speculat)", re.I),
    ),
    (
        re.compile(
            r"\b(did not|didn't|has not|hasn't|have not|haven't|was not|wasn't|never)\b", re.I
        ),
        None,
    ),
]


def counted_facts(t: str) -> set:
    """(kind, key, value) facts: ages of named people, quake magnitudes, death / injury tolls."""
    f = set()
    for m in RE_AGE1.finditer(t):
        f.add(("age", m.group(1), _numval(m.group(2))))
    for m in RE_AGE2.finditer(t):
        if m.group(1).isdigit():
            f.add(("age", m.group(2), _numval(m.group(1))))
    for m in RE_MAG.finditer(t):
        f.add(("mag", "", float(next(g for g in m.groups() if g))))
    for m in RE_TOLL.finditer(t):
        if m.group(1):
            kind, v = (
                {"dead": "dead", "killed": "dead", "died": "dead"}.get(m.group(2).lower(), "inj"),
                _numval(m.group(1)),
            )
        else:
            kind, v = ("dead" if m.group(3).lower() == "killing" else "inj"), _numval(m.group(4))
        if v is not None:
            f.add((kind, "", v))
    return f


def mine_ecbplus(data: Path, start: int = 0) -> list[dict]:
    """ECB+ sub-topics (one real event, many documents): cross-document candidate pairs, in passes.

    Every pass skips pairs an earlier pass took; pairs are cross-document and cross-outlet.
    1. per sub-topic, related pairs (cosine >= 0.3): number_noun 2 (the same counted noun with disjoint
       values, "4 people" vs "3 people"), date 1, place 1, polarity 1, high_sim 1 (slot-free), most similar first;
    2. counted facts (ages of named people, magnitudes, death/injury tolls) with disjoint values, the most
       similar pair per fact and value pair (cosine >= 0.15);
    3. name_title: the same surname with different first names or different titles (cosine >= 0.15), and
       number_noun at cosine >= 0.3 for all pairs (not just the top 2);
    4. date: different weekdays (cosine >= 0.4), different day of the same month (>= 0.3); ages that differ;
    5. assessment: a hedge (allegedly / reportedly / claims / believed to ...) on one side only, the other
       side without any attribution (cosine >= 0.35), top 3 per sub-topic;
    6. polarity patterns (no one injured vs injured, surrendered vs arrested, not guilty vs convicted,
       confirmed vs rumoured, a negation on one side at cosine >= 0.5), top 3 per sub-topic.
    """
    groups = load_ecbplus(data)
    alls = [x for g in sorted(groups) for x in groups[g]]
    X = tfidf_matrix([x.text for x in alls])
    sims, k = {}, 0
    for g in sorted(groups):
        Xg = X[k : k + len(groups[g])]
        k += len(groups[g])
        sims[g] = (Xg @ Xg.T).toarray()
    out: list[dict] = []
    have: set = set()

    def ok(S, i, j):
        return S[i].ref["file"] != S[j].ref["file"] and S[i].outlet != S[j].outlet

    def emit(g, S, i, j, meta):
        out.append(
            {"dataset": "ecbplus", "group": g, "a": S[i].side(), "b": S[j].side(), "mined": meta}
        )

    def close_pass():
        have.update((c["a"]["sha1"], c["b"]["sha1"]) for c in out)

    # pass 1
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        cnt = [counted(x.text) for x in S]
        rel = []
        for i, j in zip(*(sim >= 0.3).nonzero(), strict=True):
            if i < j and ok(S, i, j) and sim[i, j] < 0.95:
                sl = slot_diffs(S[i].text, S[j].text)
                if any(not (cnt[i][n] & cnt[j][n]) for n in set(cnt[i]) & set(cnt[j])):
                    sl = ["number_noun"] + sl
                rel.append((float(sim[i, j]), int(i), int(j), sl))
        rel.sort(key=lambda r: (-r[0], r[1], r[2]))
        picked = {}
        for slot, n in (("number_noun", 2), ("date", 1), ("place", 1), ("polarity", 1), (None, 1)):
            for c, i, j, sl in rel:
                if n <= 0:
                    break
                if (i, j) in picked or (slot and slot not in sl) or (slot is None and sl):
                    continue
                picked[(i, j)] = {
                    "reason": f"slot:{slot}" if slot else "high_sim",
                    "cos": round(c, 3),
                    "slots": sl,
                }
                n -= 1
        for (i, j), meta in picked.items():
            emit(g, S, i, j, meta)
    close_pass()
    # pass 2
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        F = [counted_facts(x.text) for x in S]
        best = {}
        for i, j in itertools.combinations(range(len(S)), 2):
            if not ok(S, i, j) or (S[i].side()["sha1"], S[j].side()["sha1"]) in have:
                continue
            ki = {(a, b) for a, b, _ in F[i]}
            kj = {(a, b) for a, b, _ in F[j]}
            for key in ki & kj:
                vi = {v for a, b, v in F[i] if (a, b) == key}
                vj = {v for a, b, v in F[j] if (a, b) == key}
                if vi & vj:
                    continue
                kk = (key, frozenset([tuple(sorted(vi)), tuple(sorted(vj))]))
                if kk not in best or sim[i, j] > best[kk][0]:
                    best[kk] = (sim[i, j], i, j, key)
        for _kk, (c, i, j, key) in sorted(best.items(), key=lambda z: -z[1][0]):
            if c >= 0.15:
                emit(
                    g,
                    S,
                    i,
                    j,
                    {"reason": "slot:counted_fact", "cos": round(float(c), 3), "slots": [key[0]]},
                )
    close_pass()
    # pass 3
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        T = [
            {(m.group(2), m.group(1).rstrip(".").lower()) for m in RE_TITLE.finditer(x.text)}
            for x in S
        ]
        N = [{(m.group(2), m.group(1)) for m in RE_FULLNAME.finditer(x.text)} for x in S]
        C = [counted(x.text) for x in S]
        best = {}
        for i, j in itertools.combinations(range(len(S)), 2):
            if not ok(S, i, j) or (S[i].side()["sha1"], S[j].side()["sha1"]) in have:
                continue
            c = sim[i, j]
            for kind, P in (("title", T), ("name", N)):
                di, dj = collections.defaultdict(set), collections.defaultdict(set)
                for key, val in P[i]:
                    di[key].add(val)
                for key, val in P[j]:
                    dj[key].add(val)
                for key in set(di) & set(dj):
                    if kind == "name" and key in {
                        "Street",
                        "County",
                        "Avenue",
                        "City",
                        "Center",
                        "Park",
                        "Hospital",
                    }:
                        continue
                    if not (di[key] & dj[key]) and c >= 0.15:
                        kk = (kind, key)
                        if kk not in best or c > best[kk][0]:
                            best[kk] = (
                                c,
                                i,
                                j,
                                f"{kind} {key}: {sorted(di[key])} vs {sorted(dj[key])}",
                            )
            if c >= 0.3:
                for n_ in set(C[i]) & set(C[j]):
                    if not (C[i][n_] & C[j][n_]):
                        best[("num", i, j)] = (
                            c,
                            i,
                            j,
                            f"num {n_}: {sorted(C[i][n_])} vs {sorted(C[j][n_])}",
                        )
        for kk, (c, i, j, why) in sorted(best.items(), key=lambda z: -z[1][0]):
            emit(
                g,
                S,
                i,
                j,
                {
                    "reason": "slot:name_title"
                    if kk[0] in ("title", "name")
                    else "slot:number_noun",
                    "cos": round(float(c), 3),
                    "why": why,
                },
            )
    close_pass()
    # pass 4
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        W = [set(RE_WD.findall(x.text)) for x in S]
        M = [{(m.group(1)[:3], m.group(2)) for m in RE_MONDAY.finditer(x.text)} for x in S]
        A = []
        for x in S:
            d = {}
            for m in RE_AGE3.finditer(x.text):
                if m.group(1):
                    d[m.group(1)] = m.group(2)
                else:
                    d[m.group(4)] = m.group(3)
            A.append(d)
        best = {}
        for i, j in itertools.combinations(range(len(S)), 2):
            if not ok(S, i, j) or (S[i].side()["sha1"], S[j].side()["sha1"]) in have:
                continue
            c = sim[i, j]
            if c >= 0.4 and W[i] and W[j] and not W[i] & W[j]:
                best[("wd", i, j)] = (c, i, j, f"weekday {sorted(W[i])} vs {sorted(W[j])}")
            if (
                c >= 0.3
                and M[i]
                and M[j]
                and not M[i] & M[j]
                and {a for a, _ in M[i]} & {a for a, _ in M[j]}
            ):
                best[("md", i, j)] = (c, i, j, f"monthday {sorted(M[i])} vs {sorted(M[j])}")
            for n_ in set(A[i]) & set(A[j]):
                if A[i][n_] != A[j][n_]:
                    kk = ("age", n_, frozenset([A[i][n_], A[j][n_]]))
                    if kk not in best or c > best[kk][0]:
                        best[kk] = (c, i, j, f"age {n_}: {A[i][n_]} vs {A[j][n_]}")
        for kk, (c, i, j, why) in sorted(best.items(), key=lambda z: -z[1][0]):
            emit(
                g,
                S,
                i,
                j,
                {
                    "reason": "slot:number_noun" if kk[0] == "age" else "slot:date",
                    "cos": round(float(c), 3),
                    "why": why,
                },
            )
    close_pass()
    # pass 5
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        H = [bool(RE_HEDGE.search(x.text)) for x in S]
        At = [bool(RE_ATTR.search(x.text)) for x in S]
        cands = []
        for i, j in itertools.combinations(range(len(S)), 2):
            if (
                not ok(S, i, j)
                or (S[i].side()["sha1"], S[j].side()["sha1"]) in have
                or sim[i, j] < 0.35
            ):
                continue
            if H[i] and not H[j] and not At[j]:
                cands.append((sim[i, j], i, j))
            elif H[j] and not H[i] and not At[i]:
                cands.append((sim[i, j], j, i))
        cands.sort(reverse=True)
        for c, i, j in cands[:3]:
            emit(g, S, i, j, {"reason": "slot:assessment", "cos": round(float(c), 3)})
    close_pass()
    # pass 6
    for g in sorted(groups):
        S, sim = groups[g], sims[g]
        cands = []
        for i, j in itertools.combinations(range(len(S)), 2):
            if not ok(S, i, j) or (S[i].side()["sha1"], S[j].side()["sha1"]) in have:
                continue
            c = sim[i, j]
            for n, (p1, p2) in enumerate(POLARITY_PATTERNS):
                for a, b in ((i, j), (j, i)):
                    if p1.search(S[a].text) and not p1.search(S[b].text):
                        if p2 is None:
                            if c >= 0.5:
                                cands.append((c, a, b, n))
                        elif p2.search(S[b].text) and c >= 0.25 and not p2.search(S[a].text):
                            cands.append((c, a, b, n))
        cands.sort(reverse=True)
        seen: set = set()
        for c, a, b, n in cands:
            if (a, b) in seen or len(seen) >= 3:
                continue
            seen.add((a, b))
            emit(g, S, a, b, {"reason": "slot:polarity", "cos": round(float(c), 3), "pattern": n})
    for n, c in enumerate(out, start):
        c["id"] = f"ecbplus-{n:04d}"
        c["split"] = split_of("ecbplus", c["group"])
    return out


def _norm(t: str) -> str:
    t = t.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.findall(r"[a-z0-9$%']+", t))


def near_duplicates(
    groups: dict[str, list[Sent]], seen: set, lo: float = 0.72, hi: float = 0.97
) -> list[dict]:
    """Cross-outlet pairs whose normalised wording nearly matches but not exactly (difflib ratio in [lo, hi))."""
    out = []
    for g in sorted(groups):
        sents = groups[g]
        norms = [_norm(s.text) for s in sents]
        for i, j in itertools.combinations(range(len(sents)), 2):
            a, b = sents[i], sents[j]
            if a.outlet == b.outlet or norms[i] == norms[j]:
                continue
            key = (
                a.ref["file"],
                a.ref["para"],
                a.ref["sent"],
                b.ref["file"],
                b.ref["para"],
                b.ref["sent"],
            )
            if key in seen or len(norms[i]) < 40 or len(norms[j]) < 40:
                continue
            sm = difflib.SequenceMatcher(None, norms[i], norms[j], autojunk=False)
            if sm.real_quick_ratio() < lo or sm.quick_ratio() < lo:
                continue
            r = sm.ratio()
            if lo <= r < hi and norms[i] not in norms[j] and norms[j] not in norms[i]:
                out.append(
                    {
                        "dataset": "basil",
                        "group": g,
                        "a": a.side(),
                        "b": b.side(),
                        "mined": {
                            "reason": "near_duplicate",
                            "ratio": round(r, 3),
                            "slots": slot_diffs(a.text, b.text),
                        },
                    }
                )
    return out


def write_splits(data: Path) -> dict:
    groups = {
        "basil": sorted(load_basil(data)),
        "neus": sorted(load_neus(data), key=int),
        "claimdiff": sorted({a.group for a, _ in load_claimdiff(data)}),
        "ecbplus": sorted(load_ecbplus(data), key=lambda g: (int(re.match(r"\d+", g).group(0)), g)),
    }
    splits = {
        "rule": 'sha1(f"{dataset}:{group}") mod 10 < 6 -> tune, else test',
        "tune": {},
        "test": {},
    }
    for ds, gs in groups.items():
        for sp in ("tune", "test"):
            splits[sp][ds] = [g for g in gs if split_of(ds, g) == sp]
    (OUT_DIR / "splits.json").write_text(json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    return splits


# --------------------------------------------------------------------------- validate / stats

LABELS = {"same_fact", "compatible", "contradiction", "unrelated"}
TYPES = {None, "number", "place", "date", "name_title", "polarity", "quote_wording", "assessment"}


def validate(data: Path) -> int:
    errs = 0
    seen = set()
    for row in map(json.loads, (OUT_DIR / "pairs.jsonl").open(encoding="utf-8")):
        try:
            assert row["id"] not in seen, "dup id"
            seen.add(row["id"])
            assert row["split"] == split_of(row["dataset"], row["group"]), "split"
            ta = resolve(row["a"]["ref"], data, row["a"]["sha1"])
            tb = resolve(row["b"]["ref"], data, row["b"]["sha1"])
            assert row["a"]["outlet"] != row["b"]["outlet"], "same outlet"
            assert row["label"] in LABELS and row["type"] in TYPES
            if row["label"] == "contradiction":
                assert row["type"], "contradiction needs type"
                assert row["a_span"] and row["a_span"] in ta, f"a_span {row['a_span']!r}"
                assert row["b_span"] and row["b_span"] in tb, f"b_span {row['b_span']!r}"
            else:
                assert row["type"] is None and row["a_span"] is None and row["b_span"] is None
        except Exception as e:  # noqa: BLE001
            errs += 1
            print("pairs", row.get("id"), e)
    p = OUT_DIR / "omissions.jsonl"
    if p.exists():
        for row in map(json.loads, p.open(encoding="utf-8")):
            try:
                assert row["split"] == split_of(row["dataset"], row["group"])
                resolve(row["fact"]["ref"], data, row["fact"]["sha1"])
                if row["omitted"]:
                    assert row["evidence"] is None
                else:
                    resolve(row["evidence"]["ref"], data, row["evidence"]["sha1"])
            except Exception as e:  # noqa: BLE001
                errs += 1
                print("omissions", row.get("id"), e)
    print("errors:", errs)
    return errs


def stats() -> None:
    rows = [json.loads(line) for line in (OUT_DIR / "pairs.jsonl").open(encoding="utf-8")]
    print("pairs:", len(rows))
    for key in (
        lambda r: r["dataset"],
        lambda r: r["split"],
        lambda r: r["label"],
        lambda r: (r["label"], r["type"], r["split"]),
        lambda r: (r["dataset"], r["label"]),
    ):
        print(sorted(collections.Counter(map(key, rows)).items(), key=str))
    p = OUT_DIR / "omissions.jsonl"
    if p.exists():
        om = [json.loads(line) for line in p.open(encoding="utf-8")]
        print(
            "omissions:",
            len(om),
            sorted(collections.Counter((r["split"], r["omitted"]) for r in om).items()),
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("cmd", choices=["mine", "show", "validate", "stats"])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--ids", default="")
    args = ap.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if args.cmd == "mine":
        write_splits(args.data)
        cands = mine(args.data)
        with (OUT_DIR / "candidates.jsonl").open("w", encoding="utf-8") as f:
            for c in cands:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        print(
            len(cands),
            collections.Counter(c["dataset"] for c in cands),
            collections.Counter(c["mined"]["reason"] for c in cands),
        )
    elif args.cmd == "show":
        want = set(filter(None, args.ids.split(",")))
        for c in map(json.loads, (OUT_DIR / "candidates.jsonl").open(encoding="utf-8")):
            if want and c["id"] not in want:
                continue
            print(f"## {c['id']} [{c['mined']['reason']}] {c['a']['outlet']} | {c['b']['outlet']}")
            print("A:", resolve(c["a"]["ref"], args.data, c["a"]["sha1"]))
            print("B:", resolve(c["b"]["ref"], args.data, c["b"]["sha1"]))
    elif args.cmd == "validate":
        return 1 if validate(args.data) else 0
    else:
        stats()
    return 0


if __name__ == "__main__":
    sys.exit(main())
