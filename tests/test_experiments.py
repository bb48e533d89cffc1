"""Experiments through the Python API: summaries, seeds, sweep files, the store, comparisons
with known answers, Sobol indices of the Ishigami function through the whole sweep path."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scoring.params import ConfigError
from sim.experiments import (
    OUTCOMES,
    Factor,
    FunctionModel,
    ResultStore,
    SweepSpec,
    analyse_sweep,
    compare,
    ishigami,
    load_sweep,
    make_design,
    open_sweep,
    paired_difference,
    run_seeds,
    run_sweep,
    seeds_to_halve,
    summarise,
    sweep_from_mapping,
)
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_BASE = ROOT / "scenarios" / "reported_2022.toml"
#: No burn-in (``time.burn_in_days`` 540 by default): the experiments' plumbing, not the model's
#: steady state, is under test here.
FAST = {"time.burn_in_days": 0}


def _fast_base() -> Path:
    """reported_2022 with no burn-in, under its own name, in a folder removed at exit."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="creatorsim-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / SHIPPED_BASE.name
    path.write_text(SHIPPED_BASE.read_text() + "\n[time]\nburn_in_days = 0\n")
    return path


BASE = _fast_base()


# -- summaries -------------------------------------------------------------------------------
def test_summary_means_after_burn_in_finals_and_totals():
    daily = {
        "day": np.arange(6),
        "feed_gini": np.array([9.0, 9.0, 0.2, 0.4, np.nan, 0.6]),
        "exits_today": np.array([1.0, 0, 2, 0, 0, 3]),
        "fulfilment_rate": np.array([np.nan, 0.5, 0.6, 0.7, 0.8, 0.9]),
    }
    s = summarise(daily, burn_in_days=2)
    assert s["feed_gini_mean"] == pytest.approx(0.4)  # days 2..5, NaN ignored
    assert s["exits_today_total"] == 6.0  # every day, burn-in included
    assert s["fulfilment_rate_final"] == 0.9
    assert math.isnan(s["gmv_mean"])  # a column the table lacks
    assert list(s) == [o.name for o in OUTCOMES]
    assert summarise(daily)["feed_gini_mean"] == pytest.approx(0.4)  # default: first third


# -- seeds and designs -----------------------------------------------------------------------
def test_seeds_come_from_one_seed_sequence():
    common = run_seeds(5, 3, 4)
    assert common.shape == (4, 3) and (common == common[0]).all()
    assert len(set(common[0].tolist())) == 3 and (common >= 0).all()
    own = run_seeds(5, 3, 4, common=False)
    assert len(set(own.ravel().tolist())) == 12
    assert (run_seeds(5, 3, 4) == common).all() and not (run_seeds(6, 3, 4) == common).all()


def _spec(**kw: Any) -> SweepSpec:
    factors = (Factor("a", 0.0, 1.0), Factor("b", 10, 20, integer=True))
    return SweepSpec("t", factors, **{"method": "lhs", "samples": 6, **kw})


def test_designs_respect_ranges_and_are_reproducible():
    lhs = make_design(_spec())
    assert len(lhs) == 6 and lhs.matrix is not None
    a = np.array([p["a"] for p in lhs.points])
    assert ((a >= 0) & (a <= 1)).all()
    assert np.sort(np.floor(a * 6)).tolist() == list(range(6))  # one point per stratum
    assert all(isinstance(p["b"], int) and 10 <= p["b"] <= 20 for p in lhs.points)
    assert make_design(_spec()).points == lhs.points
    assert make_design(_spec(root_seed=1)).points != lhs.points
    assert len(make_design(_spec(method="sobol", samples=8))) == 8 * (2 + 2)
    assert len(make_design(_spec(method="morris", samples=3))) == 3 * (2 + 1)
    grid = SweepSpec("g", (Factor("a", values=(1, 2)), Factor("b", 0.0, 1.0, num=3)))
    assert [tuple(p.values()) for p in make_design(grid).points] == [
        (1, 0.0),
        (1, 0.5),
        (1, 1.0),
        (2, 0.0),
        (2, 0.5),
        (2, 1.0),
    ]


