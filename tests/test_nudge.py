"""The nudge experiment (issue 11, point 7): extra videos for a few creators, paired controls."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import CreatorMarket
from sim.nudge import NUDGE_OUTCOMES, nudge_experiment
from sim.scenario import Scenario

FAST = {"time.burn_in_days": 60}


def _pieces(m: CreatorMarket) -> dict[int, float]:
    t = m.creator_table()
    return dict(zip(t["creator_id"].tolist(), t["pieces"].tolist(), strict=True))


def test_nudged_creators_post_the_extra_videos_and_the_others_do_not_change_on_average():
    arms = [CreatorMarket(Scenario(), rng=5, n_creators=1500, **FAST) for _ in range(2)]
    for m in arms:
        m.run(3)
    c = arms[0].creators
    treated = c.creator_id[c.active][::25]
    before = [_pieces(m) for m in arms]
    arms[0].nudge(treated, extra_videos=2, days=4)
    arms[1].nudge(treated[:0], extra_videos=2, days=4)
    for m in arms:
        m.run(6)  # four nudged days, then two without
    after = [_pieces(m) for m in arms]
    def made(ids):
        return np.array(
            [
                (after[0][k] - before[0][k]) - (after[1][k] - before[1][k])
                for k in ids
                if k in after[0] and k in after[1] and k in before[0]
            ],
            dtype=float,
        )

    # A nudged creator makes its planned videos plus 2 a day for 4 days. The arms share the
    # seed, but draws whose count depends on the values drawn (Poisson) drift apart once the
    # nudge changes a value, so a creator's own plan differs between arms by noise that
    # averages out: the treated make about 8 more pieces, the others about as many as before.
    mine = made(treated.tolist())
    others = made([k for k in after[0] if k not in set(treated.tolist())])
    se = mine.std(ddof=1) / np.sqrt(mine.size)
    assert abs(mine.mean() - 8) < 3 * se + 0.5, (mine.mean(), se)
    assert mine.mean() - others.mean() > 6
    assert abs(others.mean()) < 0.5


def test_nudge_rejects_bad_arguments():
    m = CreatorMarket(Scenario(), rng=0, n_creators=100, **{"time.burn_in_days": 0})
    with pytest.raises(ValueError, match="days = 0"):
        m.nudge(np.array([1]), days=0)
    with pytest.raises(ValueError, match=r"share = 0.0: use a share in \(0, 1\]"):
        nudge_experiment(Scenario(), seeds=2, share=0.0)


def test_the_experiment_measures_what_one_more_video_brings():
    sc = Scenario().with_values(FAST)
    r = nudge_experiment(sc, seeds=3, creators=800, share=0.05, days=14, start_day=5)
    assert [e["outcome"] for e in r.effects] == list(NUDGE_OUTCOMES)
    pieces, views = r.effect("pieces"), r.effect("views")
    # The extra videos are made (per extra video made: one piece, by construction of "made"):
    # about 14 in 14 days, give or take the noise of the creators' own plans.
    assert pieces["per_video"] == pytest.approx(1.0)
    assert 0.7 * 14 <= pieces["difference"] <= 1.3 * 14
    # They bring views: a positive effect whose interval excludes 0, and less than the
    # views of an average piece would (satiation: the k-th piece of a day earns less).
    assert views["ci_low"] > 0
    # 5% of the creators active at the start of the nudge, in each of the 3 seeds
    assert np.unique(r.creators["seed"]).size == 3
    assert 0.8 * 3 * 40 <= r.creators["seed"].size <= 3 * 40
    assert len(repr(r)) < 300 and "per extra video" in repr(r)
