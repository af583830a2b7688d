import hashlib

import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.matching.stable_ids import LINEAGE_COLUMNS, assign_stable_ids, mint_id


def clusters_of(*groups: list[str], labels: list[int] | None = None) -> pd.DataFrame:
    """One cluster per group of record keys; labels default to 0, 1, 2 ..."""
    labels = labels or list(range(len(groups)))
    rows = [(key, label) for group, label in zip(groups, labels) for key in group]
    return pd.DataFrame(rows, columns=["record_key", "cluster"]).astype({"cluster": "int64"})


def previous_of(**customers: list[str]) -> pd.DataFrame:
    """Assignments of a previous run: customer_id=[record keys]."""
    rows = [(key, customer) for customer, keys in customers.items() for key in keys]
    return pd.DataFrame(rows, columns=["record_key", "customer_id"])


def ids(result) -> dict[str, str]:
    return dict(zip(result.assignments["record_key"], result.assignments["customer_id"]))


def lineage_rows(result) -> set[tuple]:
    return set(result.lineage[["old_customer_id", "new_customer_id", "reason", "records"]]
               .itertuples(index=False, name=None))


def test_minted_id_is_cu_plus_14_upper_hex_of_sha256():
    assert mint_id("crm:42") == "CU" + hashlib.sha256(b"crm:42").hexdigest()[:14].upper()
    assert mint_id("crm:42", 2) == "CU" + hashlib.sha256(b"crm:42#2").hexdigest()[:14].upper()


def test_first_run_mints_an_id_per_cluster_from_its_smallest_key():
    result = assign_stable_ids(clusters_of(["b", "a"], ["c"]), None, "run-1")
    assert ids(result) == {"a": mint_id("a"), "b": mint_id("a"), "c": mint_id("c")}
    assert lineage_rows(result) == {(None, mint_id("a"), "created", 2), (None, mint_id("c"), "created", 1)}
    assert set(result.lineage["run_id"]) == {"run-1"}
    assert result.stats == {"kept": 0, "created": 2, "merged": 0, "split": 0, "retired": 0, "records_moved": 0}


def test_minting_in_duckdb_matches_mint_id_for_non_ascii_keys():
    result = assign_stable_ids(clusters_of(["crm:Zoë Ñúñez"], ["web:東京"]), None, "r")
    assert ids(result) == {"crm:Zoë Ñúñez": mint_id("crm:Zoë Ñúñez"), "web:東京": mint_id("web:東京")}


def test_first_run_is_deterministic_whatever_the_labels_and_order():
    first = assign_stable_ids(clusters_of(["a", "b"], ["c"], ["d", "e", "f"]), None, "r")
    again = assign_stable_ids(clusters_of(["f", "e", "d"], ["c"], ["b", "a"], labels=[70, 3, 12]), None, "r")
    assert ids(first) == ids(again)
    assert lineage_rows(first) == lineage_rows(again)


def test_unchanged_rerun_keeps_every_id_and_writes_no_lineage():
    first = assign_stable_ids(clusters_of(["a", "b"], ["c"], ["d", "e", "f"]), None, "r1")
    relabelled = clusters_of(["d", "e", "f"], ["a", "b"], ["c"], labels=[5, 9, 1])
    rerun = assign_stable_ids(relabelled, first.assignments, "r2")
    assert ids(rerun) == ids(first)
    assert rerun.lineage.empty
    assert list(rerun.lineage.columns) == LINEAGE_COLUMNS
    assert rerun.stats == {"kept": 3, "created": 0, "merged": 0, "split": 0, "retired": 0, "records_moved": 0}


def test_added_record_joining_a_cluster_takes_its_id():
    previous = previous_of(CU_A=["a1", "a2"], CU_B=["b1"])
    result = assign_stable_ids(clusters_of(["a1", "a2", "a0"], ["b1"]), previous, "r")
    # a0 sorts before a1, so the cluster's minted id would differ: the id really is carried over.
    assert ids(result) == {"a1": "CU_A", "a2": "CU_A", "a0": "CU_A", "b1": "CU_B"}
    assert result.lineage.empty
    assert result.stats["kept"] == 2


def test_merge_keeps_the_bigger_customers_id():
    previous = previous_of(CU_SMALL=["s1", "s2"], CU_BIG=["b1", "b2", "b3"])
    result = assign_stable_ids(clusters_of(["s1", "s2", "b1", "b2", "b3"]), previous, "r")
    assert set(ids(result).values()) == {"CU_BIG"}
    assert lineage_rows(result) == {("CU_SMALL", "CU_BIG", "merged", 2)}
    assert result.stats["merged"] == 1 and result.stats["kept"] == 1 and result.stats["records_moved"] == 2


def test_merge_of_equal_sizes_keeps_the_smallest_id():
    previous = previous_of(CU_2=["a", "b"], CU_1=["c", "d"])
    result = assign_stable_ids(clusters_of(["a", "b", "c", "d"]), previous, "r")
    assert set(ids(result).values()) == {"CU_1"}
    assert lineage_rows(result) == {("CU_2", "CU_1", "merged", 2)}


