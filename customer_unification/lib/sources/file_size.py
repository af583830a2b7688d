"""How large a delivered file may be: CU_MAX_FILE_BYTES, checked before a byte of it is read.

A run holds a source's records in memory as it reads and stages them. Measured on the demo CRM
export's shape (bench/bench_large_file.py, 1 GB = 6.3M records): the landing zone takes a 1 GB
file in 0.6 GB (it reads it in pieces), but reading it whole into the raw layer peaks at 8.2 GB,
and standardising takes ~16 bytes of memory per byte of CSV (a 100 MB slice: 1.7 GB). So a file
far larger than the machine can stage is turned away with a reason instead of crashing the run,
and the landing zone takes the other files of the pass as usual. The default, 256 MiB, stages in
~4 GB; raise it where the machine has the memory. The limit is per file: a source reads all its
files in one run, so splitting a delivery does not make its run smaller.
"""

import os
import re
from pathlib import Path

ENV = "CU_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 256 << 20  # 256 MiB: stages in ~4 GB
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


class FileSizeSettingError(ValueError):
    """CU_MAX_FILE_BYTES is not a size."""


def max_file_bytes() -> int:
    """The largest file a source may read: CU_MAX_FILE_BYTES (bytes, or with a unit: 512M, 2G), default 256 MiB."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return DEFAULT_MAX_FILE_BYTES
    match = _SIZE.match(value)
    if not match or float(match.group(1)) <= 0:
        raise FileSizeSettingError(f"{ENV}={value!r} is not a size: give bytes (1073741824) or a number with "
                                   "a unit (512M, 2G)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def size_problem(path: Path, limit: int | None = None) -> str | None:
    """Why the file is too large to read (None if it is not)."""
    limit = max_file_bytes() if limit is None else limit
    size = path.stat().st_size
    if size <= limit:
        return None
    exact = f"{size:,} bytes" + (f" ({readable(size)})" if size >= 1024 else "")
    return (f"{path.name} is {exact}, over the {readable(limit)} a file may have ({ENV}={limit}): "
            "raise the limit where the machine has the memory (staging holds about 16 times a file's size)")


def readable(size: int) -> str:
    """1536 -> '1.5 KiB' (binary units, as the limit is set)."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
