"""Stable customer ids across identity-resolution runs.

Cluster labels are renumbered on every run, so ids are carried over by record overlap with the
previous run's assignments: an old id follows the majority of its records, at most one old id
survives per new cluster, and every change (merge, split, new or vanished customer) gets a lineage
row so downstream systems can re-key their data.

Lineage reasons: 'merged' (old id -> the surviving id of its cluster), 'split' (old id -> the id of a
cluster that got some of its records but not the id: a minted one, or another kept id),
'created' (None -> new id, records = cluster size), 'retired' (old id -> None, records = its old
record count). Stats count lineage rows per reason, plus `kept` (clusters that kept an old id) and
`records_moved` (previously seen records whose id changed = records over merged and split rows).

The set logic runs in DuckDB: pandas has no vectorised string min per group, and joins, window
ranks and sha256 on 1M string keys are several times faster there. Python only loops over the
(rare) minted ids that collide.
"""

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

ID_PREFIX = "CU"
ID_HASH_CHARS = 14
LINEAGE_COLUMNS = ["run_id", "old_customer_id", "new_customer_id", "reason", "records"]
# Which of the given ids exist already: the ids beyond `previous` that a minted id must avoid.
KnownIds = Callable[[Collection[str]], set[str]]

_PER_CLUSTER_SQL = "SELECT c, min(key) AS min_key, count(*) AS size FROM records GROUP BY c"

# One row per (new cluster c, old id) sharing n records, flagged with the rule outcomes:
#   wins_id  - rule 1: c holds most of the id's records (tie: the c with the smallest record_key);
#   keeps_id - rule 2: of the ids c won, this one has most records in c (tie: smallest id).
# The tie-breaks make both rankings total, so the outcome never depends on input order.
_OVERLAP_SQL = """
WITH overlap AS (
    SELECT r.c, p.customer_id, count(*) AS n
    FROM records r JOIN previous p ON r.key = p.record_key
    GROUP BY ALL
), ranked AS (
    SELECT o.*, row_number() OVER (PARTITION BY o.customer_id ORDER BY o.n DESC, pc.min_key) = 1 AS wins_id
    FROM overlap o JOIN per_cluster pc USING (c)
)
SELECT c, customer_id, n, wins_id,
       wins_id AND row_number() OVER (PARTITION BY c, wins_id ORDER BY n DESC, customer_id) = 1 AS keeps_id
FROM ranked
"""

# Clusters that kept no old id mint one: `minted` is mint_id(min_key), in SQL. `seen`: some of their
# records had an id before (rule 4: then it is a split, not a creation). `clash`: the minted id is an
# old id (never reused, not even a retired one) or another minted id with a smaller key.
_TO_MINT_SQL = f"""
WITH to_mint AS (
    SELECT *, '{ID_PREFIX}' || upper(left(sha256(min_key), {ID_HASH_CHARS})) AS minted
    FROM per_cluster WHERE c NOT IN (SELECT c FROM overlap WHERE keeps_id)
)
SELECT c, min_key, size, minted,
       c IN (SELECT c FROM overlap) AS seen,
       minted IN (SELECT customer_id FROM previous)
           OR row_number() OVER (PARTITION BY minted ORDER BY min_key) > 1 AS clash
FROM to_mint
ORDER BY min_key
"""


@dataclass(frozen=True)
class StableIdResult:
    assignments: pd.DataFrame  # record_key, customer_id; one row per input record, input order and index
    lineage: pd.DataFrame  # run_id, old_customer_id, new_customer_id, reason, records
    stats: dict[str, int]  # kept, created, merged, split, retired, records_moved


def mint_id(key: str, attempt: int = 0) -> str:
    """The id a cluster mints from its smallest record_key: a pure function of the data, so a fresh
    full run reproduces it. `attempt` > 0 salts the key to step around a collision."""
    salted = key if attempt == 0 else f"{key}#{attempt}"
    return ID_PREFIX + hashlib.sha256(salted.encode()).hexdigest()[:ID_HASH_CHARS].upper()


