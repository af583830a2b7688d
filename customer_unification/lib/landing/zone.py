"""A landing folder per source, `<landing>/<source>/`, where new files arrive.

A file is taken only once it is complete: names that say a copy is still under way
(`.part`, `.tmp`, `.partial`, `.crdownload`, hidden files) are skipped, and any other file must
keep the same size and modification time across two looks (so a writer that does not rename
on completion is waited for too). A complete file is read with its source's reader:
- it parses -> moved to `<source>/pending/`: taken, and read by the source asset from then on;
  once a run that read it succeeded, `settle` moves it to `<source>/loaded/`. A run that fails
  or never starts leaves it pending, so the next run reads it again: nothing is marked loaded
  that no successful run read;
- it does not (wrong format, a declared column missing, no record readable, any reader error) ->
  moved to `<source>/rejected/` with `<name>.reason.txt` beside it; the other files keep flowing.
  So is a file over the size limit (CU_MAX_FILE_BYTES, lib/sources/file_size.py), without being
  parsed.
Moving the file is what marks it taken, so a restart never takes it twice.

Before anything else, the records of people who were forgotten are erased from a delivery
(`erase_forgotten`, lib/governance/landed.py): they never land, not even in `rejected/`. A large
CSV or JSON-lines file is read in pieces of whole records (chunks.py), so taking it holds one
piece in memory, not the file; its fingerprint is hashed as it streams.
"""

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from customer_unification.lib.landing.chunks import can_cut, pieces
from customer_unification.lib.sources.contracts import ContractError, SourceContract, SourcesConfig
from customer_unification.lib.sources.file_size import size_problem
from customer_unification.lib.sources.readers import read_files

LOADED, PENDING, REJECTED = "loaded", "pending", "rejected"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".filepart")


@dataclass(frozen=True)
class Delivery:
    """A complete file, accepted into `pending/` or moved to `rejected/`."""

    source: str
    name: str
    path: Path  # where it is now
    fingerprint: str  # sha256 of the content (of name, size and time for a file too large to read)
    accepted: bool
    reason: str | None = None
    records: int = 0
    forgotten_erased: int = 0  # records of forgotten people erased from it before it was taken


@dataclass
class Verdict:
    """One look at the landing zone: what was taken, and the sizes seen of what is still arriving."""

    deliveries: list[Delivery] = field(default_factory=list)
    arriving: dict[str, list[int]] = field(default_factory=dict)  # path -> [size, mtime_ns]

    @property
    def accepted(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.accepted]


