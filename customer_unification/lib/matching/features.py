"""Match features: one row per input record with the comparable forms of its identity fields.

Everything is SQL on DuckDB so a million records take a second or two. Records whose features are
all identical (fifty email events from one address) collapse into one *node*: every node is
blocked and scored once, and the records inherit its cluster.
"""

import duckdb
import jellyfish
import pandas as pd
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from customer_unification.lib.matching.birth_dates import TABLE as TEXT_DATES, register_text_birth_dates
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.full_names import TABLE as FULL_NAMES, register_full_names
from customer_unification.lib.nicknames import NICKNAMES

def _letters(expr: str) -> str:
    return f"nullif(regexp_replace(lower(strip_accents(trim(CAST({expr} AS VARCHAR)))), '[^a-z]', '', 'g'), '')"


# Words a first-name column carries that are not the name: "Dr John", "Mrs Mary Ann".
_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lady", "lord", "master")


def _words(expr: str) -> str:
    """SQL: the lower-case words of a name (accents dropped, punctuation splits words)."""
    return (f"list_filter(string_split(regexp_replace(lower(strip_accents(trim(CAST({expr} AS VARCHAR)))), "
            f"'[^a-z ]+', ' ', 'g'), ' '), lambda w: w <> '')")


def _given_name(expr: str) -> str:
    """SQL: the given name of a first-name column - its first word that is not a title, so
    "Dr John", "John Paul" and "John" compare alike (a middle name is not the first name)."""
    titles = ", ".join(f"'{t}'" for t in _TITLES)
    return f"nullif(list_filter({_words(expr)}, lambda w: w NOT IN ({titles}))[1], '')"


# Generational suffixes, as written at the end of a surname ("Brooks Sr.", "Brooks JR"): a father
# and the son named after him, not one surname a typo apart (brookssr ~ brooksjr).
_GENERATIONS = {"sr": "sr", "senior": "sr", "jr": "jr", "junior": "jr", "ii": "ii", "iii": "iii", "iv": "iv"}


def _as_generation(word: str) -> str:
    """SQL: the generation the word `word` writes (sr, jr, ii, iii, iv), NULL if none."""
    known = ", ".join(f"'{w}'" for w in _GENERATIONS)
    return (f"CASE WHEN {word} IN ({known}) THEN "
            f"CASE {word} WHEN 'senior' THEN 'sr' WHEN 'junior' THEN 'jr' ELSE {word} END END")


def _generation_word(words: str) -> str:
    """SQL: the generation a name's last word writes, if the name has other words."""
    return f"CASE WHEN len({words}) > 1 THEN {_as_generation(f'{words}[-1]')} END"


def _surname_words(expr: str) -> str:
    """SQL: the words of a surname without its generational suffix."""
    words = _words(expr)
    return (f"CASE WHEN {_generation_word(words)} IS NOT NULL THEN list_slice({words}, 1, len({words}) - 1) "
            f"ELSE {words} END")


def _surname(expr: str) -> str:
    """SQL: a surname's letters, its generational suffix left out ("O'Brien Jr." -> obrien)."""
    return f"nullif(array_to_string({_surname_words(expr)}, ''), '')"


def _surname_parts(expr: str) -> str:
    """SQL: the words of a surname ("Smith-Jones" -> [smith, jones]), NULL when it has one word:
    one part of a double-barrelled name is evidence of its own (see comparisons)."""
    return f"CASE WHEN len({_surname_words(expr)}) > 1 THEN {_surname_words(expr)} END"


def _generation(suffix: str | None, last_name: str | None, first_name: str | None) -> str:
    """SQL: the generation a record names (sr, jr, ii, iii, iv): its suffix column, else the last
    word of its surname, else of its first-name column ("John Jr")."""
    words = [_as_generation(f"{_words(suffix)}[1]")] if suffix else []
    words += [_generation_word(_words(c)) for c in (last_name, first_name) if c]
    return f"coalesce({', '.join(words)})" if words else "NULL"


