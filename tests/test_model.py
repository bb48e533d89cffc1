"""The model as a whole: reproducibility, invariants, and directions of effect over seeds.

Direction tests compare two scenarios on the same seeds (common random numbers) and require
the mean paired difference to be at least two standard errors from zero, never a single draw.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from scoring import exclusion_names
from scoring.fulfilment import MISSED
from sim.incentive import list_gain
from sim.model import CreatorMarket
from sim.scenario import Scenario

SEEDS = range(6)
N = 1500
#: These tests follow the model from its start: no burn-in (tests/test_economy.py covers it).
NO_BURN_IN = {"time.burn_in_days": 0}
BASE_SCENARIO = Scenario().with_values(NO_BURN_IN)


@cache
def outcome(overrides: tuple[tuple[str, object], ...], seed: int, days: int = 120) -> dict:
    """Run a scenario variant; return last-30-day means and the model (cached per test run)."""
    sc = BASE_SCENARIO.with_values(dict(overrides)) if overrides else BASE_SCENARIO
    m = CreatorMarket(sc, rng=seed, n_creators=N)
    m.run(days)
    d = m.daily_table()
    tail = {k: float(np.nanmean(v[-30:])) for k, v in d.items()}
    return {"tail": tail, "model": m}


def paired(a: tuple, b: tuple, key, days: int = 120, seeds=SEEDS) -> np.ndarray:
    """Per-seed differences b - a of an outcome (a key of the tail, or a function of a run)."""
    out = []
    for s in seeds:
        ra, rb = outcome(a, s, days), outcome(b, s, days)
        fa = ra["tail"][key] if isinstance(key, str) else key(ra["model"])
        fb = rb["tail"][key] if isinstance(key, str) else key(rb["model"])
        out.append(fb - fa)
    return np.array(out)


def assert_positive(diff: np.ndarray) -> None:
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() > 2 * se, (diff, diff.mean(), se)


BASE: tuple = ()
#: Every merchant reads the overall list (M6).
OVERALL: tuple = (
    ("merchants.goal_sales", 0.0),
    ("merchants.goal_growth", 0.0),
    ("merchants.goal_reach", 0.0),
    ("merchants.goal_reliable", 0.0),
    ("merchants.goal_overall", 1.0),
)


def test_same_seed_same_tables_different_seed_different():
    sc = Scenario().with_values({"time.burn_in_days": 10})  # the burn-in is reproducible too
    a = CreatorMarket(sc, rng=7, n_creators=300)
    b = CreatorMarket(sc, rng=7, n_creators=300)
    c = CreatorMarket(sc, rng=8, n_creators=300)
    for m in (a, b, c):
        m.run(25)
    for t in ("daily_table", "creator_table", "list_snapshot"):
        ta, tb = getattr(a, t)(), getattr(b, t)()
        for k in ta:
            np.testing.assert_array_equal(ta[k], tb[k], err_msg=f"{t}.{k}")
    assert not np.array_equal(a.daily_table()["feed_views"], c.daily_table()["feed_views"])


def test_entertainers_never_get_samples_or_link_products():
    m = outcome(BASE, 0)["model"]
    ct = m.creator_table()
    assert ct["entertainer"].sum() > 0
    assert ct["samples_received"][ct["entertainer"]].sum() == 0
    sellers = ~ct["entertainer"]
    assert ct["samples_received"][sellers].sum() > 0


NO_TURNOVER = (
    ("turnover.exit_base", 0.0),
    ("turnover.exit_burnout", 0.0),
    ("turnover.viability_days", 3650),
    ("turnover.entry_rate", 0.0),
)


def test_merchants_stop_sending_after_a_miss():
    # one occupant per slot: pairs are creators; the run is the platform (sampling rate 1), so
    # a run's pair is one platform pair and a block always applies (stages.same_platform_pair)
    m = outcome((*NO_TURNOVER, ("population.platform_creators", N)), 1)["model"]
    s = m.samples
    missed = np.flatnonzero(s["status"] == MISSED)
    assert missed.size > 0
    pair = s["merchant"] * m.creators.n + s["creator"]
    for k in missed[:50]:
        later = (pair == pair[k]) & (s["shipped_day"] > s["decided_day"][k])
        assert not later.any()
    # O4 with the default limit of one miss: every pair with a miss is blocked
    assert s["blocked"][missed].all()


def test_mechanism_M14_coupling_wired_into_the_feed():
    """By construction, not a finding: coupling multiplies the feed weight of listed creators
    by exp(coupling x standing) (``sim.stages.attention_market``; exact in
    ``test_stages.test_coupling_gives_listed_creators_more_views``). This checks that the
    model's attention stage reads the lists: exposure concentrates and entertainers, on no
    sales list, lose feed share."""
    whole = (("population.platform_creators", N),)  # the run is the platform: full lists
    coupled = (*whole, ("attention.coupling", 3.0))
    assert_positive(paired(whole, coupled, "feed_gini"))
    assert_positive(paired(whole, coupled, "feed_top10_share"))
    # M14: entertainers sell nothing and rank low on the overall list, so coupling the feed
    # to it costs them views
    assert_positive(-paired(whole, coupled, "feed_entertainer_share"))


def test_M10_shorter_window_lowers_fulfilment_and_raises_last_minute_share():
    short = (("scoring.fulfilment.window_days", 6),)
    assert_positive(-paired(BASE, short, "fulfilment_rate"))
    assert_positive(paired(BASE, short, "last_minute_share"))


def test_M7_cooperation_weight_moves_list_places_to_sample_takers():
    # the run is the whole platform, so merchants look 50 places deep (not 2 of a sample)
    whole = (*OVERALL, ("population.platform_creators", N))
    base = (*whole, ("scoring.overall.cooperation", 0.0))
    heavy = (*whole, ("scoring.overall.cooperation", 6.0))
    # List exposure goes to creators more likely to accept samples (acceptance = orientation).
    # The effect is small in the rebuilt model (about 0.01, t about 3.6 over 14 seeds; 6 seeds
    # gave t 1.7), so it is measured on 12.
    assert_positive(paired(base, heavy, "list_mean_orientation", seeds=range(12)))


def test_followers_and_views_are_heavy_tailed_at_day_180():
    for s in range(3):
        m = outcome(BASE, s, 180)["model"]
        ct = m.creator_table()
        for x in (ct["followers_end"].astype(float), ct["views"]):
            x = np.sort(x)
            top1 = x[-len(x) // 100 :].sum() / x.sum()
            # the top 1% hold many times their head-count share, and the largest is far
            # above the median: a heavy right tail
            assert top1 > 0.08, top1
            assert x[-1] > 25 * np.median(x)
            logs = np.log(x[x > 0])
            skew = np.mean((logs - logs.mean()) ** 3) / logs.std() ** 3
            assert skew > -1.0  # lognormal-or-heavier: not a thin-tailed log distribution


@pytest.mark.parametrize("key", ["feed_views", "gmv", "fulfilment_rate"])
def test_outcomes_are_finite_and_positive(key):
    tail = outcome(BASE, 2)["tail"]
    assert np.isfinite(tail[key]) and tail[key] > 0


def test_incremental_sample_status_equals_a_full_evaluation():
    import copy

    m = CreatorMarket(BASE_SCENARIO, rng=3, n_creators=800)
    m.run(60)
    book = m.market.scoring.samples  # the model's state (sim.state.Market), as the stages see it
    rule = m.market_scenario.scoring.fulfilment
    fast = book.status(m.day, rule)
    full = copy.deepcopy(book)
    full.incremental = False  # a copy that evaluates every sample again
    again = full.status(m.day, rule)
    assert (fast.status == MISSED).sum() > 0
    np.testing.assert_array_equal(fast.status, again.status)
    np.testing.assert_array_equal(fast.decided_day, again.decided_day)


def _video_score_gain(overloaded: bool):
    """Mean overall-list score gain of one more video a day, videos and products alone."""

    def f(m: CreatorMarket) -> float:
        c = m.market.creators
        gain = list_gain(c, m.market.scoring, params=m.params)["overall"]
        mask = c.active & (c.workload >= 1.0) if overloaded else c.active
        return float(gain[mask].mean())

    return f


def test_burnout_incentive_rises_with_the_diligence_weight():
    # one more video (its count and products, without the views it brings) gains more
    # overall-list score when diligence weighs more (the engine's exact marginal gain)
    base = OVERALL
    heavy = (*OVERALL, ("scoring.overall.diligence", 5.0))
    none = (*OVERALL, ("scoring.overall.diligence", 0.0), ("scoring.overall.cooperation", 0.0))
    assert_positive(paired(base, heavy, _video_score_gain(True), days=63))
    assert_positive(paired(none, base, _video_score_gain(True), days=63))
    assert_positive(paired(none, base, _video_score_gain(False), days=63))


def _daily_of(seed: int) -> dict:
    m = CreatorMarket(BASE_SCENARIO, rng=seed, n_creators=300)
    m.run(15)
    return m.daily_table()


def test_same_seed_same_tables_in_a_process_pool():
    from concurrent.futures import ProcessPoolExecutor

    here = {s: _daily_of(s) for s in (3, 4)}
    with ProcessPoolExecutor(max_workers=2) as pool:
        there = dict(zip((4, 3), pool.map(_daily_of, (4, 3)), strict=True))
    for s in (3, 4):
        for k in here[s]:
            np.testing.assert_array_equal(here[s][k], there[s][k], err_msg=f"seed {s}: {k}")


def test_exits_free_slots_newcomers_take_them_and_ids_are_never_reused():
    sc = BASE_SCENARIO.with_values({"turnover.exit_base": 0.01, "turnover.entry_rate": 0.008})
    m = CreatorMarket(sc, rng=5, n_creators=400)
    m.run(40)
    d = m.daily_table()
    assert d["exits_today"].sum() > 50 and d["entries_today"].sum() > 50
    ids = m.creators.creator_id
    entries = int(d["entries_today"].sum())
    assert np.unique(ids).size == ids.size  # ids are never reused ...
    assert ids.max() == 400 + entries - 1  # ... and newcomers take the next ones
    joined = m.creators.joined_day
    assert np.all(joined[ids < 400] == 0) and np.all(joined[ids >= 400] >= 1)  # newcomers
    gone = ~m.creators.active  # left by the end of day 39
    assert gone.any()
    m.step()  # day 40 is scored while they are gone
    for name in m.lists:
        assert np.all(m.positions[name][gone] == 0)  # leavers are on no list
    assert all("inactive" in exclusion_names(int(x)) for x in m.scores.exclusion[gone])


def test_mechanism_M15_overload_wired_into_burnout_and_exits():
    """By construction, not a finding: overload feeds stress (``update_stress``, exact in
    ``test_stages.test_over_capacity_burns_out_on_the_documented_day``) and burnt-out creators
    leave at a higher rate (``exits``, ``exit_burnout``, and through lower income and views).
    This checks that the model wires them together."""
    calm = (("burnout.overload_gain", 0.1),)
    strained = (("burnout.overload_gain", 1.0),)
    assert_positive(paired(calm, strained, "burnt_out_share"))
    assert_positive(paired(calm, strained, "exits_today"))
