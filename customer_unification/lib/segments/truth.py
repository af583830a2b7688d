"""Segments against a ground truth (the demo estate's `_truth/`): evaluation only.

The question: had identity resolution been perfect, would the segments hold the same people?

1. The platform's members: the segments evaluated on the warehouse's traits and events.
2. The true members: the same events re-keyed by true person (event source + source_record_id
   -> person_id through `record_person.parquet`), the traits and churn scores recomputed per
   person with the platform's own code (`build_traits`, `score_churn`) and the same as_of, and
   the same segment SQL evaluated on them. The person universe is every person with a record in
   the identity map (records the platform never accepted are out of both sides).
3. Each platform customer stands for the true person most of its records belong to (ties: the
   smallest person_id). precision = platform members whose person is a true member / platform
   members; recall = true members some platform member stands for / true members.

Known differences that are not identity errors: the person-level churn model is retrained on
the person-keyed history (another fit of the same model, so scores near a threshold can differ),
and person traits have no consent ledger, so `preferred_channel` is NULL for people (segments
using it are flagged in the `note` column). Pipeline code never calls this module.
"""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from customer_unification.lib.profiles.traits import TraitParams, build_traits
from customer_unification.lib.segments.compile import (
    DEFAULT_EVENTS,
    DEFAULT_TRAITS,
    check_identifier,
    evaluate_segments,
)
from customer_unification.lib.segments.config import (
    AllOf,
    AnyOf,
    Not,
    SegmentDefinition,
    SegmentsConfig,
    TraitCondition,
)

if TYPE_CHECKING:
    from customer_unification.lib.profiles.churn import ChurnParams

_CONSENT_TRAITS = {"preferred_channel"}


def segment_truth(
    con: duckdb.DuckDBPyConnection,
    definitions: SegmentsConfig | Iterable[SegmentDefinition],
    truth_dir: str | Path,
    *,
    as_of: dt.datetime | None = None,
    traits: str = DEFAULT_TRAITS,
    events: str = DEFAULT_EVENTS,
    identity_map: str = "identity.customer_identity_map",
    trait_params: TraitParams = TraitParams(),
    churn_params: "ChurnParams | None" = None,
) -> pd.DataFrame:
    """Per segment: platform_members, true_members, matched_platform, matched_true, precision,
    recall, note. `as_of` defaults to the traits' as_of; pass the trait and churn parameters the
    platform ran with (defaults: the library's). `con` may be read-only: the work happens in a
    private in-memory database."""
    for name in (traits, events, identity_map):
        check_identifier(name)
    segments = list(definitions.segments if isinstance(definitions, SegmentsConfig) else definitions)
    record_person = Path(truth_dir) / "record_person.parquet"
    if not record_person.exists():
        raise FileNotFoundError(f"no ground truth at {record_person}")
    if as_of is None:
        as_of = con.sql(f"SELECT max(as_of) FROM {traits}").fetchall()[0][0]
        if as_of is None:
            raise ValueError(f"{traits} is empty: no as_of to evaluate at")

    with duckdb.connect() as mem:
        mem.execute("SET TimeZone = 'UTC'")
        for local, query in (
            ("platform_traits", f"SELECT * FROM {traits}"),
            ("platform_events", f"SELECT * FROM {events}"),
            ("identity_map", f"SELECT source, source_record_id, customer_id FROM {identity_map} "
                             "WHERE customer_id IS NOT NULL"),
        ):
            mem.register("cu_copy", con.sql(query).to_arrow_table())
            mem.execute(f"CREATE TABLE {local} AS SELECT * FROM cu_copy")
            mem.unregister("cu_copy")
        path = str(record_person).replace("'", "''")
        mem.execute(f"CREATE TABLE record_person AS SELECT source, source_record_id, person_id "
                    f"FROM read_parquet('{path}')")
        _person_inputs(mem, as_of, trait_params, churn_params)
        evaluate_segments(mem, segments, as_of=as_of, traits="platform_traits", events="platform_events",
                          out="platform_members")
        evaluate_segments(mem, segments, as_of=as_of, traits="person_traits", events="person_events",
                          out="true_members")
        scores = _compare(mem, segments)
    scores["note"] = [_note(s) for s in segments]
    return scores


