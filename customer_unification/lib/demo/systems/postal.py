"""postal_mailing_list: a bought-in/maintained mailing list (XLSX), upper-case postal style.

The key is composite (NAME, ADDRESS LINE 1, ZIP) -- such lists carry no ids. Some ZIPs are
number cells, so New England ZIPs lose their leading zero (02134 -> 2134).
"""

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import choice_w, rng_for
from customer_unification.lib.demo.formats import street_line, zip5
from customer_unification.lib.demo.noise import fold
from customer_unification.lib.demo.population import CITY_NAME, CITY_STATE, Population
from customer_unification.lib.demo.systems.base import SourceOutput, add_duplicates, members


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "postal_mailing_list")
    persons = members(rng, pop, 0.20)
    rng.shuffle(persons)
    persons = persons[np.argsort(pop.addr["zip"][pop.cur_addr[persons]], kind="stable")]  # lists come sorted by ZIP
    k = len(persons)
    addr = pop.cur_addr[persons]
    male = pop.gender[persons] == "male"
    married = (pop.maiden[persons] != None) | (pop.hh_pos[persons] == 1)  # noqa: E711
    title = np.where(male, "MR", np.where(married, "MRS", "MS"))
    title = np.where(rng.random(k) < 0.03, "DR", title)
    has_title = rng.random(k) < 0.6
    middle = pop.middle[persons]
    mi = np.array([(m[0] + " ") if isinstance(m, str) else "" for m in middle], dtype=object)
    mi = np.where(rng.random(k) < 0.7, mi, "")
    name = (pd.Series(np.where(has_title, np.char.add(title.astype(str), " "), "")) + pd.Series(fold(pop.first[persons]))
            + " " + pd.Series(mi) + pd.Series(fold(pop.last[persons]))).str.upper().to_numpy(dtype=object)
    line1 = pd.Series(fold(street_line(pop.addr, addr, choice_w(rng, [0, 1, 2], [50, 40, 10], k)))).str.upper()
    line1 = line1.str.replace(".", "", regex=False).to_numpy(dtype=object)
    z = zip5(pop.addr["zip"][addr])
    as_number = rng.random(k) < 0.35
    zip_cell = np.array([int(v) if n else v for v, n in zip(z, as_number)], dtype=object)
    city = pop.addr["city"][addr]
    frame = pd.DataFrame({
        "NAME": name,
        "ADDRESS LINE 1": line1,
        "CITY": pd.Series(fold(CITY_NAME[city])).str.upper().to_numpy(dtype=object),
        "STATE": CITY_STATE[city],
        "ZIP": zip_cell,
        "MAIL OPT OUT": choice_w(rng, ["N", "Y"], [88, 12], k).astype(object),
    })
    # the list's key must identify one person: drop later rows that would collide
    key = frame["NAME"] + "|" + frame["ADDRESS LINE 1"] + "|" + frame["ZIP"].astype(str)
    keep = ~key.duplicated().to_numpy()
    frame, persons = frame[keep].reset_index(drop=True), persons[keep]
    defect = np.full(len(frame), "", dtype=object)
    frame, persons, defect = add_duplicates(frame, persons, defect, rng, 0.003)
    return [SourceOutput("postal_mailing_list", "xlsx", "mail/mailing_list.xlsx", frame, persons,
                         ["NAME", "ADDRESS LINE 1", "ZIP"], defect, {"sheet": "Mailing List"})]
