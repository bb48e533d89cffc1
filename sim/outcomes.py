"""Outcome metrics: pure functions of arrays, tested on hand-made inputs.

Visibility (exposure and its concentration, shares by group, list turnover), workload and
commerce, as listed in docs/model.md ("Outcomes"). The model records them daily
(``sim.model.CreatorMarket``); nothing here touches the model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["concentration", "gini", "group_share", "jaccard", "top_share"]


def concentration(x: np.ndarray, fractions: tuple[float, ...] = ()) -> tuple[float, ...]:
    """Gini coefficient and top-``fraction`` shares of non-negative amounts, with one sort.

    Gini uses the sorted-rank formula G = sum_i (2i - n - 1) x_(i) / (n sum x) (0 equal,
    -> 1 all to one); a top share is the share of the total held by the largest
    ceil(fraction * n) units (at least one). Zeros are not sorted (amounts such as GMV and
    list exposure are mostly zero). All 0 for an empty or all-zero input.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    pos = np.sort(x[x > 0])
    total = pos.sum()
    if n == 0 or total <= 0:
        return (0.0,) * (1 + len(fractions))
    i = np.arange(n - pos.size + 1, n + 1, dtype=np.float64)  # ranks after the zeros
    g = float(np.dot(2 * i - n - 1, pos) / (n * total))
    tops = []
    for f in fractions:
        k = max(1, int(np.ceil(f * n)))
        tops.append(float(pos[-k:].sum() / total))
    return (g, *tops)


def gini(x: np.ndarray, axis: int = -1) -> float | np.ndarray:
    """Gini coefficient of non-negative amounts along ``axis`` (see :func:`concentration`).

    A 1-D input gives a float, exactly :func:`concentration`'s (the model's daily tables use
    it). A batch (for example worlds x songs) gives one Gini per slice along ``axis`` with the
    same formula, vectorised; a slice agrees with its 1-D value to rounding (about 1e-15).
    0 for an empty or all-zero slice.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim <= 1:
        return concentration(x)[0]
    x = np.sort(np.moveaxis(x, axis, -1), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    i = np.arange(1, n + 1, dtype=np.float64)
    num = (x * (2 * i - n - 1)).sum(axis=-1)
    return np.divide(num, n * total, out=np.zeros_like(total), where=total > 0)


def top_share(
    x: np.ndarray, share: float | None = None, axis: int = -1, *, k: int | None = None
) -> float | np.ndarray:
    """Share of the total held by the top ``share`` of units (at least one unit), along ``axis``.

    The top ``share`` are the largest ceil(``share`` x n) units; give ``k`` instead for a fixed
    number of units (for example the 5 most downloaded songs). A 1-D input gives a float,
    exactly :func:`concentration`'s; a batch gives one share per slice along ``axis``. 0 for
    an empty or all-zero slice.
    """
    if (share is None) == (k is None):
        raise ValueError("give exactly one of share (a fraction) and k (a number of units)")
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[axis] if x.ndim else x.size
    top = max(1, int(np.ceil(share * n))) if k is None else int(k)
    if x.ndim <= 1:
        if k is None:
            return concentration(x, (share,))[1]
        total = x.sum()
        return float(np.sort(x)[::-1][:top].sum() / total) if total > 0 else 0.0
    x = -np.sort(-np.moveaxis(x, axis, -1), axis=-1)
    total = x.sum(axis=-1)
    return np.divide(x[..., :top].sum(axis=-1), total, out=np.zeros_like(total), where=total > 0)


def group_share(x: np.ndarray, group: np.ndarray) -> float:
    """Share of the total held by the units where ``group`` is True."""
    x = np.asarray(x, dtype=np.float64)
    total = x.sum()
    return float(x[np.asarray(group, dtype=bool)].sum() / total) if total > 0 else 0.0


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sets of ids (1 when both are empty)."""
    a, b = np.unique(a), np.unique(b)
    union = np.union1d(a, b).size
    return 1.0 if union == 0 else float(np.intersect1d(a, b, assume_unique=True).size / union)
