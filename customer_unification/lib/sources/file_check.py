"""Read a sample of each declared source and say what staging would make of it, before any run.

`load_contracts` checks the YAML's shape and `preflight` that locations resolve; neither reads a
record, so a misspelt column, a date format that quarantines every row or event types no segment
counts only show up after a full run. This reads a sample of each source (up to `max_files` of its
files, `sample_rows` records spread over them), runs staging's own `standardize` on it - so every
rate below is what staging will do - and reports per source:

- the files the location resolved to, and every declared column the files do not have (with the
  nearest column they do have);
- per field: how many sampled records hold a value and how many of those staging keeps, with
  examples of the failures (personal values masked);
- for each date and timestamp field, the format the values look like (the candidate formats
  staging can read, tried on the sample), when it differs from the declared one;
- event types outside the segments vocabulary (staged but never counted by a segment or trait),
  consent values neither granted nor denied, and array paths (`items[].price`) mapped onto a
  single-valued field (one value per item joined with '|': multi-item records do not parse);
- the share of records staging would quarantine, against the source's `max_reject_rate`.

Dagster-free; `customer-unification check-config --files` prints the report.
"""

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from customer_unification.lib.normalize import parse_date_series, parse_timestamp_series
from customer_unification.lib.quality.masking import is_pii_column, mask_reasons, mask_value
from customer_unification.lib.sources.canonical import INPUT_FIELDS, FieldKind
from customer_unification.lib.sources.contracts import ContractError, SourceContract, SourcesConfig
from customer_unification.lib.sources.file_shape import shape_hint
from customer_unification.lib.sources.preflight import source_problems
from customer_unification.lib.sources.readers import META_COLUMNS, read_files, read_source
from customer_unification.lib.staging.extract import FieldExtractor
from customer_unification.lib.staging.record_keys import record_keys
from customer_unification.lib.staging.standardize import standardize

SAMPLE_ROWS = 2000
MAX_FILES = 3
FIELD_FAILURE_PROBLEM = 0.5  # a field failing for half its values is a declaration error, not dirty data
EXAMPLES = 3
# Rules whose reason starts with the field it is about (`invalid_date: date_of_birth: '...' is ...`)
_FIELD_RULES = ("invalid_date", "date_out_of_range", "invalid_timestamp", "timestamp_out_of_range",
                "unmapped_value")
_REASON = re.compile(r"^(?P<rule>[a-z_]+): (?P<field>[a-z][a-z0-9_]*): ")
# Fields that hold one value: an array path joins one value per element and breaks them.
_SINGLE_VALUED = {FieldKind.AMOUNT, FieldKind.INTEGER, FieldKind.DATE, FieldKind.TIMESTAMP, FieldKind.EMAIL,
                  FieldKind.PHONE, FieldKind.ID, FieldKind.CONSENT, FieldKind.ENUM}
# Formats a date column is tried with (everything staging reads; `auto` last: it is the loosest).
DATE_CANDIDATES = ("iso", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y/%m/%d", "%d.%m.%Y", "%m-%d-%Y",
                   "%d-%m-%Y", "%Y%m%d", "%d %b %Y", "%b %d, %Y", "epoch_s", "epoch_ms", "excel", "auto")
TIMESTAMP_CANDIDATES = DATE_CANDIDATES[:-4] + ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
                                               "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S",
                                               "epoch_s", "epoch_ms", "excel", "auto")
_DISTINCT_FOR_GUESS = 500


@dataclass
class DateGuess:
    declared: str
    declared_rate: float  # share of the sampled values the declared format reads (in range)
    best: str  # the candidate reading the most values; the declared one when it reads as many
    best_rate: float
    ties: list[str] = field(default_factory=list)  # other candidates reading exactly as many (ambiguous)

    @property
    def better(self) -> bool:
        return self.best != self.declared and self.best_rate > self.declared_rate


