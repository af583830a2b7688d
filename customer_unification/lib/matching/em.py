"""Fellegi-Sunter model fitted without labels: expectation-maximisation on agreement patterns.

Candidate pairs are summarised as distinct agreement patterns (one gamma per comparison) with a
count, so EM costs the same for a thousand pairs or fifty million. Both classes are estimated on the
candidate set, which makes the weights the evidence *given that blocking proposed the pair* - the
question the scorer actually answers.
"""

from dataclasses import dataclass, field

import numpy as np

_FLOOR = 1e-6


@dataclass
class FittedModel:
    """m/u probabilities per comparison level (index = gamma) and the share of matches (lambda)."""

    names: list[str]
    m: list[np.ndarray]
    u: list[np.ndarray]
    match_share: float
    iterations: int = 0
    converged: bool = False
    history: list[float] = field(default_factory=list)  # match share per iteration
    # per comparison: the matches EM saw a value for (expected count), i.e. what its m rests on
    observed_matches: list[float] = field(default_factory=list)
    # Corrections learnt from a steward's labels (labels.py), in bits: per level, and to the prior.
    adjust: list[np.ndarray] | None = None
    prior_adjust: float = 0.0
    # A third class (households.py): non-matches that share what a household shares. h per
    # comparison level and its share; None when not fitted.
    h: list[np.ndarray] | None = None
    household_share: float = 0.0

    def weights(self, corrected: bool = True) -> list[np.ndarray]:
        """log2 Bayes factor per level: positive = evidence for a match.

        A partial agreement (any level above 0) never weighs less than a plain disagreement: a
        level that matches rarely show in the training pairs (birth dates a month apart on data
        whose errors are typos) has an m near zero, and would otherwise count as a stronger
        contradiction than two wholly different values."""
        return self._weights(self.u, corrected)

    def household_weights(self, corrected: bool = True) -> list[np.ndarray]:
        """log2 m/h per level: the evidence for a match against a household member."""
        return self._weights(self.h, corrected)

    def _weights(self, against: list[np.ndarray], corrected: bool) -> list[np.ndarray]:
        out = []
        for c, (m, u) in enumerate(zip(self.m, against)):
            w = np.log2(np.maximum(m, _FLOOR) / np.maximum(u, _FLOOR))
            if corrected and self.adjust is not None:
                w = w + self.adjust[c]
            out.append(np.concatenate([w[:1], np.maximum(w[1:], w[0])]) if len(w) > 1 else w)
        return out

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.match_share / (1 - self.match_share - self.household_share))) + self.prior_adjust

    @property
    def household_prior_weight(self) -> float:
        return float(np.log2(self.match_share / max(self.household_share, _FLOOR))) + self.prior_adjust

    def to_dict(self) -> dict:
        return {"names": self.names, "m": [a.tolist() for a in self.m], "u": [a.tolist() for a in self.u],
                "match_share": self.match_share, "iterations": self.iterations, "converged": self.converged,
                "adjust": None if self.adjust is None else [a.tolist() for a in self.adjust],
                "prior_adjust": self.prior_adjust,
                "h": None if self.h is None else [a.tolist() for a in self.h],
                "household_share": self.household_share}

    @classmethod
    def from_dict(cls, data: dict) -> "FittedModel":
        return cls(names=list(data["names"]), m=[np.asarray(a) for a in data["m"]],
                   u=[np.asarray(a) for a in data["u"]], match_share=float(data["match_share"]),
                   iterations=int(data.get("iterations", 0)), converged=bool(data.get("converged", False)),
                   adjust=None if data.get("adjust") is None else [np.asarray(a) for a in data["adjust"]],
                   prior_adjust=float(data.get("prior_adjust", 0.0)),
                   h=None if data.get("h") is None else [np.asarray(a) for a in data["h"]],
                   household_share=float(data.get("household_share", 0.0)))


