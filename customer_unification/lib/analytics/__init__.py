"""Campaign analytics: KPIs per channel and campaign, multi-touch attribution, charts (no Dagster).

- `config`: key events, marketing touches and attribution settings (`default_analytics.yaml`);
- `attribution`: credit for each conversion under five models (`ATTRIBUTION_DEFINITIONS`);
- `kpis`: reach, sends, opens, clicks, rates, converters, attributed revenue; engagement by hour;
- `charts`: SVG and Markdown pictures of those tables and an offline HTML report.
"""
