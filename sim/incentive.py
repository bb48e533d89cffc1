"""The burnout incentive (M15): the extra payoff one more video a day brings a creator.

Issue 11 point 7 measures the lists' pull on effort in what a creator gets, currency per day,
not in list score. One more video a day pays through two channels, computed separately so a
reader sees what comes *through the lists* and what comes *directly*:

* **direct** (:func:`direct_value`): the extra piece's own views (fewer than an average
  piece's: the k-th piece of a day weighs ``exp(-piece_decay (k - 1))``, M16 satiation), the
  share of them on a linked product (``orientation``), their orders and the creator's
  commission on the GMV.
* **through the lists** (:func:`list_value`): the engine's exact marginal gain
  (:func:`list_gain`, ``ScoringState.marginal_gain``) moves the creator up each list merchants
  read; the places gained, compared with the scores of the creators above (M3, M5, M6),
  change the contacts merchants make a day (:func:`contacts_at_places`:
  goal shares, ``search_share``, ``position_cdf`` over :func:`~sim.stages.contact.list_depth`
  places, ``contacts_per_day`` capped by the sample budgets), and each contact is worth the
  chance it is accepted and featured times a paid offer's fee plus the commission on the
  featuring video's sales (M8, M10).

Blocks avoided (O4) do not enter one more *video*: a video fulfils no sample the creator would
otherwise miss (the featuring videos are made anyway); they enter the value of a sample
featured on time, not measured here. A sample's retail value is not income and is left out,
as the nudge experiment (:mod:`sim.nudge`), which checks this computation, measures income.
The slow channels of a video (followers gained raising later views and fees, viewers'
satiation and engagement memory) are left out: over four weeks they move income by less than
the experiment can resolve.

:func:`payoff_incentive` gives both per creator, (n,) arrays; :func:`burnout_incentive`
summarises them weekly by group for the daily table (:data:`INCENTIVE_KEYS`).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson

from scoring import ScoringState
from scoring.policy import WINDOW_DAYS

from .population import GOAL_LISTS, GOALS, Creators, Merchants
from .scenario import ModelParams
from .stages.contact import list_depth, position_cdf, read_lists
from .state import Market

__all__ = [
    "INCENTIVE_EVERY",
    "INCENTIVE_KEYS",
    "NEWCOMER_DAYS",
    "burnout_incentive",
    "contacts_at_places",
    "direct_value",
    "extra_contacts",
    "list_gain",
    "list_value",
    "payoff_incentive",
    "place_weights",
]

#: The burnout incentive is measured every this-many days (it re-scores the population).
INCENTIVE_EVERY = 7
#: A creator who joined within this many days counts as a newcomer in the weekly groups.
NEWCOMER_DAYS = 90
#: The daily table's columns the weekly measurement fills (NaN on other days). ``incentive_*``
#: without ``lists``: total payoff of one more video a day (currency/day); ``incentive_lists_*``:
#: its part through the lists; ``incentive_gap*``: total minus a video's stress-free cost,
#: creators at or above capacity; ``incentive_score_gain_*``: the engine's list-score gain.
INCENTIVE_KEYS = (
    "incentive_mean",
    "incentive_lists_mean",
    "incentive_direct_mean",
    "incentive_sellers",
    "incentive_lists_sellers",
    "incentive_entertainers",
    "incentive_lists_entertainers",
    "incentive_top_decile",
    "incentive_lists_top_decile",
    "incentive_bottom_half",
    "incentive_lists_bottom_half",
    "incentive_newcomers",
    "incentive_lists_newcomers",
    "incentive_overloaded",
    "incentive_lists_overloaded",
    "incentive_gap",
    "incentive_gap_sellers",
    "incentive_gap_entertainers",
    "incentive_score_gain_mean",
    "incentive_score_gain_overloaded",
)


def list_gain(
    creators: Creators,
    scoring: ScoringState,
    *,
    params: ModelParams,
    views: np.ndarray | None = None,
    category_price: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """List -> (n,) score gain of one more video a day over the list window (M5, M15).

    One more video a day is ``WINDOW_DAYS[list_window]`` more videos in the window merchants
    read (7 for a week), each linking ``products_per_video`` products with probability
    ``orientation`` and, given ``views`` (extra views a day, :func:`direct_value`) and
    ``category_price``, bringing what those views bring as the attention stage makes them:
    watch time and engagements by quality, product views on the linked share, orders by
    selling skill and GMV at the category's price (without them, per-piece components such
    as views per piece would fall for a video nobody watches). Every creator is perturbed
    alone, others held fixed (the engine's exact finite difference,
    ``ScoringState.marginal_gain``). Zero for vacant slots; NaN -> 0.
    """
    mp, cp, at = params.merchants, params.creators, params.attention
    c = creators
    videos = WINDOW_DAYS[mp.list_window]
    delta: dict[str, np.ndarray | int] = {
        "videos": videos,
        "products_linked": np.rint(videos * c.orientation * cp.products_per_video),
    }
    if views is not None:
        v = videos * np.asarray(views, dtype=np.float64)
        q = 2.0 * c.quality  # 1 at average quality
        shop = v * c.orientation * at.product_click_rate
        orders = shop * np.minimum(1.0, at.purchase_rate * 2.0 * c.skill)
        price = category_price[c.category] if category_price is not None else 0.0
        delta |= {
            "views": v,
            "watch_seconds": v * at.watch_seconds_mean * (0.5 + 0.5 * q),
            "engagements": v * np.minimum(1.0, at.engagement_rate * q),
            "product_views": shop,
            "orders": orders,
            "gmv_cents": orders * price * 100.0,
        }
    gain = scoring.marginal_gain(mp.list_window, delta)
    return {k: np.where(c.active, np.nan_to_num(v), 0.0) for k, v in gain.items()}


def _mean_score_gain(gain: dict[str, np.ndarray], n: int, *, params: ModelParams) -> np.ndarray:
    """Score gain averaged over the lists merchants read, weighted by the goal shares."""
    mp = params.merchants
    total, weight = np.zeros(n), 0.0
    for g in GOALS:
        share = getattr(mp, f"goal_{g}")
        names = [x for x in GOAL_LISTS[g] if x in gain]
        if share <= 0 or not names:
            continue
        for x in names:
            total += share / len(names) * gain[x]
        weight += share
    return total / weight if weight > 0 else total


def _merchant_contacts(merchants: Merchants, *, params: ModelParams) -> np.ndarray:
    """(m,) expected contacts a merchant makes tomorrow: E min(Poisson(rate), budget)."""
    mp = params.merchants
    tokens = np.minimum(
        merchants.sample_tokens + mp.samples_per_week / 7.0, 2 * mp.samples_per_week
    )
    k = np.clip(np.floor(tokens), 0, None).astype(np.int64)
    # E min(X, k) = sum_{j<k} P(X > j)
    sf = poisson.sf(np.arange(int(k.max(initial=0)) + 1), mp.contacts_per_day)
    return np.r_[0.0, np.cumsum(sf)][k]


def place_weights(market: Market, name: str, *, params: ModelParams) -> np.ndarray:
    """(K, depth) chance a contact from list ``name`` of category c lands on place q (M3).

    ``position_cdf`` over the category's first min(listed,
    :func:`~sim.stages.contact.list_depth`) places, as
    :func:`~sim.stages.contact.merchant_contacts` draws it; each row sums to 1 (0 for a
    category with nobody listed).
    """
    depth = list_depth(market.n_start, params=params)
    k_cat = market.category_starts.size - 1
    rl = market.lists.get(name)
    sizes = np.diff(rl.offsets) if rl is not None else np.zeros(k_cat, np.int64)
    lens = np.minimum(sizes, depth)
    cum = position_cdf(depth, params.merchants.position_bias)
    step = np.diff(np.r_[0.0, cum])
    q = np.arange(depth)
    weights = np.where(q[None, :] < lens[:, None], step[None, :], 0.0)
    return weights / np.where(lens > 0, cum[np.maximum(lens, 1) - 1], 1.0)[:, None]


def contacts_at_places(
    market: Market,
    places: dict[str, np.ndarray],
    *,
    params: ModelParams,
    who: np.ndarray | None = None,
) -> np.ndarray:
    """(n,) merchants' expected distinct contacts a day at given list places (M3, M8).

    ``places``: list -> (n,) 0-based place on that list (-1 or beyond the depth: not seen).
    ``who``: compute for these slots only (the others get 0), e.g. the creators a change of
    place concerns.
    A merchant of goal g in the creator's category contacts it on a given draw with chance
    p = (1 - ``search_share``) / (g's lists) x sum over g's lists of the place's weight
    (:func:`place_weights`; a list with nobody listed in the category sends its draws to
    search) + ``search_share`` / the category's creators; with lambda expected
    draws a day (:func:`_merchant_contacts`: Poisson(``contacts_per_day``) capped by the
    sample budget) and repeats within the day dropped, it contacts the creator with chance
    1 - exp(-lambda p). Summed over the category's merchants, by goal (their mean lambda).
    """
    c, m, mp = market.creators, market.merchants, params.merchants
    k_cat = market.category_starts.size - 1
    goal = m.goal if m.goal is not None else np.zeros(m.m, np.int64)
    lam = _merchant_contacts(m, params=params)
    cell = m.category * len(GOALS) + goal
    count = np.bincount(cell, minlength=k_cat * len(GOALS)).reshape(k_cat, len(GOALS))
    total = np.bincount(cell, weights=lam, minlength=k_cat * len(GOALS))
    mean_lam = total.reshape(k_cat, len(GOALS)) / np.maximum(count, 1)
    size = np.diff(market.category_starts).astype(np.float64)
    who = np.arange(c.n) if who is None else np.asarray(who, dtype=np.int64)
    cat = c.category[who]
    uniform = 1.0 / np.maximum(size[cat], 1.0)
    weights = {x: place_weights(market, x, params=params) for x in places}
    part = np.zeros(who.size)
    for g, goal_name in enumerate(GOALS):
        names = GOAL_LISTS[goal_name]
        p = np.zeros(who.size)
        for name in names:
            if name not in places:  # no list: merchant_contacts searches instead
                p += uniform
                continue
            w = weights[name]
            place = places[name][who]
            seen = (place >= 0) & (place < w.shape[1])
            p += np.where(seen, w[cat, np.clip(place, 0, w.shape[1] - 1)], 0.0)
            p += np.where(w.sum(axis=1)[cat] == 0, uniform, 0.0)  # nobody listed: search
        p = (1.0 - mp.search_share) * p / len(names) + mp.search_share * uniform
        part += count[cat, g] * -np.expm1(-mean_lam[cat, g] * p)
    out = np.zeros(c.n)
    out[who] = part
    return np.where(c.active, out, 0.0)


def extra_contacts(
    market: Market, gain: dict[str, np.ndarray], *, params: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """(n,) extra merchant contacts a day, and places gained summed over lists, from ``gain``.

    On each list merchants read (:func:`~sim.stages.contact.read_lists`), a listed creator's
    score plus its gain is compared with the scores of its category's listed creators: the
    creators scoring at least as much give its new place (a tie keeps the others ahead); a
    negative gain (fewer products per piece, M7.4) loses places the same way.
    Contacts at the new places minus at the old (:func:`contacts_at_places`; no change off the
    first ``list_depth`` places). Creators not on a list (ineligible, M12, M13a) gain no place
    on it.
    """
    c = market.creators
    old_places, new_places, places = {}, {}, np.zeros(c.n)
    for name in read_lists(params):
        rl = market.lists.get(name)
        if rl is None or rl.creators.size == 0 or name not in gain:
            continue
        sizes = np.diff(rl.offsets)
        score = np.asarray(rl.score, dtype=np.float64)
        g = gain[name]
        span = 2.0 * (np.abs(score).max() + np.abs(g).max()) + 1.0
        cat_of = np.repeat(np.arange(sizes.size), sizes)
        keys = cat_of * span - score  # ascending: categories in order, best first within
        who = rl.creators
        cat = c.category[who]
        old = np.arange(who.size) - rl.offsets[cat]  # 0-based place
        # Up: creators scoring at least the new score stay above (ties keep their place).
        # Down: creators scoring more than the new score are above, itself among them.
        target = cat * span - (score + g[who])
        up = np.searchsorted(keys, target, side="right") - rl.offsets[cat]
        down = np.searchsorted(keys, target, side="left") - rl.offsets[cat] - 1
        gw = g[who]
        new = np.where(gw > 0, np.minimum(up, old), np.where(gw < 0, np.maximum(down, old), old))
        old_places[name] = np.full(c.n, -1, np.int64)
        new_places[name] = np.full(c.n, -1, np.int64)
        old_places[name][who], new_places[name][who] = old, new
        places[who] += old - new
    # Only creators seen on some list at their old or new place can change their contacts.
    depth = list_depth(market.n_start, params=params)
    near = np.zeros(c.n, dtype=bool)
    for name, place in new_places.items():
        near |= (np.minimum(place, old_places[name]) >= 0) & (
            np.minimum(place, old_places[name]) < depth
        )
    who = np.flatnonzero(near)
    before = contacts_at_places(market, old_places, params=params, who=who)
    after = contacts_at_places(market, new_places, params=params, who=who)
    return after - before, places


def direct_value(
    creators: Creators,
    period: dict[str, np.ndarray],
    category_price: np.ndarray,
    *,
    params: ModelParams,
) -> tuple[np.ndarray, np.ndarray]:
    """(n,) extra views a day, and commission a day if they all showed a product (M16).

    One more piece a day, directly. With k = the period's pieces per day (Poisson day to day),
    the feed's and the Following feed's views grow with the pieces' summed weight
    ``sum_j exp(-piece_decay j)``, whose expected increase with one more piece is
    E[q^K] = exp(-k (1 - q)), q = exp(-piece_decay); the explore share grows in proportion to
    pieces. So the extra views are the period's views a day times ``(1 - explore_share)
    E[q^K] / E[weight] + explore_share / k`` (a creator without pieces: yesterday's views per
    piece). Linked to a product, they give ``product_click_rate`` x ``min(1, 2 purchase_rate
    skill)`` orders at the category's mean price, times ``commission``. A planned video links
    products with probability ``orientation``, a sample's featuring video always.
    """
    c, at = creators, params.attention
    days = np.maximum(period["days"], 1.0)
    k = period["pieces"] / days
    v = period["views"] / days
    q = np.exp(-at.piece_decay)
    posts = k > 1e-9
    ks = np.where(posts, k, 1.0)
    if at.piece_decay > 0:
        eq = np.exp(-ks * (1.0 - q))
        weight = (1.0 - eq) / (1.0 - q)
        ratio = (1.0 - at.explore_share) * eq / weight + at.explore_share / ks
    else:
        ratio = 1.0 / ks
    views = np.where(c.active, np.where(posts, v * ratio, c.views_per_piece), 0.0)
    buy = np.minimum(1.0, at.purchase_rate * 2.0 * c.skill)
    gmv_per_view = at.product_click_rate * buy * category_price[c.category]
    return views, params.merchants.commission * views * gmv_per_view


def _featured_share(market: Market, *, params: ModelParams) -> float:
    """Share of shipped samples featured (M10), over samples old enough to be decided."""
    led = market.ledger
    if led.size == 0:
        return 1.0 - params.creators.forget_prob
    day = int(led.shipped_day.max())
    old = led.shipped_day <= day - 30
    if not old.any():
        return 1.0 - params.creators.forget_prob
    return float(led.featured[old].mean())


def list_value(
    market: Market,
    gain: dict[str, np.ndarray],
    sample_video: np.ndarray,
    *,
    params: ModelParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n,) payoff a day through the lists, extra contacts a day, places gained (M3, M8, M10).

    Extra contacts (:func:`extra_contacts`) times the chance the offer is accepted
    (``sample_accept_prob x orientation x uptake``, :func:`~sim.stages.contact.accept_offers`)
    and the sample featured (the market's featured share, :func:`_featured_share`) times what a
    featured sample pays: ``paid_offer_share`` x the fee (``fee_per_1k_followers`` per 1,000
    followers, 5 to 2,000) plus ``sample_video``, the commission on the featuring video (a
    piece on top of the plan, always linked).
    """
    c, mp = market.creators, params.merchants
    contacts, places = extra_contacts(market, gain, params=params)
    accept = np.minimum(1.0, params.creators.sample_accept_prob * c.orientation * c.uptake)
    fee = np.clip(mp.fee_per_1k_followers * c.followers / 1000.0, 5.0, 2000.0)
    worth = mp.paid_offer_share * fee + sample_video
    value = contacts * accept * _featured_share(market, params=params) * worth
    return np.where(c.active, value, 0.0), contacts, places


def payoff_incentive(market: Market, *, params: ModelParams) -> dict[str, np.ndarray]:
    """What one more video a day pays each creator, currency/day, (n,) arrays (M15).

    ``total`` = ``direct`` (:func:`direct_value`) + ``lists`` (:func:`list_value`);
    ``contacts``: extra merchant contacts a day; ``views``: extra views a day;
    ``score_gain``: the engine's list-score gain averaged over the lists merchants read
    (goal shares); ``places``: places gained, summed over the lists read. 0 for vacant slots.
    """
    c = market.creators
    views, linked = direct_value(c, market.period, market.category_price, params=params)
    gain = list_gain(
        c, market.scoring, params=params, views=views, category_price=market.category_price
    )
    direct = linked * c.orientation  # the extra video links products with this chance
    lists, contacts, places = list_value(market, gain, linked, params=params)
    return {
        "total": direct + lists,
        "direct": direct,
        "lists": lists,
        "contacts": contacts,
        "views": views,
        "places": places,
        "score_gain": np.where(c.active, _mean_score_gain(gain, c.n, params=params), 0.0),
    }


def burnout_incentive(
    creators: Creators, parts: dict[str, np.ndarray], day: int, *, params: ModelParams
) -> dict[str, float]:
    """The weekly incentive by creator group (:data:`INCENTIVE_KEYS`), currency/day.

    ``parts``: :func:`payoff_incentive`. Groups among active creators: sellers (orientation
    > 0) and entertainers, the top follower decile and the bottom half, newcomers (joined
    within :data:`NEWCOMER_DAYS` of absolute day ``day``), creators at or above capacity
    (overloaded). ``incentive_gap*``: among the overloaded, the total minus ``hour_cost`` x
    ``video_hours`` (a video's cost within capacity, free of stress): positive means the rules
    pay for effort beyond a sustainable level and only stress holds creators back. NaN for an
    empty group.
    """
    c, a = creators, params.adaptation
    act, ent = c.active, c.entertainer
    over = (c.workload >= 1.0) & act
    fol = c.followers[act]
    top = act & (c.followers >= np.quantile(fol, 0.9)) if fol.size else act
    bottom = act & (c.followers <= np.quantile(fol, 0.5)) if fol.size else act
    new = act & (day - c.joined_day < NEWCOMER_DAYS)
    total, lists = parts["total"], parts["lists"]
    gap = total - a.hour_cost * params.creators.video_hours

    def mean(x: np.ndarray, mask: np.ndarray) -> float:
        return float(x[mask].mean()) if mask.any() else np.nan

    row = {
        "incentive_mean": mean(total, act),
        "incentive_lists_mean": mean(lists, act),
        "incentive_direct_mean": mean(parts["direct"], act),
    }
    for key, mask in (
        ("sellers", act & ~ent),
        ("entertainers", act & ent),
        ("top_decile", top),
        ("bottom_half", bottom),
        ("newcomers", new),
        ("overloaded", over),
    ):
        row[f"incentive_{key}"] = mean(total, mask)
        row[f"incentive_lists_{key}"] = mean(lists, mask)
    row["incentive_gap"] = mean(gap, over)
    row["incentive_gap_sellers"] = mean(gap, over & ~ent)
    row["incentive_gap_entertainers"] = mean(gap, over & ent)
    row["incentive_score_gain_mean"] = mean(parts["score_gain"], act)
    row["incentive_score_gain_overloaded"] = mean(parts["score_gain"], over)
    return {k: row[k] for k in INCENTIVE_KEYS}
