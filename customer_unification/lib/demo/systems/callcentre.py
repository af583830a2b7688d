"""call_centre_tickets: the helpdesk database (SQLite), caller names typed by agents."""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import ANCHOR_S, DAY_S, choice_w, date_s, fmt_date, rng_for, uniform_ts
from customer_unification.lib.demo.formats import format_phone
from customer_unification.lib.demo.noise import nickname, typo
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems.base import (
    IMPOSSIBLE_DATE, add_duplicates, impossible_dates, members, plant, repeat_counts, SourceOutput,
)

ISSUES = ["delivery", "refund", "product_fault", "billing", "account"]


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "call_centre_tickets")
    persons = repeat_counts(rng, members(rng, pop, 0.065, pop.phone > 0), 0.3)
    k = len(persons)
    ts = uniform_ts(rng, date_s("2019-06-01"), ANCHOR_S - DAY_S, k)
    order = np.argsort(ts, kind="stable")
    persons, ts = persons[order], ts[order]

    # the number the customer called from: own mobile, or the household landline
    mob, land = pop.mobile[persons], pop.landline[persons]
    from_land = (land > 0) & ((mob == 0) | (rng.random(k) < 0.3))
    num = np.where(from_land, land, mob)
    phone = format_phone(num, choice_w(rng, ["dash", "digits", "paren", "e164"], [40, 30, 20, 10], k))
    # agents use nicknames only when the caller is on their own mobile
    first = typo(nickname(pop.first[persons], rng, 0.12, eligible=~from_land), rng, 0.02)
    last = typo(pop.last[persons], rng, 0.02)
    title = np.where(pop.gender[persons] == "male", "Mr",
                     choice_w(rng, ["Mrs", "Ms", "Miss"], [50, 40, 10], k))
    title = np.where(rng.random(k) < 0.04, "Dr", title)
    base = pd.Series(first) + " " + pd.Series(last)
    style = choice_w(rng, [0, 1, 2, 3], [45, 25, 22, 8], k)
    caller = np.select(
        [style == 1, style == 2, style == 3],
        [pd.Series(title) + " " + base, base.str.lower(), base.str.upper()],
        base,
    ).astype(object)
    sat = np.where(rng.random(k) < 0.55, rng.choice([1, 2, 3, 4, 5], k, p=[.1, .1, .2, .3, .3]), 0)
    opened = fmt_date((ts // DAY_S).astype("datetime64[D]"), "%m/%d/%y").astype(object)
    frame = pd.DataFrame({
        "ticket_id": np.char.add("T-", np.char.zfill(np.arange(1, k + 1).astype(str), 7)).astype(object),
        "caller_name": caller,
        "phone": phone,
        "issue_type": choice_w(rng, ISSUES, [35, 20, 20, 15, 10], k).astype(object),
        "satisfaction": pd.array(np.where(sat > 0, sat, 0), dtype="Int64").astype(object),
        "opened": opened,
        "agent": np.char.add("agent", rng.integers(1, 40, k).astype(str)).astype(object),
    })
    frame.loc[sat == 0, "satisfaction"] = None
    defect = np.full(k, "", dtype=object)
    bad = plant(rng, defect, 0.003, IMPOSSIBLE_DATE)
    frame.loc[bad, "opened"] = impossible_dates(int(bad.sum()), rng, "%m/%d/%y",
                                                (ts[bad] // DAY_S).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
    frame, persons, defect = add_duplicates(frame, persons, defect, rng, 0.002)
    return [SourceOutput("call_centre_tickets", "sqlite", "callcentre/tickets.db", frame, persons, ["ticket_id"],
                         defect, {"table": "tickets"})]
