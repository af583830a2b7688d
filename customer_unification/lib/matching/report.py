"""Pictures of a matching run: the model's match weights and the distribution of pair scores.

Two renderings of the same numbers: Markdown with text bars for the Dagster UI's metadata panel,
and a self-contained HTML page with SVG charts for people who would rather look than read.
"""

import html

import numpy as np
import pandas as pd

from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.em import FittedModel


def model_table(specs: list[ComparisonSpec], model: FittedModel) -> pd.DataFrame:
    """One row per comparison level: label, m, u, h (with the household class) and the match weight
    (log2 m/u)."""
    rows = []
    h = model.h or [None] * len(specs)
    for spec, m, u, w, hh in zip(specs, model.m, model.u, model.weights(), h):
        for gamma in range(spec.top, -1, -1):
            rows.append({"comparison": spec.name, "level": gamma, "label": spec.label(gamma),
                         "m_probability": float(m[gamma]), "u_probability": float(u[gamma]),
                         # households.py: how often a household member agrees (no class: NULL)
                         "h_probability": None if hh is None else float(hh[gamma]),
                         "match_weight": round(float(w[gamma]), 3)})
    return pd.DataFrame(rows).astype({"h_probability": "Float64"})


def _bar(value: float, scale: float, width: int = 10) -> str:
    n = min(width, round(abs(value) / scale * width)) if scale else 0
    return ("▇" * n).rjust(width) + "│" + " " * width if value < 0 else " " * width + "│" + "▇" * n


def weights_markdown(table: pd.DataFrame) -> str:
    scale = max(float(table["match_weight"].abs().max()), 1e-9)
    lines = ["| comparison | level | weight (bits) | against ◀ ▶ for |", "|---|---|---:|---|"]
    for row in table.itertuples():
        lines.append(f"| {row.comparison} | {row.label} | {row.match_weight:+.1f} | `{_bar(row.match_weight, scale)}` |")
    return "\n".join(lines)


def histogram(weights: np.ndarray, bins: int = 24) -> pd.DataFrame:
    if len(weights) == 0:
        return pd.DataFrame(columns=["from", "to", "pairs"])
    counts, edges = np.histogram(np.clip(weights, -40, 40), bins=bins)
    return pd.DataFrame({"from": edges[:-1].round(1), "to": edges[1:].round(1), "pairs": counts})


def histogram_markdown(hist: pd.DataFrame, threshold_weight: float) -> str:
    top = max(int(hist["pairs"].max()) if len(hist) else 0, 1)
    lines = ["| match weight | pairs | |", "|---|---:|---|"]
    for row in hist.itertuples():
        mark = " ← threshold" if row[1] <= threshold_weight < row[2] else ""
        lines.append(f"| {row[1]:+.0f} … {row[2]:+.0f} | {row.pairs:,} | `{'▇' * round(24 * row.pairs / top)}`{mark} |")
    return "\n".join(lines)


def html_report(title: str, table: pd.DataFrame, hist: pd.DataFrame, threshold_weight: float,
                facts: dict[str, object]) -> str:
    """A standalone page: facts, a diverging bar chart of level weights, a score histogram."""
    scale = max(float(table["match_weight"].abs().max()), 1e-9)
    row_h, half = 18, 220
    bars = []
    for i, row in enumerate(table.itertuples()):
        y = i * row_h
        w = abs(row.match_weight) / scale * half
        x = half if row.match_weight >= 0 else half - w
        colour = "#2e7d32" if row.match_weight >= 0 else "#c62828"
        bars.append(f'<text x="0" y="{y + 13}" font-size="11">{html.escape(row.comparison)}: '
                    f'{html.escape(row.label)}</text><rect x="{360 + x:.1f}" y="{y + 3}" width="{w:.1f}" '
                    f'height="{row_h - 6}" fill="{colour}"/><text x="{360 + 2 * half + 8}" y="{y + 13}" '
                    f'font-size="11">{row.match_weight:+.1f}</text>')
    weights_svg = (f'<svg width="{360 + 2 * half + 60}" height="{len(table) * row_h + 4}">'
                   f'<line x1="{360 + half}" x2="{360 + half}" y1="0" y2="{len(table) * row_h}" stroke="#555"/>'
                   + "".join(bars) + "</svg>")
    top = max(int(hist["pairs"].max()) if len(hist) else 0, 1)
    cols = []
    for i, row in enumerate(hist.itertuples()):
        h = row.pairs / top * 160
        colour = "#2e7d32" if row[1] >= threshold_weight else "#9e9e9e"
        cols.append(f'<rect x="{i * 26}" y="{170 - h:.1f}" width="22" height="{h:.1f}" fill="{colour}">'
                    f'<title>{row[1]:+.1f} to {row[2]:+.1f}: {row.pairs:,} pairs</title></rect>'
                    f'<text x="{i * 26}" y="186" font-size="9">{row[1]:+.0f}</text>')
    hist_svg = f'<svg width="{len(hist) * 26 + 10}" height="195">' + "".join(cols) + "</svg>"
    facts_html = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                         for k, v in facts.items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}} th{{text-align:left;padding-right:1em}}</style></head>
<body><h1>{html.escape(title)}</h1><table>{facts_html}</table>
<h2>Match weight per comparison level</h2><p>Bits of evidence for (green) or against (red) a match
when two records compare at that level (log2 of m/u).</p>{weights_svg}
<h2>Candidate pairs by match weight</h2><p>Green: at or above the acceptance threshold
({threshold_weight:+.1f} bits).</p>{hist_svg}</body></html>"""
