"""What data-quality problems arrived with a delivery, against the recent norm.

A delivery's problems are counted per kind and rule (rows quarantined by each hard rule, values
set to NULL per field issue) and compared with the same counts of the last few deliveries. A
count is unusual when it is new (no recent delivery had it) or well above its recent median;
the staging checks that use this warn, they never block: the rows are already quarantined or
flagged, nothing wrong reaches the clean tables.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FACTOR = 2.0  # unusual: more than twice the recent median ...
SLACK = 5  # ... and at least this many more rows (a 1 -> 3 wobble is not news)


@dataclass(frozen=True)
class Arrival:
    problem: str  # the rule (quarantine) or the dq flag (nulled value)
    today: int
    norm: float | None  # median of the recent deliveries; None: no recent delivery to compare with
    unusual: bool


def compare(today: Mapping[str, int], recent: Sequence[Mapping[str, int]]) -> list[Arrival]:
    """Every problem seen today or recently, most rows today first. `recent`: the counts of the
    previous deliveries (a problem missing from one counts 0 there)."""
    out = []
    for problem in sorted(set(today) | {p for counts in recent for p in counts}):
        n = int(today.get(problem, 0))
        norm = statistics.median(int(c.get(problem, 0)) for c in recent) if recent else None
        unusual = n > 0 and (norm is None or norm == 0 or (n > FACTOR * norm and n >= norm + SLACK))
        out.append(Arrival(problem, n, norm, unusual))
    return sorted(out, key=lambda a: (-a.today, a.problem))


def markdown(arrivals: Sequence[Arrival], header: str) -> str:
    if not arrivals:
        return "(none)"
    rows = "\n".join(f"| {a.problem} | {a.today:,} | {'-' if a.norm is None else f'{a.norm:g}'} | "
                     f"{'**unusual**' if a.unusual else ''} |" for a in arrivals)
    return f"| {header} | this delivery | recent median | |\n|---|---:|---:|---|\n{rows}"
