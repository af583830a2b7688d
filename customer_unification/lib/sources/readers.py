"""Read a declared source into a raw table: every value as text, nothing dropped.

The raw table has one row per record found in the source, plus bookkeeping columns:
`_file` and `_line` (where the record came from), `_error` (why the record could not be
parsed, if so) and `_raw` (the unparsed text of such a record). Staging quarantines rows
with an `_error`, so a broken line becomes a quarantine row, never a silent drop.
"""

import csv
import datetime as dt
import io
import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from customer_unification.lib.sources.contracts import ContractError, CsvOptions, SourceContract, SourcesConfig
from customer_unification.lib.sources.file_shape import shape_hint
from customer_unification.lib.sources.value_integrity import NUL, mark_corrupt_values

META_COLUMNS = ["_file", "_line", "_error", "_raw"]
PARTITION_COLUMN = "_partition"  # the day partition of an event source's record (see partitioning.py)
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that did not decode (surrogateescape)
_RAW_PREVIEW_CHARS = 2000


def read_source(config: SourcesConfig, contract: SourceContract, landed: Sequence[Path] = ()) -> pd.DataFrame:
    """All records of a source as a text DataFrame (see module docstring), plus the files that
    arrived through its landing folder."""
    if contract.format == "sql":
        return _with_meta(mark_corrupt_values(_read_sql(config.sql_url(contract), contract.query or "")),
                          contract, config)
    return read_files(config.paths(contract, required=not landed) + list(landed), contract, config,
                      where=contract.location)


def read_files(paths: list[Path], contract: SourceContract, config: SourcesConfig,
               where: str | None = None) -> pd.DataFrame:
    """The records of these files of a file-based source; errors name `where` (default: the files)."""
    reader = _FILE_READERS[contract.format]
    frames = [_checked(reader(path, contract), path, contract) for path in paths]
    try:
        return _with_meta(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0], contract, config,
                          where=where or ", ".join(p.name for p in paths))
    except ContractError as error:  # say what the file looks like: compressed, another delimiter ...
        hints = [f"{path.name}: {hint}" for path in paths if (hint := shape_hint(path, contract))]
        if hints:
            raise ContractError(f"{error}; {'; '.join(hints)}") from error
        raise


def _checked(frame: pd.DataFrame, path: Path, contract: SourceContract) -> pd.DataFrame:
    """NUL bytes and mojibake become the record's `_error`; text files also say what their bytes look like."""
    if contract.format in ("csv", "jsonl"):
        return mark_corrupt_values(frame, path=path, declared=contract.options.encoding)
    return mark_corrupt_values(frame)


def _with_meta(raw: pd.DataFrame, contract: SourceContract, config: SourcesConfig, where: str | None = None) -> pd.DataFrame:
    for col in META_COLUMNS:
        if col not in raw.columns:
            raw[col] = None
    _check_declared_columns(raw, contract, config, where)
    return raw[META_COLUMNS + [c for c in raw.columns if c not in META_COLUMNS]]


def _check_declared_columns(raw: pd.DataFrame, contract: SourceContract, config: SourcesConfig,
                            where: str | None = None) -> None:
    """Schema drift that loses a declared column is an error naming the source, field and column."""
    where = where or (config.sql_url(contract) if contract.format == "sql" else contract.location)
    present = set(raw.columns)
    declared = {spec.column.split("[]", 1)[0] for spec in contract.source_fields.values() if spec.column}
    for field, spec in contract.source_fields.items():
        if spec.column is None:
            continue
        column = spec.column.split("[]", 1)[0]
        if column not in present:
            found = sorted(c for c in present if c not in META_COLUMNS)
            # no declared column at all: the "header" is most likely a record (a file without a header
            # row), and its values - a name, a birth date, an email - must not reach logs or reasons
            said = (f"columns found: {found}" if present & (declared | set(contract.key_columns)) else
                    f"none of the declared columns is in its first row (no header row?); its {len(found)} "
                    "values are not shown")
            raise ContractError(
                f"source '{contract.name}': column '{column}' (mapped to field '{field}') not found in {where}; {said}"
            )
    for option in ("record_key", "fallback_key"):
        for key in getattr(contract, option):
            if key not in present:
                raise ContractError(f"source '{contract.name}': {option} column '{key}' not found in {where}")


# --- CSV ---------------------------------------------------------------------------------


