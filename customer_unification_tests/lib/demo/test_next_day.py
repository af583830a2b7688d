"""A new day of demo event files: readable by each source, all dated that day, with new keys."""

import datetime as dt

from customer_unification.lib.demo.next_day import land_next_day
from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.lib.sources.partitioning import event_days
from customer_unification.lib.sources.readers import read_files, read_source

DAY = dt.date(2026, 11, 21)


def test_each_event_source_gets_a_file_of_new_events_on_the_day(small_estate, tmp_path, monkeypatch):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    config = load_contracts()
    written = land_next_day(config, tmp_path, DAY, share=0.05)
    assert set(written) == {"webshop_orders", "pos_transactions", "email_events", "sms_clicks", "web_events"}
    for source, count in written.items():
        contract = config.get(source)
        [path] = list((tmp_path / source).iterdir())  # renamed when complete: no .part left
        assert path.name == f"{source}_{DAY}{path.suffix}"
        raw = read_files([path], contract, config)
        assert len(raw) == count > 0 and raw["_error"].isna().all()
        assert set(event_days(raw, contract, dt.date(2026, 11, 1), DAY)) == {str(DAY)}
        key = contract.record_key[0]
        assert not set(raw[key]) & set(read_source(config, contract)[key]), "new events have new keys"
    assert not (tmp_path / "social_followers").exists(), "a source keyed by an identifier is left out"
