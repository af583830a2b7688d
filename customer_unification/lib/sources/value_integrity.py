"""Values a reader must not pass on as if they were fine: NUL bytes and mojibake.

Neither raises anywhere: pandas' C parser ends a string at a NUL byte ("Nu\\0ll" -> "Nu"), and a
UTF-8 file read as latin-1 decodes without error ("José" -> "JosÃ©"). So each value is looked at:
a record holding one gets `_error` (staging quarantines it as unparseable_record with that
reason), and its values stay as read for the steward. ftfy recognises mojibake and says which
encodings were mixed up; charset-normalizer says what the file's bytes look like.
"""

import codecs
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NUL = "\x00"
_SAMPLE_BYTES = 1 << 20  # enough for charset-normalizer to name a file's encoding


def mark_corrupt_values(frame: pd.DataFrame, *, path: Path | None = None,
                        declared: str | None = None) -> pd.DataFrame:
    """Give every record without an `_error` that holds a NUL byte or mojibake one; returns `frame`.

    For a text file (`path`, read with the `declared` encoding) the reason also says what its
    bytes look like, worked out only if something was found.
    """
    if "_error" not in frame.columns:
        frame["_error"] = None
    errors = frame["_error"].to_numpy(dtype=object, copy=True)
    found = False
    for column in (c for c in frame.columns if not str(c).startswith("_")):
        if not pd.isna(errors).any():
            break
        for mask, reason in _problems(frame[column], str(column)):
            hit = mask & pd.isna(errors)
            if hit.any():
                errors[hit] = reason
                found = True
    if found and declared is not None and path is not None:
        with path.open("rb") as fh:
            _add_file_hints(errors, fh.read(_SAMPLE_BYTES + 1), declared)
    errors[pd.isna(errors)] = None
    frame["_error"] = errors
    return frame


def _add_file_hints(errors: np.ndarray, data: bytes, declared: str) -> None:
    for prefix, nul in (("nul_byte:", True), ("invalid_encoding: column", False)):
        touched = np.array([isinstance(e, str) and e.startswith(prefix) for e in errors], dtype=bool)
        if touched.any():
            hint = file_encoding_hint(data, declared, nul=nul)
            errors[touched] = [e + hint for e in errors[touched]]


def _problems(values: pd.Series, column: str) -> list[tuple[np.ndarray, str]]:
    """(row mask, reason) for the NUL bytes and each kind of mojibake in one column."""
    text = _arrow_text(values)
    out = []
    nul = _mask(pc.match_substring(text, NUL))
    if nul.any():
        out.append((nul, f"nul_byte: column '{column}' contains a NUL byte (binary data, or text in another "
                         "encoding such as UTF-16)"))
    non_ascii = pc.invert(pc.string_is_ascii(text)).fill_null(False)
    if pc.any(non_ascii).as_py():
        by_kind: dict[str, list[str]] = {}
        for value in pc.unique(text.filter(non_ascii)).to_pylist():
            kind = mojibake(value)
            if kind:
                by_kind.setdefault(kind, []).append(value)
        for kind in sorted(by_kind):
            mask = _mask(pc.is_in(text, value_set=pa.array(by_kind[kind], type=pa.string())))
            out.append((mask, f"invalid_encoding: column '{column}' is mojibake ({kind})"))
    return out


def _arrow_text(values: pd.Series) -> pa.Array:
    """The column as an Arrow string array, for scans in C++ (readers hand over text or None)."""
    try:
        return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowException, UnicodeEncodeError):  # a non-text cell, or undecodable bytes kept as surrogates
        return pa.array([_encodable(v) for v in values], type=pa.string())


def _encodable(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def _mask(result: pa.Array) -> np.ndarray:
    return result.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


@lru_cache(maxsize=1 << 16)  # names repeat across rows and columns
def mojibake(value: str) -> str | None:
    """'utf-8 text read as latin-1' when ftfy would repair `value` by re-decoding it, else None."""
    from ftfy import fix_encoding_and_explain  # imported when a non-ASCII value is first seen
    from ftfy.badness import is_bad

    if not is_bad(value):  # ftfy's own first test, and cheap: most accented text stops here
        return None
    explanation = fix_encoding_and_explain(value).explanation or []
    encoded = [arg for step, arg in explanation if step == "encode"]
    decoded = [arg for step, arg in explanation if step == "decode"]
    if not encoded or not decoded:
        return None
    return f"{decoded[-1].removesuffix('-variants')} text read as {encoded[0].removeprefix('sloppy-')}"


def file_encoding_hint(data: bytes, declared: str, *, nul: bool) -> str:
    """What the file's bytes say about a NUL byte (`nul`) or mojibake found in it, as a reason's tail.

    Only what is certain is said: a file in UTF-16/32 (found by charset-normalizer: it shows as NUL
    bytes), a file declared single-byte that is valid UTF-8, or mojibake in a file that reads
    as declared (garbled upstream). Single-byte code pages cannot be told apart, so no guess there.
    """
    sample = data[:_SAMPLE_BYTES]
    if len(data) > _SAMPLE_BYTES:  # do not cut a character in two
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    if nul:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        wide = best is not None and best.encoding.startswith(("utf_16", "utf_32"))
        if wide and not _same_codec(best.encoding, declared):
            return f"; the file is declared {declared} but reads as {best.encoding}"
        return ""
    if not _same_codec(declared, "utf-8") and not sample.isascii() and _decodes(sample, "utf-8"):
        return f"; the file is declared {declared} but reads as utf-8"
    if _decodes(sample, declared):
        return f"; the file reads as declared ({declared}): the text was garbled before the file was written"
    return ""


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
