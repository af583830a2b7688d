"""Rewrite a landed file without some of its records, in its own format (right to be forgotten).

The file is read with its source's reader (a piece at a time for a large text file), `is_erased`
picks records from the raw frame, and the file is rewritten beside itself and renamed into place:
- CSV and JSON lines: every physical line of an erased record (a quoted field may span several)
  becomes an empty line, which the reader skips. Every other record keeps its line number, so the
  lineage the warehouse holds (`source_file`, `source_line`) stays true without a re-run;
- XLSX: the erased records' rows are emptied (the reader skips blank rows; row numbers hold);
- Parquet: the erased rows are dropped (a later row's number moves up; the next run re-reads it).
A text file its reader cannot read at all (a rejected delivery) is searched line by line: each
line is offered to `is_erased` as an unparsed record (`_raw`), as a quarantined line would be.
Everything else about the file - encoding, line ends, byte-order mark, the other records - is
kept byte for byte.
"""

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from customer_unification.lib.landing.zone import read_in_pieces
from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig

IsErased = Callable[[pd.DataFrame], pd.Series]  # raw frame -> which of its records to erase
_TEXT = ("csv", "jsonl")


def erase_rows(path: Path, contract: SourceContract, config: SourcesConfig, is_erased: IsErased,
               dry_run: bool = False) -> int:
    """Erase the records `is_erased` picks from the file (see module docstring); returns how many.
    `dry_run` counts them and changes nothing."""
    if contract.format not in (*_TEXT, "xlsx", "parquet"):
        return 0
    try:
        picked = _picked_records(path, contract, config, is_erased)
    except Exception:  # noqa: BLE001 - the reader cannot read it (e.g. a rejected delivery)
        if contract.format not in _TEXT:
            return 0  # a binary file no reader understands cannot be searched
        picked = _picked_lines(path, contract, is_erased)
    if picked.empty or dry_run:
        return len(picked)
    tmp = path.with_name(f".{path.name}.erasing")  # hidden: never taken for a delivery meanwhile
    try:
        _REWRITE[contract.format](path, tmp, contract, picked)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(picked)


def _picked_records(path: Path, contract: SourceContract, config: SourcesConfig, is_erased: IsErased) -> pd.DataFrame:
    """(line, parsed) of the records to erase: their first line, and whether the reader parsed them."""
    picked = []
    for raw in read_in_pieces(path, contract, config):
        hit = is_erased(raw).to_numpy(dtype=bool)
        if hit.any():
            picked.append(pd.DataFrame({"line": raw["_line"].to_numpy()[hit].astype("int64"),
                                        "parsed": raw["_error"].isna().to_numpy()[hit]}))
    return pd.concat(picked, ignore_index=True) if picked else pd.DataFrame({"line": [], "parsed": []})


def _picked_lines(path: Path, contract: SourceContract, is_erased: IsErased, batch: int = 100_000) -> pd.DataFrame:
    """Lines of an unreadable text file that `is_erased` picks, offered as unparsed records."""
    picked = []
    with _text(path, contract, "r") as fh:
        rows = []
        for number, line in enumerate(fh, start=1):
            if line.strip():
                rows.append((number, line.rstrip("\r\n")))
            if len(rows) >= batch:
                picked += _pick_unparsed(rows, is_erased)
                rows = []
        picked += _pick_unparsed(rows, is_erased)
    return pd.DataFrame({"line": pd.Series(picked, dtype="int64"), "parsed": False})


def _pick_unparsed(rows: list[tuple[int, str]], is_erased: IsErased) -> list[int]:
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["_line", "_raw"])
    frame["_error"] = "unreadable file"
    hit = is_erased(frame).to_numpy(dtype=bool)
    return frame.loc[hit, "_line"].tolist()


def _text(path: Path, contract: SourceContract, mode: str):
    """The file as text the way the CSV reader splits it: \\n, \\r\\n or \\r end a line, kept as they are;
    bytes that do not decode pass through unchanged (surrogateescape)."""
    return path.open(mode, encoding=contract.options.encoding, errors="surrogateescape", newline="")


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _rewrite_csv(path: Path, tmp: Path, contract: SourceContract, picked: pd.DataFrame) -> None:
    starts = dict(zip(picked["line"].tolist(), picked["parsed"].tolist()))
    with _text(path, contract, "r") as src, _text(tmp, contract, "w") as out:
        out.writelines(_blanked_csv(src, starts, contract))


def _blanked_csv(lines: Iterable[str], starts: dict[int, bool], contract: SourceContract) -> Iterator[str]:
    """The lines, each erased record's lines empty: a parsed record from its first line to its last (as
    the csv module reads it), an unparsed one its first line only (the reader resumes after it)."""
    source = iter(lines)
    number = 0
    for line in source:
        number += 1
        if number not in starts:
            yield line
            continue
        yield _ending(line)
        if not starts[number]:
            continue
        consumed = []

        def rest(first=line):
            yield first
            for more in source:
                consumed.append(more)
                yield more

        reader = csv.reader(rest(), delimiter=contract.options.delimiter, quotechar=contract.options.quotechar,
                            strict=False)
        next(reader, None)  # reads exactly the record's lines, no further
        for more in consumed:
            number += 1
            yield _ending(more)


def _rewrite_jsonl(path: Path, tmp: Path, contract: SourceContract, picked: pd.DataFrame) -> None:
    erased = set(picked["line"].tolist())
    with path.open("rb") as src, tmp.open("wb") as out:  # the JSON-lines reader splits on \n alone
        for number, line in enumerate(src, start=1):
            out.write(line[len(line.rstrip(b"\r\n")):] if number in erased else line)


def _rewrite_xlsx(path: Path, tmp: Path, contract: SourceContract, picked: pd.DataFrame) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book[contract.sheet] if isinstance(contract.sheet, str) else book.worksheets[contract.sheet or 0]
    for row in set(picked["line"].tolist()):
        for cell in sheet[row]:
            cell.value = None
    book.save(tmp)


def _rewrite_parquet(path: Path, tmp: Path, contract: SourceContract, picked: pd.DataFrame) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    keep = pa.array(~pd.Series(range(1, table.num_rows + 1)).isin(picked["line"]).to_numpy())
    pq.write_table(table.filter(keep), tmp)


_REWRITE = {"csv": _rewrite_csv, "jsonl": _rewrite_jsonl, "xlsx": _rewrite_xlsx, "parquet": _rewrite_parquet}
