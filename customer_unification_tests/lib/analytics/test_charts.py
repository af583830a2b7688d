"""Charts are well-formed, self-contained SVG / HTML carrying their labels and values."""

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from customer_unification.lib.analytics.charts import (
    attribution_svg, fmt_number, funnel_markdown, funnel_svg, html_report, markdown_bar_chart, segment_sizes_svg,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed XML
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter(f"{NS}text")]


def rect_widths(root: ET.Element) -> list[float]:
    return [float(r.get("width")) for r in root.iter(f"{NS}rect")]


FUNNEL = [("email", 1454, 574, 142, 5), ("sms", 0, 0, 556, 7)]


def test_funnel_svg_labels_values_and_scaled_bars():
    root = parse(funnel_svg(FUNNEL))
    labels = texts(root)
    for label in ("email", "sms", "sent", "opened", "clicked", "converted", "1,454", "574", "142", "556"):
        assert label in labels, label
    # bars scaled to each channel's largest stage: email sent = 360 px, opened 574/1454 of it
    widths = rect_widths(root)[1:]  # the first rect is the background
    assert widths[:4] == [360.0, round(360 * 574 / 1454, 1), round(360 * 142 / 1454, 1), round(360 * 5 / 1454, 1)]
    assert widths[4:] == [0.0, 0.0, 360.0, round(360 * 7 / 556, 1)]  # sms: no sends recorded, clicks lead


def test_labels_are_escaped():
    svg = funnel_svg([("<b>&co", 3, 2, 1, 0)], title='A "quoted" <title>')
    root = parse(svg)
    assert "<b>&co" in texts(root) and "&lt;b&gt;&amp;co" in svg
    assert root.find(f"{NS}title").text == 'A "quoted" <title>'


def test_attribution_svg_groups_channels_and_models():
    rows = [("linear", "email", 2 / 3), ("linear", "sms", 1 / 3), ("last_touch", "email", 1.0),
            ("first_touch", "email", 0.5), ("first_touch", "email", 0.5)]  # summed per channel x model
    root = parse(attribution_svg(rows))
    labels = texts(root)
    # legend in the canonical model order, channels by total credit (email 3, sms 1/3)
    legend = [t for t in labels if t in ("first_touch", "last_touch", "linear")]
    assert legend == ["first_touch", "last_touch", "linear"]
    assert labels.index("email") < labels.index("sms")
    tooltips = [el.text for el in root.iter(f"{NS}title")][1:]
    assert "email / first_touch: 1" in tooltips and "email / linear: 0.67" in tooltips
    assert "sms / linear: 0.33" in tooltips and "sms / last_touch: 0" in tooltips
    # the tallest bar (1.0) is the full plot height, 220 px
    heights = [float(r.get("height")) for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert max(heights) == 220.0 and min(heights) == 0.0


def test_segment_sizes_svg_draws_a_line_per_segment():
    rows = [("vip", dt.date(2026, 9, 1), 120), ("vip", "2026-10-01", 140), ("vip", dt.datetime(2026, 11, 1), 135),
            ("lapsed", "2026-09-01", 300), ("lapsed", "2026-11-01", 310)]
    root = parse(segment_sizes_svg(rows))
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 2
    labels = texts(root)
    assert "vip (135)" in labels and "lapsed (310)" in labels  # legend with the latest size
    assert "2026-09-01" in labels and "2026-11-01" in labels and "310" in labels  # axes
    # lapsed (sorted first): from the left edge (x=60) to the right edge (x=540); the plot spans
    # y 40 (310, the top) to 260 (0): 300 -> 260 - 220 * 300 / 310 = 47.1
    assert lines[0].get("points") == "60.0,47.1 540.0,40.0"


def test_empty_inputs_still_give_valid_svg():
    one_point = [("a", "2026-01-01", 0)]
    for svg in (funnel_svg([]), attribution_svg([]), segment_sizes_svg([]), segment_sizes_svg(one_point)):
        parse(svg)


def test_markdown_charts():
    text = markdown_bar_chart([("email", 10), ("sms", 5), ("none", None)], headers=("channel", "conversions"),
                              width=10)
    assert text.splitlines() == [
        "| channel | conversions | |", "|---|---:|---|",
        "| email | 10 | ██████████ |", "| sms | 5 | █████ |", "| none | - |  |"]
    funnel = funnel_markdown(FUNNEL, width=10).splitlines()
    assert funnel[2] == "| email | sent | 1,454 | ██████████ |"
    assert funnel[4] == "| email | clicked | 142 | █ |"  # 10 * 142 / 1454 = 0.98 -> 1
    assert funnel[-1] == "| sms | converted | 7 |  |"


def test_fmt_number():
    assert [fmt_number(v) for v in (None, 3, 2.0, 0.125, 2 / 3, 1234.56, 1_000_000)] == [
        "-", "3", "2", "0.12", "0.67", "1,235", "1,000,000"]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.data = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)


def test_html_report_embeds_svg_and_escapes_text():
    svg = funnel_svg(FUNNEL)
    page = html_report("Campaigns & KPIs", [("Funnel", svg), ("As text", "| a | <b> |")])
    assert page.startswith("<!DOCTYPE html>") and svg in page
    assert "<pre>| a | &lt;b&gt; |</pre>" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("section") == 2 and parser.tags.count("svg") == 1
    assert "Campaigns & KPIs" in parser.data and "Funnel" in parser.data and "As text" in parser.data
