"""Channel audiences: one per segment x channel, one row per person, each suppression counted.

`build_audiences` turns segment members into `activation.audience_members` (who to contact, and
with which email / phone / address / hashed identifiers) and `activation.suppressed` (who not, and
why), both replaced in one transaction. For every audience, members = audience rows + suppressed
rows; for a multi-channel segment each member is assigned to exactly one of its audiences, so the
sum over them equals its members.

Who is reachable on each channel (consent rules are per channel in the config):
  email   a syntactically valid email that never bounced: the golden email, else the customer's
          best email contact point (primary, then most recently seen, most records, alphabetical).
  sms     a number *known* to be a mobile, in E.164: the golden `mobile`, else a phone contact point
          with detail 'mobile'. A number of type 'unknown' is not texted - +1 numbers do not say
          whether they are mobiles, and an SMS to a landline is lost.
  phone   any E.164 number: golden phone, mobile, landline, then the best phone contact point.
  mail    the golden address with every `required_address_fields` part (default line1, city,
          postcode), plus the name to address it to.
  social  SHA-256 of the normalised email and/or phone (the email and phone rules above, any
          phone type): at least one of them. No raw email, phone, name or address is written.
The pick is deterministic, so two emails or two records never give a person two rows.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from customer_unification.lib.activation.config import CHANNELS, ActivationConfig, load_activation_config, \
    segment_specs
from customer_unification.lib.activation.hashing import e164_sql, hash_email_sql, hash_phone_sql
from customer_unification.lib.activation.suppression import (CONTACT_HISTORY, REASONS, SUPPRESSION_LIST,
                                                             HashIdentifier, consent_ok_sql, consent_states_sql,
                                                             forgotten_customers, frequency_capped_sql,
                                                             load_listed_hashes, resolve_hasher, table_exists)
from customer_unification.lib.governance import IdentifierHasher
from customer_unification.lib.governance.key_fingerprint import check_key

SCHEMA = "activation"
AUDIENCE_MEMBERS = f"{SCHEMA}.audience_members"
SUPPRESSED = f"{SCHEMA}.suppressed"
ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "region", "postcode", "country")
# The contact columns each channel fills; every other contact column is NULL on its rows.
CHANNEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "sms": ("phone",),
    "phone": ("phone",),
    "mail": ("first_name", "last_name", *ADDRESS_FIELDS),
    "social": ("hashed_email", "hashed_phone"),
}
CONTACT_COLUMNS = ("email", "phone", "first_name", "last_name", *ADDRESS_FIELDS, "hashed_email", "hashed_phone")
AUDIENCE_MEMBER_COLUMNS = ("run_id", "identity_run_id", "audience", "segment", "channel", "campaign",
                           "customer_id", *CONTACT_COLUMNS)
SUPPRESSED_COLUMNS = ("run_id", "identity_run_id", "audience", "segment", "channel", "campaign",
                      "customer_id", "reason")
AUDIENCE_SEPARATOR = "__"
_EMAIL_SYNTAX = r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,63}"
_REGISTERED = ("act_requests", "act_forgotten")  # pandas frames
_TEMP = ("act_members", "act_people", "act_reach", "act_candidates", "act_capped", "act_email", "act_mobile",
         "act_phone")


def audience_name(segment: str, channel: str) -> str:
    return f"{segment}{AUDIENCE_SEPARATOR}{channel}"


@dataclass(frozen=True)
class AudienceCount:
    audience: str
    segment: str
    channel: str
    campaign: str | None
    multi_channel: bool
    assigned: int  # members put in this audience (a single-channel audience: all segment members)
    rows: int
    suppressed: dict[str, int]  # reason -> people; every reason present, zeros included


@dataclass(frozen=True)
class AudienceBuild:
    run_id: str
    identity_run_id: str
    built_at: dt.datetime
    audiences: list[AudienceCount]
    segment_members: dict[str, int]  # configured segment -> distinct members
    unconfigured_segments: dict[str, int] = field(default_factory=dict)  # members of segments without a spec
    forgotten_people: int = 0

    def reconciliation_problems(self) -> list[str]:
        """Where segment members != audience rows + suppressed rows; empty when everything adds up.

        A single-channel audience must account for every member of its segment; the audiences of a
        multi-channel segment together account for each member once.
        """
        problems = []
        for segment, members in self.segment_members.items():
            mine = [a for a in self.audiences if a.segment == segment]
            accounted = {a.audience: a.rows + sum(a.suppressed.values()) for a in mine}
            if mine and mine[0].multi_channel:
                if sum(accounted.values()) != members:
                    problems.append(f"{segment}: {members} members, its audiences account for {accounted}")
            else:
                problems += [f"{audience}: {members} members != {n} rows + suppressed"
                             for audience, n in accounted.items() if n != members]
        return problems


def build_audiences(
    con: duckdb.DuckDBPyConnection,
    members: str,
    segments: Iterable[Any] | Mapping[str, Any],
    config: ActivationConfig | None = None,
    *,
    run_id: str,
    identity_run_id: str,
    now: dt.datetime | None = None,
    hasher: IdentifierHasher | HashIdentifier | None = None,
    golden: str = "profiles.golden_profiles",
    contact_points: str = "profiles.contact_points",
    consent: str = "profiles.consent_ledger",
    traits: str = "profiles.customer_traits",
    identity_map: str = "identity.customer_identity_map",
    suppression_list: str = SUPPRESSION_LIST,
    contact_history: str = CONTACT_HISTORY,
    out_schema: str = SCHEMA,
    transaction: bool = True,
) -> AudienceBuild:
    """Build every audience of `segments` from the relation `members` (customer_id, segment).

    Replaces `<out_schema>.audience_members` and `<out_schema>.suppressed`. `now` anchors the
    frequency-cap window (default: the current time). A member the contact history (written by
    `export.record_contacts`) already holds for the same audience today is the same send again,
    so a retry or re-run - under any run id - never counts it twice.
    `hasher` is the governance identifier hash (default: the configured suppression key).
    `transaction=False`: the caller holds the open transaction the two tables are written in (and
    commits it only when its gates pass on them: write-audit-publish).
    """
    config = config or load_activation_config()
    specs = segment_specs(segments)
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        requests = _requests(specs, config)
        con.register("act_requests", requests)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE act_members AS
            SELECT DISTINCT m.customer_id, m.segment FROM {members} m
            WHERE m.customer_id IS NOT NULL AND m.segment IN (SELECT segment FROM act_requests)""")
        con.execute("CREATE OR REPLACE TEMP TABLE act_people AS SELECT DISTINCT customer_id FROM act_members")
        hash_identifier, listed = resolve_hasher(hasher), load_listed_hashes(con, suppression_list)
        if any(listed.values()):
            check_key(con, hash_identifier)  # a list hashed with another key would let forgotten people in
        forgotten = forgotten_customers(
            con, "act_people", hash_identifier=hash_identifier, listed=listed, contact_points=contact_points,
            golden=golden, identity_map=identity_map)
        con.register("act_forgotten", pd.DataFrame({"customer_id": sorted(forgotten)}, dtype=object))
        _reach(con, config, golden=golden, contact_points=contact_points, consent=consent,
               traits=traits if table_exists(con, traits) else None)
        _candidates(con, config)
        _drop_duplicate_contacts(con, config)
        if config.frequency_cap is not None:
            history = contact_history if table_exists(con, contact_history) else None
            capped = frequency_capped_sql("act_candidates", config.frequency_cap, history)
            con.execute(f"CREATE OR REPLACE TEMP TABLE act_capped AS {capped}", [now])
            con.execute("""UPDATE act_candidates c SET reason = 'frequency_cap' FROM act_capped x
                           WHERE c.audience = x.audience AND c.customer_id = x.customer_id""")
        _write(con, config, out_schema, run_id, identity_run_id, transaction)
        return _summary(con, requests, run_id, identity_run_id, now, members, len(forgotten))
    finally:
        # in the caller's transaction after an error it is aborted: its rollback drops them
        with contextlib.suppress(duckdb.TransactionException):
            for name in _REGISTERED:
                con.unregister(name)
            for name in _TEMP:
                con.execute(f"DROP TABLE IF EXISTS {name}")