def assign_stable_ids(clusters: pd.DataFrame, previous: pd.DataFrame | None, run_id: str,
                      known_ids: KnownIds | None = None) -> StableIdResult:
    """Give every cluster of `clusters` (record_key, cluster) a customer_id, reusing the ids of
    `previous` (record_key, customer_id: last run's assignments) where the cluster inherited them.

    `known_ids`: when `previous` holds only the customers some clusters overlap (an incremental
    run passes the touched ones), the lookup of all other existing ids, so none is minted again.
    """
    if previous is None:
        previous = pd.DataFrame({"record_key": pd.Series(dtype=object), "customer_id": pd.Series(dtype=object)})
    for frame, columns, name in [(clusters, {"record_key", "cluster"}, "clusters"),
                                 (previous, {"record_key", "customer_id"}, "previous")]:
        if missing := columns - set(frame.columns):
            raise ValueError(f"{name} lacks columns {sorted(missing)}")

    cluster_code, labels = pd.factorize(clusters["cluster"])  # dense 0..n-1: per-cluster data is an array
    if (cluster_code < 0).any():
        raise ValueError("clusters.cluster must not be null")
    with duckdb.connect(config={"preserve_insertion_order": False}) as con:  # private, in memory; order
        # is not needed (every result that is returned in order says ORDER BY) and costs time.
        con.register("records_in", pd.DataFrame({"c": cluster_code, "key": clusters["record_key"].to_numpy()}))
        con.register("previous_in", previous)
        # Copy the frames in once: every scan of a pandas object column converts its strings again.
        con.execute("CREATE TEMP TABLE records AS SELECT c, key::VARCHAR AS key FROM records_in")
        con.execute("CREATE TEMP TABLE previous AS"
                    " SELECT record_key::VARCHAR AS record_key, customer_id::VARCHAR AS customer_id FROM previous_in")
        _check_keys(con, "records", "key", "c", "clusters")
        _check_keys(con, "previous", "record_key", "customer_id", "previous")
        con.execute(f"CREATE TEMP TABLE per_cluster AS {_PER_CLUSTER_SQL}")
        con.execute(f"CREATE TEMP TABLE overlap AS {_OVERLAP_SQL}")
        kept = con.sql("SELECT c, customer_id FROM overlap WHERE keeps_id").df()
        # Lineage comes out ordered by data only (old id, then cluster's smallest key), not input order.
        changed = con.sql("SELECT c, customer_id, n, wins_id FROM overlap JOIN per_cluster USING (c)"
                          " WHERE NOT keeps_id ORDER BY customer_id, min_key").df()
        to_mint = con.sql(_TO_MINT_SQL).df()
        # Rule 5: old ids with no records left at all.
        retired = con.sql("SELECT customer_id, count(*) AS n FROM previous"
                          " WHERE customer_id NOT IN (SELECT customer_id FROM overlap) GROUP BY 1 ORDER BY 1").df()
        if known_ids is not None:
            to_mint["clash"] |= to_mint["minted"].isin(known_ids(to_mint["minted"]))
        _salt_clashes(con, to_mint, known_ids)

    ids = np.empty(len(labels), dtype=object)
    ids[kept["c"].to_numpy()] = kept["customer_id"].to_numpy(dtype=object)
    ids[to_mint["c"].to_numpy()] = to_mint["minted"].to_numpy(dtype=object)

    merged = changed[changed["wins_id"]]  # rule 2: ids that won a cluster whose bigger id survived
    # Rule 3: records an old id lost to other clusters. Besides the minted pieces this also covers
    # records that moved into a cluster keeping another id, so every re-keyed record is in lineage.
    split = changed[~changed["wins_id"]]
    created = to_mint[~to_mint["seen"]]  # rule 4

    lineage = pd.concat(
        [
            _lineage(run_id, merged["customer_id"], ids[merged["c"].to_numpy()], "merged", merged["n"]),
            _lineage(run_id, split["customer_id"], ids[split["c"].to_numpy()], "split", split["n"]),
            _lineage(run_id, None, created["minted"], "created", created["size"]),
            _lineage(run_id, retired["customer_id"], None, "retired", retired["n"]),
        ],
        ignore_index=True,
    )
    stats = {
        "kept": len(kept),  # rule 6: kept ids have no lineage row, only this count
        "created": len(created),
        "merged": len(merged),
        "split": len(split),
        "retired": len(retired),
        "records_moved": int(merged["n"].sum() + split["n"].sum()),
    }
    assignments = pd.DataFrame({"record_key": clusters["record_key"], "customer_id": ids[cluster_code]})
    return StableIdResult(assignments=assignments, lineage=lineage, stats=stats)


def _salt_clashes(con: duckdb.DuckDBPyConnection, to_mint: pd.DataFrame, known_ids: KnownIds | None) -> None:
    """Re-mint clashing ids in place as mint_id(key, 1), mint_id(key, 2) ... until the id is neither
    an old id nor minted by another cluster. Clashes are few (mostly split pieces holding the old
    cluster's smallest key), so this loops over them only, asking DuckDB about old ids once a round."""
    pending = list(to_mint.index[to_mint["clash"]])  # to_mint is in key order, which settles ties
    taken = set(to_mint.loc[~to_mint["clash"], "minted"])
    attempt = 0
    while pending:
        attempt += 1
        salted = {i: mint_id(to_mint.at[i, "min_key"], attempt) for i in pending}
        con.register("salted", pd.DataFrame({"id": list(salted.values())}, dtype=object))
        old = set(con.sql("SELECT id FROM salted WHERE id IN (SELECT customer_id FROM previous)").fetchnumpy()["id"])
        old |= known_ids(list(salted.values())) if known_ids is not None else set()
        pending = []
        for i, new_id in salted.items():
            if new_id in old or new_id in taken:
                pending.append(i)
            else:
                to_mint.at[i, "minted"] = new_id
                taken.add(new_id)


def _lineage(run_id: str, old: ArrayLike | None, new: ArrayLike | None, reason: str,
             records: ArrayLike) -> pd.DataFrame:
    counts = np.asarray(records, dtype="int64")

    def column(values: ArrayLike | None) -> np.ndarray:  # None stands for a whole column of None
        return np.full(len(counts), None, dtype=object) if values is None else np.asarray(values, dtype=object)

    return pd.DataFrame(
        {
            "run_id": np.full(len(counts), run_id, dtype=object),
            "old_customer_id": column(old),
            "new_customer_id": column(new),
            "reason": np.full(len(counts), reason, dtype=object),
            "records": counts,
        },
        columns=LINEAGE_COLUMNS,
    )


def _check_keys(con: duckdb.DuckDBPyConnection, table: str, key: str, value: str, name: str) -> None:
    # A duplicated key would be counted twice in the overlap and silently skew the votes.
    rows, keys, values = con.sql(f"SELECT count(*), count(DISTINCT {key}), count({value}) FROM {table}").fetchall()[0]
    if not rows == keys == values:
        raise ValueError(f"{name}: record_key must be unique and not null, and {value} not null")
