from __future__ import annotations

import pytest

from customer_unification.lib.normalize.addresses import (
    normalize_city,
    normalize_postcode,
    normalize_region,
    normalize_street,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123 N MAIN STREET APT 4B", "123 N Main St Apt 4B"),
        ("123 north main street apartment 4b", "123 N Main St Apt 4B"),
        ("123 Main St., Apt. 4", "123 Main St Apt 4"),
        ("123 main st #4b", "123 Main St Apt 4B"),
        ("123 MAIN ST APT #12", "123 Main St Apt 12"),
        ("12 Main St Ste. 300", "12 Main St Ste 300"),
        ("1 Main Street Unit 7 Floor 2", "1 Main St Unit 7 Fl 2"),
        ("123 Main St 2nd Floor", "123 Main St 2nd Fl"),
        ("Suite 200", "Ste 200"),  # an address line 2 that is only a unit
        ("# 5", "Apt 5"),
        ("77 Massachusetts Av", "77 Massachusetts Ave"),
        ("500 Sunset Boulevard", "500 Sunset Blvd"),
        ("9 Elm Road", "9 Elm Rd"),
        ("4 Oak Drive", "4 Oak Dr"),
        ("8 Birch Lane", "8 Birch Ln"),
        ("3 Kings Court", "3 Kings Ct"),
        ("6 Mews Place", "6 Mews Pl"),
        ("2 Ocean Terrace", "2 Ocean Ter"),
        ("100 Pacific Coast Highway", "100 Pacific Coast Hwy"),
        ("1 Garden State Parkway", "1 Garden State Pkwy"),
        ("5 Dupont Circle", "5 Dupont Cir"),
        ("7 Washington Square", "7 Washington Sq"),
        ("12 Baker Str.", "12 Baker St"),
        # Directionals: before the name, after the suffix, and two-word forms.
        ("123 North Main Street", "123 N Main St"),
        ("123 Main St. North", "123 Main St N"),
        ("456 Park Avenue South", "456 Park Ave S"),
        ("1 South West Temple Street", "1 SW Temple St"),
        ("123 Main St South West", "123 Main St SW"),
        ("123 N. E. Main St", "123 NE Main St"),
        ("1600 Pennsylvania Ave NW", "1600 Pennsylvania Ave NW"),
        ("North Main Street", "N Main St"),
        # Words that are the street's name stay as they are.
        ("123 North Street", "123 North St"),
        ("10 Court", "10 Court"),
        ("123 Avenue of the Americas", "123 Avenue Of The Americas"),
        ("500 Saint Charles Avenue", "500 Saint Charles Ave"),
        ("12 N Highway St", "12 N Highway St"),
        ("Main St Unit", "Main St Unit"),
        # Numbered roads, ordinals, PO boxes, casing.
        ("Highway 101", "Hwy 101"),
        ("4500 HIGHWAY 101 N", "4500 Hwy 101 N"),
        ("123 Route 66 West", "123 Rte 66 W"),
        ("123 E 42ND ST", "123 E 42nd St"),
        ("350 5th Ave FL 34", "350 5th Ave Fl 34"),
        ("PO BOX 123", "PO Box 123"),
        ("P.O. Box 45", "PO Box 45"),
        ("post office box 9", "PO Box 9"),
        ("123 MCARTHUR BLVD", "123 McArthur Blvd"),
        ("123 O'FARRELL ST", "123 O'Farrell St"),
        ("１２３ Ｍａｉｎ Ｓｔ", "123 Main St"),
        ("123\u00a0Main\u200b St", "123 Main St"),
    ],
)
def test_normalize_street(value, expected):
    assert normalize_street(value) == expected


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), "n/a", "-"])
def test_normalize_street_empty(value):
    assert normalize_street(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ST. LOUIS", "Saint Louis"),
        ("st louis", "Saint Louis"),
        ("St.Paul", "Saint Paul"),
        ("Ft. Worth", "Fort Worth"),
        ("FT LAUDERDALE", "Fort Lauderdale"),
        ("MT VERNON", "Mount Vernon"),
        ("Ste. Genevieve", "Sainte Genevieve"),
        ("NEW YORK", "New York"),
        ("  los   angeles ", "Los Angeles"),
        ("mcallen", "McAllen"),
        ("Winston-Salem", "Winston-Salem"),
        ("isle of palms", "Isle of Palms"),
        ("STRATFORD-UPON-AVON", "Stratford-upon-Avon"),
        ("san josé", "San José"),
        ("Stamford", "Stamford"),  # "St" only expands as a word of its own
        ("Mountain View", "Mountain View"),
        ("Washington, D.C.", "Washington D C"),
    ],
)
def test_normalize_city(value, expected):
    assert normalize_city(value) == expected


