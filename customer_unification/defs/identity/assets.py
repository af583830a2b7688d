"""Identity: every staged record gets the customer_id of the person behind it.

One multi-asset runs the matching engine inside the warehouse (DuckDB SQL on the staged view,
no round trip through pandas for the pairs) and writes the identity tables together, so the map,
its links, the model and the lineage always describe the same run. Write-audit-publish: the
tables are published (committed) only when every gate passed; a refused candidate leaves the last
good version in place, and blocking checks stop profiles and everything downstream.
"""

from collections.abc import Iterator

import dagster as dg
import numpy as np

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.defs.metadata import counts_markdown, table_metadata
from customer_unification.lib.quality.masking import mask_record_key
from customer_unification.lib.matching import publish, report
from customer_unification.lib.matching.config import load_match_config
from customer_unification.lib.matching.engine import comparison_specs, incremental_blocker
from customer_unification.lib.matching.labels import read_labels
from customer_unification.lib.matching.resolve import previous_assignments, read_overrides, resolve
from customer_unification.lib.quality.expectations import suite_metadata
from customer_unification.resources.quality import GreatExpectationsRunner
from customer_unification.resources.warehouse import DuckDBWarehouse

MAP_KEY = dg.AssetKey(["identity", "customer_identity_map"])
MAP_COLUMNS = {
    "source": "the source system's name in the sources YAML",
    "source_record_id": "the source's record key as text (composite keys joined by '|')",
    "customer_id": "the person behind the record: 'CU' + 14 hex digits, stable across runs",
    "match_confidence": "how sure the link into the customer is (0-1): 1 for rule links, else the "
                        "strongest link's match probability; for a lone record, how sure it is alone",
    "matched_by": "rule:email, rule:phone, ... (the deciding rule), probabilistic, override:must_link, "
                  "identical record or unmatched",
}
KINDS = {"duckdb", "sql"}
OWNERS = ["team:identity"]


class IdentityRunConfig(dg.Config):
    incremental: bool = False  # link only records the last run has not seen (faster; same model)


def _spec(table: str, description: str, **kw) -> dg.AssetSpec:
    # skippable: a candidate the gates refuse is not published, so the run materialises nothing
    return dg.AssetSpec(["identity", table], group_name="identity", kinds=KINDS, owners=OWNERS, skippable=True,
                        description=description, deps=[dg.AssetKey(["staging", "unified_records"])], **kw)


