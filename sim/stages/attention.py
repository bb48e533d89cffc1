"""Stage 3 (M7.3, M14, M16): finite viewers share out views; views become followers and sales."""

from __future__ import annotations

import numpy as np

from ..population import Creators
from ..scenario import AttentionParams, ModelParams
from ..state import Market, Today, Work
from .common import MAX_DAILY_VIEWS, counts, list_standing
from .contact import list_depth

__all__ = ["attention_market", "choice_log_weight", "piece_weight", "watch"]


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


def piece_weight(pieces: np.ndarray, decay: float) -> np.ndarray:
    """Summed weight of a creator's pieces of the day: ``sum_{j<k} exp(-decay j)``.

    The k-th piece of the day scores ``decay x (k - 1)`` lower than the first (viewers tire
    of the same creator within a day, RecSim satiation), so views grow less than in
    proportion to pieces: k pieces weigh ``(1 - e^(-decay k)) / (1 - e^(-decay))`` < k.
    """
    k = np.asarray(pieces, dtype=np.float64)
    if decay <= 0:
        return k
    q = np.exp(-decay)
    return (1.0 - q**k) / (1.0 - q)


def attention_market(
    c: Creators,
    work: Work,
    standing: np.ndarray,
    category_price: np.ndarray,
    *,
    params: AttentionParams,
    rng: np.random.Generator,
    viewers: np.ndarray | None = None,
    segment_scale: float | None = None,
) -> dict[str, np.ndarray]:
    """Stage 3 (M7.3, M14, M16): finite, satiating viewers share out the day's views.

    One viewer segment per category (RecSim NG: users clustered around provider topics) has
    a daily session budget of ``views_per_creator`` x its creators (``viewers``, by category;
    default the creators in each category), lengthened or shortened by the quality of what it
    watched (``session_elasticity``, RecSim v1), so the day's attention is finite.

    Every creator who posted is scored (:func:`choice_log_weight`: ``quality_weight x
    quality + social_proof x log(1 + E)``, E its discounted engagement, cumulative advantage as
    calibrated on MusicLab) ``+ follower_exponent x log(1 + followers) + coupling x standing``
    (M14) ``- satiation x sigma`` (the segment's satiation with the creator). The feed ranks
    the category's posters by score plus ``exploration`` x Gumbel noise (Gumbel top-K: Hron
    et al. 2022, Yao et al. 2023); viewers' attention at rank q falls as ``q^-position_bias``
    (the MusicLab position bias) and within a slate they pick by ``exp(choice_beta x
    quality_weight x quality)`` (RecSim NG multinomial logit), over the creator's pieces with
    :func:`piece_weight` (k-th piece scores ``piece_decay`` x (k - 1) lower, so views respond
    less than in proportion to pieces). A share ``explore_share`` of the budget goes to pieces
    uniformly (T-RECS interleaving), and a share ``following_share`` to the creators' own
    followers (the Following feed: in proportion to followers x :func:`piece_weight`). This
    is the mean field of the slates: expected views, then Poisson counts (:func:`counts`); no
    luck term unless ``views_sigma`` > 0.

    Views give watch time, engagements and followers by quality; views of shoppable pieces
    give product views (M16), product views give orders by selling skill, orders give GMV at
    the category's prices (lognormal basket noise). Returns the engine's daily counters
    (views, watch_seconds, engagements, product_views, orders, gmv_cents) and
    ``new_followers``, ``lost_followers``.
    """
    n = c.n
    k_cat = category_price.size
    pieces = work.videos + work.livestreams
    posting = np.flatnonzero(pieces > 0)
    cat = c.category[posting]
    appeal = params.quality_weight * c.quality[posting]
    engagement = c.engagement[posting] if c.engagement is not None else np.zeros(posting.size)
    score = (
        choice_log_weight(
            c.quality[posting],
            engagement,
            appeal_weight=params.quality_weight,
            social_proof=params.social_proof,
            position_bias=params.position_bias,
        )
        + params.follower_exponent * np.log1p(c.followers[posting])
        + params.coupling * standing[posting]
    )
    if c.satiation is not None:
        score = score - params.satiation * c.satiation[posting]
    if params.views_sigma > 0:
        score = score + rng.normal(0.0, params.views_sigma, posting.size)
    key = score + params.exploration * rng.gumbel(0.0, 1.0, posting.size)
    # rank within the category: sort by category, then by key descending
    span = np.abs(key).max(initial=0.0) * 2.0 + 1.0
    order = np.argsort(cat * span - key)  # deterministic; ties have measure 0
    rank = np.empty(posting.size, dtype=np.float64)
    first = np.searchsorted(cat[order], np.arange(k_cat))
    rank[order] = np.arange(posting.size) - first[cat[order]] + 1.0
    kw = piece_weight(pieces[posting], params.piece_decay)
    log_w = choice_log_weight(
        appeal * params.choice_beta,
        None,
        rank,
        appeal_weight=1.0,
        social_proof=0.0,
        position_bias=params.position_bias,
    )
    w = kw * np.exp(log_w - log_w.max(initial=0.0))
    w_sum = np.bincount(cat, weights=w, minlength=k_cat)
    p_sum = np.bincount(cat, weights=pieces[posting], minlength=k_cat)
    if viewers is None:
        viewers = np.bincount(c.category, minlength=k_cat).astype(np.float64)
    budget = params.views_per_creator * np.asarray(viewers, dtype=np.float64)
    fol = c.followers[posting] * kw
    f_sum = np.bincount(cat, weights=fol, minlength=k_cat)
    feed = 1.0 - params.explore_share - params.following_share
    share = feed * w / np.maximum(w_sum[cat], 1e-300)
    share += params.explore_share * pieces[posting] / np.maximum(p_sum[cat], 1.0)
    share += params.following_share * fol / np.maximum(f_sum[cat], 1e-300)
    # sessions lengthen with the quality of what the segment watched (RecSim v1)
    q_watched = np.bincount(cat, weights=share * c.quality[posting], minlength=k_cat)
    session = np.clip(1.0 + params.session_elasticity * (q_watched - 0.5), 0.5, 1.5)
    expected = np.zeros(n)
    expected[posting] = budget[cat] * session[cat] * share
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


