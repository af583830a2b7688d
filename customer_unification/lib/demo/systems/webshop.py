"""webshop_orders: the e-commerce platform's order export (JSON lines, one file per year)."""

import json

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import ANCHOR_S, choice_w, date_s, iso_seconds, rng_for, uniform_ts
from customer_unification.lib.demo.data.places import CATEGORIES, CATEGORY_PRICE
from customer_unification.lib.demo.formats import format_phone, street_line, unit_text, zip5
from customer_unification.lib.demo.noise import case_noise, email_noise, nickname, typo
from customer_unification.lib.demo.population import CITY_NAME, CITY_OFFSET, CITY_STATE, Population
from customer_unification.lib.demo.systems.base import (
    IMPOSSIBLE_DATE, MISSING_KEY, add_duplicates, members, plant, repeat_counts, SourceOutput,
)

CAT = np.array(CATEGORIES, dtype=object)
CAT_PRICE = np.array([CATEGORY_PRICE[c] for c in CATEGORIES], dtype=float)


def order_schedule(pop: Population, seed: int) -> tuple[np.random.Generator, np.ndarray, np.ndarray]:
    """Who orders when (sorted by time), and the stream positioned after those draws: the e-mail
    provider reads the same schedule to time its campaign nudges before some of the orders."""
    rng = rng_for(seed, "webshop_orders")
    has_email = np.array([e is not None for e in pop.email])
    persons = repeat_counts(rng, members(rng, pop, 0.26, has_email), 0.7)
    ts = uniform_ts(rng, date_s("2024-01-01"), ANCHOR_S - 3600, len(persons))
    order = np.argsort(ts, kind="stable")
    return rng, persons[order], ts[order]


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng, persons, ts = order_schedule(pop, seed)
    k = len(persons)

    guest = rng.random(k) < 0.35
    phone_num = pop.phone[persons]
    work = pop.work_email[persons]
    use_work = guest & (work != None) & (phone_num > 0) & (rng.random(k) < 0.6)  # noqa: E711
    email = np.where(use_work, work, pop.email[persons])
    email, _ = email_noise(email, rng, upper=0.02, title=0.01, spaces=0.005)
    phone_num = np.where(use_work | (rng.random(k) < 0.55), phone_num, 0)
    phone = format_phone(phone_num, choice_w(rng, ["e164", "paren", "dash", "digits"], [50, 20, 20, 10], k))
    first = typo(case_noise(nickname(pop.first[persons], rng, 0.04), rng, 0.0, 0.03), rng, 0.01)
    last = typo(case_noise(pop.last[persons], rng, 0.0, 0.03), rng, 0.01)

    # ship to: the buyer, or (gift) another member of the household, at the address valid then
    size, pos = pop.hh_size[persons], pop.hh_pos[persons]
    gift = (size > 1) & (rng.random(k) < 0.08)
    recipient = np.where(gift, persons - pos + (pos + 1) % size, persons)
    addr = pop.address_at(persons, ts)
    style = choice_w(rng, [0, 1, 2], [70, 20, 10], k)
    split_unit = rng.random(k) < 0.5
    line1 = street_line(pop.addr, addr, style, with_unit=~split_unit)
    line2 = unit_text(pop.addr, addr, style)
    line2 = np.where(split_unit & (line2 != ""), line2, None)
    ship_name = pd.Series(pop.first[recipient]) + " " + pd.Series(pop.last[recipient])
    city = pop.addr["city"][addr]
    zipc = zip5(pop.addr["zip"][addr])
    plus4 = rng.random(k) < 0.05
    zipc = np.where(plus4, np.char.add(np.char.add(zipc, "-"), np.char.zfill(rng.integers(1, 9999, k).astype(str), 4)), zipc)
    created = iso_seconds(ts, CITY_OFFSET[city])

    # items
    n_items = rng.choice([1, 2, 3, 4], size=k, p=[0.5, 0.3, 0.15, 0.05])
    m = int(n_items.sum())
    cat_i = rng.integers(0, len(CAT), m)
    price = np.round(CAT_PRICE[cat_i] * rng.uniform(0.4, 1.8, m), 0) - 0.01
    qty = rng.choice([1, 1, 1, 2, 3], size=m)
    sku = np.char.add("SKU-", np.char.zfill(rng.integers(0, 1_000_000, m).astype(str), 6))
    bounds = np.r_[0, np.cumsum(n_items)]
    line_total = price * qty
    totals = np.round(np.add.reduceat(line_total, bounds[:-1]), 2)

    order_id = np.char.add("WS-", (100_000 + np.arange(k)).astype(str)).astype(object)
    defect = np.full(k, "", dtype=object)
    order_id[plant(rng, defect, 0.003, MISSING_KEY)] = None
    bad_ts = plant(rng, defect, 0.002, IMPOSSIBLE_DATE)
    created = created.astype(object)
    for i in np.flatnonzero(bad_ts):
        created[i] = created[i][:4] + "-02-30" + created[i][10:]

    lines = []
    cat_l, sku_l, price_l, qty_l = CAT[cat_i].tolist(), sku.tolist(), price.tolist(), qty.tolist()
    for i in range(k):
        lo, hi = bounds[i], bounds[i + 1]
        rec = {
            "order_id": order_id[i],
            "created_at": created[i],
            "guest": bool(guest[i]),
            "customer": {"email": email[i], "first_name": first[i], "last_name": last[i], "phone": phone[i]},
            "ship_to": {"name": ship_name[i], "line1": line1[i], "line2": line2[i], "city": CITY_NAME[city[i]],
                        "state": CITY_STATE[city[i]], "zip": zipc[i], "country": "US"},
            "items": [{"sku": sku_l[j], "category": cat_l[j], "price": round(price_l[j], 2), "qty": qty_l[j]}
                      for j in range(lo, hi)],
            "total": float(totals[i]),
            "currency": "USD",
        }
        lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    year = np.array([c[:4] for c in created], dtype=object)
    frame = pd.DataFrame({"order_id": order_id, "_line": lines,
                          "_file": "webshop/orders_" + pd.Series(year) + ".jsonl"})
    frame, persons, defect = add_duplicates(frame, persons, defect, rng, 0.002)
    by_file = np.argsort(frame["_file"].to_numpy(dtype=str), kind="stable")  # reading order
    frame, persons, defect = frame.iloc[by_file].reset_index(drop=True), persons[by_file], defect[by_file]
    return [SourceOutput("webshop_orders", "jsonl", "webshop/orders_*.jsonl", frame, persons, ["order_id"], defect)]
