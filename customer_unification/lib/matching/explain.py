"""Why two records were (not) linked, and what holds a customer together.

Works from the state a run saved (nodes, links, model): the pair is re-compared with the same
SQL and the same weights the run used, so the explanation is the decision, not a re-enactment.
"""

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from customer_unification.lib.matching.comparisons import build_spec
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.conflicts import find_contradictions
from customer_unification.lib.matching.em import FittedModel
from customer_unification.lib.matching.households import UNSHARED_KINDS
from customer_unification.lib.matching.linking import PLACE_ALONE_REASON, place_alone_sql
from customer_unification.lib.matching import scoring, state
from customer_unification.lib.matching.rules import value_hash
from customer_unification.lib.quality.masking import mask_value


@dataclass
class FieldEvidence:
    comparison: str
    level: str
    weight: float  # log2 Bayes factor (term-frequency adjustment included)
    household: float | None = None  # the same against a household member (households.py)


@dataclass
class PairExplanation:
    left: str
    right: str
    same_customer: bool
    verdict: str
    rules: list[str] = field(default_factory=list)  # e.g. "email: shared value links them"
    fields: list[FieldEvidence] = field(default_factory=list)
    prior_weight: float = 0.0
    household_prior: float | None = None
    match_weight: float | None = None
    match_probability: float | None = None
    conflict: bool = False
    foreign_emails: list[str] = field(default_factory=list)  # "first" / "second": whose email is someone else's

    def lines(self) -> list[str]:
        out = [f"{self.left}  vs  {self.right}", f"verdict: {self.verdict}"]
        out += [f"  rule {r}" for r in self.rules]
        width = max([14, *(len(f.comparison) for f in self.fields)])
        if self.fields and self.household_prior is not None:
            out.append(f"  field-by-field (bits against an unrelated record, prior {self.prior_weight:+.1f} | "
                       f"against a household member, prior {self.household_prior:+.1f}):")
            out += [f"    {f.comparison:<{width}} {f.weight:+6.1f} | {f.household:+6.1f}  {bar(f.weight)}  {f.level}"
                    for f in self.fields]
            out.append(f"    {'total':<{width}} {self.prior_weight + sum(f.weight for f in self.fields):+6.1f} | "
                       f"{self.household_prior + sum(f.household for f in self.fields):+6.1f}")
        elif self.fields:
            out.append(f"  field-by-field (bits; prior {self.prior_weight:+.1f}):")
            out += [f"    {f.comparison:<{width}} {f.weight:+6.1f}  {bar(f.weight)}  {f.level}" for f in self.fields]
        if self.fields:
            out.append(f"  match weight {self.match_weight:+.1f} -> probability {self.match_probability:.4f}")
        if self.conflict:
            out.append("  the two records contradict each other (first names, birth dates or Sr/Jr): "
                       "they are never put in one customer")
        # which record, not its key: callers mask the keys of the first line only
        out += [f"  the email of the {which} record spells none of its own names: someone else's (a gift, "
                "a booking made for them), not compared with names" for which in self.foreign_emails]
        return out


def bar(weight: float, scale: float = 2.0, width: int = 12) -> str:
    """A text bar: right of | for evidence for a match, left of it for evidence against."""
    n = min(width, round(abs(weight) / scale))
    return (" " * width + "|" + "█" * n).ljust(2 * width + 1) if weight >= 0 else \
        (" " * (width - n) + "█" * n + "|").ljust(2 * width + 1)


def _load(con: duckdb.DuckDBPyConnection, schema: str) -> FittedModel:
    if not state.has_state(con, schema):
        raise LookupError(f"no saved matching run in schema {schema!r} (or one saved by an older version): "
                          "run identity resolution first")
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_nodes AS SELECT * FROM {schema}.match_nodes")
    return state.load_model(con, schema)[0]


def _node(con: duckdb.DuckDBPyConnection, schema: str, record_key: str) -> tuple[int, int]:
    found = con.execute(f"SELECT nid, l.cluster FROM {schema}.match_records JOIN {schema}.match_node_labels l "
                        "USING (nid) WHERE record_key = ?", [record_key]).fetchall()
    if not found:
        raise LookupError(f"record {record_key!r} is not in the last matching run "
                          "(record keys look like 'source|source_record_id')")
    return found[0]


