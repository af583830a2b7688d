"""Activation configuration: consent per channel, channels per segment, priority, frequency cap.

One YAML file says who may be put in a channel's audience and how often a person may be contacted.
The pipeline uses the bundled `default_activation.yaml`; a brand's own file may start with
`extends: default` and list only what it changes. Segment *definitions* (name, intended channel,
campaign) come from the segments layer and are read with `segment_specs`; this file only says how
a segment is activated.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from customer_unification.lib.yaml_config import ConfigError, describe, distinct, load_yaml_config, merge_sections

CHANNELS = ("email", "sms", "phone", "mail", "social")
Channel = Literal["email", "sms", "phone", "mail", "social"]
assert set(Channel.__args__) == set(CHANNELS)  # one list, two spellings
# granted: only an explicit opt-in; not_denied: an opt-in or no statement at all ('unknown')
ConsentRule = Literal["granted", "not_denied"]
AddressField = Literal["address_line1", "address_line2", "city", "region", "postcode", "country"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelRule(_Strict):
    consent: ConsentRule = "granted"


class MailRule(ChannelRule):
    # the parts a deliverable postal address must have (the golden address; line2 is optional)
    required_address_fields: list[AddressField] = Field(
        default_factory=lambda: ["address_line1", "city", "postcode"], min_length=1)


class SocialRule(ChannelRule):
    # meta: E.164 digits without '+' ("15551234567"); google: E.164 with '+' ("+15551234567").
    # Both hash the trimmed, lower-cased email.
    phone_format: Literal["meta", "google"] = "meta"


class ChannelRules(_Strict):
    email: ChannelRule = Field(default_factory=lambda: ChannelRule(consent="granted"))
    sms: ChannelRule = Field(default_factory=lambda: ChannelRule(consent="granted"))
    phone: ChannelRule = Field(default_factory=lambda: ChannelRule(consent="granted"))
    mail: MailRule = Field(default_factory=lambda: MailRule(consent="not_denied"))
    social: SocialRule = Field(default_factory=lambda: SocialRule(consent="not_denied"))


class SegmentActivation(_Strict):
    """How one segment is activated; without an entry, on the channel its spec names."""

    channels: list[Channel] = Field(min_length=1)
    # true: each person goes to exactly one of `channels` (their preferred consented one)
    multi_channel: bool = False

    @field_validator("channels")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        return distinct(values)


class FrequencyCap(_Strict):
    max_contacts: int = Field(ge=1)
    window_days: int = Field(ge=1, le=3650)
    # channels whose messages count as contacts (and are capped)
    channels: list[Channel] = Field(default_factory=lambda: ["email", "sms", "phone", "mail"], min_length=1)


class ActivationConfig(_Strict):
    channels: ChannelRules = Field(default_factory=ChannelRules)
    segments: dict[str, SegmentActivation] = Field(default_factory=dict)
    # segments in the order they claim a person's capped contacts; unlisted segments follow by name
    priority: list[str] = Field(default_factory=list)
    frequency_cap: FrequencyCap | None = None

    @field_validator("priority")
    @classmethod
    def _priority_once(cls, values: list[str]) -> list[str]:
        return distinct(values)


class SegmentSpec(BaseModel):
    """A segment as the segments layer defines it; only these fields are read, others are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    channel: Channel
    campaign: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_object(cls, value: Any) -> Any:
        return _as_dict(value)


def segment_specs(specs: Iterable[Any] | Mapping[str, Any]) -> list[SegmentSpec]:
    """Segment specs from a list of dicts/objects with `name`, or a mapping name -> {channel, campaign}."""
    if isinstance(specs, Mapping):
        items = [{**_as_dict(v), "name": k} for k, v in specs.items()]
    else:
        items = list(specs)
    parsed = []
    for i, item in enumerate(items):
        try:
            parsed.append(SegmentSpec.model_validate(item))
        except ValidationError as exc:
            name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)
            raise ConfigError(f"segment spec {name or i!r}: {describe(exc)}") from exc
    names = [s.name for s in parsed]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"segment specs: segment(s) defined more than once: {repeated}")
    return parsed


def _as_dict(value: Any) -> Any:
    """A mapping as is; any other object (a dataclass, another module's model) by its attributes."""
    if isinstance(value, Mapping):
        return dict(value)
    return {k: getattr(value, k) for k in ("name", "channel", "campaign") if hasattr(value, k)}


def load_activation_config(path: str | Path | None = None) -> ActivationConfig:
    """Read an activation YAML (default: the bundled one); errors name the file and the offending field.
    With `extends`, `channels` and `segments` merge one level down: list only what changes."""
    return load_yaml_config(ActivationConfig, path, package=__package__, default_file="default_activation.yaml",
                            what="activation", merge=merge_sections("channels", "segments"))
