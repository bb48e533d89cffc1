"""MusicLab validation (issue 5): the attention market replays Salganik et al.'s experiment 2.

The acceptance checks run the calibrated defaults on seeds 0-7, which the calibration did not
use (it fits on ``CALIBRATION_SEEDS``), and compare with the observed experiment.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from scoring.params import ConfigError
from sim import stages
from sim.outcomes import gini as gini_1d
from sim.outcomes import top_share as top_share_1d
from sim.population import Creators
from sim.scenario import AttentionParams
from sim.validation import (
    CALIBRATION_SEEDS,
    MusicLabParams,
    calibrate,
    gini,
    load_musiclab,
    musiclab_from_mapping,
    replicate,
    summarize,
    top5_share,
    top_share,
    unpredictability,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "validation" / "musiclab_exp2.json"
SEEDS = range(8)


@cache
def data():
    return load_musiclab(DATA)


@cache
def runs(display: str):
    return [replicate(data(), display=display, worlds=8, seed=s) for s in SEEDS]


def raw() -> dict:
    return json.loads(DATA.read_text())


# -- acceptance (issue 5, "done when") ----------------------------------------------------------
def test_social_worlds_mean_gini_lies_in_the_observed_range():
    g = np.mean([r.gini_mean for r in runs("sorted")])
    observed = [w.gini for w in data().social]
    assert min(observed) == 0.446 and max(observed) == 0.561
    assert 0.446 <= g <= 0.561, g


def test_independent_world_gini_within_0_05_of_observed():
    g = np.mean([r.gini_mean for r in runs("independent")])
    assert abs(g - 0.187) <= 0.05, g


def test_unpredictability_is_higher_with_social_influence():
    social = np.array([r.unpredictability for r in runs("sorted")])
    independent = np.array([r.unpredictability for r in runs("independent")])
    assert social.mean() > 2 * independent.mean(), (social, independent)
    assert (social > independent).all()


def test_sorting_adds_inequality_beyond_counts_in_random_order():
    # Sorting by downloads (exp. 2) lets position bias amplify popularity; random order does not.
    sorted_g = np.mean([r.gini_mean for r in runs("sorted")])
    random_g = np.mean([r.gini_mean for r in runs("random")])
    independent_g = np.mean([r.gini_mean for r in runs("independent")])
    assert sorted_g > random_g > independent_g


def test_worlds_run_to_the_observed_downloads():
    r = runs("sorted")[0]
    got = r.downloads.sum(axis=-1)
    want = np.array([w.downloads for w in data().social])
    assert (got >= want).all() and (got - want <= MusicLabParams().listens).all()


# -- reproducibility --------------------------------------------------------------------------
def test_same_seed_same_output_and_worlds_independent_of_batch_size():
    a = replicate(data(), display="sorted", worlds=3, seed=5)
    b = replicate(data(), display="sorted", worlds=3, seed=5)
    np.testing.assert_array_equal(a.downloads, b.downloads)
    assert a.to_dict() == b.to_dict()
    c = replicate(data(), display="sorted", worlds=3, seed=6)
    assert not np.array_equal(a.downloads, c.downloads)
    # each world has its own stream: world 0-2 of a 5-world run are the 3-world run's
    d = replicate(data(), display="sorted", worlds=5, seed=5)
    np.testing.assert_array_equal(d.downloads[:3], a.downloads)


def test_calibrated_defaults_are_the_creator_feeds():
    p, a = MusicLabParams(), AttentionParams()
    assert (p.position_bias, p.social_proof) == (a.position_bias, a.social_proof)
    declared = {f.name: f.metadata["param"] for f in dataclasses.fields(AttentionParams)}
    for name in ("position_bias", "social_proof"):
        info = declared[name]
        assert info.source == "calibrated on MusicLab exp. 2" and info.reason


# -- the shared choice rule -------------------------------------------------------------------
def test_choice_log_weight_by_hand():
    w = stages.choice_log_weight(
        np.array([0.5, 0.0]), np.array([3.0, 0.0]), np.array([1, 4]),
        appeal_weight=2.0, social_proof=0.5, position_bias=1.0,
    )
    np.testing.assert_allclose(w, [1.0 + 0.5 * np.log(4.0), -np.log(4.0)])
    # no popularity shown, no positions: appeal alone
    np.testing.assert_allclose(
        stages.choice_log_weight(np.array([0.3]), appeal_weight=2.0, social_proof=9.0,
                                 position_bias=9.0),
        [0.6],
    )


def test_feed_shares_views_by_the_same_choice_weight():
    # Half the creators have a discounted engagement E of 99, half none; all else equal. The
    # feed scores them with choice_log_weight (social proof x log(1 + E), the exponent
    # calibrated on MusicLab) and ranks them (issue 11): with no exploration, the first half
    # takes the top ranks, whose views fall as rank^-position_bias.
    n = 4000
    given = {
        "creator_id": np.arange(n),
        "category": np.zeros(n, np.int64),
        "followers": np.full(n, 1000, np.int64),
        "quality": np.full(n, 0.5),
        "skill": np.full(n, 0.5),
        "engagement": np.where(np.arange(n) < n // 2, 0.0, 99.0),
    }
    cr = Creators(**{f.name: given.get(f.name, np.zeros(n)) for f in dataclasses.fields(Creators)
                     if f.name in given or f.default is dataclasses.MISSING})
    ones, zeros = np.ones(n, np.int64), np.zeros(n, np.int64)
    work = stages.Work(ones, zeros, zeros, zeros, zeros, ones.astype(float))
    p = AttentionParams(follower_exponent=0.0, social_proof=0.35, exploration=0.0,
                        explore_share=0.0, following_share=0.0)
    out = stages.attention_market(cr, work, np.zeros(n), np.array([10.0]), params=p,
                                  rng=np.random.default_rng(3))
    ratio = out["views"][n // 2 :].sum() / out["views"][: n // 2].sum()
    w = np.arange(1, n + 1) ** -p.position_bias
    assert ratio == pytest.approx(w[: n // 2].sum() / w[n // 2 :].sum(), rel=0.02)


# -- metrics ------------------------------------------------------------------------------
def test_metrics_by_hand():
    x = np.array([[0, 0, 0, 10], [5, 5, 5, 5]])
    np.testing.assert_allclose(gini(x), [0.75, 0.0])  # one of four holds all: (n - 1) / n
    for row in np.random.default_rng(0).integers(0, 50, (5, 48)):
        assert gini(row) == pytest.approx(gini_1d(row))
    np.testing.assert_allclose(top_share(np.array([1, 2, 3, 4, 5, 6, 9]), 5 / 7), 27 / 30)
    # the top share of units: ceil(share x n), at least one unit
    np.testing.assert_allclose(top_share(np.array([1, 2, 3, 4]), 0.3), 7 / 10)
    np.testing.assert_allclose(top_share(np.array([1, 2, 3, 4]), 0.0), 4 / 10)
    # MusicLab's top 5, whatever the number of songs (5 / 147 x 147 rounds above 5)
    for n in (5, 48, 147):
        songs = np.arange(1, n + 1)
        assert top5_share(songs) == pytest.approx(songs[-5:].sum() / songs.sum())
    # two worlds, two songs: shares (1, 0) and (0.5, 0.5): |diff| 0.5 for both songs
    assert unpredictability(np.array([[4, 0], [2, 2]])) == pytest.approx(0.5)
    # three identical worlds: U = 0
    assert unpredictability(np.array([[1, 2, 3]] * 3)) == pytest.approx(0.0)


def test_metrics_batch_along_any_axis():
    # (seeds, worlds, songs): a batch reduces the songs axis wherever it is
    x = np.random.default_rng(1).integers(0, 30, (3, 4, 48))
    g, t = gini(x), top_share(x, 0.1)
    assert g.shape == t.shape == (3, 4)
    np.testing.assert_array_equal(gini(np.moveaxis(x, -1, 0), axis=0), g)
    np.testing.assert_array_equal(top_share(np.moveaxis(x, -1, 1), 0.1, axis=1), t)
    assert g[1, 2] == pytest.approx(gini_1d(x[1, 2]))
    assert t[2, 3] == pytest.approx(top_share_1d(x[2, 3], 0.1))
    np.testing.assert_array_equal(gini(np.zeros((2, 5))), [0.0, 0.0])  # no downloads: 0


def test_observed_file_matches_its_own_summaries():
    d = data()
    counts = d.song_shares * d.independent.downloads
    assert gini(counts) == pytest.approx(d.independent.gini, abs=0.001)
    assert top5_share(counts) == pytest.approx(d.independent.top5_share, abs=0.001)


# -- calibration --------------------------------------------------------------------------
def test_calibration_improves_on_its_grid_and_reports_the_fit():
    cal = calibrate(
        data(), seeds=CALIBRATION_SEEDS[:1], position_bias_grid=(0.0, 0.5),
        social_proof_grid=(0.0, 0.5), max_evaluations=6,
    )
    assert cal.loss <= min(cal.grid["loss"]) + 1e-12
    out = cal.to_dict()
    assert out["fit"]["social_gini_mean"]["observed"] == pytest.approx(0.4979, abs=1e-4)
    assert out["fit"]["social_unpredictability"]["observed"] == 0.0126
    # the fitted point beats no social influence at all (the grid's (0, 0))
    assert cal.loss < cal.grid["loss"][0]
    # step 1 matched the independent world's Gini on the calibration seeds
    assert out["fit"]["independent_gini"]["simulated"] == pytest.approx(0.187, abs=0.005)
    assert 0.5 < cal.params.quality_spread < 1.5


# -- data file ----------------------------------------------------------------------------
def _problems(mapping) -> str:
    with pytest.raises(ConfigError) as err:
        musiclab_from_mapping(mapping, file="exp.json")
    return str(err.value)


def test_missing_key_is_named():
    d = raw()
    del d["social_worlds"]
    del d["independent_world"]["downloads"]
    msg = _problems(d)
    assert "exp.json: social_worlds = None: a required key (missing)" in msg
    assert "independent_world.downloads = None: a required key (missing)" in msg


def test_wrong_number_of_shares_is_named():
    d = raw()
    d["independent_world"]["song_shares"] = d["independent_world"]["song_shares"][:47]
    msg = _problems(d)
    assert "independent_world.song_shares = 'a list of 47'" in msg
    assert "a list of 48 shares" in msg


def test_negative_share_and_bad_world_values_are_named():
    d = raw()
    d["independent_world"]["song_shares"][3] = -0.01
    d["social_worlds"][2]["gini"] = 1.5
    d["social_worlds"][0]["downloads"] = "many"
    d["colour"] = "blue"
    msg = _problems(d)
    assert "independent_world.song_shares[3] = -0.01: a share >= 0" in msg
    assert "social_worlds[2].gini = 1.5: a number in [0, 1]" in msg
    assert "social_worlds[0].downloads = 'many': an integer >= 1" in msg
    assert "colour = 'blue': an unknown key; allowed:" in msg


def test_shares_must_sum_to_one_and_the_file_must_be_json(tmp_path):
    d = raw()
    d["independent_world"]["song_shares"][0] = 0.5
    assert "shares summing to 1" in _problems(d)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match=r"bad.json: \(syntax\)"):
        load_musiclab(bad)
    with pytest.raises(ConfigError, match="an existing JSON file"):
        load_musiclab(tmp_path / "missing.json")


def test_the_shared_copy_without_u_still_loads():
    d = copy.deepcopy(raw())
    del d["unpredictability"]
    got = musiclab_from_mapping(d)
    assert got.unpredictability_social is None and len(got.social) == 8


# -- command line -------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "musiclab", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


def test_cli_prints_simulated_beside_observed_json():
    p = _cli(str(DATA), "--display", "sorted", "--worlds", "3", "--seed", "4")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["display"] == "sorted" and out["worlds"] == 3 and out["seed"] == 4
    sim = out["simulated"]
    assert len(sim["gini"]) == 3 and len(sim["top5_share"]) == 3
    assert sim["gini_mean"] == pytest.approx(np.mean(sim["gini"]), abs=1e-6)
    assert sim["unpredictability"] > 0
    file = raw()
    assert out["observed"]["gini"] == [w["gini"] for w in file["social_worlds"]]
    assert out["observed"]["top5_share"] == [w["top5_share"] for w in file["social_worlds"]]
    assert out["observed"]["unpredictability"] == 0.0126
    api = replicate(data(), display="sorted", worlds=3, seed=4).to_dict()
    assert sim == api["simulated"]


def test_cli_independent_display_echoes_the_independent_world_and_writes_out(tmp_path):
    target = tmp_path / "sub" / "r.json"
    p = _cli(str(DATA), "--display", "independent", "--worlds", "2", "--seed", "0",
             "--out", str(target))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["observed"]["gini"] == [0.187] and out["observed"]["unpredictability"] == 0.0038
    assert json.loads(target.read_text()) == out
    assert [f.name for f in target.parent.iterdir()] == ["r.json"]  # no temporary file left


def test_cli_bad_file_exits_1_naming_file_key_and_value(tmp_path):
    d = raw()
    d["independent_world"]["song_shares"][3] = -0.5
    bad = tmp_path / "exp.json"
    bad.write_text(json.dumps(d))
    p = _cli(str(bad))
    assert p.returncode == 1 and p.stdout == ""
    assert f"{bad}: independent_world.song_shares[3] = -0.5: a share >= 0" in p.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--seeds", "3"), "command line: --seeds = 3: only with --markdown"),
        (("--markdown", "--display", "random"), "--display = 'random': not with --markdown"),
        (("--calibrate", "--worlds", "4"), "--worlds = 4: not with --calibrate"),
    ],
)
def test_cli_options_the_mode_would_ignore_are_errors(args, message):
    p = _cli(str(DATA), *args)
    assert p.returncode == 1 and p.stdout == ""
    assert message in p.stderr


def test_cli_bad_integers_and_exponents_are_named():
    p = _cli(str(DATA), "--worlds", "1")
    assert p.returncode == 2 and "1 is not allowed: use an integer >= 2" in p.stderr
    p = _cli(str(DATA), "--seed", "x")
    assert p.returncode == 2 and "'x' is not a seed (an integer >= 0)" in p.stderr
    p = _cli(str(DATA), "--social-proof", "7")
    assert p.returncode == 1 and "social_proof = 7: a value in [0, 3]" in p.stderr


def test_cli_markdown_averages_the_seeds_it_names_and_writes_the_json(tmp_path):
    target = tmp_path / "summary.json"
    p = _cli(str(DATA), "--markdown", "--seed", "3", "--seeds", "2", "--worlds", "2",
             "--out", str(target))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "| experiment 2, seeds 3-4 (not used in the fit) | simulated | observed |"
    s = summarize(data(), seeds=(3, 4), worlds=2)
    assert s.mean("sorted", "gini_mean") == pytest.approx(
        np.mean([replicate(data(), display="sorted", worlds=2, seed=k).gini_mean for k in (3, 4)])
    )
    want = f"| social worlds: mean Gini | {s.mean('sorted', 'gini_mean'):.3f} | 0.498 "
    assert lines[2].startswith(want), lines[2]
    assert lines[5].startswith(f"| independent world: Gini (the songs' spread is fitted to it) | "
                               f"{s.mean('independent', 'gini_mean'):.3f} | 0.187 |")
    out = json.loads(target.read_text())
    assert out["seeds"] == [3, 4] and out["worlds"] == 2
    assert out["simulated"]["sorted"]["unpredictability"]["per_seed"] == [
        round(float(x), 6) for x in s.per_seed("sorted", "unpredictability")
    ]
