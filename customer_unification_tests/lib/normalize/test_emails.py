from __future__ import annotations

import pytest

from customer_unification.lib.normalize.emails import DOMAIN_TYPOS, EmailResult, email_match_key, normalize_email


@pytest.mark.parametrize(
    ("value", "email", "match_key", "domain"),
    [
        ("john.smith@example.co.uk", "john.smith@example.co.uk", "john.smith@example.co.uk", "example.co.uk"),
        ("  John.Smith+news@GMAIL.com ", "john.smith+news@gmail.com", "johnsmith@gmail.com", "gmail.com"),
        ("mailto:Jane@Acme.org", "jane@acme.org", "jane@acme.org", "acme.org"),
        ("MAILTO:jane@acme.org?subject=hi", "jane@acme.org", "jane@acme.org", "acme.org"),
        ("<bob@acme.org>", "bob@acme.org", "bob@acme.org", "acme.org"),
        ('"bob@acme.org"', "bob@acme.org", "bob@acme.org", "acme.org"),
        ("'bob@acme.org'", "bob@acme.org", "bob@acme.org", "acme.org"),
        ("Jane Doe <jane.doe@acme.org>", "jane.doe@acme.org", "jane.doe@acme.org", "acme.org"),
        ("j o h n @ acme.org", "john@acme.org", "john@acme.org", "acme.org"),
        ("john@acme.org.", "john@acme.org", "john@acme.org", "acme.org"),  # sentence full stop
        ("ｊｏｈｎ＠ａｃｍｅ．ｏｒｇ", "john@acme.org", "john@acme.org", "acme.org"),  # full-width
        ("jo\u200bhn@acme.org", "john@acme.org", "john@acme.org", "acme.org"),  # zero-width space
        ("j.o.h.n@googlemail.com", "j.o.h.n@googlemail.com", "john@gmail.com", "googlemail.com"),
        ("sales+eu@acme.org", "sales+eu@acme.org", "sales@acme.org", "acme.org"),
        ("jane@bücher.de", "jane@bücher.de", "jane@bücher.de", "bücher.de"),
    ],
)
def test_valid_emails(value, email, match_key, domain):
    assert normalize_email(value) == EmailResult(email, match_key, domain, None)


@pytest.mark.parametrize(
    ("value", "fixed_domain"),
    [
        ("bob@gmial.com", "gmail.com"),
        ("bob@gmal.com", "gmail.com"),
        ("bob@gmail.con", "gmail.com"),
        ("bob@gmail.co", "gmail.com"),
        ("bob@GMAIL.CON", "gmail.com"),
        ("bob@hotmial.com", "hotmail.com"),
        ("bob@yahoo.co", "yahoo.com"),
        ("bob@outlok.com", "outlook.com"),
    ],
)
def test_provider_typos_are_fixed(value, fixed_domain):
    result = normalize_email(value)
    assert result.email == f"bob@{fixed_domain}"
    assert result.domain == fixed_domain
    assert result.error is None


def test_typo_fixing_is_an_explicit_list_not_fuzzy():
    assert normalize_email("bob@gmx.com").email == "bob@gmx.com"  # a real provider, one letter from gmail
    assert normalize_email("bob@mail.com").email == "bob@mail.com"
    assert all(target in {"gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"}
               for target in DOMAIN_TYPOS.values())


@pytest.mark.parametrize(
    "value",
    [
        "not an email", "john@", "@gmail.com", "john..smith@gmail.com", "john@gmail..com", ".john@gmail.com",
        "john@-acme.org", "john@localhost", "john@acme", "a@b@c.com", "john@acme.org; jane@acme.org",
        "john(at)acme.org", 12, 3.5,
    ],
)
def test_invalid_emails(value):
    assert normalize_email(value) == EmailResult(None, None, None, "invalid_email")


@pytest.mark.parametrize(
    "value",
    [
        "none@none.com", "NONE@NONE.COM", "noemail@company.com", "no-email@acme.org", "no@email.com",
        "test@test.com", "a@a.com", "na@na.com", "x@x.com", "donotreply@shop.com", "do-not-reply@shop.com",
        "no-reply@shop.com", "noreply+orders@shop.com", "jane@example.com", "xxx@gmail.com", "aaaa@yahoo.com",
        "none@none",  # a filler even though it is not valid syntax either
    ],
)
def test_placeholder_emails(value):
    assert normalize_email(value) == EmailResult(None, None, None, "placeholder_email")


def test_real_looking_self_domain_is_not_a_placeholder():
    assert normalize_email("john@john.com").error is None


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), "n/a", "NULL", "\u200b"])
def test_empty_email_is_not_an_error(value):
    assert normalize_email(value) == EmailResult(None, None, None, None)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("John.Smith+tag@Gmail.com", "johnsmith@gmail.com"),
        ("j.s.m.i.t.h@googlemail.com", "jsmith@gmail.com"),
        ("john.smith+a+b@acme.org", "john.smith@acme.org"),
        ("john.smith@acme.org", "john.smith@acme.org"),
        ("+tag@acme.org", "+tag@acme.org"),  # no base before the tag: keep it whole
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_email_match_key(email, expected):
    assert email_match_key(email) == expected


def test_email_match_key_non_string():
    assert email_match_key(None) is None


def test_match_key_makes_gmail_variants_meet():
    keys = {normalize_email(v).match_key for v in ["john.smith@gmail.com", "JohnSmith+x@googlemail.com", "j.ohnsmith@gmial.com"]}
    assert keys == {"johnsmith@gmail.com"}
