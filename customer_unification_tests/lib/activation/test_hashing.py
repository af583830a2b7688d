import hashlib

import duckdb
import pytest

from customer_unification.lib.activation.hashing import (hash_email, hash_email_sql, hash_phone, hash_phone_sql,
                                                         normalized_email, normalized_phone)

# SHA-256 of "test@example.com", as published in ad platforms' hashing guides
TEST_EMAIL_SHA256 = "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"


def test_email_is_trimmed_and_lower_cased_before_hashing():
    assert hash_email("test@example.com") == TEST_EMAIL_SHA256
    assert hash_email("  Test@Example.COM \t") == TEST_EMAIL_SHA256
    assert normalized_email(" A.B@Gmail.com ") == "a.b@gmail.com"  # dots kept: platforms do not fold them
    assert hash_email(None) is None and hash_email("   ") is None


def test_phone_is_hashed_as_e164_digits_for_meta_and_with_plus_for_google():
    assert normalized_phone("+15551234567") == "15551234567"
    assert hash_phone("+15551234567") == hashlib.sha256(b"15551234567").hexdigest()
    assert hash_phone("+15551234567") == "d6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a"
    assert hash_phone("+15551234567", "google") == hashlib.sha256(b"+15551234567").hexdigest()
    assert hash_phone("+15551234567") != hash_phone("+15551234567", "google")


@pytest.mark.parametrize("not_e164", ["5551234567", "+1 555 123 4567", "+0123456789", "+12", "", None])
def test_numbers_not_in_e164_are_not_hashed(not_e164):
    assert hash_phone(not_e164) is None


@pytest.mark.parametrize("phone_format", ["meta", "google"])
def test_sql_and_python_hash_the_same(phone_format):
    emails = ["test@example.com", " Mixed.Case@Example.org ", "", None]
    phones = ["+15551234567", "+447911123456", "5551234567", None]
    with duckdb.connect() as con:
        got = con.execute(f"""SELECT {hash_email_sql('e')}, {hash_phone_sql('p', phone_format)}
                              FROM (SELECT unnest(?::VARCHAR[]) AS e, unnest(?::VARCHAR[]) AS p)""",
                          [emails, phones]).fetchall()
    assert got == [(hash_email(e), hash_phone(p, phone_format)) for e, p in zip(emails, phones)]
    assert got[0][0] == TEST_EMAIL_SHA256
