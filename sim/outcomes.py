"""Outcome metrics: pure functions of arrays, tested on hand-made inputs.

Visibility (exposure and its concentration, shares by group, list turnover), workload and
commerce, as listed in DESIGN.md ("Outcomes every run reports"). The model records them daily
(``sim.model.CreatorMarket``); nothing here touches the model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gini", "group_share", "jaccard", "top_share"]


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts: 0 equal, -> 1 all to one.

    Uses the sorted-rank formula G = sum_i (2i - n - 1) x_(i) / (n sum x); 0 for an empty or
    all-zero input.
    """
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def top_share(x: np.ndarray, fraction: float) -> float:
    """Share of the total held by the top ``fraction`` of units (at least one unit)."""
    x = np.asarray(x, dtype=np.float64)
    total = x.sum()
    if x.size == 0 or total <= 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * x.size)))
    return float(np.sort(x)[-k:].sum() / total)


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
