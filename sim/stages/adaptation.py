"""Stage 6 (M15): creators adjust effort and sample uptake to what pays, every few weeks."""

from __future__ import annotations

import numpy as np

from scoring import WindowScores

from ..incentive import list_gain, video_value
from ..scenario import AdaptationParams, ModelParams
from ..state import Market, Today

__all__ = ["adapt", "effort_step", "imitate", "list_score", "remember"]


def imitate(
    traits: dict[str, np.ndarray],
    payoff: np.ndarray,
    category_starts: np.ndarray,
    category: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Stage 5 (M15): pairwise imitation of a better-paid peer of the same category.

    Each creator draws a uniform peer in its category; where the peer's ``payoff`` is higher,
    every trait moves ``imitation`` of the way to the peer's value. Gaussian noise (sd
    ``noise``) is added to every trait. Returns the new traits (unclipped).
    """
    n = payoff.size
    lo, hi = category_starts[category], category_starts[category + 1]
    peer = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    better = payoff[peer] > payoff
    step = np.where(better, params.imitation, 0.0)
    out = {}
    for name, x in traits.items():
        moved = x + step * (x[peer] - x)
        out[name] = moved + rng.normal(0.0, params.noise, n) if params.noise > 0 else moved
    return out


def effort_step(
    effort: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 6 (M15): one gradient step of effort on the creator's own payoff.

    ``effort + learning_rate * tanh(value / cost - 1)`` plus Gaussian noise (sd ``noise``),
    clipped to [0.1, ``max_effort``]: effort grows while one more video a day is worth more
    than it costs, shrinks when it is worth less, and by at most ``learning_rate`` (tanh
    bounds the step, so a creator never leaps on one lucky fortnight). ``value`` and ``cost``
    are (n,) arrays in currency per video (see :func:`sim.incentive.video_value`).
    """
    step = params.learning_rate * np.tanh(value / cost - 1.0)
    new = effort + step
    if params.noise > 0:
        new = new + rng.normal(0.0, params.noise, effort.size)
    return np.clip(new, 0.1, params.max_effort)


def adapt(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 6 (M15): at the end of every adaptation period, creators adapt; the period resets.

    The period's payoff (commission on GMV, views, list standing, minus the effort cost
    raised by stress) is what imitation compares and what stage 7's unpaid-exit rule reads
    (``market.last_payoff``). Under the ``gradient`` rule effort takes an :func:`effort_step`
    on :func:`sim.incentive.video_value` and uptake is imitated; otherwise both are imitated
    (:func:`imitate`). The period's sums then restart at 0.
    """
    a, c, per = params.adaptation, market.creators, market.period
    if (today.day + 1) % a.every_days:
        return today
    payoff = (
        params.merchants.commission * per["gmv"]
        + a.view_value * per["views"] / 1000.0
        + a.list_value * per["standing"]
        - a.effort_cost * per["hours"] * (1.0 + a.stress_cost * c.stress)
    )
    adapting = a.imitation > 0 or a.noise > 0 or (a.rule == "gradient" and a.learning_rate > 0)
    if adapting:
        starts = market.category_starts
        if a.rule == "gradient":  # effort by gradient, sample uptake by imitation
            gain = today.list_gain
            if gain is None:
                gain = list_gain(c, market.scoring, params=params)
            value, cost = video_value(per, gain, params=params)
            c.effort = effort_step(c.effort, value, cost, params=a, rng=rng)
            new = imitate({"uptake": c.uptake}, payoff, starts, c.category, params=a, rng=rng)
        else:
            new = imitate(
                {"effort": c.effort, "uptake": c.uptake},
                payoff,
                starts,
                c.category,
                params=a,
                rng=rng,
            )
            c.effort = np.clip(new["effort"], 0.1, a.max_effort)
        c.uptake = np.clip(new["uptake"], 0.0, 2.0)
    market.last_payoff = payoff
    for v in per.values():
        v[:] = 0.0
    return today


def list_score(scores: WindowScores, n: int, *, params: ModelParams) -> np.ndarray:
    """Each creator's score (0-1) on the lists merchants use, 0 when excluded (M12).

    The score, not the list position, is what adaptation values: it rises smoothly with
    the creator's own activity far below the positions merchants look at, so a creator
    ranked 300th still sees that more videos move it up (M15).
    """
    names = [name for name in params.merchants.lists_used if name in scores.list_scores]
    total = np.zeros(n)
    for name in names:
        total += np.nan_to_num(scores.list_scores[name], nan=0.0)
    total = np.where(scores.eligible, total, 0.0)
    return total / max(len(names), 1)


def remember(market: Market, today: Today, *, params: ModelParams) -> Today:
    """End of day (M15): add the day to the adaptation period's sums.

    The sums are :data:`sim.state.PERIOD_SUMS`: GMV, views, list score (:func:`list_score`),
    hours, pieces and stress per creator, and one day; stage 4 adds the missed samples.
    """
    c, work, out, per = market.creators, today.work, today.attention, market.period
    per["gmv"] += out["gmv_cents"] / 100.0
    per["views"] += out["views"].astype(np.float64)
    per["standing"] += list_score(market.scores, c.n, params=params)
    per["hours"] += work.hours
    per["pieces"] += work.videos + work.livestreams
    per["stress"] += c.stress
    per["days"] += 1.0
    return today
