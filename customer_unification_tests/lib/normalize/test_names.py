from __future__ import annotations

import itertools
import random

import pytest
from nameparser import HumanName

from customer_unification.lib.normalize import names
from customer_unification.lib.normalize.names import (
    NICKNAMES,
    ParsedName,
    canonical_first_name,
    name_key,
    normalize_name_part,
    parse_full_name,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SMITH", "Smith"),
        ("smith", "Smith"),
        ("mcdonald", "McDonald"),
        ("MCDONALD", "McDonald"),
        ("Mcdonald", "McDonald"),
        ("MacDonald", "MacDonald"),
        ("macdonald", "MacDonald"),
        ("mack", "Mack"),  # not every "Mac" is a Mac-prefix
        ("MACY", "Macy"),
        ("o'neil", "O'Neil"),
        ("O'NEIL", "O'Neil"),
        ("O’Neil", "O'Neil"),  # typographic apostrophe
        ("d'angelo", "D'Angelo"),
        ("anne-marie", "Anne-Marie"),
        ("ANNE – MARIE", "Anne-Marie"),  # en dash with spaces
        ("DE LA CRUZ", "De La Cruz"),
        ("van der berg", "Van Der Berg"),
        ("DeVito", "DeVito"),  # deliberate internal capital kept
        ("jOHN", "John"),  # caps-lock noise is not deliberate
        ("  José  ", "José"),  # accents kept
        ("ÉMILE", "Émile"),
        ("ＳＭＩＴＨ", "Smith"),  # full-width
        ("Smi\u200bth", "Smith"),  # zero-width space
        ("Smith\u00a0Jones", "Smith Jones"),
        ("J.R.", "J R"),
        ("Smith,", "Smith"),
        ("-Smith-", "Smith"),
        ("'Smith'", "Smith"),
        ("Sm1th", "Smth"),
        ("(Smith)", "Smith"),
        ("henry iii", "Henry III"),
        ("ज़ोया", "ज़ोया"),  # non-Latin scripts pass through with their combining signs
    ],
)
def test_normalize_name_part(value, expected):
    assert normalize_name_part(value) == expected


@pytest.mark.parametrize("value", [None, float("nan"), "", "  ", "n/a", "-", "123", "...", "?!", 42, [1]])
def test_normalize_name_part_empty_gives_none(value):
    assert normalize_name_part(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dr. Robert J. Smith Jr.", ParsedName("Dr", "Robert", "J", "Smith", "Jr")),
        ("SMITH, ROBERT", ParsedName(None, "Robert", None, "Smith", None)),
        ("Smith, Bob", ParsedName(None, "Bob", None, "Smith", None)),
        ("Smith, Robert J., Jr.", ParsedName(None, "Robert", "J", "Smith", "Jr")),
        ("Mrs Jane Doe-Smith", ParsedName("Mrs", "Jane", None, "Doe-Smith", None)),
        ("madonna", ParsedName(None, "Madonna", None, None, None)),
        ("J. R. R. Tolkien", ParsedName(None, "J", "R R", "Tolkien", None)),
        ("  robert    smith  ", ParsedName(None, "Robert", None, "Smith", None)),
        ("ROBERT JAMES SMITH", ParsedName(None, "Robert", "James", "Smith", None)),
        ("ＳＭＩＴＨ，ＲＯＢＥＲＴ", ParsedName(None, "Robert", None, "Smith", None)),  # full-width comma too
        ("Robert Smith, Jr., PhD", ParsedName(None, "Robert", None, "Smith", "Jr PhD")),
        ("MR JOHN SMITH PHD", ParsedName("Mr", "John", None, "Smith", "PhD")),
        ("John Smith M.D.", ParsedName(None, "John", None, "Smith", "MD")),
        ("John Smith III", ParsedName(None, "John", None, "Smith", "III")),
        ("John Smith 2nd", ParsedName(None, "John", None, "Smith", "II")),
        ("Maria de la Cruz", ParsedName(None, "Maria", None, "De La Cruz", None)),
        ("de la Cruz, Maria", ParsedName(None, "Maria", None, "De La Cruz", None)),
        ('Robert "Bob" Smith', ParsedName(None, "Robert", None, "Smith", None)),  # nickname dropped
        ("Prof. Dr. Hans Müller", ParsedName("Prof Dr", "Hans", None, "Müller", None)),
        ("Mr. and Mrs. John Smith", ParsedName("Mr and Mrs", "John", None, "Smith", None)),
        ("O’NEIL, SHAQUILLE", ParsedName(None, "Shaquille", None, "O'Neil", None)),
        ("Dr.", ParsedName("Dr", None, None, None, None)),
    ],
)
def test_parse_full_name(value, expected):
    assert parse_full_name(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), "n/a", "--", 7, ["Bob"]])
