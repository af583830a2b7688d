"""Nickname -> canonical first name, from normalize/data/nicknames.csv (see its header).

A module of its own, outside the normalize package: matching needs only this map, and importing
that package loads nameparser and phonenumbers (~0.2 s of every `match` process start).
"""

import csv
from pathlib import Path

NICKNAMES_CSV = Path(__file__).resolve().parent / "normalize" / "data" / "nicknames.csv"


def _load_nicknames() -> dict[str, str]:
    with NICKNAMES_CSV.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if line.strip() and not line.startswith("#"))
        header = next(rows)
        if header != ["nickname", "canonical"]:
            raise ValueError(f"unexpected nicknames.csv header: {header}")
        return {nickname.strip(): canonical.strip() for nickname, canonical in rows}


NICKNAMES: dict[str, str] = _load_nicknames()