def _postcode_text(expr: str) -> str:
    """SQL: a postcode's letters and digits, upper case, without a state or province written
    before a numeric code ("NSW 2000" = "2000", "TX 77072" = "77072"); a UK, Irish or Canadian
    code, letters and digits mixed, is kept whole."""
    letters = f"upper(regexp_replace(CAST({expr} AS VARCHAR), '[^0-9A-Za-z]', '', 'g'))"
    return f"nullif(regexp_replace({letters}, '^[A-Z]{{2,3}}([0-9]{{4,5}})$', '\\1'), '')"


def _phone_digits(expr: str) -> str:
    """SQL: a phone number's national significant number, so one number written nationally or
    internationally compares alike ("07700 900123", "+44 (0)7700 900123"; "(212) 555-0143",
    "1-212-555-0143"; "087 123 4567", "+353 87 123 4567"; "0412 345 678", "+61 412 345 678").

    Written internationally (a leading + or 00, or 11+ digits not starting with 0), the country
    code is dropped (ITU codes, prefix-free, from phonenumbers); then the trunk 0. The last ten
    digits did it for UK and North American numbers only: an Irish, Australian, French or
    Singaporean number kept part of its country code. Fewer than seven digits is not a number."""
    text = f"trim(CAST({expr} AS VARCHAR))"
    digits = f"regexp_replace({text}, '[^0-9]', '', 'g')"
    national = f"ltrim(regexp_replace(ltrim({digits}, '0'), '^({_COUNTRY_CODES})', ''), '0')"
    international = (f"starts_with({text}, '+') OR starts_with({digits}, '00') "
                     f"OR (length({digits}) >= 11 AND NOT starts_with({digits}, '0'))")
    return (f"CASE WHEN length({digits}) < 7 THEN NULL WHEN {international} THEN nullif({national}, '') "
            f"ELSE nullif(ltrim({digits}, '0'), '') END")


_COUNTRY_CODES = "|".join(sorted((str(code) for code in COUNTRY_CODE_TO_REGION_CODE if code), key=len, reverse=True))


# Street words written several ways, and their one spelling here (whole words only).
_STREET_WORDS = {"street": "st", "road": "rd", "avenue": "ave", "av": "ave", "drive": "dr", "lane": "ln",
                 "court": "ct", "place": "pl", "crescent": "cres", "close": "cl", "terrace": "ter",
                 "boulevard": "blvd", "gardens": "gdns", "square": "sq", "north": "n", "south": "s",
                 "east": "e", "west": "w", "apartment": "apt", "suite": "ste"}


def street_line_sql(expr: str) -> str:
    """SQL: a street line in one spelling - lower case, punctuation dropped, street words
    abbreviated alike (Avenue, Ave., Av -> ave) and a flat or unit prefix removed ("Flat 3, 12
    Acacia Ave" -> "12 acacia ave"), so the house number leads."""
    text = f"regexp_replace(lower(strip_accents(trim(CAST({expr} AS VARCHAR)))), '[^a-z0-9 ]+', ' ', 'g')"
    # word by word (the text holds only [a-z0-9 ], so its words are what spaces separate): one
    # lookup a word, where a regexp_replace a street word took 3.4 s over 1M addresses (now 0.7 s)
    lookup = " ".join(f"WHEN '{word}' THEN '{short}'" for word, short in _STREET_WORDS.items())
    text = f"array_to_string(list_transform(string_split({text}, ' '), lambda w: CASE w {lookup} ELSE w END), ' ')"
    text = f"regexp_replace({text}, '^(flat|apt|unit|ste|room)\\s+[0-9a-z]+\\s+', '')"
    return f"nullif(trim(regexp_replace({text}, '\\s+', ' ', 'g')), '')"


