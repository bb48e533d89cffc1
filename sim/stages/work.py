"""Stage 2 (M7.4, M10, M11, M15): creators feature samples and plan the day's work."""

from __future__ import annotations

import numpy as np

from scoring.fulfilment import KIND_LIVE, KIND_VIDEO, PENDING

from ..population import Creators
from ..scenario import CreatorParams, ModelParams
from ..state import Market, Today, Work

__all__ = [
    "Work",
    "choose_features",
    "create",
    "holding",
    "nudged_videos",
    "plan_work",
    "take_downs",
]


def plan_work(
    c: Creators,
    feature_videos: np.ndarray,
    feature_lives: np.ndarray,
    *,
    params: CreatorParams,
    rng: np.random.Generator,
    capacity: np.ndarray | None = None,
    extra_videos: np.ndarray | None = None,
) -> Work:
    """Stage 2 (M7.4, M15): the day's videos, livestreams and products within capacity.

    A creator plans ``effort_share * capacity`` hours (lognormal day-to-day noise, sd 0.3),
    spends ``live_share_of_sellers * orientation`` of it livestreaming (in lives of
    ``live_minutes_mean``, each minute costing ``live_overhead`` minutes) and the rest on
    videos (``video_hours`` each, worked on every day: a piece takes several days of
    production, so the day's video hours are the plan, not the pieces released that day);
    ``capacity`` overrides the creators' own (burnout). Videos
    made to feature samples come on top of the plan, and a creator featuring a sample live
    goes live at least once. A video links products with probability ``orientation``; sample
    videos always do. ``extra_videos`` (the nudge experiment, :mod:`sim.nudge`) are made on
    top of the plan, each linking products with probability ``orientation``; giving it (zeros
    included) draws one more uniform per creator, so both arms of an experiment stay aligned.
    """
    n = c.n
    cap = c.capacity_hours if capacity is None else capacity  # lower while burnt out
    hours = params.effort_share * cap * rng.lognormal(-0.045, 0.3, n)
    live_share = params.live_share_of_sellers * c.orientation
    live_hours = hours * live_share
    lives = rng.poisson(live_hours * 60.0 / (params.live_minutes_mean * params.live_overhead))
    minutes = np.rint(lives * params.live_minutes_mean * rng.uniform(0.5, 1.5, n)).astype(np.int64)
    must_live = (feature_lives > 0) & (lives == 0)
    lives = np.where(must_live, 1, lives)
    minutes = np.where(must_live, int(params.live_minutes_mean), minutes)
    minutes = np.minimum(minutes, 1440)
    planned_videos = rng.poisson((hours - live_hours) / params.video_hours)
    videos = planned_videos + feature_videos
    shoppable_videos = rng.binomial(planned_videos, c.orientation) + feature_videos
    if extra_videos is not None:
        videos = videos + extra_videos
        shoppable_videos = shoppable_videos + extra_videos * (rng.random(n) < c.orientation)
    shoppable_lives = np.where(c.orientation > 0, lives, 0)
    products = rng.poisson(
        shoppable_videos * params.products_per_video
        + shoppable_lives * params.products_per_live * c.orientation
    )
    products = np.maximum(products, shoppable_videos + shoppable_lives)
    # Production is spread over days (scripting, filming, editing): the planned video hours
    # are worked every day and released as pieces at the Poisson rate they pay for, so the
    # load is smooth; sample and nudged videos are made on top, each a full video's hours.
    video_hours = hours - live_hours + (videos - planned_videos) * params.video_hours
    work = video_hours + minutes * params.live_overhead / 60.0
    return Work(videos, lives, minutes, shoppable_videos + shoppable_lives, products, work)