def explain_pair(con: duckdb.DuckDBPyConnection, config: MatchConfig, schema: str,
                 left: str, right: str, links: str | None = None) -> PairExplanation:
    """`links`: the run's record_links table (identity.record_links), to name the clustering
    refusal that kept records sharing an identifier apart; without it only limits are named."""
    model = _load(con, schema)
    (a, cluster_a), (b, cluster_b) = _node(con, schema, left), _node(con, schema, right)
    same = cluster_a == cluster_b
    out = PairExplanation(left=left, right=right, same_customer=same, verdict="")
    if a == b:
        out.verdict = "same customer: the two records carry identical identity fields"
        return out
    l, r = min(a, b), max(a, b)
    out.rules = _rule_evidence(con, config, schema, l, r, same,
                               links if links and _has_table(con, links) else None)
    specs = [build_spec(c) for c in config.comparisons]
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_explain_pair AS SELECT {l}::BIGINT AS l, {r}::BIGINT AS r")
    scoring.build_term_frequencies(con, specs)
    find_contradictions(con, specs, model, config.clustering.contradiction_bits,
                        pairs="cu_explain_pair", out="cu_explain_contradiction")
    out.conflict = con.sql("SELECT count(*) FROM cu_explain_contradiction").fetchall()[0][0] > 0
    scoring.build_gammas(con, specs, candidates="cu_explain_pair", out="cu_explain_gammas")
    scoring.score_pairs(con, specs, model, gammas="cu_explain_gammas", out="cu_explain_scores", keep_gammas=True)
    row = con.sql("SELECT * FROM cu_explain_scores").df().iloc[0]
    household = model.household_weights() if model.h is not None else [None] * len(specs)
    for spec, w, hw in zip(specs, model.weights(), household):
        gamma = int(row[f"g_{spec.name}"])
        weight = 0.0 if gamma < 0 else float(w[gamma])
        against_household = None if hw is None else 0.0 if gamma < 0 else float(hw[gamma])
        level = spec.label(gamma)
        rarity = row.get(f"tfb_{spec.name}")
        if spec.tf_feature and gamma in spec.tf_levels and pd.notna(rarity):
            weight += float(rarity)
            if against_household is not None and spec.kind in UNSHARED_KINDS:
                against_household += float(rarity)
            level += f" ({'rare' if rarity > 0 else 'common'} value: {rarity:+.1f})"
        out.fields.append(FieldEvidence(spec.name, level, weight, against_household))
    out.prior_weight = model.prior_weight
    out.household_prior = model.household_prior_weight if model.h is not None else None
    foreign = {nid for (nid,) in con.execute("SELECT nid FROM cu_nodes WHERE nid IN (?, ?) AND email_foreign",
                                               [l, r]).fetchall()}
    out.foreign_emails = [which for which, nid in (("first", a), ("second", b)) if nid in foreign]
    place = None if config.clustering.link_on_place_alone else place_alone_sql(specs)
    place_alone = place is not None and con.sql(
        "SELECT count(*) FROM cu_explain_gammas g JOIN cu_nodes l ON l.nid = g.l JOIN cu_nodes r ON r.nid = g.r "
        f"WHERE {place}").fetchall()[0][0] > 0
    out.match_weight = float(row["match_weight"])
    out.match_probability = float(row["match_probability"])
    linked = con.execute(f"SELECT link, probability FROM {schema}.match_links WHERE l = ? AND r = ?", [l, r]).fetchall()
    threshold = config.clustering.threshold
    if same:
        how = f"directly by {linked[0][0]}" if linked else "through other records of the customer"
        out.verdict = f"same customer, linked {how}"
    elif out.conflict:
        out.verdict = "different customers: the records contradict each other"
    elif place_alone and out.match_probability >= threshold:
        out.verdict = f"different customers: {PLACE_ALONE_REASON}, and a place alone links no one"
    elif out.match_probability < threshold and all(" - limited: " in line for line in out.rules):
        shared = "every identifier they share was limited, and " if out.rules else ""
        out.verdict = (f"different customers: {shared}match probability {out.match_probability:.4f} "
                       f"is below {threshold}")
    else:
        out.verdict = "different customers: the link was refused to keep contradicting records apart"
    con.execute("DROP TABLE cu_explain_pair; DROP TABLE cu_explain_gammas; DROP TABLE cu_explain_scores; "
                "DROP TABLE cu_explain_contradiction")
    return out