def _postcode_sql(pc: str) -> dict[str, str]:
    """SQL for a normalised postcode and its coarser areas, by the shape of the code:
    US ZIP (+4): ZIP5 / ZIP3; UK: sector (SW1A 1) / outward code (SW1A); Canada: FSA (K1A).
    Other shapes compare whole, with their first three characters as the area."""
    us = f"regexp_matches({pc}, '^[0-9]{{5}}([0-9]{{4}})?$')"
    uk = f"regexp_matches({pc}, '^[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}$')"
    ca = f"regexp_matches({pc}, '^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$')"
    return {
        "postcode": f"CASE WHEN {us} THEN left({pc}, 5) ELSE {pc} END",
        "pc_sector": f"CASE WHEN {us} THEN left({pc}, 5) WHEN {uk} THEN left({pc}, length({pc}) - 2) "
                     f"WHEN {ca} THEN left({pc}, 4) END",
        "pc_area": f"CASE WHEN {us} THEN left({pc}, 3) WHEN {uk} THEN left({pc}, length({pc}) - 3) "
                   f"ELSE left({pc}, 3) END",
    }


def _text(expr: str) -> str:
    return f"nullif(trim(CAST({expr} AS VARCHAR)), '')"


def mailbox_sql(email: str) -> str:
    """SQL: the mailbox a lower-cased address reaches, as normalize.emails.email_match_key has it
    (gmail ignores dots and +tags, googlemail is gmail; elsewhere only +tags): a raw table's
    j.smith@gmail.com and jsmith+news@googlemail.com are one email. Staged emails already are.

    Most addresses have no +tag and are not gmail: they pass as they are, and only the rest are
    taken apart (DuckDB evaluates a CASE branch only for the rows that reach it). An address with
    no or several '@' (not an address) is compared as written.
    """
    local, domain = f"split_part({email}, '@', 1)", f"split_part({email}, '@', 2)"
    base = f"coalesce(nullif(split_part({local}, '+', 1), ''), {local})"  # "+tag@x" keeps its whole local part
    gmail = f"{domain} IN ('gmail.com', 'googlemail.com')"
    return (f"CASE WHEN NOT contains({email}, '+') AND NOT (suffix({email}, '@gmail.com') "
            f"OR suffix({email}, '@googlemail.com')) THEN {email} "
            f"WHEN NOT contains({email}, '@') OR contains(substr({email}, strpos({email}, '@') + 1), '@') THEN {email} "
            f"WHEN {gmail} THEN coalesce(nullif(replace({base}, '.', ''), ''), {base}) || '@gmail.com' "
            f"ELSE {base} || '@' || {domain} END")


