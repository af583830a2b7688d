"""Source contracts: the YAML file that declares every source system.

Adding a source is a YAML change, never a Python one. `load_contracts` validates the whole file
and raises `ContractError` naming the source and field for anything it cannot accept.
"""

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from customer_unification.lib.sources.canonical import CHANNELS, CONSENT_CHANNELS, INPUT_FIELDS, FieldKind

SourceFormat = Literal["csv", "jsonl", "xlsx", "parquet", "sql"]
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "demo" / "sources.yaml"
TOP_LEVEL_KEYS = {"version", "base_dir", "defaults", "sources"}
_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


class ContractError(ValueError):
    """A source contract is invalid; the message names the config file, source and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """Where a canonical field comes from and how to read it.

    `column` is a column name or a dotted path into nested records (`customer.email`); a path
    through an array (`items[].category`) yields every element, joined with `join`.
    """

    column: str | None = None
    value: Any = None  # a constant instead of a column (e.g. channel: web)
    format: str | None = None  # dates/timestamps: strptime pattern, iso, epoch_s, epoch_ms, excel
    dayfirst: bool | None = None  # for format: auto
    last_first: bool | None = None  # full_name written "Last, First" (default: detect the comma)
    map: dict[str, str] | None = None  # raw value -> canonical code (enums)
    granted: list[str] | None = None  # consent: raw values meaning opt-in
    denied: list[str] | None = None  # consent: raw values meaning opt-out
    join: str = "|"
    # Array paths folded into one number: `{column: items[].price, times: items[].qty, aggregate: sum}`
    # is an order total (sum of price x quantity); an element that is not a number makes it invalid.
    aggregate: Literal["sum", "min", "max", "count"] | None = None
    times: str | None = None  # an array path of the same array, multiplied element by element
    # One column holding several fields, e.g. "Portland, OR": `city: {column: place, split: ",", part: 0}`,
    # `region: {column: place, split: ",", part: -1}`. A value without the separator is part 0 only.
    split: str | None = None
    part: int | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> "FieldSpec":
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' or 'value'")
        array = (self.column or "").split("[]", 1)[0] + "[]"
        if (self.aggregate or self.times) and "[]" not in (self.column or ""):
            raise ValueError("'aggregate' and 'times' need an array path in 'column', e.g. items[].price")
        if self.times and (self.aggregate != "sum" or not self.times.startswith(array + ".")):
            raise ValueError(f"'times' multiplies the elements of the same array ({array}.<field>) and needs "
                             "aggregate: sum")
        if (self.split is None) != (self.part is None):
            raise ValueError("'split' and 'part' go together: split: ',' and part: 0 (or -1 for the last)")
        if self.split is not None and (self.split == "" or "[]" in (self.column or "")):
            raise ValueError("'split' needs a non-empty separator and a plain column")
        return self

    @classmethod
    def coerce(cls, raw: Any) -> Any:
        return {"column": raw} if isinstance(raw, str) else raw




class Conventions(_Strict):
    date_format: str = "iso"
    timestamp_format: str = "iso"
    dayfirst: bool | None = None
    phone_region: str = "US"
    timezone: str = "UTC"
    country: str | None = None
    two_digit_year_pivot: int | None = None  # e.g. 30: '29' -> 2029, '31' -> 1931


class CsvOptions(_Strict):
    delimiter: str = ","
    encoding: str = "utf-8"
    quotechar: str = '"'


class SourceContract(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    description: str = ""
    system: str | None = None  # the business system, e.g. "loyalty" for members + transactions
    format: SourceFormat
    location: str | None = None  # file path or glob, relative to base_dir
    url: str | None = None  # sql: SQLAlchemy URL ({base_dir} is substituted)
    query: str | None = None  # sql: the SELECT to run
    sheet: str | int | None = None  # xlsx: sheet name or index (default: first)
    options: CsvOptions = CsvOptions()
    record_key: list[str] = []
    # Columns keying a row whose record_key is empty (a sheet's rows typed without an id), or every
    # row of a source without ids: a stable digest of their values, never the values (lib/staging/record_keys.py)
    fallback_key: list[str] = []
    kind: Literal["person", "event"] = "person"
    trust_rank: int = Field(default=5, ge=1, le=100)
    conventions: Conventions = Conventions()
    fields: dict[str, FieldSpec]
    attributes: dict[str, FieldSpec] = {}
    identifiers: list[str] = []
    required: list[str] = []
    max_reject_rate: float = Field(default=0.05, ge=0, le=1)
    owners: list[str] = []
    # Consent channels this source may grant (opt in); None = every consent_<channel> it maps,
    # [] = it can only record denials. Its denials always count.
    consent_grants: list[str] | None = None

    @field_validator("record_key", "fallback_key", mode="before")
    @classmethod
    def _key_as_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("record_key", "fallback_key")
    @classmethod
    def _key_columns(cls, v: list[str]) -> list[str]:
        if any(not column.strip() for column in v):
            raise ValueError("a key column name may not be empty")
        repeated = sorted({column for column in v if v.count(column) > 1})
        if repeated:
            raise ValueError(f"column(s) {repeated} listed twice")
        return v

    @field_validator("fields", "attributes", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: FieldSpec.coerce(spec) for k, spec in v.items()}
        return v

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, v: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        unknown = sorted(set(v) - set(INPUT_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown canonical field(s) {unknown}; expected some of {sorted(INPUT_FIELDS)} "
                "(put anything else under 'attributes')"
            )
        for name, spec in v.items():
            if spec.value is not None and name == "channel" and spec.value not in CHANNELS:
                raise ValueError(f"channel '{spec.value}' is not one of {list(CHANNELS)}")
            if INPUT_FIELDS[name] is FieldKind.CONSENT and spec.column and not (spec.granted or spec.denied):
                raise ValueError(f"consent field '{name}' needs 'granted' and/or 'denied' values")
        return v

    @field_validator("consent_grants")
    @classmethod
    def _consent_channels(cls, v: list[str] | None) -> list[str] | None:
        unknown = sorted(set(v or []) - set(CONSENT_CHANNELS))
        if unknown:
            raise ValueError(f"unknown consent channel(s) {unknown}; expected some of {list(CONSENT_CHANNELS)}")
        return v

    @field_validator("attributes")
    @classmethod
    def _attribute_names(cls, v: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        bad = [k for k in v if not re.fullmatch(r"[a-z][a-z0-9_]*", k)]
        if bad:
            raise ValueError(f"attribute names must be snake_case identifiers: {bad}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "SourceContract":
        if not self.record_key and not self.fallback_key:
            raise ValueError("declare 'record_key' (the column(s) identifying a record) or, for rows without "
                             "one, 'fallback_key' (columns whose values together identify the row, e.g. "
                             "[last_name, first_name, zip])")
        shared = [c for c in self.fallback_key if c in self.record_key]
        if shared:
            raise ValueError(f"'fallback_key' keys the rows whose record_key is empty, so it cannot use the "
                             f"record_key column(s) {shared}")
        if self.format == "sql":
            if not (self.url and self.query):
                raise ValueError("format 'sql' needs both 'url' and 'query'")
        elif not self.location:
            raise ValueError(f"format '{self.format}' needs 'location' (a path or glob)")
        for listed in ("identifiers", "required"):
            missing = [f for f in getattr(self, listed) if f not in self.fields]
            if missing:
                raise ValueError(f"'{listed}' names fields not declared under 'fields': {missing}")
        unmapped = [ch for ch in self.consent_grants or [] if f"consent_{ch}" not in self.fields]
        if unmapped:
            raise ValueError(f"'consent_grants' names channel(s) {unmapped} whose consent_<channel> field "
                             "is not mapped")
        if self.kind == "event":
            missing = [f for f in ("event_ts", "event_type", "channel") if f not in self.fields]
            if missing:
                raise ValueError(f"an event source must map {missing}")
        return self

    @property
    def key_columns(self) -> list[str]:
        """Every column a record key is made of: record_key's, then fallback_key's."""
        return list(self.record_key) + list(self.fallback_key)

    @property
    def source_fields(self) -> dict[str, FieldSpec]:
        """Every mapped field and attribute (attributes prefixed `attr_`)."""
        return {**self.fields, **{f"attr_{k}": s for k, s in self.attributes.items()}}


class SourcesConfig(_Strict):
    version: int = 1
    config_path: Path
    base_dir: Path
    sources: list[SourceContract]

    def get(self, name: str) -> SourceContract:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(f"no source named '{name}' in {self.config_path}")

    def paths(self, source: SourceContract, required: bool = True) -> list[Path]:
        """Files of a file-based source, sorted; an empty glob is an error naming the source
        (unless not required: files may also arrive through the landing zone)."""
        pattern = source.location or ""
        base = Path(pattern) if Path(pattern).is_absolute() else self.base_dir / pattern
        if any(ch in pattern for ch in "*?["):
            found = sorted(Path(base.anchor).glob(str(base.relative_to(base.anchor))))
        else:
            found = [base] if base.exists() else []
        if not found and required:
            raise ContractError(f"source '{source.name}': no file matches location '{base}'")
        return found

    def sql_url(self, source: SourceContract) -> str:
        return (source.url or "").replace("{base_dir}", str(self.base_dir))


def expand_env(value: Any) -> Any:
    """Expand `${VAR}` / `${VAR:-default}` in every string of a parsed YAML tree."""
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: os.environ.get(m["name"], m["default"] or ""), value)
    if isinstance(value, list):
        return [expand_env(v) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v) for k, v in value.items()}
    return value


def config_path_from_env() -> Path:
    return Path(os.environ.get("CU_SOURCES_CONFIG") or DEFAULT_CONFIG).expanduser().resolve()


def load_contracts(path: str | os.PathLike | None = None) -> SourcesConfig:
    """Read and validate a sources YAML file (default: `CU_SOURCES_CONFIG`, else the demo)."""
    config_path = Path(path).expanduser().resolve() if path else config_path_from_env()
    if not config_path.exists():
        raise ContractError(f"sources config not found: {config_path}")
    try:
        raw = expand_env(yaml.safe_load(config_path.read_text(encoding="utf-8")) or {})
    except yaml.YAMLError as e:
        raise ContractError(f"{config_path}: not valid YAML: {e}") from e
    if isinstance(raw, dict):  # a misspelt key would otherwise be ignored and fail the run later
        _known_keys(config_path, "top-level key", raw, TOP_LEVEL_KEYS)
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list) or not raw["sources"]:
        raise ContractError(f"{config_path}: expected a mapping with a non-empty 'sources' list")

    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ContractError(f"{config_path}: 'defaults' must be a mapping of source fields")
    _known_keys(config_path, "key under 'defaults'", defaults, set(SourceContract.model_fields) - {"name"})
    sources, seen = [], set()
    for i, entry in enumerate(raw["sources"]):
        name = entry.get("name", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
        if not isinstance(entry, dict):
            raise ContractError(f"{config_path}: source {name}: expected a mapping")
        merged = {**{k: v for k, v in defaults.items() if k != "conventions"}, **entry}
        merged["conventions"] = {**defaults.get("conventions", {}), **entry.get("conventions", {})}
        try:
            contract = SourceContract.model_validate(merged)
        except ValidationError as e:
            raise ContractError(_describe(config_path, name, e)) from None
        if contract.name in seen:
            raise ContractError(f"{config_path}: source '{contract.name}': field 'name': declared twice")
        seen.add(contract.name)
        sources.append(contract)

    base = Path(str(raw.get("base_dir") or "."))
    base_dir = (base if base.is_absolute() else config_path.parent / base).resolve()
    for contract in sources:
        _inside_base_dir(config_path, base_dir, contract)
    return SourcesConfig(
        version=raw.get("version", 1), config_path=config_path, base_dir=base_dir, sources=sources
    )


def _known_keys(config_path: Path, what: str, mapping: dict, known: set[str]) -> None:
    unknown = sorted(str(k) for k in set(mapping) - known)
    if unknown:
        raise ContractError(f"{config_path}: unknown {what}(s) {unknown}; expected some of {sorted(known)}")


def _inside_base_dir(config_path: Path, base_dir: Path, contract: SourceContract) -> None:
    """A location may not climb out of base_dir (`../`, or an absolute path elsewhere): the sources
    file names the folder a platform reads from, and nothing outside it."""
    if contract.location is None:
        return
    where = Path(os.path.normpath(base_dir / contract.location))  # `..` folded away, globs kept
    if where != base_dir and base_dir not in where.parents:
        raise ContractError(f"{config_path}: source '{contract.name}', field 'location': '{contract.location}' "
                            f"is outside base_dir {base_dir} (set base_dir to the folder holding the files)")


def _describe(config_path: Path, name: str, error: ValidationError) -> str:
    problems = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(source)"
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"source '{name}', field '{loc}': {msg}")
    return f"{config_path}: " + "; ".join(problems)
