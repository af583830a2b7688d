"""Match features from raw tables: an email is compared as the mailbox it reaches, a street line in
one spelling."""

import duckdb
import pytest

from customer_unification.lib.matching.features import street_line_sql, mailbox_sql
from customer_unification.lib.normalize.emails import email_match_key

from .conftest import people
from .test_engine import cluster_of, run

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
