"""Stage 3 (M7.3, M14, M16): the feed shares out views; views become followers and sales."""

from __future__ import annotations

import numpy as np

from ..population import Creators
from ..scenario import AttentionParams, ModelParams
from ..state import Market, Today, Work
from .common import MAX_DAILY_VIEWS, counts, list_standing

__all__ = ["attention_market", "choice_log_weight", "watch"]


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


def watch(market: Market, today: Today, *, params: ModelParams, rng: np.random.Generator) -> Today:
    """Stage 3 (M14, M16): views by quality, audience, luck and (coupled) list standing.

    The feed weighs list standing (:func:`~sim.stages.common.list_standing` of the positions
    on ``coupling_list``) only when ``coupling`` > 0 (M14). Followers and yesterday's views
    per piece (social proof) are updated, and the GMV of a creator featuring samples today,
    split over the products it linked, is credited to the samples' merchants. Returns
    ``today.attention`` (:func:`attention_market`).
    """
    a, c, work = params.attention, market.creators, today.work
    standing = np.zeros(c.n)
    if a.coupling > 0 and a.coupling_list in market.positions:
        standing = list_standing(
            market.positions[a.coupling_list],
            bias=a.position_bias,
            depth=params.merchants.positions_viewed,
        )
    out = attention_market(c, work, standing, market.category_price, params=a, rng=rng)
    c.followers = np.maximum(c.followers + out["new_followers"] - out["lost_followers"], 0)
    pieces = work.videos + work.livestreams
    c.views_per_piece = np.where(
        pieces > 0, out["views"] / np.maximum(pieces, 1), 0.5 * c.views_per_piece
    )
    # Merchants' return on samples: GMV of a featuring creator today, split over the
    # products the creator linked today, goes to the sample's merchant.
    feat, who = today.featured, today.featured_by
    if feat.size:
        share = out["gmv_cents"][who] / 100.0 / np.maximum(work.products_linked[who], 1)
        np.add.at(market.merchants.sample_gmv, market.ledger.merchant[feat], share)
    return today.add(attention=out)
