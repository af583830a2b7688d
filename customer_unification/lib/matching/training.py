"""Fitting the Fellegi-Sunter model without labels.

u (how often unrelated records agree) comes from random record pairs; m (how often the same
person's records agree) from pairs the deterministic rules link where there are enough of them,
and otherwise from EM on the candidate pairs, one blocking rule at a time.
"""

import duckdb
import numpy as np

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.em import FittedModel, fit_em, initial_m
from customer_unification.lib.matching.households import UNSHARED_KINDS, fit_households


def fit_model(con: duckdb.DuckDBPyConnection, config: MatchConfig, specs: list[ComparisonSpec],
              u: list[np.ndarray] | None = None, rule_m: list[np.ndarray | None] | None = None) -> FittedModel:
    """Unsupervised Fellegi-Sunter: u from random pairs, m by EM one blocking rule at a time.

    u comes from random pairs, i.e. from the whole population, not from what blocking chose.
    Pairs proposed by a rule agree on that rule's fields by construction, so each EM session
    learns m only for the comparisons the rule leaves free; each m is the mean over the sessions
    that could learn it, weighted by the matches each saw a value for. The prior is the expected number of matches among the candidates,
    spread over all possible pairs.

    `u` and `rule_m` (m_from_rule_pairs) may be given when they were computed for these records
    already; they do not depend on the candidate pairs.
    """
    t = config.training
    tops, names = [s.top for s in specs], [s.name for s in specs]
    if u is None:  # given: a refit on cleaner labels keeps the population's u
        u = fit_u(con, config, specs)

    learned: list[list[np.ndarray]] = [[] for _ in specs]
    if rule_m is None:
        rule_m = m_from_rule_pairs(con, config, specs) if t.m_from_rules else [None] * len(specs)
    labelled = rule_m
    sessions = 0
    # one pass over the pairs: agreement patterns counted per set of rules that proposed them
    by_rules = con.sql(f"SELECT rules, {', '.join(f'g_{s.name}' for s in specs)}, count(*) "
                       "FROM cu_gammas GROUP BY ALL ORDER BY ALL").fetchnumpy()  # fixed order: EM sums identically
    masks = by_rules["rules"].astype(np.int64)
    grid = np.column_stack([by_rules[f"g_{s.name}"].astype(np.int64) for s in specs])
    n = by_rules["count_star()"].astype(np.float64)
    for i, rule in enumerate(config.blocking):
        forced = {f for pair in rule.pairs for f in pair}
        free = [not (set(s.features) & forced) for s in specs]
        mine = (masks >> i) & 1 == 1
        patterns, counts = grid[mine], n[mine]
        if counts.sum() < t.min_session_pairs or not any(free):
            continue
        session = fit_em(patterns, counts, tops, names, u=u, update_m=free, use=free,
                         initial_match_share=t.initial_match_share, max_iterations=t.max_iterations,
                         tolerance=t.tolerance)
        sessions += 1
        for c, is_free in enumerate(free):
            if is_free:
                learned[c].append((session.m[c], session.observed_matches[c]))
    m = [lab if lab is not None else _pooled(found) if found else initial_m(top)
         for lab, found, top in zip(labelled, learned, tops)]
    patterns, counts = grid, n
    if len(counts) == 0:
        raise ValueError("blocking proposed no candidate pairs: nothing to train the model on")
    final = fit_em(patterns, counts, tops, names, u=u, m=m, update_m=[False] * len(specs),
                   initial_match_share=t.initial_match_share, max_iterations=t.max_iterations,
                   tolerance=t.tolerance)
    shared = [s.kind not in UNSHARED_KINDS for s in specs]
    if t.household_class and any(shared) and not all(shared):
        final = fit_households(patterns, counts, final, shared, max_iterations=t.max_iterations,
                               tolerance=t.tolerance)
    nodes = con.sql("SELECT count(*) FROM cu_nodes").fetchall()[0][0]
    all_pairs = max(nodes * (nodes - 1) / 2, 1)
    final.match_share = float(min(0.5, max(final.match_share * counts.sum() / all_pairs, 1e-12)))
    final.household_share = float(min(0.5, final.household_share * counts.sum() / all_pairs))
    final.iterations = sessions
    return final


