"""Responsiveness to merchants' messages (M9; O7 later set a 24-hour limit).

For every message a creator receives, the platform records whether and how fast the creator
answered (M9). As of a day, for the messages received in the lookback (``ResponsivenessRule``):

* ``reply_rate``: share answered (by the end of the day);
* ``reply_within_rate``: share answered within ``reply_within_hours`` (O7);
* ``mean_reply_hours`` and ``median_reply_hours``: mean and median time to answer, over the
  answered ones (the median needs a sort of all answered messages, so it is computed only when
  asked for).

With ``maturity = "matured"`` a message counts only once it was answered or its reply limit has
passed, so a message that arrived an hour before the end of the day is not yet held against the
creator. A reply after the end of the scoring day is not known yet. A creator with no counted
message has NaN (no data) for all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fulfilment import ColumnStore, members
from .policy import ResponsivenessRule

__all__ = ["MessageBook", "Responsiveness"]


@dataclass(frozen=True)
class Responsiveness:
    """Per-creator responsiveness as of ``day`` (NaN where no message counted)."""

    day: int
    messages: np.ndarray  # int64 count of counted messages
    replied: np.ndarray  # int64 answered by the end of the day
    replied_within: np.ndarray  # int64 answered within the limit
    reply_rate: np.ndarray
    reply_within_rate: np.ndarray
    mean_reply_hours: np.ndarray
    median_reply_hours: np.ndarray  # all NaN unless measured with median=True


class MessageBook:
    """Merchant-to-creator messages with their send and reply times (hours since day 0)."""

    def __init__(self) -> None:
        self._m = ColumnStore({"creator": np.int64, "sent": np.float64, "replied": np.float64})

    @property
    def n_messages(self) -> int:
        return self._m.size

    def add_messages(
        self, creator: np.ndarray, sent_hour: np.ndarray, replied_hour: np.ndarray | None = None
    ) -> np.ndarray:
        """Record messages; ``replied_hour`` NaN (or None) means not answered (yet)."""
        creator = np.atleast_1d(np.asarray(creator, dtype=np.int64))
        if replied_hour is None:
            replied_hour = np.full(creator.size, np.nan)
        return self._m.append(creator=creator, sent=sent_hour, replied=replied_hour)

    def detach(self, creators: np.ndarray) -> None:
        """Forget whose messages these were (the creators left; their slots are reused)."""
        c = self._m["creator"]
        c[members(c, creators)] = -1
        self._m.version += 1

    def set_replied(self, message: np.ndarray, replied_hour: np.ndarray) -> None:
        """Record replies to earlier messages (the simulator answers with a delay)."""
        self._m["replied"][np.asarray(message, dtype=np.int64)] = replied_hour
        self._m.version += 1

    @property
    def version(self) -> int:
        """Changes so far: a cache key for results computed from the book."""
        return self._m.version

    def measure(
        self, day: int, n_creators: int, rule: ResponsivenessRule, *, median: bool = True
    ) -> Responsiveness:
        """Responsiveness of every creator as of the end of ``day``."""
        creator, sent, replied = self._m["creator"], self._m["sent"], self._m["replied"]
        end = (day + 1) * 24.0
        lo = (day - rule.lookback_days + 1) * 24.0
        answered = replied < end  # NaN compares False
        counted = (sent >= lo) & (sent < end) & (creator >= 0)
        if rule.maturity == "matured":
            counted &= answered | (sent + rule.reply_within_hours <= end)
        answered &= counted
        delay = replied - sent
        within = answered & (delay <= rule.reply_within_hours)
        n = np.bincount(creator[counted], minlength=n_creators)
        a = np.bincount(creator[answered], minlength=n_creators)
        w = np.bincount(creator[within], minlength=n_creators)
        has = n > 0
        denom = np.maximum(n, 1)
        reply_rate = np.where(has, a / denom, np.nan)
        within_rate = np.where(has, w / denom, np.nan)
        total = np.bincount(creator[answered], weights=delay[answered], minlength=n_creators)
        mean = np.divide(total, a, out=np.full(n_creators, np.nan), where=a > 0)
        med = np.full(n_creators, np.nan)
        if median and answered.any():
            c, d = creator[answered], delay[answered]
            order = np.lexsort((d, c))
            c, d = c[order], d[order]
            starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
            counts = np.diff(np.r_[starts, c.size])
            lo_i = starts + (counts - 1) // 2
            hi_i = starts + counts // 2
            med[c[starts]] = (d[lo_i] + d[hi_i]) / 2.0
        return Responsiveness(day, n, a, w, reply_rate, within_rate, mean, med)