@dataclass
class FieldCheck:
    field: str
    column: str | None  # None: a constant
    kind: FieldKind | None  # None: an attribute
    found: bool = True
    present: int = 0  # sampled records holding a value
    failed: int = 0  # of those, values staging quarantines the record for or drops
    failures: Counter = field(default_factory=Counter)  # why: rule or dq flag -> records
    examples: list[str] = field(default_factory=list)  # masked
    date_guess: DateGuess | None = None

    @property
    def valid_rate(self) -> float | None:
        return None if not self.present else 1 - self.failed / self.present


@dataclass
class SourceCheck:
    name: str
    format: str
    where: str  # the location (or masked SQL URL)
    files: list[Path] = field(default_factory=list)  # every file the location resolves to
    files_read: list[Path] = field(default_factory=list)
    rows_read: int = 0
    rows_sampled: int = 0
    quarantined: Counter = field(default_factory=Counter)  # rule -> sampled records
    max_reject_rate: float = 0.05
    fields: list[FieldCheck] = field(default_factory=list)
    unknown_event_types: Counter = field(default_factory=Counter)
    unknown_consent: dict[str, Counter] = field(default_factory=dict)  # field -> value (shown or masked)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reject_rate(self) -> float:
        return sum(self.quarantined.values()) / self.rows_sampled if self.rows_sampled else 0.0


@dataclass
class FileCheckReport:
    config_path: Path
    sources: list[SourceCheck]

    @property
    def problems(self) -> list[str]:
        return [f"{s.name}: {p}" for s in self.sources for p in s.problems]

    def render(self) -> str:
        return _render(self)


def check_files(config: SourcesConfig, event_types: Iterable[str], *, sample_rows: int = SAMPLE_ROWS,
                max_files: int = MAX_FILES, landed: dict[str, list[Path]] | None = None,
                only: Sequence[str] | None = None) -> FileCheckReport:
    """Check every source (or those named in `only`) against a sample of its data; `event_types`
    is the vocabulary segments and traits count (see module docstring)."""
    vocabulary = set(event_types)
    checks = [check_source(config, contract, vocabulary, sample_rows=sample_rows, max_files=max_files,
                           landed=(landed or {}).get(contract.name, []))
              for contract in config.sources if only is None or contract.name in only]
    return FileCheckReport(config.config_path, checks)


def check_source(config: SourcesConfig, contract: SourceContract, vocabulary: set[str], *,
                 sample_rows: int = SAMPLE_ROWS, max_files: int = MAX_FILES,
                 landed: Sequence[Path] = ()) -> SourceCheck:
    check = SourceCheck(contract.name, contract.format, _where(config, contract),
                        max_reject_rate=contract.max_reject_rate)
    _array_paths(contract, check)
    problems = source_problems(config, contract, landed)
    if problems:  # nothing to read: the location matches no file, or the SQL URL cannot work
        check.problems += [p.removeprefix(f"source '{contract.name}': ") for p in problems]
        return check
    try:
        raw = _read_sample(config, contract, check, list(landed), max_files, sample_rows)
    except (ContractError, OSError, ValueError) as error:
        check.problems.append(f"cannot be read: {str(error).removeprefix(f'source {contract.name!r}: ')}")
        return check
    except Exception as error:  # a driver's or parser's own error type: still a report, not a traceback
        check.problems.append(f"cannot be read: {type(error).__name__}: {error}")
        return check
    check.rows_read = len(raw)
    raw = _spread(raw, sample_rows)
    check.rows_sampled = len(raw)
    if raw.empty:
        check.problems.append("no record found in the files read")
        return check
    usable = _columns(raw, contract, check)
    _stage(raw, usable, contract, check, vocabulary)
    return check


# --- reading ---------------------------------------------------------------------------------


def _where(config: SourcesConfig, contract: SourceContract) -> str:
    if contract.format != "sql":
        return contract.location or ""
    from sqlalchemy.engine import make_url

    try:
        return make_url(config.sql_url(contract)).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is reported by preflight; never echo it (a password)
        return "(sql)"


def _unchecked(contract: SourceContract) -> SourceContract:
    """The contract with no declared column: the readers then return whatever columns the data has
    (they stop at the first missing one; this report names them all)."""
    return contract.model_copy(update={"fields": {}, "attributes": {}, "record_key": [], "fallback_key": []})


