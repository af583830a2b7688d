"""What is in the warehouse: rows per layer and table, and quarantine reasons."""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

LAYERS = ("sources", "staging", "quarantine", "identity", "profiles", "segments", "activation", "analytics")


@dataclass(frozen=True)
class WarehouseSummary:
    tables: pd.DataFrame  # layer, table, rows
    rejects: pd.DataFrame  # source, rule, rows
    identity: dict | None = None  # records, customers, and accuracy against truth where known
    profiles: dict | None = None  # profiles, events, journey stages, golden-field accuracy where known
    activation: dict | None = None  # segment sizes, audience rows and suppressions

    def render(self) -> str:
        if self.tables.empty:
            return "The warehouse is empty: run the pipeline first."
        by = {(r.layer, r.table): r.rows for r in self.tables.itertuples()}
        sources = [t for (layer, t) in by if layer == "sources"]
        per_source = self.tables["table"].isin(sources)
        lines = ["Rows per layer (per-source tables):"]
        for layer, group in self.tables[per_source].groupby("layer", sort=False):
            lines.append(f"  {layer:<11} {group['rows'].sum():>11,} rows in {len(group)} tables")
        for r in self.tables[~per_source].itertuples():
            lines.append(f"  {r.layer + '.' + r.table:<23} {r.rows:>,} rows")
        lines.append("")
        lines.append(f"  {'source':<24}{'raw':>10}{'staged':>10}{'quarantined':>13}")
        for table in sources:
            staged, rejected = by.get(("staging", table), 0), by.get(("quarantine", table), 0)
            lines.append(f"  {table:<24}{by[('sources', table)]:>10,}{staged:>10,}{rejected:>13,}")
        if not self.rejects.empty:
            lines.append("")
            lines.append("Quarantined by rule:")
            for r in self.rejects.itertuples():
                lines.append(f"  {r.source:<24}{r.rule:<26}{r.rows:>7,}")
        if self.identity:
            i = self.identity
            lines += ["", f"Identity: {i['records']:,} records -> {i['customers']:,} customers"]
            if "precision" in i:
                lines.append(f"  against the ground truth: pairwise precision {i['precision']:.4f}, "
                             f"recall {i['recall']:.4f}")
        if self.profiles:
            p = self.profiles
            lines += ["", f"Profiles: {p['profiles']:,} golden profiles, {p['events']:,} events"]
            if p.get("stages"):
                lines.append("  journey stages: " + ", ".join(f"{k} {v:,}" for k, v in p["stages"].items()))
            if p.get("accuracy"):
                lines.append("  golden fields right against the ground truth: "
                             + ", ".join(f"{k} {v:.3f}" for k, v in p["accuracy"].items()))
        if self.activation:
            a = self.activation
            lines += ["", "Segments: " + ", ".join(f"{k} {v:,}" for k, v in a["segments"].items())]
            if "audience_rows" in a:
                lines.append(f"Audiences: {a['audience_rows']:,} rows in {a['audiences']} audiences; suppressed: "
                             + (", ".join(f"{k} {v:,}" for k, v in a["suppressed"].items()) or "none"))
        return "\n".join(lines)


def summarize(warehouse: str | Path) -> WarehouseSummary:
    if not Path(warehouse).exists():
        return WarehouseSummary(pd.DataFrame(columns=["layer", "table", "rows"]),
                                pd.DataFrame(columns=["source", "rule", "rows"]))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN (SELECT unnest(?)) ORDER BY 1, 2", [list(LAYERS)]).fetchall()  # views too
        rows = [(s, t, con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0]) for s, t in names]
        tables = pd.DataFrame(rows, columns=["layer", "table", "rows"])
        tables["order"] = tables["layer"].map(LAYERS.index)
        tables = tables.sort_values(["order", "table"]).drop(columns="order").reset_index(drop=True)
        quarantine = [t for s, t in names if s == "quarantine"]
        if quarantine:
            union = " UNION ALL ".join(f'SELECT source, rule FROM quarantine."{t}"' for t in quarantine)
            rejects = con.execute(f"SELECT source, rule, count(*) AS rows FROM ({union}) "
                                  "GROUP BY 1, 2 ORDER BY 1, 3 DESC").df()
        else:
            rejects = pd.DataFrame(columns=["source", "rule", "rows"])
        identity = _identity(con, {(s, t) for s, t in names})
        profiles = _profiles(con, {(s, t) for s, t in names})
        activation = _activation(con, {(s, t) for s, t in names})
    finally:
        con.close()
    return WarehouseSummary(tables, rejects, identity, profiles, activation)


def _activation(con: duckdb.DuckDBPyConnection, names: set[tuple[str, str]]) -> dict | None:
    if ("segments", "segment_members") not in names:
        return None
    out = {"segments": dict(con.execute("SELECT segment, count(*) FROM segments.segment_members "
                                        "GROUP BY 1 ORDER BY 2 DESC").fetchall())}
    if ("activation", "audience_members") in names:
        out["audience_rows"], out["audiences"] = con.execute(
            "SELECT count(*), count(DISTINCT audience) FROM activation.audience_members").fetchall()[0]
        out["suppressed"] = dict(con.execute("SELECT reason, count(*) FROM activation.suppressed "
                                             "GROUP BY 1 ORDER BY 2 DESC").fetchall())
    return out


def _profiles(con: duckdb.DuckDBPyConnection, names: set[tuple[str, str]]) -> dict | None:
    if ("profiles", "golden_profiles") not in names:
        return None
    out = {"profiles": con.execute("SELECT count(*) FROM profiles.golden_profiles").fetchall()[0][0],
           "events": (con.execute("SELECT count(*) FROM profiles.customer_events").fetchall()[0][0]
                      if ("profiles", "customer_events") in names else 0)}
    if ("profiles", "customer_traits") in names:
        out["stages"] = dict(con.execute("SELECT journey_stage, count(*) FROM profiles.customer_traits "
                                         "GROUP BY 1 ORDER BY 2 DESC").fetchall())
    if ("profiles", "profile_evaluation") in names:
        out["accuracy"] = dict(con.execute("SELECT field, accuracy FROM profiles.profile_evaluation "
                                           "WHERE field <> 'email_any' ORDER BY field").fetchall())
    return out


def _identity(con: duckdb.DuckDBPyConnection, names: set[tuple[str, str]]) -> dict | None:
    if ("identity", "customer_identity_map") not in names:
        return None
    records, customers = con.execute(
        "SELECT count(*), count(DISTINCT customer_id) FROM identity.customer_identity_map").fetchall()[0]
    out = {"records": records, "customers": customers}
    if ("identity", "match_evaluation") in names:
        out.update({k: v for k, v in con.execute("SELECT metric, value FROM identity.match_evaluation").fetchall()
                    if k in ("precision", "recall")})
    return out