def _person_inputs(mem: duckdb.DuckDBPyConnection, as_of: dt.datetime, trait_params: TraitParams,
                   churn_params: "ChurnParams | None") -> None:
    """person_events, people and person_traits: the platform's inputs keyed by true person."""
    from customer_unification.lib.profiles.churn import ChurnParams, score_churn  # scikit-learn: slow to import

    mem.execute("""
        CREATE TABLE person_events AS
        SELECT rp.person_id AS customer_id, e.* EXCLUDE (customer_id)
        FROM platform_events e JOIN record_person rp USING (source, source_record_id)""")
    mem.execute("""
        CREATE TABLE people AS
        SELECT DISTINCT rp.person_id AS customer_id
        FROM identity_map m JOIN record_person rp USING (source, source_record_id)""")
    mem.execute("CREATE TABLE no_consent (customer_id VARCHAR, channel VARCHAR, state VARCHAR)")
    score_churn(mem, events="person_events", customers="people", as_of=as_of, out="person_churn",
                params=churn_params or ChurnParams())
    build_traits(mem, events="person_events", consent="no_consent", customers="people", as_of=as_of,
                 out="person_traits", params=trait_params, churn_scores="person_churn")


def _compare(mem: duckdb.DuckDBPyConnection, segments: list[SegmentDefinition]) -> pd.DataFrame:
    names = ", ".join("(" + "'" + s.name.replace("'", "''") + "', " + str(i) + ")" for i, s in enumerate(segments))
    if not segments:
        return pd.DataFrame(columns=["segment", "platform_members", "true_members", "matched_platform",
                                     "matched_true", "precision", "recall"])
    return mem.sql(f"""
        WITH votes AS (
            SELECT m.customer_id, rp.person_id, count(*) AS n
            FROM identity_map m JOIN record_person rp USING (source, source_record_id)
            GROUP BY ALL
        ),
        stands_for AS (  -- the person most of the customer's records belong to
            SELECT customer_id, arg_min(person_id, (-n, person_id)) AS person_id FROM votes GROUP BY customer_id
        ),
        platform AS (
            SELECT p.segment, p.customer_id, s.person_id,
                   EXISTS (SELECT 1 FROM true_members t WHERE t.segment = p.segment AND t.customer_id = s.person_id)
                       AS correct
            FROM platform_members p LEFT JOIN stands_for s USING (customer_id)
        ),
        found AS (SELECT DISTINCT segment, person_id FROM platform WHERE person_id IS NOT NULL),
        platform_counts AS (
            SELECT segment, count(*) AS platform_members, count(*) FILTER (WHERE correct) AS matched_platform
            FROM platform GROUP BY segment
        ),
        true_counts AS (
            SELECT t.segment, count(*) AS true_members, count(f.person_id) AS matched_true
            FROM true_members t LEFT JOIN found f ON f.segment = t.segment AND f.person_id = t.customer_id
            GROUP BY t.segment
        ),
        segment_names(segment, position) AS (VALUES {names})
        SELECT g.segment,
               coalesce(p.platform_members, 0) AS platform_members,
               coalesce(t.true_members, 0) AS true_members,
               coalesce(p.matched_platform, 0) AS matched_platform,
               coalesce(t.matched_true, 0) AS matched_true,
               round(p.matched_platform / p.platform_members, 4) AS precision,
               round(t.matched_true / t.true_members, 4) AS recall
        FROM segment_names g
        LEFT JOIN platform_counts p USING (segment)
        LEFT JOIN true_counts t USING (segment)
        ORDER BY g.position
    """).df()


def _note(segment: SegmentDefinition) -> str:
    used = _traits_used(segment.where)
    notes = []
    if used & _CONSENT_TRAITS:
        notes.append("uses consent-based traits (NULL for true people)")
    if "churn_risk" in used:
        notes.append("churn_risk: person model retrained")
    return "; ".join(notes)


def _traits_used(node) -> set[str]:
    if isinstance(node, TraitCondition):
        return {node.trait}
    if isinstance(node, (AllOf, AnyOf)):
        return set().union(*(_traits_used(c) for c in node.children))
    if isinstance(node, Not):
        return _traits_used(node.child)
    return set()