# -- sweep files -----------------------------------------------------------------------------
def _file(tmp_path: Path, sweep: str, parameters: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(f"[sweep]\nscenario = {str(BASE)!r}\n{sweep}\n[parameters]\n{parameters}\n")
    return p


def test_good_sweep_file_loads_with_types_from_the_scenario(tmp_path):
    p = _file(
        tmp_path,
        'method = "lhs"\nsamples = 4\nseeds = 2\ndays = 20\ncreators = 300',
        '"attention.coupling" = { low = 0.0, high = 2.0 }\n'
        "[parameters.scoring.fulfilment.window_days]\nlow = 7\nhigh = 30",
    )
    spec = load_sweep(p)
    assert [f.key for f in spec.factors] == ["attention.coupling", "scoring.fulfilment.window_days"]
    assert [f.integer for f in spec.factors] == [False, True]
    assert spec.name == "s" and spec.seeds == 2 and spec.scenario_path == str(BASE)


def test_bad_sweep_file_lists_every_problem_with_file_key_value_and_allowed(tmp_path):
    p = _file(
        tmp_path,
        'method = "random"\nseeds = 0\nflavour = 1',
        '"attention.couplng" = { low = 0.0, high = 1.0 }\n'
        '"attention.coupling" = { low = 0.0, high = 99.0 }\n'
        '"scoring.fulfilment.window_days" = { low = 7.5, high = 30 }',
    )
    with pytest.raises(ConfigError) as info:
        load_sweep(p)
    got = {(q.key, str(q.value)): q for q in info.value.problems}
    assert all(q.file == str(p) for q in info.value.problems)
    assert "one of grid, lhs, sobol, morris" in got[("sweep.method", "random")].allowed
    assert "integer >= 1" in got[("sweep.seeds", "0")].allowed
    assert "unknown key" in got[("sweep.flavour", "1")].allowed
    assert (
        "attention.coupling" in got[("parameters.attention.couplng", "attention.couplng")].allowed
    )
    assert "[0, 20]" in got[("parameters.attention.coupling.high", "99.0")].allowed
    assert "integer" in got[("parameters.scoring.fulfilment.window_days.low", "7.5")].allowed
    assert len(info.value.problems) == 6


@pytest.mark.parametrize(
    ("sweep", "parameters", "key", "allowed"),
    [
        (
            'method = "sobol"\nsamples = 6',
            '"attention.coupling" = { low = 0.0, high = 1.0 }',
            "sweep.samples",
            "power of 2",
        ),
        (
            'method = "lhs"',
            '"attention.coupling" = { low = 0.0, high = 1.0 }',
            "sweep.samples",
            "required",
        ),
        (
            'method = "lhs"\nsamples = 3',
            '"attention.coupling" = { values = [0.0, 1.0] }',
            "parameters.attention.coupling.values",
            "low and high",
        ),
        (
            'method = "grid"',
            '"attention.coupling" = { values = [0.0, -1.0] }',
            "parameters.attention.coupling.values",
            "[0, 20]",
        ),
        (
            'method = "grid"',
            '"attention.coupling_list" = { values = ["nope"] }',
            "parameters.attention.coupling_list.values",
            "one of",
        ),
        (
            'method = "grid"',
            '"attention.coupling" = { low = 2.0, high = 1.0 }',
            "parameters.attention.coupling.high",
            "> low",
        ),
        (
            'method = "grid"\ndays = 10\nburn_in_days = 10',
            '"attention.coupling" = { values = [1.0] }',
            "sweep.burn_in_days",
            "< days",
        ),
        ('method = "grid"', "", "parameters", "at least one"),
    ],
)
def test_each_kind_of_bad_sweep_value_is_named(tmp_path, sweep, parameters, key, allowed):
    with pytest.raises(ConfigError) as info:
        load_sweep(_file(tmp_path, sweep, parameters))
    assert any(q.key == key and allowed in q.allowed for q in info.value.problems), str(info.value)


def test_missing_base_scenario_is_named(tmp_path):
    data = {"sweep": {"scenario": "nope.toml"}, "parameters": {"a.b": {"values": [1]}}}
    with pytest.raises(ConfigError) as info:
        sweep_from_mapping(data, file=str(tmp_path / "x.toml"))
    assert any(q.key == "sweep.scenario" for q in info.value.problems)


# -- store, resume, failures -----------------------------------------------------------------
@dataclass(frozen=True)
class FlakyModel:
    """y = 2x; runs with x >= 0.5 raise while the file ``flag`` exists."""

    flag: str
    name: str = "flaky"

    def identity(self, values):
        return {"model": self.name, "x": values["x"]}

    def columns(self, values):
        return {}

    def metadata(self, values):
        return {}

    def outcomes(self):
        return ("y",)

    def __call__(self, values, seed):
        if values["x"] >= 0.5 and os.path.exists(self.flag):
            raise RuntimeError(f"boom at x={values['x']}")
        return {"y": 2.0 * values["x"] + seed % 2}


def test_failures_are_recorded_skipped_and_retried(tmp_path):
    flag = tmp_path / "fail"
    flag.touch()
    model = FlakyModel(str(flag))
    spec = SweepSpec("f", (Factor("x", values=(0.0, 0.25, 0.5, 0.75)),), seeds=2, root_seed=3)
    out = tmp_path / "out"
    first = run_sweep(spec, out, model=model)
    assert (first.report.ran, first.report.failed) == (8, 4)
    failures = first.failures()
    assert len(failures) == 4 and all(f["error"].startswith("RuntimeError: boom") for f in failures)
    assert "Traceback" in failures[0]["traceback"]
    y = first.table().column("y").to_pylist()
    assert [v is None for v in y] == [False] * 4 + [True] * 4

    again = run_sweep(spec, out, model=model)  # failures are not retried by default
    assert (again.report.ran, again.report.skipped_failed, again.report.already_done) == (0, 4, 4)

    flag.unlink()
    retried = run_sweep(spec, out, model=model, retry_failed=True)
    assert (retried.report.ran, retried.report.failed) == (4, 0)
    assert retried.failures() == [] and not list((out / "failed").iterdir())
    t = open_sweep(out).table()
    seeds = np.array(t.column("seed").to_pylist())
    x = np.array(t.column("x").to_pylist())
    assert np.array_equal(np.array(t.column("y").to_pylist()), 2 * x + seeds % 2)


def test_store_files_carry_their_provenance_and_query(tmp_path):
    spec = load_sweep(
        _file(
            tmp_path,
            'method = "grid"\nseeds = 1\ndays = 12\ncreators = 100',
            '"attention.coupling" = { values = [0.0, 2.0] }',
        )
    )
    result = run_sweep(spec, tmp_path / "out")
    store = ResultStore(tmp_path / "out")
    key = result.tasks[1].key
    meta = store.read_metadata(key)
    assert meta["parameters"]["attention.coupling"] == 2.0
    assert meta["version"] and meta["identity"]["days"] == 12 and meta["seconds"] > 0
    row = store.read([key]).to_pylist()[0]
    assert row["seed"] == result.tasks[1].seed and row["scenario"] == "reported_2022"
    assert row["attention.coupling"] == 2.0 and row["creators"] == 100
    duckdb = pytest.importorskip("duckdb")
    assert duckdb
    n = store.query('SELECT count(*) AS n, max("attention.coupling") AS c FROM runs').to_pylist()
    assert n == [{"n": 2, "c": 2.0}]


# -- comparisons -----------------------------------------------------------------------------
def test_paired_ci_formula_and_coverage():
    d = paired_difference(np.array([1.0, 2, 3, 4]), np.array([2.0, 4, 3, 7]))
    diffs = np.array([1.0, 2, 0, 3])
    half = 3.182446305284263 * diffs.std(ddof=1) / 2  # t(0.975, 3) s / sqrt(4)
    assert d["difference"] == pytest.approx(1.5)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((1.5 - half, 1.5 + half))
    # t(3)/sqrt(4)/2 = 0.7956; m = 8: t(7)/sqrt(8) = 0.836; m = 9: t(8)/sqrt(9) = 0.769
    assert seeds_to_halve(4) == 9
    assert 390 <= seeds_to_halve(100) <= 400  # about 4n for large n
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2000, 8))
    b = a + rng.normal(scale=0.3, size=(2000, 8))  # no true difference
    cover = np.mean(
        [
            (lambda r: r["ci_low"] <= 0 <= r["ci_high"])(paired_difference(x, y))
            for x, y in zip(a, b, strict=True)
        ]
    )
    assert 0.935 <= cover <= 0.965


