"""Stage 6 (M15): creators adjust effort and sample uptake to what pays, every few weeks."""

from __future__ import annotations

import numpy as np

from ..scenario import AdaptationParams, ModelParams
from ..state import Market, Today

__all__ = [
    "EXP3_LEVELS",
    "adapt",
    "effort_step",
    "exp3_levels",
    "exp3_step",
    "hours_cost",
    "imitate",
    "remember",
]


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
    direction: np.ndarray,
    payoff: np.ndarray,
    last_payoff: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 6 (M15): one finite-difference gradient step of effort on the own payoff history.

    A creator keeps moving effort the way it last moved (``direction`` +1 or -1) while its
    payoff per day rose since the last period, and turns round when it fell (a step along
    the sign of the observed slope: learning-direction theory, Selten and Buchta 1999; the
    own-history gradient of Arrow and Hurwicz). Effort moves by ``learning_rate`` plus
    Gaussian noise (sd ``noise``), clipped to [0.1, ``max_effort``]. ``last_payoff`` NaN:
    no history yet, keep the direction. Returns (effort, direction).
    """
    fell = payoff < last_payoff  # NaN compares False: keep going
    direction = np.where(fell, -direction, direction)
    new = effort + params.learning_rate * direction
    if params.noise > 0:
        new = new + rng.normal(0.0, params.noise, effort.size)
    return np.clip(new, 0.1, params.max_effort), direction


#: The effort levels the EXP3 learners choose between.
EXP3_LEVELS = 8


def exp3_levels(params: AdaptationParams) -> np.ndarray:
    """The bandit's arms: :data:`EXP3_LEVELS` effort levels from 0.25 to ``max_effort``."""
    return np.linspace(0.25, params.max_effort, EXP3_LEVELS)


