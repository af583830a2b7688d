"""social_followers: followers of the brand's social account (CSV). No e-mail, no phone.

Handles are built from the person's name and often birth year; a follower is only generated
when handle + display name + city single the person out in the population (else a careful
matcher could not link it, and nor can we expect it to).
"""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import ANCHOR_S, DAY_S, choice_w, date_s, iso_seconds, rng_for, uniform_ts
from customer_unification.lib.demo.noise import fold
from customer_unification.lib.demo.population import CITY_NAME, Population, _ascii_lower
from customer_unification.lib.demo.systems.base import SourceOutput, members


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "social_followers")
    first_l, last_l = _ascii_lower(pop.first), _ascii_lower(pop.last)
    city = pop.addr["city"][pop.cur_addr]
    year = pop.dob.astype("datetime64[Y]").astype(np.int64) + 1970
    full_key = pd.Series(first_l) + "|" + pd.Series(last_l) + "|" + pd.Series(city).astype(str)
    year_key = full_key + "|" + pd.Series(year).astype(str)
    full_unique = ~full_key.duplicated(keep=False).to_numpy()
    year_unique = ~year_key.duplicated(keep=False).to_numpy()
    persons = members(rng, pop, 0.09, year_unique)
    k = len(persons)
    f, l, yr = first_l[persons].astype(str), last_l[persons].astype(str), year[persons]
    pattern = choice_w(rng, [0, 1, 2, 3, 4], [35, 20, 15, 15, 15], k)
    pattern = np.where(~full_unique[persons] & (pattern >= 2), pattern % 2, pattern)  # need the year
    f0 = np.array([s[:1] for s in f])
    yy = np.char.zfill((yr % 100).astype(str), 2)
    digits = rng.integers(1, 999, k).astype(str)
    options = [cat3(f0, l, yr.astype(str)), cat3(f, l, yy), cat3(f, "_", l), cat3(f, "", digits), cat3(f, ".", l)]
    handle = np.select([pattern == i for i in range(5)], options, default="").astype(object)
    for _ in range(20):  # handles are unique on the platform
        dup = pd.Series(handle).duplicated().to_numpy()
        if not dup.any():
            break
        handle[dup] = np.char.add(handle[dup].astype(str), "_")
    handle = np.char.add("@", handle.astype(str)).astype(object)

    first, last = fold(pop.first[persons]), pop.last[persons]
    disp_style = choice_w(rng, [0, 1, 2, 3], [55, 15, 20, 10], k)
    disp_style = np.where((pattern == 3) & (disp_style >= 2), 0, disp_style)  # first+digits handles show the full name
    full = pd.Series(first) + " " + pd.Series(last)
    initial = pd.Series([s[:1] for s in last])
    display = np.select(
        [disp_style == 1, disp_style == 2, disp_style == 3],
        [full.str.lower(), (pd.Series(first) + " " + initial).str.lower(), pd.Series(first) + " " + initial + "."],
        full,
    ).astype(object)
    ts = uniform_ts(rng, date_s("2021-01-01"), ANCHOR_S - DAY_S, k)
    order = np.argsort(ts, kind="stable")
    frame = pd.DataFrame({
        "handle": handle[order],
        "display_name": display[order],
        "city": np.where(rng.random(k) < 0.2, pd.Series(CITY_NAME[city[persons]]).str.lower(),
                         CITY_NAME[city[persons]])[order].astype(object),
        "followed_at": iso_seconds(ts[order], suffix="Z"),
        "platform": np.full(k, "instagram", dtype=object),
    })
    return [SourceOutput("social_followers", "csv", "social/followers.csv", frame, persons[order], ["handle"],
                         np.full(k, "", dtype=object), {"delimiter": ",", "encoding": "utf-8"})]


def cat3(a, b, c):
    return np.char.add(np.char.add(np.asarray(a).astype(str), b), np.asarray(c).astype(str))