def _outcome_columns(runs, arm: str) -> dict[str, np.ndarray]:
    """A comparison's runs of one arm: outcome -> values in replicate order."""
    rows = sorted((r for r in runs.to_pylist() if r["arm"] == arm), key=lambda r: r["replicate"])
    return {o.name: np.array([r[o.name] for r in rows], dtype=np.float64) for o in OUTCOMES}


def test_compare_finds_a_known_difference_and_none_where_there_is_none(tmp_path):
    base = Scenario.from_toml(BASE)
    richer = base.with_values({"attention.purchase_rate": 0.06})  # twice the orders per view
    # changes nothing the model reads: the reply-rate rule is off (min_reply_rate = 0)
    inert = base.with_values({"scoring.eligibility.min_messages": 9})
    richer = dataclasses.replace(richer, name="richer")
    inert = dataclasses.replace(inert, name="inert")
    result = compare([base, richer, inert], seeds=4, days=24, creators=300, out_dir=tmp_path / "c")
    assert result.report.ran == 4 * 3
    keys = {
        arm: {r["key"] for r in result.runs.to_pylist() if r["arm"] == arm} for arm in result.arms
    }
    assert not keys["inert"] & keys["reported_2022"]  # its own runs, not the base's files
    rows = {(r["variant"], r["outcome"]): r for r in result.table.to_pylist()}
    gmv = rows[("richer", "gmv_mean")]
    assert gmv["ci_low"] > 0 and gmv["variant_mean"] > 1.5 * gmv["base_mean"]
    compared = 0
    for o in OUTCOMES:
        r = rows[("inert", o.name)]
        if not math.isnan(r["base_mean"]):
            assert r["difference"] == 0.0, o
            if r["constant"]:  # no interval for what cannot vary
                assert math.isnan(r["ci_low"]) and math.isnan(r["p_value"]), o
            else:
                assert r["ci_low"] <= 0 <= r["ci_high"] and r["p_holm"] == 1.0, o
            compared += 1
    assert compared >= 10
    for name in ("compare.parquet", "runs.parquet", "compare.png", "compare.txt"):
        assert (tmp_path / "c" / name).stat().st_size > 0
    text = (tmp_path / "c" / "compare.txt").read_text()
    assert "gmv_mean" in text and "currency per day" in text
    assert "* the 95% interval excludes 0 (not adjusted for multiplicity)" in text
    assert gmv["p_value"] < 0.05 and gmv["p_value"] <= gmv["p_holm"] <= 1.0

    # A renamed copy of the base, run in a store of its own (a run's key leaves the name
    # out, so in the base's store it would reuse the base's files): two separate runs per
    # seed, and the name changes no number.
    same = Scenario.from_mapping(
        {"scenario": {"name": "renamed", "description": "same"}, "time": {"burn_in_days": 0}}
    )
    alone = compare([same, richer], seeds=4, days=24, creators=300, out_dir=tmp_path / "r")
    assert alone.report.ran == 4 * 2 and alone.report.already_done == 0
    ours, theirs = _outcome_columns(alone.runs, "renamed"), _outcome_columns(result.runs, BASE.stem)
    for o in OUTCOMES:
        np.testing.assert_array_equal(ours[o.name], theirs[o.name], err_msg=o.name)
    assert np.isfinite(ours["gmv_mean"]).all() and len(set(ours["gmv_mean"])) == 4  # seeds differ

    # In the base's store the renamed arm finds the base's runs: nothing runs again.
    rerun = compare([base, same], seeds=4, days=24, creators=300, out_dir=tmp_path / "c")
    assert rerun.report.ran == 0 and rerun.report.already_done == 4