def exp3_step(
    log_w: np.ndarray,
    arm: np.ndarray,
    reward: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 6 (M15): one round of EXP3 (Auer, Cesa-Bianchi, Freund, Schapire 2002) per creator.

    ``log_w`` (n, K) log-weights over the effort levels, ``arm`` (n,) the level played this
    period, ``reward`` (n,) its reward in [0, 1]. The played arm's weight grows by
    ``exp(gamma x reward / p_arm)`` (importance-weighted; Auer et al.'s rate gamma / K is
    raised K-fold because a creator reviews only about 26 times a year), then the next arm is
    drawn from ``(1 - gamma) x softmax(log_w) + gamma / K``. No-regret against the best fixed
    effort level in hindsight. Returns (log_w, next arm).
    """
    n, k = log_w.shape
    g = params.exp3_gamma

    def probs(lw: np.ndarray) -> np.ndarray:
        w = np.exp(lw - lw.max(axis=1, keepdims=True))
        return (1.0 - g) * w / w.sum(axis=1, keepdims=True) + g / k

    p_played = probs(log_w)[np.arange(n), arm]
    log_w = log_w.copy()
    log_w[np.arange(n), arm] += g * np.clip(reward, 0.0, 1.0) / p_played
    cum = np.cumsum(probs(log_w), axis=1)
    nxt = (cum < rng.random(n)[:, None] * cum[:, -1:]).sum(axis=1)
    return log_w, np.minimum(nxt, k - 1)


def hours_cost(
    hours: np.ndarray, capacity: np.ndarray, stress: np.ndarray, *, params: AdaptationParams
) -> np.ndarray:
    """Convex daily cost of hours (issue 11 point 2), currency, (n,).

    ``hour_cost x H x [h / H + overtime_convexity x max(0, h / H - 1)^2] x (1 + stress_cost
    x stress)`` for h hours against capacity H: an hour beyond capacity costs more than one
    within it (assumed form; convex production cost as in Jagadeesan et al. 2023).
    """
    cap = np.maximum(capacity, 1e-9)
    load = hours / cap
    over = np.maximum(load - 1.0, 0.0)
    base = params.hour_cost * cap * (load + params.overtime_convexity * over**2)
    return base * (1.0 + params.stress_cost * stress)


def adapt(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 6 (M15): at the end of every adaptation period, creators adapt; the period resets.

    The period's payoff per day is what the creator observed: income (commission on its GMV
    and paid offers' fees) minus the convex cost of its hours (:func:`hours_cost`). Under
    ``gradient`` effort takes an :func:`effort_step` on it; under ``imitation`` effort is
    imitated (:func:`imitate`, Schlag 1998); under ``exp3`` each creator plays an effort level
    chosen by :func:`exp3_step`, rewarded by ``0.5 + 0.5 tanh(payoff / (hour_cost x
    capacity))``; under ``none`` nothing moves. Sample uptake is imitated under every rule but
    ``none``. The period's sums then restart at 0.
    """
    a, c, per = params.adaptation, market.creators, market.period
    if (today.day + 1) % a.every_days:
        return today
    days = np.maximum(per["days"], 1.0)
    payoff = (per["income"] - per["cost"]) / days
    if a.rule != "none":
        starts = market.category_starts
        if a.rule == "gradient":
            c.effort, c.direction = effort_step(
                c.effort, c.direction, payoff, c.last_payoff, params=a, rng=rng
            )
            new = imitate({"uptake": c.uptake}, payoff, starts, c.category, params=a, rng=rng)
        elif a.rule == "exp3":
            levels = exp3_levels(a)
            if market.exp3_logw is None:
                market.exp3_logw = np.zeros((c.n, levels.size))
                market.exp3_arm = np.abs(levels[None, :] - c.effort[:, None]).argmin(axis=1)
            scale = a.hour_cost * np.maximum(c.capacity_hours, 0.5) + 1e-9
            reward = 0.5 + 0.5 * np.tanh(payoff / scale)
            market.exp3_logw, market.exp3_arm = exp3_step(
                market.exp3_logw, market.exp3_arm, reward, params=a, rng=rng
            )
            c.effort = levels[market.exp3_arm]
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
    c.last_payoff = np.where(per["days"] > 0, payoff, np.nan)
    market.last_payoff = payoff
    for v in per.values():
        v[:] = 0.0
    return today


def remember(market: Market, today: Today, *, params: ModelParams) -> Today:
    """End of day (M15): the day's observed payoff goes into the period's sums and totals.

    Income = commission x GMV + paid offers' fees (``today.fees``); cost =
    :func:`hours_cost` at today's capacity. The adaptation period's sums
    (:data:`sim.state.PERIOD_SUMS`) and the creators' running totals (income, commission,
    GMV, views, pieces, hours, active days) grow by the day (active creators only); the
    viability records (``turnover.viability_memory``) move towards today's income and views.
    """
    c, work, out, per = market.creators, today.work, today.attention, market.period
    act = c.active
    gmv = out["gmv_cents"] / 100.0
    fees = today.fees if today.fees is not None else np.zeros(c.n)
    commission = params.merchants.commission * gmv
    income = commission + fees
    views = out["views"].astype(np.float64)
    pieces = work.videos + work.livestreams
    burnt = c.burnt_days_left > 0
    cap = c.capacity_hours * np.where(burnt, params.burnout.burnt_capacity, 1.0)
    cost = np.where(act, hours_cost(work.hours, cap, c.stress, params=params.adaptation), 0.0)
    per["gmv"] += gmv
    per["income"] += income
    per["cost"] += cost
    per["views"] += views
    per["hours"] += work.hours
    per["pieces"] += pieces
    per["stress"] += c.stress
    per["days"] += act
    c.income += income
    c.commission += commission
    c.fees += fees
    c.gmv += gmv
    c.views += views
    c.pieces += pieces
    c.hours += work.hours
    c.active_days += act
    c.workload_sum += np.where(act, c.workload, 0.0)
    d = params.turnover.viability_memory
    c.income_record = np.where(act, d * c.income_record + (1 - d) * income, c.income_record)
    c.views_record = np.where(act, d * c.views_record + (1 - d) * views, c.views_record)
    return today
