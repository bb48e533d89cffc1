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
from .population import Creators, creator_rows
from .scenario import ModelParams
from .stages.common import list_standing
from .stages.contact import list_depth, read_lists
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
    "active",
    "exits",
    "entries",
    "pieces_per_active",
    "views_per_active",
    "income_per_active",
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


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    return float((mask[of]).mean()) if of.any() else np.nan


def _mean(x: np.ndarray, of: np.ndarray) -> float:
    return float(x[of].mean()) if of.any() else np.nan


def daily_outcomes(
    market: Market, today: Today, listed_before: np.ndarray | None, *, params: ModelParams
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """One row of the daily table, and today's per-creator amounts behind it.

    ``listed_before`` is yesterday's listed creators (slot indices; ``None`` on the first day,
    when ``list_turnover`` is NaN). Every share and mean is over the creators active at the
    end of the day, never over vacant slots; ``day`` is the reported day (absolute day minus
    the burn-in). Returns the row (:data:`DAILY_COLUMNS`, the weekly incentive only on its
    days) and ``{"views", "gmv", "list_exposure", "listed", "listed_ids"}`` as (n,) arrays
    (``listed_ids``: the slots listed today).
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
    depth = list_depth(market.n_start, params=params)
    act = c.active
    list_exp = np.zeros(c.n)
    listed = np.zeros(c.n, dtype=bool)
    for name in read_lists(params):
        pos = market.positions.get(name)
        if pos is None:
            continue
        list_exp += params.attention.list_exposure_per_position * list_standing(
            pos, bias=mp.position_bias, depth=depth
        )
        listed |= (pos > 0) & (pos <= depth)
    listed &= act
    views = out["views"].astype(np.float64)
    gmv = out["gmv_cents"] / 100.0
    ent = c.entertainer
    fol_act = c.followers[act]
    cut = np.quantile(fol_act, 0.9) if fol_act.size else 0
    top_followers = act & (c.followers >= cut)
    pieces = (today.work.videos + today.work.livestreams).astype(np.float64)
    fees = today.fees if today.fees is not None else np.zeros(c.n)
    income = params.merchants.commission * gmv + fees
    ids = np.flatnonzero(listed)
    turnover = 1.0 - jaccard(ids, listed_before) if listed_before is not None else np.nan
    today_f = (st.decided_day == day) & (
        (st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)
    )
    today_m = (st.decided_day == day) & (st.status == MISSED)
    last_minute = today_f & (st.decided_day > st.deadline_day - LAST_DAYS)
    # fulfilment_rate: samples shipped on a reported day (the burn-in's left out) whose
    # deadline has passed, so every one is decided: counting those still open would count
    # their early fulfilments and not yet their misses (1.00 on the first 17 days of a run)
    due = (market.ledger.shipped_day >= market.burn_in) & (st.deadline_day < day)
    decided_all = (st.status >= FULFILLED_VIDEO) & due
    fulfilled_all = ((st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)) & due
    feed_g, feed_t1, feed_t10 = concentration(views[act], (0.01, 0.10))
    list_g, list_t1, list_t10 = concentration(list_exp[act], (0.01, 0.10))
    gmv_g, gmv_t10 = concentration(gmv[act], (0.10,))
    burnt = (c.burnt_days_left > 0) & act
    n_act = int(act.sum())
    row = {
        "day": day - market.burn_in,
        "active": n_act,
        "exits": today.tallies.get("exits_today", 0),
        "entries": today.tallies.get("entries_today", 0),
        "pieces_per_active": _mean(pieces, act),
        "views_per_active": _mean(views, act),
        "income_per_active": _mean(income, act),
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
        "share_listed": _share(listed, act),
        "share_eligible": _share(s.eligible, act),
        "list_turnover": turnover,
        "active_share": float(act.mean()),
        "workload_mean": _mean(c.workload, act),
        "overload_share": _share(c.workload > 1.0, act),
        "stressed_share": _share(c.stress >= params.burnout.threshold, act),
        "burnt_out_share": _share(burnt, act),
        "burnt_out_share_sellers": _share(burnt, act & ~ent),
        "burnt_out_share_entertainers": _share(burnt, act & ent),
        "stress_mean": _mean(c.stress, act),
        "effort_mean": _mean(c.effort, act),
        "effort_mean_sellers": _mean(c.effort, act & ~ent),
        "uptake_mean": _mean(c.uptake, act),
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
        "followers_gini": gini(c.followers[act]),
        **{k: float(v) for k, v in today.tallies.items()},
    }
    amounts = {"views": views, "gmv": gmv, "list_exposure": list_exp, "listed": listed}
    return row, {**amounts, "listed_ids": ids}


def list_snapshot(market: Market, day: int, *, params: ModelParams) -> dict[str, np.ndarray]:
    """The lists merchants read, as merchants see them (the first :func:`list_depth` places).

    Columns: day (reported), list, category, position (1 = top), creator_id, score.
    """
    cols: dict[str, list] = {
        k: [] for k in ("day", "list", "category", "position", "creator_id", "score")
    }
    depth = list_depth(market.n_start, params=params)
    day = day - market.burn_in
    for name in read_lists(params):
        rl = market.lists.get(name)
        if rl is None:
            continue
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
    """The daily rows of one run, and its creators table.

    Parameters
    ----------
    creators
        The population at the start (kept for the interface; the totals live on it).
    """

    def __init__(self, creators: Creators) -> None:
        self.rows: list[dict[str, float]] = []
        self.listed_ids: np.ndarray | None = None  # yesterday's listed slots

    @property
    def latest(self) -> dict[str, float]:
        """The last day's row (empty before the first day)."""
        return self.rows[-1] if self.rows else {}

    def record(self, market: Market, today: Today, *, params: ModelParams) -> dict[str, float]:
        """Append today's row (:func:`daily_outcomes`) and add list days to the totals."""
        row, amounts = daily_outcomes(market, today, self.listed_ids, params=params)
        self.listed_ids = amounts["listed_ids"]
        self.rows.append(row)
        c = market.creators
        c.list_exposure += amounts["list_exposure"] * c.active
        c.days_listed += amounts["listed"]
        return row

    def daily_table(self) -> dict[str, np.ndarray]:
        """The daily outcomes as columns (one row per day; NaN where a day has no value)."""
        keys = list(dict.fromkeys(k for r in self.rows for k in r))  # weekly ones too
        return {k: np.array([r.get(k, np.nan) for r in self.rows]) for k in keys}

    def creator_table(self, market: Market, days: int) -> dict[str, np.ndarray]:
        """One row per creator ever present since the first reported day (leavers too).

        Rows of leavers (``market.archive``, :func:`sim.population.creator_rows`) come
        first in the order they left, then the active creators in slot order. ``days`` is
        kept for the interface (the mean workload is over each creator's active days).
        """
        c = market.creators
        current = creator_rows(c, np.flatnonzero(c.active), day_offset=market.burn_in)
        parts = [*market.archive, current]
        return {k: np.concatenate([p[k] for p in parts]) for k in current}
