"""Rolling window sums of creators' daily activity (M5: a day, a week or a month).

The engine is fed one day at a time. For every window it keeps, per counter, the exact sum over
the window's days and, for the growth index (M7.2), over the window just before it. Sums are
updated by adding the new day and subtracting the day that leaves, so a daily update costs a few
vector operations per counter whatever the window length. All counters are integers (GMV is
kept in cents) so the rolling sums are exact, and a day's sums do not depend on the order or the
batching in which earlier days were fed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["COUNTERS", "GROWTH_COUNTERS", "ActivityWindows", "gmv_to_cents"]

#: Daily counters of the data contract (``activity`` table), with their storage type.
#: GMV is stored in cents (minor currency units) so that sums are exact.
COUNTERS: dict[str, type] = {
    "videos": np.int32,
    "livestreams": np.int32,
    "live_minutes": np.int32,
    "products_linked": np.int32,
    "views": np.int32,
    "watch_seconds": np.int64,
    "engagements": np.int32,
    "product_views": np.int32,
    "orders": np.int32,
    "gmv_cents": np.int64,
    "active": np.int8,  # 1 if the creator posted a video or went live that day (M6)
}
#: Counters whose previous-window sum the growth index needs (M7.2, O1).
GROWTH_COUNTERS: tuple[str, ...] = ("views", "product_views", "gmv_cents")


def gmv_to_cents(gmv: np.ndarray) -> np.ndarray:
    """Currency amounts to integer cents (rounded half to even), the engine's GMV unit."""
    return np.rint(np.asarray(gmv, dtype=np.float64) * 100.0).astype(np.int64)


class ActivityWindows:
    """Exact rolling sums over the last ``L`` days (and the ``L`` before) for each window.

    Parameters
    ----------
    followers_start
        (n,) followers at the start of the first day.
    window_days
        Window lengths to maintain, e.g. ``(1, 7, 30)``.
    first_day
        The day number of the first :meth:`push`.
    """

    def __init__(
        self, followers_start: np.ndarray, window_days: tuple[int, ...], first_day: int = 0
    ) -> None:
        f0 = np.asarray(followers_start, dtype=np.int64)
        self.n = f0.size
        self.window_days = tuple(sorted(set(int(w) for w in window_days)))
        self.depth = max(self.window_days)
        self.first_day = int(first_day)
        self.day = self.first_day - 1  # last day pushed
        m, n = self.depth, self.n
        # Ring of the last m days for every counter; a second ring of the m days before
        # those for the growth counters (day d sits in slot d % m of both).
        self._ring = {k: np.zeros((m, n), dtype=t) for k, t in COUNTERS.items()}
        self._old = {k: np.zeros((m, n), dtype=COUNTERS[k]) for k in GROWTH_COUNTERS}
        # Followers at the end of each of the last m days; before the first day, the start.
        self._followers = np.empty((m, n), dtype=np.int64)
        self._followers[:] = f0
        self.followers_start = f0
        self.followers = f0.copy()  # followers at the end of the last day pushed
        self._followers_leaving = f0.copy()
        self.last_active_day = np.full(n, np.iinfo(np.int32).min, dtype=np.int64)
        self.sums = {
            w: {k: np.zeros(n, dtype=np.int64) for k in COUNTERS} for w in self.window_days
        }
        self.prev_sums = {
            w: {k: np.zeros(n, dtype=np.int64) for k in GROWTH_COUNTERS} for w in self.window_days
        }

    def push(self, day: int, counters: Mapping[str, np.ndarray], followers: np.ndarray) -> None:
        """Add one day of activity (every creator, zeros for the inactive).

        ``counters`` holds the contract counters (``gmv_cents`` in cents; ``active`` is derived
        here from videos and livestreams); ``followers`` is each creator's level at the end of
        the day.
        """
        if day != self.day + 1:
            raise ValueError(
                f"days must be pushed in order: expected day {self.day + 1}, got {day}"
            )
        m = self.depth
        slot = day % m
        x = {}
        for k, t in COUNTERS.items():
            if k == "active":
                continue
            a = np.asarray(counters[k])
            if a.shape != (self.n,):
                raise ValueError(f"counter {k!r} has shape {a.shape}, expected ({self.n},)")
            if a.size and (a.min() < 0 or a.max() > np.iinfo(t).max):
                bad = int(np.flatnonzero((a < 0) | (a > np.iinfo(t).max))[0])
                raise ValueError(
                    f"day {day}: counter {k!r} of creator #{bad} is {a[bad].item()!r}; "
                    f"allowed: an integer in [0, {np.iinfo(t).max}] per day"
                )
            x[k] = a.astype(t, copy=False)
        x["active"] = ((x["videos"] > 0) | (x["livestreams"] > 0)).astype(np.int8)
        # Views of the rows that leave (day - m, and day - 2m for growth); they are read
        # before the slot is overwritten at the end of this method.
        leaving = {k: self._ring[k][slot] for k in COUNTERS}
        leaving_old = {k: self._old[k][slot] for k in GROWTH_COUNTERS}
        for w in self.window_days:
            cur, prev = self.sums[w], self.prev_sums[w]
            for k in COUNTERS:
                out_k = leaving[k] if w == m else self._ring[k][(day - w) % m]
                cur[k] += x[k]
                cur[k] -= out_k
                if k in GROWTH_COUNTERS:
                    prev[k] += out_k
                    prev[k] -= self._value_at(k, day - 2 * w, day, leaving, leaving_old)
        for k in GROWTH_COUNTERS:
            self._old[k][slot] = leaving[k]
        for k in COUNTERS:
            self._ring[k][slot] = x[k]
        f = np.asarray(followers, dtype=np.int64)
        self._followers_leaving = self._followers[slot].copy()
        self._followers[slot] = f
        self.followers = f
        self.last_active_day[x["active"] > 0] = day
        self.day = day

    def reset(self, slots: np.ndarray, followers: np.ndarray) -> None:
        """Give ``slots`` a fresh history (a new creator takes them): no activity, ``followers``
        at every past day."""
        slots = np.asarray(slots, dtype=np.int64)
        f = np.asarray(followers, dtype=np.int64)
        for ring in (self._ring, self._old):
            for a in ring.values():
                a[:, slots] = 0
        for sums in (*self.sums.values(), *self.prev_sums.values()):
            for a in sums.values():
                a[slots] = 0
        self._followers[:, slots] = f
        self._followers_leaving[slots] = f
        self.followers = self.followers.copy()
        self.followers[slots] = f
        self.last_active_day[slots] = np.iinfo(np.int32).min

    def _value_at(self, k: str, d: int, day: int, leaving: dict, leaving_old: dict) -> np.ndarray:
        """Counter ``k`` on day ``d`` (day - 2m <= d < day), read before ``day`` is written."""
        m = self.depth
        age = day - d
        if age < m:
            return self._ring[k][d % m]
        if age == m:
            return leaving[k]
        if age < 2 * m:
            return self._old[k][d % m]
        return leaving_old[k]

    def followers_before(self, window: int) -> np.ndarray:
        """Followers at the end of the day before the window (the start of the window)."""
        if window == self.depth:
            return self._followers_leaving
        return self._followers[(self.day - window) % self.depth]

    def history_days(self) -> int:
        """Number of days pushed so far."""
        return self.day - self.first_day + 1
