"""The e-mail service provider: subscriber list (CSV) and campaign events (Parquet)."""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import (
    ANCHOR_S, DAY_S, date_s, iso_seconds, none_where, rng_for, uniform_ts,
)
from customer_unification.lib.demo.data.places import CATEGORIES
from customer_unification.lib.demo.noise import case_noise, email_noise, nickname
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems import webshop
from customer_unification.lib.demo.systems.base import (
    MISSING_KEY, add_duplicates, members, plant, SourceOutput,
)

N_CAMPAIGNS = 120


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "email_subscribers")
    has_email = np.array([e is not None for e in pop.email])
    persons = members(rng, pop, 0.33, has_email)
    k = len(persons)
    sub_ts = uniform_ts(rng, date_s("2016-01-01"), ANCHOR_S - 10 * DAY_S, k)
    order = np.argsort(sub_ts, kind="stable")
    persons, sub_ts = persons[order], sub_ts[order]
    unsub = rng.random(k) < 0.15
    changed = np.where(unsub, uniform_ts(rng, sub_ts, ANCHOR_S), sub_ts)
    email, domain_typo = email_noise(pop.email[persons], rng, upper=0.06, title=0.04, spaces=0.05,
                                     domain_typo=0.015)
    first = nickname(pop.first[persons], rng, 0.15)
    first = case_noise(first, rng, 0.05, 0.2)
    first = none_where(first, (rng.random(k) < 0.3) & ~domain_typo)  # typo addresses keep a name
    frame = pd.DataFrame({
        "subscriber_id": np.char.add("ES", np.char.zfill(np.arange(1, k + 1).astype(str), 8)).astype(object),
        "email": email,
        "first_name": first,
        "subscribed_at": (sub_ts * 1000 + rng.integers(0, 1000, k)).astype(str),
        "status": np.where(unsub, "unsubscribed", "subscribed").astype(object),
        "status_changed_at": iso_seconds(changed, suffix="Z"),
    })
    defect = np.full(k, "", dtype=object)
    frame.loc[plant(rng, defect, 0.002, MISSING_KEY), "subscriber_id"] = None
    sframe, spersons, sdefect = add_duplicates(frame, persons, defect, rng, 0.002)
    subs = SourceOutput("email_subscribers", "csv", "esp/subscribers.csv", sframe, spersons,
                        ["subscriber_id"], sdefect, {"delimiter": ",", "encoding": "utf-8"})

    # campaign events for deliverable, subscribed addresses (mail to typo domains bounces)
    rng_e = rng_for(seed, "email_events")
    live = np.flatnonzero(~unsub & ~domain_typo)
    camp_ts = np.sort(rng_e.integers(date_s("2024-01-01"), ANCHOR_S - DAY_S, N_CAMPAIGNS))
    camp_cat = np.array(CATEGORIES, dtype=object)[rng_e.integers(0, len(CATEGORIES), N_CAMPAIGNS)]
    camp_id = np.array([f"CMP-{2024 + i * 3 // N_CAMPAIGNS}-{i:03d}" for i in range(N_CAMPAIGNS)], dtype=object)
    sends = np.repeat(live, rng_e.poisson(0.6, len(live)))
    camp = rng_e.integers(0, N_CAMPAIGNS, len(sends))
    camp = np.maximum(camp, np.searchsorted(camp_ts, sub_ts[sends]))  # only after subscribing
    keep = camp < N_CAMPAIGNS
    sends, camp = sends[keep], camp[keep]
    send_ts = camp_ts[camp] + rng_e.integers(0, 3600, len(sends))
    opened = rng_e.random(len(sends)) < 0.4
    clicked = opened & (rng_e.random(len(sends)) < 0.25)
    open_ts = send_ts + rng_e.integers(60, 3 * DAY_S, len(sends))
    click_ts = open_ts + rng_e.integers(5, 600, len(sends))
    sends, camp, send_ts, opened, clicked, open_ts, click_ts = _with_nudges(
        pop, seed, persons, sub_ts, live, camp_ts, (sends, camp, send_ts, opened, clicked, open_ts, click_ts))
    rows = np.r_[sends, sends[opened], sends[clicked]]
    rc = np.r_[camp, camp[opened], camp[clicked]]
    ev = np.r_[np.full(len(sends), "send"), np.full(int(opened.sum()), "open"), np.full(int(clicked.sum()), "click")]
    ets = np.r_[send_ts, open_ts[opened], click_ts[clicked]]
    ets = np.minimum(ets, ANCHOR_S - 1)
    order = np.lexsort((ev, ets))
    rows, rc, ev, ets = rows[order], rc[order], ev[order], ets[order]
    clean = pd.Series(pop.email[persons[rows]]).to_numpy(dtype=object)  # the ESP stores it normalised
    events = pd.DataFrame({
        "event_id": np.char.add("EE", np.char.zfill(np.arange(1, len(rows) + 1).astype(str), 9)).astype(object),
        "email": clean,
        "campaign_id": camp_id[rc],
        "event": ev.astype(object),
        "ts": pd.to_datetime(ets * 1000, unit="ms", utc=True),
        "product_category": camp_cat[rc],
    })
    ev_out = SourceOutput("email_events", "parquet", "esp/email_events.parquet", events, persons[rows],
                          ["event_id"], np.full(len(rows), "", dtype=object))
    return [subs, ev_out]


