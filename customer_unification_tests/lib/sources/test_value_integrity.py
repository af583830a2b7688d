"""Issue 14, defect 8: a NUL byte or a wrong encoding never silently changes a value.

Each test reads a real file through the source reader and stages it: the record is quarantined
with the exact reason a user sees, and raw = clean + quarantined.
"""

import json
import textwrap

import pytest

from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.lib.sources.readers import read_source
from customer_unification.lib.sources.value_integrity import file_encoding_hint
from customer_unification.lib.staging.standardize import standardize

NUL_REASON = ("nul_byte: column 'first' contains a NUL byte (binary data, or text in another encoding "
              "such as UTF-16)")
MOJIBAKE = "invalid_encoding: column '{column}' is mojibake (utf-8 text read as latin-1)"


def source(tmp_path, name: str, body: str, *, fmt: str = "csv", encoding: str = "utf-8"):
    (tmp_path / name).write_bytes(body.encode(encoding) if isinstance(body, str) else body)
    (tmp_path / "sources.yaml").write_text("base_dir: .\nsources:\n" + textwrap.indent(textwrap.dedent(f"""
        - name: people
          format: {fmt}
          location: {name}
          options: {{encoding: {encoding}}}
          record_key: id
          fields: {{crm_id: id, first_name: first, last_name: last, email: email}}
    """), "  "))
    config = load_contracts(tmp_path / "sources.yaml")
    return config, config.get("people")


def staged(config, contract):
    raw = read_source(config, contract)
    result = standardize(raw, contract)
    assert len(result.clean) + len(result.quarantine) == len(raw)  # nothing lost
    return raw, result


def quarantined(result) -> dict[str, tuple[str, str]]:
    return {r.source_record_id: (r.rule, r.reasons) for r in result.quarantine.itertuples()}


def test_a_nul_byte_in_a_csv_value_is_kept_whole_and_the_record_quarantined(tmp_path):
    config, contract = source(tmp_path, "p.csv", "id,first,last,email\n1,Nu\0ll,Lee,a@x.com\n2,Ann,Lee,b@x.com\n")
    raw, result = staged(config, contract)
    assert raw["first"].tolist() == ["Nu\0ll", "Ann"]  # was "Nu": pandas' C parser ends a string at NUL
    assert raw["_error"].tolist() == [NUL_REASON, None]
    assert quarantined(result) == {"1": ("unparseable_record", "unparseable_record: " + NUL_REASON)}
    assert json.loads(result.quarantine.loc[0, "raw_record"])["first"] == "Nu\0ll"
    assert result.clean["first_name"].tolist() == ["Ann"]


def test_a_nul_byte_in_a_jsonl_value_quarantines_the_record(tmp_path):
    lines = [{"id": "1", "first": "Nu\u0000ll", "last": "Lee", "email": "a@x.com"},
             {"id": "2", "first": "Ann", "last": "Lee", "email": "b@x.com"}]
    body = "\n".join(json.dumps(r) for r in lines) + "\n"
    config, contract = source(tmp_path, "p.jsonl", body, fmt="jsonl")
    raw, result = staged(config, contract)
    assert raw["_error"].tolist() == [NUL_REASON, None]
    assert list(quarantined(result)) == ["1"] and len(result.clean) == 1


def test_a_utf8_file_declared_latin1_is_mojibake_and_quarantined(tmp_path):
    body = "id,first,last,email\n1,José,Núñez,j@x.com\n2,Ann,Lee,a@x.com\n3,Zoë,Smith,z@x.com\n"
    config, contract = source(tmp_path, "p.csv", body.encode("utf-8"), encoding="latin-1")
    raw, result = staged(config, contract)
    hint = "; the file is declared latin-1 but reads as utf-8"
    assert raw["first"].tolist() == ["JosÃ©", "Ann", "ZoÃ«"]  # kept as read, for the steward
    assert raw["_error"].tolist() == [MOJIBAKE.format(column="first") + hint, None,
                                      MOJIBAKE.format(column="first") + hint]
    assert quarantined(result) == {
        "1": ("unparseable_record", "unparseable_record: " + MOJIBAKE.format(column="first") + hint),
        "3": ("unparseable_record", "unparseable_record: " + MOJIBAKE.format(column="first") + hint)}
    assert result.clean["first_name"].tolist() == ["Ann"]


def test_text_garbled_before_the_file_was_written_is_mojibake_too(tmp_path):
    """A UTF-8 file, read as UTF-8, holding a value some upstream system had already garbled."""
    body = "id,first,last,email\n1,Ann,MÃ¼ller,a@x.com\n2,Bo,Lee,b@x.com\n"
    config, contract = source(tmp_path, "p.csv", body)
    raw, result = staged(config, contract)
    assert raw["_error"].tolist() == [
        "invalid_encoding: column 'last' is mojibake (utf-8 text read as latin-1); the file reads as "
        "declared (utf-8): the text was garbled before the file was written", None]
    assert list(quarantined(result)) == ["1"] and len(result.clean) == 1


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8"])
def test_real_accented_text_in_its_declared_encoding_is_not_flagged(tmp_path, encoding):
    body = ("id,first,last,email\n1,José,Núñez,j@x.com\n2,Zoë,Ångström,z@x.com\n3,SÃO,PAULO,s@x.com\n"
            "4,Bjørn,Dvorák,b@x.com\n5,Crème,Brûlée,c@x.com\n")
    config, contract = source(tmp_path, "p.csv", body, encoding=encoding)
    raw, result = staged(config, contract)
    assert raw["_error"].isna().all(), raw["_error"].tolist()
    assert raw["first"].tolist() == ["José", "Zoë", "SÃO", "Bjørn", "Crème"]
    assert len(result.clean) == 5 and result.quarantine.empty


def test_jsonl_bytes_not_valid_in_the_declared_encoding_are_not_silently_replaced(tmp_path):
    body = (b'{"id": "1", "first": "Jos\xe9", "last": "Lee", "email": "a@x.com"}\n'
            b'{"id": "2", "first": "Ann", "last": "Lee", "email": "b@x.com"}\n')
    config, contract = source(tmp_path, "p.jsonl", body, fmt="jsonl")
    raw, result = staged(config, contract)
    assert raw["_error"].tolist() == ["invalid_encoding: bytes not valid utf-8", None]  # was 'Jos\ufffd', no flag
    assert raw.loc[0, "_raw"] == '{"id": "1", "first": "Jos\ufffd", "last": "Lee", "email": "a@x.com"}'
    assert quarantined(result) == {None: (
        "unparseable_record", "unparseable_record: invalid_encoding: bytes not valid utf-8 | "
                              "no_identifying_fields: no field that could identify a person")}
    assert len(result.clean) == 1


def test_nul_bytes_from_a_utf16_file_say_so():
    data = "id,first,last,email\n1,Ann,Lee,a@x.com\n2,Bo,Ray,b@x.com\n".encode("utf-16-le")
    assert file_encoding_hint(data, "utf-8", nul=True) == "; the file is declared utf-8 but reads as utf_16_le"
    assert file_encoding_hint("id\n1,Nu\0ll\n".encode(), "utf-8", nul=True) == ""  # nothing certain to add
