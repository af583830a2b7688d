"""Pictures of the analytics tables: self-contained SVG strings, Markdown bar charts, an HTML report.

Pure functions from rows (as `con.sql(...).fetchall()` returns them) to text: no plotting library,
no JavaScript, nothing fetched, so a chart can go into Dagster metadata, a README or an HTML file
opened offline. Colours are the Okabe-Ito palette (distinguishable with colour-blindness).

- `funnel_svg` / `funnel_markdown`: rows (channel, sent, opened, clicked, converted), e.g. from
  `SELECT channel, sent, opens, clicks, converters FROM analytics.channel_kpis`;
- `attribution_svg`: rows (model, channel, credit), e.g. `SELECT model, channel, conversions_credit`
  summed over campaigns, as grouped bars (a group per channel, a bar per model);
- `segment_sizes_svg`: rows (segment, as_of, members), a line per segment over time;
- `markdown_bar_chart`: (label, value) pairs as a Markdown table with text bars;
- `html_report(title, sections)`: one HTML page from (heading, SVG or text) sections.
"""

import datetime as dt
import html
from collections.abc import Iterable, Sequence

from customer_unification.lib.analytics.config import MODELS

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FUNNEL_STAGES = ("sent", "opened", "clicked", "converted")
_FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'
_BAR = "█"


def fmt_number(value: float | int | None) -> str:
    """A number as a chart label: thousands separators, at most two decimals, '-' for missing."""
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" {_FONT}>\n'
            f"<title>{_esc(title)}</title>\n"
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
            f'<text x="10" y="20" font-size="15" font-weight="bold">{_esc(title)}</text>\n'
            + "\n".join(body) + "\n</svg>")


def funnel_svg(rows: Iterable[Sequence],
               title: str = "Channel funnel: sent → opened → clicked → converted") -> str:
    """One block per channel, a horizontal bar per stage; bars are scaled to the channel's largest
    stage (a channel without recorded sends still shows its clicks and conversions)."""
    rows = [tuple(r) for r in rows]
    label_w, bar_w, bar_h, gap = 90, 360, 16, 4
    width, y, body = label_w + bar_w + 90, 40, []
    for channel, *stages in rows:
        values = [float(v or 0) for v in stages[:len(FUNNEL_STAGES)]]
        top = max(values) or 1.0
        body.append(f'<text x="10" y="{y + 12}" font-weight="bold">{_esc(channel)}</text>')
        y += 18
        for i, (stage, value) in enumerate(zip(FUNNEL_STAGES, values)):
            w = round(bar_w * value / top, 1)
            body.append(f'<text x="20" y="{y + 12}">{stage}</text>'
                        f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{PALETTE[i]}"/>'
                        f'<text x="{label_w + w + 6}" y="{y + 12}">{fmt_number(value)}</text>')
            y += bar_h + gap
        y += 10
    return _svg(width, y + 10, title, body)


def funnel_markdown(rows: Iterable[Sequence], width: int = 30) -> str:
    """The funnel as Markdown: one table row per channel and stage, bars scaled per channel."""
    lines = ["| channel | stage | count | |", "|---|---|---:|---|"]
    for channel, *stages in rows:
        values = [float(v or 0) for v in stages[:len(FUNNEL_STAGES)]]
        top = max(values) or 1.0
        lines += [f"| {channel} | {stage} | {fmt_number(v)} | {_BAR * round(width * v / top)} |"
                  for stage, v in zip(FUNNEL_STAGES, values)]
    return "\n".join(lines)


