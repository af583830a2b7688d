"""The landing zone: a folder per source where new files arrive (see zone.py)."""

from customer_unification.lib.landing.zone import (
    Delivery,
    LandingZone,
    Verdict,
)

__all__ = ["Delivery", "LandingZone", "Verdict"]