def _read_sample(config: SourcesConfig, contract: SourceContract, check: SourceCheck, landed: list[Path],
                 max_files: int, sample_rows: int) -> pd.DataFrame:
    if contract.format == "sql":  # the first rows only: a production table can be large
        query = f"SELECT * FROM ({(contract.query or '').strip().rstrip(';')}) AS cu_sample LIMIT {int(sample_rows)}"
        return read_source(config, _unchecked(contract).model_copy(update={"query": query}))
    check.files = config.paths(contract, required=False) + landed
    picked = _spread_files(check.files, max_files)
    check.files_read = picked
    return read_files(picked, _unchecked(contract), config, where=contract.location)


def _spread_files(files: list[Path], count: int) -> list[Path]:
    """First, last and evenly between: old and new deliveries both."""
    if len(files) <= count:
        return list(files)
    positions = sorted({round(i * (len(files) - 1) / (count - 1)) for i in range(count)}) if count > 1 else [0]
    return [files[i] for i in positions]


def _spread(raw: pd.DataFrame, rows: int) -> pd.DataFrame:
    """At most `rows` records, evenly spread over what was read (files are often sorted by date)."""
    if len(raw) <= rows:
        return raw.reset_index(drop=True)
    return raw.iloc[np.linspace(0, len(raw) - 1, rows).round().astype(int)].reset_index(drop=True)


def _array_paths(contract: SourceContract, check: SourceCheck) -> None:
    for name, spec in contract.fields.items():
        if spec.column and "[]" in spec.column and INPUT_FIELDS[name] in _SINGLE_VALUED \
                and spec.aggregate is None:
            array = spec.column.split("[]", 1)[0]
            check.problems.append(
                f"field '{name}': '{spec.column}' is an array path: it reads one value per element, joined "
                f"with '{spec.join}', so a record with several elements has no valid {name} and a record "
                f"with one has that element's value (a unit price, not price x quantity); map a column "
                f"holding the record's own {name}, or total the elements: {{column: '{spec.column}', "
                f"times: '{array}[].<quantity>', aggregate: sum}}")


def _columns(raw: pd.DataFrame, contract: SourceContract, check: SourceCheck) -> SourceContract:
    """Report declared columns the data lacks; the contract without them (so the rest can be measured)."""
    present = [c for c in raw.columns if c not in META_COLUMNS]
    declared = {spec.column.split("[]", 1)[0] for spec in contract.source_fields.values() if spec.column}
    headerless = not set(present) & (declared | set(contract.key_columns))
    missing_fields, missing_keys = [], []
    for name, spec in contract.source_fields.items():
        column = (spec.column or "").split("[]", 1)[0]
        if spec.column and column not in present:
            missing_fields.append(name)
            check.problems.append(f"column '{column}' (field '{name}') not found{_nearest(column, present, headerless)}")
    for option in ("record_key", "fallback_key"):
        for key in getattr(contract, option):
            if key not in present:
                missing_keys.append(key)
                check.problems.append(f"{option} column '{key}' not found{_nearest(key, present, headerless)}")
    if missing_fields or missing_keys:  # a wrong delimiter or a compressed file hides every column
        check.problems += [f"{path.name}: {hint}" for path in check.files_read if (hint := shape_hint(path, contract))]
    if headerless:
        check.problems.append(f"none of the declared columns is in the first row (no header row?); its "
                              f"{len(present)} values are not shown")
    check.fields = [FieldCheck(name, spec.column, INPUT_FIELDS.get(name), found=name not in missing_fields)
                    for name, spec in contract.source_fields.items()]
    if not missing_fields and not missing_keys:
        return contract
    attributes = {k: v for k, v in contract.attributes.items() if f"attr_{k}" not in missing_fields}
    return contract.model_copy(update={
        "fields": {k: v for k, v in contract.fields.items() if k not in missing_fields},
        "attributes": attributes,
        # a key column that is missing: measure the other rules with the records' positions as keys
        "record_key": ["_line"] if missing_keys else contract.record_key,
        "fallback_key": [] if missing_keys else contract.fallback_key,
        "required": [f for f in contract.required if f not in missing_fields],
        "identifiers": [f for f in contract.identifiers if f not in missing_fields],
    })


