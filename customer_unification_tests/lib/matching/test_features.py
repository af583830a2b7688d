"""Match features from raw tables: an email is compared as the mailbox it reaches, a street line in
one spelling."""

import duckdb
import pytest

from customer_unification.lib.matching.features import (_phone_digits, _postcode_text, build_features, mailbox_sql,
                                                        street_line_sql)
from customer_unification.lib.normalize.emails import email_match_key

from .conftest import people
from .test_engine import background, cluster_of, run

ADDRESSES = ["J.Smith@Gmail.com", "jsmith+news@googlemail.com", "+tag@x.com", "a.b+c+d@x.org", "noat", "a+b",
             "x@y@gmail.com", "...@gmail.com", "kelly.neal@gmail.com", " Spaced@Example.COM ", "a+@gmail.com",
             "josé.ü@gmail.com", "@gmail.com", "plain@example.com"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_mailbox_sql_is_the_staging_match_key(address):
    [(got,)] = duckdb.sql(f"SELECT {mailbox_sql('lower(trim($a))')}", params={"a": address}).fetchall()
    assert got == email_match_key(address)


def test_gmail_spellings_of_one_mailbox_link_by_the_email_rule(con, config):
    frame = people({"source_record_id": "a", "first_name": "Kelly", "last_name": "Neal", "email": "Kelly.Neal@gmail.com"},
                   {"source_record_id": "b", "source": "shop", "first_name": "Kelly", "email": "kellyneal+shop@googlemail.com"},
                   {"source_record_id": "c", "source": "shop", "first_name": "Bob", "email": "kelly.neal@example.com"})
    result = run(con, frame, config)
    assignments = result.assignments.set_index("record_key")
    assert cluster_of(result, "crm|a") == cluster_of(result, "shop|b")
    assert assignments.loc["shop|b", "matched_by"] == "rule:email"
    assert cluster_of(result, "shop|c") != cluster_of(result, "crm|a")  # another domain is another mailbox


@pytest.mark.parametrize("line, expected", [
    ("Flat 3, 12 Acacia Avenue", "12 acacia ave"), ("  APT 4B 99 East   Road ", "99 e rd"),
    ("12 Acacia Av.", "12 acacia ave"), ("12street  North--Av.", "12street n ave"),  # a word, not a part of one
    ("7 Streetly Close", "7 streetly cl"), ("Rue de l'Église 5", "rue de l eglise 5"), ("--", None), (None, None)])
def test_a_street_line_is_compared_in_one_spelling(line, expected):
    [(got,)] = duckdb.sql(f"SELECT {street_line_sql('$a')}", params={"a": line}).fetchall()
    assert got == expected


def test_a_birth_date_written_as_its_year_alone_keeps_father_and_son_apart(con, config):
    """A list that knows only the birth year ("1971") still tells a father from the son named after
    him: the year is the record's birth year, so it contradicts 1995-02-05 (without it the two
    agree on name, street and postcode and nothing says otherwise)."""
    home = {"first_name": "Conor", "last_name": "Doyle", "address_line1": "53 college road", "postcode": "10061"}
    frame = people(*background(), {**home, "source_record_id": "father", "date_of_birth": "1971"},
                   {**home, "source_record_id": "son", "source": "shop", "date_of_birth": "1995-02-05"},
                   {**home, "source_record_id": "son2", "source": "calls", "date_of_birth": "1995", "city": "boston"})
    result = run(con, frame, config)
    byear = dict(con.sql("SELECT r.record_key, n.byear FROM cu_records r JOIN cu_nodes n USING (nid) "
                         "WHERE r.record_key IN ('crm|father', 'shop|son', 'calls|son2')").fetchall())
    assert byear == {"crm|father": 1971, "shop|son": 1995, "calls|son2": 1995}
    assert cluster_of(result, "crm|father") != cluster_of(result, "shop|son")
    assert cluster_of(result, "shop|son") == cluster_of(result, "calls|son2")


def test_a_generational_suffix_is_a_feature_of_its_own_not_part_of_the_surname(con, config):
    frame = people({"source_record_id": "1", "first_name": "Robert", "last_name": "Quill Sr."},
                   {"source_record_id": "2", "first_name": "Robert", "last_name": "QUILL JUNIOR"},
                   {"source_record_id": "3", "first_name": "John Jr", "last_name": "O'Brien"},
                   {"source_record_id": "4", "first_name": "Ann", "last_name": "Senior"},  # a surname
                   {"source_record_id": "5", "first_name": "Lee", "last_name": "Smith-Jones III"})
    config = config.model_copy(update={"columns": {**config.columns, "name_suffix": "suffix"}})
    frame["suffix"] = [None, None, None, None, "IV"]  # a staged suffix column wins
    con.register("src", frame)
    build_features(con, config, "src")
    got = con.sql("SELECT ln, ln_parts, gen FROM cu_features ORDER BY rid").fetchall()
    assert got == [("quill", None, "sr"), ("quill", None, "jr"), ("obrien", ["o", "brien"], "jr"), ("senior", None, None),
                   ("smithjones", ["smith", "jones"], "iv")]


def _phone(text: str) -> str | None:
    return duckdb.sql(f"SELECT {_phone_digits('$p')}", params={"p": text}).fetchall()[0][0]


@pytest.mark.parametrize(("national", "international"), [
    ("07700 900123", "+44 (0)7700 900123"), ("(212) 555-0143", "1-212-555-0143"),
    ("087 123 4567", "+353 87 123 4567"), ("087 123 4567", "00353871234567"),
    ("0412 345 678", "+61 412 345 678"), ("06 12 34 56 78", "+33 6 12 34 56 78"),
    ("9506 8325", "+65 9506 8325"), ("0160 6370083", "+49 160 6370083"), ("07700 900123", "44 7700 900123")])
def test_a_number_written_nationally_or_internationally_is_one_number(national, international):
    assert _phone(national) == _phone(international) is not None


def test_different_numbers_and_non_numbers_stay_apart():
    assert _phone("087 123 4567") != _phone("+353 87 123 4568")
    assert _phone("+353 87 123 4567") == "871234567"  # the country code is dropped: the rest must agree
    assert _phone("12345") is None and _phone("") is None and _phone(None) is None


def test_an_irish_mobile_written_two_ways_links_by_the_phone_rule(con, config):
    frame = people(*background(),
                   {"source_record_id": "a", "first_name": "Niamh", "last_name": "Byrne", "phone": "+353 87 123 4567"},
                   {"source_record_id": "b", "source": "shop", "first_name": "Niamh", "phone": "087 123 4567"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|a") == cluster_of(result, "shop|b")
    assert result.assignments.set_index("record_key").loc["shop|b", "matched_by"] == "rule:phone"


@pytest.mark.parametrize(("written", "expected"), [
    ("NSW 2000", "2000"), ("qld4217", "4217"), ("TX 77072", "77072"), ("63124-7234", "631247234"),
    ("SW1A 1AA", "SW1A1AA"), ("H9P 1V0", "H9P1V0"), ("D06 T9XN", "D06T9XN"), ("AB8 4AZ", "AB84AZ"), ("", None)])
def test_a_state_before_a_numeric_postcode_is_dropped_and_mixed_codes_kept(written, expected):
    assert duckdb.sql(f"SELECT {_postcode_text('$p')}", params={"p": written}).fetchall()[0][0] == expected
