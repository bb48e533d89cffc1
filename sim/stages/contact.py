"""Stage 1 (M3, M8, M9, O4): merchants reach out, creators answer, samples ship.

Three steps of the day, each over its own random stream: merchants pick creators from the
lists or by search (``merchants`` stream), creators answer the messages, accept offers and
request samples (``creators`` stream), and merchants ship what their sample budgets allow
(``merchants`` stream).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dataclasses_replace

import numpy as np

from scoring.ranking import RankedList

from ..population import GOAL_LISTS, GOALS, Merchants
from ..scenario import CreatorParams, MerchantParams, ModelParams
from ..state import Market, Offers, Today
from .common import in_sorted, rank_within

__all__ = [
    "Contacts",
    "accept_offers",
    "answer_messages",
    "list_depth",
    "merchant_contacts",
    "position_cdf",
    "reach_out",
    "read_lists",
    "reply",
    "same_platform_pair",
    "sample_requests",
    "sampling_rate",
    "ship",
]


#: The lists merchants read, in a fixed order (the union of the goals' lists).
READ_LISTS = tuple(dict.fromkeys(name for g in GOALS for name in GOAL_LISTS[g]))
#: For each goal, the indices of its lists in :data:`READ_LISTS`.
_GOAL_LIST_IDX = [np.array([READ_LISTS.index(x) for x in GOAL_LISTS[g]]) for g in GOALS]


def read_lists(params: ModelParams) -> tuple[str, ...]:
    """The lists some merchant reads: those of the goals with a positive share (M3)."""
    mp = params.merchants
    return tuple(
        dict.fromkeys(x for g in GOALS if getattr(mp, f"goal_{g}") > 0 for x in GOAL_LISTS[g])
    )


def position_cdf(depth: int, bias: float) -> np.ndarray:
    """Unnormalised CDF of a merchant's attention over a sampled list's first ``depth`` places.

    On the platform a merchant looks at place p with weight ``p ** -bias``. In a run that
    samples the platform at rate r, the run's place q stands for the platform's places
    ((q - 1) / r, q / r], so it gets their summed weight: ``q ** (1 - bias)`` up to a constant
    (the integral of p^-bias; ``log`` form at bias 1). Merchants, and so contacts, scale with
    r, so the contacts a creator gets depend on its platform place alone, whatever the run's
    size (issue 11 point 5).
    """
    q = np.arange(1, depth + 1, dtype=np.float64)
    if abs(1.0 - bias) < 1e-9:
        return np.log1p(q)
    if bias > 1.0:  # the integral diverges at 0: use the discrete weights
        return np.cumsum(q**-bias)
    return q ** (1.0 - bias)


def list_depth(n_creators: int, *, params: ModelParams) -> int:
    """How far down a list merchants of a run of ``n_creators`` look (issue 11 point 5).

    A run of n creators samples the platform (``population.platform_creators``) at rate
    r = n / platform_creators, so a platform list's first ``positions_viewed`` places hold
    about ``positions_viewed * r`` of the run's creators: merchants look that deep (at least
    1 place). List slots per creator then stay constant across n.
    """
    r = n_creators / params.population.platform_creators
    return max(1, round(params.merchants.positions_viewed * r))


def sampling_rate(n_creators: int, *, params: ModelParams) -> float:
    """The run's sampling rate r = n / ``platform_creators`` (at most 1; issue 11 point 5)."""
    return min(1.0, n_creators / params.population.platform_creators)


def same_platform_pair(hit: np.ndarray, rate: float, u: np.ndarray) -> np.ndarray:
    """Which of the run's pair hits (a repeat contact, a blocked pair) hit the platform pair.

    A run at sampling rate r keeps the merchants, creators and list places per creator of
    the platform, so each run creator stands for 1/r platform creators: its list place for
    the 1/r platform places ((q - 1) / r, q / r] (:func:`position_cdf`), its share of a
    uniform search, or of a creator's uniform choice of merchant, for 1/r platform creators
    or merchants. Two contacts of one merchant to one run creator, or a contact to a creator
    that missed one of the merchant's samples (O4), therefore meet the same platform creator
    with probability r only. Without this, a small run drops contacts the platform makes:
    measured at 1,000 creators (r = 0.02, one list place), 14% of the drawn contacts were
    same-day repeats and 17% blocked pairs, against 1% and 8% at 20,000 (r = 0.4), and the
    heaviest sample loads fell from 0.31 to 0.21 a day. ``hit`` is True where the run sees a
    repeat or a block, ``u`` one uniform draw per element (drawn only when ``rate`` < 1, so a
    run at platform scale draws what it drew before); returns ``hit`` thinned to probability
    ``rate``.
    """
    if rate >= 1.0:
        return hit
    return hit & (u < rate)


