"""Calibration (issue 11, point 6): the facts' statistics, the targets file, ABC, the command.

The statistics are checked on hand-made tables whose values are worked out by hand in the
comments; the ABC machinery on a synthetic simulator with a known parameter; the command on the
model with two of its parameters. The shipped targets are checked as a file (their facts and
priors); a calibration on them takes minutes even with --quick, so it is not run here.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from scoring.params import ConfigError, read_toml
from sim.calibration import STATISTICS, MissingColumn, compute, load_targets
from sim.calibration.abc import fit
from sim.calibration.facts import weighted_median
from sim.calibration.targets import Prior
from sim.data import targets_path
from sim.scenario import Scenario

pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("pyabc")

ROOT = Path(__file__).resolve().parents[1]

# -- hand-made run tables ------------------------------------------------------------------------
# Window: days 100..172 (73 days, so annualising multiplies by 365 / 73 = 5).
# Creators 0-9. Creator 6 left in the burn-in (day 50), creator 5 in the window (day 130),
# creators 8 and 9 joined in the window. So:
#   active at the end        {0, 1, 2, 3, 4, 7, 8, 9}
#   present at the start     {0, 1, 2, 3, 4, 5, 7}
#   present the whole window {0, 1, 2, 3, 4, 7}
DAILY = {
    "day": np.arange(100, 173),
    "burnt_out_share": np.r_[np.full(36, 0.1), np.full(37, 0.3)],
    "stressed_share": np.full(73, 0.4),
}
CREATORS = {
    "creator_id": np.arange(10),
    "joined_day": np.array([0, 0, 0, 0, 0, 0, 0, 0, 120, 150]),
    "left_day": np.array([-1, -1, -1, -1, -1, 130, 50, np.nan, -1, -1]),
    "followers": np.array([500, 2000, 15000, 12000, 50000, 150000, 3000, 20000, 1500, 800]),
    "followers_start": np.array([400, 1800, 6000, 11000, 40000, 120000, 3000, 9000, 1000, 1000]),
    "income": np.array([0, 50, 120, 2000, 12000, 0, 0, 30, 10, 5], dtype=float),
    "ever_burnt_out": np.array([0, 1, 1, 0, 1, 1, 0, 0, 1, 0], dtype=bool),
    "pieces": np.array([10, 20, 73, 30, 100, 5, 0, 40, 5, 2]),
    "active_days": np.array([73, 73, 73, 73, 73, 30, 0, 73, 53, 23]),
}


def stat(name: str, **options) -> float:
    return compute(name, DAILY, CREATORS, options)


def test_follower_statistics_match_hand_computed_values():
    # active at the end with >= 1k followers: {1, 2, 3, 4, 7, 8}; with >= 10k: {2, 3, 4, 7}
    assert stat("share_followers_at_least") == pytest.approx(4 / 6)
    assert stat("share_followers_at_least", threshold=100_000) == 0.0  # creator 5 left
    # >= 50k: {4}; slope log10((4/6) / (1/6)) / log10(50k / 10k)
    slope = stat("followers_ccdf_slope", high=50_000)
    assert slope == pytest.approx(math.log10(4) / math.log10(5))
    assert math.isnan(stat("followers_ccdf_slope"))  # nobody active has 100k: no slope
    # start: present with >= 1k {1, 2, 3, 4, 5, 7}, of whom >= 10k {3, 4, 5}: 1/2; end 2/3
    assert stat("followers_share_drift") == pytest.approx(4 / 6 - 3 / 6)


def test_income_statistics_are_annualised_over_creators_present_the_whole_window():
    # whole window {0, 1, 2, 3, 4, 7}: yearly payoff 5 x [0, 50, 120, 2000, 12000, 30]
    assert stat("income_share_at_least") == pytest.approx(1 / 6)  # 60,000 only
    assert stat("income_share_below") == pytest.approx(3 / 6)  # 0, 250, 150
    # positive yearly payoffs [250, 600, 10000, 60000, 150]; median 600; above it 10k, 60k
    hill = 2 / (math.log(10_000 / 600) + math.log(60_000 / 600))
    assert stat("income_tail_slope", quantile=0.5) == pytest.approx(hill)
    assert math.isnan(stat("income_tail_slope"))  # one payoff above the 90th percentile


def test_burnout_statistics_match_hand_computed_values():
    assert stat("ever_burnt_out_share") == pytest.approx(3 / 6)  # {1, 2, 4} of the six
    assert stat("burnt_out_share_mean") == pytest.approx((36 * 0.1 + 37 * 0.3) / 73)
    assert stat("daily_mean", column="stressed_share") == pytest.approx(0.4)
    # whole window followers_start [400, 1800, 6000, 11000, 40000, 9000]: 90th percentile
    # 25,500 -> top decile {4} (burnt out); median 7,500 -> bottom half {0, 1, 2} (2 of 3)
    assert stat("burnout_ratio_top_bottom") == pytest.approx(1 / (2 / 3))


def test_exit_statistics_are_yearly_rates_of_creators_present_at_the_start():
    # established (followers_start >= 10k, present at the start): {3, 4, 5}; 5 left: 1/3 in
    # 73 days, so 1 - (2/3)^5 a year
    assert stat("exit_rate_established") == pytest.approx(1 - (2 / 3) ** 5)
    # bottom half (below the median 9,000): {0, 1, 2}, none left; top decile (>= 72,000):
    # {5}, left -> rate 1. Small minus top = -1: here the big creator leaves.
    assert stat("exit_gap_small_minus_top") == pytest.approx(-1.0)


def test_posting_statistics_weight_creators_by_their_active_days():
    # pieces a week 7 * pieces / active_days, weights active_days (creator 6: none):
    # sorted 14/23 (23), 35/53 (53), 70/73 (73), 35/30 (30), 140/73 (73), 210/73 (73) ...
    # total weight 544; the cumulative weight passes 272 at 210/73
    assert stat("posting_median_weekly") == pytest.approx(210 / 73)
    # top decile of followers_start among the nine with active days: >= 56,000 -> {5}
    assert stat("posting_median_weekly", group="top_decile") == pytest.approx(35 / 30)
    # bottom half (< 6,000): {0, 1, 8, 9}, weight 222; passes 111 at 70/73
    assert stat("posting_median_weekly", group="bottom_half") == pytest.approx(70 / 73)
    # top half by payoff of the whole window (>= 85): {2, 3, 4}; >= 3 a week: {2, 4}
    assert stat("top_earners_posting_share", per_week=3, top_share=0.5) == pytest.approx(2 / 3)


def test_weighted_median_is_the_lower_median_with_equal_weights():
    assert weighted_median(np.array([3.0, 1.0, 2.0, 4.0]), np.ones(4)) == 2.0
    assert weighted_median(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == 2.0
    assert math.isnan(weighted_median(np.array([1.0]), np.zeros(1)))


def test_a_missing_column_is_one_line_naming_the_statistic_and_the_column():
    creators = {k: v for k, v in CREATORS.items() if k != "left_day"}
    with pytest.raises(MissingColumn) as exc:
        compute("ever_burnt_out_share", DAILY, creators)
    msg = str(exc.value)
    assert "\n" not in msg
    assert "'ever_burnt_out_share'" in msg and "'left_day'" in msg and "creators" in msg
    with pytest.raises(MissingColumn, match="'burnt_out_share' of the daily table"):
        compute("burnt_out_share_mean", {"day": DAILY["day"]}, CREATORS)


# -- the targets file ----------------------------------------------------------------------------
def test_the_shipped_targets_file_is_valid_and_cites_docs_calibration_exactly():
    path = targets_path("creator_economy")
    assert path.is_file() and path.parent.name == "targets"
    t = load_targets(path)
    assert {f.id for f in t.fitted} == {"T1", "T4", "T8", "T9", "T12", "T14"}
    assert all(f.statistic in STATISTICS for f in t.facts)
    docs = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    for f in t.facts:
        for url in [f.source.get("url", ""), *f.source.get("also", [])]:
            assert url and url in docs, (f.id, url)
        assert f.low <= f.value <= f.high
    # the point values docs/calibration.md gives
    by_id = {f.id: f for f in t.facts}
    assert (by_id["T1"].low, by_id["T1"].high, by_id["T1"].value) == (0.15, 0.30, 0.245)
    assert (by_id["T12"].low, by_id["T12"].high, by_id["T12"].value) == (0.03, 0.10, 0.05)
    assert t.quick.creators < t.full.creators and t.quick.population < t.full.population


GOOD = """
[targets]
name = "t"
scenario = "reported_2022"
days = 20
creators = 30

