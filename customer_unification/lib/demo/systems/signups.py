"""store_signups_sheet: a spreadsheet store staff keep by hand (XLSX).

Dates are a mix of real date cells, ISO text and US-style text (some truly ambiguous, e.g.
3/4/1990); names have typos; e-mails stray spaces; phones have words in them; blank rows and
pasted-twice rows occur.
"""

import datetime as dt

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import ANCHOR_S, DAY_S, choice_w, date_parts, date_s, rng_for, uniform_ts
from customer_unification.lib.demo.formats import format_phone
from customer_unification.lib.demo.noise import case_noise, email_noise, typo
from customer_unification.lib.demo.population import Population
from customer_unification.lib.demo.systems.base import (
    AMBIGUOUS_DATE, NO_IDENTIFIERS, add_duplicates, exact_pick, mark, members, plant, SourceOutput,
)

STORES = ["Downtown", "Mall of the Valley", "Airport", "Riverside", "Northgate", "Harbor Point", "Eastfield"]


def render(pop: Population, seed: int) -> list[SourceOutput]:
    rng = rng_for(seed, "store_signups_sheet")
    persons = members(rng, pop, 0.04)
    k = len(persons)
    ts = uniform_ts(rng, date_s("2023-03-01"), ANCHOR_S - DAY_S, k)
    order = np.argsort(ts, kind="stable")
    persons, ts = persons[order], ts[order]
    sdays = (ts // DAY_S).astype("datetime64[D]")

    name = pd.Series(typo(pop.first[persons], rng, 0.04)) + " " + pd.Series(typo(pop.last[persons], rng, 0.04))
    name = case_noise(name.to_numpy(dtype=object), rng, 0.05, 0.15)
    email = pop.email[persons].copy()
    email[rng.random(k) < 0.2] = None
    email, _ = email_noise(email, rng, upper=0.08, spaces=0.08, inner_space=0.03, domain_typo=0.01)
    has_phone = (rng.random(k) < 0.6) | (email == None)  # noqa: E711
    phone = format_phone(np.where(has_phone, pop.phone[persons], 0),
                         choice_w(rng, ["dash", "paren", "digits", "dot", "space"], [30, 25, 20, 15, 10], k))
    words = rng.random(k) < 0.1
    wkind = rng.integers(0, 4, k)
    for i in np.flatnonzero(words & (phone != None)):  # noqa: E711
        phone[i] = ("cell " + phone[i], phone[i] + " ext 2", "tel: " + phone[i], phone[i] + " (mobile)")[wkind[i]]

    # DOB: date cells (60%), ISO text (37%), US text like 3/4/1990 (3%; ambiguous when day <= 12)
    y, m, d = date_parts(pop.dob[persons])
    kind = np.where(rng.random(k) < 0.62, 0, 1)
    kind[exact_pick(rng, k, 0.03)] = 2
    dob = np.empty(k, dtype=object)
    for i in range(k):
        if kind[i] == 0:
            dob[i] = dt.date(int(y[i]), int(m[i]), int(d[i]))
        elif kind[i] == 1:
            dob[i] = f"{y[i]:04d}-{m[i]:02d}-{d[i]:02d}"
        else:
            dob[i] = f"{m[i]}/{d[i]}/{y[i]}"
    dob[(rng.random(k) < 0.1) & ((email != None) | (phone != None))] = None  # noqa: E711
    sy, sm, sd = date_parts(sdays)
    signup = np.array([dt.date(int(a), int(b), int(c)) if r < 0.75 else f"{a:04d}-{b:02d}-{c:02d}"
                       for a, b, c, r in zip(sy, sm, sd, rng.random(k))], dtype=object)
    frame = pd.DataFrame({
        "No.": np.arange(1, k + 1, dtype=np.int64).astype(object),
        "Date": signup,
        "Store": choice_w(rng, STORES, [25, 20, 10, 15, 10, 10, 10], k).astype(object),
        "Name": name,
        "Email": email,
        "Phone": phone,
        "DOB": dob,
        "Marketing OK?": choice_w(rng, ["Y", "yes", "N", "no", None], [40, 15, 20, 10, 15], k).astype(object),
    })
    defect = np.full(k, "", dtype=object)
    ambiguous = (kind == 2) & (d <= 12) & (m != d) & np.array([v is not None for v in dob])
    mark(defect, ambiguous, AMBIGUOUS_DATE)
    # someone started a row and gave up: no name, e-mail, phone, DOB
    frame.loc[plant(rng, defect, 0.004, NO_IDENTIFIERS), ["Name", "Email", "Phone", "DOB"]] = None
    frame, persons, defect = add_duplicates(frame, persons, defect, rng, 0.005)
    # blank rows (not records): person -1
    n = len(frame)
    blanks = np.flatnonzero(rng.random(n) < 0.01)
    if len(blanks):
        order = np.r_[np.arange(n, dtype=float), blanks - 0.5]
        empty = pd.DataFrame({c: [None] * len(blanks) for c in frame.columns})
        frame = pd.concat([frame, empty], ignore_index=True)
        persons = np.r_[persons, np.full(len(blanks), -1)]
        defect = np.r_[defect, np.full(len(blanks), "", dtype=object)]
        idx = np.argsort(order, kind="stable")
        frame, persons, defect = frame.iloc[idx].reset_index(drop=True), persons[idx], defect[idx]
    return [SourceOutput("store_signups_sheet", "xlsx", "stores/store_signups.xlsx", frame, persons, ["No."],
                         defect, {"sheet": "Signups"})]
