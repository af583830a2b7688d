"""Loading a pydantic-modelled YAML configuration the same way everywhere.

Every configurable part of the platform (matching, profiles, segments, activation, analytics)
ships a bundled default YAML next to its code; a user's file may start with `extends: default`
(or a sibling file) and list only what it changes. Errors name the file and the offending field.
"""

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the field."""


def load_yaml_config(model: type[Model], path: str | Path | None, *, package: str, default_file: str,
                     what: str, merge: Callable[[dict, dict], dict] | None = None) -> Model:
    """Read `path` (None: the bundled `default_file` of `package`) into `model`.

    `merge(inherited, own)` combines an extended parent's dump with the file's own keys (see
    `merge_sections`); the default is a shallow merge where the file's keys win.
    """
    label, data = read_yaml_mapping(path, package=package, default_file=default_file, what=what)
    base = data.pop("extends", None)
    if base is not None:  # start from another config (`default` = the bundled one)
        if path is None:
            raise ConfigError(f"{label}: the default configuration cannot extend another")
        parent = load_yaml_config(model, None if base == "default" else Path(path).parent / base,
                                  package=package, default_file=default_file, what=what, merge=merge)
        inherited = parent.model_dump()
        try:
            data = merge(inherited, data) if merge else {**inherited, **data}
        except ValueError as exc:
            raise ConfigError(f"{label}: invalid {what} config: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{label}: invalid {what} config: {describe(exc)}") from exc


def read_yaml_mapping(path: str | Path | None, *, package: str, default_file: str, what: str,
                      yaml_hint: str = "") -> tuple[str, dict]:
    """(label, data) of a YAML file whose top level must be a mapping; `label` names it in errors."""
    if path is None:
        text, label = resources.files(package).joinpath(default_file).read_text(encoding="utf-8"), default_file
    else:
        label = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{label}: cannot read {what} config ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: not valid YAML{yaml_hint}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: expected a mapping at the top level")
    return label, data


def merge_sections(*sections: str) -> Callable[[dict, dict], dict]:
    """A merge for `extends` where the named mapping sections merge key by key (the file's keys
    win) and every other key is replaced whole."""
    def merge(inherited: dict, own: dict) -> dict:
        merged = {**inherited, **own}
        for section in sections:
            mine = own.get(section) or {}
            if not isinstance(mine, dict):
                raise ValueError(f"{section}: expected a mapping")
            merged[section] = {**inherited[section], **mine}
        return merged
    return merge


def distinct(values: list) -> list:
    """A pydantic field validator body: the list, unless a value is listed more than once."""
    repeated = sorted({v for v in values if values.count(v) > 1}, key=str)
    if repeated:
        raise ValueError(f"listed more than once: {repeated}")
    return values


def describe(exc: ValidationError) -> str:
    """pydantic's errors as `field.path: message; ...`."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc'] if p != '[key]') or '(top level)'}: {err['msg']}"
                     for err in exc.errors())