def _requests(specs, config: ActivationConfig) -> pd.DataFrame:
    """One row per audience: segment x channel, with its ranks for the frequency cap."""
    names = sorted(s.name for s in specs)
    order = [s for s in config.priority if s in names] + [s for s in names if s not in config.priority]
    rows = []
    for spec in specs:
        setup = config.segments.get(spec.name)
        channels = setup.channels if setup else [spec.channel]
        for rank, channel in enumerate(channels):
            rows.append({"segment": spec.name, "channel": channel, "campaign": spec.campaign,
                         "audience": audience_name(spec.name, channel),
                         "multi_channel": bool(setup and setup.multi_channel),
                         "segment_rank": order.index(spec.name), "channel_rank": rank})
    columns = ["segment", "channel", "campaign", "audience", "multi_channel", "segment_rank", "channel_rank"]
    return pd.DataFrame(rows, columns=columns).astype({"campaign": object})


def _ranked_pick(candidates: str, order: str) -> str:
    """SQL: per member, the first value of `candidates` (customer_id, value, ...) in `order`."""
    return f"""SELECT customer_id, value FROM (
        SELECT customer_id, value, row_number() OVER (PARTITION BY customer_id ORDER BY {order}) AS pick
        FROM ({candidates}) c WHERE value IS NOT NULL AND customer_id IN (SELECT customer_id FROM act_people))
        WHERE pick = 1"""


