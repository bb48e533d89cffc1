"""What one more video is worth to a creator under the rules (M15): the lists' pull on effort.

Three pure functions of the market's arrays. :func:`list_gain` asks the scoring engine how
much each creator's list score would rise with one more video; :func:`video_value` turns it,
with the period's observed income, into what one more video a day is worth and costs in
currency; and
:func:`burnout_incentive` summarises both by creator group, weekly, for the daily table.
"""

from __future__ import annotations

import numpy as np

from scoring import ScoringState

from .population import GOAL_LISTS, GOALS, Creators
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

    For every creator, the change of its score on the lists merchants read (the mean over
    the goals' lists, :data:`sim.stages.contact.READ_LISTS`, weighted by the goal shares) if
    it alone had posted one more video (with a product linked, for sellers) in the list
    window, others held fixed (``ScoringState.marginal_gain``: exact finite difference).
    """
    mp = params.merchants
    gain = scoring.marginal_gain(
        mp.list_window,
        {"videos": 1, "products_linked": (creators.orientation > 0).astype(np.int64)},
    )
    total, weight = np.zeros(creators.n), 0.0
    for g in GOALS:
        share = getattr(mp, f"goal_{g}")
        names = [x for x in GOAL_LISTS[g] if x in gain]
        if share <= 0 or not names:
            continue
        for x in names:
            total += share / len(names) * np.nan_to_num(gain[x])
        weight += share
    g = total / weight if weight > 0 else total
    return np.where(creators.active, g, 0.0)


def video_value(
    period: dict[str, np.ndarray], gain: np.ndarray, *, params: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """What one more video a day is worth to each creator, and what it costs, (n,) each.

    Value = the creator's observed income per piece this period (commission on GMV and
    paid offers); ``gain`` is accepted for the interface (issue 11 point 7 measures the
    lists' part through merchants). Cost = ``hour_cost`` x ``video_hours`` x (1 + 2
    ``overtime_convexity`` x the period's mean overload) x (1 + ``stress_cost`` x mean
    stress): the marginal convex cost of one more video's hours. ``period`` holds the
    adaptation period's sums (``sim.state.PERIOD_SUMS``).
    """
    a, per = params.adaptation, period
    pieces = np.maximum(per["pieces"], 1.0)
    days = np.maximum(per["days"], 1.0)
    value = per["income"] / pieces
    stress = per["stress"] / days
    cost = a.hour_cost * params.creators.video_hours * (1.0 + a.stress_cost * stress)
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
    gap = value - a.hour_cost * params.creators.video_hours
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
