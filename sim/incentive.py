"""What one more video is worth to a creator under the rules (M15): the lists' pull on effort.

Three pure functions of the market's arrays. :func:`list_gain` asks the scoring engine how
much each creator's list score would rise with one more video; :func:`video_value` turns it,
with the period's sales, views and misses, into what one more video a day is worth and costs
in currency (the adaptation stage's gradient, ``sim.stages.adaptation``); and
:func:`burnout_incentive` summarises both by creator group, weekly, for the daily table.
"""

from __future__ import annotations

import numpy as np

from scoring import WINDOW_DAYS, ScoringState

from .population import Creators
from .scenario import ModelParams

__all__ = ["INCENTIVE_EVERY", "INCENTIVE_KEYS", "burnout_incentive", "list_gain", "video_value"]

#: The burnout incentive is measured every this-many days (it re-scores the population).
INCENTIVE_EVERY = 7
#: The daily table's columns the weekly measurement fills (NaN on other days).
INCENTIVE_KEYS = (
    "incentive_mean",
    "incentive_sellers",
    "incentive_entertainers",
    "incentive_overloaded",
    "incentive_within_capacity",
    "incentive_gap",
    "incentive_gap_sellers",
    "incentive_gap_entertainers",
)


def list_gain(creators: Creators, scoring: ScoringState, *, params: ModelParams) -> np.ndarray:
    """(n,) list-score gain of one more video in the list window (M15); 0 for vacant slots.

    For every creator, the change of its score on the lists merchants use (mean over them)
    if it alone had posted one more video (with a product linked, for sellers) in the list
    window, others held fixed (``ScoringState.marginal_gain``: exact finite difference).
    """
    mp = params.merchants
    gain = scoring.marginal_gain(
        mp.list_window,
        {"videos": 1, "products_linked": (creators.orientation > 0).astype(np.int64)},
    )
    g = np.mean([gain[name] for name in mp.lists_used if name in gain], axis=0)
    return np.where(creators.active, g, 0.0)


def video_value(
    period: dict[str, np.ndarray], gain: np.ndarray, *, params: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """What one more video a day is worth to each creator, and what it costs, (n,) each.

    Value = commission x the creator's GMV per piece this period + ``view_value`` x its
    views per piece (per 1,000) + ``list_value`` x the list-score gain of one more video
    (``gain``, :func:`list_gain`) x the window's days (a video a day adds that many to the
    window) + ``miss_cost`` x the samples it missed this period per day (a video a day more
    would have featured them, M11, O4). Cost = ``effort_cost`` x ``video_hours`` x (1 +
    ``stress_cost`` x mean stress this period). ``period`` holds the adaptation period's sums
    (``sim.state.PERIOD_SUMS``). See :class:`sim.scenario.AdaptationParams`.
    """
    a, per = params.adaptation, period
    window_days = WINDOW_DAYS[params.merchants.list_window]
    pieces = np.maximum(per["pieces"], 1.0)
    value = (
        params.merchants.commission * per["gmv"] / pieces
        + a.view_value * per["views"] / pieces / 1000.0
        + a.list_value * window_days * gain
        + a.miss_cost * per["missed"] / np.maximum(per["days"], 1.0)
    )
    stress = per["stress"] / np.maximum(per["days"], 1.0)
    cost = a.effort_cost * params.creators.video_hours * (1.0 + a.stress_cost * stress)
    return value, cost


def burnout_incentive(
    creators: Creators, period: dict[str, np.ndarray], gain: np.ndarray, *, params: ModelParams
) -> dict[str, float]:
    """The pull of the lists on effort (M15), by creator group (:data:`INCENTIVE_KEYS`).

    ``incentive_*``: mean list-score gain of one more video (``gain``, :func:`list_gain`).
    ``incentive_gap_*``: among creators working at or above capacity, the mean of what one
    more video a day is worth minus what it would cost a creator free of stress
    (:func:`video_value`), in currency: positive means the rules pay for effort beyond a
    sustainable level, and stress alone holds creators back. NaN for an empty group.
    """
    c, a = creators, params.adaptation
    value, _ = video_value(period, gain, params=params)
    gap = value - a.effort_cost * params.creators.video_hours
    ent, over = c.entertainer, (c.workload >= 1.0) & c.active

    def mean(x: np.ndarray, mask: np.ndarray) -> float:
        return float(x[mask].mean()) if mask.any() else np.nan

    act = c.active
    g = gain
    return {
        "incentive_mean": mean(g, act),
        "incentive_sellers": mean(g, act & ~ent),
        "incentive_entertainers": mean(g, act & ent),
        "incentive_overloaded": mean(g, over),
        "incentive_within_capacity": mean(g, act & ~over),
        "incentive_gap": mean(gap, over),
        "incentive_gap_sellers": mean(gap, over & ~ent),
        "incentive_gap_entertainers": mean(gap, over & ent),
    }
