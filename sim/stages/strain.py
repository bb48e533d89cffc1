"""Stage 5 (M10, O2, M15): overload and deadlines build stress; burnout; the lists' pull."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import incentive as _incentive
from ..scenario import BurnoutParams, ModelParams
from ..state import Market, Today
from .work import holding

__all__ = [
    "Strain",
    "build_up",
    "deadline_pressure",
    "episode_lengths",
    "measure_incentive",
    "update_stress",
]


def deadline_pressure(
    creator: np.ndarray, days_left: np.ndarray, n: int, *, params: BurnoutParams
) -> np.ndarray:
    """Stage 5 (M10, O2, M15): deadline pressure per creator, (n,).

    Sums ``1 / max(days_left, 1)`` over the creator's pending, delivered samples due within
    ``reminder_days`` (O2 reminds creators 3 and 1 days before the deadline).
    """
    near = (days_left >= 0) & (days_left <= params.reminder_days)
    w = 1.0 / np.maximum(days_left[near], 1)
    return np.bincount(creator[near], weights=w, minlength=n)


@dataclass(frozen=True)
class Strain:
    """Stress state after a day, (n,) arrays."""

    stress: np.ndarray
    high_days: np.ndarray  # days in a row at or above the threshold
    burnt_days_left: np.ndarray  # > 0 while burnt out
    burnt_today: np.ndarray  # bool: a burnout began today


def update_stress(
    stress: np.ndarray,
    high_days: np.ndarray,
    burnt_days_left: np.ndarray,
    load: np.ndarray,
    pressure: np.ndarray,
    *,
    params: BurnoutParams,
    episode_days: np.ndarray | None = None,
) -> Strain:
    """Stage 5 (M15): stress builds with overload and deadlines, rest lowers it.

    ``stress' = max(0, stress + overload_gain (load - 1)+ + deadline_gain pressure -
    recovery (1 - load)+)``, and 0 after a rest day (load 0). A creator not already burnt out
    whose stress has been at or above ``threshold`` for ``burnout_days`` days in a row burns out
    that day: ``burnt_days_left`` becomes its episode's length (``episode_days``, (n,) drawn
    by the caller; default ``episode_days_median``) and stress restarts at 0. Under a
    constant load L > 1 with no deadlines, stress first reaches the threshold on day
    k = ceil(threshold / (overload_gain (L - 1))) and the burnout comes on day
    k + burnout_days - 1 (days counted from 1).
    """
    over = np.maximum(load - 1.0, 0.0)
    slack = np.maximum(1.0 - load, 0.0)
    s = stress + params.overload_gain * over + params.deadline_gain * pressure
    s -= params.recovery * slack
    s = np.where(load <= 0.0, 0.0, np.maximum(s, 0.0))
    burning = burnt_days_left > 0
    left = np.maximum(burnt_days_left - 1, 0)
    high = (s >= params.threshold) & ~burning
    days = np.where(high, high_days + 1, 0)
    burnt_today = days >= params.burnout_days
    length = (
        np.full(s.size, max(1, round(params.episode_days_median)), dtype=np.int64)
        if episode_days is None
        else np.maximum(np.rint(episode_days), 1).astype(np.int64)
    )
    left = np.where(burnt_today, length, left)
    s = np.where(burnt_today, 0.0, s)
    days = np.where(burnt_today, 0, days)
    return Strain(s, days, left, burnt_today)


def episode_lengths(n: int, *, params: BurnoutParams, rng: np.random.Generator) -> np.ndarray:
    """(n,) burnout episode lengths in days: lognormal, median ``episode_days_median``."""
    return params.episode_days_median * rng.lognormal(0.0, params.episode_days_sigma, n)


def build_up(
    market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator
) -> Today:
    """Stage 5 (M10, O2, M15): deadline pressure and workload update stress; burnouts.

    Pressure comes from the samples creators hold that are due within ``reminder_days``
    (:func:`deadline_pressure`, statuses as of today's scoring); :func:`update_stress` moves
    stress, each burnout begun today gets its length (:func:`episode_lengths`), and burnouts
    are counted (for active creators) with the day of each creator's
    first. Adds the tally ``burnouts_today``.
    """
    c, b, st, day = market.creators, params.burnout, today.status, today.day
    idx = np.flatnonzero(holding(market, st.status, day))
    pressure = deadline_pressure(
        market.scoring.samples.creator[idx], st.deadline_day[idx] - day, c.n, params=b
    )
    strain = update_stress(c.stress, c.high_days, c.burnt_days_left, c.workload, pressure, params=b)
    c.stress, c.high_days, c.burnt_days_left = (
        strain.stress,
        strain.high_days,
        strain.burnt_days_left,
    )
    began = np.flatnonzero(strain.burnt_today)  # draw the new episodes' lengths only
    if began.size:
        length = episode_lengths(began.size, params=b, rng=rng)
        c.burnt_days_left[began] = np.maximum(np.rint(length), 1).astype(np.int64)
    burnt_today = strain.burnt_today & c.active
    c.burnouts += burnt_today
    c.days_burnt_out += (c.burnt_days_left > 0) & c.active
    first = burnt_today & (c.first_burnout_day < 0)
    c.first_burnout_day[first] = day
    return today.add({"burnouts_today": int(burnt_today.sum())})


def measure_incentive(market: Market, today: Today, *, params: ModelParams) -> Today:
    """Stage 5, weekly (M15): the lists' pull on effort (:mod:`sim.incentive`).

    On the last day of every week (:data:`sim.incentive.INCENTIVE_EVERY` days) adds the
    ``incentive_*`` tallies (payoff of one more video a day, currency/day) and
    ``today.list_gain`` (the engine's list-score gain); other days pass. Burn-in days
    (``day < market.burn_in``) pass too: their tallies are never recorded and nothing else
    reads them, so skipping them changes no reported number (checked bit for bit with
    ``benchmarks/compare_tables.py``) and saves the weekly re-scoring.
    """
    every = _incentive.INCENTIVE_EVERY
    if today.day % every != every - 1 or today.day < market.burn_in:
        return today
    parts = _incentive.payoff_incentive(market, params=params)
    tallies = _incentive.burnout_incentive(market.creators, parts, today.day, params=params)
    return today.add(tallies, list_gain=parts["score_gain"])