@dataclass(frozen=True)
class Contacts:
    """Merchant-creator contacts of one day (one message and one sample offer each)."""

    merchant: np.ndarray  # int64
    creator: np.ndarray  # int64
    from_list: np.ndarray  # bool: found on a list (else by search)
    paid: np.ndarray | None = None  # bool: the contact comes with a paid offer


def merchant_contacts(
    merchants: Merchants,
    category_starts: np.ndarray,
    lists: dict[str, RankedList],
    blocked: np.ndarray,
    n_creators: int,
    *,
    params: MerchantParams,
    rng: np.random.Generator,
    depth: int | None = None,
    rate: float = 1.0,
) -> Contacts:
    """Stage 1 (M3, M8, O4): merchants pick creators to message and offer a sample.

    Each merchant makes Poisson(``contacts_per_day``) contacts, capped by its sample budget
    (its whole tokens; every contact is drawn, then the cap keeps the merchant's first ones).
    A contact comes from one of the lists the merchant's goal reads (``GOAL_LISTS``, drawn
    uniformly; position drawn by :func:`position_cdf` among the first ``depth`` places of the
    merchant's category, :func:`list_depth`) or, with probability
    ``search_share`` or when the list is empty, from a uniform search of the category. A
    share ``paid_offer_share`` of contacts carries a paid offer. Pairs in ``blocked``
    (merchant * n + creator, sorted; creators who missed earlier samples, O4) and repeats
    within the day are dropped: at sampling rate ``rate`` < 1 (:func:`sampling_rate`) only
    with probability ``rate``, by :func:`same_platform_pair`.
    """
    k = rng.poisson(params.contacts_per_day, merchants.m)
    merchant = np.repeat(np.arange(merchants.m), k)
    # Every draw below has one value per wanted contact, then the sample budget caps them:
    # the draws' sizes do not depend on the state, so two runs that share their streams
    # (the arms of sim.nudge) keep drawing the same numbers when their budgets differ.
    made = rank_within(merchant) < np.floor(merchants.sample_tokens).astype(np.int64)[merchant]
    c = merchants.category[merchant]
    total = merchant.size
    size = (category_starts[c + 1] - category_starts[c]).astype(np.float64)
    creator = category_starts[c] + np.floor(rng.random(total) * size).astype(np.int64)
    from_list = rng.random(total) >= params.search_share
    goal = merchants.goal[merchant] if merchants.goal is not None else np.zeros(total, np.int64)
    nlists = np.array([idx.size for idx in _GOAL_LIST_IDX])[goal]
    pick_in_goal = np.floor(rng.random(total) * nlists).astype(np.int64)
    table = np.full((len(GOALS), max(i.size for i in _GOAL_LIST_IDX)), -1, dtype=np.int64)
    for g, idx in enumerate(_GOAL_LIST_IDX):
        table[g, : idx.size] = idx
    which = table[goal, pick_in_goal]
    u = rng.random(total)
    paid = rng.random(total) < params.paid_offer_share
    depth = params.positions_viewed if depth is None else int(depth)
    cum = position_cdf(depth, params.position_bias)
    for j, name in enumerate(READ_LISTS):
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
    pair_u = rng.random(total) if rate < 1.0 else None
    idx = np.flatnonzero(made)
    keys = merchant[idx] * n_creators + creator[idx]
    if pair_u is None:
        keys, first = np.unique(keys, return_index=True)
        keep = idx[first[~in_sorted(keys, blocked)]]
    else:
        # a run's pair stands for several platform pairs: a repeat or a blocked pair is the
        # same platform pair only with probability ``rate``
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        drop = np.empty(keys.size, dtype=bool)
        drop[order] = np.r_[False, sk[1:] == sk[:-1]]
        drop |= in_sorted(keys, blocked)
        keep = idx[~same_platform_pair(drop, rate, pair_u[idx])]
    keep.sort()
    ok = size[keep] > 0
    keep = keep[ok]
    return Contacts(merchant[keep], creator[keep], from_list[keep], paid[keep])


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