def _with_nudges(pop: Population, seed: int, persons: np.ndarray, sub_ts: np.ndarray, live: np.ndarray,
                 camp_ts: np.ndarray, events: tuple) -> tuple:
    """Campaigns that worked: about a third of the web orders of live subscribers follow a campaign
    mail the buyer opened (and mostly clicked) one to five days earlier, so attribution has
    something to find. Own random stream: the other e-mail events stay as they were."""
    rng = rng_for(seed, "email_nudges")
    _, buyers, order_ts = webshop.order_schedule(pop, seed)
    subscriber_of = np.full(pop.n, -1)
    subscriber_of[persons[live]] = live
    sub = subscriber_of[buyers]
    nudged = (sub >= 0) & (rng.random(len(buyers)) < 0.35)
    sub, order_ts = sub[nudged], order_ts[nudged]
    open_ts = order_ts - rng.integers(DAY_S, 5 * DAY_S, len(sub))
    send_ts = open_ts - rng.integers(600, DAY_S, len(sub))
    camp = np.searchsorted(camp_ts, send_ts, side="right") - 1  # the latest campaign sent by then
    keep = (camp >= 0) & (send_ts > sub_ts[sub])
    sub, camp, send_ts, open_ts = sub[keep], camp[keep], send_ts[keep], open_ts[keep]
    clicked = rng.random(len(sub)) < 0.7
    click_ts = open_ts + rng.integers(5, 600, len(sub))
    # half of them had opened the campaign before it too: paths of several touches and campaigns
    earlier = (camp > 0) & (rng.random(len(sub)) < 0.5)
    e_send = camp_ts[camp[earlier] - 1] + rng.integers(0, 3600, int(earlier.sum()))
    e_open = np.minimum(e_send + rng.integers(600, 2 * DAY_S, len(e_send)), open_ts[earlier] - 60)
    sub, camp = np.r_[sub, sub[earlier]], np.r_[camp, camp[earlier] - 1]
    send_ts, open_ts = np.r_[send_ts, e_send], np.r_[open_ts, e_open]
    clicked, click_ts = np.r_[clicked, np.zeros(len(e_send), bool)], np.r_[click_ts, e_open]
    sends, camps, sends_ts, opened, clicks, opens_ts, clicks_ts = events
    return (np.r_[sends, sub], np.r_[camps, camp], np.r_[sends_ts, send_ts], np.r_[opened, np.ones(len(sub), bool)],
            np.r_[clicks, clicked], np.r_[opens_ts, open_ts], np.r_[clicks_ts, click_ts])
