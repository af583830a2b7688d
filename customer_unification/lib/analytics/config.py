"""Analytics configuration: key events, marketing touches, KPI event types, attribution settings.

One YAML file says which events are conversions ("key events"), which events are marketing
touches that may earn credit for them, and how credit is shared. The pipeline uses the bundled
`default_analytics.yaml`; a brand's own file may start with `extends: default` and list only the
sections it changes (a section it names replaces the default section as a whole, except
`attribution` and `kpis`, whose keys are merged one by one).
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from customer_unification.lib.sources.canonical import CHANNELS
from customer_unification.lib.yaml_config import ConfigError, distinct, load_yaml_config, merge_sections  # noqa: F401 (ConfigError: re-exported)

# The attribution models, in the order tables and charts show them.
MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
Model = Literal["first_touch", "last_touch", "linear", "time_decay", "position_based"]
assert set(Model.__args__) == set(MODELS)  # one list, two spellings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PositionShares(_Strict):
    """Position-based (U-shaped) model: the first and last touch's share; the rest is spread evenly
    over the touches in between. One touch takes everything; two touches split 50/50."""

    first: float = Field(default=0.4, ge=0, le=1)
    last: float = Field(default=0.4, ge=0, le=1)

    @model_validator(mode="after")
    def _at_most_one(self) -> "PositionShares":
        if self.first + self.last > 1:
            raise ValueError(f"first + last = {self.first + self.last:g}; they may add up to 1 at most")
        return self


class AttributionSettings(_Strict):
    # Touches of the converting customer in [conversion - lookback_days, conversion) share its credit.
    # The same window is the KPIs' "converted within N days after a touch".
    lookback_days: float = Field(default=30, gt=0, le=3660)
    models: list[Model] = Field(default_factory=lambda: list(MODELS), min_length=1)
    half_life_days: float = Field(default=7, gt=0)  # time decay: a touch this much older weighs half
    position_based: PositionShares = Field(default_factory=PositionShares)
    # false: every conversion looks back over its whole window, so a touch may earn credit for
    # several conversions. true: a conversion's path starts at the customer's previous conversion.
    reset_after_conversion: bool = False
    # the channel name under which conversions with no touch in the window are reported
    unattributed_channel: str = Field(default="direct", min_length=1)

    @field_validator("models")
    @classmethod
    def _modelsdistinct(cls, models: list[str]) -> list[str]:
        return distinct(models)

    @field_validator("unattributed_channel")
    @classmethod
    def _not_a_channel(cls, name: str) -> str:
        if name in CHANNELS:
            raise ValueError(f"{name!r} is a real channel; pick a name no event carries (e.g. 'direct')")
        return name


class KpiSettings(_Strict):
    key_event: str = "purchase"  # the key event the KPIs' conversions and revenue are about
    revenue_model: Model = "last_touch"  # the attribution model behind attributed conversions/revenue
    send_event_types: list[str] = Field(default_factory=lambda: ["email_send"])
    open_event_types: list[str] = Field(default_factory=lambda: ["email_open"])
    click_event_types: list[str] = Field(default_factory=lambda: ["email_click", "sms_click"])
    # what counts in engagement by hour and weekday: things the customer did
    engagement_event_types: list[str] = Field(min_length=1, default_factory=lambda: [
        "email_open", "email_click", "sms_click", "social_follow", "page_view", "login", "add_to_cart",
        "order", "store_purchase"])
    # date-only sources load as exactly 00:00:00 UTC: such events say nothing about the hour
    skip_midnight_timestamps: bool = True

    @field_validator("send_event_types", "open_event_types", "click_event_types", "engagement_event_types")
    @classmethod
    def _listsdistinct(cls, types: list[str]) -> list[str]:
        return distinct(types)


class AnalyticsConfig(_Strict):
    # key event name -> the event types that are it; every key event is attributed separately
    key_events: dict[str, list[str]] = Field(min_length=1)
    # marketing touches: events that can earn credit for a conversion
    touch_event_types: list[str] = Field(min_length=1)
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    kpis: KpiSettings = Field(default_factory=KpiSettings)

    @field_validator("key_events")
    @classmethod
    def _key_events(cls, key_events: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, types in key_events.items():
            if not types:
                raise ValueError(f"{name}: lists no event types")
            distinct(types)
        return key_events

    @field_validator("touch_event_types")
    @classmethod
    def _touchesdistinct(cls, types: list[str]) -> list[str]:
        return distinct(types)

    @model_validator(mode="after")
    def _consistent(self) -> "AnalyticsConfig":
        for name, types in self.key_events.items():
            both = sorted(set(types) & set(self.touch_event_types))
            if both:  # a purchase crediting the next purchase would be circular
                raise ValueError(f"event type(s) {both} are both a touch and key event {name!r}")
        if self.kpis.key_event not in self.key_events:
            raise ValueError(f"kpis.key_event {self.kpis.key_event!r} is not one of the key_events "
                             f"{list(self.key_events)}")
        return self

    def conversion_event_types(self) -> list[str]:
        return sorted({t for types in self.key_events.values() for t in types})


def load_analytics_config(path: str | Path | None = None) -> AnalyticsConfig:
    """Read an analytics YAML (default: the bundled one); errors name the file and the offending field.
    With `extends`, the `attribution` and `kpis` sections merge key by key."""
    return load_yaml_config(AnalyticsConfig, path, package=__package__, default_file="default_analytics.yaml",
                            what="analytics", merge=merge_sections("attribution", "kpis"))