def watch(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 3 (M14, M16): the attention market (:func:`attention_market`), then its memory.

    The feed weighs list standing (:func:`~sim.stages.common.list_standing` of the positions
    on ``coupling_list``) only when ``coupling`` > 0 (M14). Each category's viewers number its
    slots (the sampled platform's viewers). Followers, the discounted engagement E and the
    viewers' satiation are updated: ``E <- engagement_memory x E + views / views_per_creator``
    and ``sigma <- satiation_memory x sigma + views / (views_per_creator x platform creators
    per category)`` (the share of the platform segment's daily budget, so the same at every
    sample size). The GMV of a creator featuring samples today, split over the products it
    linked, is credited to the samples' merchants. Returns ``today.attention``.
    """
    a, c, work = params.attention, market.creators, today.work
    standing = np.zeros(c.n)
    if a.coupling > 0 and a.coupling_list in market.positions:
        standing = list_standing(
            market.positions[a.coupling_list],
            bias=a.position_bias,
            depth=list_depth(market.n_start, params=params),
        )
    viewers = np.diff(market.category_starts).astype(np.float64)
    out = attention_market(
        c, work, standing, market.category_price, params=a, rng=rng, viewers=viewers
    )
    c.followers = np.maximum(c.followers + out["new_followers"] - out["lost_followers"], 0)
    pieces = work.videos + work.livestreams
    views = out["views"].astype(np.float64)
    c.views_per_piece = np.where(pieces > 0, views / np.maximum(pieces, 1), 0.5 * c.views_per_piece)
    c.engagement = a.engagement_memory * c.engagement + views / a.views_per_creator
    segment = a.views_per_creator * params.population.platform_creators / viewers.size
    c.satiation = a.satiation_memory * c.satiation + views / segment
    # Merchants' return on samples: GMV of a featuring creator today, split over the
    # products the creator linked today, goes to the sample's merchant.
    feat, who = today.featured, today.featured_by
    if feat.size:
        share = out["gmv_cents"][who] / 100.0 / np.maximum(work.products_linked[who], 1)
        np.add.at(market.merchants.sample_gmv, market.ledger.merchant[feat], share)
    return today.add(attention=out)
