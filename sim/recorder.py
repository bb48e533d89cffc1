"""The run's record: the daily outcomes, the creator table and list snapshots.

:func:`daily_outcomes` turns the market at the end of a day and the day's record
(``sim.state.Today``) into one row of outcomes (DESIGN "Outcomes every run reports":
visibility, workload, burnout, commerce); :class:`Recorder` keeps the rows and the per-creator
totals a run reports. The columns are :data:`DAILY_COLUMNS`, in the daily table's order.
"""

from __future__ import annotations

import numpy as np

from scoring.fulfilment import FULFILLED_LIVE, FULFILLED_VIDEO, MISSED

from .incentive import INCENTIVE_KEYS
from .outcomes import concentration, gini, group_share, jaccard
from .population import Creators
from .scenario import ModelParams
from .stages.common import list_standing
from .state import Market, Today

__all__ = ["DAILY_COLUMNS", "LAST_DAYS", "TALLIES", "Recorder", "daily_outcomes", "list_snapshot"]

#: A fulfilment decided in the last this-many days before the deadline counts as last-minute.
LAST_DAYS = 2
#: The day's tallies the stages add (``Today.tallies``), daily; the weekly incentive comes
#: between ``burnouts_today`` and ``exits_today`` on the days it is measured.
TALLIES = (
    "contacts",
    "contacts_from_list",
    "samples_shipped",
    "sample_requests",
    "burnouts_today",
    "exits_today",
    "entries_today",
)
#: Every column of the daily table, in its order (the weekly ``incentive_*`` come last).
DAILY_COLUMNS = (
    "day",
    "feed_views",
    "feed_gini",
    "feed_top1_share",
    "feed_top10_share",
    "feed_entertainer_share",
    "feed_top_follower_decile_share",
    "list_exposure_gini",
    "list_top1_share",
    "list_top10_share",
    "list_entertainer_share",
    "list_mean_orientation",
    "share_listed",
    "share_eligible",
    "list_turnover",
    "active_share",
    "workload_mean",
    "overload_share",
    "stressed_share",
    "burnt_out_share",
    "burnt_out_share_sellers",
    "burnt_out_share_entertainers",
    "stress_mean",
    "effort_mean",
    "effort_mean_sellers",
    "uptake_mean",
    "fulfilled_today",
    "missed_today",
    "last_minute_share",
    "fulfilment_rate",
    "gmv",
    "gmv_gini",
    "gmv_top10_share",
    "merchant_sample_roi",
    "followers_gini",
    *TALLIES,
    *INCENTIVE_KEYS,
)
#: Per-creator running totals of a run (reset when a newcomer takes a slot).
TOTALS = ("views", "gmv", "list_exposure", "days_listed", "workload")


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    return float((mask[of]).mean()) if of.any() else np.nan