def _initial(top: int, agreeing: bool) -> np.ndarray:
    """Starting m (agreeing=True) or u: matches mostly agree exactly, non-matches mostly disagree."""
    if top == 0:
        return np.ones(1)
    if agreeing:
        probs = np.array([0.05] + [0.1 * 0.5 ** (top - g) for g in range(1, top)] + [0.8])
    else:
        probs = np.array([0.8] + [0.1 * 0.5 ** (g - 1) for g in range(1, top)] + [0.05])
    return probs / probs.sum()


def fit_em(patterns: np.ndarray, counts: np.ndarray, tops: list[int], names: list[str], *,
           u: list[np.ndarray] | None = None, m: list[np.ndarray] | None = None,
           update_m: list[bool] | None = None, use: list[bool] | None = None,
           initial_match_share: float = 0.3, max_iterations: int = 100, tolerance: float = 1e-6) -> FittedModel:
    """Fit m, u and lambda. `patterns`: (P, C) int gammas (-1 = missing); `counts`: (P,) pairs each.

    `u` given: held fixed (e.g. from random pairs). `update_m[c]` False: keep m of comparison c.
    `use[c]` False: leave comparison c out of the likelihood (it was forced by blocking).
    """
    patterns = np.asarray(patterns, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.float64)
    C = len(tops)
    use = use or [True] * C
    update_m = update_m or [True] * C
    fixed_u = u is not None
    m = [a.copy() for a in m] if m is not None else [_initial(t, True) for t in tops]
    u = [a.copy() for a in u] if u is not None else [_initial(t, False) for t in tops]
    share = initial_match_share
    model = FittedModel(names=names, m=m, u=u, match_share=share)
    present = (patterns >= 0) & np.asarray(use)[None, :]
    index = np.where(patterns >= 0, patterns, 0)
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        log_m, log_u = log_likelihood(m, present, index), log_likelihood(u, present, index)
        # posterior P(match | pattern), computed in log space for stability
        a = np.log(share) + log_m
        b = np.log(1 - share) + log_u
        posterior = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        w_match = counts * posterior
        w_non = counts * (1 - posterior)
        new_share = float(np.clip(w_match.sum() / counts.sum(), _FLOOR, 1 - _FLOOR))
        new_m, new_u = [], []
        for c, top in enumerate(tops):
            rows = present[:, c]
            levels = index[rows, c]
            if update_m[c] and rows.any():
                wm = np.bincount(levels, weights=w_match[rows], minlength=top + 1)
                new_m.append(np.maximum(wm / max(wm.sum(), _FLOOR), _FLOOR))
            else:
                new_m.append(m[c])
            if not fixed_u and rows.any():
                wu = np.bincount(levels, weights=w_non[rows], minlength=top + 1)
                new_u.append(np.maximum(wu / max(wu.sum(), _FLOOR), _FLOOR))
            else:
                new_u.append(u[c])
        delta = max([abs(new_share - share)] +
                    [float(np.max(np.abs(x - y))) for x, y in zip(new_m + new_u, m + u)])
        m, u, share = new_m, new_u, new_share
        model.history.append(share)
        if delta < tolerance:
            model.converged = True
            break
    model.m, model.u, model.match_share, model.iterations = m, u, share, iteration
    model.observed_matches = [float(w_match[present[:, c]].sum()) for c in range(C)]
    return model


def log_likelihood(probs: list[np.ndarray], present: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per pattern: the log probability of its levels under one class's per-comparison
    probabilities; a missing (or unused) comparison contributes nothing."""
    out = np.zeros(len(index))
    for c, p in enumerate(probs):
        out += np.where(present[:, c], np.log(np.maximum(p[index[:, c]], _FLOOR)), 0.0)
    return out


def initial_m(top: int) -> np.ndarray:
    """A neutral starting m (matches mostly agree exactly) for comparisons no session could learn."""
    return _initial(top, True)
