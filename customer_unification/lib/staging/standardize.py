"""Standardise one source's raw table into the canonical staging schema, quarantining bad rows.

Two kinds of problem, handled differently:
- *hard rules* make a row untrustworthy as a whole (no record key, a date that cannot be read
  or is impossible, an unmapped event type, no identifying field at all ...): the row goes to
  quarantine with the rule and a readable reason, never into the clean table;
- *field issues* make one value unusable (an invalid email on an otherwise good CRM row): the
  value becomes NULL, the row stays, and `dq_flags` says what was dropped and why.
Every raw row ends up in exactly one of the two outputs: raw = clean + quarantined.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from collections.abc import Callable
from functools import partial
from operator import itemgetter

import pandas as pd

from customer_unification.lib.normalize import (
    canonical_first_name,
    clean_free_text,
    clean_text,
    normalize_city,
    normalize_country,
    normalize_email,
    normalize_handle,
    normalize_name_part,
    normalize_phone,
    normalize_postcode,
    normalize_region,
    normalize_street,
    parse_date,
    parse_date_series,
    parse_full_name,
    parse_timestamp,
    parse_timestamp_series,
)
from customer_unification.lib.normalize.dates import BEYOND_NS
from customer_unification.lib.sources.canonical import (
    CHANNELS,
    GENDERS,
    INPUT_FIELDS,
    PERSON_EVIDENCE,
    STAGED_COLUMNS,
    FieldKind,
)
from customer_unification.lib.sources.contracts import FieldSpec, SourceContract
from customer_unification.lib.sources.readers import META_COLUMNS, PARTITION_COLUMN
from customer_unification.lib.staging import limits
from customer_unification.lib.staging.extract import FieldExtractor, map_distinct, nulls
from customer_unification.lib.staging.record_keys import record_keys

EARLIEST_BIRTH_DATE = pd.Timestamp("1900-01-01")
EARLIEST_TIMESTAMP = pd.Timestamp("1970-01-01", tz="UTC")
LINEAGE_COLUMNS = ["source_file", "source_line"]
QUARANTINE_COLUMNS = [
    "source", "source_record_id", "rule", "reasons", "source_file", "source_line", "raw_record",
    "quarantined_at",
]
# Order in which rules are reported when a row breaks several (the first is `rule`).
RULES = (
    "unparseable_record", "missing_record_key", "record_key_too_long", "invalid_date", "date_out_of_range",
    "invalid_timestamp", "timestamp_out_of_range", "unmapped_value", "missing_required",
    "no_identifying_fields", "duplicate_record_key",
)
_SEP = "\x1f"  # joins (value, country) into one lookup key
NAME_PARTS = ("title", "first_name", "middle_name", "last_name", "name_suffix")
_GENDER_CODES = {"f": "female", "female": "female", "w": "female", "woman": "female",
                 "m": "male", "male": "male", "man": "male", "x": "other", "other": "other",
                 "nonbinary": "other", "non-binary": "other"}


@dataclass
class StagingResult:
    clean: pd.DataFrame
    quarantine: pd.DataFrame
    field_issues: dict[str, int] = field(default_factory=dict)  # dq flag -> rows affected

    @property
    def rejects_by_rule(self) -> dict[str, int]:
        return rejects_by_rule(self.quarantine)


def rejects_by_rule(quarantine: pd.DataFrame) -> dict[str, int]:
    """Quarantined rows per rule."""
    return {str(k): int(v) for k, v in quarantine["rule"].value_counts().items()}


class _Problems:
    """Collects hard-rule failures (row masks + readable reasons) and field issues."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.hard: dict[str, list[pd.Series]] = {}
        self.flags: list[pd.Series] = []  # each: flag text where the value was dropped

    def reject(self, rule: str, mask: pd.Series, reason: Callable[[pd.Index], pd.Series] | str) -> None:
        """`reason` is a text, or builds the texts for just the failing rows (cheap on big tables)."""
        self.hard.setdefault(rule, []).append(self._texts(mask, reason))

    def flag(self, mask: pd.Series, text: Callable[[pd.Index], pd.Series] | str) -> None:
        self.flags.append(self._texts(mask, text))

    def _texts(self, mask: pd.Series, text) -> pd.Series:
        failing = mask[mask.fillna(False).astype(bool)].index
        out = nulls(self.index)
        if len(failing):
            out.loc[failing] = text(failing) if callable(text) else text
        return out

    def rejected(self) -> pd.Series:
        mask = pd.Series(False, index=self.index)
        for reasons in self.hard.values():
            for r in reasons:
                mask |= r.notna()
        return mask