def test_split_keeps_the_id_in_the_bigger_part_and_mints_one_for_the_smaller():
    previous = previous_of(CU_OLD=["a", "b", "c", "d", "e"])
    result = assign_stable_ids(clusters_of(["a", "b"], ["c", "d", "e"]), previous, "r")
    assert ids(result) == {"a": mint_id("a"), "b": mint_id("a"), "c": "CU_OLD", "d": "CU_OLD", "e": "CU_OLD"}
    assert lineage_rows(result) == {("CU_OLD", mint_id("a"), "split", 2)}
    assert result.stats == {"kept": 1, "created": 0, "merged": 0, "split": 1, "retired": 0, "records_moved": 2}


def test_even_split_keeps_the_id_in_the_part_with_the_smallest_key():
    previous = previous_of(CU_OLD=["a", "b", "c", "d"])
    for order in (clusters_of(["a", "b"], ["c", "d"]), clusters_of(["d", "c"], ["b", "a"], labels=[0, 1])):
        result = assign_stable_ids(order, previous, "r")
        assert ids(result)["a"] == "CU_OLD" and ids(result)["c"] == mint_id("c")


def test_split_piece_with_new_records_is_a_split_not_a_creation():
    previous = previous_of(CU_OLD=["a", "b", "c"])
    result = assign_stable_ids(clusters_of(["b", "c"], ["a", "new1", "new2"]), previous, "r")
    assert ids(result)["b"] == "CU_OLD"
    assert lineage_rows(result) == {("CU_OLD", mint_id("a"), "split", 1)}  # records moved, not cluster size
    assert result.stats["created"] == 0 and result.stats["split"] == 1


def test_record_moving_to_another_kept_customer_is_in_lineage():
    previous = previous_of(CU_A=["a1", "a2", "a3"], CU_B=["b1", "b2"])
    result = assign_stable_ids(clusters_of(["a1", "a2"], ["a3", "b1", "b2"]), previous, "r")
    assert ids(result) == {"a1": "CU_A", "a2": "CU_A", "a3": "CU_B", "b1": "CU_B", "b2": "CU_B"}
    assert lineage_rows(result) == {("CU_A", "CU_B", "split", 1)}
    assert result.stats["kept"] == 2 and result.stats["records_moved"] == 1


def test_id_won_by_a_cluster_merged_into_a_bigger_one_does_not_leak_to_its_other_pieces():
    # CU_X's majority went into CU_BIG's cluster: X is merged there; its leftover record mints a new id.
    previous = previous_of(CU_BIG=["b1", "b2", "b3"], CU_X=["x1", "x2", "x3"])
    result = assign_stable_ids(clusters_of(["b1", "b2", "b3", "x1", "x2"], ["x3"]), previous, "r")
    assert ids(result)["x1"] == "CU_BIG" and ids(result)["x3"] == mint_id("x3")
    assert lineage_rows(result) == {("CU_X", "CU_BIG", "merged", 2), ("CU_X", mint_id("x3"), "split", 1)}


def test_customer_whose_records_all_disappeared_is_retired():
    previous = previous_of(CU_GONE=["g1", "g2"], CU_STAYS=["s1"])
    result = assign_stable_ids(clusters_of(["s1"], ["n1"]), previous, "r")
    assert ids(result) == {"s1": "CU_STAYS", "n1": mint_id("n1")}
    assert lineage_rows(result) == {("CU_GONE", None, "retired", 2), (None, mint_id("n1"), "created", 1)}
    assert result.stats == {"kept": 1, "created": 1, "merged": 0, "split": 0, "retired": 1, "records_moved": 0}


def test_no_clusters_retires_everyone():
    empty = pd.DataFrame({"record_key": pd.Series(dtype=object), "cluster": pd.Series(dtype="int64")})
    result = assign_stable_ids(empty, previous_of(CU_A=["a"]), "r")
    assert result.assignments.empty
    assert lineage_rows(result) == {("CU_A", None, "retired", 1)}


def test_minted_id_already_used_by_a_previous_customer_is_salted():
    previous = previous_of(**{mint_id("n1"): ["z1"], mint_id("m1"): ["z2"], mint_id("m1", 1): ["z3"]})
    result = assign_stable_ids(clusters_of(["z1"], ["n1", "n2"], ["m1"], ["z2", "z3"]), previous, "r")
    got = ids(result)
    assert got["z1"] == mint_id("n1")  # the previous owner keeps it
    assert got["n1"] == mint_id("n1", 1)
    assert got["m1"] == mint_id("m1", 2)  # '#1' is taken too
    assert len({got["z1"], got["n1"], got["m1"], got["z2"]}) == 4
    assert (None, mint_id("n1", 1), "created", 2) in lineage_rows(result)


def test_minted_id_of_a_customer_passed_as_known_is_salted_too():
    # an incremental run passes only the touched customers as previous; the others are known ids
    known = {mint_id("n1"), mint_id("m1"), mint_id("m1", 1)}
    result = assign_stable_ids(clusters_of(["n1"], ["m1"]), None, "r",
                               known_ids=lambda candidates: set(candidates) & known)
    assert ids(result) == {"n1": mint_id("n1", 1), "m1": mint_id("m1", 2)}