class LandingZone:
    def __init__(self, root: Path, config: SourcesConfig,
                 erase_forgotten: Callable[[Path, SourceContract], int] | None = None):
        """`erase_forgotten(path, contract)`: rewrites a delivery without the records of people who were
        forgotten (returns how many), before it is read or taken (lib/governance/landed.py)."""
        self.root = Path(root)
        self.config = config
        self.sources = {s.name: s for s in config.sources if s.format != "sql"}
        self.erase_forgotten = erase_forgotten

    def folders(self) -> None:
        """Create `<landing>/<source>/` for every file-based source, so users see where to drop files."""
        for name in self.sources:
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def loaded_files(self, source: str) -> list[Path]:
        return self._files(source, LOADED)

    def admitted_files(self, source: str) -> list[Path]:
        """What the source asset reads: the loaded files, then those waiting for a successful run."""
        return self._files(source, LOADED) + self._files(source, PENDING)

    def settle(self, read: Iterable[str]) -> list[str]:
        """A run that read these pending files (`<source>/<name>`) succeeded: they are loaded now.
        Returns the ones moved (settling twice moves nothing)."""
        settled = []
        for entry in read:
            source, name = Path(entry).parent.name, Path(entry).name
            pending = self.root / source / PENDING / name
            if source in self.sources and pending.is_file():
                _move(pending, self.root / source / LOADED, fingerprint_of(pending))
                settled.append(f"{source}/{name}")
        return settled

    def files(self, source: str, stage: str) -> list[Path]:
        """The files of a source in `loaded`, `pending` or `rejected`."""
        return self._files(source, stage)

    def _files(self, source: str, stage: str) -> list[Path]:
        folder = self.root / source / stage
        # hidden files are not deliveries (a file being rewritten beside its original, say)
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) \
            if folder.is_dir() else []

    def take(self, seen_before: dict[str, list[int]]) -> Verdict:
        """Accept or reject every file that is complete now; remember the size of the others."""
        verdict = Verdict()
        for name, contract in self.sources.items():
            folder = self.root / name
            if not folder.is_dir():
                continue
            for path in sorted(p for p in folder.iterdir() if p.is_file() and not _in_progress(p)):
                stat = path.stat()
                now = [stat.st_size, stat.st_mtime_ns]
                if seen_before.get(str(path)) != now:
                    verdict.arriving[str(path)] = now  # first look, or still growing: look again
                    continue
                verdict.deliveries.append(self._admit(path, contract))
        return verdict

    def _admit(self, path: Path, contract: SourceContract) -> Delivery:
        reason, records, erased = size_problem(path), 0, 0  # too large: turned away unparsed
        # forgotten people never land, not even in rejected/ (a file too large to load is still searched
        # when it can be read a piece at a time; a binary one that large is not read at all)
        if self.erase_forgotten is not None and (reason is None or can_cut(path, contract)):
            try:
                erased = self.erase_forgotten(path, contract)
            except Exception as error:  # noqa: BLE001 - it stays where it is: the next look tries again
                return Delivery(contract.name, path.name, path, "", False,
                                f"left in place: could not erase forgotten people's records ({type(error).__name__})")
        if reason is None:
            fingerprint = fingerprint_of(path)
            reason, records = _parse_problem(path, contract, self.config)
        else:
            fingerprint = _unread_fingerprint(path)
        for stage, said in ((LOADED, "already loaded"), (PENDING, "already taken")):
            if reason is None and any(_same_content(p, path, fingerprint) for p in self._files(contract.name, stage)):
                reason = f"{said}: a file with the same content is in {stage}/"
        folder = self.root / contract.name
        # a pending file never shares a name with a loaded one: the source reads both folders at once
        moved = _move(path, folder / PENDING, fingerprint, also=folder / LOADED) if reason is None \
            else _move(path, folder / REJECTED, fingerprint)
        if reason is not None:
            stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            moved.with_name(moved.name + ".reason.txt").write_text(f"{stamp}\n{reason}\n")
        return Delivery(contract.name, path.name, moved, fingerprint, reason is None, reason, records, erased)


def _in_progress(path: Path) -> bool:
    return path.name.startswith(".") or path.name.endswith(".reason.txt") or path.suffix.lower() in IN_PROGRESS_SUFFIXES


def _parse_problem(path: Path, contract: SourceContract, config: SourcesConfig) -> tuple[str | None, int]:
    """Why the file cannot be loaded (None if it can), and how many records it holds."""
    records, unparsed, first_error = 0, 0, None
    try:
        for raw in read_in_pieces(path, contract, config):
            records += len(raw)
            errors = raw["_error"].dropna()
            unparsed += len(errors)
            if first_error is None and len(errors):
                first_error = errors.iloc[0]
    except (ContractError, ValueError, OSError) as error:
        return f"{type(error).__name__}: {error}", 0
    except Exception as error:  # noqa: BLE001 - whatever a reader raises (ZipError, csv.Error, ...)
        # rejects this file, never the whole pass
        return f"cannot be read as {contract.format}: {type(error).__name__}: {error}", 0
    if records and unparsed == records:
        return f"no record could be parsed; first error: {first_error}", records
    return None, records


def read_in_pieces(path: Path, contract: SourceContract, config: SourcesConfig) -> Iterator[pd.DataFrame]:
    """The file's records as the source reader reads them: whole, or a piece of whole records at a time."""
    if not can_cut(path, contract):
        yield read_files([path], contract, config)
        return
    with pieces(path, contract) as parts:
        for part in parts:
            yield read_files([part], contract, config)


def fingerprint_of(path: Path) -> str:
    """sha256 of the file's content, read as it streams (never the whole file in memory)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _unread_fingerprint(path: Path) -> str:
    """What tells an unread file apart: its name, size and modification time."""
    stat = path.stat()
    return hashlib.sha256(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()


def _same_content(path: Path, other: Path, fingerprint: str) -> bool:
    return path.stat().st_size == other.stat().st_size and fingerprint_of(path) == fingerprint


def _move(path: Path, folder: Path, fingerprint: str, also: Path | None = None) -> Path:
    """Move into folder; a different file already there (or in `also`) under the same name keeps its name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists() or (also is not None and (also / path.name).exists()):
        target = folder / f"{path.stem}.{fingerprint[:12]}{path.suffix}"
    shutil.move(str(path), target)
    return target