# -- sensitivity through the sweep path ------------------------------------------------------
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def test_ishigami_sobol_indices_through_design_executor_store_analysis(tmp_path):
    spec = SweepSpec(
        "ishigami",
        tuple(Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)),
        method="sobol",
        samples=1024,
        root_seed=11,
    )
    model = FunctionModel(ishigami, ("x1", "x2", "x3"))
    result = run_sweep(spec, tmp_path / "ish", model=model)
    assert result.report.ran == 1024 * 5
    assert len(list((tmp_path / "ish" / "runs").glob("*.parquet"))) == 1024 * 5
    s = analyse_sweep(tmp_path / "ish", resamples=200)  # read back from the store
    for i, p in enumerate(("x1", "x2", "x3")):
        assert s.value("y", p, "S1") == pytest.approx(ISHIGAMI_S1[i], abs=0.04)
        assert s.value("y", p, "ST") == pytest.approx(ISHIGAMI_ST[i], abs=0.04)
    assert any("x3" in w for w in s.warnings)  # S1 of x3 is 0: its interval straddles 0
    assert not any("x2" in w for w in s.warnings)


def test_morris_ranks_the_ishigami_inputs(tmp_path):
    spec = SweepSpec(
        "m",
        tuple(Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)),
        method="morris",
        samples=40,
        root_seed=2,
    )
    run_sweep(spec, tmp_path / "m", model=FunctionModel(ishigami, ("x1", "x2", "x3")))
    s = analyse_sweep(tmp_path / "m")
    mu = [s.value("y", p, "mu_star") for p in ("x1", "x2", "x3")]
    assert min(mu) > 0 and mu[0] > mu[2]  # x3 acts only through its interaction with x1
    assert len(s.figures()) == 1


