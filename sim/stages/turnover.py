"""Stage 7 (M15): creators leave (burnout, no pay); newcomers take vacant slots."""

from __future__ import annotations

import numpy as np

from ..population import newcomers
from ..scenario import ModelParams, TurnoverParams
from ..slots import draw_entrants, id_ranks
from ..state import Market, Today

__all__ = ["exits", "leave_and_join"]


def exits(
    active: np.ndarray,
    burnt: np.ndarray,
    unpaid: np.ndarray,
    *,
    params: TurnoverParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 6 (M15): which active creators leave today.

    Probability ``exit_base`` + ``exit_burnout`` (burnt out) + ``exit_unpaid`` (the last
    period's payoff was negative), capped at 1.
    """
    p = params.exit_base + params.exit_burnout * burnt + params.exit_unpaid * unpaid
    return active & (rng.random(active.size) < np.minimum(p, 1.0))


def leave_and_join(
    market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator
) -> Today:
    """Stage 7 (M15): exits, then newcomers in vacant slots (:mod:`sim.slots`).

    Leavers vacate their slots (:func:`exits`). Newcomers (:func:`sim.slots.draw_entrants`)
    get the next ids, fresh traits and small audiences (:func:`sim.population.newcomers`),
    start work tomorrow, and take a clean slot: a fresh history in the engine with the id
    order updated (:func:`sim.slots.id_ranks`), a clean record with every merchant (the
    ledger) and zero period sums. Adds the tallies ``exits_today`` and ``entries_today`` and
    ``today.entered`` (the slots taken).
    """
    t, c, day = params.turnover, market.creators, today.day
    leaving = exits(c.active, c.burnt_days_left > 0, market.last_payoff < 0, params=t, rng=rng)
    c.active = c.active & ~leaving
    slots = draw_entrants(c.active, market.n_start, params=t, rng=rng)
    k = slots.size
    if k:
        ids = market.next_id + np.arange(k)
        market.next_id += k
        followers = newcomers(c, slots, ids, params, rng=rng)
        c.joined_day[slots] = day + 1  # they start work tomorrow
        rank = id_ranks(market.scoring.tiebreak, slots, c.n)
        market.scoring.replace_creators(slots, followers, tiebreak=rank)
        market.ledger.forget_creators(slots)  # the newcomer starts with a clean record
        for v in market.period.values():
            v[slots] = 0.0
        market.last_payoff[slots] = 0.0
    return today.add({"exits_today": int(leaving.sum()), "entries_today": k}, entered=slots)
