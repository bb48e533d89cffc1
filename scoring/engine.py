"""The array API: rank a population of creators one day at a time.

:class:`ScoringState` holds a population (one array per attribute, one element per creator),
the rolling window sums of its activity, and the books of samples and messages. Each day the
caller pushes the day's counters (:meth:`ScoringState.push_day`) and any new samples, features
and messages, then asks for the lists of a window (:meth:`ScoringState.score`). The simulator
uses this directly; the table path (``scoring.tables``) converts a dataset to arrays and feeds
the same state, so both paths share one implementation.

Per window and day the engine computes, in order: sample fulfilment (M10, M11, M11a, O2, O3),
responsiveness (M9, O7), the components and the five indices (M7, normalised per M7a),
eligibility (M12, M13), and the ranked lists per category (M4) including a GMV list (M5, M13)
and an overall list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .components import COMPONENTS, WindowInputs, compute
from .fulfilment import SampleBook, SampleStatus
from .normalise import normalise
from .policy import INDICES, WINDOW_DAYS, ScoringPolicy
from .ranking import CategoryGroups, RankedList, rank_lists
from .responsiveness import MessageBook, Responsiveness
from .rolling import ActivityWindows

__all__ = [
    "EXCLUSION_REASONS",
    "ScoringState",
    "WindowScores",
    "exclusion_names",
]

#: Exclusion reasons (M12, M13), as bits of ``WindowScores.exclusion``.
EXCLUSION_REASONS: dict[int, str] = {
    1: "too_few_followers",  # M12: too few followers
    2: "inactive",  # M12: no recent engagement (no video or livestream lately)
    4: "low_fulfilment",  # M12: low fulfilment score (samples not featured in time)
    8: "unresponsive",  # M12: low enthusiasm for cooperating (messages unanswered)
    16: "low_gmv",  # M13 variant: GMV below a minimum (off by default)
}


def exclusion_names(code: int) -> list[str]:
    """The reason names in an exclusion bit mask (empty for an eligible creator)."""
    return [name for bit, name in EXCLUSION_REASONS.items() if code & bit]


@dataclass(frozen=True)
class WindowScores:
    """Everything the engine computed for one window ending on one day.

    Arrays are aligned with the population (n,). ``components`` holds raw values (NaN = no
    data), ``normalised`` their 0-1 scores, ``indices`` the five indices and ``overall``,
    ``list_scores`` the score each list ranks by, ``exclusion`` a bit mask of
    :data:`EXCLUSION_REASONS` (0 = eligible), ``lists`` the ranked lists.
    """

    day: int
    window: str
    window_days: int
    components: dict[str, np.ndarray]
    normalised: dict[str, np.ndarray]
    indices: dict[str, np.ndarray]
    list_scores: dict[str, np.ndarray]
    exclusion: np.ndarray
    lists: dict[str, RankedList]
    fulfilled_samples: np.ndarray
    decided_samples: np.ndarray
    counted_messages: np.ndarray

    @property
    def eligible(self) -> np.ndarray:
        return self.exclusion == 0

    def positions(self, list_name: str) -> np.ndarray:
        """(n,) position of each creator on a list (1 = top of its category), 0 = not listed."""
        return self.lists[list_name].positions(self.exclusion.size)


def _weighted_mean(
    values: Mapping[str, np.ndarray], weights: Mapping[str, float], n: int
) -> np.ndarray:
    """Weighted mean of the arrays with a positive weight (weights are relative)."""
    used = {k: w for k, w in weights.items() if w > 0}
    total = sum(used.values())
    acc = np.zeros(n)
    tmp = np.empty(n)
    for k, wk in used.items():
        np.multiply(values[k], wk / total, out=tmp)
        acc += tmp
    return acc


@dataclass
class _Daily:
    """Per-day measures shared by all windows (fulfilment and responsiveness lookbacks)."""

    key: tuple
    samples: SampleStatus
    fulfilled: np.ndarray
    decided: np.ndarray
    fulfilment_rate: np.ndarray
    responsiveness: Responsiveness
    with_median: bool


@dataclass
class ScoringState:
    """A population under a scoring policy, advanced one day at a time.

    Parameters
    ----------
    category
        (n,) int category code per creator (M4), 0 .. n_categories-1.
    followers
        (n,) followers at the start of ``first_day``.
    policy
        The scoring policy.
    tiebreak
        (n,) rank of each creator's id (a permutation of 0..n-1); equal scores list the
        lower id first. Default: array position is id order.
    first_day
        Day number of the first pushed day (day 0 of the data by default).
    """

    category: np.ndarray
    followers: np.ndarray
    policy: ScoringPolicy = field(default_factory=ScoringPolicy)
    tiebreak: np.ndarray | None = None
    n_categories: int | None = None
    first_day: int = 0

    def __post_init__(self) -> None:
        self.category = np.asarray(self.category, dtype=np.int64)
        n = self.category.size
        f0 = np.asarray(self.followers, dtype=np.int64)
        if f0.shape != (n,):
            raise ValueError(f"followers has shape {f0.shape}, expected ({n},) like category")
        if n and f0.min() < 0:
            raise ValueError("followers must be >= 0")
        if self.tiebreak is not None:
            tb = np.asarray(self.tiebreak, dtype=np.int64)
            if tb.shape != (n,) or not np.array_equal(np.sort(tb), np.arange(n)):
                raise ValueError("tiebreak must be a permutation of 0..n-1")
            self.tiebreak = tb
        self.groups = CategoryGroups.build(self.category, self.n_categories)
        self.n = n
        windows = tuple(WINDOW_DAYS[w] for w in self.policy.windows)
        self.windows = ActivityWindows(f0, windows, self.first_day)
        self.samples = SampleBook()
        self.messages = MessageBook()
        self._daily: _Daily | None = None

    # -- feeding ----------------------------------------------------------------------
    @property
    def day(self) -> int:
        """The last day pushed (``first_day - 1`` before any)."""
        return self.windows.day

    def push_day(self, day: int, counters: Mapping[str, np.ndarray], followers: np.ndarray) -> None:
        """Add one day of activity for every creator.

        ``counters`` maps each activity counter of the data contract (``videos``,
        ``livestreams``, ``live_minutes``, ``products_linked``, ``views``, ``watch_seconds``,
        ``engagements``, ``product_views``, ``orders``) to an (n,) integer array, and
        ``gmv_cents`` to GMV in cents (see :func:`scoring.rolling.gmv_to_cents`);
        ``followers`` is the level at the end of the day.
        """
        self.windows.push(day, counters, followers)
        self._daily = None

    def replace_creators(
        self, slots: np.ndarray, followers: np.ndarray, tiebreak: np.ndarray | None = None
    ) -> None:
        """New creators take ``slots`` (same category): fresh windows, ``followers`` to start,
        the leavers' samples and messages detached, and the id order updated (``tiebreak``)."""
        self.windows.reset(slots, followers)
        self.samples.detach(slots)
        self.messages.detach(slots)
        if tiebreak is not None:
            tb = np.asarray(tiebreak, dtype=np.int64)
            ok = tb.shape == (self.n,) and tb.min(initial=0) >= 0 and tb.max(initial=-1) < self.n
            if not ok or not np.all(np.bincount(tb, minlength=self.n) == 1):
                raise ValueError("tiebreak must be a permutation of 0..n-1")
            self.tiebreak = tb
        self._daily = None

    # -- scoring ----------------------------------------------------------------------
    def _daily_measures(self, median: bool) -> _Daily:
        d = self.day
        key = (d, self.samples.version, self.messages.version)
        cached = self._daily
        if cached is not None and cached.key == key and (cached.with_median or not median):
            return cached
        pol = self.policy
        st = self.samples.status(d, pol.fulfilment)
        fulfilled, decided, rate = self.samples.rates(st, self.n, pol.fulfilment)
        resp = self.messages.measure(d, self.n, pol.responsiveness, median=median)
        self._daily = _Daily(key, st, fulfilled, decided, rate, resp, median)
        return self._daily

    def sample_status(self) -> SampleStatus:
        """Every sample's status as of the last pushed day."""
        return self._daily_measures(median=False).samples

    def score(
        self,
        window: str,
        *,
        depth: int | None = -1,
        explain: bool = False,
        active: np.ndarray | None = None,
    ) -> WindowScores:
        """Compute indices, eligibility and lists for ``window`` ending on the last pushed day.

        Parameters
        ----------
        window
            ``"day"``, ``"week"`` or ``"month"`` (must be among the policy's windows).
        depth
            Positions per list and category: -1 (default) uses the policy's ``list_length``,
            ``None`` ranks every eligible creator.
        explain
            Compute every component, including those with zero weight.
        active
            (n,) bool: creators still on the platform. Inactive creators set no scale and
            are on no list (used by the simulator when creators leave).
        """
        pol = self.policy
        if window not in pol.windows:
            raise ValueError(
                f"window {window!r} is not computed by this policy; allowed: "
                + ", ".join(repr(w) for w in pol.windows)
            )
        if self.day < self.first_day:
            raise ValueError("no day has been pushed yet")
        L = WINDOW_DAYS[window]
        depth = pol.list_length if depth == -1 else depth

        names = [
            c.name
            for c in COMPONENTS.values()
            if explain or pol.component_weights(c.index)[c.name] > 0
        ]
        if "gmv" not in names:
            names.append("gmv")  # GMV is always needed: the GMV list and the blend (M13)
        need_median = "median_reply_hours" in names
        daily = self._daily_measures(median=need_median)
        w = self.windows
        raw = compute(names, self._inputs(L, daily), growth_floor=pol.growth_floor)
        norm, indices, list_scores = self._list_scores(raw, active=active)
        list_scores["gmv"] = w.sums[L]["gmv_cents"]

        exclusion = self._exclusion(raw["gmv"], daily, active)
        order = ("sales", "growth", "popularity", "diligence", "cooperation", "gmv", "overall")
        lists = rank_lists(
            {k: list_scores[k] for k in order},
            groups=self.groups,
            eligible=exclusion == 0,
            tiebreak=self.tiebreak,
            depth=depth,
        )
        return WindowScores(
            day=self.day,
            window=window,
            window_days=L,
            components=raw,
            normalised=norm,
            indices=indices,
            list_scores=list_scores,
            exclusion=exclusion,
            lists=lists,
            fulfilled_samples=daily.fulfilled,
            decided_samples=daily.decided,
            counted_messages=daily.responsiveness.messages,
        )

    def _inputs(
        self, L: int, daily: _Daily, sums: Mapping[str, np.ndarray] | None = None
    ) -> WindowInputs:
        """What the components of an ``L``-day window are computed from (``sums`` override)."""
        w = self.windows
        r = daily.responsiveness
        return WindowInputs(
            sums=w.sums[L] if sums is None else sums,
            prev_sums=w.prev_sums[L],
            followers_now=w.followers,
            followers_before=w.followers_before(L),
            growth_known=w.history_days() >= 2 * L,
            fulfilment_rate=daily.fulfilment_rate,
            reply_rate=r.reply_rate,
            reply_within_rate=r.reply_within_rate,
            mean_reply_hours=r.mean_reply_hours,
            median_reply_hours=r.median_reply_hours,
        )

    def _list_scores(
        self,
        raw: dict[str, np.ndarray],
        *,
        active: np.ndarray | None = None,
        reference: dict[str, np.ndarray] | None = None,
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Normalised components, indices and index-list scores from raw components.

        With ``reference``, each component is put on the scale that the reference values
        set (the marginal gain of one creator's extra effort, others held fixed).
        """
        pol = self.policy
        norm = {}
        for name, v in raw.items():
            c = COMPONENTS[name]
            norm[name] = normalise(
                v,
                self.groups,
                method=pol.normalisation,
                missing_score=pol.missing_component_score,
                higher_is_better=c.higher_is_better,
                transform_kind=c.transform if pol.log_transform else "none",
                active=active,
                reference=None if reference is None else reference[name],
            )
        indices = {
            index: _weighted_mean(norm, pol.component_weights(index), self.n) for index in INDICES
        }
        indices["overall"] = _weighted_mean(indices, pol.overall_weights(), self.n)
        # M13: lower GMV places a creator lower on every index list.
        g = pol.gmv_blend
        gmv_part = norm["gmv"] * g
        list_scores: dict[str, np.ndarray] = {}
        for name in (*INDICES, "overall"):
            if g > 0:
                ls = indices[name] * (1.0 - g)
                ls += gmv_part
            else:
                ls = indices[name]
            list_scores[name] = ls
        return norm, indices, list_scores

    def marginal_gain(
        self, window: str, delta: Mapping[str, np.ndarray | int]
    ) -> dict[str, np.ndarray]:
        """Change of every creator's index-list scores if it alone had ``delta`` more activity.

        ``delta`` maps counters (e.g. ``videos``, ``products_linked``) to an extra amount over
        the window, a number or an (n,) array. Each creator is perturbed on its own: the other
        creators and the category scales stay as they are, so the result is what a direct
        re-scoring of that one creator gives (exactly for ``minmax`` unless the creator sets its
        category's minimum or maximum of a component, and for ``percentile``; for ``zscore``
        the category's mean and sd are held fixed). This is the finite-difference measure of
        the pull of the scores on effort (the burnout incentive). Returns list -> (n,) gain.
        """
        pol = self.policy
        if window not in pol.windows:
            raise ValueError(f"window {window!r} is not computed by this policy")
        L = WINDOW_DAYS[window]
        names = [c.name for c in COMPONENTS.values() if pol.component_weights(c.index)[c.name] > 0]
        if "gmv" not in names:
            names.append("gmv")
        daily = self._daily_measures(median="median_reply_hours" in names)
        w = self.windows
        unknown = set(delta) - set(w.sums[L])
        if unknown:
            raise KeyError(f"unknown counters {sorted(unknown)}; allowed: {sorted(w.sums[L])}")

        base_raw = compute(names, self._inputs(L, daily), growth_floor=pol.growth_floor)
        bumped = {k: (v + delta[k] if k in delta else v) for k, v in w.sums[L].items()}
        if "videos" in delta or "livestreams" in delta:
            bumped["active"] = np.maximum(bumped["active"], 1)
        new_raw = compute(names, self._inputs(L, daily, bumped), growth_floor=pol.growth_floor)
        _, _, base = self._list_scores(base_raw)
        _, _, new = self._list_scores(new_raw, reference=base_raw)
        return {k: new[k] - base[k] for k in base}

    def _exclusion(self, gmv: np.ndarray, daily: _Daily, active: np.ndarray | None) -> np.ndarray:
        """Bit mask of exclusion reasons (M12, M13a thresholds from the policy)."""
        e = self.policy.eligibility
        w = self.windows
        # One boolean array per reason, OR-ed into the mask as bits (no scattered writes).
        mask = (w.followers < e.min_followers).view(np.uint8).copy()
        inactive = w.last_active_day < self.day - e.active_within_days + 1
        if active is not None:
            inactive |= ~np.asarray(active, dtype=bool)
        mask |= inactive.view(np.uint8) << 1
        with np.errstate(invalid="ignore"):
            low_f = (daily.decided >= e.min_decided_samples) & (
                daily.fulfilment_rate < e.min_fulfilment_rate
            )
        mask |= low_f.view(np.uint8) << 2
        if e.min_reply_rate > 0:
            r = daily.responsiveness
            with np.errstate(invalid="ignore"):
                unresp = (r.messages >= e.min_messages) & (r.reply_rate < e.min_reply_rate)
            mask |= unresp.view(np.uint8) << 3
        if e.min_gmv > 0:
            mask |= (gmv < e.min_gmv).view(np.uint8) << 4
        return mask
