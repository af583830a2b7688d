"""The SMS platform: keyword opt-ins/outs (CSV) and link clicks (CSV)."""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import (
    ANCHOR_S, DAY_S, choice_w, date_s, iso_seconds, none_where, rng_for, uniform_ts,
)
from customer_unification.lib.demo.formats import PHONE_STYLES, format_phone
from customer_unification.lib.demo.noise import case_noise, nickname
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems.base import SourceOutput, add_duplicates, members

OPT_IN = ["JOIN", "START", "YES", "join", "Start"]
OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "stop", "Stop"]


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "sms_subscribers")
    persons = members(rng, pop, 0.12, pop.mobile > 0)
    k = len(persons)
    ts = uniform_ts(rng, date_s("2019-01-01"), ANCHOR_S - DAY_S, k)
    order = np.argsort(ts, kind="stable")
    persons, ts = persons[order], ts[order]
    styles = choice_w(rng, [s for s in PHONE_STYLES if s != "idd00"], [20, 15, 15, 10, 10, 15, 5, 5, 5, 5], k)
    stop = rng.random(k) < 0.18
    keyword = np.where(stop, choice_w(rng, OPT_OUT, [60, 5, 10, 15, 10], k), choice_w(rng, OPT_IN, [55, 15, 10, 15, 5], k))
    first = none_where(case_noise(nickname(pop.first[persons], rng, 0.1), rng, 0.05, 0.25), rng.random(k) < 0.5)
    frame = pd.DataFrame({
        "sub_id": np.char.add("SM", np.char.zfill(np.arange(1, k + 1).astype(str), 8)).astype(object),
        "phone": format_phone(pop.mobile[persons], styles),
        "first_name": first,
        "keyword": keyword.astype(object),
        "keyword_at": iso_seconds(ts, suffix="Z"),
    })
    defect = np.full(k, "", dtype=object)
    sframe, spersons, sdefect = add_duplicates(frame, persons, defect, rng, 0.003)
    subs = SourceOutput("sms_subscribers", "csv", "sms/subscribers.csv", sframe, spersons, ["sub_id"], sdefect,
                        {"delimiter": ",", "encoding": "utf-8"})

    rng_c = rng_for(seed, "sms_clicks")
    active = np.flatnonzero(~stop)
    rows = np.repeat(active, rng_c.poisson(0.6, len(active)))
    cts = uniform_ts(rng_c, np.maximum(ts[rows], date_s("2024-01-01")), ANCHOR_S - 60)
    order = np.argsort(cts, kind="stable")
    rows, cts = rows[order], cts[order]
    c = len(rows)
    clicks = pd.DataFrame({
        "click_id": np.char.add("CL", np.char.zfill(np.arange(1, c + 1).astype(str), 9)).astype(object),
        "phone": format_phone(pop.mobile[persons[rows]], "msisdn"),
        "campaign": np.char.add("SMS-", np.char.zfill(rng_c.integers(1, 80, c).astype(str), 3)).astype(object),
        "ts": iso_seconds(cts, suffix="Z"),
    })
    clk = SourceOutput("sms_clicks", "csv", "sms/clicks.csv", clicks, persons[rows], ["click_id"],
                       np.full(c, "", dtype=object), {"delimiter": ",", "encoding": "utf-8"})
    return [subs, clk]
