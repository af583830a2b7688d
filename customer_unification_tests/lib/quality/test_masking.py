import pandas as pd
import pytest

from customer_unification.lib.quality.masking import is_pii_column, mask_reasons, mask_value, masked_preview


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("kelly.neal@gmail.com", "k*********@g****.com"),
        ("+12127365000", "+*********00"),
        ("Kelly", "K****"),
        ("12 N Main St", "1* * **** St"),
        ("ab", "**"),
        ("1985", "****"),
        (None, None),
        (float("nan"), None),
    ],
)
def test_mask_value_keeps_shape_not_content(value, expected):
    assert mask_value(value) == expected


@pytest.mark.parametrize("column", ["email", "first_name", "phone", "date_of_birth", "ADDRESS LINE 1",
                                    "caller_name", "card_number", "customer.email", "raw_record"])
def test_personal_columns_are_recognised(column):
    assert is_pii_column(column)


@pytest.mark.parametrize("column", ["source", "event_type", "amount", "channel", "city", "region"])
def test_other_columns_are_not(column):
    assert not is_pii_column(column)


def test_preview_masks_every_personal_value():
    frame = pd.DataFrame({"email": ["kelly.neal@gmail.com"], "last_name": ["Neal"], "city": ["Boston"]})
    preview = masked_preview(frame)
    assert preview.loc[0, "city"] == "Boston"
    rendered = preview.to_string()
    assert "kelly" not in rendered and "Neal" not in rendered
    assert frame.loc[0, "email"] == "kelly.neal@gmail.com"  # the input is untouched


@pytest.mark.parametrize(("reason", "expected"), [
    ("invalid_date: date_of_birth: '06/31/1973' is not a valid date (format %m/%d/%Y)",
     "invalid_date: date_of_birth: '0*/**/**73' is not a valid date (format %m/%d/%Y)"),
    ("date_out_of_range: date_of_birth: 2999-01-02 is outside 1900-01-01..2026-11-01",
     "date_out_of_range: date_of_birth: 2***-**-02 is outside 1900-01-01..2026-11-01"),
    ("missing_record_key: record key (id) is empty | invalid_date: date_of_birth: '1/2/3' is ambiguous",
     "missing_record_key: record key (id) is empty | invalid_date: date_of_birth: '1/*/3' is ambiguous"),
    ("invalid_timestamp: event_ts: 'yesterday' is unparseable (format iso)",  # not personal: kept
     "invalid_timestamp: event_ts: 'yesterday' is unparseable (format iso)"),
    ("unparseable_record: invalid_encoding: column 'first' is mojibake (utf-8 text read as latin-1)",
     "unparseable_record: invalid_encoding: column 'first' is mojibake (utf-8 text read as latin-1)"),
])
def test_quarantine_reasons_keep_the_rule_and_mask_personal_values(reason, expected):
    assert mask_reasons(reason) == expected


def test_quarantine_preview_masks_birth_dates_in_reasons_and_personal_record_keys():
    """Issue 14 defect 6: `C1000317 | … '06/31/1973'`, and keys made of name | street | ZIP, in clear."""
    frame = pd.DataFrame({
        "source_record_id": ["C1000317", "KELLY NEAL|12 N MAIN ST|02134"],
        "rule": ["invalid_date", "duplicate_record_key"],
        "reasons": ["invalid_date: date_of_birth: '06/31/1973' is not a valid date (format %m/%d/%Y)",
                    "duplicate_record_key: record key already seen earlier in this source"],
        "source_line": [4, 9]})
    preview = masked_preview(frame)
    assert preview["source_record_id"].tolist() == ["C*****17", "K**** ******* * **** ******34"]
    assert preview["reasons"].tolist() == [
        "invalid_date: date_of_birth: '0*/**/**73' is not a valid date (format %m/%d/%Y)",
        "duplicate_record_key: record key already seen earlier in this source"]
    assert preview[["rule", "source_line"]].equals(frame[["rule", "source_line"]])
    rendered = preview.to_markdown()
    for value in ("06/31/1973", "C1000317", "KELLY", "MAIN", "02134"):
        assert value not in rendered