def _read_csv(path: Path, contract: SourceContract) -> pd.DataFrame:
    opts = contract.options
    try:
        text = path.read_bytes().decode(opts.encoding, errors="surrogateescape")
    except LookupError as e:
        raise ContractError(f"source '{contract.name}': unknown encoding '{opts.encoding}'") from e
    # CSV rows end at \n, \r\n or \r only: str.splitlines would also break a record at a
    # vertical tab or form feed inside a value, turning one record into two malformed rows
    lines = io.StringIO(text, newline="").readlines()
    if not lines:
        raise ContractError(f"source '{contract.name}': {path} is empty (no header row)")
    header = next(csv.reader([lines[0]], delimiter=opts.delimiter, quotechar=opts.quotechar))
    header = [h.strip().lstrip("\ufeff") for h in header]
    check_encoding = _SURROGATE.search(text) is not None  # undecodable bytes anywhere at all?
    if not check_encoding and NUL not in text:  # pandas' C parser would cut a value at a NUL byte
        frame = _read_clean_csv(text, lines, header, opts)
        if frame is not None:
            frame["_file"] = path.name
            return frame
    rows, line_numbers, errors = [], [], {}
    for line_no, fields, error, raw in _csv_records(lines, 1, len(header), opts.delimiter, opts.quotechar):
        if error is None and check_encoding and _SURROGATE.search(opts.delimiter.join(fields)):
            error, raw = f"invalid_encoding: bytes not valid {opts.encoding}", opts.delimiter.join(fields)
        if error:
            errors[len(rows)] = (error, _printable(raw))
            fields = [""] * len(header)
        rows.append(fields)
        line_numbers.append(line_no)
    frame = pd.DataFrame(rows, columns=header, dtype=object).replace("", None)
    frame["_file"], frame["_line"] = path.name, line_numbers
    error_column, raw_column = [None] * len(rows), [None] * len(rows)
    for i, (error, raw) in errors.items():
        error_column[i], raw_column[i] = error, raw
    frame["_error"], frame["_raw"] = error_column, raw_column
    return frame


def _read_clean_csv(text: str, lines: list[str], header: list[str], opts: CsvOptions) -> pd.DataFrame | None:
    """pandas' C parser for the common, well-formed file (~5x faster); None means "use the careful path".

    It is only trusted when its records map one-to-one onto the non-blank physical lines: then no
    record spans lines, so none swallowed its neighbours, and line numbers are exact.
    """
    try:
        frame = pd.read_csv(io.StringIO(text), sep=opts.delimiter, quotechar=opts.quotechar, header=None,
                            skiprows=1, names=header, dtype=str, keep_default_na=False, na_filter=False,
                            engine="c", skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError):
        return None
    record_lines = [i for i in range(1, len(lines)) if lines[i].strip()]
    if len(record_lines) != len(frame) or len(frame.columns) != len(header):
        return None
    # pandas pads short rows silently; the careful path calls them malformed, so check widths.
    width, delimiter, quote = len(header), opts.delimiter, opts.quotechar
    for i in record_lines:
        line = lines[i]
        fields = len(next(csv.reader([line], delimiter=delimiter, quotechar=quote))) if quote in line \
            else line.count(delimiter) + 1
        if fields != width:
            return None
    frame = frame.astype(object).replace("", None)
    frame["_line"], frame["_error"], frame["_raw"] = [i + 1 for i in record_lines], None, None
    return frame


def _csv_records(lines: list[str], start: int, width: int, delimiter: str, quotechar: str
                 ) -> Iterator[tuple[int, list[str], str | None, str | None]]:
    """Yield (line number, fields, error, raw text) per record, resynchronising after a bad one.

    A stray quote makes the csv module swallow the following lines into one field; when a
    record spans several physical lines *and* has the wrong width, only its first line is
    reported as malformed and parsing resumes on the next line, so no good record is lost.
    """
    i = start
    while i < len(lines):
        reader = csv.reader(itertools.islice(lines, i, None), delimiter=delimiter, quotechar=quotechar,
                            strict=False)
        consumed = 0  # reader.line_num after the previous record
        while True:
            first = i + consumed  # index of the record's first physical line
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:  # e.g. end of data inside a quoted field
                fields = None
            span, consumed = reader.line_num - consumed, reader.line_num
            if fields is not None and len(fields) == width:
                yield first + 1, fields, None, None
            elif fields is not None and span == 1:
                if not any(f.strip() for f in fields):
                    continue  # blank line: not a record
                yield first + 1, [], f"malformed_row: expected {width} fields, found {len(fields)}", lines[first]
            else:  # swallowed the following lines: report the first one, resume after it
                yield first + 1, [], f"malformed_row: unbalanced quote, expected {width} fields", lines[first]
                i = first + 1
                break