@pytest.mark.parametrize("value", [None, "", "n/a", float("nan")])
def test_normalize_city_empty(value):
    assert normalize_city(value) is None


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("new york", "US", "NY"),
        ("New York", "US", "NY"),
        ("N.Y.", "US", "NY"),
        ("ny", "US", "NY"),
        (" NY ", "US", "NY"),
        ("Calif.", "US", "CA"),
        ("W. Va.", "US", "WV"),
        ("West Virginia", "US", "WV"),
        ("Virginia", "US", "VA"),
        ("district of columbia", "US", "DC"),
        ("Washington DC", "US", "DC"),
        ("Washington", "US", "WA"),
        ("Puerto Rico", "US", "PR"),
        ("Texas", "USA", "TX"),  # the country argument is normalised too
        ("texas", "United States", "TX"),
        ("ＣＡ", "US", "CA"),
        ("Ontario", "CA", "ON"),
        ("on", "CA", "ON"),
        ("Qc", "Canada", "QC"),
        ("Québec", "CA", "QC"),
        ("CA-ON", "CA", "ON"),
        ("Bayern", "DE", "BY"),
        ("Bavaria", "DE", "BAVARIA"),  # not a name pycountry knows: cleaned text
        ("Île-de-France", "FR", "IDF"),
        ("ile de france", "FR", "IDF"),
        ("Provence Côte Sud", "FR", "PROVENCE CÔTE SUD"),
        ("some region", "Narnia", "SOME REGION"),  # unknown country: cleaned text
        ("NY", None, "NY"),  # country unknown: US states are tried first
        ("Ontario", None, "ONTARIO"),
    ],
)
def test_normalize_region(value, country, expected):
    assert normalize_region(value, country) == expected


def test_normalize_region_defaults_to_us():
    assert normalize_region("massachusetts") == "MA"


@pytest.mark.parametrize("value", ["Narnia", "XX", "Ontario", "N.Y.C."])
def test_unknown_us_region_gives_none(value):
    assert normalize_region(value, "US") is None


@pytest.mark.parametrize("value", [None, "", "n/a", float("nan")])
def test_normalize_region_empty(value):
    assert normalize_region(value, "US") is None


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("02134", "US", "02134"),
        ("2134", "US", "02134"),  # leading zero lost in a spreadsheet
        ("2134.0", "US", "02134"),
        (2134, "US", "02134"),
        (2134.0, "US", "02134"),
        ("501", "US", "00501"),
        ("12345-6789", "US", "12345"),
        ("12345 6789", "US", "12345"),
        ("123456789", "US", "12345"),
        ("21340123", "US", "02134"),  # ZIP+4 that lost its leading zero
        (" 90210 ", "US", "90210"),
        ("９０２１０", "US", "90210"),
        ("90210", "USA", "90210"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A 1AA", "UK", "SW1A 1AA"),
        ("ec1a  1bb", "GB", "EC1A 1BB"),
        ("W1A 0AX", "GB", "W1A 0AX"),
        ("M1 1AE", "GB", "M1 1AE"),
        ("B33 8TH", "GB", "B33 8TH"),
        ("CR2 6XH", "GB", "CR2 6XH"),
        ("DN55 1PT", "GB", "DN55 1PT"),
        ("GIR 0AA", "GB", "GIR 0AA"),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("K1A-0B1", "Canada", "K1A 0B1"),
        ("75008", "FR", "75008"),
        (" 1011  ab ", "NL", "1011 AB"),
        ("abc 123", None, "ABC 123"),
        ("2134.0", None, "2134"),
    ],
)
def test_normalize_postcode(value, country, expected):
    assert normalize_postcode(value, country) == expected


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("12", "US"), ("123456", "US"), ("1234-5678", "US"), ("ABCDE", "US"), ("00000", "US"), ("12.5", "US"),
        ("QQ1 1AA", "GB"), ("12345", "GB"), ("SW1A 1A", "GB"), ("SW1A 1CA", "GB"),
        ("D1A 0B1", "CA"), ("K1A 0B", "CA"), ("12345", "CA"),
        (None, "US"), ("", "GB"), ("n/a", "CA"), (float("nan"), "US"),
    ],
)
def test_invalid_or_empty_postcode_gives_none(value, country):
    assert normalize_postcode(value, country) is None
