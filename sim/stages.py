"""The stages of one simulated day, each a function over population arrays.

Every stage takes arrays and parameters and a ``numpy.random.Generator`` (keyword-only) and
returns arrays; none loops over creators in Python. ``sim.model.CreatorMarket.step`` calls them
in the order of DESIGN.md ("The model"); each docstring cites the mechanic it implements and
states its assumptions. Parameters are documented in ``sim.scenario``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.ranking import RankedList

from .population import Creators, Merchants
from .scenario import (
    AdaptationParams,
    AttentionParams,
    BurnoutParams,
    CreatorParams,
    MerchantParams,
    TurnoverParams,
)

__all__ = [
    "Contacts",
    "Strain",
    "Work",
    "accept_offers",
    "answer_messages",
    "attention_market",
    "choice_log_weight",
    "choose_features",
    "counts",
    "deadline_pressure",
    "exits",
    "imitate",
    "in_sorted",
    "list_standing",
    "merchant_contacts",
    "plan_work",
    "sample_requests",
    "take_downs",
    "update_stress",
]

MAX_DAILY_VIEWS = np.iinfo(np.int32).max  # the engine's per-day limit of a counter


def counts(
    mean: np.ndarray, *, rng: np.random.Generator, cap: np.ndarray | None = None
) -> np.ndarray:
    """Poisson counts with the given means, fast: exact below a mean of 30, normal above.

    Above 30 the Poisson's normal approximation (rounded, floored at 0) is used; numpy's exact
    samplers cost tens of ns per draw, which a daily tick of 10^5 creators cannot afford.
    With ``cap``, counts are capped (a thinned count never exceeds its parent count).
    """
    mean = np.asarray(mean, dtype=np.float64)
    out = np.empty(mean.shape, dtype=np.int64)
    small = mean < 30.0
    out[small] = rng.poisson(mean[small])
    big = ~small
    lam = mean[big]
    out[big] = np.maximum(np.rint(lam + np.sqrt(lam) * rng.standard_normal(lam.size)), 0)
    if cap is not None:
        np.minimum(out, cap, out=out)
    return out


def in_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Membership of ``keys`` in an ascending array, by binary search (no sort of the set)."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[pos] == keys


@dataclass(frozen=True)
class Contacts:
    """Merchant-creator contacts of one day (one message and one sample offer each)."""

    merchant: np.ndarray  # int64
    creator: np.ndarray  # int64
    from_list: np.ndarray  # bool: found on a list (else by search)


def list_standing(positions: np.ndarray, *, bias: float, depth: int) -> np.ndarray:
    """Attention a list position gets: ``p ** -bias`` for p in 1..depth, 0 when not listed.

    The same position-bias curve serves merchants' attention (M3) and, with the scenario's
    coupling, the feed's use of list standing (M14).
    """
    pos = np.asarray(positions, dtype=np.float64)
    out = np.zeros(pos.size)
    seen = (pos >= 1) & (pos <= depth)
    out[seen] = pos[seen] ** -bias
    return out


def merchant_contacts(
    merchants: Merchants,
    category_starts: np.ndarray,
    lists: dict[str, RankedList],
    blocked: np.ndarray,
    n_creators: int,
    *,
    params: MerchantParams,
    rng: np.random.Generator,
) -> Contacts:
    """Stage 1 (M3, M8, O4): merchants pick creators to message and offer a sample.

    Each merchant makes Poisson(``contacts_per_day``) contacts, capped by its sample budget.
    A contact comes from a list in ``lists_used`` (position drawn with weight
    ``p ** -position_bias`` among the first ``positions_viewed`` of the merchant's category)
    or, with probability ``search_share`` or when the list is empty, from a uniform search of
    the category. Pairs in ``blocked`` (merchant * n + creator, sorted; creators who missed
    earlier samples, O4) and repeats within the day are dropped.
    """
    k = rng.poisson(params.contacts_per_day, merchants.m)
    k = np.minimum(k, np.floor(merchants.sample_tokens).astype(np.int64))
    merchant = np.repeat(np.arange(merchants.m), k)
    c = merchants.category[merchant]
    total = merchant.size
    size = (category_starts[c + 1] - category_starts[c]).astype(np.float64)
    creator = category_starts[c] + np.floor(rng.random(total) * size).astype(np.int64)
    from_list = rng.random(total) >= params.search_share
    which = rng.integers(0, len(params.lists_used), total)
    u = rng.random(total)
    depth = params.positions_viewed
    cum = np.cumsum(np.arange(1, depth + 1, dtype=np.float64) ** -params.position_bias)
    for j, name in enumerate(params.lists_used):
        rl = lists.get(name)
        pick = from_list & (which == j)
        if rl is None or rl.creators.size == 0:
            from_list &= ~pick
            continue
        lens = np.minimum(np.diff(rl.offsets)[c[pick]], depth)
        has = lens > 0
        idx = np.flatnonzero(pick)
        # inverse CDF of the position weights truncated to the list's length
        pos = np.searchsorted(cum, u[idx] * cum[np.maximum(lens, 1) - 1], side="right")
        pos = np.minimum(pos, np.maximum(lens - 1, 0))
        chosen = rl.creators[np.minimum(rl.offsets[c[idx]] + pos, rl.creators.size - 1)]
        creator[idx[has]] = chosen[has]
        from_list[idx[~has]] = False
    keys = merchant * n_creators + creator
    keys, first = np.unique(keys, return_index=True)
    keep = first[~in_sorted(keys, blocked)]
    keep.sort()
    ok = size[keep] > 0
    keep = keep[ok]
    return Contacts(merchant[keep], creator[keep], from_list[keep])


def sample_requests(
    orientation: np.ndarray,
    category: np.ndarray,
    merchant_starts: np.ndarray,
    *,
    params: CreatorParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1 (M8): creators ask merchants of their category for samples.

    A creator requests at rate ``sample_request_rate * orientation`` a day (entertainers
    never); the merchant is uniform within the category. Returns (merchant, creator).
    """
    asks = rng.random(orientation.size) < params.sample_request_rate * orientation
    creator = np.flatnonzero(asks)
    c = category[creator]
    lo, hi = merchant_starts[c], merchant_starts[c + 1]
    merchant = lo + np.floor(rng.random(creator.size) * (hi - lo)).astype(np.int64)
    return merchant, creator


def answer_messages(
    orientation: np.ndarray,
    workload: np.ndarray,
    sent_hour: np.ndarray,
    *,
    params: CreatorParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 2 (M9): when each message is answered (hours since day 0), NaN = never.

    The delay is lognormal with median ``reply_hours_median * exp(elasticity * overload)``,
    where overload is yesterday's work above capacity (M15: busier creators answer later).
    A message goes unanswered with probability ``reply_never_prob``, raised for creators who
    do not sell (an entertainer ignores half of the offers it gets).
    """
    overload = np.maximum(workload - 1.0, 0.0)
    median = params.reply_hours_median * np.exp(params.reply_workload_elasticity * overload)
    delay = median * rng.lognormal(0.0, 1.0, sent_hour.size)
    p_never = params.reply_never_prob + (1 - params.reply_never_prob) * 0.5 * (1 - orientation)
    never = rng.random(sent_hour.size) < p_never
    return np.where(never, np.nan, sent_hour + delay)


def accept_offers(
    orientation: np.ndarray, *, params: CreatorParams, rng: np.random.Generator
) -> np.ndarray:
    """Stage 2 (M8, M12): accept a sample with probability ``sample_accept_prob * orientation``.

    Pure entertainers (orientation 0) always decline.
    """
    return rng.random(orientation.size) < params.sample_accept_prob * orientation


@dataclass(frozen=True)
class Work:
    """What creators produce today, (n,) arrays."""

    videos: np.ndarray
    livestreams: np.ndarray
    live_minutes: np.ndarray
    shoppable: np.ndarray  # pieces with at least one product linked
    products_linked: np.ndarray
    hours: np.ndarray


def plan_work(
    c: Creators,
    feature_videos: np.ndarray,
    feature_lives: np.ndarray,
    *,
    params: CreatorParams,
    rng: np.random.Generator,
    capacity: np.ndarray | None = None,
) -> Work:
    """Stage 2 (M7.4, M15): the day's videos, livestreams and products within capacity.

    A creator plans ``effort_share * capacity`` hours (lognormal day-to-day noise, sd 0.3),
    spends ``live_share_of_sellers * orientation`` of it livestreaming (in lives of
    ``live_minutes_mean``, each minute costing ``live_overhead`` minutes) and the rest on
    videos (``video_hours`` each); ``capacity`` overrides the creators' own (burnout). Videos
    made to feature samples come on top of the plan, and a creator featuring a sample live
    goes live at least once. A video links products with probability ``orientation``; sample
    videos always do.
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
    shoppable_lives = np.where(c.orientation > 0, lives, 0)
    products = rng.poisson(
        shoppable_videos * params.products_per_video
        + shoppable_lives * params.products_per_live * c.orientation
    )
    products = np.maximum(products, shoppable_videos + shoppable_lives)
    work = videos * params.video_hours + minutes * params.live_overhead / 60.0
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


def take_downs(n_up: int, *, params: CreatorParams, rng: np.random.Generator) -> np.ndarray:
    """Stage 2 (M11a): which of the featuring videos still up are taken down today."""
    return rng.random(n_up) < params.takedown_daily_prob


def choice_log_weight(
    appeal: np.ndarray,
    popularity: np.ndarray | None = None,
    position: np.ndarray | None = None,
    *,
    appeal_weight: float | np.ndarray,
    social_proof: float | np.ndarray,
    position_bias: float | np.ndarray,
) -> np.ndarray:
    """Log of the weight with which an item is picked from a feed or a ranked display.

    ``appeal_weight * appeal + social_proof * log(1 + popularity) - position_bias *
    log(position)``: the item's own appeal, cumulative advantage from the popularity shown
    (views, downloads; leave out where none is shown) and attention that falls with the place
    ``position`` (1 = top) on a ranked display (leave out where there is none). The creator
    feed (:func:`attention_market`, M14) and the MusicLab replication
    (:mod:`sim.validation`) both pick with it, so the social-proof and position-bias exponents
    calibrated on MusicLab are the feed's. Arrays broadcast; weights scale-free in popularity
    (doubling it multiplies the weight by ``2 ** social_proof`` once it is large).
    """
    log_w = appeal_weight * np.asarray(appeal, dtype=np.float64)
    if popularity is not None:
        log_w = log_w + social_proof * np.log1p(popularity)
    if position is not None:
        log_w = log_w - position_bias * np.log(position)
    return log_w


def attention_market(
    c: Creators,
    work: Work,
    standing: np.ndarray,
    category_price: np.ndarray,
    *,
    params: AttentionParams,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Stage 3 (M7.3, M14, M16): share out the day's views and turn them into sales.

    The feed's daily budget is ``views_per_piece`` times the pieces posted. A creator's share
    is proportional to pieces x exp(quality_weight * quality) x (1 + followers)^
    follower_exponent x (1 + yesterday's views per piece)^social_proof x exp(coupling *
    standing) x lognormal luck (sd ``views_sigma``): cumulative advantage as in MusicLab, and
    list standing only as far as the scenario couples the feed to the lists (M14). The quality
    and social-proof terms are :func:`choice_log_weight`, the choice weight calibrated on
    MusicLab exp. 2 (``sim.validation``); the feed shows no positions of its own, so the
    calibrated position bias enters through ``standing`` (:func:`list_standing`). Views give
    watch time, engagements and followers by quality; views of shoppable pieces give product
    views (M16), product views give orders by selling skill, orders give GMV at the category's
    prices (lognormal basket noise).

    Counts are drawn with :func:`counts` (Poisson; normal approximation above a mean of 30).
    Returns the engine's daily counters (views, watch_seconds, engagements, product_views,
    orders, gmv_cents) and ``new_followers``, ``lost_followers``.
    """
    n = c.n
    pieces = work.videos + work.livestreams
    log_w = (
        choice_log_weight(
            c.quality,
            c.views_per_piece,
            appeal_weight=params.quality_weight,
            social_proof=params.social_proof,
            position_bias=params.position_bias,
        )
        + params.follower_exponent * np.log1p(c.followers)
        + params.coupling * standing
        + rng.normal(0.0, params.views_sigma, n)
    )
    log_w -= log_w.max(initial=0.0)
    weight = pieces * np.exp(log_w)
    total_weight = weight.sum()
    budget = params.views_per_piece * pieces.sum()
    expected = budget * weight / total_weight if total_weight > 0 else np.zeros(n)
    views = np.minimum(counts(expected, rng=rng), MAX_DAILY_VIEWS)
    q = 2.0 * c.quality  # 1 at average quality
    watch = np.rint(views * params.watch_seconds_mean * (0.5 + 0.5 * q)).astype(np.int64)
    # Thinned counts: Poisson with the thinned mean, capped at the parent count.
    engagements = counts(views * np.minimum(1.0, params.engagement_rate * q), rng=rng, cap=views)
    new_followers = counts(views * np.minimum(1.0, params.follow_rate * q), rng=rng, cap=views)
    lost = counts(c.followers * params.unfollow_rate, rng=rng, cap=c.followers)
    shop_share = np.divide(work.shoppable, pieces, out=np.zeros(n), where=pieces > 0)
    shop_views = np.rint(views * np.minimum(shop_share, 1.0)).astype(np.int64)
    product_views = counts(shop_views * params.product_click_rate, rng=rng, cap=shop_views)
    buy = np.minimum(1.0, params.purchase_rate * 2.0 * c.skill)
    orders = counts(product_views * buy, rng=rng, cap=product_views)
    basket = category_price[c.category] * rng.lognormal(-0.045, 0.3, n)
    gmv_cents = np.rint(orders * basket * 100.0).astype(np.int64)
    return {
        "views": views,
        "watch_seconds": watch,
        "engagements": engagements,
        "product_views": product_views,
        "orders": orders,
        "gmv_cents": gmv_cents,
        "new_followers": new_followers,
        "lost_followers": lost,
    }


def deadline_pressure(
    creator: np.ndarray, days_left: np.ndarray, n: int, *, params: BurnoutParams
) -> np.ndarray:
    """Stage 5 (M10, O2, M15): deadline pressure per creator, (n,).

    Sums ``1 / max(days_left, 1)`` over the creator's pending, delivered samples due within
    ``reminder_days`` (O2 reminds creators 3 and 1 days before the deadline).
    """
    near = (days_left >= 0) & (days_left <= params.reminder_days)
    w = 1.0 / np.maximum(days_left[near], 1)
    return np.bincount(creator[near], weights=w, minlength=n)


@dataclass(frozen=True)
class Strain:
    """Stress state after a day, (n,) arrays."""

    stress: np.ndarray
    high_days: np.ndarray  # days in a row at or above the threshold
    burnt_days_left: np.ndarray  # > 0 while burnt out
    burnt_today: np.ndarray  # bool: a burnout began today


def update_stress(
    stress: np.ndarray,
    high_days: np.ndarray,
    burnt_days_left: np.ndarray,
    load: np.ndarray,
    pressure: np.ndarray,
    *,
    params: BurnoutParams,
) -> Strain:
    """Stage 5 (M15): stress builds with overload and deadlines, rest lowers it.

    ``stress' = max(0, stress + overload_gain (load - 1)+ + deadline_gain pressure -
    recovery (1 - load)+)``, and 0 after a rest day (load 0). A creator not already burnt out
    whose stress has been at or above ``threshold`` for ``burnout_days`` days in a row burns out
    that day: ``burnt_days_left`` becomes ``recovery_days`` and stress restarts at 0. Under a
    constant load L > 1 with no deadlines, stress first reaches the threshold on day
    k = ceil(threshold / (overload_gain (L - 1))) and the burnout comes on day
    k + burnout_days - 1 (days counted from 1).
    """
    over = np.maximum(load - 1.0, 0.0)
    slack = np.maximum(1.0 - load, 0.0)
    s = stress + params.overload_gain * over + params.deadline_gain * pressure
    s -= params.recovery * slack
    s = np.where(load <= 0.0, 0.0, np.maximum(s, 0.0))
    burning = burnt_days_left > 0
    left = np.maximum(burnt_days_left - 1, 0)
    high = (s >= params.threshold) & ~burning
    days = np.where(high, high_days + 1, 0)
    burnt_today = days >= params.burnout_days
    left = np.where(burnt_today, params.recovery_days, left)
    s = np.where(burnt_today, 0.0, s)
    days = np.where(burnt_today, 0, days)
    return Strain(s, days, left, burnt_today)


def imitate(
    traits: dict[str, np.ndarray],
    payoff: np.ndarray,
    category_starts: np.ndarray,
    category: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Stage 5 (M15): pairwise imitation of a better-paid peer of the same category.

    Each creator draws a uniform peer in its category; where the peer's ``payoff`` is higher,
    every trait moves ``imitation`` of the way to the peer's value. Gaussian noise (sd
    ``noise``) is added to every trait. Returns the new traits (unclipped).
    """
    n = payoff.size
    lo, hi = category_starts[category], category_starts[category + 1]
    peer = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    better = payoff[peer] > payoff
    step = np.where(better, params.imitation, 0.0)
    out = {}
    for name, x in traits.items():
        moved = x + step * (x[peer] - x)
        out[name] = moved + rng.normal(0.0, params.noise, n) if params.noise > 0 else moved
    return out


def effort_step(
    effort: np.ndarray,
    value: np.ndarray,
    cost: np.ndarray,
    *,
    params: AdaptationParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 6 (M15): one gradient step of effort on the creator's own payoff.

    ``effort + learning_rate * tanh(value / cost - 1)`` plus Gaussian noise (sd ``noise``),
    clipped to [0.1, ``max_effort``]: effort grows while one more video a day is worth more
    than it costs, shrinks when it is worth less, and by at most ``learning_rate`` (tanh
    bounds the step, so a creator never leaps on one lucky fortnight). ``value`` and ``cost``
    are (n,) arrays in currency per video (see ``CreatorMarket._video_value``).
    """
    step = params.learning_rate * np.tanh(value / cost - 1.0)
    new = effort + step
    if params.noise > 0:
        new = new + rng.normal(0.0, params.noise, effort.size)
    return np.clip(new, 0.1, params.max_effort)


def exits(
    active: np.ndarray,
    burnt: np.ndarray,
    unpaid: np.ndarray,
    *,
    params: TurnoverParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stage 6 (M15): which active creators leave today.

    Probability ``exit_base`` + ``exit_burnout`` (burnt out) + ``exit_unpaid`` (the last
    period's payoff was negative), capped at 1.
    """
    p = params.exit_base + params.exit_burnout * burnt + params.exit_unpaid * unpaid
    return active & (rng.random(active.size) < np.minimum(p, 1.0))
