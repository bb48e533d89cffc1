"""Slot upkeep at turnover (M15): which vacant slots newcomers take, and their id order.

The population is a fixed number of slots in category order (the engine's fast path); a
creator who leaves vacates its slot, and a newcomer may take it later, keeping the slot's
category. Ids are never reused: newcomers get the next ids, so they have the largest ids, and
the lists break ties by id (M6). The engine therefore needs, per slot, the rank of its
occupant's id among all occupants (``ScoringState`` ``tiebreak``): :func:`id_ranks` updates it
without sorting the ids again.
"""

from __future__ import annotations

import numpy as np

from .scenario import TurnoverParams

__all__ = ["draw_entrants", "id_ranks"]


def draw_entrants(
    active: np.ndarray, n_start: int, *, params: TurnoverParams, rng: np.random.Generator
) -> np.ndarray:
    """Stage 7 (M15): the vacant slots newcomers take today, ascending.

    Poisson(``entry_rate * n_start``) newcomers, at most one per vacant slot, each slot equally
    likely.
    """
    vacant = np.flatnonzero(~active)
    k = min(int(rng.poisson(params.entry_rate * n_start)), vacant.size)
    return np.sort(rng.choice(vacant, size=k, replace=False)) if k else vacant[:0]


def id_ranks(rank: np.ndarray | None, slots: np.ndarray, n: int) -> np.ndarray:
    """Rank of each slot's id after newcomers with the next ids take ``slots`` (ascending).

    ``rank`` is the rank of each of the ``n`` slots' ids before (``None``: array position is
    id order, as at the start). The leavers' ranks are removed, everyone else keeps their
    order, and the newcomers take the top ranks in slot order (their ids ascend with the
    slots). Returns a new array.
    """
    k = np.asarray(slots).size
    rank = np.arange(n) if rank is None else rank
    gone = np.sort(rank[slots])
    rank = rank - np.searchsorted(gone, rank)
    rank[slots] = n - k + np.arange(k)
    return rank
