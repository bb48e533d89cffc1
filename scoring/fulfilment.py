"""Free-sample fulfilment (M10, M11, M11a; later rules O2, O3).

After a merchant ships a free sample the creator has a window to feature it: in a public video
that stays up a number of days *straight* (a deleted and re-posted video starts again), or for a
number of *continuous* livestream minutes (two shorter segments do not add up). Missing the
window counts against the creator's fulfilment rate and cooperation index (M11).

Rules, with the policy field that sets each (``FulfilmentRule``):

* the clock starts on the shipping day (M10) or the delivery day (O2) (``clock_start``); a
  missing delivery day is the shipping day plus ``shipping_days`` (M11a);
* the deadline is ``clock + window_days + extension_days``: a feature must start on or before it;
* a video posted on day ``s`` and taken down on day ``e`` was up on days ``s .. e-1``; it
  fulfils the sample when it was up ``retention_days`` days straight, decided at the end of day
  ``s + retention_days - 1``; if ``retention_must_end_in_window``, that day must also be on or
  before the deadline;
* a livestream fulfils it on its day when its longest continuous segment showing the product is
  at least ``live_continuous_minutes``;
* a sample is *missed* once no feature posted by the deadline can still fulfil it: at the
  deadline if nothing was posted, or on the day the last candidate video came down early.

Statuses are evaluated *as of* a day: nothing that happens after it is used (a video still up
on that day counts as up), so the same data scored on successive days gives the history a
merchant would have seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .policy import FulfilmentRule

__all__ = [
    "FULFILLED_LIVE",
    "FULFILLED_VIDEO",
    "KIND_LIVE",
    "KIND_VIDEO",
    "MISSED",
    "NOT_SHIPPED",
    "PENDING",
    "STATUS_NAMES",
    "ColumnStore",
    "SampleBook",
    "SampleStatus",
    "members",
]

NOT_SHIPPED, PENDING, FULFILLED_VIDEO, FULFILLED_LIVE, MISSED = -1, 0, 1, 2, 3
STATUS_NAMES = {
    NOT_SHIPPED: "not_shipped",
    PENDING: "pending",
    FULFILLED_VIDEO: "fulfilled_video",
    FULFILLED_LIVE: "fulfilled_live",
    MISSED: "missed",
}
KIND_VIDEO, KIND_LIVE = 0, 1
_NEVER = np.iinfo(np.int64).max // 4  # a day that never comes


@dataclass(frozen=True)
class SampleStatus:
    """Every sample's status as of ``day`` (arrays aligned with the book's samples)."""

    day: int
    status: np.ndarray  # int8, one of the status codes
    decided_day: np.ndarray  # int64, -1 while pending / not shipped
    clock_day: np.ndarray  # int64, the day the window's clock started
    deadline_day: np.ndarray  # int64, the last day a feature may start


class ColumnStore:
    """An append-only store of equal-length columns (amortised growth), for event arrays."""

    def __init__(self, dtypes: dict[str, type]) -> None:
        self._dtypes = dtypes
        self._cols = {k: np.zeros(16, dtype=t) for k, t in dtypes.items()}
        self.size = 0
        self.version = 0  # bumped on every change, so cached results can tell they are stale

    def append(self, **cols: np.ndarray) -> np.ndarray:
        arrays = {k: np.atleast_1d(np.asarray(cols[k])) for k in self._dtypes}
        m = max(a.size for a in arrays.values())
        need = self.size + m
        cap = self._cols[next(iter(self._cols))].size
        if need > cap:
            new = max(need, 2 * cap)
            for k, a in self._cols.items():
                b = np.zeros(new, dtype=a.dtype)
                b[: self.size] = a[: self.size]
                self._cols[k] = b
        for k, a in arrays.items():
            self._cols[k][self.size : need] = a
        idx = np.arange(self.size, need)
        self.size = need
        self.version += 1
        return idx

    def __getitem__(self, k: str) -> np.ndarray:
        return self._cols[k][: self.size]


def members(c: np.ndarray, creators: np.ndarray) -> np.ndarray:
    """Which entries of ``c`` (creator indices, -1 = nobody) are in ``creators``: O(len(c))."""
    creators = np.asarray(creators, dtype=np.int64)
    if creators.size == 0 or c.size == 0:
        return np.zeros(c.shape, dtype=bool)
    table = np.zeros(max(int(c.max()), int(creators.max())) + 2, dtype=bool)
    table[creators] = True
    return table[c]  # -1 looks at the last entry, which is always False


class SampleBook:
    """Samples shipped to creators and the videos and livestreams that featured them.

    The simulator appends samples and features day by day; the table path appends a whole
    dataset at once. :meth:`status` evaluates every sample as of a day, vectorised over samples
    and features.
    """

    def __init__(self, *, incremental: bool = False) -> None:
        self.incremental = incremental
        self._cache: tuple | None = None
        self._samples = ColumnStore(
            {"creator": np.int64, "shipped": np.int64, "delivered": np.int64}
        )
        self._features = ColumnStore(
            {
                "sample": np.int64,
                "kind": np.int8,
                "start": np.int64,
                "end": np.int64,
                "minutes": np.float64,
            }
        )

    @property
    def n_samples(self) -> int:
        return self._samples.size

    @property
    def n_features(self) -> int:
        return self._features.size

    @property
    def creator(self) -> np.ndarray:
        """(n_samples,) index of the creator each sample was sent to."""
        return self._samples["creator"]

    def add_samples(
        self, creator: np.ndarray, shipped_day: np.ndarray, delivered_day: np.ndarray | None = None
    ) -> np.ndarray:
        """Record shipped samples; ``delivered_day`` -1 (or None) means not recorded."""
        creator = np.atleast_1d(np.asarray(creator, dtype=np.int64))
        if delivered_day is None:
            delivered_day = np.full(creator.size, -1, dtype=np.int64)
        return self._samples.append(creator=creator, shipped=shipped_day, delivered=delivered_day)

    def add_features(
        self,
        sample: np.ndarray,
        kind: np.ndarray,
        start_day: np.ndarray,
        end_day: np.ndarray | None = None,
        continuous_minutes: np.ndarray | None = None,
    ) -> np.ndarray:
        """Record features: ``kind`` 0 = video, 1 = live; ``end_day`` -1 = still up."""
        sample = np.atleast_1d(np.asarray(sample, dtype=np.int64))
        m = sample.size
        if sample.size and (sample.min() < 0 or sample.max() >= self.n_samples):
            raise ValueError("a feature refers to a sample that is not in the book")
        end = np.full(m, -1, dtype=np.int64) if end_day is None else end_day
        minutes = np.full(m, np.nan) if continuous_minutes is None else continuous_minutes
        return self._features.append(
            sample=sample, kind=kind, start=start_day, end=end, minutes=minutes
        )

    @property
    def delivered_day(self) -> np.ndarray:
        """(n_samples,) recorded delivery day, -1 where not recorded."""
        return self._samples["delivered"]

    def detach(self, creators: np.ndarray) -> None:
        """Forget whose samples these were (the creators left; their slots are reused): the
        samples keep their statuses but count for nobody (creator -1)."""
        c = self._samples["creator"]
        c[members(c, creators)] = -1
        self._samples.version += 1

    def videos_up(self) -> np.ndarray:
        """Indices of the featuring videos still up (no take-down recorded)."""
        f = self._features
        return np.flatnonzero((f["kind"] == KIND_VIDEO) & (f["end"] < 0))

    def take_down(self, feature: np.ndarray, day: int) -> None:
        """Record that videos were taken down on ``day`` (they were up until the day before)."""
        self._features["end"][np.asarray(feature, dtype=np.int64)] = day
        self._features.version += 1

    @property
    def version(self) -> tuple[int, int]:
        """Changes so far (samples, features): a cache key for results computed from the book."""
        return (self._samples.version, self._features.version)

    def status(self, day: int, rule: FulfilmentRule) -> SampleStatus:
        """Status of every sample as of the end of ``day`` under ``rule``.

        With ``incremental`` set (the simulator sets it), a sample decided in an earlier call
        is not evaluated again when days are asked in order under one rule, so the cost
        follows the open samples, not the history. That is exact when no feature of a
        decided sample is added or changed in a way that would change its decision, and when
        no feature is added for a day already evaluated: true for a caller that features only
        open samples and asks for yesterday's status before adding today's features.
        """
        s = self._samples
        shipped, delivered = s["shipped"], s["delivered"]
        if rule.clock_start == "shipped":
            clock = shipped.copy()
        else:
            clock = np.where(delivered >= 0, delivered, shipped + rule.shipping_days)
        deadline = clock + rule.window_days + rule.extension_days
        n = self.n_samples
        cache = self._cache
        if self.incremental and cache is not None and cache[0] == rule and cache[1] <= day:
            old_status, old_decided = cache[2], cache[3]
            status = np.full(n, PENDING, dtype=np.int8)
            decided = np.full(n, -1, dtype=np.int64)
            status[: old_status.size] = old_status
            decided[: old_decided.size] = old_decided
            open_ = np.ones(n, dtype=bool)
            open_[: old_status.size] = (old_status == PENDING) | (old_status == NOT_SHIPPED)
        else:
            status = np.full(n, PENDING, dtype=np.int8)
            decided = np.full(n, -1, dtype=np.int64)
            open_ = np.ones(n, dtype=bool)
        idx = np.flatnonzero(open_)
        st, dd = self._evaluate(idx, open_, deadline, day, rule)
        status[idx] = st
        decided[idx] = dd
        self._cache = (rule, day, status, decided)
        return SampleStatus(day, status, decided, clock, deadline)

    def _evaluate(
        self, idx: np.ndarray, open_: np.ndarray, deadline: np.ndarray, day: int,
        rule: FulfilmentRule,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(status, decided day) of the samples ``idx`` (``open_`` is their mask)."""
        m = idx.size
        local = np.full(self.n_samples, -1, dtype=np.int64)
        local[idx] = np.arange(m)
        f = self._features
        mine = open_[f["sample"]]
        fs = local[f["sample"][mine]]
        start, end = f["start"][mine], f["end"][mine]
        kind, minutes = f["kind"][mine], f["minutes"][mine]
        dl = deadline[idx][fs]
        known = start <= day
        is_video = kind == KIND_VIDEO
        r = rule.retention_days
        retained_by = start + r - 1  # the day a video completes its retention
        # A feature is a candidate if posted by the deadline (and, optionally, retained by it).
        candidate = known & (start <= dl)
        if rule.retention_must_end_in_window:
            candidate &= ~is_video | (retained_by <= dl)
        video_ok = is_video & ((end < 0) | (end - start >= r))
        live_ok = ~is_video & (np.nan_to_num(minutes, nan=-1.0) >= rule.live_continuous_minutes)
        qualifies = candidate & (video_ok | live_ok)
        q_day = np.where(is_video, retained_by, start)
        # Encode (day, kind) so that the earliest decision wins and a video wins a tie.
        q_code = np.where(qualifies, q_day * 2 + kind, _NEVER)
        best = np.full(m, _NEVER, dtype=np.int64)
        np.minimum.at(best, fs, q_code)
        # A failing candidate stops being able to fulfil on the day it fails.
        fails = candidate & ~qualifies
        fail_day = np.where(is_video, end, start)
        last_fail = np.full(m, -1, dtype=np.int64)
        np.maximum.at(last_fail, fs[fails], fail_day[fails])

        fulfil_day = np.where(best < _NEVER, best // 2, _NEVER)
        fulfil_kind = best % 2
        missed_day = np.maximum(deadline[idx], last_fail)
        status = np.full(m, PENDING, dtype=np.int8)
        decided = np.full(m, -1, dtype=np.int64)
        done = fulfil_day <= day
        status[done] = np.where(fulfil_kind[done] == KIND_LIVE, FULFILLED_LIVE, FULFILLED_VIDEO)
        decided[done] = fulfil_day[done]
        missed = (best >= _NEVER) & (missed_day <= day)
        status[missed] = MISSED
        decided[missed] = missed_day[missed]
        not_shipped = self._samples["shipped"][idx] > day
        status[not_shipped] = NOT_SHIPPED
        decided[not_shipped] = -1
        return status, decided

    def rates(
        self, st: SampleStatus, n_creators: int, rule: FulfilmentRule
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per creator: (fulfilled, decided, rate) over samples decided in the lookback (M11).

        Pending samples count as the rule says (``pending_counts_as``); a creator with nothing
        counted has rate NaN (no data).
        """
        lo = st.day - rule.lookback_days + 1
        recent = (st.decided_day >= lo) & (st.decided_day <= st.day)
        ok = recent & ((st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE))
        counted = recent & (st.status != PENDING) & (st.status != NOT_SHIPPED)
        pending = st.status == PENDING
        if rule.pending_counts_as != "excluded":
            counted = counted | pending
            if rule.pending_counts_as == "fulfilled":
                ok = ok | pending
        c = self.creator
        mine = c >= 0  # samples of creators who left count for nobody
        ok &= mine
        counted &= mine
        fulfilled = np.bincount(c[ok], minlength=n_creators)
        decided = np.bincount(c[counted], minlength=n_creators)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(decided > 0, fulfilled / np.maximum(decided, 1), np.nan)
        return fulfilled, decided, rate