def _nearest(column: str, present: list[str], headerless: bool) -> str:
    if headerless:
        return ""
    close = difflib.get_close_matches(column, present, n=1, cutoff=0.6) or \
        [c for c in present if c.lower() == column.lower()]
    return f"; did you mean '{close[0]}'?" if close else f"; columns found: {sorted(present)}"


# --- staging the sample ----------------------------------------------------------------------


def _stage(raw: pd.DataFrame, contract: SourceContract, original: SourceContract, check: SourceCheck,
           vocabulary: set[str]) -> None:
    raw = raw.copy()
    raw["_line"] = np.arange(len(raw))  # each record's position: staging's lineage then maps rows back exactly
    result = standardize(raw, contract)
    quarantine, clean = result.quarantine, result.clean
    check.quarantined = Counter({str(k): int(v) for k, v in quarantine["rule"].value_counts().items()})
    kept = clean["source_line"].to_numpy()
    by_field = {f.field: f for f in check.fields}
    extractor = FieldExtractor(raw)
    for name, spec in contract.source_fields.items():
        entry = by_field[name]
        values = extractor.values(spec)
        present = values.notna() & (values.astype(str).str.strip() != "")
        entry.present = int(present.sum()) if spec.column else 0
        if not spec.column:
            continue
        # values staging dropped from the records it keeps (an invalid email, an unknown consent value)
        staged = clean[name] if name in clean.columns else None
        if staged is not None and INPUT_FIELDS.get(name) is not FieldKind.FULL_NAME:
            dropped = present.to_numpy()[kept] & staged.isna().to_numpy()
            flags = clean["dq_flags"].fillna("")
            for row in np.flatnonzero(dropped):
                why = next((f for f in flags.iat[row].split(";") if f.startswith(f"{name}:")), f"{name}:dropped")
                entry.failures[why] += 1
                if len(entry.examples) < EXAMPLES:
                    entry.examples.append(f"{_shown(name, values.iat[kept[row]])} ({why})")
            entry.failed += int(dropped.sum())
    for reasons in quarantine["reasons"].dropna():
        for reason in reasons.split(" | "):
            match = _REASON.match(reason)
            if match and match["rule"] in _FIELD_RULES and match["field"] in by_field:
                entry = by_field[match["field"]]
                entry.failed += 1
                entry.failures[match["rule"]] += 1
                if len(entry.examples) < EXAMPLES:
                    entry.examples.append(mask_reasons(reason.split(": ", 1)[1]))
    for name, spec in contract.fields.items():
        if INPUT_FIELDS[name] in (FieldKind.DATE, FieldKind.TIMESTAMP) and spec.column:
            by_field[name].date_guess = _guess_format(name, extractor.values(spec), spec, contract)
    if contract.fallback_key:
        _fallback_use(raw, contract, check)
    if "event_type" in clean.columns and contract.kind == "event":
        outside = clean["event_type"].dropna()
        check.unknown_event_types = Counter({str(k): int(v) for k, v in
                                             outside[~outside.isin(vocabulary)].value_counts().items()})
    for entry in check.fields:
        if entry.kind is FieldKind.CONSENT and entry.failures:
            check.unknown_consent[entry.field] = _unknown_consent(extractor.values(contract.fields[entry.field]),
                                                                  contract.fields[entry.field])
    _judge(check, original)


def _fallback_use(raw: pd.DataFrame, contract: SourceContract, check: SourceCheck) -> None:
    """How many sampled records the fallback key keys, and how many of those repeat an earlier one's values."""
    keys = record_keys(raw, contract)
    keyed = keys.key[keys.fallback]
    which = f" (those with an empty record_key {'+'.join(contract.record_key)})" if contract.record_key else ""
    text = (f"fallback_key ({'+'.join(contract.fallback_key)}) keys {len(keyed):,} of {len(raw):,} sampled "
            f"records{which}")
    repeated = int(keyed.duplicated().sum())
    if repeated:
        text += (f"; {repeated:,} of them repeat an earlier record's values (quarantined as duplicate_record_key; "
                 "if they are different people, add a column that tells them apart)")
    check.notes.append(text)


