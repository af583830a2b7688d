"""A landing folder per source, `<landing>/<source>/`, where new files arrive.

A file is taken only once it is complete: names that say a copy is still under way
(`.part`, `.tmp`, `.partial`, `.crdownload`, hidden files) are skipped, and any other file must
keep the same size and modification time across two looks (so a writer that does not rename
on completion is waited for too). A complete file is read with its source's reader:
- it parses -> moved to `<source>/loaded/`, where the source asset reads it from then on;
- it does not (wrong format, a declared column missing, no record readable) -> moved to
  `<source>/rejected/` with `<name>.reason.txt` beside it; the other files keep flowing.
Moving the file is what marks it processed, so a restart never takes it twice.
"""

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from customer_unification.lib.sources.contracts import ContractError, SourceContract, SourcesConfig
from customer_unification.lib.sources.readers import read_files

LOADED, REJECTED = "loaded", "rejected"
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".filepart")


@dataclass(frozen=True)
class Delivery:
    """A complete file, accepted into `loaded/` or moved to `rejected/`."""

    source: str
    name: str
    path: Path  # where it is now
    fingerprint: str  # sha256 of the content
    accepted: bool
    reason: str | None = None
    records: int = 0


@dataclass
class Verdict:
    """One look at the landing zone: what was taken, and the sizes seen of what is still arriving."""

    deliveries: list[Delivery] = field(default_factory=list)
    arriving: dict[str, list[int]] = field(default_factory=dict)  # path -> [size, mtime_ns]

    @property
    def accepted(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.accepted]


class LandingZone:
    def __init__(self, root: Path, config: SourcesConfig):
        self.root = Path(root)
        self.config = config
        self.sources = {s.name: s for s in config.sources if s.format != "sql"}

    def folders(self) -> None:
        """Create `<landing>/<source>/` for every file-based source, so users see where to drop files."""
        for name in self.sources:
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def loaded_files(self, source: str) -> list[Path]:
        folder = self.root / source / LOADED
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

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
        fingerprint = hashlib.sha256(path.read_bytes()).hexdigest()
        reason, records = _parse_problem(path, contract, self.config)
        if reason is None and any(_same_content(p, fingerprint) for p in self.loaded_files(contract.name)):
            reason = "already loaded: a file with the same content is in loaded/"
        target = self.root / contract.name / (LOADED if reason is None else REJECTED)
        moved = _move(path, target, fingerprint)
        if reason is not None:
            stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            moved.with_name(moved.name + ".reason.txt").write_text(f"{stamp}\n{reason}\n")
        return Delivery(contract.name, path.name, moved, fingerprint, reason is None, reason, records)


def _in_progress(path: Path) -> bool:
    return path.name.startswith(".") or path.name.endswith(".reason.txt") or path.suffix.lower() in IN_PROGRESS_SUFFIXES


def _parse_problem(path: Path, contract: SourceContract, config: SourcesConfig) -> tuple[str | None, int]:
    """Why the file cannot be loaded (None if it can), and how many records it holds."""
    try:
        raw = read_files([path], contract, config)
    except (ContractError, ValueError, OSError) as error:
        return f"{type(error).__name__}: {error}", 0
    if len(raw) and raw["_error"].notna().all():
        return f"no record could be parsed; first error: {raw['_error'].iloc[0]}", len(raw)
    return None, len(raw)


def _same_content(path: Path, fingerprint: str) -> bool:
    return hashlib.sha256(path.read_bytes()).hexdigest() == fingerprint


def _move(path: Path, folder: Path, fingerprint: str) -> Path:
    """Move into folder; a different file already there under the same name keeps its name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}.{fingerprint[:12]}{path.suffix}"
    shutil.move(str(path), target)
    return target
