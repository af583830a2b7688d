"""Write rendered sources to disk, byte-for-byte reproducibly (no wall-clock metadata)."""

import io
import re
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from customer_unification.lib.demo.common import ANCHOR_DATE
from customer_unification.lib.demo.systems.base import SourceOutput

_ZIP_TIME = tuple(int(x) for x in ANCHOR_DATE.split("-")) + (0, 0, 0)
_CORE_TS = f"{ANCHOR_DATE}T00:00:00Z"


def write_source(out: SourceOutput, root: Path) -> list[Path]:
    writer = {"csv": write_csv, "jsonl": write_jsonl, "xlsx": write_xlsx, "parquet": write_parquet,
              "sqlite": write_sqlite}[out.fmt]
    return writer(out, root)


def _target(root: Path, rel: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(out: SourceOutput, root: Path) -> list[Path]:
    path = _target(root, out.path)
    out.frame.to_csv(path, index=False, sep=out.options.get("delimiter", ","),
                     encoding=out.options.get("encoding", "utf-8"), lineterminator="\n")
    return [path]


def write_jsonl(out: SourceOutput, root: Path) -> list[Path]:
    paths = []
    for rel, group in out.frame.groupby("_file", sort=True):
        path = _target(root, rel)
        path.write_text("\n".join(group["_line"]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_parquet(out: SourceOutput, root: Path) -> list[Path]:
    path = _target(root, out.path)
    table = pa.Table.from_pandas(out.frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd")
    return [path]


def write_sqlite(out: SourceOutput, root: Path) -> list[Path]:
    path = _target(root, out.path)
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)
    frame = out.frame
    cols = list(frame.columns)
    types = {c: ("INTEGER" if c == "satisfaction" else "TEXT") for c in cols}
    con = sqlite3.connect(path)
    try:
        table = out.options.get("table", out.name)
        con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {types[c]}' for c in cols)})")
        rows = [tuple(None if v is None or (isinstance(v, float) and np.isnan(v)) else
                      (int(v) if isinstance(v, (np.integer,)) else v) for v in r)
                for r in frame.itertuples(index=False, name=None)]
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})", rows)
        con.commit()
    finally:
        con.close()
    return [path]


def write_xlsx(out: SourceOutput, root: Path) -> list[Path]:
    from openpyxl import Workbook

    path = _target(root, out.path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(out.options.get("sheet", "Sheet1"))
    ws.append(list(out.frame.columns))
    for row in out.frame.itertuples(index=False, name=None):
        ws.append([None if v is None or (isinstance(v, float) and np.isnan(v)) else
                   (int(v) if isinstance(v, np.integer) else v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_freeze_zip(buf.getvalue()))
    return [path]


def _freeze_zip(data: bytes) -> bytes:
    """Rewrite an XLSX (zip) with fixed entry times and document-property timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    dst_buf = io.BytesIO()
    with zipfile.ZipFile(dst_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + _CORE_TS + m.group(3), text)
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return dst_buf.getvalue()


def truth_rows(out: SourceOutput, person_ids: np.ndarray) -> pd.DataFrame:
    """One truth row per record of a source, in reading order (blank rows are not records)."""
    rec = out.is_record
    return pd.DataFrame({
        "source": out.name,
        "source_record_id": out.record_ids()[rec].astype(str),
        "person_id": person_ids[out.person[rec]].astype(str),
        "row_index": np.arange(int(rec.sum()), dtype=np.int64),
        "defect": out.defect[rec].astype(str),
    })


def write_truth(parts: list[pd.DataFrame], people: pd.DataFrame, root: Path) -> dict:
    truth_dir = root / "_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth = pd.concat(parts, ignore_index=True)
    for col in ("source", "source_record_id", "person_id", "defect"):
        truth[col] = truth[col].astype(str)
    pq.write_table(pa.Table.from_pandas(truth, preserve_index=False), truth_dir / "record_person.parquet",
                   compression="zstd")
    pq.write_table(pa.Table.from_pandas(people, preserve_index=False), truth_dir / "people.parquet",
                   compression="zstd")
    return {"records": len(truth), "people": len(people)}