[parameters]
{params}

[facts.A]
statistic = "{statistic}"
range = {range}
role = "target"
covers = "test"
source = {{ title = "test", year = 2020, url = "https://example.org/a" }}
{extra}
"""


def _targets(
    tmp_path,
    *,
    params='"burnout.threshold" = [0.5, 3.0]',
    statistic="daily_mean",
    range_="[0.1, 0.3]",
    extra="",
):
    path = tmp_path / "t.toml"
    path.write_text(GOOD.format(params=params, statistic=statistic, range=range_, extra=extra))
    return path


@pytest.mark.parametrize(
    ("kwargs", "key", "needle"),
    [
        ({"statistic": "share_of_happy"}, "facts.A.statistic", "one of"),
        ({"range_": "[0.3, 0.1]"}, "facts.A.range", "low < high"),
        ({"range_": "[0.1, inf]"}, "facts.A.range", "both finite"),
        ({"extra": "value = 0.5"}, "facts.A.value", "inside the range"),
        ({"extra": "options = { colour = 1 }"}, "facts.A.options.colour", "daily_mean: column"),
        ({"params": '"burnout.nonsense" = [0, 1]'}, "parameters.burnout.nonsense", "declared"),
        (
            {"params": '"burnout.deadline_gain" = [0, 1]'},
            "parameters.burnout.deadline_gain",
            "provenance 'assumed'",
        ),
        (
            {"params": '"burnout.burnt_capacity" = [0.5, 2.0]'},
            "parameters.burnout.burnt_capacity",
            "inside a value in [0, 1]",
        ),
        ({"params": '"adaptation.rule" = [0, 1]'}, "parameters.adaptation.rule", "numeric"),
    ],
)
def test_a_bad_targets_file_gives_one_line_naming_file_key_and_value(tmp_path, kwargs, key, needle):
    path = _targets(tmp_path, **kwargs)
    with pytest.raises(ConfigError) as exc:
        load_targets(path)
    lines = str(exc.value).splitlines()
    assert len(lines) == 2, lines  # the header and one problem
    assert lines[1].startswith(f"  - {path}: {key} = ") and needle in lines[1], lines[1]


def test_a_parameter_calibrated_on_the_same_targets_may_be_fitted_again(tmp_path):
    # attention.social_proof is "calibrated on MusicLab exp. 2": refused by other targets...
    path = _targets(tmp_path, params='"attention.social_proof" = [0.0, 1.0]')
    with pytest.raises(
        ConfigError, match=r"parameters\.attention\.social_proof = \[0\.0, 1\.0\]: .*MusicLab"
    ):
        load_targets(path)
    # ...accepted by targets of that name (a calibration run again after it set the default)
    path.write_text(path.read_text().replace('name = "t"', 'name = "MusicLab exp. 2"'))
    assert [p.key for p in load_targets(path).priors] == ["attention.social_proof"]


def test_a_good_targets_file_loads_with_its_defaults(tmp_path):
    t = load_targets(_targets(tmp_path, params='"turnover.viability_days" = [30, 90]'))
    [prior] = t.priors
    assert (prior.key, prior.low, prior.high, prior.integer) == (
        "turnover.viability_days",
        30,
        90,
        True,
    )
    [fact] = t.facts
    assert fact.value == pytest.approx(0.2) and fact.scale == pytest.approx(0.2)
    assert t.quick == t.full  # no [quick] table: the full settings
    assert Path(t.scenario).name == "reported_2022.toml"  # a shipped scenario's name


def test_a_relative_scenario_path_is_read_beside_the_targets_file(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text('[scenario]\nname = "mine"\n')
    path = _targets(tmp_path)
    path.write_text(path.read_text().replace('"reported_2022"', '"mine.toml"'))
    monkeypatch.chdir(ROOT)  # not the targets file's folder
    assert Path(load_targets(path).scenario) == tmp_path / "mine.toml"


# -- the ABC machinery on a simulator with a known answer ----------------------------------------
def normal_mean(params, seed):
    """The mean of 50 draws from N(mu, 1): its posterior for mu is about N(mean, 0.14)."""
    rng = np.random.default_rng(seed)
    return {"m": float(rng.normal(params["mu"], 1.0, 50).mean())}


def test_abc_recovers_a_known_mean_within_its_posterior_interval_and_repeats_itself():
    true_mu = 1.3
    observed = normal_mean({"mu": true_mu}, 2024)
    prior = [Prior("mu", -5.0, 5.0, False)]
    kw = dict(population=60, generations=4)
    r = fit(normal_mean, prior, observed, {"m": 1.0}, seed=7, **kw)
    lo, hi = r.quantile("mu", 0.05), r.quantile("mu", 0.95)
    assert lo < true_mu < hi
    assert hi - lo < 1.0  # from a prior 10 wide
    assert r.weights.sum() == pytest.approx(1.0) and len(r.weights) == 60
    again = fit(normal_mean, prior, observed, {"m": 1.0}, seed=7, **kw)
    np.testing.assert_array_equal(again.particles["mu"], r.particles["mu"])
    np.testing.assert_array_equal(again.weights, r.weights)
    other = fit(normal_mean, prior, observed, {"m": 1.0}, seed=8, **kw)
    assert not np.array_equal(other.particles["mu"], r.particles["mu"])


# -- the command on today's model ----------------------------------------------------------------
TODAY = """
[targets]
name = "today"
scenario = "short.toml"
days = 365
creators = 2000