def choose_features(
    procrastinator: np.ndarray,
    workload: np.ndarray,
    days_left: np.ndarray,
    *,
    params: CreatorParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 2 (M10, M11): which pending, delivered samples are featured today.

    Per sample (arrays aligned with the pending samples): a planner features it with daily
    probability ``planner_hazard``; a procrastinator waits until ``procrastinator_days_before``
    days before the deadline and then features it with probability 0.8 a day. An overloaded
    creator (yesterday's work above capacity) is half as likely to get to it.
    """
    planner_p = np.full(days_left.size, params.planner_hazard)
    late_p = np.where(days_left <= params.procrastinator_days_before, 0.8, 0.0)
    p = np.where(procrastinator, late_p, planner_p)
    p = np.where(workload > 1.0, p * 0.5, p)
    return rng.random(days_left.size) < p


def nudged_videos(market: Market, day: int) -> np.ndarray | None:
    """The nudge experiment's extra videos today per slot, or ``None`` outside an experiment.

    Zero for a slot whose creator is not the one nudged (a newcomer took the slot) and after
    the experiment's last day; an arm without treated creators gets zeros, not ``None``.
    """
    if market.nudge_videos is None or day > market.nudge_until:
        return None
    same = market.creators.creator_id == market.nudge_ids
    return np.where(same & market.creators.active, market.nudge_videos, 0)


def take_downs(n_up: int, *, params: CreatorParams, rng: np.random.Generator) -> np.ndarray:
    """Stage 2 (M11a): which of the featuring videos still up are taken down today."""
    return rng.random(n_up) < params.takedown_daily_prob


def holding(market: Market, status: np.ndarray, day: int) -> np.ndarray:
    """Samples a current creator holds, delivered, pending, not yet featured or forgotten.

    ``status`` is the sample book's status per sample (as of the day it was evaluated).
    """
    book, led = market.scoring.samples, market.ledger
    mine = book.creator >= 0
    mine[mine] = market.creators.active[book.creator[mine]]
    return mine & (status == PENDING) & ~led.featured & ~led.forgotten & (book.delivered_day <= day)


def create(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 2 (M7.4, M10, M11, M11a, M15): take-downs, sample features and the day's work.

    Videos featuring samples may come down early (M11a). Every sample a creator holds that is
    still open at the start of the day (yesterday's status: a sample due today can still be
    featured today) may be featured (:func:`choose_features`; a burnt-out creator counts as
    overloaded), by a video or, for sellers, a livestream (some too short to count, M10).
    Creators then plan their work (:func:`plan_work`) within capacity (reduced while burnt
    out, zero in a vacant slot) times adapted effort, and today's workload is hours over
    capacity. Returns ``today.work``, ``today.featured``, ``today.featured_by`` and
    ``today.fees`` (paid offers' fees for the samples featured today).
    """
    p, day = params.creators, today.day
    c, book = market.creators, market.scoring.samples
    rule = market.scoring.policy.fulfilment
    up = book.videos_up()
    down = up[take_downs(up.size, params=p, rng=rng)]
    if down.size:
        book.take_down(down, day)
    st = book.status(day - 1, rule)
    status, deadline = st.status, st.deadline_day
    candidate = np.flatnonzero(holding(market, status, day) & (deadline >= day))
    who = book.creator[candidate]
    burnt = c.burnt_days_left > 0
    # A burnt-out creator counts as overloaded: half as likely to get to a sample.
    load = np.where(burnt[who], np.maximum(c.workload[who], 2.0), c.workload[who])
    chosen = choose_features(
        c.procrastinator[who], load, deadline[candidate] - day, params=p, rng=rng
    )
    feat, who = candidate[chosen], who[chosen]
    live = (c.orientation[who] >= 0.5) & (rng.random(feat.size) < p.feature_by_live_share)
    L = rule.live_continuous_minutes
    short = rng.random(feat.size) < p.live_feature_short_prob
    minutes = np.where(
        short, rng.integers(1, max(L, 2), feat.size), L + rng.poisson(5.0, feat.size)
    ).astype(np.float64)
    feature_videos = np.bincount(who[~live], minlength=c.n)
    feature_lives = np.bincount(who[live], minlength=c.n)
    capacity = c.capacity_hours * np.where(burnt, params.burnout.burnt_capacity, 1.0)
    capacity = np.where(c.active, capacity, 0.0)  # a vacant slot does no work
    # Effort (adapted every few weeks) scales the hours planned, not the capacity.
    work = plan_work(
        c,
        feature_videos,
        feature_lives,
        params=p,
        rng=rng,
        capacity=capacity * c.effort,
        extra_videos=nudged_videos(market, day),
    )
    if feat.size:
        book.add_features(
            feat,
            np.where(live, KIND_LIVE, KIND_VIDEO),
            np.full(feat.size, day),
            np.full(feat.size, -1),
            np.where(live, minutes, np.nan),
        )
        market.ledger.feature(feat)
    c.workload = work.hours / np.maximum(capacity, 1e-9)
    fees = np.bincount(who, weights=market.ledger.fee[feat], minlength=c.n)
    return today.add(work=work, featured=feat, featured_by=who, fees=fees)