def attribution_svg(rows: Iterable[Sequence], title: str = "Conversions credited by channel and model",
                    models: Sequence[str] | None = None) -> str:
    """Grouped vertical bars: a group per channel (by total credit, largest first), a bar per
    model in `models` order (default: the models present, in the canonical order)."""
    credit: dict[tuple[str, str], float] = {}
    for model, channel, value in rows:
        credit[(channel, model)] = credit.get((channel, model), 0.0) + float(value or 0)
    present = {m for _, m in credit}
    models = list(models) if models is not None else (
        [m for m in MODELS if m in present] + sorted(present - set(MODELS)))
    channels = sorted({c for c, _ in credit}, key=lambda c: (-sum(v for (ch, _), v in credit.items() if ch == c), c))
    top = max(credit.values(), default=0.0) or 1.0
    legend_rows = (len(models) + 3) // 4  # four models to a legend line
    bar_w, group_gap, plot_h, left = 18, 24, 220, 60
    top_y = 46 + 14 * legend_rows
    group_w = bar_w * len(models) + group_gap
    width = max(left + group_w * len(channels) + 20, 500)
    base = top_y + plot_h
    body = [f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#333"/>',
            f'<text x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>',
            f'<text x="{left - 6}" y="{top_y + 4}" text-anchor="end">{fmt_number(top)}</text>',
            f'<line x1="{left}" y1="{top_y}" x2="{width - 10}" y2="{top_y}" stroke="#ddd"/>']
    for i, model in enumerate(models):  # legend
        x, y = 10 + 120 * (i % 4), 36 + 14 * (i // 4)
        body.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
                    f'<text x="{x + 14}" y="{y}">{_esc(model)}</text>')
    for g, channel in enumerate(channels):
        x0 = left + g * group_w + group_gap / 2
        for i, model in enumerate(models):
            value = credit.get((channel, model), 0.0)
            h = round(plot_h * value / top, 1)
            x = x0 + i * bar_w
            body.append(f'<rect x="{x}" y="{base - h}" width="{bar_w - 2}" height="{h}" '
                        f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_esc(channel)} / {_esc(model)}: '
                        f'{fmt_number(value)}</title></rect>')
            body.append(f'<text x="{x + (bar_w - 2) / 2}" y="{base - h - 3}" font-size="9" '
                        f'text-anchor="middle">{fmt_number(value)}</text>')
        body.append(f'<text x="{x0 + bar_w * len(models) / 2}" y="{base + 16}" text-anchor="middle">'
                    f'{_esc(channel)}</text>')
    return _svg(int(width), int(base + 30), title, body)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def segment_sizes_svg(rows: Iterable[Sequence], title: str = "Segment sizes over time") -> str:
    """A line per segment through (as_of, members) points; as_of may be a date, datetime or ISO string."""
    series: dict[str, list[tuple[dt.date, float]]] = {}
    for segment, as_of, members in rows:
        series.setdefault(str(segment), []).append((_as_date(as_of), float(members or 0)))
    for points in series.values():
        points.sort()
    dates = sorted({d for points in series.values() for d, _ in points})
    top = max((v for points in series.values() for _, v in points), default=0.0) or 1.0
    left, plot_w, plot_h, top_y = 60, 480, 220, 40
    legend_x = left + plot_w + 20
    width, height = legend_x + 170, max(top_y + plot_h + 40, 40 + 16 * len(series) + 20)
    base = top_y + plot_h
    span = (dates[-1] - dates[0]).days if dates else 0

    def x_of(d: dt.date) -> float:
        return round(left + (plot_w * (d - dates[0]).days / span if span else plot_w / 2), 1)

    def y_of(v: float) -> float:
        return round(base - plot_h * v / top, 1)

    body = [f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#333"/>',
            f'<line x1="{left}" y1="{top_y}" x2="{left}" y2="{base}" stroke="#333"/>',
            f'<text x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>',
            f'<text x="{left - 6}" y="{top_y + 4}" text-anchor="end">{fmt_number(top)}</text>']
    # up to five date labels spread evenly in time, at least 100 px apart, always the first and last
    ticks: list[dt.date] = []
    for i in range(5 if dates else 0):
        target = dates[0] + dt.timedelta(days=span * i / 4)
        nearest = min(dates, key=lambda d: abs((d - target).days))
        if not ticks or x_of(nearest) - x_of(ticks[-1]) >= 100:
            ticks.append(nearest)
    if dates and ticks[-1] != dates[-1]:
        ticks[-1 if len(ticks) > 1 else 1:] = [dates[-1]]
    for d in ticks:
        anchor = "start" if d == dates[0] and span else "end" if d == dates[-1] and span else "middle"
        body.append(f'<line x1="{x_of(d)}" y1="{base}" x2="{x_of(d)}" y2="{base + 4}" stroke="#333"/>'
                    f'<text x="{x_of(d)}" y="{base + 18}" text-anchor="{anchor}">{d.isoformat()}</text>')
    for i, (segment, points) in enumerate(sorted(series.items())):
        colour = PALETTE[i % len(PALETTE)]
        coords = " ".join(f"{x_of(d)},{y_of(v)}" for d, v in points)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{x_of(d)}" cy="{y_of(v)}" r="3" fill="{colour}"><title>{_esc(segment)} '
                 f'{d.isoformat()}: {fmt_number(v)}</title></circle>' for d, v in points]
        last = points[-1][1]
        ly = 50 + 16 * i
        body.append(f'<rect x="{legend_x}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{legend_x + 14}" y="{ly}">{_esc(segment)} ({fmt_number(last)})</text>')
    return _svg(width, height, title, body)


def markdown_bar_chart(items: Iterable[tuple[str, float | int | None]], headers: tuple[str, str] = ("", "value"),
                       width: int = 30) -> str:
    """(label, value) pairs as a Markdown table with a text bar scaled to the largest value."""
    items = [(str(label), value) for label, value in items]
    top = max((float(v) for _, v in items if v is not None), default=0.0) or 1.0
    lines = [f"| {headers[0]} | {headers[1]} | |", "|---|---:|---|"]
    lines += [f"| {label} | {fmt_number(value)} | {_BAR * max(0, round(width * float(value or 0) / top))} |"
              for label, value in items]
    return "\n".join(lines)


def html_report(title: str, sections: Iterable[tuple[str, str]]) -> str:
    """One self-contained HTML page: a heading per section; an SVG body is embedded as it is, any
    other body (Markdown, plain text) is shown escaped and preformatted."""
    parts = []
    for heading, body in sections:
        content = body if body.lstrip().startswith("<svg") else f"<pre>{_esc(body)}</pre>"
        parts.append(f"<section>\n<h2>{_esc(heading)}</h2>\n{content}\n</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_esc(title)}</title>\n"
            "<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}"
            "section{margin-bottom:2.5em}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>\n"
            f"</head>\n<body>\n<h1>{_esc(title)}</h1>\n" + "\n".join(parts) + "\n</body>\n</html>\n")