def test_parse_full_name_empty(value):
    parsed = parse_full_name(value)
    assert parsed == ParsedName(None, None, None, None, None)
    assert isinstance(parsed, ParsedName)


def test_parse_full_name_forced_order():
    assert parse_full_name("SMITH ROBERT J", last_first=True) == ParsedName(None, "Robert", "J", "Smith", None)
    assert parse_full_name("de la Cruz Maria", last_first=True) == ParsedName(None, "Maria", None, "De La Cruz", None)
    assert parse_full_name("SMITH", last_first=True) == ParsedName(None, None, None, "Smith", None)
    assert parse_full_name("Smith, Robert", last_first=True) == ParsedName(None, "Robert", None, "Smith", None)
    # Forced first-last: the comma no longer means "Last, First" ...
    assert parse_full_name("Smith, Robert", last_first=False) == ParsedName(None, "Smith", None, "Robert", None)
    # ... but a trailing suffix is still a suffix.
    assert parse_full_name("Robert Smith, Jr.", last_first=False) == ParsedName(None, "Robert", None, "Smith", "Jr")


FIRSTS = ["Robert", "Maria", "JOHN", "anne-marie", "José", "Kim", "O'Neil", "Dean", "Major", "Jo", "E"]
LASTS = ["Smith", "Van", "Del", "ROSE", "Nguyen", "McDonald", "St", "Jr", "Ng", "Y", "Ortiz-López"]


@pytest.mark.parametrize("words", [*itertools.product(FIRSTS, LASTS), *itertools.product(FIRSTS, ["J", "Ann"], LASTS)])
def test_fast_path_agrees_with_nameparser(words):
    """The positional shortcut must give exactly what HumanName would for any name it accepts."""
    text = " ".join(words)
    parsed = HumanName(text)
    expected = ParsedName(
        names._normalize_title(parsed.title) if parsed.title else None,
        normalize_name_part(parsed.first),
        normalize_name_part(parsed.middle),
        normalize_name_part(parsed.last),
        names._normalize_suffix(parsed.suffix) if parsed.suffix else None,
    )
    assert names._parse_cleaned_name(text, None) == expected