def reach_out(
    market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator
) -> Today:
    """Stage 1a (M3, M8, O4): merchants' budgets refill and they contact creators.

    Sample tokens refill by ``samples_per_week / 7`` a day up to two weeks' worth; contacts
    come from :func:`merchant_contacts`, minus creators who left; each message is sent at a
    uniform hour between 8 and 20. Returns ``today.offers`` (contacts and send hours).
    """
    p, m, c = params.merchants, market.merchants, market.creators
    m.sample_tokens = np.minimum(
        m.sample_tokens + p.samples_per_week / 7.0, 2.0 * p.samples_per_week
    )
    contacts = merchant_contacts(
        m,
        market.category_starts,
        market.lists,
        market.ledger.blocked,
        c.n,
        params=p,
        rng=rng,
        depth=list_depth(market.n_start, params=params),
        rate=sampling_rate(market.n_start, params=params),
    )
    here = c.active[contacts.creator]  # creators who left are not contacted
    sent = today.day * 24.0 + rng.uniform(8.0, 20.0, int(here.sum()))
    offers = Offers(
        contacts.merchant[here],
        contacts.creator[here],
        contacts.from_list[here],
        sent,
        paid=contacts.paid[here],
    )
    return today.add(offers=offers)


def reply(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 1b (M8, M9, O4): creators answer messages, accept offers, request samples.

    Replies go to the engine's message book (:func:`answer_messages`); offers are accepted
    with :func:`accept_offers` (orientation x adapted uptake); active creators request samples
    (:func:`sample_requests`), except from merchants that blocked them (O4; in a run at
    sampling rate r < 1, a block applies with probability r: :func:`same_platform_pair`).
    """
    p, c, o = params.creators, market.creators, today.offers
    replied = answer_messages(
        c.orientation[o.creator], c.workload[o.creator], o.sent_hour, params=p, rng=rng
    )
    market.scoring.messages.add_messages(o.creator, o.sent_hour, replied)
    accepted = accept_offers(c.orientation[o.creator] * c.uptake[o.creator], params=p, rng=rng)
    req_m, req_c = sample_requests(
        c.orientation * c.active, c.category, market.merchant_starts, params=p, rng=rng
    )
    rate = sampling_rate(market.n_start, params=params)
    u = rng.random(req_c.size) if rate < 1.0 else None
    ok = ~same_platform_pair(in_sorted(req_m * c.n + req_c, market.ledger.blocked), rate, u)
    offers = dataclasses_replace(
        o, accepted=accepted, request_merchant=req_m[ok], request_creator=req_c[ok]
    )
    return today.add(offers=offers)


def ship(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 1c (M8, M10): merchants ship accepted offers, then granted requests.

    Accepted offers ship first (a paid offer's fee, ``fee_per_1k_followers`` per 1,000
    followers, between 5 and 2,000, is paid when the sample is featured); requests are granted
    in order while the merchant's whole tokens last. Delivery takes
    Poisson(``shipping_days_mean``) days; a creator forgets a sample with probability
    ``forget_prob``. Shipments go to the engine's sample book and the
    merchants' ledger (same rows); budgets, counts and sample costs are charged.
    """
    p, m, o, day = params.merchants, market.merchants, today.offers, today.day
    req_m, req_c = o.request_merchant, o.request_creator
    offer_m, offer_c = o.merchant[o.accepted], o.creator[o.accepted]
    c = market.creators
    paid = o.paid[o.accepted] if o.paid is not None else np.zeros(offer_c.size, dtype=bool)
    fee = np.where(
        paid,
        np.clip(p.fee_per_1k_followers * c.followers[offer_c] / 1000.0, 5.0, 2000.0),
        0.0,
    )
    left = np.floor(m.sample_tokens).astype(np.int64) - np.bincount(offer_m, minlength=m.m)
    grant = rank_within(req_m) < left[req_m]
    ship_m = np.r_[offer_m, req_m[grant]]
    ship_c = np.r_[offer_c, req_c[grant]]
    delivered = day + rng.poisson(p.shipping_days_mean, ship_c.size)
    market.scoring.samples.add_samples(ship_c, np.full(ship_c.size, day), delivered)
    forget = rng.random(ship_c.size) < params.creators.forget_prob
    market.ledger.ship(ship_m, day, forget, fee=np.r_[fee, np.zeros(int(grant.sum()))])
    c.samples_received += np.bincount(ship_c, minlength=c.n)
    sent_per = np.bincount(ship_m, minlength=m.m)
    m.sample_tokens -= sent_per
    m.samples_sent += sent_per
    m.sample_cost += sent_per * m.price * p.sample_cost_share
    return today.add(
        {
            "contacts": o.creator.size,
            "contacts_from_list": int(o.from_list.sum()),
            "samples_shipped": ship_c.size,
            "sample_requests": int(grant.sum()),
        }
    )
