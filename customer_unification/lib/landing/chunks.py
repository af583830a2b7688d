"""A large text delivery cut into pieces of whole records, so checking it never holds it all in memory.

The landing zone reads a file before accepting it (does it parse, how many records). Read whole, a
1 GB CSV would take several GB; cut into ~32 MiB pieces, each read by the source's own reader, it
takes what one piece takes. A piece ends only between records:
- JSON lines: at a line end;
- CSV: at a line end outside quotes (an even count of quote characters so far: a quoted field may
  hold line breaks, and a doubled quote inside one counts twice), and every piece repeats the header.
A stray quote that never closes would keep a piece growing: past four times the piece size it is cut
anyway (the reader calls that record malformed either way).

Only single-byte-compatible encodings (UTF-8, Latin-1, Windows code pages) can be cut by bytes;
a UTF-16 file is read whole (the size limit, file_size.py, bounds it).
"""

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from customer_unification.lib.sources.contracts import SourceContract

PIECE_BYTES = 32 << 20
_CUT_ANYWAY = 4  # pieces grown this many times PIECE_BYTES inside an unclosed quote are cut regardless


def can_cut(path: Path, contract: SourceContract, piece_bytes: int | None = None) -> bool:
    """Worth cutting (larger than one piece) and cuttable (a text format in a byte-compatible encoding)."""
    if contract.format not in ("csv", "jsonl") or path.stat().st_size <= (piece_bytes or PIECE_BYTES):
        return False
    try:
        encoding = codecs.lookup(contract.options.encoding).name
    except LookupError:
        return False  # the reader says why
    return not encoding.startswith(("utf-16", "utf-32"))


@contextmanager
def pieces(path: Path, contract: SourceContract, piece_bytes: int | None = None) -> Iterator[Iterator[Path]]:
    """The file's pieces, each written to a temporary file of the same name (so a reader's message names
    the delivered file) and deleted once the next piece is asked for."""
    with tempfile.TemporaryDirectory(prefix="cu_piece_") as folder:
        target = Path(folder) / path.name
        yield _write_pieces(path, contract, piece_bytes or PIECE_BYTES, target)


def _write_pieces(path: Path, contract: SourceContract, piece_bytes: int, target: Path) -> Iterator[Path]:
    for piece in _byte_pieces(path, contract, piece_bytes):
        target.write_bytes(piece)
        yield target
    target.unlink(missing_ok=True)


def _byte_pieces(path: Path, contract: SourceContract, piece_bytes: int) -> Iterator[bytes]:
    csv = contract.format == "csv"
    quote = contract.options.quotechar.encode(contract.options.encoding) if csv else b""
    with path.open("rb") as fh:
        header = fh.readline() if csv else b""
        lines: list[bytes] = []
        size, odd, cut = 0, False, False  # bytes gathered; inside a quoted field?; a piece given yet?
        for line in fh:
            lines.append(line)
            size += len(line)
            if quote and line.count(quote) % 2:
                odd = not odd
            if size >= piece_bytes and (not odd or size >= _CUT_ANYWAY * piece_bytes):
                yield header + b"".join(lines)
                lines, size, odd, cut = [], 0, False, True
        if lines or not cut:
            yield header + b"".join(lines)