def test_fast_path_is_taken_for_plain_names_only():
    assert names._positional_split("Robert Smith") is not None
    assert names._positional_split("Judge Smith") is None  # "judge" is a title to nameparser
    assert names._positional_split("Maria Del Rio") is None  # particle
    assert names._positional_split("J. Smith") is None  # period: let nameparser decide


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bob", "robert"), ("BOBBY", "robert"), ("rob", "robert"), ("Robbie", "robert"), ("bert", "robert"),
        ("Robert", "robert"),
        ("Bill", "william"), ("billy", "william"), ("Will", "william"), ("Liam", "william"),
        ("Liz", "elizabeth"), ("Beth", "elizabeth"), ("Betty", "elizabeth"), ("Libby", "elizabeth"),
        ("Elsie", "elizabeth"), ("Eliza", "elizabeth"),
        ("Kate", "katherine"), ("Katie", "katherine"), ("Cathy", "katherine"), ("Kat", "katherine"),
        ("Peggy", "margaret"), ("Maggie", "margaret"), ("Meg", "margaret"),
        ("Dick", "richard"), ("Rick", "richard"), ("Richie", "richard"),
        ("Jim", "james"), ("Jimmy", "james"), ("Jamie", "james"),
        ("Mike", "michael"), ("Mikey", "michael"), ("Mick", "michael"),
        ("Jen", "jennifer"), ("Jenny", "jennifer"),
        ("Chris", "christopher"), ("Alex", "alexander"), ("Pat", "patricia"), ("Sam", "samuel"),
        ("Tom", "thomas"), ("Tommy", "thomas"), ("Tony", "anthony"), ("Sue", "susan"), ("Suzy", "susan"),
        ("Dan", "daniel"), ("Danny", "daniel"), ("Dave", "david"), ("Joe", "joseph"), ("Joey", "joseph"),
        ("Kelly", "kelly"), ("José", "jose"), ("ＢＯＢ", "robert"), (" bob\u200b ", "robert"),
        ("Anne-Marie", "annemarie"),
    ],
)
def test_canonical_first_name(value, expected):
    assert canonical_first_name(value) == expected


@pytest.mark.parametrize("value", [None, "", "n/a", float("nan"), "123", 5])
def test_canonical_first_name_empty(value):
    assert canonical_first_name(value) is None


def test_nickname_map_is_idempotent_and_clean():
    assert len(NICKNAMES) >= 250
    for nickname, canonical in NICKNAMES.items():
        assert nickname.isascii() and nickname.isalpha() and nickname.islower(), nickname
        assert canonical.isascii() and canonical.isalpha() and canonical.islower(), canonical
        assert canonical not in NICKNAMES, f"{canonical} is both canonical and a nickname"
        assert canonical_first_name(canonical_first_name(nickname)) == canonical


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("O'Neil-Smith", "oneilsmith"),
        ("José Ñúñez", "josenunez"),
        ("  DE LA CRUZ ", "delacruz"),
        ("Straße", "strasse"),
        ("ＳＭＩＴＨ", "smith"),
        ("Smi\u200bth", "smith"),
        ("J.R. 2nd", "jrnd"),
    ],
)
def test_name_key(value, expected):
    assert name_key(value) == expected


@pytest.mark.parametrize("value", [None, "", "123", "--", "n/a", float("nan")])
def test_name_key_empty(value):
    assert name_key(value) is None


# --- the nameparser-free fast paths agree with nameparser ------------------------------------------

def _reference_parse_cleaned_name(text, last_first):
    """_parse_cleaned_name before the comma/title/initial fast paths: only "First [Middle] Last" skipped nameparser."""
    text = text.translate(names._APOSTROPHES_AND_DASHES)
    text = names._ORDINAL_SUFFIX_RE.sub(lambda m: names._ORDINAL_TO_ROMAN[m.group(1).lower()], text)
    if last_first is False:
        text = " ".join(text.replace(",", " ").split())
    elif last_first is True and "," not in text:
        if " " not in text:
            return ParsedName(None, None, None, names._normalize_name_part_text(text), None)
        text = names._with_surname_comma(text)
    if "," not in text:
        fast = names._positional_split(text)
        if fast is not None:
            return fast
    return names._from_human_name(text)


CORPUS_FIRSTS = [
    "Robert", "Maria", "JOHN", "anne-marie", "José", "Kim", "O'Neil", "Dean", "Major", "Jo", "E", "Y", "J", "Mary",
    "Bob", "Jean-Luc", "ÉMILE", "Sir", "Van", "Miss", "Lee", "Chris", "d'angelo", "Bishop", "King", "Le",
    "Linda", "Kenneth", "Patricia", "Wei", "Zoë", "François", "Ana", "Luis", "TAMARA", "spencer", "Beatrice",
]
CORPUS_MIDDLES = ["J", "Ann", "E", "V", "Lee", "MARIE", "q", "De", "Jr", "Del", "R", "I"]
CORPUS_LASTS = [
    "Smith", "Van", "Del", "ROSE", "Nguyen", "McDonald", "St", "Jr", "Ng", "Y", "Ortiz-López", "O'Neil", "MACDONALD",
    "King", "Bishop", "Le", "Esq", "Phd", "III", "Dean", "Brown-", "'Smith", "mcfarland", "DE",
    "Garcia", "JOHNSON", "williams", "Lopez", "Kowalski", "Müller", "Brown", "DAVIS", "Hernández", "o'brien",
]
CORPUS_TITLES = [
    "Mr", "mr", "MR", "Mr.", "MR.", "Mrs", "mrs.", "MRS", "Ms", "MS.", "ms", "Miss", "MISS", "miss.", "Dr", "dr.",
    "DR", "Mx", "MX.", "Prof", "prof.", "PROF", "Sir", "Rev", "Mr..",
]


