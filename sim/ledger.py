"""The merchants' sample ledger: who sent each sample, and whom they no longer send to (O4).

The scoring engine's sample book (``scoring.fulfilment.SampleBook``) knows each sample's
creator and its dates; what the merchants need on top of it lives here, row for row with the
book: the sending merchant, the day it shipped, whether the creator forgot the sample, whether
it has been featured, and whether its decision has been booked. Per merchant-creator pair the
ledger counts missed samples; a pair with ``misses_before_blocking`` misses is blocked: the
merchant neither contacts the creator nor grants its requests again (O4). A newcomer in a
creator's slot starts with a clean record (:meth:`SampleLedger.forget_creators`).

Pairs are keys ``merchant * n_creators + creator`` kept sorted, so membership is a binary
search (:func:`sim.stages.in_sorted`) and a day's new misses merge without re-sorting history.
"""

from __future__ import annotations

import numpy as np

from scoring.fulfilment import FULFILLED_VIDEO, MISSED, ColumnStore

__all__ = ["SampleLedger"]


def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.flags.writeable = False
    return v


class SampleLedger:
    """Per sample (aligned with the engine's sample book) and per merchant-creator pair (O4).

    Parameters
    ----------
    n_creators
        Population size n (slots); pair keys are ``merchant * n + creator``.
    misses_before_blocking
        Missed samples after which a merchant blocks a creator (O4, ``merchants.
        misses_before_blocking``).
    """

    def __init__(self, n_creators: int, misses_before_blocking: int) -> None:
        self.n = int(n_creators)
        self.limit = int(misses_before_blocking)
        self._rows = ColumnStore(
            {
                "merchant": np.int64,
                "shipped": np.int64,
                "forget": np.bool_,
                "featured": np.bool_,
                "processed": np.bool_,
                "fee": np.float64,
            }
        )
        self._pairs = np.zeros(0, dtype=np.int64)  # sorted pair keys with a miss
        self._misses = np.zeros(0, dtype=np.int64)  # missed samples per pair
        self._blocked = np.zeros(0, dtype=np.int64)  # sorted pair keys at the limit

    # -- per sample ---------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Samples booked."""
        return self._rows.size

    @property
    def merchant(self) -> np.ndarray:
        """(samples,) the merchant who sent each sample (read-only)."""
        return _readonly(self._rows["merchant"])

    @property
    def shipped_day(self) -> np.ndarray:
        """(samples,) the day each sample was shipped (read-only)."""
        return _readonly(self._rows["shipped"])

    @property
    def forgotten(self) -> np.ndarray:
        """(samples,) the creator forgot the sample and will never feature it (read-only)."""
        return _readonly(self._rows["forget"])

    @property
    def featured(self) -> np.ndarray:
        """(samples,) a video or livestream has featured the sample (read-only)."""
        return _readonly(self._rows["featured"])

    @property
    def fee(self) -> np.ndarray:
        """(samples,) the paid offer's fee, paid when the sample is featured (0: unpaid)."""
        return _readonly(self._rows["fee"])

    def ship(
        self, merchant: np.ndarray, day: int, forget: np.ndarray, fee: np.ndarray | None = None
    ) -> None:
        """Book samples shipped on ``day``, just added to the sample book (same order)."""
        size = np.asarray(merchant).size
        false = np.zeros(size, dtype=bool)
        self._rows.append(
            merchant=merchant,
            shipped=np.full(size, day, dtype=np.int64),
            forget=forget,
            featured=false,
            processed=false,
            fee=np.zeros(size) if fee is None else np.asarray(fee, dtype=np.float64),
        )

    def feature(self, samples: np.ndarray) -> None:
        """Mark samples (row indices) as featured."""
        self._rows["featured"][samples] = True

    # -- per pair -----------------------------------------------------------------------
    @property
    def blocked(self) -> np.ndarray:
        """Sorted pair keys ``merchant * n + creator`` the merchant no longer serves (read-only)."""
        return _readonly(self._blocked)

    def misses(self, merchant: np.ndarray, creator: np.ndarray) -> np.ndarray:
        """Missed samples booked for each (merchant, creator) pair (0 for a clean pair)."""
        keys = np.asarray(merchant, dtype=np.int64) * self.n + np.asarray(creator, np.int64)
        if self._pairs.size == 0:
            return np.zeros(keys.shape, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._pairs, keys), self._pairs.size - 1)
        return np.where(self._pairs[pos] == keys, self._misses[pos], 0)

    def book_decisions(self, status: np.ndarray, creator: np.ndarray) -> np.ndarray:
        """Book the decisions not booked yet; return the creator of each new miss (O4).

        ``status`` and ``creator`` are the sample book's statuses and creators (``-1``: the
        creator left), aligned with the ledger. A decided sample is booked once; a missed
        sample of a current creator adds one miss to its pair, and pairs reaching the limit
        are blocked from now on.
        """
        decided = (status >= FULFILLED_VIDEO) & ~self._rows["processed"]
        missed = np.flatnonzero(decided & (status == MISSED) & (creator >= 0))
        who = creator[missed]
        if missed.size:
            keys = self._rows["merchant"][missed] * self.n + who
            new, new_counts = np.unique(keys, return_counts=True)
            # Merge into the sorted pair keys and their miss counts (no re-sort of history).
            pos = np.searchsorted(self._pairs, new)
            known = pos < self._pairs.size
            known[known] = self._pairs[pos[known]] == new[known]
            self._misses[pos[known]] += new_counts[known]
            self._pairs = np.insert(self._pairs, pos[~known], new[~known])
            self._misses = np.insert(self._misses, pos[~known], new_counts[~known])
            self._blocked = self._pairs[self._misses >= self.limit]
        self._rows["processed"][decided] = True
        return who

    def forget_creators(self, slots: np.ndarray) -> None:
        """Clear the pair records of ``slots``: their newcomers start clean with every merchant."""
        replaced = np.zeros(self.n, dtype=bool)
        replaced[slots] = True
        keep = ~replaced[self._pairs % self.n]
        self._pairs, self._misses = self._pairs[keep], self._misses[keep]
        self._blocked = self._pairs[self._misses >= self.limit]
