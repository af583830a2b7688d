"""What a file that does not fit its contract most likely is: a hint for the rejection reason.

A compressed file, a CSV with another delimiter or a JSON array declared as JSON lines all read
as "no declared column found"; saying what the bytes look like turns that into a fix.
"""

import csv
from pathlib import Path

from customer_unification.lib.sources.contracts import SourceContract

_SAMPLE_BYTES = 8192
_MAGIC = {b"\x1f\x8b": "gzip-compressed", b"PK\x03\x04": "a zip archive (or an xlsx workbook)",
          b"BZh": "bzip2-compressed", b"\xfd7zXZ\x00": "xz-compressed", b"PAR1": "a Parquet file"}
_DELIMITERS = (";", "\t", "|", ",")


def shape_hint(path: Path, contract: SourceContract) -> str | None:
    """Why `path` may not read as `contract.format`, or None when nothing stands out."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_SAMPLE_BYTES)
    except OSError:
        return None
    for magic, what in _MAGIC.items():
        if head.startswith(magic) and not (contract.format == "xlsx" and magic == b"PK\x03\x04") \
                and not (contract.format == "parquet" and magic == b"PAR1"):
            return f"the file is {what}, not {contract.format}"
    text = head.decode(getattr(contract.options, "encoding", "utf-8") or "utf-8", errors="replace").lstrip("\ufeff")
    if contract.format == "jsonl" and text.lstrip().startswith("["):
        return "the file is one JSON array, not JSON lines (one object per line)"
    if contract.format == "csv":
        first = text.split("\n", 1)[0].rstrip("\r")
        declared = contract.options.delimiter
        if len(next(csv.reader([first], delimiter=declared), [])) <= 1:
            for other in _DELIMITERS:
                columns = len(next(csv.reader([first], delimiter=other), []))
                if other != declared and columns > 1:
                    return f"its first line splits on {other!r} into {columns} columns: is the delimiter {other!r} (declared {declared!r})?"
    return None
