"""The landing zone's files as copies of a person: rewritten without their records when they are forgotten.

Every file a source took through the landing zone stays there - `loaded/`, `pending/`, and the
turned-away ones in `rejected/` - and is read again by every run: it is personal data like the
raw layer. `LandedFiles` is one of `forget`'s copies (copies.py): a record is the person's when the
raw layer would drop it (suppression.suppressed_raw_rows: their record keys and exclusive
identifiers, normalised as staging normalises them; lines no reader understands, by their
tokens). Their records are erased in place, in the file's own format (lib/landing/row_erasure.py).

`forgotten_rows_eraser` does the same for a new delivery before the landing zone takes it, with
the whole suppression list: a re-delivered file of a forgotten person lands without them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from customer_unification.lib.governance.copies import Person
from customer_unification.lib.governance.suppression import Suppression, suppressed_raw_rows
from customer_unification.lib.landing.row_erasure import erase_rows
from customer_unification.lib.landing.zone import LOADED, PENDING, REJECTED, LandingZone
from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig

REASON_SUFFIX = ".reason.txt"


@dataclass(frozen=True)
class LandedFiles:
    """`root/<source>/{loaded,pending,rejected}/*`, as the landing zone keeps them."""

    root: Path
    config: SourcesConfig

    @property
    def label(self) -> str:
        return str(self.root)

    def erase(self, person: Person, dry_run: bool = False) -> dict[str, int]:
        """place -> records erased (or that would be, for a dry run); counts and file names only."""
        if person.suppression is None or person.suppression.empty:
            return {}
        zone = LandingZone(self.root, self.config)
        removed = {}
        for name, contract in zone.sources.items():
            erase = _eraser(contract, person.suppression)
            for stage in (LOADED, PENDING, REJECTED):
                for path in zone.files(name, stage):
                    if path.name.endswith(REASON_SUFFIX):
                        continue
                    n = erase_rows(path, contract, self.config, erase, dry_run)
                    if n:
                        removed[f"{self.root.name}/{name}/{stage}/{path.name}"] = n
        return removed


def forgotten_rows_eraser(config: SourcesConfig,
                          suppression: Suppression) -> Callable[[Path, SourceContract], int] | None:
    """For the landing zone: erase forgotten people's records from a delivery before it is taken;
    None when nobody was ever forgotten."""
    if suppression.empty:
        return None

    def erase_forgotten(path: Path, contract: SourceContract) -> int:
        return erase_rows(path, contract, config, _eraser(contract, suppression))

    return erase_forgotten


def _eraser(contract: SourceContract, suppression: Suppression):
    return lambda raw: suppressed_raw_rows(raw, suppression, contract)