def test_split_piece_holding_the_old_smallest_key_does_not_reuse_the_old_id():
    # A natural collision: the old id was minted from "a", which now sits in the smaller piece.
    first = assign_stable_ids(clusters_of(["a", "b", "c"]), None, "r1")
    result = assign_stable_ids(clusters_of(["a"], ["b", "c"]), first.assignments, "r2")
    assert ids(result) == {"a": mint_id("a", 1), "b": mint_id("a"), "c": mint_id("a")}
    assert lineage_rows(result) == {(mint_id("a"), mint_id("a", 1), "split", 1)}


def test_assignments_follow_the_input_order_and_index():
    clusters = clusters_of(["q", "b"], ["z", "a", "m"]).sample(frac=1, random_state=3)
    clusters.index = [f"row{i}" for i in range(len(clusters))]
    result = assign_stable_ids(clusters, None, "r")
    assert list(result.assignments.columns) == ["record_key", "customer_id"]
    assert list(result.assignments["record_key"]) == list(clusters["record_key"])
    assert list(result.assignments.index) == list(clusters.index)


def test_lineage_columns_and_types():
    previous = previous_of(CU_A=["a1", "a2", "a3"], CU_GONE=["g"])
    result = assign_stable_ids(clusters_of(["a1", "a2"], ["a3"], ["n"]), previous, "r")
    assert list(result.lineage.columns) == LINEAGE_COLUMNS
    assert result.lineage["records"].dtype == "int64"
    assert set(result.lineage["reason"]) == {"split", "created", "retired"}


@pytest.mark.parametrize("bad", [
    pd.DataFrame({"record_key": ["a", "a"], "cluster": [0, 1]}),
    pd.DataFrame({"record_key": ["a", None], "cluster": [0, 1]}),
    pd.DataFrame({"record_key": ["a"]}),
])
def test_invalid_clusters_are_refused(bad):
    with pytest.raises(ValueError):
        assign_stable_ids(bad, None, "r")


def test_duplicated_previous_keys_are_refused():
    with pytest.raises(ValueError):
        assign_stable_ids(clusters_of(["a"]), previous_of(CU_A=["a"], CU_B=["a"]), "r")


def test_a_million_records_smoke():
    rng = np.random.default_rng(7)
    n, n_clusters = 1_000_000, 400_000
    keys = pd.Series(np.char.add("rec:", np.arange(n).astype(str)), dtype=object)
    labels = np.concatenate([np.arange(n_clusters), rng.integers(0, n_clusters, n - n_clusters)])
    clusters = pd.DataFrame({"record_key": keys, "cluster": labels})

    first = assign_stable_ids(clusters, None, "r1")
    assert len(first.assignments) == n
    assert first.assignments["customer_id"].nunique() == n_clusters
    assert first.stats["created"] == n_clusters and len(first.lineage) == n_clusters

    relabelled = clusters.assign(cluster=clusters["cluster"] * 3 + 11)
    rerun = assign_stable_ids(relabelled, first.assignments, "r2")
    assert rerun.assignments["customer_id"].equals(first.assignments["customer_id"])
    assert rerun.lineage.empty and rerun.stats["kept"] == n_clusters

    # Move 1% of the records to other clusters, drop 1%, add 1% new ones.
    moved = clusters.assign(cluster=labels.copy())
    pick = rng.choice(n, n // 100, replace=False)
    moved.loc[pick, "cluster"] = rng.integers(0, n_clusters, len(pick))
    moved = moved.drop(index=rng.choice(n, n // 100, replace=False))
    extra = pd.DataFrame({"record_key": [f"new:{i}" for i in range(n // 100)],
                          "cluster": rng.integers(0, n_clusters + 1000, n // 100)})
    moved = pd.concat([moved, extra], ignore_index=True)
    changed = assign_stable_ids(moved, first.assignments, "r3")

    new_clusters = moved["cluster"].nunique()
    id_code, _ = pd.factorize(changed.assignments["customer_id"])
    pairs = pd.DataFrame({"cluster": moved["cluster"].to_numpy(), "id": id_code}).drop_duplicates()
    assert len(pairs) == pairs["cluster"].nunique() == pairs["id"].nunique() == new_clusters  # 1 id <-> 1 cluster
    stats, reasons = changed.stats, changed.lineage["reason"].value_counts()
    minted_for_splits = changed.lineage.loc[changed.lineage["reason"] == "split", "new_customer_id"]
    minted_for_splits = minted_for_splits[~minted_for_splits.isin(first.assignments["customer_id"])].nunique()
    assert stats["kept"] + stats["created"] + minted_for_splits == new_clusters
    assert all(stats[reason] == reasons.get(reason, 0) for reason in ["created", "merged", "split", "retired"])
    # records_moved counts exactly the carried-over records whose id changed.
    both = changed.assignments.merge(first.assignments, on="record_key", suffixes=("", "_before"))
    assert stats["records_moved"] == (both["customer_id"] != both["customer_id_before"]).sum() > 0