def standardize(raw: pd.DataFrame, contract: SourceContract, *,
                loaded_at: dt.datetime | None = None, today: dt.date | None = None) -> StagingResult:
    """Map, normalise and validate a raw source table (see module docstring)."""
    loaded_at = loaded_at or dt.datetime.now(dt.timezone.utc)
    today = pd.Timestamp(today or loaded_at.date())
    problems = _Problems(raw.index)
    conv = contract.conventions

    problems.reject("unparseable_record", raw["_error"].notna(), lambda i: raw["_error"][i])
    out: dict[str, pd.Series] = {"source": pd.Series(contract.name, index=raw.index, dtype=object)}
    out["source_record_id"] = _record_key(raw, contract, problems)

    fields = FieldExtractor(raw)
    for name, spec in contract.fields.items():
        kind = INPUT_FIELDS[name]
        values = _within_limit(name, limits.limit_for(kind), fields.values(spec), problems)
        if kind is FieldKind.FULL_NAME:
            out.update(_full_name(values, spec, contract))
        elif kind is FieldKind.EMAIL:
            out.update(_email(values, problems))
        elif kind is FieldKind.PHONE:
            out.update(_phone(values, conv.phone_region, problems))
        elif kind is FieldKind.DATE:
            out[name] = _date(name, values, spec, contract, today, problems)
        elif kind is FieldKind.TIMESTAMP:
            out[name] = _timestamp(name, values, spec, contract, loaded_at, problems)
        else:
            out[name] = _simple(name, kind, values, spec, problems)

    for name, spec in contract.attributes.items():
        values = _within_limit(f"attr_{name}", limits.limit_for(None), fields.values(spec), problems)
        out[f"attr_{name}"] = map_distinct(values, clean_free_text)  # a page "/" is a value, "---" is not

    _address(out, contract)
    _derive(out, raw.index)
    _required_and_evidence(out, contract, problems)
    out["source_file"], out["source_line"] = raw["_file"], raw["_line"]

    rejected = problems.rejected()
    dup = out["source_record_id"].notna() & ~rejected & out["source_record_id"].where(~rejected).duplicated()
    problems.reject("duplicate_record_key", dup, "record key already seen earlier in this source")
    rejected |= dup

    out["dq_flags"] = _join_flags(problems.flags, raw.index)
    out["loaded_at"] = pd.Series(pd.Timestamp(loaded_at), index=raw.index)
    frame = pd.DataFrame(out, index=raw.index)
    columns = STAGED_COLUMNS + sorted(c for c in frame.columns if c.startswith("attr_")) + LINEAGE_COLUMNS
    for col in columns:
        if col not in frame.columns:
            frame[col] = None
    clean = frame.loc[~rejected, columns].reset_index(drop=True)
    _set_dtypes(clean)
    quarantine = _quarantine_rows(raw, frame, rejected, problems, contract, loaded_at)
    if PARTITION_COLUMN in raw.columns:  # a partitioned source: both tables keep each row's day
        clean[PARTITION_COLUMN] = raw.loc[~rejected, PARTITION_COLUMN].to_numpy()
        quarantine[PARTITION_COLUMN] = raw.loc[rejected, PARTITION_COLUMN].to_numpy()
    issues = count_flags(clean["dq_flags"])
    return StagingResult(clean=clean, quarantine=quarantine, field_issues=issues)


# --- record key ------------------------------------------------------------------------------


def _record_key(raw: pd.DataFrame, contract: SourceContract, problems: _Problems) -> pd.Series:
    """The declared record key, else the fallback key (record_keys.py); a row with neither is quarantined."""
    keys = record_keys(raw, contract)
    why = [f"record key ({'+'.join(contract.record_key)}) is empty"] if contract.record_key else []
    why += [f"fallback key ({'+'.join(contract.fallback_key)}) is incomplete"] if contract.fallback_key else []
    problems.reject("missing_record_key", keys.missing & raw["_error"].isna(), " and its ".join(why))
    problems.reject("record_key_too_long", keys.too_long,
                    f"record key ({'+'.join(contract.record_key)}) is longer than {limits.FIELD_LIMIT} characters")
    return keys.key


# --- field kinds -----------------------------------------------------------------------------


