"""The loyalty system: members (semicolon CSV in latin-1) and their till transactions (Parquet)."""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import (
    ANCHOR_S, DAY_S, choice_w, date_s, fmt_date, none_where, rng_for, uniform_ts,
)
from customer_unification.lib.demo.data.places import CATEGORIES, CATEGORY_PRICE
from customer_unification.lib.demo.formats import format_phone, zip5
from customer_unification.lib.demo.noise import email_noise, fold_some, typo
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems.base import (
    IMPOSSIBLE_DATE, MISSING_KEY, NO_IDENTIFIERS, add_duplicates, adult_since_s, impossible_dates, members,
    plant, SourceOutput,
)


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "loyalty_members")
    persons = members(rng, pop, 0.25)
    k = len(persons)
    joined = uniform_ts(rng, date_s("2010-03-01"), ANCHOR_S - 5 * DAY_S, k)
    joined = np.minimum(np.maximum(joined, adult_since_s(pop, persons) + rng.integers(0, 300, k) * DAY_S),
                        ANCHOR_S - 2 * DAY_S)
    order = np.argsort(joined, kind="stable")
    persons, joined = persons[order], joined[order]
    card = np.char.add("7788", np.char.zfill(rng.choice(10**9, size=k, replace=False).astype(str), 12)).astype(object)

    maiden = pop.maiden[persons]
    last = np.where((maiden != None) & (rng.random(k) < 0.6), maiden, pop.last[persons])  # noqa: E711
    last = typo(last, rng, 0.01)
    last_up = rng.random(k) < 0.7
    last_txt = np.where(last_up, pd.Series(last).str.upper().to_numpy(dtype=object), last)
    first = typo(fold_some(pop.first[persons], rng, 0.15), rng, 0.01)
    name = (pd.Series(last_txt) + ", " + pd.Series(first)).to_numpy(dtype=object)

    phone_num = np.where(rng.random(k) < 0.92, pop.phone[persons], 0)
    phone = format_phone(phone_num, choice_w(
        rng, ["intl_space", "idd00", "paren", "digits", "dash", "e164", "paren_intl"], [20, 3, 25, 20, 17, 10, 5], k))
    email = pop.email[persons]
    email = none_where(email, (rng.random(k) >= 0.5) & (phone_num > 0))
    email, _ = email_noise(email, rng, upper=0.05, spaces=0.02, domain_typo=0.01)
    # the postcode given at joining; members who moved later rarely update it
    addr = pop.address_at(persons, joined)
    addr = np.where(rng.random(k) < 0.2, pop.cur_addr[persons], addr)

    frame = pd.DataFrame({
        "card_number": card,
        "member_name": name,
        "birth_date": fmt_date(pop.dob[persons], "%d/%m/%Y"),
        "phone": phone,
        "email": email,
        "postcode": zip5(pop.addr["zip"][addr]),
        "joined": fmt_date((joined // DAY_S).astype("datetime64[D]"), "%d/%m/%Y"),
        "tier": choice_w(rng, ["Bronze", "Silver", "Gold", "Platinum"], [60, 25, 12, 3], k),
    })
    defect = np.full(k, "", dtype=object)
    bad_date = plant(rng, defect, 0.003, IMPOSSIBLE_DATE)
    frame.loc[bad_date, "birth_date"] = impossible_dates(int(bad_date.sum()), rng, "%d/%m/%Y",
                                                         pop.dob[persons[bad_date]].astype("datetime64[Y]").astype(int) + 1970)
    no_key = plant(rng, defect, 0.003, MISSING_KEY)
    frame.loc[no_key, "card_number"] = None
    mframe, mpersons, mdefect = add_duplicates(frame, persons, defect, rng, 0.002)
    members_out = SourceOutput("loyalty_members", "csv", "loyalty/members.csv", mframe, mpersons,
                               ["card_number"], mdefect, {"delimiter": ";", "encoding": "latin-1"})

    # till transactions: only cards that exist in the member file can be linked
    rng_t = rng_for(seed, "pos_transactions")
    valid = ~no_key
    owners = np.repeat(np.flatnonzero(valid), rng_t.poisson(1.1, int(valid.sum())))
    t = len(owners)
    lo = np.maximum(joined[owners], date_s("2024-01-01"))
    ts = uniform_ts(rng_t, lo, ANCHOR_S - 3600)
    order = np.argsort(ts, kind="stable")
    owners, ts = owners[order], ts[order]
    cat_i = rng_t.integers(0, len(CATEGORIES), t)
    base = np.array([CATEGORY_PRICE[c] for c in CATEGORIES])[cat_i]
    amount = np.round(base * rng_t.uniform(0.3, 3.0, t), 2)
    txn_card = card[owners].copy()
    tdefect = np.full(t, "", dtype=object)
    txn_card[plant(rng_t, tdefect, 0.003, NO_IDENTIFIERS)] = None  # card not captured at the till
    pos = pd.DataFrame({
        "txn_id": np.char.add("TX", np.char.zfill(np.arange(1, t + 1).astype(str), 10)).astype(object),
        "card_number": txn_card,
        "store_id": np.char.add("S", np.char.zfill(rng_t.integers(1, 61, t).astype(str), 3)).astype(object),
        "ts": ts.astype(np.int64),
        "amount": amount,
        "category": np.array(CATEGORIES, dtype=object)[cat_i],
    })
    pos_out = SourceOutput("pos_transactions", "parquet", "loyalty/pos_transactions.parquet", pos,
                           persons[owners], ["txn_id"], tdefect)
    return [members_out, pos_out]
