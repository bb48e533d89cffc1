"""The merchants' sample ledger (O4): misses per merchant-creator pair, blocks, clean slots."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.fulfilment import FULFILLED_LIVE, FULFILLED_VIDEO, MISSED, PENDING
from sim.ledger import SampleLedger
from sim.stages import in_sorted


def _ledger(n=5, limit=1, merchants=(0, 0, 1, 2)):
    led = SampleLedger(n, limit)
    m = np.array(merchants)
    led.ship(m, 3, np.zeros(m.size, dtype=bool))
    return led


def test_shipping_books_rows_in_order_unfeatured():
    led = _ledger()
    led.ship(np.array([4]), 7, np.array([True]))
    assert led.size == 5
    assert led.merchant.tolist() == [0, 0, 1, 2, 4]
    assert led.shipped_day.tolist() == [3, 3, 3, 3, 7]
    assert led.forgotten.tolist() == [False] * 4 + [True]
    led.feature(np.array([1, 4]))
    assert led.featured.tolist() == [False, True, False, False, True]
    with pytest.raises(ValueError):
        led.merchant[0] = 9  # views are read-only


def test_a_miss_blocks_the_pair_at_the_limit_and_only_that_pair():
    led = _ledger(n=5, limit=1)
    creator = np.array([1, 2, 1, 3])
    status = np.array([MISSED, FULFILLED_VIDEO, PENDING, MISSED], dtype=np.int8)
    who = led.book_decisions(status, creator)
    assert sorted(who.tolist()) == [1, 3]  # the creators of the new misses
    # pairs (merchant 0, creator 1) and (2, 3) are blocked; (0, 2) fulfilled, (1, 1) pending
    assert led.blocked.tolist() == [0 * 5 + 1, 2 * 5 + 3]
    assert led.misses(np.array([0, 2, 0, 1]), np.array([1, 3, 2, 1])).tolist() == [1, 1, 0, 0]
    assert in_sorted(np.array([1, 13, 2]), led.blocked).tolist() == [True, True, False]


def test_each_decision_is_booked_once():
    led = _ledger(n=5, limit=2, merchants=(0, 0))
    creator = np.array([1, 1])
    first = np.array([MISSED, PENDING], dtype=np.int8)
    assert led.book_decisions(first, creator).tolist() == [1]
    assert led.blocked.size == 0  # one miss of two allowed
    # the same miss seen again the next day does not count twice; the second one does
    again = np.array([MISSED, MISSED], dtype=np.int8)
    assert led.book_decisions(again, creator).tolist() == [1]
    assert led.misses(np.array([0]), np.array([1])).tolist() == [2]
    assert led.blocked.tolist() == [1]
    assert led.book_decisions(again, creator).size == 0


def test_samples_of_creators_who_left_count_for_nobody():
    led = _ledger(n=5, limit=1, merchants=(0,))
    who = led.book_decisions(np.array([MISSED], dtype=np.int8), np.array([-1]))
    assert who.size == 0 and led.blocked.size == 0


def test_a_newcomer_starts_with_a_clean_record():
    led = _ledger(n=5, limit=1)
    creator = np.array([1, 2, 4, 1])
    status = np.array([MISSED, MISSED, MISSED, FULFILLED_LIVE], dtype=np.int8)
    led.book_decisions(status, creator)
    assert led.blocked.tolist() == [1, 2, 1 * 5 + 4]
    led.forget_creators(np.array([1, 4]))  # newcomers take slots 1 and 4
    assert led.blocked.tolist() == [2]
    assert led.misses(np.array([0, 1]), np.array([1, 4])).tolist() == [0, 0]