def _within_limit(name: str, limit: int | None, values: pd.Series, problems: _Problems) -> pd.Series:
    """`values` without those longer than `limit`, which are flagged (see limits.py); values
    holding control characters are flagged too (staging will replace them)."""
    controlled = limits.has_control_characters(values)
    if controlled.any():
        problems.flag(controlled, limits.control_flag(name))
    if limit is None:
        return values
    long = limits.too_long(values, limit)
    if not long.any():
        return values
    problems.flag(long, limits.flag(name, limit))
    return values.where(~long, None)


def _full_name(values: pd.Series, spec: FieldSpec, contract: SourceContract) -> dict:
    parsed = map_distinct(values, partial(parse_full_name, last_first=spec.last_first))
    parts = {}
    for i, part in enumerate(NAME_PARTS):
        # An explicitly mapped column wins; the full name only fills its gaps (see _derive).
        key = f"_fallback_{part}" if part in contract.fields else part
        parts[key] = parsed.map(itemgetter(i), na_action="ignore").astype(object)
    return parts


def _email(values: pd.Series, problems: _Problems) -> dict:
    results = map_distinct(values, normalize_email)
    get = lambda i: results.map(itemgetter(i), na_action="ignore").astype(object)  # noqa: E731
    error = get(3)
    problems.flag(error.notna(), lambda i: "email:" + error[i])
    return {"email": get(0), "email_match_key": get(1), "email_domain": get(2)}


def _phone(values: pd.Series, region: str, problems: _Problems) -> dict:
    results = map_distinct(values, partial(normalize_phone, default_region=region))
    get = lambda i: results.map(itemgetter(i), na_action="ignore").astype(object)  # noqa: E731
    error = get(2)
    problems.flag(error.notna(), lambda i: "phone:" + error[i])
    return {"phone": get(0), "phone_type": get(1)}


def _date(name: str, values: pd.Series, spec: FieldSpec, contract: SourceContract,
          today: pd.Timestamp, problems: _Problems) -> pd.Series:
    conv = contract.conventions
    fmt = spec.format or conv.date_format
    dayfirst = spec.dayfirst if spec.dayfirst is not None else conv.dayfirst
    parsed, errors = parse_date_series(values, fmt, dayfirst=dayfirst, pivot=conv.two_digit_year_pivot)
    beyond = errors == BEYOND_NS  # a real date (year 2999) that datetime64 cannot hold: out of range
    problems.reject("invalid_date", errors.notna() & ~beyond,
                    lambda i: name + ": '" + values[i].astype(str) + "' is " + errors[i] + f" (format {fmt})")
    too_early = EARLIEST_BIRTH_DATE if name == "date_of_birth" else pd.Timestamp("1970-01-01")
    out_of_range = parsed.notna() & ((parsed < too_early) | (parsed > today))
    read = partial(parse_date, fmt=fmt, dayfirst=dayfirst, pivot=conv.two_digit_year_pivot)
    problems.reject("date_out_of_range", out_of_range | beyond,
                    lambda i: name + ": " + parsed[i].dt.strftime("%Y-%m-%d").where(
                        ~beyond[i], map_distinct(values[i], lambda v: read(v).isoformat()))
                    + f" is outside {too_early.date()}..{today.date()}")
    return parsed.where(~out_of_range)


def _timestamp(name: str, values: pd.Series, spec: FieldSpec, contract: SourceContract,
               loaded_at: dt.datetime, problems: _Problems) -> pd.Series:
    conv = contract.conventions
    fmt = spec.format or conv.timestamp_format
    dayfirst = spec.dayfirst if spec.dayfirst is not None else conv.dayfirst
    parsed, errors = parse_timestamp_series(values, fmt, tz=conv.timezone, dayfirst=dayfirst)
    beyond = errors == BEYOND_NS  # a real instant (year 2999) that datetime64 cannot hold: out of range
    problems.reject("invalid_timestamp", errors.notna() & ~beyond,
                    lambda i: name + ": '" + values[i].astype(str) + "' is " + errors[i] + f" (format {fmt})")
    latest = pd.Timestamp(loaded_at) + pd.Timedelta(days=1)
    out_of_range = parsed.notna() & ((parsed < EARLIEST_TIMESTAMP) | (parsed > latest))
    read = partial(parse_timestamp, fmt=fmt, tz=conv.timezone, dayfirst=dayfirst)
    problems.reject("timestamp_out_of_range", out_of_range | beyond,
                    lambda i: name + ": " + parsed[i].astype(str).where(
                        ~beyond[i], map_distinct(values[i], lambda v: str(read(v))))
                    + f" is outside 1970-01-01..{latest.date()}")
    return parsed.where(~out_of_range)


