import pandas as pd
import pytest

from customer_unification.lib.quality.masking import is_pii_column, mask_value, masked_preview


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
