"""Nickname -> canonical first name, from normalize/data/nicknames.csv (see its header); and the
broader many-to-many relation of the maintained `nicknames` dataset, for judgements that must not
call one person's names two people's.

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


def related_name_pairs() -> list[tuple[str, str]]:
    """Pairs of first names (lowercase, both orders) that may be one person's, from the
    maintained `nicknames` dataset (carltonnorthern/nicknames): a name and its nicknames, and two
    nicknames of one name (Nell ~ Helen ~ Ellen, Molly ~ Mary, Bella ~ Isabella). Too loose to
    score with (Ron ~ Aaron makes strangers agree), right for doubting that two names are two
    people's."""
    from importlib.resources import files

    nicknames_of: dict[str, set[str]] = {}
    with files("nicknames").joinpath("names.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["relationship"] == "has_nickname":
                nicknames_of.setdefault(row["name1"].strip(), set()).add(row["name2"].strip())
    pairs = set()
    for name, nicks in nicknames_of.items():
        family = nicks | {name}
        pairs.update((a, b) for a in family for b in family if a != b)
    return sorted(pairs)
