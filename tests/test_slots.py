"""Slot upkeep at turnover (M15): vacant slots for newcomers and the id order of the slots."""

from __future__ import annotations

import numpy as np

from sim.scenario import TurnoverParams
from sim.slots import draw_entrants, id_ranks


def _rank_of(ids: np.ndarray) -> np.ndarray:
    rank = np.empty(ids.size, dtype=np.int64)
    rank[np.argsort(ids)] = np.arange(ids.size)
    return rank


def test_id_ranks_hand_case():
    # ids 0..4 in slots 0..4; newcomers with ids 5, 6 take slots 1 and 3
    rank = id_ranks(None, np.array([1, 3]), 5)
    assert rank.tolist() == [0, 3, 1, 4, 2]
    assert rank.tolist() == _rank_of(np.array([0, 5, 2, 6, 4])).tolist()


def test_id_ranks_follow_the_ids_over_many_turnovers():
    rng = np.random.default_rng(4)
    n = 50
    ids, next_id, rank = np.arange(n), n, None
    for _ in range(40):
        k = int(rng.integers(0, 8))
        slots = np.sort(rng.choice(n, size=k, replace=False))
        before = None if rank is None else rank.copy()
        rank = id_ranks(rank, slots, n)
        ids[slots] = next_id + np.arange(k)
        next_id += k
        np.testing.assert_array_equal(rank, _rank_of(ids))
        if before is not None:
            assert before is not rank  # a new array: the engine's copy is not changed


def test_draw_entrants_takes_only_vacant_slots_at_the_entry_rate():
    rng = np.random.default_rng(5)
    active = np.ones(10_000, dtype=bool)
    active[::4] = False  # 2,500 vacant
    p = TurnoverParams(entry_rate=0.01)
    sizes = []
    for _ in range(200):
        slots = draw_entrants(active, 10_000, params=p, rng=rng)
        assert not active[slots].any()
        assert np.all(np.diff(slots) > 0)  # ascending, no slot twice
        sizes.append(slots.size)
    assert abs(np.mean(sizes) - 100) < 3  # Poisson(0.01 x 10,000)


def test_draw_entrants_never_more_than_the_vacant_slots():
    rng = np.random.default_rng(6)
    active = np.ones(1000, dtype=bool)
    active[[3, 7]] = False
    slots = draw_entrants(active, 1000, params=TurnoverParams(entry_rate=0.5), rng=rng)
    assert slots.tolist() == [3, 7]
    none = draw_entrants(np.ones(5, dtype=bool), 5, params=TurnoverParams(), rng=rng)
    assert none.size == 0