def _shown(name: str, value) -> str:
    text = str(value)
    if is_pii_column(name):
        return f"'{mask_value(text)}'"
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _unknown_consent(values: pd.Series, spec) -> Counter:
    """Consent values neither granted nor denied, with counts. Shown as written when the column looks
    like codes (few distinct values, each repeated); masked otherwise (a wrongly mapped name column)."""
    known = {str(v).strip().lower() for v in (spec.granted or []) + (spec.denied or [])}
    present = values.dropna().astype(str).str.strip()
    unknown = present[(present != "") & ~present.str.lower().isin(known)]
    counts = unknown.value_counts()
    codes = present.nunique() <= 20 and len(present) >= 3 * present.nunique()
    return Counter({(str(k) if codes else mask_value(str(k))): int(v) for k, v in counts.items()})


# --- date formats ----------------------------------------------------------------------------


def _guess_format(name: str, values: pd.Series, spec, contract: SourceContract) -> DateGuess | None:
    conv = contract.conventions
    kind = INPUT_FIELDS[name]
    declared = spec.format or (conv.date_format if kind is FieldKind.DATE else conv.timestamp_format)
    distinct = pd.Series(values.dropna().unique()[:_DISTINCT_FOR_GUESS], dtype=object)
    distinct = distinct[distinct.astype(str).str.strip() != ""]
    if distinct.empty:
        return None
    dayfirst = spec.dayfirst if spec.dayfirst is not None else conv.dayfirst

    def rate(fmt: str) -> float:
        try:
            if kind is FieldKind.DATE:
                parsed, errors = parse_date_series(distinct, fmt, dayfirst=dayfirst, pivot=conv.two_digit_year_pivot)
                low = pd.Timestamp("1900-01-01" if name == "date_of_birth" else "1970-01-01")
                high = pd.Timestamp.now().normalize()
            else:
                parsed, errors = parse_timestamp_series(distinct, fmt, tz=conv.timezone, dayfirst=dayfirst)
                low, high = pd.Timestamp("1970-01-01", tz="UTC"), pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)
        except (ValueError, TypeError):  # a strptime pattern pandas cannot use
            return 0.0
        ok = errors.isna() & parsed.notna() & (parsed >= low) & (parsed <= high)
        return float(ok.sum()) / len(distinct)

    candidates = DATE_CANDIDATES if kind is FieldKind.DATE else TIMESTAMP_CANDIDATES
    rates = {fmt: rate(fmt) for fmt in dict.fromkeys((declared, *candidates))}
    best_rate = max(rates.values())
    best = declared if rates[declared] == best_rate else next(f for f in candidates if rates[f] == best_rate)
    ties = [f for f in candidates if f not in (best, "auto") and rates[f] == best_rate and best_rate > 0]
    return DateGuess(declared, rates[declared], best, best_rate, ties)


# --- verdict and report ----------------------------------------------------------------------


