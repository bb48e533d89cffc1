"""Run summaries: one run of the model reduced to a dict of scalar outcomes.

Experiments compare, sweep and analyse *scalars*, so each run's daily table
(:meth:`sim.model.CreatorMarket.daily_table`) is reduced to the outcomes of :data:`OUTCOMES`,
named from the domain (docs/model.md, "Outcomes"):

* ``<column>_mean``: the mean of a daily column over the days after the burn-in (the first
  days, while the 17-day sample clocks, the month window and audiences fill, are left out);
* ``<column>_final``: its value on the last day (cumulative rates and adapted traits);
* ``<column>_total``: its sum over every day of the run (counts of events: exits, burnouts).

NaN days (e.g. no sample decided, the weekly burnout incentive) are ignored; an outcome whose
days are all NaN is NaN.

Some outcomes cannot vary in a scenario: with full lists, ``share_listed`` is list positions x
categories / creators, and the list-exposure concentration is fixed by the exposure-by-position
curve; the list-score gain of one more video is zero (float noise of 1e-17) when no list
merchants use rewards videos. :func:`is_constant` tells them apart (spread within
:data:`CONSTANT_RTOL`), so that reports flag them as "constant by construction in this
scenario" instead of giving them a confidence interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "CONSTANT_NOTE",
    "CONSTANT_RTOL",
    "OUTCOMES",
    "Outcome",
    "default_burn_in",
    "is_constant",
    "outcome_names",
    "summarise",
    "unit_of",
]

#: Values whose spread (max - min) is at most this times ``max(1, |mean|)`` are constant: a
#: relative tolerance for large outcomes (GMV), an absolute one for shares and scores, where
#: the float noise of a sum of zeros is about 1e-17.
CONSTANT_RTOL = 1e-12
#: How reports flag such an outcome.
CONSTANT_NOTE = "constant by construction in this scenario"


def is_constant(values: np.ndarray | list[float]) -> bool:
    """True if the non-NaN ``values`` (at least two) do not vary beyond float noise.

    Fewer than two values cannot show variation, so they are not called constant.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size < 2:
        return False
    spread = float(v.max() - v.min())
    return spread <= CONSTANT_RTOL * max(1.0, abs(float(v.mean())))


@dataclass(frozen=True)
class Outcome:
    """A scalar outcome of a run: a daily ``column`` reduced by ``statistic``."""

    name: str
    column: str
    statistic: Literal["mean", "final", "total"]
    doc: str


def _o(column: str, statistic: Literal["mean", "final", "total"], doc: str) -> Outcome:
    return Outcome(f"{column}_{statistic}", column, statistic, doc)


#: The outcomes every run summary holds, in order (visibility, burnout, commerce).
OUTCOMES: tuple[Outcome, ...] = (
    _o("feed_gini", "mean", "Gini of feed views among creators"),
    _o("feed_top10_share", "mean", "share of feed views going to the top 10% of creators"),
    _o("feed_entertainer_share", "mean", "entertainers' share of feed views (M14)"),
    _o("list_exposure_gini", "mean", "Gini of merchants' list exposure"),
    _o("list_top10_share", "mean", "share of list exposure going to the top 10%"),
    _o("list_entertainer_share", "mean", "entertainers' share of list exposure (M14)"),
    _o("share_listed", "mean", "share of creators on a list merchants use"),
    _o("share_eligible", "mean", "share of creators eligible for the lists (M12)"),
    _o("list_turnover", "mean", "1 - Jaccard of the listed set with yesterday's"),
    _o("workload_mean", "mean", "work over capacity, mean over creators"),
    _o("overload_share", "mean", "share of creators working above capacity (M15)"),
    _o("stressed_share", "mean", "share of creators at or above the stress threshold"),
    _o("burnt_out_share", "mean", "share of creators burnt out (M15)"),
    _o("burnouts_today", "total", "burnouts over the run"),
    _o("exits_today", "total", "creators who left over the run"),
    _o("active_share", "final", "share of slots with an active creator on the last day"),
    _o("incentive_overloaded", "mean", "payoff of one more video a day, overloaded creators"),
    _o("incentive_gap", "mean", "payoff of one more video beyond its stress-free cost, overloaded"),
    _o("effort_mean", "final", "adapted effort multiplier on the last day"),
    _o("fulfilment_rate", "final", "cumulative share of decided samples fulfilled (M10, M11)"),
    _o("last_minute_share", "mean", "share of fulfilments in the last 2 days of their window"),
    _o("gmv", "mean", "GMV per day (currency)"),
    _o("gmv_gini", "mean", "Gini of GMV among creators"),
    _o("merchant_sample_roi", "mean", "GMV of featured samples over their cost"),
)


#: The unit of each outcome, for tables people read (shares and Gini coefficients are 0-1).
_UNITS = {
    "burnouts_today_total": "burnouts",
    "exits_today_total": "creators",
    "incentive_overloaded_mean": "currency/day per video a day",
    "incentive_gap_mean": "currency per video",
    "effort_mean_final": "x planned hours",
    "workload_mean_mean": "hours / capacity",
    "gmv_mean": "currency per day",
    "merchant_sample_roi_mean": "GMV / sample cost",
}


def unit_of(name: str) -> str:
    """The unit of outcome ``name``: a Gini, a share (0-1), or what :data:`_UNITS` says."""
    if name in _UNITS:
        return _UNITS[name]
    if "gini" in name:
        return "Gini (0-1)"
    return "share (0-1)"


def outcome_names() -> tuple[str, ...]:
    """The names of :data:`OUTCOMES`, in order."""
    return tuple(o.name for o in OUTCOMES)


def default_burn_in(days: int) -> int:
    """Days left out of the means when none is given: the first third of the run."""
    return days // 3


def _reduce(col: np.ndarray, statistic: str, burn_in: int) -> float:
    col = np.asarray(col, dtype=np.float64)
    if statistic == "final":
        return float(col[-1]) if col.size else math.nan
    part = col if statistic == "total" else col[burn_in:]
    if part.size == 0 or np.isnan(part).all():
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nansum(part) if statistic == "total" else np.nanmean(part))


def summarise(
    daily: Mapping[str, np.ndarray], *, burn_in_days: int | None = None
) -> dict[str, float]:
    """Reduce a daily table (dict of equal-length columns) to the :data:`OUTCOMES`.

    ``burn_in_days`` (default :func:`default_burn_in`) days are left out of the means; if the
    run is not longer than the burn-in, the means use every day. A column the model does not
    record gives NaN (so summaries keep the same keys when the model changes).
    """
    n = len(next(iter(daily.values()))) if daily else 0
    burn_in = default_burn_in(n) if burn_in_days is None else int(burn_in_days)
    if burn_in < 0:
        raise ValueError(f"burn_in_days = {burn_in_days!r}: use an integer >= 0")
    if burn_in >= n:
        burn_in = 0
    out: dict[str, float] = {}
    for o in OUTCOMES:
        col = daily.get(o.column)
        out[o.name] = math.nan if col is None else _reduce(col, o.statistic, burn_in)
    return out