def daily_outcomes(
    market: Market, today: Today, listed_before: np.ndarray | None, *, params: ModelParams
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """One row of the daily table, and today's per-creator amounts behind it.

    ``listed_before`` is yesterday's listed creators (slot indices; ``None`` on the first day,
    when ``list_turnover`` is NaN). Returns the row (:data:`DAILY_COLUMNS`, the weekly
    incentive only on its days) and ``{"views", "gmv", "list_exposure", "listed",
    "listed_ids"}`` as (n,) arrays (``listed_ids``: the slots listed today).
    """
    c, s, m, out, st, day = (
        market.creators,
        market.scores,
        market.merchants,
        today.attention,
        today.status,
        today.day,
    )
    mp = params.merchants
    list_exp = np.zeros(c.n)
    listed = np.zeros(c.n, dtype=bool)
    for name in mp.lists_used:
        pos = market.positions[name]
        list_exp += params.attention.list_exposure_per_position * list_standing(
            pos, bias=mp.position_bias, depth=mp.positions_viewed
        )
        listed |= (pos > 0) & (pos <= mp.positions_viewed)
    views = out["views"].astype(np.float64)
    gmv = out["gmv_cents"] / 100.0
    ent = c.entertainer
    q = int(0.9 * (c.n - 1))
    top_followers = c.followers >= np.partition(c.followers, q)[q]
    ids = np.flatnonzero(listed)
    turnover = 1.0 - jaccard(ids, listed_before) if listed_before is not None else np.nan
    today_f = (st.decided_day == day) & (
        (st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)
    )
    today_m = (st.decided_day == day) & (st.status == MISSED)
    last_minute = today_f & (st.decided_day > st.deadline_day - LAST_DAYS)
    decided_all = st.status >= FULFILLED_VIDEO
    fulfilled_all = (st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)
    feed_g, feed_t1, feed_t10 = concentration(views, (0.01, 0.10))
    list_g, list_t1, list_t10 = concentration(list_exp, (0.01, 0.10))
    gmv_g, gmv_t10 = concentration(gmv, (0.10,))
    burnt = c.burnt_days_left > 0
    row = {
        "day": day,
        "feed_views": float(views.sum()),
        "feed_gini": feed_g,
        "feed_top1_share": feed_t1,
        "feed_top10_share": feed_t10,
        "feed_entertainer_share": group_share(views, ent),
        "feed_top_follower_decile_share": group_share(views, top_followers),
        "list_exposure_gini": list_g,
        "list_top1_share": list_t1,
        "list_top10_share": list_t10,
        "list_entertainer_share": group_share(list_exp, ent),
        "list_mean_orientation": float(np.average(c.orientation, weights=list_exp))
        if list_exp.sum() > 0
        else np.nan,
        "share_listed": float(listed.mean()),
        "share_eligible": float(s.eligible.mean()),
        "list_turnover": turnover,
        "active_share": float(c.active.mean()),
        "workload_mean": float(c.workload[c.active].mean()) if c.active.any() else np.nan,
        "overload_share": _share(c.workload > 1.0, c.active),
        "stressed_share": float((c.stress >= params.burnout.threshold).mean()),
        "burnt_out_share": float(burnt.mean()),
        "burnt_out_share_sellers": _share(burnt, ~ent),
        "burnt_out_share_entertainers": _share(burnt, ent),
        "stress_mean": float(c.stress.mean()),
        "effort_mean": float(c.effort.mean()),
        "effort_mean_sellers": float(c.effort[~ent].mean()) if (~ent).any() else np.nan,
        "uptake_mean": float(c.uptake.mean()),
        "fulfilled_today": int(today_f.sum()),
        "missed_today": int(today_m.sum()),
        "last_minute_share": float(last_minute.sum() / today_f.sum()) if today_f.any() else np.nan,
        "fulfilment_rate": float(fulfilled_all.sum() / decided_all.sum())
        if decided_all.any()
        else np.nan,
        "gmv": float(gmv.sum()),
        "gmv_gini": gmv_g,
        "gmv_top10_share": gmv_t10,
        "merchant_sample_roi": float(m.sample_gmv.sum() / m.sample_cost.sum())
        if m.sample_cost.sum() > 0
        else np.nan,
        "followers_gini": gini(c.followers),
        **{k: float(v) for k, v in today.tallies.items()},
    }
    amounts = {"views": views, "gmv": gmv, "list_exposure": list_exp, "listed": listed}
    return row, {**amounts, "listed_ids": ids}


def list_snapshot(market: Market, day: int, *, params: ModelParams) -> dict[str, np.ndarray]:
    """The lists merchants use, as merchants see them (the first ``positions_viewed`` places).

    Columns: day, list, category, position (1 = top), creator_id, score.
    """
    cols: dict[str, list] = {
        k: [] for k in ("day", "list", "category", "position", "creator_id", "score")
    }
    depth = params.merchants.positions_viewed
    for name in params.merchants.lists_used:
        rl = market.lists[name]
        for cat in range(rl.offsets.size - 1):
            members = rl.category_slice(cat)[:depth]
            sc = rl.score[rl.offsets[cat] : rl.offsets[cat] + members.size]
            k = members.size
            cols["day"] += [day] * k
            cols["list"] += [name] * k
            cols["category"] += [cat] * k
            cols["position"] += list(range(1, k + 1))
            cols["creator_id"] += market.creators.creator_id[members].tolist()
            cols["score"] += np.asarray(sc, dtype=np.float64).tolist()
    return {k: np.array(v) for k, v in cols.items()}


class Recorder:
    """The daily rows and per-creator totals of one run.

    Parameters
    ----------
    creators
        The population at the start (its followers are each slot's starting audience).
    """

    def __init__(self, creators: Creators) -> None:
        n = creators.n
        self.rows: list[dict[str, float]] = []
        self.followers_start = creators.followers.copy()
        self.totals = {key: np.zeros(n) for key in TOTALS}
        self.listed_ids: np.ndarray | None = None  # yesterday's listed slots

    @property
    def latest(self) -> dict[str, float]:
        """The last day's row (empty before the first day)."""
        return self.rows[-1] if self.rows else {}

    def record(self, market: Market, today: Today, *, params: ModelParams) -> dict[str, float]:
        """Append today's row (:func:`daily_outcomes`) and add today to the totals.

        A slot a newcomer took today (``today.entered``) restarts its totals and starting
        audience.
        """
        row, amounts = daily_outcomes(market, today, self.listed_ids, params=params)
        self.listed_ids = amounts["listed_ids"]
        self.rows.append(row)
        t, c = self.totals, market.creators
        slots = today.entered
        if slots is not None and slots.size:
            for v in t.values():
                v[slots] = 0.0
            self.followers_start[slots] = c.followers[slots]
        t["views"] += amounts["views"]
        t["gmv"] += amounts["gmv"]
        t["list_exposure"] += amounts["list_exposure"]
        t["days_listed"] += amounts["listed"]
        t["workload"] += c.workload
        return row

    def daily_table(self) -> dict[str, np.ndarray]:
        """The daily outcomes as columns (one row per day; NaN where a day has no value)."""
        keys = list(dict.fromkeys(k for r in self.rows for k in r))  # weekly ones too
        return {k: np.array([r.get(k, np.nan) for r in self.rows]) for k in keys}

    def creator_table(self, market: Market, days: int) -> dict[str, np.ndarray]:
        """One row per slot's current creator: traits, audience, totals, list days, samples.

        ``days`` is the number of days run (for the mean workload).
        """
        c, st = market.creators, market.scoring.sample_status()
        n = c.n
        who = market.scoring.samples.creator
        mine = who >= 0  # samples of creators who left and were replaced count for nobody
        fulfilled = np.bincount(
            who[mine & ((st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE))],
            minlength=n,
        )
        missed = np.bincount(who[mine & (st.status == MISSED)], minlength=n)
        return {
            "creator_id": c.creator_id,
            "active": c.active,
            "category": c.category,
            "entertainer": c.entertainer,
            "orientation": c.orientation,
            "quality": c.quality,
            "skill": c.skill,
            "capacity_hours": c.capacity_hours,
            "procrastinator": c.procrastinator,
            "followers_start": self.followers_start,
            "followers_end": c.followers,
            "views": self.totals["views"],
            "gmv": self.totals["gmv"],
            "list_exposure": self.totals["list_exposure"],
            "days_listed": self.totals["days_listed"].astype(np.int64),
            "mean_workload": self.totals["workload"] / max(days, 1),
            "samples_received": np.bincount(who[mine], minlength=n),
            "samples_fulfilled": fulfilled,
            "samples_missed": missed,
            "stress_end": c.stress,
            "burnouts": c.burnouts,
            "first_burnout_day": c.first_burnout_day,
            "joined_day": c.joined_day,
            "effort_end": c.effort,
            "uptake_end": c.uptake,
        }