def _rule_evidence(con: duckdb.DuckDBPyConnection, config: MatchConfig, schema: str, l: int, r: int,
                   same: bool, links: str | None) -> list[str]:
    """Which identifiers the records share (masked), and whether that value links them - or the
    limit that applied: the reason it was limited, or the clustering refusal that kept them apart."""
    out = []
    limited_table = _has_table(con, f"{schema}.match_limited")
    # record_links names a node by its first record key
    shown = [k for (k,) in con.execute(f"SELECT min(record_key) FROM {schema}.match_records WHERE nid IN (?, ?) "
                                       "GROUP BY nid", [l, r]).fetchall()]
    for rule in config.rules:
        col = f"r_{rule.name}"
        value = con.sql(f"SELECT x.{col} FROM cu_nodes x, cu_nodes y WHERE x.nid = {l} AND y.nid = {r} "
                        f"AND x.{col} = y.{col}").fetchall()
        if not value:
            continue
        shared = value[0][0]
        records = con.execute(f"SELECT sum(records) FROM cu_nodes WHERE {col} = ?", [shared]).fetchall()[0][0]
        limit = con.execute(f"SELECT reason FROM {schema}.match_limited WHERE rule = ? AND value_hash = ? LIMIT 1",
                            [rule.name, value_hash(shared)]).fetchall() if limited_table else []
        # a rule links each record holding a value to one of them: a refused link of the rule at
        # either record is about this value
        refused = [] if same or not links else con.execute(f"""
            SELECT refused_because FROM {links} WHERE status = 'refused' AND linked_by = ?
              AND (list_contains(?, left_record) OR list_contains(?, right_record))
            ORDER BY left_record, right_record LIMIT 1""", [f"rule:{rule.name}", shown, shown]).fetchall()
        hub = con.execute(f"""SELECT count(*) FROM {schema}.match_links
                              WHERE link = 'rule:{rule.name}' AND (l IN (?, ?) OR r IN (?, ?))""", [l, r, l, r]).fetchall()[0][0]
        if limit:
            state_text = f"limited: {limit[0][0]} ({records} records share it)"
        elif refused:
            state_text = f"refused by clustering: {refused[0][0]}"
        elif hub and same:
            state_text = "links them"
        elif hub:
            state_text = "links them, yet no refusal is recorded (an earlier incremental run may have made it)"
        else:
            state_text = f"was limited (shared by {records} records or by different people)"
        out.append(f"{rule.name}: share {mask_value(shared)} - {state_text}")
    return out


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, _, table = name.rpartition(".")
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                       [schema or "main", table]).fetchall()[0][0] > 0


def explain_customer(con: duckdb.DuckDBPyConnection, schema: str, identity_map: str,
                     customer_id: str) -> pd.DataFrame:
    """The links holding a customer together: one row per link between two of its records."""
    _load(con, schema)
    return con.execute(f"""
        WITH members AS (
          SELECT DISTINCT m.nid FROM {schema}.match_records m
          JOIN {identity_map} i ON i.customer_id = ? AND m.record_key = i.source || '|' || i.source_record_id),
        rep AS (SELECT nid, min(record_key) AS record_key, count(*) AS records
                FROM {schema}.match_records WHERE nid IN (SELECT nid FROM members) GROUP BY nid)
        SELECT a.record_key AS left_record, b.record_key AS right_record, e.link,
               round(e.probability, 4) AS probability, round(e.weight, 1) AS weight
        FROM {schema}.match_links e JOIN rep a ON a.nid = e.l JOIN rep b ON b.nid = e.r
        ORDER BY e.weight DESC""", [customer_id]).df()
