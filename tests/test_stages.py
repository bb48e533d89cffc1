"""Stage functions and outcome metrics of the model, on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.ranking import CategoryGroups, rank_lists
from sim import stages
from sim.outcomes import gini, group_share, jaccard, top_share
from sim.population import Creators, Merchants
from sim.scenario import AttentionParams, CreatorParams, MerchantParams


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# -- outcomes -----------------------------------------------------------------------------
def test_gini_hand_values():
    assert gini(np.array([5, 5, 5, 5])) == 0.0
    # one of four holds everything: sum (2i - n - 1) x_i / (n sum x) = (8 - 5) / 4
    assert gini(np.array([0, 0, 0, 7])) == pytest.approx(0.75)
    # 1, 2, 3, 4: (-3*1 - 1*2 + 1*3 + 3*4) / (4 * 10) = 10 / 40
    assert gini(np.array([4, 1, 3, 2])) == pytest.approx(0.25)
    assert gini(np.zeros(3)) == 0.0


def test_top_share_group_share_and_jaccard():
    x = np.array([1, 2, 3, 4])
    assert top_share(x, 0.25) == pytest.approx(0.4)
    assert top_share(x, 0.5) == pytest.approx(0.7)
    assert top_share(x, 0.01) == pytest.approx(0.4)  # at least one unit
    assert group_share(x, np.array([True, False, False, True])) == pytest.approx(0.5)
    assert jaccard(np.array([1, 2, 3]), np.array([2, 3, 4])) == pytest.approx(0.5)
    assert jaccard(np.array([], int), np.array([], int)) == 1.0


def test_gini_and_top_share_batched_along_an_axis():
    from sim.outcomes import concentration

    x = rng(1).lognormal(0.0, 1.5, (4, 3, 200)) * (rng(2).random((4, 3, 200)) < 0.7)
    x[0, 0] = 0.0  # an all-zero slice
    g = gini(x)  # along the last axis
    t = top_share(x, 0.1)
    t5 = top_share(x, k=5)
    assert g.shape == t.shape == t5.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            row = x[i, j]
            assert g[i, j] == pytest.approx(gini(row), rel=1e-12, abs=1e-15)
            assert t[i, j] == pytest.approx(top_share(row, 0.1), rel=1e-12, abs=1e-15)
            assert t5[i, j] == pytest.approx(np.sort(row)[-5:].sum() / max(row.sum(), 1e-300))
    assert g[0, 0] == 0.0 and t[0, 0] == 0.0
    # 1-D input: a float, exactly the one-sort concentration the daily tables use
    row = x[1, 2]
    assert isinstance(gini(row), float) and gini(row) == concentration(row)[0]
    assert top_share(row, 0.1) == concentration(row, (0.1,))[1]
    # another axis: the same values as the last axis of the moved array
    np.testing.assert_array_equal(gini(np.moveaxis(x, -1, 0), axis=0), g)
    with pytest.raises(ValueError, match="exactly one"):
        top_share(row, 0.1, k=5)


def test_rank_within_groups():
    assert stages.rank_within(np.array([3, 1, 3, 3, 1])).tolist() == [0, 0, 1, 2, 1]


# -- list standing and merchants -----------------------------------------------------------
def test_list_standing_follows_position_bias():
    out = stages.list_standing(np.array([1, 2, 4, 0, 51]), bias=1.0, depth=50)
    assert out.tolist() == [1.0, 0.5, 0.25, 0.0, 0.0]
    out = stages.list_standing(np.array([1, 3]), bias=2.0, depth=50)
    assert out.tolist() == pytest.approx([1.0, 1 / 9])


def _merchants(m: int, category: np.ndarray | None = None, tokens: float = 100.0) -> Merchants:
    cat = np.zeros(m, int) if category is None else category
    return Merchants(cat, np.full(m, 10.0), np.full(m, tokens), np.zeros(m, int), np.zeros(m),
                     np.zeros(m))


def _one_list(n: int, order: np.ndarray) -> dict:
    """A list on which creator order[0] is first, order[1] second, ..."""
    score = np.zeros(n)
    score[order] = np.linspace(1.0, 0.1, order.size)
    groups = CategoryGroups.build(np.zeros(n, int))
    # merchants after sales read the sales and GMV lists (sim.population.GOAL_LISTS)
    return rank_lists({"sales": score, "gmv": score}, groups=groups,
                      eligible=np.isin(np.arange(n), order))


def test_merchants_pick_list_positions_with_position_bias():
    n = 200
    lists = _one_list(n, np.arange(100, 150))  # creators 100..149 listed, best first
    p = MerchantParams(contacts_per_day=0.5, search_share=0.0, position_bias=0.49,
                       positions_viewed=50)
    c = stages.merchant_contacts(_merchants(40000), np.array([0, n]), lists,
                                 np.zeros(0, int), n, params=p, rng=rng(1))
    assert c.from_list.all()
    assert np.all((c.creator >= 100) & (c.creator < 150))
    # place q of a sampled list stands for the platform's places ((q-1)/r, q/r]: it gets the
    # integral of p^-0.49 over them, so place 1 gets 1 / 50^0.51 of the attention and place 2
    # (2^0.51 - 1) / 50^0.51 (stages.contact.position_cdf)
    share1 = np.mean(c.creator == 100)
    share2 = np.mean(c.creator == 101)
    assert share1 == pytest.approx(50**-0.51, abs=0.01)
    assert share2 == pytest.approx((2**0.51 - 1) * 50**-0.51, abs=0.01)


def test_merchants_search_off_list_respect_budget_and_blocks():
    n = 50
    lists = _one_list(n, np.arange(10))
    p = MerchantParams(contacts_per_day=20.0, search_share=1.0)
    blocked = np.array([0 * n + 7, 1 * n + 7])  # merchants 0 and 1 never contact creator 7
    c = stages.merchant_contacts(_merchants(2), np.array([0, n]), lists, blocked, n,
                                 params=p, rng=rng(2))
    assert not c.from_list.any()
    assert 7 not in c.creator.tolist()
    pairs = c.merchant * n + c.creator
    assert np.unique(pairs).size == pairs.size  # no repeated contact within a day
    none = stages.merchant_contacts(_merchants(3, tokens=0.0), np.array([0, n]), lists,
                                    np.zeros(0, int), n, params=p, rng=rng(3))
    assert none.creator.size == 0


# -- creators -----------------------------------------------------------------------------
def test_entertainers_decline_samples_and_never_request():
    orient = np.array([0.0] * 1000 + [1.0] * 1000)
    acc = stages.accept_offers(orient, params=CreatorParams(sample_accept_prob=1.0), rng=rng())
    assert not acc[:1000].any() and acc[1000:].all()
    m, c = stages.sample_requests(orient, np.zeros(2000, int), np.array([0, 5]),
                                  params=CreatorParams(sample_request_rate=0.5), rng=rng())
    assert np.all(c >= 1000) and np.all((m >= 0) & (m < 5))
    assert c.size == pytest.approx(500, abs=70)


def test_reply_delay_grows_with_workload():
    p = CreatorParams(reply_hours_median=6.0, reply_never_prob=0.0,
                      reply_workload_elasticity=1.0)
    k = 20000
    sent = np.full(k, 100.0)
    calm = stages.answer_messages(np.ones(k), np.full(k, 0.8), sent, params=p, rng=rng(4))
    busy = stages.answer_messages(np.ones(k), np.full(k, 2.0), sent, params=p, rng=rng(4))
    assert not np.isnan(calm).any()
    # median delay 6 h below capacity; 6 * e^(1 * (2 - 1)) h at twice capacity
    assert np.median(calm - sent) == pytest.approx(6.0, rel=0.05)
    assert np.median(busy - sent) == pytest.approx(6.0 * np.e, rel=0.05)
    # an entertainer leaves half of the messages unanswered (plus reply_never_prob = 0)
    ent = stages.answer_messages(np.zeros(k), np.zeros(k), sent, params=p, rng=rng(5))
    assert np.isnan(ent).mean() == pytest.approx(0.5, abs=0.02)


def _creators(n: int, orientation: float = 1.0, capacity: float = 4.0) -> Creators:
    return Creators(
        creator_id=np.arange(n), category=np.zeros(n, int), followers=np.full(n, 1000),
        quality=np.full(n, 0.5), skill=np.full(n, 0.5), orientation=np.full(n, orientation),
        capacity_hours=np.full(n, capacity), procrastinator=np.zeros(n, bool),
        views_per_piece=np.zeros(n), workload=np.zeros(n), stress=np.zeros(n),
        high_days=np.zeros(n, int), burnt_days_left=np.zeros(n, int), burnouts=np.zeros(n, int),
        first_burnout_day=np.full(n, -1), joined_day=np.zeros(n, dtype=np.int64),
        effort=np.ones(n), uptake=np.ones(n),
        active=np.ones(n, bool),
    )


def test_plan_work_within_capacity_and_sample_videos_on_top():
    n = 5000
    p = CreatorParams(effort_share=0.5, video_hours=1.0, live_share_of_sellers=0.0)
    c = _creators(n, orientation=0.0, capacity=4.0)
    w = stages.plan_work(c, np.zeros(n, int), np.zeros(n, int), params=p, rng=rng(6))
    # 0.5 x 4 h of videos at 1 h each: Poisson with mean 2; no products for entertainers
    assert w.videos.mean() == pytest.approx(2.0, abs=0.1)
    assert w.livestreams.sum() == 0 and w.products_linked.sum() == 0 and w.shoppable.sum() == 0
    extra = np.ones(n, int)
    w2 = stages.plan_work(c, extra, np.zeros(n, int), params=p, rng=rng(6))
    assert np.array_equal(w2.videos, w.videos + 1)  # same draws, one sample video on top
    assert np.array_equal(w2.hours, w.hours + 1.0)
    assert np.all(w2.shoppable >= 1) and np.all(w2.products_linked >= 1)
    lives = stages.plan_work(_creators(3), np.zeros(3, int), np.array([1, 0, 1]),
                             params=CreatorParams(live_share_of_sellers=0.0), rng=rng(7))
    assert lives.livestreams.tolist()[0] >= 1 and lives.livestreams.tolist()[2] >= 1
    assert lives.live_minutes[0] >= 10


def test_procrastinators_wait_planners_do_not():
    p = CreatorParams(planner_hazard=1.0, procrastinator_days_before=2)
    days_left = np.array([10, 10, 2, 2, 1])
    proc = np.array([False, True, True, False, True])
    hits = np.zeros(5)
    for s in range(400):
        hits += stages.choose_features(proc, np.zeros(5), days_left, params=p, rng=rng(s))
    rate = hits / 400
    assert rate[0] == 1.0 and rate[3] == 1.0  # planners, hazard 1
    assert rate[1] == 0.0  # a procrastinator 10 days out
    assert rate[2] == pytest.approx(0.8, abs=0.06) and rate[4] == pytest.approx(0.8, abs=0.06)
    busy = stages.choose_features(np.zeros(4000, bool), np.full(4000, 1.5),
                                  np.full(4000, 5), params=p, rng=rng(9))
    assert busy.mean() == pytest.approx(0.5, abs=0.03)  # overloaded: half as likely


# -- attention ----------------------------------------------------------------------------
def _work(videos: np.ndarray, shoppable: np.ndarray) -> stages.Work:
    z = np.zeros(videos.size, int)
    return stages.Work(videos, z, z, shoppable, shoppable, videos.astype(float))


def test_attention_budget_no_content_no_views_and_no_products_no_sales():
    n = 4
    c = _creators(n)
    work = _work(np.array([2, 0, 1, 1]), np.array([0, 0, 1, 0]))
    p = AttentionParams(views_per_creator=1000.0, quality_weight=0.0, position_bias=0.0,
                        follower_exponent=0.0, social_proof=0.0, product_click_rate=1.0,
                        purchase_rate=0.5, piece_decay=0.0, satiation=0.0, explore_share=0.0,
                        following_share=0.0)
    out = stages.attention_market(c, work, np.zeros(n), np.array([20.0]), params=p, rng=rng(10))
    assert out["views"][1] == 0  # posted nothing
    # 4 viewers' budgets of 1,000 (sessions of average quality: x 1); equal weights per piece:
    # 4 pieces share 4,000 views -> 2,000 / 0 / 1,000 / 1,000 (Poisson)
    assert out["views"][0] == pytest.approx(2000, abs=200)
    assert out["product_views"][0] == 0 and out["orders"][0] == 0 and out["gmv_cents"][3] == 0
    # creator 2's only piece is shoppable: every view is a product view (click rate 1)
    assert out["product_views"][2] == out["views"][2]
    assert out["orders"][2] > 0 and out["gmv_cents"][2] > 0


def test_coupling_gives_listed_creators_more_views():
    n = 2000
    c = _creators(n)
    work = _work(np.ones(n, int), np.ones(n, int))
    standing = np.where(np.arange(n) < 100, 1.0, 0.0)
    base = AttentionParams(explore_share=0.0, following_share=0.0)
    coupled = AttentionParams(explore_share=0.0, following_share=0.0, coupling=4.0)
    v0 = stages.attention_market(c, work, standing, np.array([10.0]), params=base, rng=rng(11))
    v1 = stages.attention_market(c, work, standing, np.array([10.0]), params=coupled,
                                 rng=rng(11))
    share0 = v0["views"][:100].sum() / v0["views"].sum()
    share1 = v1["views"][:100].sum() / v1["views"].sum()
    assert share0 == pytest.approx(0.05, abs=0.01)  # equal scores: ranks by the Gumbel draw
    # coupling 4 (standing 1) lifts the 100 to the feed's top 100 ranks (exploration 0.5 x
    # Gumbel rarely undoes it), which get sum(q^-0.49, q <= 100) / sum(q^-0.49, q <= 2000)
    q = np.arange(1, n + 1) ** -0.49
    assert share1 == pytest.approx(q[:100].sum() / q.sum(), abs=0.01)


def test_takedowns_follow_the_daily_probability():
    down = stages.take_downs(20000, params=CreatorParams(takedown_daily_prob=0.1), rng=rng(12))
    assert down.mean() == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize("lam", [0.3, 5.0, 29.0, 31.0, 400.0])
def test_counts_have_poisson_mean_and_variance(lam):
    x = stages.counts(np.full(200_000, lam), rng=rng(13))
    assert x.min() >= 0 and x.dtype == np.int64
    assert x.mean() == pytest.approx(lam, rel=0.01, abs=0.01)
    assert x.var() == pytest.approx(lam, rel=0.03, abs=0.01)


def test_counts_respect_their_cap():
    x = stages.counts(np.full(1000, 50.0), rng=rng(14), cap=np.full(1000, 40))
    assert x.max() <= 40


def test_in_sorted_membership():
    got = stages.in_sorted(np.array([5, 1, 9, 12, 0]), np.array([1, 5, 9]))
    assert got.tolist() == [True, True, True, False, False]
    assert not stages.in_sorted(np.array([3]), np.zeros(0, int)).any()


# -- burnout (M15) -------------------------------------------------------------------------
def _run_stress(loads, pressure=0.0, **kw):
    from sim.scenario import BurnoutParams

    p = BurnoutParams(**kw)
    s, h, left = np.zeros(1), np.zeros(1, int), np.zeros(1, int)
    out = []
    for load in loads:
        st = stages.update_stress(s, h, left, np.array([load]), np.array([pressure]), params=p)
        s, h, left = st.stress, st.high_days, st.burnt_days_left
        out.append((float(s[0]), int(h[0]), int(left[0]), bool(st.burnt_today[0])))
    return out


def test_over_capacity_burns_out_on_the_documented_day():
    # load 2, gain 0.5: stress 0.5, 1.0, 1.5, 2.0; at the threshold (1.0) from day 2, so with
    # burnout_days 3 the burnout comes on day 2 + 3 - 1 = 4 and stress restarts at 0
    out = _run_stress([2.0] * 5, overload_gain=0.5, threshold=1.0, burnout_days=3,
                      episode_days_median=14)
    assert [o[0] for o in out[:3]] == [0.5, 1.0, 1.5]
    assert [o[3] for o in out] == [False, False, False, True, False]
    assert out[3][2] == 14 and out[3][0] == 0.0
    assert out[4][2] == 13  # recovering: one day less
    # a lighter load (1.25) needs ceil(1 / 0.125) = 8 days to the threshold: burnout on day 10
    out = _run_stress([1.25] * 10, overload_gain=0.5, threshold=1.0, burnout_days=3)
    assert [i + 1 for i, o in enumerate(out) if o[3]] == [10]


def test_rest_and_slack_bring_stress_down():
    out = _run_stress([2.0, 2.0, 0.0], overload_gain=0.5, burnout_days=5)
    assert out[1][0] == 1.0 and out[2][0] == 0.0 and out[2][1] == 0  # a rest day resets
    out = _run_stress([2.0, 2.0, 0.5], overload_gain=0.5, recovery=0.3, burnout_days=5)
    assert out[2][0] == pytest.approx(1.0 - 0.3 * 0.5)  # half the capacity unused


def test_deadline_pressure_adds_stress_near_deadlines():
    from sim.scenario import BurnoutParams

    p = BurnoutParams(reminder_days=3)
    creator = np.array([0, 0, 1, 1, 2])
    days_left = np.array([1, 3, 0, 4, 2])
    got = stages.deadline_pressure(creator, days_left, 4, params=p)
    # creator 0: 1/1 + 1/3; creator 1: due today counts as 1/1, 4 days out is not yet near
    assert got.tolist() == pytest.approx([1 + 1 / 3, 1.0, 0.5, 0.0])
    out = _run_stress([1.0, 1.0], pressure=2.0, deadline_gain=0.1)
    assert out[1][0] == pytest.approx(0.4)


def test_imitation_moves_toward_better_paid_peers_of_the_same_category():
    from sim.scenario import AdaptationParams

    p = AdaptationParams(imitation=0.5, noise=0.0)
    # category 0: creators 0, 1; category 1: creators 2, 3
    starts, cat = np.array([0, 2, 4]), np.array([0, 0, 1, 1])
    effort = np.array([1.0, 2.0, 1.0, 1.0])
    payoff = np.array([1.0, 5.0, 3.0, 3.0])
    moved = np.zeros(4)
    for s in range(200):
        out = stages.imitate({"effort": effort}, payoff, starts, cat, params=p, rng=rng(s))
        e = out["effort"]
        # creator 0 either keeps 1.0 (drew itself) or moves half way to creator 1's 2.0
        assert e[0] in (1.0, 1.5)
        moved[0] += e[0] == 1.5
        assert e[1] == 2.0  # nobody in its category is better paid
        assert e[2] == 1.0 and e[3] == 1.0  # equal payoffs: no move
    assert moved[0] / 200 == pytest.approx(0.5, abs=0.1)
    none = stages.imitate({"effort": effort}, payoff, starts, cat,
                          params=AdaptationParams(imitation=0.0, noise=0.0), rng=rng(1))
    assert np.array_equal(none["effort"], effort)


def test_effort_step_keeps_direction_while_payoff_rises_and_turns_when_it_falls():
    from sim.scenario import AdaptationParams

    p = AdaptationParams(learning_rate=0.1, noise=0.0, max_effort=2.5)
    effort = np.array([1.0, 1.0, 1.0, 2.45, 0.12])
    direction = np.array([1.0, 1.0, -1.0, 1.0, -1.0])
    payoff = np.array([2.0, 1.0, 1.0, 5.0, 0.0])
    last = np.array([1.0, 2.0, 2.0, 4.0, np.nan])
    out, d = stages.effort_step(effort, direction, payoff, last, params=p, rng=rng(0))
    # rose: keep going up; fell: turn down; fell while going down: turn up; bounded above by
    # max_effort; no history (NaN): keep the direction, bounded below by 0.1
    np.testing.assert_allclose(out, [1.1, 0.9, 1.1, 2.5, 0.1])
    np.testing.assert_array_equal(d, [1, -1, 1, 1, -1])
    noisy, _ = stages.effort_step(effort, direction, payoff, last,
                                  params=AdaptationParams(noise=0.05), rng=rng(1))
    assert not np.array_equal(noisy, out)


def test_exp3_learns_the_best_effort_level():
    from sim.scenario import AdaptationParams

    p = AdaptationParams(exp3_gamma=0.1)
    g = rng(3)
    k, n = stages.adaptation.EXP3_LEVELS, 2000
    log_w, arm = np.zeros((n, k)), g.integers(0, k, n)
    for _ in range(200):  # arm 2 pays 0.9, every other 0.3
        reward = np.where(arm == 2, 0.9, 0.3)
        log_w, arm = stages.adaptation.exp3_step(log_w, arm, reward, params=p, rng=g)
    assert np.mean(arm == 2) > 0.6


def test_hours_cost_is_convex_beyond_capacity():
    from sim.scenario import AdaptationParams

    p = AdaptationParams(hour_cost=1.0, overtime_convexity=4.0, stress_cost=0.0)
    h = np.array([2.0, 4.0, 6.0, 8.0])
    cost = stages.adaptation.hours_cost(h, np.full(4, 4.0), np.zeros(4), params=p)
    np.testing.assert_allclose(cost, [2.0, 4.0, 6.0 + 4.0 * 4 * 0.25, 8.0 + 4.0 * 4 * 1.0])
    assert np.all(np.diff(cost, 2) >= 0) and cost[3] - cost[2] > cost[1] - cost[0]


def test_exit_hazard_adds_burnout_and_viability():
    from sim.scenario import TurnoverParams

    p = TurnoverParams(exit_base=0.01, exit_burnout=0.1)
    k = 100_000
    on = np.ones(k, bool)
    no, yes = np.zeros(k, bool), np.ones(k, bool)
    assert stages.exits(on, no, no, params=p, rng=rng(1)).mean() == pytest.approx(0.01, abs=0.002)
    assert stages.exits(on, yes, no, params=p, rng=rng(2)).mean() == pytest.approx(0.11, abs=0.004)
    assert stages.exits(on, no, yes, params=p, rng=rng(3)).all()  # not viable: leaves
    assert not stages.exits(~on, yes, yes, params=p, rng=rng(4)).any()  # gone already


def test_viability_counts_days_below_both_reservations():
    from sim.scenario import TurnoverParams

    p = TurnoverParams(viability_days=3)
    c = _creators(4)
    c.reservation_income[:] = 1.0
    c.reservation_views[:] = 100.0
    c.income_record[:] = [0.5, 2.0, 0.5, 0.5]  # the second earns enough
    c.views_record[:] = [50.0, 50.0, 500.0, 50.0]  # the third is seen enough
    c.active[3] = False
    for day in range(3):
        gone = stages.turnover.viability(c, params=p)
        assert gone.tolist() == [day == 2, False, False, False]
