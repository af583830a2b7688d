"""Identity explanations (lib/matching/explain.py) safe for logs and metadata: record keys masked.

A record key can be made of personal fields (name | street | ZIP), so the two records of a pair
and the records of a customer's links are shown masked; levels, rules and weights carry no values.
"""

import dataclasses

import pandas as pd

from customer_unification.lib.quality.masking import mask_record_key


def masked_pair_lines(explanation) -> list[str]:
    """The CLI's explanation of a pair (verdict, rules, per-field weight chart), keys masked."""
    return dataclasses.replace(explanation, left=mask_record_key(explanation.left),
                               right=mask_record_key(explanation.right)).lines()


def masked_links(links: pd.DataFrame) -> pd.DataFrame:
    """A customer's links (explain_customer) with both record keys masked."""
    out = links.copy()
    for column in ("left_record", "right_record"):
        out[column] = out[column].map(mask_record_key)
    return out
