"""Profile configuration: survivorship rules per golden field, bounce and unsubscribe event types.

One YAML file says which value of each golden field wins when a customer's records disagree.
The pipeline uses the bundled `default_profiles.yaml`; the environment variable
`CU_PROFILES_CONFIG` (wired in the settings module) points at a brand's own file. A user file may
start with `extends: default` and list only the fields it changes.
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from customer_unification.lib.yaml_config import ConfigError, distinct, load_yaml_config, merge_sections  # noqa: F401 (ConfigError: re-exported)

from customer_unification.lib.sources.canonical import CHANNELS, CONSENT_CHANNELS

# Golden field groups, in profile column order. `address` survives as one unit (see survivorship).
GOLDEN_FIELDS = (
    "title", "first_name", "middle_name", "last_name", "gender", "date_of_birth",
    "email", "phone", "mobile", "landline", "address",
)
PHONE_FIELDS = ("phone", "mobile", "landline")

Strategy = Literal["trust_rank", "most_recent", "most_frequent", "most_complete"]
PhoneType = Literal["mobile", "landline", "voip", "unknown"]
GoldenField = Literal[
    "title", "first_name", "middle_name", "last_name", "gender", "date_of_birth",
    "email", "phone", "mobile", "landline", "address",
]
ConsentChannel = Literal["email", "sms", "phone", "mail", "social"]
assert set(GoldenField.__args__) == set(GOLDEN_FIELDS)  # one list, two spellings
assert set(ConsentChannel.__args__) == set(CONSENT_CHANNELS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldRule(_Strict):
    """How one golden field (or field group) picks its winning record.

    `strategies` are applied in order; each later one only breaks the ties the earlier ones leave.
    """

    strategies: list[Strategy] = Field(min_length=1)
    # Sources ranked 1..trusted_up_to supply the field whenever they have it; less trusted
    # sources only fill a gap. None: every source competes on the strategies alone.
    trusted_up_to: int | None = Field(default=None, ge=1, le=100)
    # Phone fields only: which phone types qualify at all, and which win before the strategies.
    phone_types: list[PhoneType] | None = None
    prefer_phone_types: list[PhoneType] = Field(default_factory=list)

    @field_validator("strategies", "prefer_phone_types")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        return distinct(values)


class ConsentRules(_Strict):
    # event type -> consent channel it withdraws; null = the event's own channel
    unsubscribe_events: dict[str, ConsentChannel | None] = Field(default_factory=dict)


class ProfilesConfig(_Strict):
    fields: dict[GoldenField, FieldRule]
    # Events saying mail to an address bounced: that address never wins the golden email.
    bounce_event_types: list[str] = Field(default_factory=list)
    # Channels that only reach mobiles: a number of unknown type seen on such a record is a
    # mobile (numbering plans like +1 do not tell mobiles from landlines).
    mobile_evidence_channels: list[str] = Field(default_factory=list)
    consent: ConsentRules = Field(default_factory=ConsentRules)

    @field_validator("fields")
    @classmethod
    def _every_field(cls, fields: dict[str, FieldRule]) -> dict[str, FieldRule]:
        missing = [f for f in GOLDEN_FIELDS if f not in fields]
        if missing:
            raise ValueError(f"no rule for golden field(s) {missing} (or start the file with `extends: default`)")
        for name, rule in fields.items():
            if name not in PHONE_FIELDS and (rule.phone_types is not None or rule.prefer_phone_types):
                raise ValueError(f"{name}: phone_types / prefer_phone_types apply to {list(PHONE_FIELDS)} only")
        return fields

    @field_validator("mobile_evidence_channels")
    @classmethod
    def _known_channels(cls, channels: list[str]) -> list[str]:
        unknown = sorted(set(channels) - set(CHANNELS))
        if unknown:
            raise ValueError(f"unknown channel(s) {unknown}; channels are {list(CHANNELS)}")
        return channels



def load_profiles_config(path: str | Path | None = None) -> ProfilesConfig:
    """Read a profiles YAML (default: the bundled one); errors name the file and the offending field.
    With `extends`, the file's `fields` are merged into the parent's one by one."""
    return load_yaml_config(ProfilesConfig, path, package=__package__, default_file="default_profiles.yaml",
                            what="profiles", merge=merge_sections("fields"))