[quick]
days = 20
creators = 30
population = 6
generations = 2
predictive = 2

[parameters]
"burnout.threshold" = [0.5, 3.0]
"turnover.viability_days" = [30, 90]

[facts.burnt]
statistic = "burnt_out_share_mean"
range = [0.05, 0.35]
role = "target"
covers = "test"
source = { title = "test", year = 2021, url = "https://example.org/" }

[facts.stressed]
statistic = "daily_mean"
options = { column = "stressed_share" }
range = [0.0, 0.5]
covers = "test"
source = { title = "test", year = 2021 }
"""


def creatorsim(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, env=env, **kw
    )


def _write_today(folder: Path, text: str = TODAY) -> None:
    """TODAY and its scenario: reported_2022 with a 30-day burn-in, so that a quick
    calibration of 30 creators takes seconds a run rather than the 540-day default's."""
    base = (ROOT / "scenarios" / "reported_2022.toml").read_text(encoding="utf-8")
    (folder / "short.toml").write_text(base + "\n[time]\nburn_in_days = 30\n")
    (folder / "today.toml").write_text(text)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibrate")
    _write_today(folder)
    out = folder / "out"
    res = creatorsim(
        "calibrate",
        str(folder / "today.toml"),
        "--out",
        str(out),
        "--quick",
        "--seed",
        "5",
        timeout=300,
    )
    return folder, out, res