def _role_exprs(config: MatchConfig, columns: set[str], parsed_dob: str | None = None,
                split_name: str | None = None) -> dict[str, str]:
    """SQL for each feature from the mapped input columns (quoted), NULL for unmapped roles.
    `parsed_dob`: the column holding text birth dates as YYYYMMDD (birth_dates.py), if any;
    `split_name`: the alias of the joined full_names table, if a full name is mapped."""
    from_full_name = {"first_name": "cu_full_first", "last_name": "cu_full_last", "name_suffix": "cu_full_suffix"}

    def col(role: str) -> str | None:
        name = config.columns.get(role)
        split = f"{split_name}.{from_full_name[role]}" if split_name and role in from_full_name else None
        if name is None:
            return split
        if name not in columns:
            raise KeyError(f"role {role!r} is mapped to column {name!r}, which the input does not have")
        # the record's own column wins where it is filled
        return f"coalesce(nullif(trim(CAST(\"{name}\" AS VARCHAR)), ''), {split})" if split else f'"{name}"'

    def role(role: str, template) -> str:
        c = col(role)
        return "NULL" if c is None else template(c)

    dob_text = role("date_of_birth", lambda c: (
        f"coalesce(strftime(try_cast({c} AS DATE), '%Y%m%d'), {parsed_dob or 'NULL'}, "
        f"nullif(regexp_replace(CAST({c} AS VARCHAR), '[^0-9]', '', 'g'), ''))"))
    year = role("birth_year", lambda c: f"try_cast({c} AS INTEGER)")
    return {
        "fn": role("first_name", _given_name),
        "fn_canon_in": role("first_name_canonical", _letters),
        "ln": role("last_name", _surname),
        "ln_parts": role("last_name", _surname_parts),
        "gen": _generation(col("name_suffix"), col("last_name"), col("first_name")),
        # dates compare as YYYYMMDD text so typos and day/month swaps are visible (and invalid dates kept)
        "dob": f"CASE WHEN length({dob_text}) = 8 THEN {dob_text} END",
        # a birth date written as its year alone ("1971") still tells 1971 from 1995
        "by_in": f"coalesce({year}, CASE WHEN length({dob_text}) = 4 AND try_cast({dob_text} AS INTEGER) "
                 f"BETWEEN 1850 AND 2100 THEN try_cast({dob_text} AS INTEGER) END)",
        "email": role("email", lambda c: mailbox_sql(f"lower({_text(c)})")),
        "phone": role("phone", _phone_digits),
        "pc_in": role("postcode", _postcode_text),
        "city": role("city", lambda c: f"nullif(regexp_replace(lower(strip_accents(trim(CAST({c} AS VARCHAR)))), '[^a-z ]', '', 'g'), '')"),
        "addr": role("address", street_line_sql),
        "house_in": role("house_number", _text),
        "region": role("region", lambda c: f"upper({_text(c)})"),
        "handle": role("handle", lambda c: f"lower(ltrim({_text(c)}, '@'))"),
    }