@dg.multi_asset(
    pool=pool_for("identity"),
    name="resolve_identities",
    specs=[
        _spec("customer_identity_map", metadata={"dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn(name, description=text) for name, text in MAP_COLUMNS.items()])},
              description="One row per staged record: source, source_record_id, customer_id "
              "(stable across runs), match_confidence and matched_by (`rule:email`, `rule:phone`, … , probabilistic, "
              "override:must_link, identical record, unmatched)."),
        _spec("record_links", "Every link the run accepted or refused between two records, with the "
              "rule or the match weight/probability and the agreement level of each compared field."),
        _spec("id_lineage", "Every customer_id change across runs (merged, split, created, retired), "
              "with the run that made it; appended, never rewritten."),
        _spec("match_model", "The Fellegi-Sunter model of the run: m, u and h (household members) "
              "probabilities and the match weight of every comparison level."),
        _spec("limited_identifiers", "Identifier values (masked) that stopped linking records on their "
              "own: blocked values, shared by too many records, by two first names, by different people "
              "or within a household."),
    ],
    check_specs=[dg.AssetCheckSpec(name, asset=MAP_KEY, blocking=True, description=text)
                 for name, text in publish.GATES.items()],
)
def resolve_identities(context: dg.AssetExecutionContext, config: IdentityRunConfig,
                       warehouse: DuckDBWarehouse, quality: GreatExpectationsRunner) -> Iterator:
    match_config = load_match_config(settings.match_config_path())
    overrides_path = settings.identity_overrides_path()
    overrides = read_overrides(overrides_path) if overrides_path else None
    labels_path = settings.identity_labels_path()
    labels = read_labels(labels_path) if labels_path else None
    state_schema = settings.IDENTITY_STATE_SCHEMA
    with warehouse.connect() as con:
        has_previous = con.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'identity' "
                               "AND table_name = 'customer_identity_map'").fetchall()[0][0] > 0
        previous_map = con.sql(f"SELECT * FROM {publish.SCHEMA}.customer_identity_map").df() if has_previous else None
        incremental = config.incremental and has_previous
        if incremental and (reason := incremental_blocker(con, match_config, state_schema)):
            # e.g. the first run after an upgrade or a changed match config: resolve in full
            context.log.info(f"resolving all records instead of linking the new ones: {reason}")
            incremental = False
        # write-audit-publish: the tables and the state are written in one transaction, audited by
        # the gates, and committed only if every gate passed (lib/matching/publish.py)
        with publish.Candidate(con) as candidate:
            resolution = resolve(con, "staging.unified_records", match_config, run_id=context.run_id,
                                 previous=previous_assignments(previous_map, match_config.key),
                                 state_schema=state_schema, incremental=incremental,
                                 overrides=overrides, labels=labels, progress=context.log.info)
            unknown = resolution.unknown_override_keys
            if unknown:  # a decision the engine had to skip: say so, masked (record keys can be personal)
                context.log.warning(f"{len(unknown)} record(s) named in {overrides_path.name} do not exist, their "
                                    f"overrides were not applied: {', '.join(mask_record_key(k) for k in unknown[:20])}")
            suite = quality.submit(resolution.identity_map, publish.identity_expectations(), "identity_map")
            publish.write_tables(con, match_config, resolution, context.run_id, state_schema)
            staged = con.sql("SELECT count(*) FROM staging.unified_records").fetchall()[0][0]
            gates = publish.structural_gates(con, match_config, resolution, staged, state_schema, previous_map)
            gates.append(publish.over_split_gate(con, match_config, "staging.unified_records"))
            weights = con.sql("SELECT match_weight FROM cu_scores").fetchnumpy()["match_weight"]
            links = con.sql(f"SELECT status, linked_by, count(*) FROM {publish.SCHEMA}.record_links GROUP BY ALL").fetchall()
            ge = suite.result()
            gates.insert(0, publish.Gate("great_expectations", ge.success, suite_metadata(ge)))
            published = candidate.decide(gates)
        if not published:
            rejected = publish.keep_rejected(con, resolution.identity_map, context.run_id, candidate.failed)
    match = resolution.match
    model = report.model_table(comparison_specs(match_config), match.model)
    p = match_config.clustering.threshold
    threshold_weight = float(np.log2(p / (1 - p)))
    hist = report.histogram(weights)
    report_path = settings.warehouse_path().parent / "reports" / "identity_report.html"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(report.html_report(
        "Identity resolution", model, hist, threshold_weight,
        {"run": context.run_id, **{k: v for k, v in match.stats.items() if not isinstance(v, dict)}}))
    identity = resolution.identity_map
    if not published:
        yield from _not_published(context, gates, candidate.failed, rejected, report_path)
        return
    yield dg.MaterializeResult(asset_key=MAP_KEY, metadata={
        **table_metadata(identity, ["source", "source_record_id", "customer_id", "match_confidence", "matched_by"]),
        "customers": identity["customer_id"].nunique(),
        "match_rate": round(publish.match_rate(identity), 4),
        "records_by_matched_by": counts_markdown(identity["matched_by"].value_counts().to_dict(), ("matched by", "records")),
        "id_changes": counts_markdown(resolution.ids.stats, ("change", "count")),
        "step_seconds": counts_markdown(match.timings, ("step", "seconds")),
        "incremental": incremental,
        "report": dg.MetadataValue.path(str(report_path)),
        "override_records_not_found": len(resolution.unknown_override_keys),
        **({"override_records_not_found (masked)": dg.MetadataValue.md("\n".join(
            f"- {mask_record_key(k)}" for k in resolution.unknown_override_keys[:50]))}
           if resolution.unknown_override_keys else {}),
    })
    yield dg.MaterializeResult(asset_key=["identity", "record_links"], metadata={
        "dagster/row_count": sum(n for *_, n in links),
        "links": dg.MetadataValue.md("| status | linked by | links |\n|---|---|---:|\n" + "\n".join(
            f"| {s} | {b} | {n:,} |" for s, b, n in sorted(links, key=lambda x: -x[2]))),
        "candidate_pairs_by_blocking_rule": counts_markdown(match.stats["pairs_by_blocking_rule"], ("rule", "pairs")),
        **({"blocking_report": dg.MetadataValue.md(match.blocking.to_markdown(index=False))}
           if match.blocking is not None else {}),
        "match_weight_histogram": dg.MetadataValue.md(report.histogram_markdown(hist, threshold_weight)),
    })
    yield dg.MaterializeResult(asset_key=["identity", "id_lineage"], metadata={
        "changes_this_run": counts_markdown({k: v for k, v in resolution.ids.stats.items() if k != "kept"},
                                            ("change", "count")),
    })
    yield dg.MaterializeResult(asset_key=["identity", "match_model"], metadata={
        "dagster/row_count": len(model),
        "match_weights": dg.MetadataValue.md(report.weights_markdown(model)),
        "prior_match_weight": round(match.model.prior_weight, 2),
        "em_sessions": match.model.iterations,
        **_labels_metadata(match.stats.get("labels")),
    })
    limited = match.limited
    yield dg.MaterializeResult(asset_key=["identity", "limited_identifiers"], metadata={
        "dagster/row_count": len(limited),
        "by_rule_and_reason": dg.MetadataValue.md(
            limited.groupby(["rule", "reason"]).size().rename("values").reset_index().to_markdown(index=False)
            if len(limited) else "(none)"),
    })
    for gate in gates:
        yield dg.AssetCheckResult(asset_key=MAP_KEY, check_name=gate.name, passed=gate.passed, metadata=gate.metadata)


def _not_published(context: dg.AssetExecutionContext, gates: list[publish.Gate], failed: list[str], rejected: str,
                   report_path) -> Iterator:
    """A refused candidate: no materialisation (the published tables did not change), an observation
    per table saying so, and the gates' results; downstream assets are skipped."""
    said = (f"identity not published: gate(s) {', '.join(failed)} failed; the identity tables and the matching "
            f"state keep the last good version (the refused map is in {rejected})")
    context.log.error(said)
    for spec in context.assets_def.specs:
        yield dg.AssetObservation(asset_key=spec.key, metadata={
            "published": False, "failed_gates": ", ".join(failed), "refused_map": rejected,
            "report": dg.MetadataValue.path(str(report_path))})
    for gate in gates:
        yield dg.AssetCheckResult(asset_key=MAP_KEY, check_name=gate.name, passed=gate.passed,
                                  metadata={**gate.metadata, "published": False})


def _labels_metadata(learnt: dict | None) -> dict:
    """What the stewards' labels taught this run (nothing when there are none)."""
    if not learnt:
        return {}
    out = {"labelled_pairs": counts_markdown({k: learnt[k] for k in ("matches", "non_matches", "unsure",
                                                                      "unknown_records")}, ("labels", "pairs"))}
    for key in ("cv_precision", "cv_recall"):
        if learnt.get(key) is not None:
            out[f"labels_{key}"] = learnt[key]
    if learnt.get("corrections"):
        out["label_corrections_bits"] = counts_markdown(learnt["corrections"], ("level", "bits"))
    return out