def test_calibrate_quick_writes_every_output_with_medians_inside_the_priors(quick_run):
    folder, out, res = quick_run
    assert res.returncode == 0, res.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {
        "posterior.parquet",
        "facts.parquet",
        "facts.md",
        "fig_posterior.png",
        "fig_facts.png",
        "calibrated.toml",
        "calibration.json",
    }
    doc = json.loads((out / "calibration.json").read_text())
    assert doc["quick"] is True and doc["seed"] == 5 and doc["settings"]["creators"] == 30
    assert (
        doc["targets"]["sha256"]
        == __import__("hashlib").sha256((folder / "today.toml").read_bytes()).hexdigest()
    )
    post = doc["posterior"]
    assert (
        0.5
        <= post["burnout.threshold"]["q05"]
        <= post["burnout.threshold"]["median"]
        <= post["burnout.threshold"]["q95"]
        <= 3.0
    )
    assert isinstance(post["turnover.viability_days"]["median"], int)
    assert 30 <= post["turnover.viability_days"]["median"] <= 90
    table = pyarrow_parquet.read_table(out / "posterior.parquet").to_pydict()
    assert sum(table["weight"]) == pytest.approx(1.0) and len(table["weight"]) == 6
    facts = pyarrow_parquet.read_table(out / "facts.parquet").to_pydict()
    assert facts["id"] == ["burnt", "stressed"] and facts["role"] == ["target", "bound"]
    assert all(
        lo <= med <= hi
        for lo, med, hi in zip(
            facts["simulated_q05"], facts["simulated_median"], facts["simulated_q95"], strict=True
        )
    )
    # the snippet is a scenario file setting the posterior medians, with its provenance
    text = (out / "calibrated.toml").read_text()
    assert text.startswith("# calibrated on today by creatorsim calibrate")
    scen = Scenario.from_mapping(read_toml(out / "calibrated.toml"), file="calibrated.toml")
    assert scen.model.turnover.viability_days == post["turnover.viability_days"]["median"]
    assert scen.model.burnout.threshold == pytest.approx(
        post["burnout.threshold"]["median"], rel=1e-3
    )