def test_sensitivity_refuses_incomplete_or_unsuitable_sweeps(tmp_path):
    spec = SweepSpec("g", (Factor("x", values=(0.0, 1.0)),))
    flag = tmp_path / "flag"
    run_sweep(spec, tmp_path / "g", model=FlakyModel(str(flag)))
    with pytest.raises(ValueError, match="method = 'sobol' or 'morris'"):
        analyse_sweep(tmp_path / "g")
    flag.touch()
    sob = SweepSpec("s", (Factor("x", 0.0, 1.0), Factor("z", 0.0, 1.0)), method="sobol", samples=4)
    run_sweep(sob, tmp_path / "s", model=FlakyModel(str(flag)))
    with pytest.raises(ValueError, match=r"runs of s have no result"):
        analyse_sweep(tmp_path / "s")


def test_example_sweep_files_are_valid():
    files = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))
    assert files
    for f in files:
        spec = load_sweep(f)
        assert spec.factors and make_design(spec).points


def test_executor_choice_explicit_options_win_over_the_environment(monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from sim.experiments import SCHEDULER_ENV, SerialExecutor, open_executor

    monkeypatch.setenv(SCHEDULER_ENV, "tcp://127.0.0.1:9")  # would fail if it were used
    with open_executor(workers=1) as ex:
        assert isinstance(ex, SerialExecutor)
        assert ex.submit(pow, 2, 5).result() == 32
    with open_executor(workers=2) as ex:
        assert isinstance(ex, ProcessPoolExecutor)
    with pytest.raises(ValueError, match="workers"):
        with open_executor(workers=0):
            pass


def test_store_cleans_only_its_own_temporary_files(tmp_path):
    store = ResultStore(tmp_path).create()
    mine = [store.runs_dir / ".abc.parquet.x1.tmp", tmp_path / ".sweep.json.x2.tmp"]
    others = [tmp_path / ".notes.txt.x3.tmp", store.runs_dir / "abc.parquet"]
    for p in mine + others:
        p.write_text("x")
    assert store.clean_temporary() == 2
    assert [p.exists() for p in mine + others] == [False, False, True, True]


def test_a_sweep_file_may_name_a_shipped_scenario(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        '[sweep]\nscenario = "feed_coupled"\nmethod = "grid"\n'
        '[parameters]\n"attention.coupling" = { values = [0.0, 1.0] }\n'
    )
    assert Path(load_sweep(p).scenario_path) == ROOT / "scenarios" / "feed_coupled.toml"
    p.write_text(p.read_text().replace("feed_coupled", "feed_coupeld"))
    with pytest.raises(ConfigError, match="feed_coupeld"):
        load_sweep(p)


def test_holm_adjusts_step_down_and_keeps_nan():
    from sim.experiments.comparison import holm

    # m = 4 tested: 0.01 x 4, 0.02 x 3, 0.03 x 2 -> 0.06 (monotone), 0.5 x 1
    got = holm([0.03, float("nan"), 0.01, 0.5, 0.02])
    assert math.isnan(got[1])
    assert got[2] == pytest.approx(0.04) and got[4] == pytest.approx(0.06)
    assert got[0] == pytest.approx(0.06) and got[3] == pytest.approx(0.5)


def test_is_constant_tells_float_noise_from_variation():
    from sim.experiments.summary import is_constant

    assert is_constant([7.4e-18, -5.5e-19, 1.1e-17])  # the incentive of an unread list
    assert is_constant([0.1, 0.10000000000000003, float("nan"), 0.1])
    assert is_constant([23541.0, 23541.0 + 1e-9])  # relative to the mean for large values
    assert not is_constant([0.63, 0.6333])
    assert not is_constant([5.0])  # one value cannot show variation


# -- issue 12 through the command line -------------------------------------------------------
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_compare_cli_flags_constants_warns_on_an_unread_weight_and_prints_plain_numbers(
    tmp_path,
):
    # no merchant reads the overall list (merchants.goal_overall = 0), so its weights reach
    # nothing; --set applies to both arms (no burn-in: the comparison's plumbing is under test)
    unread = '[scenario]\nname = "{}"\n\n[merchants]\ngoal_overall = 0.0\n'
    (tmp_path / "base.toml").write_text(unread.format("base"))
    (tmp_path / "coop2.toml").write_text(
        unread.format("coop2") + "\n[scoring.overall]\ncooperation = 2.0\n"
    )
    r = _cli(
        "compare",
        "base.toml",
        "coop2.toml",
        "--seeds",
        "2",
        "--days",
        "20",
        "--creators",
        "300",
        "--set",
        "time.burn_in_days=0",
        "--no-progress",
        "--out",
        "c",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert (
        "creatorsim: warning: coop2: scoring.overall.cooperation differs from base but "
        "cannot change any outcome: a weight of the overall list, which nothing reads"
    ) in r.stderr
    text = (tmp_path / "c" / "compare.txt").read_text()
    rows = {ln.split()[0]: ln for ln in text.splitlines() if ln.startswith("  ") and "_" in ln}
    # fewer than 10% of creators are listed, so the top 10% hold all list exposure
    assert "constant by construction in this scenario" in rows["list_top10_share_mean"]
    assert "constant by construction" not in rows["gmv_mean"]
    # nothing differs, so no row has a * and no legend for it
    assert " *" not in text and "interval excludes 0" not in text
    assert "Holm p" in text and "outcomes tested together" in text
    assert not re.search(r"\d[eE][+-]\d", text)  # no scientific notation
    assert "currency per day" in rows["gmv_mean"] and "Gini (0-1)" in rows["feed_gini_mean"]
    assert "compare.png leaves out" in r.stdout  # the constant rows, named under its axis


def test_compare_cli_set_reaches_every_arm_and_a_bad_one_is_one_error(tmp_path):
    import pyarrow.parquet as pq

    args = ("--seeds", "2", "--days", "3", "--creators", "50", "--no-progress")
    r = _cli(
        "compare",
        "reported_2022",
        "feed_coupled",
        *args,
        "--set",
        "time.burn_in_days=0",
        "--set",
        "adaptation.rule=none",
        "--out",
        "c",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    # each arm's runs carry the hash of its scenario with both overrides
    from sim.data import scenario_path

    want = {
        Scenario.from_toml(scenario_path(n)).with_values({**FAST, "adaptation.rule": "none"}).hash
        for n in ("reported_2022", "feed_coupled")
    }
    runs = pq.read_table(tmp_path / "c" / "runs.parquet").to_pydict()
    assert set(runs["scenario_hash"]) == want
    r = _cli(
        "compare",
        "reported_2022",
        "feed_coupled",
        *args,
        "--set",
        "time.burn_in_days=x",
        "--out",
        "d",
        cwd=tmp_path,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "--set: time.burn_in_days = 'x': an integer" in r.stderr
    assert not (tmp_path / "d").exists()
    r = _cli("compare", "reported_2022", "feed_coupled", "--set", "rule", cwd=tmp_path)
    assert r.returncode == 2 and "argument --set: 'rule' is not KEY=VALUE" in r.stderr


def test_compare_cli_names_a_bad_out_or_scenario_before_running(tmp_path):
    (tmp_path / "f").write_text("")
    r = _cli("compare", "reported_2022", "feed_coupled", "--seeds", "2", "--out", "f", cwd=tmp_path)
    assert r.returncode == 1 and "[Errno" not in r.stderr and "Traceback" not in r.stderr
    assert "--out f: exists and is not a folder" in r.stderr
    (tmp_path / "variant.toml").mkdir()
    r = _cli("compare", "reported_2022", "variant.toml/", "--seeds", "2", cwd=tmp_path)
    assert r.returncode == 1 and "scenario variant.toml: is a folder" in r.stderr


def test_forest_plot_leaves_out_rows_whose_base_mean_is_about_zero():
    import pyarrow as pa

    from sim.experiments.comparison import Comparison

    def row(outcome, base, diff, half, constant=False):
        nan = math.nan
        return {
            "variant": "v",
            "base": "b",
            "outcome": outcome,
            "n": 5,
            "base_mean": base,
            "variant_mean": base + diff,
            "difference": diff,
            "sd_difference": 1.0,
            "ci_low": nan if constant else diff - half,
            "ci_high": nan if constant else diff + half,
            "half_width": nan if constant else half,
            "correlation": nan,
            "seeds_to_halve": 13.0,
            "p_value": nan if constant else 0.01,
            "constant": constant,
            "relative_difference": diff / base if base else nan,
            "level": 0.95,
            "p_holm": nan if constant else 0.02,
        }

    rows = [
        row("gmv_mean", 1000.0, 50.0, 10.0),  # +5% +- 1%: shown
        row("incentive_gap_mean", 0.002, 0.5, 8.0),  # +-400000% of a base of about 0: left out
        row("share_listed_mean", 0.1, 0.0, 0.0, constant=True),  # no interval: left out
    ]
    c = Comparison(("b", "v"), (1, 2, 3, 4, 5), pa.Table.from_pylist(rows), None, 0.95, None)
    assert c.dropped_from_plot() == ["incentive_gap_mean", "share_listed_mean"]
    fig = c.forest_plot()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gmv_mean"]
    lo, hi = ax.get_xlim()
    assert -20 < lo < 4 and 6 < hi < 20  # the axis fits +5% +- 1%, not +-400000%
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "incentive_gap_mean" in notes and "share_listed_mean" in notes
    text = c.text()
    assert "share_listed_mean" in text and "constant by construction in this scenario" in text
    assert "* the 95% interval excludes 0" in text  # gmv's row has a *
