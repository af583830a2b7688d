from __future__ import annotations

import random

import pytest

from customer_unification.lib.normalize import emails
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


# --- the fast syntax check agrees with email_validator ---------------------------------------------

_ATEXT = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-"


def _email_corpus():
    rng = random.Random(5)

    def word(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", low=1, high=12):
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))

    locals_ = [
        "john", "john.smith", "j", "a.b.c", "o'neil", "x+tag", "first_last", "1234", "a-b", "{weird}|~", "#!$%&*",
        "john..smith", ".john", "john.", "jo hn", '"john smith"', '"john"', "jöhn", "jo@hn", "jo\\hn", "jo,hn",
        "jo(hn)", "jo[hn]", "jo;hn", "jo:hn", "jo<hn>", "x" * 64, "x" * 65, "a" * 63 + ".b", "JOHN", "info", "Ünï",
        "δοκιμή", "用户", "jo\u200bhn", "", ".", "a.", "-", "a..b", "postmaster",
    ]
    locals_ += [word(_ATEXT, 1, 20) for _ in range(150)]
    locals_ += [word() + "." + word() for _ in range(100)]
    labels = ["gmail", "acme", "a", "x1", "mail-server", "sub", "123", "0", "my-co", "xn--bcher-kva", "ab--cd",
              "xn--", "-acme", "acme-", "a_b", "bücher", "例え", "ACME", "a" * 63, "a" * 64, "", "ﬁ"]
    tlds = ["com", "org", "co", "uk", "io", "museum", "x", "c1", "123", "1com", "local", "localhost", "onion", "test",
            "invalid", "arpa", "example", "xn--p1ai", "рф", "COM", "a" * 63, "a" * 64, "com-", "co-m"]
    domains = [
        "gmail.com", "example.co.uk", "in-addr.arpa", "10.in-addr.arpa", "mail.local", "foo.test", "[1.2.3.4]",
        "[IPv6:::1]", "1.2.3.4", "acme", "acme.com.", ".acme.com", "acme..com", "acme.com.local", "localhost",
        "a.b.c.d.e.f.g", "acme.c", "acme.-com", "acme.com-", "-acme.com", "acme-.com", "ac me.com", "acme.com ",
        "acme,com", "acme.com:25", "acme_x.com", "bücher.de", "xn--bcher-kva.de", "xn--ls8h.la",
        ("a" * 60 + ".") * 4 + "com",
        ("abc." * 60) + "com", "sub.domain.museum", "x.yz", "ab--cd.com", "xn--abc.com", "123.456", "acme.123",
    ]
    for _ in range(1500):
        labels_count = rng.randint(1, 4)
        parts = [rng.choice(labels) if rng.random() < 0.3 else word("abcdefghijklmnopqrstuvwxyz0123456789-", 1, 15)
                 for _ in range(labels_count)]
        tld = rng.choice(tlds) if rng.random() < 0.5 else word("abcdefghijklmnopqrstuvwxyz", 2, 6)
        domains.append(".".join([*parts, tld]))
    pairs = set()
    for _ in range(6000):
        pairs.add((rng.choice(locals_), rng.choice(domains)))
    # Length edges around 254 characters in all.
    for total in (252, 253, 254, 255, 256):
        domain = "d" * 60 + "." + "e" * 60 + "." + "f" * 60 + ".com"
        pairs.add(("l" * (total - 1 - len(domain)), domain))
        pairs.add(("x", "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * (total - 2 - 3 * 64)))
    return sorted(pairs)


def test_fast_validation_agrees_with_email_validator():
    corpus = _email_corpus()
    assert len(corpus) > 5000
    accepted = rejected = 0
    for local, domain in corpus:
        expected = emails._validate_with_library(local, domain)
        fast = emails._fast_validate(local, domain)
        if fast is not None:
            accepted += 1
            assert fast == expected, (local, domain)
        elif expected is None:
            rejected += 1
        assert emails._validate(local, domain) == expected, (local, domain)
    assert accepted > 1000 and rejected > 1000, (accepted, rejected)  # both sides of the check were exercised


def test_fast_validation_leaves_the_unusual_to_email_validator():
    assert emails._fast_validate("john.smith", "acme.co.uk") == ("john.smith@acme.co.uk", "acme.co.uk")
    for local, domain in [
        ("jöhn", "acme.com"), ('"john smith"', "acme.com"), ("john", "[1.2.3.4]"), ("john", "acme.123"),
        ("john", "printer.local"), ("john", "xn--bcher-kva.de"), ("john", "bücher.de"), ("x" * 65, "acme.com"),
        ("john..smith", "acme.com"), ("john", "acme.com."), ("john", "-acme.com"), ("john", "a" * 64 + ".com"),
    ]:
        assert emails._fast_validate(local, domain) is None, (local, domain)
