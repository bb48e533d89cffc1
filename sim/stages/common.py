"""Helpers the stages share: fast counts, sorted-set membership, list attention, group ranks."""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DAILY_VIEWS", "counts", "in_sorted", "list_standing", "rank_within"]

MAX_DAILY_VIEWS = np.iinfo(np.int32).max  # the engine's per-day limit of a counter


def counts(
    mean: np.ndarray, *, rng: np.random.Generator, cap: np.ndarray | None = None
) -> np.ndarray:
    """Poisson counts with the given means, fast: exact below a mean of 30, normal above.

    Above 30 the Poisson's normal approximation (rounded, floored at 0) is used; numpy's exact
    samplers cost tens of ns per draw, which a daily tick of 10^5 creators cannot afford.
    With ``cap``, counts are capped (a thinned count never exceeds its parent count).
    """
    mean = np.asarray(mean, dtype=np.float64)
    out = np.empty(mean.shape, dtype=np.int64)
    small = mean < 30.0
    out[small] = rng.poisson(mean[small])
    big = ~small
    lam = mean[big]
    out[big] = np.maximum(np.rint(lam + np.sqrt(lam) * rng.standard_normal(lam.size)), 0)
    if cap is not None:
        np.minimum(out, cap, out=out)
    return out


def in_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Membership of ``keys`` in an ascending array, by binary search (no sort of the set)."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[pos] == keys


def list_standing(positions: np.ndarray, *, bias: float, depth: int) -> np.ndarray:
    """Attention a list position gets: ``p ** -bias`` for p in 1..depth, 0 when not listed.

    The same position-bias curve serves merchants' attention (M3) and, with the scenario's
    coupling, the feed's use of list standing (M14).
    """
    pos = np.asarray(positions, dtype=np.float64)
    out = np.zeros(pos.size)
    seen = (pos >= 1) & (pos <= depth)
    out[seen] = pos[seen] ** -bias
    return out


def rank_within(groups: np.ndarray) -> np.ndarray:
    """0-based rank of each element among the earlier elements of the same group."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    sizes = np.diff(np.r_[first, g.size])
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(groups.size) - np.repeat(first, sizes)
    return rank
