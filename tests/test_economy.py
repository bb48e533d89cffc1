"""Issue 11: the creator economy's emergent facts, scale invariance and removed parameters.

Each test asserts a value a mechanism must produce and can fail: views respond less than in
proportion to posting; the day's attention is finite; every index's weight reaches an outcome;
top-decile burnout stays far below the old model's 98%; bigger creators leave less often than
small ones; outcomes are the same per creator at 1k, 5k and 20k creators; a removed key
names its replacement.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scoring import ConfigError
from scoring.policy import INDICES
from sim import stages
from sim.model import CreatorMarket
from sim.population import Creators
from sim.scenario import REMOVED, AttentionParams, Scenario

NO_BURN_IN = {"time.burn_in_days": 0}


def _creators(n: int, rng: np.random.Generator) -> Creators:
    given = {
        "creator_id": np.arange(n),
        "category": np.zeros(n, np.int64),
        "followers": rng.integers(500, 5000, n),
        "quality": rng.uniform(0.2, 0.8, n),
        "skill": np.full(n, 0.5),
        "orientation": np.full(n, 0.5),
        "active": np.ones(n, bool),
    }
    return Creators(
        **{
            f.name: given.get(f.name, np.zeros(n))
            for f in dataclasses.fields(Creators)
            if f.name in given or f.default is dataclasses.MISSING
        }
    )


def _work(pieces: np.ndarray) -> stages.Work:
    z = np.zeros(pieces.size, np.int64)
    return stages.Work(pieces, z, z, z, z, pieces.astype(float))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_views_respond_less_than_proportionally_to_pieces(seed):
    # Half the creators (at random) post two pieces, half one; all else equal. The elasticity
    # of views to pieces, log(views ratio) / log 2, is below 1 (the k-th piece of the day is
    # scored lower), and above 0 (more pieces do bring more views).
    rng = np.random.default_rng(seed)
    n = 4000
    c = _creators(n, rng)
    two = rng.random(n) < 0.5
    p = AttentionParams()
    out = stages.attention_market(
        c, _work(np.where(two, 2, 1)), np.zeros(n), np.array([10.0]), params=p, rng=rng
    )
    ratio = out["views"][two].mean() / out["views"][~two].mean()
    elasticity = np.log(ratio) / np.log(2.0)
    assert 0.3 < elasticity < 0.9, elasticity
    # the second piece of the day brings fewer views than the first
    assert ratio - 1.0 < 1.0


def test_the_days_attention_is_finite():
    # Everyone doubling their posting does not raise the day's views: the viewers' session
    # budget (views_per_creator x creators, times at most 1.5 for good slates) caps them.
    rng = np.random.default_rng(4)
    n = 3000
    c = _creators(n, rng)
    p = AttentionParams()
    one = stages.attention_market(
        c,
        _work(np.ones(n, np.int64)),
        np.zeros(n),
        np.array([10.0]),
        params=p,
        rng=np.random.default_rng(1),
    )
    two = stages.attention_market(
        c,
        _work(np.full(n, 2)),
        np.zeros(n),
        np.array([10.0]),
        params=p,
        rng=np.random.default_rng(1),
    )
    budget = p.views_per_creator * n
    assert one["views"].sum() <= 1.5 * budget * 1.01
    assert two["views"].sum() == pytest.approx(one["views"].sum(), rel=0.02)


def test_piece_weight_is_concave():
    w = stages.attention.piece_weight(np.arange(0, 6), 0.4)
    assert w[0] == 0 and w[1] == pytest.approx(1.0)
    assert np.all(np.diff(w, 2) < 0)  # each extra piece adds less than the one before


@pytest.mark.parametrize("index", INDICES)
def test_every_index_weight_reaches_an_outcome(index):
    # Weight 5 vs 1 on an index in the overall list changes who merchants contact: goals read
    # their lists (goal_overall > 0 in the baseline), so no index weight is inert.
    sc = Scenario().with_values(NO_BURN_IN)
    runs = []
    for w in (1.0, 5.0):
        m = CreatorMarket(sc.with_values({f"scoring.overall.{index}": w}), rng=3, n_creators=800)
        m.run(25)
        runs.append(m.creator_table()["samples_received"])
    assert not np.array_equal(runs[0], runs[1])


def test_diligence_list_reaches_samples_without_the_overall_list():
    # Merchants after reliable partners read the diligence list directly: its component
    # weights change who gets samples even when nobody reads the overall list.
    sc = Scenario().with_values({**NO_BURN_IN, "merchants.goal_overall": 0.0})
    runs = []
    for w in (1.0, 5.0):
        m = CreatorMarket(
            sc.with_values({"scoring.weights.diligence.content_count": w}), rng=5, n_creators=800
        )
        m.run(25)
        runs.append(m.creator_table()["samples_received"])
    assert not np.array_equal(runs[0], runs[1])


@pytest.fixture(scope="module")
def year_runs():
    """Three seeds of 1,500 creators for 300 days (no burn-in: the first cohort is followed)."""
    out = []
    for seed in (11, 12, 13):
        m = CreatorMarket(Scenario().with_values(NO_BURN_IN), rng=seed, n_creators=1500)
        m.run(300)
        out.append(m.creator_table())
    return out


def _cohort_groups(ct):
    first = ct["joined_day"] <= 0
    f0 = ct["followers_start"].astype(float)
    top = first & (f0 >= np.quantile(f0[first], 0.9))
    bottom = first & (f0 <= np.quantile(f0[first], 0.5))
    return first, top, bottom


def test_top_decile_burnout_far_below_the_old_98_percent(year_runs):
    # The old model: 98% of the top follower decile burnt out, 15 episodes a year each. The
    # calibrated one puts about two thirds of all creators through an episode in a year (T8:
    # 50-90%), so the top decile cannot sit far below that; what must go is the runaway: a
    # few episodes a year, not fifteen, and no more than twice the bottom half's rate (T10).
    for ct in year_runs:
        _, top, bottom = _cohort_groups(ct)
        ever_top = ct["ever_burnt_out"][top].mean()
        ever_bottom = ct["ever_burnt_out"][bottom].mean()
        episodes_a_year = ct["burnouts"][top].sum() / ct["active_days"][top].sum() * 365
        assert ever_top < 0.9, ever_top
        assert episodes_a_year < 5, episodes_a_year
        assert 0.5 <= ever_top / ever_bottom <= 2.0, (ever_top, ever_bottom)


def test_bigger_creators_leave_less_often_than_small_ones(year_runs):
    top_left = bottom_left = top_n = bottom_n = 0
    for ct in year_runs:
        _, top, bottom = _cohort_groups(ct)
        left = ct["left_day"] >= 0
        top_left, top_n = top_left + left[top].sum(), top_n + top.sum()
        bottom_left, bottom_n = bottom_left + left[bottom].sum(), bottom_n + bottom.sum()
    p_top, p_bottom = top_left / top_n, bottom_left / bottom_n
    se = np.sqrt(p_top * (1 - p_top) / top_n + p_bottom * (1 - p_bottom) / bottom_n)
    assert p_bottom - p_top > 2 * se, (p_top, p_bottom)


def test_creators_table_holds_every_creator_ever_present(year_runs):
    for ct in year_runs:
        left = ct["left_day"] >= 0
        assert left.any() and (~left).any()
        assert np.all(ct["active"] == ~left)
        assert len(np.unique(ct["creator_id"])) == ct["creator_id"].size
        # entrants take vacant slots: present creators at the end fill at most the slots
        assert (~left).sum() <= 1500
        assert np.all(ct["income"] == pytest.approx(ct["commission"] + ct["fees"]))


def test_burn_in_days_are_simulated_but_not_reported():
    sc = Scenario().with_values({"time.burn_in_days": 20})
    m = CreatorMarket(sc, rng=2, n_creators=400)
    m.run(10)
    d = m.daily_table()
    assert m.burn_in_days == 20 and d["day"].tolist() == list(range(10))
    assert m.samples["shipped_day"].min() < 20  # samples shipped during the burn-in
    shipped_reported = d["samples_shipped"].sum()
    assert m.merchants.samples_sent.sum() == shipped_reported  # accounts restart after it
    ct = m.creator_table()
    assert ct["joined_day"].min() == -20  # the first cohort joined before day 0


def _heaviest_sample_load(ct: dict, days: int) -> float:
    """Mean samples a day of the top 5% of creators by sample load (present 90% of the days)."""
    present = ct["active_days"] >= 0.9 * days
    load = ct["samples_received"][present] / ct["active_days"][present]
    k = max(1, round(0.05 * load.size))
    return float(np.sort(load)[-k:].mean())


@pytest.mark.slow
def test_outcomes_per_creator_do_not_depend_on_the_sample_size():
    # A run of n creators samples the platform at rate n / 50,000: the share listed, the
    # burnt-out share, exits per active creator, the feed Gini and the heaviest sample loads
    # are the same at 1k, 5k and 20k creators (days 30-90: a 30-day burn-in, then 60
    # reported days; seeds 1-4 at 1k, 1-2 at 5k and 20k).
    days = 60
    got, exit_se, load_se = {}, {}, {}
    for n, seeds in ((1000, (1, 2, 3, 4)), (5000, (1, 2)), (20000, (1, 2))):
        rows, exits = [], 0.0
        for seed in seeds:
            sc = Scenario().with_values({"time.burn_in_days": 30})
            m = CreatorMarket(sc, rng=seed, n_creators=n)
            m.run(days)
            d = m.daily_table()
            exits += d["exits"].sum()
            rows.append(
                {
                    "share_listed": d["share_listed"].mean(),
                    "burnt_out_share": d["burnt_out_share"].mean(),
                    "exits_per_year": d["exits"].sum() / d["active"].mean() * 365 / days,
                    "feed_gini": d["feed_gini"].mean(),
                    "heaviest_sample_load": _heaviest_sample_load(m.creator_table(), days),
                }
            )
        got[n] = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
        # Exits are counts: Poisson standard error of the yearly rate at this size.
        exit_se[n] = got[n]["exits_per_year"] / np.sqrt(max(exits, 1.0))
        # The heaviest loads vary between seeds (who tops the lists): standard error of the
        # mean over this size's seeds.
        loads = [r["heaviest_sample_load"] for r in rows]
        load_se[n] = np.std(loads, ddof=1) / np.sqrt(len(loads))
    for key in got[1000]:
        values = np.array([got[n][key] for n in got])
        if key == "exits_per_year":
            # Within sampling noise: at 1k creators over 60 days the noise (about 0.05 a year)
            # is as wide as the tolerance, so a tighter check needs more seeds.
            for n in (1000, 5000):
                se = np.hypot(exit_se[n], exit_se[20000])
                assert abs(got[n][key] - got[20000][key]) <= 3 * se, (key, values, se)
            continue
        if key == "heaviest_sample_load":
            # About 0.3 samples a day at every size (before the fix of issue 11 point 5:
            # 0.21 / 0.29 / 0.32 at 1k / 5k / 20k). Within 5% of the 20k value plus twice
            # the seeds' standard error of the difference.
            ref = got[20000][key]
            assert 0.25 <= ref <= 0.40, (key, values)
            for n in (1000, 5000):
                se = np.hypot(load_se[n], load_se[20000])
                assert abs(got[n][key] - ref) <= 0.05 * ref + 2 * se, (key, values, se)
            continue
        spread = values.max() - values.min()
        assert spread <= max(0.01, 0.05 * values.mean()), (key, values)


@pytest.mark.parametrize("key", sorted(REMOVED))
def test_a_removed_key_names_its_replacement(key):
    section, name = key.split(".")
    with pytest.raises(ConfigError) as err:
        Scenario.from_mapping({section: {name: 1.0}}, file="old.toml")
    (problem,) = err.value.problems
    assert problem.key == key and problem.file == "old.toml"
    assert (
        "replaced" in problem.allowed
        or "removed" in problem.allowed
        or ("renamed" in problem.allowed)
    )


def test_removed_keys_are_not_parameters():
    keys = {k for k, *_ in Scenario().parameters()}
    assert not keys & set(REMOVED)


@pytest.mark.parametrize("rule", ["gradient", "imitation", "exp3", "none"])
def test_each_learning_rule_moves_effort_its_own_way(rule):
    sc = Scenario().with_values({**NO_BURN_IN, "adaptation.rule": rule})
    m = CreatorMarket(sc, rng=7, n_creators=600)
    m.run(60)
    effort = m.creators.effort[m.creators.active]
    if rule == "none":
        assert np.all(effort == 1.0)
    else:
        assert effort.std() > 0.01
    if rule == "exp3":
        levels = stages.adaptation.exp3_levels(sc.model.adaptation)
        joined_late = m.creators.joined_day[m.creators.active] > 0
        assert np.isin(effort[~joined_late], np.r_[levels, 1.0]).all()
