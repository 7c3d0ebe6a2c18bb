"""Comparison thresholds: alignment, conflict candidates, the verifier, omissions.

Each field says where its value came from: "policy" (a product decision, not tuned),
"hand-set" (chosen by reading examples, never scored against the test split), or the
data and split it was tuned on (eval/train_verifier.py, tune split of eval/data/comparison).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompareSettings:
    # ---------------------------------------------------------------- alignment
    align_strong: float = (
        0.80  # cosine at which wording alone aligns (hand-set, docs/comparison.md)
    )
    align_weak: float = 0.62  # cosine that also needs concrete overlap (hand-set)
    align_neighbours: int = 8  # policy: neighbours searched per claim (kNN blocking)

    # ---------------------------------------------------------------- candidate rules
    # Candidates are cheap and recall-oriented; the verifier decides. Floors only block.
    cand_min_cosine: float = 0.35  # hand-set: sentences below this are about different things
    cand_neighbours: int = 12  # policy: nearest sentences searched per quote/claim for candidates
    cand_all_pairs_below: int = 150  # policy: units per story under which all pairs are tried
    number_about_tolerance: float = 0.1  # policy: "about 200" covers 180-220
    number_min_relative_gap: float = 0.0  # policy: any disjoint interval is a candidate
    date_max_gap_days: int = 366  # policy: a bigger gap means a wrong anchor, not a dispute
    quote_min_shared_words: int = 2  # hand-set: words two quotes share to be the same quote
    quote_min_share: float = 0.3  # hand-set: share of the shorter quote's content words
    quote_same_wording_share: float = 0.8  # hand-set: near-identical wording, speaker optional
    quote_min_words: int = 4  # policy: shorter quotes are titles or scare quotes
    quote_edge_words: int = 3  # hand-set: different words at both ends up to this = rewording
    assessment_min_cosine: float = 0.45  # hand-set: both claims must be about the same thing
    polarity_min_cosine: float = 0.3  # hand-set: both claims must be about the same thing
    name_min_articles: int = 3  # policy: a naming outlier needs >= 3 articles to be an outlier
    # policy: difflib ratio from which two spellings of a name part are variants of one name
    # ("Jon"/"John" 0.86, "Kathryn"/"Katherine" 0.75, "Bryant"/"Brian" 0.73; "Gary"/"Carl" 0.25)
    spelling_min_ratio: float = 0.7

    # ---------------------------------------------------------------- verifier
    use_verifier: bool = True  # policy: False = rules only (each rule's prior as confidence)
    # Probability above which a verified candidate is shown. Chosen by eval/train_verifier.py
    # from event-grouped 5-fold cross-validated scores (3 shuffles averaged) on the TUNE split
    # of eval/data/comparison (845 pairs): the largest recall with CV pair precision >= 0.85
    # (random forest, CV precision 0.85, recall 0.43); see resources/comparison/verifier.json.
    verifier_threshold: float = 0.75
    rules_only_threshold: float = 0.6  # policy: rule priors shown when the verifier is off

    # ---------------------------------------------------------------- omissions
    omission_min_coverage: float = 0.5  # policy: share of the other sources that must report a fact
    omission_min_outlets: int = 2  # policy: and at least this many of them
    # A sentence of the outlet "states" a fact when cosine >= this with one of the fact's
    # wordings, or >= omission_stated_weak and it shares the fact's numbers/entities.
    # Chosen by eval/tune_omissions.py on the 38 TUNE omission items (largest recall with
    # precision >= 0.8: tune P 0.81, R 0.88); names shared by any word ("Obama" = "Barack Obama").
    omission_stated_cosine: float = 0.62
    omission_stated_weak: float = 0.60
    omission_min_words: int = 6  # policy: a fact shorter than this is a fragment, never reported
    single_source_min_words: int = 8  # policy: "only X reports" items must be full clauses
    single_source_max: int = 5  # policy: at most this many "only X reports" items per source