def _judge(check: SourceCheck, contract: SourceContract) -> None:
    for entry in check.fields:
        if not entry.found or not entry.column:
            continue
        if entry.present == 0:
            check.notes.append(f"field '{entry.field}': column '{entry.column}' holds no value in the sample")
            continue
        guess = entry.date_guess
        if entry.failed and entry.failed / entry.present >= FIELD_FAILURE_PROBLEM:
            why = ", ".join(f"{k} {v:,}" for k, v in entry.failures.most_common())
            text = (f"field '{entry.field}': {entry.failed:,} of {entry.present:,} values "
                    f"({entry.failed / entry.present:.0%}) fail ({why})")
            if guess is not None:
                text += f" with format '{guess.declared}'"
                if guess.better:
                    text += f"; the values look like '{guess.best}' ({guess.best_rate:.0%} of distinct values read)"
                    if guess.ties:
                        text += f" or {', '.join(repr(t) for t in guess.ties)} (ambiguous in the sample)"
            if entry.examples:
                text += f"; e.g. {'; '.join(entry.examples)}"
            check.problems.append(text)
        elif guess is not None and guess.better:
            check.notes.append(f"field '{entry.field}': format '{guess.declared}' reads {guess.declared_rate:.0%} "
                               f"of distinct values, '{guess.best}' reads {guess.best_rate:.0%}")
    if check.unknown_event_types:
        listed = ", ".join(f"'{k}' {v:,}" for k, v in check.unknown_event_types.most_common(10))
        check.problems.append(f"event types outside the segments vocabulary: {listed} - staged, but no segment, "
                              "trait or KPI counts them; map them to canonical types with "
                              "event_type: {column: ..., map: {raw: canonical}}")
    for name, values in check.unknown_consent.items():
        if values:
            listed = ", ".join(f"'{k}' {v:,}" for k, v in values.most_common(10))
            check.problems.append(f"field '{name}': values neither granted nor denied: {listed} - staging drops "
                                  "them (no consent recorded); list them under 'granted' or 'denied'")
    if check.rows_sampled and check.reject_rate > contract.max_reject_rate:
        rules = ", ".join(f"{k} {v:,}" for k, v in check.quarantined.most_common())
        text = (f"staging would quarantine {check.reject_rate:.1%} of the sampled records ({rules}), above "
                f"max_reject_rate {contract.max_reject_rate:.0%}: the reject_rate gate would stop everything "
                "downstream")
        if all(entry.found for entry in check.fields) and not any("_key column" in p for p in check.problems):
            check.problems.append(text)
        else:  # measured without the missing columns (a missing identifier leaves records unidentified)
            check.notes.append(text + " (measured without the missing columns: check again once they are found)")


def _render(report: FileCheckReport) -> str:
    lines = [f"{report.config_path}: a sample of each source's data, staged as a run would"]
    for check in report.sources:
        lines.append("")
        head = f"{check.name} ({check.format}, {check.where})"
        if check.format != "sql":
            head += f": {len(check.files):,} file(s) matched"
            if check.files:
                head += f", {len(check.files_read):,} read ({', '.join(p.name for p in check.files_read)})"
        lines.append(head)
        if check.rows_read:
            lines.append(f"  {check.rows_sampled:,} of {check.rows_read:,} records sampled; staging would "
                         f"quarantine {sum(check.quarantined.values()):,} ({check.reject_rate:.1%}; "
                         f"max_reject_rate {check.max_reject_rate:.0%})"
                         + (": " + ", ".join(f"{k} {v:,}" for k, v in check.quarantined.most_common())
                            if check.quarantined else ""))
        if check.fields and check.rows_sampled:
            lines.append(f"  {'field':<22} {'column':<24} {'filled':>7} {'valid':>7}  notes")
            for entry in check.fields:
                lines.append("  " + _field_line(entry, check.rows_sampled))
        lines += [f"  PROBLEM {p}" for p in check.problems]
        lines += [f"  note: {n}" for n in check.notes]
    count = len(report.problems)
    lines += ["", f"{count} problem(s) found" if count else "no problem found"]
    return "\n".join(lines)


def _field_line(entry: FieldCheck, rows: int) -> str:
    column = entry.column or "(constant)"
    column = column if len(column) <= 24 else column[:23] + "…"
    if not entry.found:
        return f"{entry.field:<22} {column:<24} {'-':>7} {'-':>7}  column not found"
    if not entry.column:
        return f"{entry.field:<22} {column:<24} {'':>7} {'':>7}"
    filled = f"{entry.present / rows:.0%}"
    valid = "" if entry.valid_rate is None else f"{entry.valid_rate:.0%}"
    notes = []
    if entry.failures:
        notes.append(", ".join(f"{k} {v:,}" for k, v in entry.failures.most_common(3)))
    if entry.date_guess is not None:
        g = entry.date_guess
        notes.append(f"format '{g.declared}'" + (f", looks like '{g.best}'" if g.better else "")
                     + (f" (or {', '.join(repr(t) for t in g.ties)})" if g.better and g.ties else ""))
    return f"{entry.field:<22} {column:<24} {filled:>7} {valid:>7}  {'; '.join(notes)}"