def _simple(name: str, kind: FieldKind, values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    if kind is FieldKind.NAME:
        return map_distinct(values, normalize_name_part)
    if kind is FieldKind.HANDLE:
        result = map_distinct(values, normalize_handle)
    elif kind in (FieldKind.AMOUNT, FieldKind.INTEGER):
        cleaned = values.str.replace(r"[\s,$£€]", "", regex=True) if values.notna().any() else values
        result = pd.to_numeric(cleaned, errors="coerce")
        if kind is FieldKind.INTEGER:
            whole = result.notna() & (result % 1 == 0)
            result = result.where(whole).astype("Int64")
        result = result.astype(object).where(result.notna(), None)
    elif kind is FieldKind.CONSENT:
        result = _coded(values, _consent_codes(spec))
    elif kind is FieldKind.ENUM:
        return _enum(name, values, spec, problems)
    elif kind in (FieldKind.STREET, FieldKind.CITY):
        result = map_distinct(values, normalize_street if kind is FieldKind.STREET else normalize_city)
    else:  # ID, TEXT; region/postcode/country are finished in _address, once the country is known
        return map_distinct(values, clean_text)
    present = map_distinct(values, clean_text).notna()
    problems.flag(present & result.isna(), f"{name}:invalid")
    return result


def _enum(name: str, values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    cleaned = map_distinct(values, _lower_code)
    if spec.map:
        codes = {str(k).strip().lower(): v for k, v in spec.map.items()}
    elif name == "gender":
        codes = _GENDER_CODES
    else:
        codes = None
    result = cleaned.map(codes, na_action="ignore").astype(object) if codes is not None else cleaned
    allowed = CHANNELS if name == "channel" else GENDERS if name == "gender" else None
    if allowed is not None:
        result = result.where(result.isin(allowed), None)
    bad = cleaned.notna() & result.isna()
    if name == "gender":
        problems.flag(bad, "gender:unmapped")
    else:  # an event we cannot classify is not trustworthy as an event
        problems.reject("unmapped_value", bad, lambda i: name + ": '" + cleaned[i] + "' is not a declared value")
    return result


def _consent_codes(spec: FieldSpec) -> dict[str, str]:
    codes = {str(v).strip().lower(): "granted" for v in spec.granted or []}
    codes.update({str(v).strip().lower(): "denied" for v in spec.denied or []})
    return codes


def _coded(values: pd.Series, codes: dict[str, str]) -> pd.Series:
    return map_distinct(values, partial(_code_of, codes))


# Small helpers for map_distinct (named, so profiles and tracebacks say what ran).
def _lower_code(value: str) -> str | None:
    return (clean_text(value) or "").lower() or None


def _code_of(codes: dict[str, str], value: str) -> str | None:
    return codes.get(_lower_code(value) or "")


def _with_country(func, pair: str):
    value, country = pair.split(_SEP)
    return func(value or None, country or None)


# --- address, derived columns, row-level rules ----------------------------------------------


def _address(out: dict, contract: SourceContract) -> None:
    """Country first (declared default where unmapped), then region and postcode per country."""
    index = out["source"].index
    has_address = pd.Series(False, index=index)
    for col in ("address_line1", "city", "region", "postcode"):
        if col in out:
            has_address |= out[col].notna()
    default = contract.conventions.country
    if "country" in out:
        country = map_distinct(out["country"], normalize_country)
        out["country"] = country.where(country.notna() | ~has_address, default)
    elif default:
        out["country"] = pd.Series(default, index=index, dtype=object).where(has_address, None)
    country = out.get("country", pd.Series(default, index=index, dtype=object)).fillna(default or "")
    for col, func in (("region", normalize_region), ("postcode", normalize_postcode)):
        if col in out:  # normalise each distinct (value, country) pair once
            pairs = out[col] + _SEP + country
            out[col] = map_distinct(pairs, partial(_with_country, func))


def _derive(out: dict, index: pd.Index) -> None:
    for part in NAME_PARTS:
        fallback = out.pop(f"_fallback_{part}", None)
        if fallback is not None:
            out[part] = out[part].where(out[part].notna(), fallback)
    if "first_name" in out:
        out["first_name_canonical"] = map_distinct(out["first_name"], canonical_first_name)
    if "date_of_birth" in out and "birth_year" not in out:
        dob = out["date_of_birth"]
        out["birth_year"] = dob.dt.year.astype("Int64").astype(object).where(dob.notna(), None)


def _required_and_evidence(out: dict, contract: SourceContract, problems: _Problems) -> None:
    index = out["source"].index
    for name in contract.required:
        # a required full name is satisfied by either parsed part ("Madonna" has no surname)
        present = out["first_name"].notna() | out["last_name"].notna() if name == "full_name" else out[name].notna()
        problems.reject("missing_required", ~present, f"required field '{name}' is missing or invalid")
    evidence = pd.Series(False, index=index)
    for col in PERSON_EVIDENCE:
        if col in out:
            evidence |= out[col].notna()
    problems.reject("no_identifying_fields", ~evidence, "no field that could identify a person")


def _join_flags(flags: list[pd.Series], index: pd.Index, sep: str = ";") -> pd.Series:
    """Join per-row texts (only the few rows that have any are touched)."""
    joined = nulls(index)
    for texts in flags:
        texts = texts.reindex(index)
        both = joined.notna() & texts.notna()
        previous, joined = joined, joined.where(texts.isna(), texts)
        if both.any():
            joined[both] = previous[both].str.cat(texts[both], sep=sep)
    return joined


def count_flags(flags: pd.Series) -> dict[str, int]:
    """Rows per dq flag (a row with several flags counts for each)."""
    present = flags.dropna()
    if present.empty:
        return {}
    counts = present.str.split(";").explode().value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _set_dtypes(frame: pd.DataFrame) -> None:
    """Typed columns for dates, amounts and counts; None (never NaN) as the null of text columns."""
    for col in frame.columns:
        if frame[col].dtype == object:
            values = frame[col].to_numpy()
            missing = pd.isna(values)
            if missing.any():  # NaN and None alike -> None (numpy: much cheaper than Series.where)
                values = values.copy()
                values[missing] = None
                frame[col] = values
    for name, kind in INPUT_FIELDS.items():
        if name not in frame.columns:
            continue
        if kind is FieldKind.DATE and frame[name].dtype != "datetime64[ns]":
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        elif kind is FieldKind.TIMESTAMP and frame[name].dtype != "datetime64[ns, UTC]":
            frame[name] = pd.to_datetime(frame[name], utc=True)
        elif kind is FieldKind.AMOUNT:
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        elif kind is FieldKind.INTEGER:
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
    frame["source_line"] = frame["source_line"].astype("int64")


def _quarantine_rows(raw: pd.DataFrame, frame: pd.DataFrame, rejected: pd.Series, problems: _Problems,
                     contract: SourceContract, loaded_at: dt.datetime) -> pd.DataFrame:
    if not rejected.any():  # typed, so an empty quarantine table has the same column types as a full one
        types = {"source_line": "int64", "quarantined_at": "datetime64[ns, UTC]"}
        return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in QUARANTINE_COLUMNS})
    idx = rejected[rejected].index
    rule = nulls(idx)
    reasons: list[pd.Series] = []
    for name in RULES:  # first rule in priority order names the row; all reasons are kept
        for text in problems.hard.get(name, []):
            text = text.loc[idx]
            rule = rule.where(rule.notna() | text.isna(), name)
            reasons.append(text.where(text.isna(), name + ": " + text.astype(str)))
    reason_text = _join_flags(reasons, idx, sep=" | ")
    data_cols = [c for c in raw.columns if c not in META_COLUMNS and c != PARTITION_COLUMN]
    raw_record = raw.loc[idx].apply(
        lambda r: r["_raw"] if r["_raw"] is not None and r["_raw"] == r["_raw"]
        else json.dumps({c: r[c] for c in data_cols if r[c] is not None and r[c] == r[c]}, ensure_ascii=False),
        axis=1,
    )
    return pd.DataFrame({
        "source": contract.name,
        "source_record_id": frame.loc[idx, "source_record_id"],
        "rule": rule,
        "reasons": reason_text,
        "source_file": raw.loc[idx, "_file"],
        "source_line": raw.loc[idx, "_line"].astype("int64"),
        "raw_record": raw_record,
        "quarantined_at": pd.Timestamp(loaded_at),
    }).reset_index(drop=True)