def _printable(raw: str | None) -> str | None:
    if raw is None:
        return None
    return raw.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")[
        :_RAW_PREVIEW_CHARS
    ].rstrip("\r\n")


# --- JSON lines --------------------------------------------------------------------------


def _read_jsonl(path: Path, contract: SourceContract) -> pd.DataFrame:
    records = []
    with path.open("rb") as fh:
        for line_no, line in enumerate(fh, start=1):
            try:
                text = line.decode(contract.options.encoding).strip()
            except UnicodeDecodeError:  # never replaced silently: the record is quarantined
                records.append({"_file": path.name, "_line": line_no,
                                "_error": f"invalid_encoding: bytes not valid {contract.options.encoding}",
                                "_raw": line.decode(contract.options.encoding, errors="replace").strip()[
                                    :_RAW_PREVIEW_CHARS]})
                continue
            if not text:
                continue
            try:
                obj = json.loads(text)
                if not isinstance(obj, dict):
                    raise ValueError("a record must be a JSON object")
            except ValueError as e:
                records.append({"_file": path.name, "_line": line_no, "_error": f"invalid_json: {e}",
                                "_raw": text[:_RAW_PREVIEW_CHARS]})
                continue
            flat = {"_file": path.name, "_line": line_no}
            _flatten(obj, "", flat)
            records.append(flat)
    return pd.DataFrame.from_records(records).astype(object)


def _flatten(obj: dict, prefix: str, out: dict) -> None:
    """Nested objects become dotted columns; arrays stay whole, as JSON text."""
    for key, value in obj.items():
        kind = type(value)
        if kind is str:  # the common case first: this loop runs per field of every record
            out[prefix + key] = value or None
        elif kind is dict:
            _flatten(value, f"{prefix}{key}.", out)
        elif kind is list:
            out[prefix + key] = json.dumps(value, ensure_ascii=False)
        else:
            out[prefix + key] = as_text(value)


# --- XLSX, Parquet, SQL: typed cells rendered as text -------------------------------------


def _read_xlsx(path: Path, contract: SourceContract) -> pd.DataFrame:
    """First row is the header; blank rows are not records. calamine reads ~15x faster than openpyxl."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        sheet = book.get_sheet_by_name(contract.sheet) if isinstance(contract.sheet, str) \
            else book.get_sheet_by_index(contract.sheet or 0)
    except Exception as e:  # calamine raises its own error types for unknown sheets
        raise ContractError(f"source '{contract.name}': sheet {contract.sheet!r} not found in {path}: {e}") from e
    rows = iter(sheet.to_python(skip_empty_area=False))
    header = [str(h).strip() if h not in (None, "") else f"column_{i + 1}" for i, h in enumerate(next(rows, []))]
    data, lines = [], []
    for line_no, row in enumerate(rows, start=2):
        cells = [as_text(v) for v in row[: len(header)]]
        if all(c is None or not c.strip() for c in cells):
            continue
        data.append(cells + [None] * (len(header) - len(cells)))
        lines.append(line_no)
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame["_file"], frame["_line"] = path.name, lines
    return frame


def _read_parquet(path: Path, contract: SourceContract) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    frame = texts(frame)
    frame["_file"], frame["_line"] = path.name, range(1, len(frame) + 1)
    return frame


def _read_sql(url: str, query: str) -> pd.DataFrame:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql_query(sa.text(query), conn)
    finally:
        engine.dispose()
    frame = texts(frame)
    frame["_file"], frame["_line"] = url.rsplit("/", 1)[-1], range(1, len(frame) + 1)
    return frame


def texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Render every column as text (distinct values once each: fast on big tables)."""
    out = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.map(as_text, na_action="ignore").astype(object)
        elif pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
            out[col] = series.astype(str).where(series.notna(), None).astype(object)
        else:
            uniques = series.dropna().unique()
            lookup = {v: as_text(v) for v in uniques} if len(uniques) < len(series) // 2 else None
            out[col] = (series.map(lookup) if lookup is not None else series.map(as_text)).astype(object)
        out[col] = out[col].where(series.notna(), None)
    return pd.DataFrame(out, index=frame.index, dtype=object)


def as_text(value: Any) -> str | None:
    """One cell as text: integral floats without '.0', dates as ISO, booleans lower-case."""
    if type(value) is str:
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value) or None


_FILE_READERS = {"csv": _read_csv, "jsonl": _read_jsonl, "xlsx": _read_xlsx, "parquet": _read_parquet}
