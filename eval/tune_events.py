"""Tune story-clustering weights and thresholds on public data (never on the demo corpus).

Writes src/parallax/resources/cluster_params.json with the chosen parameters,
the training scores and provenance. Run: python eval/tune_events.py [--quick]

Two stages, because each level has the labels that fit it:

1. Events: the signal weights (cosine fixed at 1) and the event threshold, on
   the mean of ECB+ event F1 (topics 1-35; event = sub-topic, one real-world
   happening covered over a few days) and the AllSides stream's event F1 (tune
   months; event = AllSides story, with same-day stories on the same topic as
   hard negatives), with storylines switched off (threshold 0) so the score is
   the event level's alone. ECB+ alone chose a time weight of 1: most of its
   documents are undated, so time costs nothing there, while in a dated stream
   it merged same-day stories.
2. Storylines, with the event parameters fixed: the threshold, on the mean of
   ECB+ event F1, ECB+ storyline F1 (topic) and the AllSides stream's event F1
   (tune months, before 2021-08-01), among settings
   whose stream storylines stay pure: B-cubed precision against AllSides' topic
   tag >= PURITY_FLOOR. ECB+ topics are far apart, so alone it rewards merging
   everything in the window; the stream has the same-week near misses. As a
   plain term in the mean, purity made both thresholds equal (no storylines).

Not tuned, and why: the windows (product policy: a storyline lasts weeks, not
years), and how time damps a storyline score: the time scale (set to the
storyline window) and the damping depth (0.5: a gap can at most halve the
content score; at the window's edge it takes 32% off). Neither training set can
identify them: AllSides has no storyline labels (purity only punishes merging,
never rewards a storyline that holds together over two weeks), so it always
prefers more damping, and ECB+ storylines span years, so the window cuts them
whatever the damping. Searched anyway on 2026-11-23 (--damping 0.5 0.75 1.0),
damping 1.0 at threshold 0.40 scored 0.003 higher on the objective and split
an 11-day storyline (the Spark test corpus's balloon affair, dated Feb 8 and
Feb 19-20) in two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

from parallax.evaluation import default_data_dir
from parallax.evaluation.events import (
    TRAIN_TOPICS,
    agglomerative,
    bcubed,
    ecb_cluster_docs,
    labels_from,
    load_ecbplus,
)
from parallax.evaluation.stream import SPLIT_DATE, load_stream, stream_cluster_docs, tune_baseline
from parallax.stories import ClusterParams, cluster

OUT = Path(__file__).resolve().parents[1] / "src/parallax/resources/cluster_params.json"


def score(docs, raw, params: ClusterParams) -> tuple[float, float]:
    stories = cluster(docs, params)
    ids = [d.id for d in docs]
    ev = bcubed(labels_from(stories, ids, "event"), [d.subtopic for d in raw])[2]
    sl = bcubed(labels_from(stories, ids, "storyline"), [str(d.topic) for d in raw])[2]
    return ev, sl


def stream_score(docs, raw, params: ClusterParams) -> tuple[float, float]:
    """(event B-cubed F1 against AllSides stories, storyline purity against topics)."""
    stories = cluster(docs, params)
    ids = [d.id for d in docs]
    ev = bcubed(labels_from(stories, ids, "event"), [d.story for d in raw])[2]
    purity = bcubed(labels_from(stories, ids, "storyline"), [d.topic for d in raw])[0]
    return ev, purity


# AllSides topics are broad ("Coronavirus", "World"), so a right storyline spans two of
# them now and then; below this, storylines are mixing unrelated stories.
PURITY_FLOOR = 0.8


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=default_data_dir())
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/parallax")
    ap.add_argument("--quick", action="store_true", help="small grid (for a smoke test)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--windows",
        type=int,
        nargs=2,
        metavar=("EVENT", "STORYLINE"),
        default=[7, 30],
        help="time windows in days (product policy, not tuned)",
    )
    ap.add_argument(
        "--damping",
        type=float,
        nargs="+",
        default=[0.5],
        help="storyline damping depth(s) to try (policy 0.5, see above)",
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    raw = load_ecbplus(args.data, TRAIN_TOPICS)
    docs = ecb_cluster_docs(raw, args.cache)
    s_raw = load_stream(args.data, "tune")
    s_docs = stream_cluster_docs(s_raw, args.cache)
    print(
        f"ECB+ {len(docs)} training docs ({sum(d.date is not None for d in docs)} dated), "
        f"AllSides stream {len(s_docs)} articles, features {time.perf_counter() - t0:.1f}s",
        flush=True,
    )
    ev_win, sl_win = args.windows
    policy = ClusterParams(
        w_cos=1.0,
        event_window_days=ev_win,
        storyline_window_days=sl_win,
        storyline_time_scale_days=float(sl_win),
    )
    runs = 0

    # Stage 1: event weights and threshold on ECB+ and the stream, storylines off.
    ents = (0.5, 1.0) if not args.quick else (0.5,)
    titles = (0.25,)
    times = (0.5, 1.0) if not args.quick else (0.5,)
    ev_grid = np.round(np.arange(0.35, 0.71, 0.05), 2)
    stage1: tuple[float, ClusterParams] | None = None
    for w_ent, w_title, w_time in itertools.product(ents, titles, times):
        for t_ev in ev_grid:
            params = policy.replace(
                w_ent=w_ent,
                w_title=w_title,
                w_time=w_time,
                event_threshold=float(t_ev),
                storyline_threshold=0.0,
            )
            ev, _ = score(docs, raw, params)
            st_ev, _ = stream_score(s_docs, s_raw, params)
            runs += 1
            if stage1 is None or (ev + st_ev) / 2 > stage1[0]:
                stage1 = ((ev + st_ev) / 2, params)
    assert stage1 is not None
    ev1, p1 = stage1
    print(
        f"stage 1 (events): w_ent={p1.w_ent} w_title={p1.w_title} w_time={p1.w_time} "
        f"event threshold {p1.event_threshold}: mean event F1 {ev1:.3f}, {runs} runs, "
        f"{time.perf_counter() - t0:.0f}s",
        flush=True,
    )

    # Stage 2: the storyline threshold on both sets, with the purity floor.
    damps = tuple(args.damping)
    sl_grid = np.round(np.arange(0.25, 0.56, 0.05), 2)
    best: tuple[float, ClusterParams, dict[str, float]] | None = None
    for damp, t_sl in itertools.product(damps, sl_grid):
        params = p1.replace(storyline_damping=damp, storyline_threshold=float(t_sl))
        ev, sl = score(docs, raw, params)
        st_ev, purity = stream_score(s_docs, s_raw, params)
        runs += 1
        obj = (ev + sl + st_ev) / 3
        if purity >= PURITY_FLOOR and (best is None or obj > best[0]):
            parts = {
                "ecb_event_f1": ev,
                "ecb_storyline_f1": sl,
                "stream_event_f1": st_ev,
                "stream_storyline_purity": purity,
            }
            best = (obj, params, parts)
        print(
            f"  damping {damp} storyline threshold {t_sl}: ECB+ {ev:.3f}/{sl:.3f} "
            f"stream {st_ev:.3f} purity {purity:.3f} objective {obj:.3f}",
            flush=True,
        )
    if best is None:
        print(f"no setting reaches storyline purity {PURITY_FLOOR}", file=sys.stderr)
        return 1

    base_thr = {}
    for level, gold in (
        ("event", [d.subtopic for d in raw]),
        ("storyline", [str(d.topic) for d in raw]),
    ):
        f1, thr = max(
            (bcubed(agglomerative(docs, float(t)), gold)[2], float(t))
            for t in np.arange(0.1, 0.91, 0.05)
        )
        base_thr[level] = round(thr, 2)
        print(f"baseline ECB+ {level}: threshold {thr:.2f} B-cubed F1 {f1:.3f}")
    f1, thr = tune_baseline(s_docs, s_raw)
    base_thr["stream_event"] = round(thr, 2)
    print(f"baseline stream event: threshold {thr:.2f} B-cubed F1 {f1:.3f}")

    obj, params, parts = best
    chosen = {k: v for k, v in params.__dict__.items() if k != "provenance"}
    payload = {
        "provenance": (
            f"eval/tune_events.py: events on ECB+ topics 1-35 ({len(docs)} docs), storylines "
            f"also on the AllSides stream before {SPLIT_DATE} ({len(s_docs)} articles), "
            f"{dt.date.today().isoformat()}; train B-cubed F1 ECB+ event "
            f"{parts['ecb_event_f1']:.3f}, storyline {parts['ecb_storyline_f1']:.3f}; stream "
            f"event {parts['stream_event_f1']:.3f}, storyline purity "
            f"{parts['stream_storyline_purity']:.3f}"
        ),
        "params": chosen,
        "baseline": base_thr,
        "train": {
            **{k: round(v, 4) for k, v in parts.items()},
            "objective": round(obj, 4),
            "purity_floor": PURITY_FLOOR,
            "stage1_mean_event_f1": round(ev1, 4),
            "runs": runs,
            "grid": {
                "w_ent": ents,
                "w_title": titles,
                "w_time": times,
                "event_threshold": ev_grid.tolist(),
                "storyline_damping": damps,
                "storyline_threshold": sl_grid.tolist(),
                "windows": [ev_win, sl_win],
            },
        },
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}: {json.dumps(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