def _case_variant(rng, text):
    return rng.choice([text, text.upper(), text.lower(), text.title()])


def _name_corpus():
    rng = random.Random(3)
    corpus = set()
    for _ in range(1000):
        first, middle, last = rng.choice(CORPUS_FIRSTS), rng.choice(CORPUS_MIDDLES), rng.choice(CORPUS_LASTS)
        title = rng.choice(CORPUS_TITLES)
        forms = [
            f"{last}, {first}", f"{last}, {first} {middle}", f"{last},{first}", f"{last} , {first} {middle}",
            f"{last}, {first} {middle} {middle}", f"{last} {last}, {first}", f"{last}, {first}, {middle}",
            f"{title} {first} {last}", f"{title} {first} {middle} {last}", f"{title} {last}",
            f"{title} {first} {middle} {middle} {last}", f"{first} {middle[0]}.", f"{first} {last}",
            f"{last} {first} {middle}", f"{last}, {title} {first}",
        ]
        corpus.update(_case_variant(rng, form) for form in rng.sample(forms, 5))
    for first in CORPUS_FIRSTS:  # "First L." for every letter
        for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
            corpus.add(f"{first} {letter}.")
    return sorted(corpus)


def test_comma_title_and_initial_fast_paths_agree_with_nameparser():
    corpus = _name_corpus()
    assert len(corpus) > 3000
    taken = dict.fromkeys(("comma", "titled", "initial"), 0)
    for text in corpus:
        expected = names._from_human_name(text)
        for kind, fast_path in (
            ("comma", names._comma_split),
            ("titled", names._titled_split),
            ("initial", names._surname_initial_split),
        ):
            fast = fast_path(text)
            if fast is not None:
                taken[kind] += 1
                assert fast == expected, (kind, text)
    assert all(count > 200 for count in taken.values()), taken  # each fast path was really exercised


@pytest.mark.parametrize("last_first", [None, True, False])
def test_parse_cleaned_name_agrees_with_the_nameparser_path(last_first):
    """Whole-name results, including the last_first=True no-comma route, are what they were before."""
    parse = names._parse_cleaned_name.__wrapped__  # uncached
    for text in _name_corpus()[::2]:
        assert parse(text, last_first) == _reference_parse_cleaned_name(text, last_first), (text, last_first)


def test_new_fast_paths_are_taken_for_the_common_shapes_only():
    assert names._comma_split("SMITH, Robert J") == ParsedName(None, "Robert", "J", "Smith", None)
    assert names._comma_split("Smith, Jr") is None  # suffix
    assert names._comma_split("de la Cruz, Maria") is None  # particles
    assert names._comma_split("Smith, Robert, Jr.") is None  # two commas
    assert names._titled_split("MR ROBERT J SMITH") == ParsedName("Mr", "Robert", "J", "Smith", None)
    assert names._titled_split("Mrs. Jane Doe") == ParsedName("Mrs", "Jane", None, "Doe", None)
    assert names._titled_split("Mr Smith") is None  # nameparser makes a lone word the surname
    assert names._titled_split("Rev John Smith") is None  # only the common titles
    assert names._surname_initial_split("Jason M.") == ParsedName(None, "Jason", None, "M", None)
