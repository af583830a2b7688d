"""Analytics: channel and campaign KPIs, multi-touch attribution, pictures."""
