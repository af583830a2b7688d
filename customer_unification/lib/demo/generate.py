"""Orchestration: population -> every source system -> files, ground truth and manifest."""

import json
from pathlib import Path

from customer_unification.lib.demo.common import ANCHOR_DATE
from customer_unification.lib.demo.population import build_population
from customer_unification.lib.demo.systems import (
    callcentre, crm, esp, loyalty, postal, signups, sms, social, web, webshop,
)
from customer_unification.lib.demo.systems.base import SourceOutput
from customer_unification.lib.demo.writers import truth_rows, write_source, write_truth

SYSTEMS = (crm, webshop, loyalty, esp, sms, callcentre, postal, signups, social, web)


def render_sources(people: int, seed: int):
    """The population and every rendered source, in memory (for tests and exploration)."""
    pop = build_population(people, seed)
    outputs: list[SourceOutput] = []
    for system in SYSTEMS:
        outputs.extend(system.render(pop, seed))
    return pop, outputs


def _clear_previous(out: SourceOutput, root: Path) -> None:
    pattern = out.path
    for old in root.glob(pattern):
        if old.is_file():
            old.unlink()


def generate_demo_estate(out_dir: str | Path, people: int = 10_000, seed: int = 7) -> dict:
    """Write the demo estate under `out_dir`; the same (people, seed) gives identical bytes.

    Returns the manifest (also written to `out_dir/manifest.json`).
    """
    if people < 10:
        raise ValueError("people must be at least 10")
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    pop = build_population(people, seed)
    sources, truth_parts = {}, []
    for system in SYSTEMS:  # render, write and let go of one system at a time (bounded memory)
        for out in system.render(pop, seed):
            _clear_previous(out, root)
            files = write_source(out, root)
            sources[out.name] = {
                "format": out.fmt,
                "location": out.path,
                "files": [p.relative_to(root).as_posix() for p in files],
                "records": int(out.is_record.sum()),
                "defective_records": int((out.defect[out.is_record] != "").sum()),
            }
            truth_parts.append(truth_rows(out, pop.person_id))
    truth = write_truth(truth_parts, pop.people_frame(), root)
    manifest = {
        "generator": "customer_unification.lib.demo",
        "people": int(people),
        "households": int(pop.n_households),
        "seed": int(seed),
        "anchor_date": ANCHOR_DATE,
        "sources": sources,
        "total_records": int(sum(s["records"] for s in sources.values())),
        "truth": {"record_person": "_truth/record_person.parquet", "people": "_truth/people.parquet",
                  "records": truth["records"]},
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