def _reach(con, config: ActivationConfig, *, golden: str, contact_points: str, consent: str,
           traits: str | None) -> None:
    """act_reach: per member, the chosen contact values per channel, consent states and flags."""
    best = "tier, is_primary DESC NULLS LAST, last_seen DESC NULLS LAST, n_records DESC NULLS LAST, value"
    emails = f"""
        SELECT customer_id, trim(email) AS value, 0 AS tier, NULL::BOOLEAN AS is_primary,
               NULL::TIMESTAMPTZ AS last_seen, NULL::BIGINT AS n_records FROM {golden}
        UNION ALL SELECT customer_id, trim(value), 1, is_primary, last_seen, n_records
                  FROM {contact_points} WHERE kind = 'email'"""
    valid_emails = f"""SELECT * FROM ({emails}) WHERE regexp_full_match(value, '{_EMAIL_SYNTAX}')
        AND lower(value) NOT IN (SELECT lower(trim(value)) FROM {contact_points}
                                 WHERE kind = 'email' AND detail = 'bounced')"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE act_email AS {_ranked_pick(valid_emails, best)}")
    phones = f"""
        SELECT customer_id, {e164_sql('phone')} AS value, 0 AS tier, NULL::BOOLEAN AS is_primary,
               NULL::TIMESTAMPTZ AS last_seen, NULL::BIGINT AS n_records, NULL AS detail FROM {golden}
        UNION ALL SELECT customer_id, {e164_sql('mobile')}, 1, NULL, NULL, NULL, 'mobile' FROM {golden}
        UNION ALL SELECT customer_id, {e164_sql('landline')}, 2, NULL, NULL, NULL, 'landline' FROM {golden}
        UNION ALL SELECT customer_id, {e164_sql('value')}, 3, is_primary, last_seen, n_records, detail
                  FROM {contact_points} WHERE kind = 'phone'"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE act_phone AS {_ranked_pick(phones, best)}")
    mobiles = f"SELECT * FROM ({phones}) WHERE detail = 'mobile'"
    con.execute(f"CREATE OR REPLACE TEMP TABLE act_mobile AS {_ranked_pick(mobiles, best)}")
    mail = config.channels.mail
    has_address = " AND ".join(f"nullif(trim(g.{f}), '') IS NOT NULL" for f in mail.required_address_fields)
    address = ", ".join(f"CASE WHEN {has_address} THEN g.{f} END AS {f}" for f in ADDRESS_FIELDS)
    preferred = "t.preferred_channel" if traits else "NULL::VARCHAR"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE act_reach AS
        SELECT p.customer_id, e.value AS email, mob.value AS mobile, ph.value AS phone,
               g.first_name, g.last_name, {address}, coalesce({has_address}, false) AS has_address,
               c.consent_email, c.consent_sms, c.consent_phone, c.consent_mail, c.consent_social,
               p.customer_id IN (SELECT customer_id FROM act_forgotten) AS forgotten,
               {preferred} AS preferred_channel
        FROM act_people p
        LEFT JOIN {golden} g USING (customer_id)
        LEFT JOIN act_email e USING (customer_id)
        LEFT JOIN act_mobile mob USING (customer_id)
        LEFT JOIN act_phone ph USING (customer_id)
        LEFT JOIN ({consent_states_sql(consent, 'act_people')}) c USING (customer_id)
        {f'LEFT JOIN {traits} t USING (customer_id)' if traits else ''}""")


_HAS_CONTACT = {
    "email": "r.email IS NOT NULL",
    "sms": "r.mobile IS NOT NULL",
    "phone": "r.phone IS NOT NULL",
    "mail": "r.has_address",
    "social": "(r.email IS NOT NULL OR r.phone IS NOT NULL)",  # hashed on writing: kept rows only
}


def _candidates(con, config: ActivationConfig) -> None:
    """act_candidates: every member in each audience it is assigned to, with a reason or NULL (kept)."""
    consent_ok = " ".join(f"WHEN '{ch}' THEN {consent_ok_sql(getattr(config.channels, ch).consent, f'r.consent_{ch}')}"
                          for ch in CHANNELS)
    has_contact = " ".join(f"WHEN '{ch}' THEN {cond}" for ch, cond in _HAS_CONTACT.items())
    con.execute(f"""CREATE OR REPLACE TEMP TABLE act_candidates AS
        WITH pairs AS (
          SELECT m.customer_id, q.segment, q.channel, q.campaign, q.audience, q.multi_channel,
                 q.segment_rank, q.channel_rank, r.forgotten, r.preferred_channel,
                 CASE q.channel {consent_ok} END AS consent_ok, CASE q.channel {has_contact} END AS has_contact
          FROM act_members m JOIN act_requests q USING (segment) JOIN act_reach r USING (customer_id)),
        assigned AS (  -- multi-channel: the preferred channel that reaches them, else the first that does
          SELECT *, row_number() OVER (PARTITION BY customer_id, segment ORDER BY
                      (consent_ok AND has_contact AND NOT forgotten) DESC,
                      channel IS NOT DISTINCT FROM preferred_channel DESC, channel_rank) AS choice
          FROM pairs)
        SELECT customer_id, segment, channel, campaign, audience, multi_channel, segment_rank, channel_rank,
               CASE WHEN forgotten THEN 'forgotten' WHEN NOT consent_ok THEN 'no_consent'
                    WHEN NOT has_contact THEN 'no_valid_contact' END AS reason
        FROM assigned WHERE NOT multi_channel OR choice = 1""")


def _drop_duplicate_contacts(con, config: ActivationConfig) -> None:
    """Within an audience, one row per contact value: the lowest customer_id keeps it.

    Two customers can share an email, a number or a name at one address because identity left
    one person as two (a nickname it could not reconcile); they must still get one message.
    """
    social = config.channels.social.phone_format
    keys = {"email": ["lower(r.email)"], "sms": ["r.mobile"], "phone": ["r.phone"],
            "mail": ["lower(concat_ws('|', r.address_line1, r.postcode, r.last_name, r.first_name))"],
            "social": [hash_email_sql("r.email"), hash_phone_sql("r.phone", social)]}
    for channel, expressions in keys.items():
        for key in expressions:
            con.execute(f"""
                UPDATE act_candidates c SET reason = 'duplicate_contact' FROM (
                    SELECT c.audience, c.customer_id, row_number() OVER (
                        PARTITION BY c.audience, {key} ORDER BY c.customer_id) AS nth
                    FROM act_candidates c JOIN act_reach r USING (customer_id)
                    WHERE c.channel = '{channel}' AND c.reason IS NULL AND {key} IS NOT NULL) d
                WHERE d.nth > 1 AND c.audience = d.audience AND c.customer_id = d.customer_id""")


def _write(con, config: ActivationConfig, schema: str, run_id: str, identity_run_id: str,
           transaction: bool = True) -> None:
    values = {"phone": "CASE c.channel WHEN 'sms' THEN r.mobile ELSE r.phone END",
              "hashed_email": hash_email_sql("r.email"),
              "hashed_phone": hash_phone_sql("r.phone", config.channels.social.phone_format)}

    def contact(column: str) -> str:
        channels = [ch for ch, cols in CHANNEL_COLUMNS.items() if column in cols]
        value = values.get(column, f"r.{column}")
        return f"CASE WHEN c.channel IN ({', '.join(repr(ch) for ch in channels)}) THEN {value} END AS {column}"

    # who is in and who is left out, together: one transaction, so a failure (or kill -9) between the
    # two leaves both tables of the previous build, never this run's members beside its suppressions
    if not transaction:  # the caller's, open
        _replace_tables(con, schema, run_id, identity_run_id, contact)
        return
    con.execute("BEGIN TRANSACTION")
    try:
        _replace_tables(con, schema, run_id, identity_run_id, contact)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _replace_tables(con, schema: str, run_id: str, identity_run_id: str, contact) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"""CREATE OR REPLACE TABLE {schema}.audience_members AS
        SELECT $1::VARCHAR AS run_id, $2::VARCHAR AS identity_run_id, c.audience, c.segment, c.channel, c.campaign,
               c.customer_id, {', '.join(contact(col) for col in CONTACT_COLUMNS)}
        FROM act_candidates c JOIN act_reach r USING (customer_id)
        WHERE c.reason IS NULL ORDER BY c.audience, c.customer_id""", [run_id, identity_run_id])
    con.execute(f"""CREATE OR REPLACE TABLE {schema}.suppressed AS
        SELECT $1::VARCHAR AS run_id, $2::VARCHAR AS identity_run_id, audience, segment, channel, campaign,
               customer_id, reason
        FROM act_candidates WHERE reason IS NOT NULL ORDER BY audience, customer_id""", [run_id, identity_run_id])


def _summary(con, requests: pd.DataFrame, run_id, identity_run_id, now, members, n_forgotten) -> AudienceBuild:
    counts = con.sql("""SELECT audience, coalesce(reason, '') AS reason, count(*) AS n
                        FROM act_candidates GROUP BY ALL""").fetchall()
    by_audience: dict[str, dict[str, int]] = {}
    for audience, reason, n in counts:
        by_audience.setdefault(audience, {})[reason] = n
    audiences = []
    for q in requests.itertuples():
        got = by_audience.get(q.audience, {})
        audiences.append(AudienceCount(
            audience=q.audience, segment=q.segment, channel=q.channel, campaign=q.campaign,
            multi_channel=bool(q.multi_channel), assigned=sum(got.values()), rows=got.get("", 0),
            suppressed={reason: got.get(reason, 0) for reason in REASONS}))
    segment_members = dict(con.sql("SELECT segment, count(DISTINCT customer_id) FROM act_members GROUP BY ALL")
                           .fetchall())
    segment_members = {s: segment_members.get(s, 0) for s in requests["segment"].unique()}
    unconfigured = dict(con.sql(f"""SELECT segment, count(DISTINCT customer_id) FROM {members}
        WHERE segment NOT IN (SELECT segment FROM act_requests) GROUP BY ALL ORDER BY ALL""").fetchall())
    return AudienceBuild(run_id=run_id, identity_run_id=identity_run_id, built_at=now, audiences=audiences,
                         segment_members=segment_members, unconfigured_segments=unconfigured,
                         forgotten_people=n_forgotten)


# --- metadata helpers: read the written tables (counts only, no personal data) ---

def audience_sizes(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> pd.DataFrame:
    """audience, segment, channel, campaign, rows, suppressed, members (= rows + suppressed)."""
    return con.sql(f"""
        WITH kept AS (SELECT audience, any_value(segment) AS segment, any_value(channel) AS channel,
                             any_value(campaign) AS campaign, count(*) AS rows
                      FROM {schema}.audience_members GROUP BY ALL),
             dropped AS (SELECT audience, any_value(segment) AS segment, any_value(channel) AS channel,
                                any_value(campaign) AS campaign, count(*) AS suppressed
                         FROM {schema}.suppressed GROUP BY ALL)
        SELECT audience, coalesce(k.segment, d.segment) AS segment, coalesce(k.channel, d.channel) AS channel,
               coalesce(k.campaign, d.campaign) AS campaign, coalesce(rows, 0) AS rows,
               coalesce(suppressed, 0) AS suppressed, coalesce(rows, 0) + coalesce(suppressed, 0) AS members
        FROM kept k FULL JOIN dropped d USING (audience) ORDER BY audience""").df()


def suppression_counts(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> pd.DataFrame:
    """One row per audience, one column per reason (zeros included)."""
    long = con.sql(f"SELECT audience, reason, count(*) AS n FROM {schema}.suppressed GROUP BY ALL").df()
    audiences = con.sql(f"""SELECT audience FROM {schema}.audience_members UNION
                            SELECT audience FROM {schema}.suppressed ORDER BY 1""").df()["audience"]
    wide = long.pivot(index="audience", columns="reason", values="n") if len(long) else pd.DataFrame()
    return wide.reindex(index=audiences, columns=list(REASONS)).fillna(0).astype("int64").rename_axis(
        index="audience", columns=None)


def audience_overlap(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> pd.DataFrame:
    """Square matrix: people in both audiences (the diagonal: audience size)."""
    pairs = con.sql(f"""SELECT a.audience AS left, b.audience AS right, count(*) AS n
        FROM {schema}.audience_members a JOIN {schema}.audience_members b USING (customer_id)
        GROUP BY ALL""").df()
    names = list(con.sql(f"""SELECT audience FROM {schema}.audience_members UNION
                             SELECT audience FROM {schema}.suppressed ORDER BY 1""").df()["audience"])
    if not len(pairs):
        return pd.DataFrame(index=pd.Index(names, name="audience"), columns=names, dtype="int64")
    matrix = pairs.pivot(index="left", columns="right", values="n")
    return matrix.reindex(index=names, columns=names).fillna(0).astype("int64").rename_axis(
        index="audience", columns=None)


def overlap_markdown(matrix: pd.DataFrame) -> str:
    """The overlap matrix as a markdown table (for Dagster metadata)."""
    names = list(matrix.columns)
    lines = ["| audience | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for name, row in matrix.iterrows():
        lines.append(f"| {name} | " + " | ".join(str(int(v)) for v in row) + " |")
    return "\n".join(lines)
