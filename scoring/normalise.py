"""Putting components on a common 0-1 scale within each category (M7a, assumed).

The reports do not say how the indices are normalised (M7a). Three documented methods:

* ``minmax``: ``(x - min) / (max - min)`` over the category; O(n), the default;
* ``percentile``: the mid-rank percentile ``(rank - 1) / (m - 1)`` with ties sharing their
  average rank; most robust to heavy tails, O(n log n);
* ``zscore``: ``Phi((x - mean) / sd)``, the standard normal CDF of the z-score, so it too is 0-1.

Before normalising, the component's transform is applied when ``log_transform`` is on (``log``:
``log(1 + x)``; ``slog``: ``sign(x) log(1 + |x|)``), and components where lower is better are
negated. Statistics ignore creators with no data (NaN), who get ``missing_score``. A category
where a component does not vary gives everyone 0.5 (the component does not discriminate).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr
from scipy.stats import rankdata

from .ranking import CategoryGroups

__all__ = ["NEUTRAL", "normalise", "transform"]

NEUTRAL = 0.5


def transform(values: np.ndarray, kind: str) -> np.ndarray:
    """Apply a component transform: ``log``, ``slog`` or ``none``."""
    if kind == "log":  # components with this transform are >= 0 by construction
        return np.log1p(values)
    if kind == "slog":
        return np.sign(values) * np.log1p(np.abs(values))
    if kind == "none":
        return values
    raise ValueError(f"unknown transform {kind!r}; allowed: 'log', 'slog', 'none'")


def normalise(
    values: np.ndarray,
    groups: CategoryGroups,
    *,
    method: str,
    missing_score: float,
    higher_is_better: bool = True,
    transform_kind: str = "none",
    active: np.ndarray | None = None,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """Normalise ``values`` (n,) within each category to [0, 1].

    With ``reference`` (n,), the scale comes from the reference values instead, and each
    creator's value is placed on it as if only that creator's value had changed: min-max and
    z-score use the reference's statistics, a percentile ranks the value among the *other*
    creators' reference values (used for marginal gains).

    ``active`` (n,) bool restricts the creators whose values set the scale (e.g. creators who
    have left); the others are still scored on that scale.
    """
    x = transform(np.asarray(values, dtype=np.float64), transform_kind)
    if not higher_is_better:
        x = -x
    if reference is not None:
        ref = transform(np.asarray(reference, dtype=np.float64), transform_kind)
        if not higher_is_better:
            ref = -ref
        out = _on_reference(x, ref, groups, method)
        out[np.isnan(x)] = missing_score
        return out
    cat = groups.category
    missing = np.isnan(x)
    any_missing = bool(missing.any())
    use = ~missing if active is None else (~missing & active)
    if method == "minmax":
        out = _minmax(x, use, groups, all_used=not any_missing and active is None)
    elif method == "zscore":
        out = _zscore(x, use, cat, groups.n_categories)
    elif method == "percentile":
        out = _percentile(x, use, groups)
    else:
        raise ValueError(f"unknown normalisation {method!r}; allowed: minmax, percentile, zscore")
    if any_missing:
        out[missing] = missing_score
    return out


def _minmax(x: np.ndarray, use: np.ndarray, groups: CategoryGroups, all_used: bool) -> np.ndarray:
    k = groups.n_categories
    xs = x if all_used else np.where(use, x, np.nan)
    if not groups.contiguous:
        xs = xs[groups.order]
    sizes = groups.sizes
    nonempty = sizes > 0
    lo = np.zeros(k)
    span = np.zeros(k)
    if nonempty.any():
        st = groups.starts[:-1][nonempty]
        with np.errstate(invalid="ignore"):
            lo_ne = (np.minimum if all_used else np.fmin).reduceat(xs, st)
            hi_ne = (np.maximum if all_used else np.fmax).reduceat(xs, st)
        lo[nonempty] = lo_ne
        span[nonempty] = hi_ne - lo_ne
    ok = span > 0  # False for an empty category, no data, or a constant component
    lo = np.where(ok, lo, 0.0)
    scale = np.divide(1.0, span, out=np.zeros(k), where=ok)
    offset = np.where(ok, 0.0, NEUTRAL)
    if groups.contiguous:  # scalar operations on each category's slice: no gathers
        out = np.empty_like(x)
        for c in np.flatnonzero(nonempty):
            s, e = groups.starts[c], groups.starts[c + 1]
            np.subtract(x[s:e], lo[c], out=out[s:e])
            out[s:e] *= scale[c]
            out[s:e] += offset[c]
    else:
        cat = groups.category
        out = np.subtract(x, lo[cat])
        out *= scale[cat]
        out += offset[cat]
    return np.clip(out, 0.0, 1.0, out=out)


def _zscore(x: np.ndarray, use: np.ndarray, cat: np.ndarray, k: int) -> np.ndarray:
    xv = np.where(use, x, 0.0)
    cnt = np.bincount(cat, weights=use.astype(np.float64), minlength=k)
    s1 = np.bincount(cat, weights=xv, minlength=k)
    mean = np.divide(s1, cnt, out=np.zeros(k), where=cnt > 0)
    dev = np.where(use, x - mean[cat], 0.0)
    s2 = np.bincount(cat, weights=dev * dev, minlength=k)
    sd = np.sqrt(np.divide(s2, cnt, out=np.zeros(k), where=cnt > 0))
    sd_c = sd[cat]
    z = np.zeros(x.size)
    np.divide(x - mean[cat], sd_c, out=z, where=sd_c > 0)
    return ndtr(z)


def _percentile(x: np.ndarray, use: np.ndarray, groups: CategoryGroups) -> np.ndarray:
    out = np.full(x.size, NEUTRAL)
    for c in range(groups.n_categories):
        members = groups.order[groups.starts[c] : groups.starts[c + 1]]
        m = members[use[members]]
        if m.size < 2:
            continue
        r = rankdata(x[m], method="average")
        out[m] = (r - 1.0) / (m.size - 1.0)
        # Creators outside the scale (inactive) take the percentile of their value.
        rest = members[~use[members] & ~np.isnan(x[members])]
        if rest.size:
            srt = np.sort(x[m])
            below = np.searchsorted(srt, x[rest], side="left")
            above = np.searchsorted(srt, x[rest], side="right")
            out[rest] = np.clip((below + above - 1) / 2.0 / (m.size - 1.0), 0.0, 1.0)
    return out


def _on_reference(
    x: np.ndarray, ref: np.ndarray, groups: CategoryGroups, method: str
) -> np.ndarray:
    """Place each creator's ``x`` on the scale its category's ``ref`` values set."""
    out = np.full(x.size, NEUTRAL)
    for c in range(groups.n_categories):
        members = groups.order[groups.starts[c] : groups.starts[c + 1]]
        r = ref[members]
        ok = ~np.isnan(r)
        vals = r[ok]
        if vals.size == 0:
            continue
        xv = x[members]
        if method == "minmax":
            lo, hi = vals.min(), vals.max()
            if hi > lo:
                out[members] = np.clip((xv - lo) / (hi - lo), 0.0, 1.0)
        elif method == "zscore":
            sd = vals.std()
            if sd > 0:
                out[members] = ndtr((xv - vals.mean()) / sd)
        elif method == "percentile":
            if vals.size < 2:
                continue
            srt = np.sort(vals)
            lt = np.searchsorted(srt, xv, side="left").astype(np.float64)
            le = np.searchsorted(srt, xv, side="right").astype(np.float64)
            own = r  # each creator's own reference value is not among "the others"
            lt -= ok & (own < xv)
            le -= ok & (own <= xv)
            out[members] = np.clip((lt + (le - lt) / 2.0) / (vals.size - 1.0), 0.0, 1.0)
        else:
            raise ValueError(f"unknown normalisation {method!r}")
    return out