def test_calibrate_with_the_same_seed_gives_the_same_posterior(quick_run, tmp_path):
    from sim.calibration import calibrate

    folder, out, _res = quick_run
    again = calibrate(load_targets(folder / "today.toml"), tmp_path / "again", seed=5, quick=True)
    first = pyarrow_parquet.read_table(out / "posterior.parquet").to_pydict()
    second = pyarrow_parquet.read_table(tmp_path / "again" / "posterior.parquet").to_pydict()
    assert first == second
    assert again["posterior"] == json.loads((out / "calibration.json").read_text())["posterior"]


def test_the_shipped_targets_fit_the_rebuilt_models_behavioural_keys():
    # The rebuilt model's behavioural parameters the facts inform (docs/calibration.md),
    # with the boxes the two screens narrowed them to; burnout.burnout_days is a whole number
    # of days, so it is rounded when simulated.
    t = load_targets(targets_path("creator_economy"))
    got = {p.key: (p.low, p.high, p.integer) for p in t.priors}
    assert got == {
        "attention.views_per_creator": (1500.0, 5000.0, False),
        "attention.piece_decay": (0.5, 1.5, False),
        "attention.following_share": (0.2, 0.6, False),
        "turnover.reservation_income": (0.3, 3.0, False),
        "turnover.reservation_views": (30.0, 250.0, False),
        "turnover.exit_burnout": (0.0, 0.0006, False),
        "burnout.overload_gain": (0.3, 1.0, False),
        "burnout.burnout_days": (5, 20, True),
        "burnout.recovery": (0.1, 0.4, False),
        "adaptation.hour_cost": (0.1, 0.45, False),
        "creators.video_hours": (1.5, 5.0, False),
        "population.capacity_hours_mean": (1.0, 2.0, False),
    }
    assert t.full.burn_in_days == 365 and t.quick.burn_in_days == 30


def test_a_killed_calibrations_staging_folder_is_removed_by_the_next(tmp_path):
    # SIGKILL (or SIGTERM) leaves .<out>.partial-<pid>-*; the next calibration into the same
    # folder removes it when that process is gone, and leaves a live one's alone.
    _write_today(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f".out.partial-{dead}-x1"
    live = tmp_path / f".out.partial-{os.getpid()}-x2"
    for p in (stale, live):
        p.mkdir()
        (p / "posterior.parquet").write_text("half written")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "sim.cli",
        "calibrate",
        str(tmp_path / "today.toml"),
        "--out",
        str(tmp_path / "out"),
        "--quick",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and live.is_dir()
    assert (tmp_path / "out" / "calibration.json").is_file()


def test_an_interrupted_calibrate_leaves_no_partial_output(tmp_path):
    _write_today(tmp_path, TODAY.replace("generations = 2", "generations = 50"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("an earlier calibration")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "calibrate",
            str(tmp_path / "today.toml"),
            "--out",
            str(out),
            "--quick",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # Ctrl-C back to its default in the child: a test worker started with SIGINT ignored
        # would pass that on, and Python would never raise KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for line in proc.stderr:  # wait until it is fitting
            if "generation 0" in line:
                break
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert [p.name for p in out.iterdir()] == ["earlier.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "short.toml", "today.toml"]


BLOCK_PYABC = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "pyabc" or name.startswith("pyabc."):
            raise ImportError("blocked")
        return None
sys.meta_path.insert(0, Block())
from sim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_pyabc_calibrate_names_the_extra_in_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            BLOCK_PYABC,
            "calibrate",
            "creator_economy",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "creatorsim: error: creatorsim calibrate needs the 'calibration' extra: "
        "pip install 'creatorsim[calibration]'"
    )
    assert not (tmp_path / "o").exists()
