"""EM recovers known Fellegi-Sunter parameters from agreement patterns alone."""

import numpy as np

from customer_unification.lib.matching.em import FittedModel, fit_em


def simulate(n: int, share: float, m: list[np.ndarray], u: list[np.ndarray], seed: int = 3,
             missing: dict[int, float] | None = None):
    """Agreement patterns of n pairs, `share` of them matches; `missing`: comparison -> share absent."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < share
    columns = [np.where(is_match, rng.choice(len(mc), n, p=mc), rng.choice(len(uc), n, p=uc)) for mc, uc in zip(m, u)]
    for c, rate in (missing or {}).items():
        columns[c] = np.where(rng.random(n) < rate, -1, columns[c])
    patterns, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return patterns, counts


M = [np.array([0.05, 0.15, 0.80]), np.array([0.10, 0.90]), np.array([0.08, 0.12, 0.80])]
U = [np.array([0.85, 0.10, 0.05]), np.array([0.70, 0.30]), np.array([0.90, 0.08, 0.02])]


def test_em_converges_to_the_generating_parameters():
    patterns, counts = simulate(200_000, 0.2, M, U)
    model = fit_em(patterns, counts, [2, 1, 2], ["a", "b", "c"], max_iterations=500, tolerance=1e-9)
    assert model.converged
    assert abs(model.match_share - 0.2) < 0.01
    for fitted, true in zip(model.m + model.u, M + U):
        assert np.allclose(fitted, true, atol=0.02), (fitted, true)


def test_em_with_fixed_u_learns_m_and_share():
    patterns, counts = simulate(100_000, 0.1, M, U, seed=5)
    model = fit_em(patterns, counts, [2, 1, 2], ["a", "b", "c"], u=[x.copy() for x in U], max_iterations=500)
    assert np.allclose(model.u[0], U[0])  # held fixed
    assert abs(model.match_share - 0.1) < 0.01
    assert np.allclose(model.m[0], M[0], atol=0.03)


def test_missing_values_and_excluded_comparisons_carry_no_evidence():
    patterns, counts = simulate(50_000, 0.3, M, U, seed=7, missing={1: 0.5})  # half the pairs lack b
    start = [np.array([1 / 3] * 3), np.array([0.5, 0.5]), np.array([0.2, 0.3, 0.5])]
    model = fit_em(patterns, counts, [2, 1, 2], ["a", "b", "c"], m=start, u=[x.copy() for x in U], use=[True, True, False],
                   update_m=[True, True, False], max_iterations=300)
    assert np.allclose(model.m[1], M[1], atol=0.05)  # learned from the pairs that have b
    assert np.array_equal(model.m[2], start[2])  # excluded: left as given


def test_weights_and_round_trip():
    model = FittedModel(names=["a"], m=[np.array([0.1, 0.9])], u=[np.array([0.9, 0.1])], match_share=0.01)
    weights = model.weights()[0]
    assert weights[1] > 3 and weights[0] < -3  # agreement for, disagreement against
    assert round(model.prior_weight, 3) == round(np.log2(0.01 / 0.99), 3)
    again = FittedModel.from_dict(model.to_dict())
    assert np.allclose(again.m[0], model.m[0]) and again.match_share == model.match_share
