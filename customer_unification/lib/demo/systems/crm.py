"""crm_contacts: the CRM export (CSV). Most trusted; stale addresses for people who moved."""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import (
    ANCHOR_S, DAY_S, choice_w, date_s, fmt_date, iso_seconds, none_where, rng_for, uniform_ts,
)
from customer_unification.lib.demo.formats import format_phone, street_line, zip5
from customer_unification.lib.demo.noise import case_noise, email_noise, fold_some, nickname, typo
from customer_unification.lib.demo.population import CITY_NAME, CITY_STATE, Population
from customer_unification.lib.demo.systems.base import (
    IMPOSSIBLE_DATE, MISSING_KEY, add_duplicates, adult_since_s, impossible_dates, members, plant, seq_ids,
    SourceOutput,
)


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "crm_contacts")
    who = members(rng, pop, 0.60)
    second = who[rng.random(len(who)) < 0.03]  # the same person entered twice
    persons = np.r_[who, second]
    is_second = np.r_[np.zeros(len(who), bool), np.ones(len(second), bool)]
    k = len(persons)

    created = uniform_ts(rng, date_s("2012-01-01"), ANCHOR_S - 30 * DAY_S, k)
    created = np.maximum(created, adult_since_s(pop, persons) + rng.integers(0, 400, k) * DAY_S)
    created = np.minimum(created, ANCHOR_S - 2 * DAY_S)
    updated = uniform_ts(rng, created, ANCHOR_S)
    moved, ms = pop.moved[persons], pop.move_s[persons]
    stale = moved & (rng.random(k) < 0.65)  # not updated since the move: old address
    created = np.where(stale, np.minimum(created, ms - 40 * DAY_S), created)
    updated = np.where(stale, uniform_ts(rng, created, ms - DAY_S), updated)
    updated = np.where(moved & ~stale, uniform_ts(rng, np.maximum(ms, created), ANCHOR_S), updated)
    order = np.argsort(created, kind="stable")
    persons, is_second, created, updated, stale = (a[order] for a in (persons, is_second, created, updated, stale))
    addr = np.where(stale, pop.prev_addr[persons], pop.cur_addr[persons])

    first = nickname(pop.first[persons], rng, 0.06)
    first = typo(fold_some(case_noise(first, rng, 0.03, 0.03), rng, 0.5), rng, 0.015)
    maiden = pop.maiden[persons]
    use_maiden = (maiden != None) & (rng.random(k) < np.where(is_second, 0.5, 0.25))  # noqa: E711
    last = np.where(use_maiden, maiden, pop.last[persons])
    last = typo(fold_some(case_noise(last, rng, 0.03, 0.03), rng, 0.5), rng, 0.015)

    email = pop.email[persons]
    email = none_where(email, rng.random(k) < np.where(is_second, 0.4, 0.05))
    email, _ = email_noise(email, rng, upper=0.03, title=0.02, spaces=0.01)
    phone_num = np.where(rng.random(k) < 0.85, pop.phone[persons], 0)
    phone = format_phone(phone_num, choice_w(rng, ["paren", "dash", "dot", "digits", "space", "one_dash"],
                                             [40, 30, 10, 10, 5, 5], k))
    no_contact = (email == None) & (phone == None)  # noqa: E711
    has_dob = (rng.random(k) < 0.85) | no_contact
    dob = none_where(fmt_date(pop.dob[persons], "%m/%d/%Y"), ~has_dob)

    street = street_line(pop.addr, addr, choice_w(rng, [0, 1, 2], [60, 30, 10], k))
    street = case_noise(street, rng, 0.05, 0.0)
    city = pop.addr["city"][addr]
    frame = pd.DataFrame({
        "contact_id": seq_ids("C", k, 1_000_001, 7),
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "birth_date": dob,
        "street": street,
        "city": case_noise(CITY_NAME[city], rng, 0.04, 0.02),
        "state": CITY_STATE[city],
        "zip": zip5(pop.addr["zip"][addr]),
        "country": choice_w(rng, ["US", "USA", "United States"], [60, 25, 15], k),
        "email_opt_in": choice_w(rng, ["Y", "N", "y", "yes", "no", None], [45, 30, 5, 5, 5, 10], k),
        "sms_opt_in": choice_w(rng, ["true", "false", "TRUE", "FALSE", None], [30, 40, 5, 5, 20], k),
        "created_at": iso_seconds(created, suffix="Z"),
        "updated_at": iso_seconds(updated, suffix="Z"),
    })
    defect = np.full(k, "", dtype=object)
    bad_date = plant(rng, defect, 0.003, IMPOSSIBLE_DATE, has_dob & ((email != None) | (phone != None)))  # noqa: E711
    frame.loc[bad_date, "birth_date"] = impossible_dates(int(bad_date.sum()), rng, "%m/%d/%Y",
                                                         pop.dob[persons[bad_date]].astype("datetime64[Y]").astype(int) + 1970)
    frame.loc[plant(rng, defect, 0.003, MISSING_KEY), "contact_id"] = None
    frame, persons, defect = add_duplicates(frame, persons, defect, rng, 0.002)
    return [SourceOutput("crm_contacts", "csv", "crm/contacts.csv", frame, persons, ["contact_id"], defect,
                         {"delimiter": ",", "encoding": "utf-8"})]
