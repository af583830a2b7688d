from __future__ import annotations

import numpy as np
import pytest

from customer_unification.lib.normalize.countries import normalize_country


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("US", "US"), ("us", "US"), ("USA", "US"), ("usa", "US"), ("U.S.A.", "US"), ("U.S.", "US"),
        ("United States", "US"), ("united states of america", "US"), ("America", "US"), (" UNITED  STATES ", "US"),
        ("UK", "GB"), ("U.K.", "GB"), ("GB", "GB"), ("GBR", "GB"), ("Great Britain", "GB"), ("England", "GB"),
        ("Scotland", "GB"), ("Wales", "GB"), ("Northern Ireland", "GB"), ("United Kingdom", "GB"),
        ("Deutschland", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("de", "DE"),
        ("Holland", "NL"), ("The Netherlands", "NL"), ("Netherlands", "NL"),
        ("France", "FR"), ("FRA", "FR"), ("fr", "FR"),
        ("Côte d'Ivoire", "CI"), ("cote d’ivoire", "CI"), ("Ivory Coast", "CI"),
        ("South Korea", "KR"), ("Korea, Republic of", "KR"), ("Republic of Korea", "KR"), ("North Korea", "KP"),
        ("Russia", "RU"), ("Russian Federation", "RU"), ("Türkiye", "TR"), ("Turkey", "TR"),
        ("Vietnam", "VN"), ("Viet Nam", "VN"), ("Czech Republic", "CZ"), ("Czechia", "CZ"),
        ("St Kitts and Nevis", "KN"), ("Saint Kitts & Nevis", "KN"), ("Bosnia & Herzegovina", "BA"),
        ("U.S. Virgin Islands", "VI"), ("Virgin Islands, British", "VG"), ("Taiwan", "TW"),
        ("España", "ES"), ("Österreich", "AT"), ("Namibia", "NA"),
        ("ＪＰ", "JP"),  # full-width
        (840, "US"), ("840", "US"), (np.int64(826), "GB"),  # ISO numeric codes
    ],
)
def test_normalize_country(value, expected):
    assert normalize_country(value) == expected


@pytest.mark.parametrize("value", ["Narnia", "XX", "ZZZ", "", None, float("nan"), "n/a", "Unknown", [1], True])
def test_unknown_or_missing_country_gives_none(value):
    assert normalize_country(value) is None


def test_na_is_a_placeholder_not_namibia():
    # Deliberate: in customer data "NA" means "not available" far more often than Namibia.
    assert normalize_country("NA") is None
    assert normalize_country("NAM") == "NA"
