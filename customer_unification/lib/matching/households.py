"""A third class for the model: non-matches that share what a household shares.

Fellegi-Sunter multiplies each field's evidence as if the fields were independent. Among
unrelated records they are; among people who live together they are not: two members of one
household agree on the street, the postcode, the city, often the surname and the landline,
and a model that counts each agreement against random pairs finds ~30 bits for a match where
there is one fact (they live together). A sparse record (a name and an address, no birth date)
then joins a household member whose first name differs.

So the candidate pairs are modelled as a mixture of three classes: matches (m), random
non-matches (u, from random pairs), and a household class whose agreement rates h are learnt by
EM on the candidates themselves. What a household does not share - the fields of UNSHARED_KINDS -
is as unrelated within it as between strangers (h = u there), which is what tells its members
from one person. The match weight is then the evidence for a match against both alternatives,
-log2(2^-w_random + 2^-w_household). On data without households the class stays small and the
weight is the usual one; nothing in it is fixed to one estate but the kinds it reads.
"""

from dataclasses import replace

import numpy as np

from customer_unification.lib.matching.em import _FLOOR, FittedModel, log_likelihood

# What one person has and the people they live with do not: a first name (and a handle or email
# spelling it), a birth date, and a generation (the father "Sr", the son "Jr").
UNSHARED_KINDS = ("first_name", "date_of_birth", "handle_name", "email_name", "handle_first_name", "email_first_name",
                  "generation")


def fit_households(patterns: np.ndarray, counts: np.ndarray, model: FittedModel, shared: list[bool], *,
                   max_iterations: int = 100, tolerance: float = 1e-6) -> FittedModel:
    """EM for the household class with m and u held: h where `shared[c]`, h = u elsewhere, and the
    three class shares. Returns a copy of `model` with `h`, `household_share` and `match_share`
    (shares of `counts`, the candidate pairs)."""
    patterns = np.asarray(patterns, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.float64)
    present = patterns >= 0
    index = np.where(present, patterns, 0)
    # start: a household agrees like one person on what it shares
    h = [np.array(m, dtype=float) if s else np.array(u, dtype=float) for m, u, s in zip(model.m, model.u, shared)]
    log_m, log_u = log_likelihood(model.m, present, index), log_likelihood(model.u, present, index)
    share_m, share_h = model.match_share, min(0.1, (1 - model.match_share) / 2)
    for _ in range(max_iterations):
        log_h = log_likelihood(h, present, index)
        joint = np.column_stack([np.log(share_m) + log_m, np.log(share_h) + log_h,
                                 np.log(max(1 - share_m - share_h, _FLOOR)) + log_u])
        joint -= joint.max(axis=1, keepdims=True)
        post = np.exp(joint)
        post /= post.sum(axis=1, keepdims=True)
        weighted = post * counts[:, None]
        new_m, new_h = (weighted[:, :2].sum(axis=0) / counts.sum()).clip(_FLOOR, 1 - 2 * _FLOOR)
        new = []
        for c, is_shared in enumerate(shared):
            if not is_shared:
                new.append(h[c])
                continue
            rows = present[:, c]
            freq = np.bincount(index[rows, c], weights=weighted[rows, 1], minlength=len(h[c]))
            new.append(np.maximum(freq / max(freq.sum(), _FLOOR), _FLOOR) if freq.sum() > 0 else h[c])
        delta = max([abs(new_m - share_m), abs(new_h - share_h)] +
                    [float(np.max(np.abs(a - b))) for a, b in zip(new, h)])
        h, share_m, share_h = new, float(new_m), float(new_h)
        if delta < tolerance:
            break
    return replace(model, h=h, household_share=share_h, match_share=share_m, history=list(model.history))
