"""Stage 7 (M15): creators leave (viability, burnout); newcomers take vacant slots."""

from __future__ import annotations

import numpy as np

from ..population import creator_rows, newcomers
from ..scenario import ModelParams, TurnoverParams
from ..slots import draw_entrants, id_ranks
from ..state import Market, Today

__all__ = ["exits", "leave_and_join", "viability"]


def exits(
    active: np.ndarray,
    burnt: np.ndarray,
    unviable: np.ndarray,
    *,
    params: TurnoverParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 7 (M15): which active creators leave today.

    Every creator whose viability failed (``unviable``: ``viability_days`` days in a row with
    both its discounted income and views below its reservation levels, Mladenov et al. 2020)
    leaves; any other leaves with probability ``exit_base`` + ``exit_burnout`` (burnt out).
    """
    p = params.exit_base + params.exit_burnout * burnt
    return active & (unviable | (rng.random(active.size) < np.minimum(p, 1.0)))


def viability(c, *, params: TurnoverParams) -> np.ndarray:
    """Update the days in a row below both reservation levels; (n,) True where they run out.

    A creator is below when its discounted income a day is under ``reservation_income`` and
    its discounted views a day under ``reservation_views`` (its own, lognormal). Reads and
    updates ``c.below_days``.
    """
    below = (c.income_record < c.reservation_income) & (c.views_record < c.reservation_views)
    c.below_days = np.where(below & c.active, c.below_days + 1, 0)
    return c.below_days >= params.viability_days


def leave_and_join(
    market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator
) -> Today:
    """Stage 7 (M15): exits, then newcomers in vacant slots (:mod:`sim.slots`).

    Leavers vacate their slots (:func:`exits` after :func:`viability`); after the burn-in
    their rows go to the creators table's archive (``market.archive``) with ``left_day``.
    Newcomers (:func:`sim.slots.draw_entrants`) get the next ids, fresh traits and audiences
    at O6's floor (:func:`sim.population.newcomers`), start work tomorrow, and take a clean
    slot: a fresh history in the engine with the id order updated (:func:`sim.slots.id_ranks`),
    a clean record with every merchant (the ledger) and zero period sums. Adds the tallies
    ``exits_today`` and ``entries_today`` and ``today.entered`` (the slots taken).
    """
    t, c, day = params.turnover, market.creators, today.day
    unviable = viability(c, params=t)
    leaving = exits(c.active, c.burnt_days_left > 0, unviable, params=t, rng=rng)
    c.active = c.active & ~leaving
    gone = np.flatnonzero(leaving)
    c.left_day[gone] = day
    if gone.size and day >= market.burn_in:
        market.archive.append(creator_rows(c, gone, day_offset=market.burn_in))
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
        c.last_payoff[slots] = np.nan
    return today.add(
        {"exits_today": int(leaving.sum()), "entries_today": k}, entered=slots, left=gone
    )
