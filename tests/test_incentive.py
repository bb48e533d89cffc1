"""The burnout incentive (issue 11 point 7): the payoff of one more video a day, by channel."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from sim.incentive import (
    INCENTIVE_KEYS,
    contacts_at_places,
    direct_value,
    extra_contacts,
    list_gain,
    payoff_incentive,
    place_weights,
)
from sim.model import CreatorMarket
from sim.scenario import Scenario
from sim.stages.contact import merchant_contacts, read_lists

# A platform of 5,000 creators sampled by 600: merchants look 6 places down each list.
SMALL = {"time.burn_in_days": 40, "population.platform_creators": 5000}


@cache
def _market(seed: int = 3) -> CreatorMarket:
    m = CreatorMarket(Scenario(), rng=seed, n_creators=600, **SMALL)
    m.run(14)
    return m


def test_contacts_at_places_are_what_merchants_draw():
    # Simulate merchants' contacts many times on frozen lists and budgets (no search): the
    # mean distinct contacts a day each creator gets must match the computed ones.
    m = _market()
    market, p = m.market, m.params
    p = replace(p, merchants=replace(p.merchants, search_share=0.0))
    merchants = replace(market.merchants, sample_tokens=np.full(market.merchants.m, 1e6))
    market_big = replace(market, merchants=merchants)
    rng = np.random.default_rng(0)
    n, draws = market.creators.n, 400
    got = np.zeros(n)
    for _ in range(draws):
        ct = merchant_contacts(
            merchants,
            market.category_starts,
            market.lists,
            np.zeros(0, np.int64),
            n,
            params=p.merchants,
            rng=rng,
            depth=6,
        )
        got += np.bincount(ct.creator, minlength=n)
    got = got / draws * market.creators.active  # reach_out drops creators who left
    places = {}
    for name in read_lists(p):
        w = place_weights(market_big, name, params=p)
        assert w.shape[1] == 6
        listed = np.diff(market.lists[name].offsets) > 0
        np.testing.assert_allclose(w[listed].sum(axis=1), 1.0)  # one of the places seen
        pos = market.lists[name].positions(n)
        places[name] = pos - 1
    want = contacts_at_places(market_big, places, params=p)
    seen = want > 0
    assert seen.sum() > 20 and want.max() > 1.0
    assert got[~seen].sum() == 0.0
    se = np.sqrt(want[seen] / draws)  # Poisson-like noise of the simulated mean
    assert np.abs(got[seen] - want[seen]).max() < 4 * se.max(), (got[seen], want[seen])
    assert got[seen].sum() == pytest.approx(want[seen].sum(), rel=0.03)


def test_a_big_score_gain_moves_a_creator_to_the_top_and_brings_contacts():
    m = _market()
    market, p = m.market, m.params
    names = read_lists(p)
    zero = {k: np.zeros(market.creators.n) for k in names}
    contacts, places = extra_contacts(market, zero, params=p)
    assert not contacts.any() and not places.any()
    huge = {k: np.full(market.creators.n, 1e6) for k in names}
    contacts, places = extra_contacts(market, huge, params=p)
    for name in names:
        pos = market.lists[name].positions(market.creators.n)
        top = pos == 1
        assert places[top].min() >= 0
    # Creators listed but not first gain places and (within the places seen) contacts;
    # creators already first on every list gain nothing; unlisted creators gain nothing.
    listed = np.zeros(market.creators.n, dtype=bool)
    for name in names:
        listed |= market.lists[name].positions(market.creators.n) > 0
    assert (places[~listed] == 0).all() and (contacts[~listed] == 0).all()
    assert places.max() > 10
    assert contacts.max() > 0 and contacts.min() >= 0
    # A score loss moves listed creators down: places lost, contacts lost (never gained).
    contacts, places = extra_contacts(
        market, {k: np.full(market.creators.n, -1e6) for k in names}, params=p
    )
    assert places.min() < -10 and places.max() <= 0
    assert contacts.min() < 0 and contacts.max() <= 1e-12


def test_one_more_piece_earns_fewer_views_than_the_average_piece():
    # The k-th piece of a day weighs exp(-piece_decay (k - 1)) (M16): with decay the extra
    # piece earns less than the period's views per piece; without decay and exploration,
    # exactly as many.
    m = _market()
    c, per = m.market.creators, m.market.period
    posts = c.active & (per["pieces"] > per["days"])  # more than one piece a day
    avg = per["views"][posts] / per["pieces"][posts]
    views, _ = direct_value(c, per, m.market.category_price, params=m.params)
    assert (views[posts] < avg).all()
    flat = replace(
        m.params, attention=replace(m.params.attention, piece_decay=0.0, explore_share=0.0)
    )
    views, _ = direct_value(c, per, m.market.category_price, params=flat)
    np.testing.assert_allclose(views[posts], avg)


def test_the_weekly_columns_add_up_and_cover_the_groups():
    m = CreatorMarket(Scenario(), rng=1, n_creators=600, **SMALL)
    m.run(14)
    table = m.daily_table()
    measured = np.flatnonzero(~np.isnan(table["incentive_mean"]))
    assert measured.size == 2 and measured[1] - measured[0] == 7  # weekly
    for k in INCENTIVE_KEYS:
        assert np.isnan(np.delete(table[k], measured)).all()
    row = {k: table[k][measured[1]] for k in INCENTIVE_KEYS}
    assert row["incentive_mean"] == pytest.approx(
        row["incentive_direct_mean"] + row["incentive_lists_mean"]
    )
    assert row["incentive_mean"] > 0 and np.isfinite(row["incentive_lists_mean"])
    # Entertainers link no products: their video pays nothing directly; big creators'
    # videos pay more than the bottom half's.
    assert row["incentive_sellers"] > row["incentive_entertainers"]
    assert row["incentive_top_decile"] > row["incentive_bottom_half"]
    parts = payoff_incentive(m.market, params=m.params)
    assert (parts["total"][~m.market.creators.active] == 0).all()
    assert np.isfinite(row["incentive_newcomers"]) or not m.market.creators.active.any()


def test_the_list_gain_counts_what_the_extra_video_brings():
    # One more video a day with no views would lower views per piece (M7.3 popularity);
    # with the views, orders and GMV the attention stage gives it, the popularity and sales
    # scores of creators who post rise on average.
    m = _market()
    market, p = m.market, m.params
    c = market.creators
    views, _ = direct_value(c, market.period, market.category_price, params=p)
    bare = list_gain(c, market.scoring, params=p)
    price = market.category_price
    full = list_gain(c, market.scoring, params=p, views=views, category_price=price)
    posts = c.active & (market.period["pieces"] > 0)
    assert bare["popularity"][posts].mean() < 0 < full["popularity"][posts].mean()
    assert full["sales"][posts].mean() > bare["sales"][posts].mean()
