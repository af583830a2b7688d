"""web_events: clickstream from the website and app (Parquet). E-mail appears only on logins.

Every cookie / device that appears has at least one login carrying its owner's e-mail.
"""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import ANCHOR_S, DAY_S, date_s, rng_for
from customer_unification.lib.demo.data.places import CATEGORIES
from customer_unification.lib.demo.noise import case_noise
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems.base import NO_IDENTIFIERS, members, plant, SourceOutput

HEX = np.array(list("0123456789abcdef"))


def _hex_ids(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    chars = HEX[rng.integers(0, 16, (n, width))]
    return np.array(["".join(r) for r in chars], dtype=object)


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "web_events")
    has_email = np.array([e is not None for e in pop.email])
    who = members(rng, pop, 0.09, has_email)
    n_cookies = 1 + (rng.random(len(who)) < 0.3)
    has_app = rng.random(len(who)) < 0.3
    n_cookies = np.where(has_app & (rng.random(len(who)) < 0.4), 0, n_cookies)
    # identifiers: (owner, platform)
    owner = np.r_[np.repeat(who, n_cookies), who[has_app]]
    is_app = np.r_[np.zeros(int(n_cookies.sum()), bool), np.ones(int(has_app.sum()), bool)]
    m = len(owner)
    ident = np.where(is_app, np.char.add("dev-", _hex_ids(rng, m, 20).astype(str)),
                     _hex_ids(rng, m, 16).astype(str)).astype(object)
    n_ev = 1 + rng.poisson(1.2, m)
    start = rng.integers(date_s("2024-01-01"), ANCHOR_S - 31 * DAY_S, m)
    e_ident = np.repeat(np.arange(m), n_ev)
    first_of = np.r_[0, np.cumsum(n_ev)[:-1]]
    k = len(e_ident)
    login_at = first_of + (rng.random(m) * n_ev).astype(int)
    kind = np.where(rng.random(k) < 0.78, 0, 1)  # page_view / add_to_cart
    kind[login_at] = 2
    ts = (start[e_ident] + rng.integers(0, 30 * DAY_S, k)) * 1000 + rng.integers(0, 1000, k)
    cat_i = rng.integers(0, len(CATEGORIES), k)
    cat = np.array(CATEGORIES, dtype=object)[cat_i]
    sku = np.char.add("SKU-", np.char.zfill(rng.integers(0, 1_000_000, k).astype(str), 6))
    page_kind = rng.integers(0, 3, k)
    page = np.select(
        [kind == 2, kind == 1, page_kind == 0, page_kind == 1],
        [np.full(k, "/account/login"), np.char.add("/cart/add?sku=", sku), np.full(k, "/"), np.char.add("/c/", cat.astype(str))],
        np.char.add("/p/", sku),
    ).astype(object)
    category = np.where((kind == 1) | ((kind == 0) & (page_kind > 0)), cat, None)
    persons = owner[e_ident]
    email = np.where(kind == 2, case_noise(pop.email[persons], rng, 0.03, 0.0), None)
    app = is_app[e_ident]
    order = np.argsort(ts, kind="stable")
    frame = pd.DataFrame({
        "event_id": np.char.add("WE", np.char.zfill(np.arange(1, k + 1).astype(str), 10)).astype(object),
        "cookie_id": np.where(app, None, ident[e_ident])[order],
        "device_id": np.where(app, ident[e_ident], None)[order],
        "ts": ts[order].astype(np.int64),
        "event": np.array(["page_view", "add_to_cart", "login"], dtype=object)[kind][order],
        "page": page[order],
        "product_category": category[order],
        "platform": np.where(app, "app", "web").astype(object)[order],
        "email": email[order],
    })
    persons = persons[order]
    defect = np.full(k, "", dtype=object)
    frame.loc[plant(rng, defect, 0.002, NO_IDENTIFIERS, (frame["event"] != "login").to_numpy()),
              ["cookie_id", "device_id"]] = None
    return [SourceOutput("web_events", "parquet", "web/events.parquet", frame, persons, ["event_id"], defect)]