def build_features(con: duckdb.DuckDBPyConnection, config: MatchConfig, source: str) -> list[str]:
    """Create `cu_features` (rid, sig, key columns, features) from the relation/table `source`.

    Returns the feature columns that take part in the signature.
    """
    types = {row[0]: row[1] for row in con.sql(f"DESCRIBE {source}").fetchall()}
    columns = set(types)
    missing = [k for k in config.key if k not in columns]
    if missing:
        raise KeyError(f"key column(s) {missing} not in the input (it has {sorted(columns)})")
    dob_column = config.columns.get("date_of_birth")
    text_dates = (dob_column in columns and types[dob_column] == "VARCHAR"
                  and register_text_birth_dates(con, source, f'"{dob_column}"'))
    full_name = config.columns.get("full_name")
    if full_name is not None:
        register_full_names(con, source, f'"{_require(full_name, columns)}"')
    exprs = _role_exprs(config, columns, parsed_dob="d.cu_dob_ymd" if text_dates else None,
                        split_name="fnm" if full_name is not None else None)
    raw_extras, role_extras = {}, {}  # from input columns / from derived features
    for comparison in config.comparisons:
        if comparison.kind in ("identifier", "exact", "declared"):
            name = _require(config.input_column(comparison.column or comparison.name), columns)
            raw_extras[f"x_{comparison.name}"] = (
                _declared_value(f'"{name}"', comparison.value_type, types[name].endswith("]"))
                if comparison.kind == "declared" else _text(f'"{name}"'))
    for rule in config.rules:
        if rule.column in config.columns:  # a role: reuse its normalised feature
            feature = {"date_of_birth": "dob", "address": "addr"}.get(rule.column, rule.column)
            role_extras[f"r_{rule.name}"] = feature
        else:
            # an identifier the input lacks leaves its rule inert (the defaults name several)
            raw_extras[f"r_{rule.name}"] = _text(f'"{rule.column}"') if rule.column in columns else "NULL::VARCHAR"

    con.execute("CREATE OR REPLACE TEMP TABLE cu_nicknames (nickname VARCHAR, canonical VARCHAR)")
    # one statement for all rows: executemany took 0.07 s, a cost every incremental run pays
    con.execute("INSERT INTO cu_nicknames SELECT unnest($1), unnest($2)", [list(NICKNAMES), list(NICKNAMES.values())])
    key_cols = ", ".join(f'CAST("{k}" AS VARCHAR) AS "{k}"' for k in config.key)
    # record ids follow the key, so a run is reproducible whatever order the scan returns rows in
    order = ", ".join(f'CAST("{k}" AS VARCHAR)' for k in config.key)
    base = ",\n  ".join(f"{sql} AS {name}" for name, sql in {**exprs, **raw_extras}.items())
    base_sql = f"""
        SELECT row_number() OVER (ORDER BY {order}) - 1 AS rid, {key_cols},
          {base}
        FROM {source} s{f' LEFT JOIN {TEXT_DATES} d ON d.cu_dob_raw = s."{dob_column}"' if text_dates else ''}
        {f'LEFT JOIN {FULL_NAMES} fnm ON fnm.cu_full_raw = CAST(s."{full_name}" AS VARCHAR)' if full_name else ''}"""
    extra_sql = "".join(f",\n  {sql} AS {name}" for name, sql in role_extras.items())
    feature_cols = ["fn", "fn_canon", "ln", "ln_parts", "gen", "dob", "byear", "email", "email_local", "phone",
                    "postcode", "pc_sector", "pc_area", "city", "addr", "house", "region", "handle", "handle_stem",
                    "handle_year", "email_stem", "email_year", "name_stem", "initial_stem",
                    *raw_extras, *role_extras]
    postcode = _postcode_sql("b.pc_in")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_features AS
        WITH f AS (
          SELECT b.*,
            coalesce(b.fn_canon_in, n.canonical, b.fn) AS fn_canon,
            coalesce(b.by_in, try_cast(left(b.dob, 4) AS INTEGER)) AS byear,
            {postcode["postcode"]} AS postcode, {postcode["pc_sector"]} AS pc_sector, {postcode["pc_area"]} AS pc_area,
            nullif(split_part(b.email, '@', 1), '') AS email_local,
            coalesce(b.house_in, nullif(regexp_extract(b.addr, '^[0-9]+[a-z]?', 0), '')) AS house,
            nullif(regexp_replace(b.handle, '[^a-z]', '', 'g'), '') AS handle_stem,
            {_year_sql("b.handle")} AS handle_year,
            nullif(regexp_replace(split_part(b.email, '@', 1), '[^a-z]', '', 'g'), '') AS email_stem,
            {_year_sql("split_part(b.email, '@', 1)")} AS email_year,
            b.fn || b.ln AS name_stem,  -- what a handle like @kellyneal spells
            left(b.fn, 1) || b.ln AS initial_stem  -- ... or @kneal1985
            {extra_sql}
          FROM ({base_sql}) b LEFT JOIN cu_nicknames n ON n.nickname = b.fn
        )
        SELECT * EXCLUDE (pc_in), hash({", ".join(feature_cols)}) AS sig FROM f""")
    return feature_cols


def _declared_value(column: str, value_type: str, is_list: bool) -> str:
    """A compared column as its levels read it: text trimmed and lower-cased, a date, a number,
    or a list (a list column as is, text split on commas, semicolons or bars)."""
    if value_type == "date":
        return f"try_cast({column} AS DATE)"
    if value_type == "number":
        return f"try_cast({column} AS DOUBLE)"
    if value_type == "list":
        items = (f"CAST({column} AS VARCHAR[])" if is_list
                 else f"string_split_regex(CAST({column} AS VARCHAR), '\\s*[,;|]\\s*')")
        return f"nullif(list_filter(list_transform({items}, lambda v: lower(trim(v))), lambda v: v <> ''), [])"
    return f"nullif(lower(trim(CAST({column} AS VARCHAR))), '')"


def _year_sql(text: str) -> str:
    """A birth year written into a handle or email: 4 digits (kneal1985), else 2 trailing (kneal85).

    Two-digit years stay below 100 so comparisons can tell them apart (byear % 100).
    """
    return (f"coalesce(try_cast(nullif(regexp_extract({text}, '(19[0-9]{{2}}|20[0-9]{{2}})', 1), '') AS INTEGER), "
            f"try_cast(nullif(regexp_extract({text}, '[^0-9]([0-9]{{2}})$', 1), '') AS INTEGER))")


def _require(column: str, columns: set[str]) -> str:
    if column not in columns:
        raise KeyError(f"column {column!r} named in the match config is not in the input")
    return column


def foreign_email_sql(n: str) -> str:
    """The record's email spells none of its own names: it is someone else's (a gift ordered under
    the buyer's address, a booking made by an assistant, a family's shared address). Such an email
    says whose it is, not who this record is, so it is not compared with other records' names.
    Names are matched as the stem writes them (letters only): the first three letters of its first
    name or of the name it is a nickname of (a typo further on is still the record's own name),
    initial + surname or surname + initial; a record without a full name owns its email."""
    fn, canon, ln = (f"regexp_replace({n}.{c}, '[^a-z]', '', 'g')" for c in ("fn", "fn_canon", "ln"))
    return (f"coalesce({n}.email_stem IS NOT NULL AND {fn} <> '' AND {ln} <> '' AND NOT ("
            f"contains({n}.email_stem, left({fn}, 3)) OR contains({n}.email_stem, left({canon}, 3)) "
            f"OR contains({n}.email_stem, left({fn}, 1) || {ln}) "
            f"OR contains({n}.email_stem, {ln} || left({fn}, 1))), false)")


def phonetic_features(config: MatchConfig) -> list[str]:
    """The declared comparisons' features that a `sounds_alike` level reads a Metaphone key of."""
    return [f"x_{c.name}" for c in config.comparisons
            if c.kind == "declared" and any(level.sounds_alike for level in c.levels)]


def build_nodes(con: duckdb.DuckDBPyConnection, feature_cols: list[str], phonetic: list[str] = ()) -> None:
    """Collapse identical records: `cu_nodes` (nid, records, features) and `cu_record_node` (rid, nid).

    Nodes also get features that follow from their own (so they are not part of the signature):
    Metaphone keys of the names (jellyfish), for names that sound alike though spelt differently
    (Stephen / Steven, Catherine / Kathryn), and of the `phonetic` features (as `<feature>_ph`),
    and the birth date as a date.
    """
    picks = ", ".join(f"any_value({c}) AS {c}" for c in feature_cols)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_record_node AS
        SELECT rid, min(rid) OVER (PARTITION BY sig) AS nid FROM cu_features""")
    sources = ["fn", "fn_canon", "ln", *phonetic]
    names = [n for (n,) in con.sql(" UNION ".join(f"SELECT CAST({c} AS VARCHAR) FROM cu_features" for c in sources)).fetchall() if n]
    con.register("cu_phonetic_in", pd.DataFrame({"name": names, "key": [jellyfish.metaphone(n) or None for n in names]},
                                                columns=["name", "key"]).astype(object))
    extra = "".join(f", p{i}.key::VARCHAR AS {f}_ph" for i, f in enumerate(phonetic))
    joins = "".join(f" LEFT JOIN cu_phonetic_in p{i} ON p{i}.name = n.{f}" for i, f in enumerate(phonetic))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_nodes AS
        SELECT n.*, a.key::VARCHAR AS fn_ph, c.key::VARCHAR AS fn_canon_ph, b.key::VARCHAR AS ln_ph,
               try_strptime(n.dob, '%Y%m%d')::DATE AS dob_date, {foreign_email_sql('n')} AS email_foreign{extra}
        FROM (SELECT min(rid) AS nid, count(*) AS records, {picks} FROM cu_features GROUP BY sig) n
        LEFT JOIN cu_phonetic_in a ON a.name = n.fn LEFT JOIN cu_phonetic_in c ON c.name = n.fn_canon
        LEFT JOIN cu_phonetic_in b ON b.name = n.ln{joins}""")
    con.unregister("cu_phonetic_in")