def _pooled(sessions: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """The sessions' m, each weighted by the matches it saw a value for: a session whose pairs
    hardly ever hold the field (an email spelling a name, compared only where one side has no
    email) learnt little about it, and must not count as much as one that saw thousands."""
    weights = np.array([max(w, 0.0) for _, w in sessions])
    if weights.sum() <= 0:
        return np.mean([m for m, _ in sessions], axis=0)
    return np.average(np.stack([m for m, _ in sessions]), axis=0, weights=weights)


def fit_u(con: duckdb.DuckDBPyConnection, config: MatchConfig, specs: list[ComparisonSpec]) -> list[np.ndarray]:
    """u per comparison: level frequencies among random record pairs."""
    t = config.training
    scoring.random_pairs(con, t.random_pairs, t.seed)
    scoring.build_gammas(con, specs, candidates="cu_random_pairs", out="cu_random_gammas")
    u = scoring.level_frequencies(*scoring.pattern_counts(con, specs, gammas="cu_random_gammas"), [s.top for s in specs])
    con.execute("DROP TABLE cu_random_gammas; DROP TABLE cu_random_pairs")
    return u


RULE_PAIR_GAMMAS = "cu_rule_pair_gammas"


def m_from_rule_pairs(con: duckdb.DuckDBPyConnection, config: MatchConfig,
                       specs: list[ComparisonSpec]) -> list[np.ndarray | None]:
    """m per comparison from record pairs that deterministic rules link (they are matches).

    A pair linked by the email rule says nothing about how often matches agree on email, so each
    rule's pairs teach only the comparisons that do not read the rule's identifier. Comparisons
    with too few labelled observations return None and are learned by EM instead.
    """
    index = {r.name: i for i, r in enumerate(config.rules)}
    which = " ".join(f"WHEN '{name}' THEN {i}" for name, i in index.items()) or "WHEN '' THEN 0"
    if not scoring.has_table(con, RULE_PAIR_GAMMAS):
        # the levels of every pair the rules link, once per run: limits only ever remove pairs,
        # so a refit after them counts a subset (deterministic_links drops this table)
        con.execute("CREATE OR REPLACE TEMP TABLE cu_rule_pair_nodes AS SELECT DISTINCT l, r FROM cu_rule_pairs")
        scoring.build_gammas(con, specs, candidates="cu_rule_pair_nodes", out=RULE_PAIR_GAMMAS)
        con.execute("DROP TABLE cu_rule_pair_nodes")
    # one pass: agreement patterns counted per set of rules that linked the pair
    grouped = con.sql(f"""
        WITH pairs AS (SELECT l, r, CAST(bit_or(1 << CASE rule {which} END) AS BIGINT) AS rules
                       FROM cu_rule_pairs GROUP BY l, r)
        SELECT p.rules, {', '.join(f'g.g_{s.name}' for s in specs)}, count(*) AS n
        FROM pairs p JOIN {RULE_PAIR_GAMMAS} g USING (l, r) GROUP BY ALL ORDER BY ALL""").fetchnumpy()
    masks = grouped["rules"].astype(np.int64)
    role_feature = {"email": {"email", "email_local", "email_stem"}, "phone": {"phone"}, "handle": {"handle", "handle_stem"}}
    out: list[np.ndarray | None] = []
    for spec in specs:
        teaching = [index[r.name] for r in config.rules
                    if not role_feature.get(r.column, {f"r_{r.name}"}) & set(spec.features)]
        gammas = grouped[f"g_{spec.name}"].astype(np.int64)
        rows = ((masks & sum(1 << i for i in teaching)) != 0) & (gammas >= 0)
        counts = np.bincount(gammas[rows], weights=grouped["n"][rows].astype(float), minlength=spec.top + 1)
        total = counts.sum()
        if not teaching or total < config.training.min_labelled_pairs:
            out.append(None)
            continue
        out.append(np.maximum(counts / total, 0.5 / total))  # a level never seen is rare, not impossible
    return out
