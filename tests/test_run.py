"""One run of the model (``sim.run``), its report (``sim.report``) and the ``run`` and
``explain`` commands, run as a user would: a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim import report
from sim.cli import main
from sim.run import DEFAULT_DAYS, RunResult, run_scenario, write_outputs
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "reported_2022.toml"
FILES = (
    "daily.parquet",
    "creators.parquet",
    "lists.parquet",
    "run.json",
    "report.md",
    "fig_visibility.png",
    "fig_workload.png",
    "fig_commerce.png",
    "fig_population.png",
)
#: No burn-in: every test here but the burn-in's own is about the run's plumbing, not the
#: model's steady state (``time.burn_in_days`` is 540 by default).
FAST = {"time.burn_in_days": 0}
NO_BURN_IN = ("--set", "time.burn_in_days=0")


def creatorsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed console script (or the module when not installed)."""
    script = Path(sys.executable).parent / "creatorsim"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def _hash_with_creators(n: int) -> str:
    return Scenario.from_toml(BASELINE).with_values({**FAST, "population.creators": n}).hash


@cache
def small_run(seed: int) -> RunResult:
    return run_scenario(
        Scenario.from_toml(BASELINE),
        seed=seed,
        days=25,
        creators=300,
        progress=False,
        values=FAST,
    )


# -- run_scenario ----------------------------------------------------------------------------
def test_same_seed_same_tables_different_seed_different():
    a = small_run(3)
    b = run_scenario(
        Scenario.from_toml(BASELINE), seed=3, days=25, creators=300, progress=False, values=FAST
    )
    for name in ("daily", "creators", "snapshots"):
        ta, tb = getattr(a, name), getattr(b, name)
        assert list(ta) == list(tb) and ta
        for key in ta:
            np.testing.assert_array_equal(ta[key], tb[key], err_msg=f"{name}.{key}")
    c = small_run(4)
    for name in ("daily", "creators", "snapshots"):
        ta, tc = getattr(a, name), getattr(c, name)
        assert any(
            ta[k].shape != tc[k].shape or not np.array_equal(ta[k], tc[k])
            for k in ta
            if k not in ("day", "creator_id", "category")
        ), name


def test_tables_have_one_row_per_day_creator_and_snapshot_days():
    r = small_run(3)
    assert r.days == 25 and r.n_creators == 300
    assert np.array_equal(r.daily["day"], np.arange(25))
    assert all(v.shape == (25,) for v in r.daily.values())
    # one row per creator ever present (leavers too): the 300 slots' occupants at the end
    rows = r.creators["creator_id"].shape
    assert all(v.shape == rows for v in r.creators.values()) and rows[0] >= 300
    assert np.sum(r.creators["left_day"] == -1) <= 300
    days = np.unique(r.snapshots["day"])
    assert set(days) <= {6, 13, 20, 24} and 24 in days  # every 7 days, and the last day
    assert r.snapshots["list"].dtype.kind == "U"
    assert r.metadata["seed"] == 3 and r.metadata["scenario"]["name"] == "reported_2022"
    # the hash of the parameters the run ran with: --creators 300 included
    assert r.metadata["scenario"]["hash"] == _hash_with_creators(300)
    assert r.files == {} and r.out_dir is None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"seed": -1}, "seed = -1"),
        ({"seed": 1, "days": 0}, "days = 0"),
        ({"seed": 1, "creators": 9}, "creators = 9"),
        ({"seed": 1, "snapshot_every": 0}, "snapshot_every = 0"),
        ({"seed": 1.5}, "seed = 1.5"),
    ],
)
def test_run_scenario_rejects_bad_arguments(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        run_scenario(Scenario(), progress=False, **kwargs)


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "run.json").write_text("{}")  # an earlier run's
    monkeypatch.setattr(report, "render_report", boom)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(small_run(3), tmp_path / "out")
    # the earlier run is untouched; the staging folder and the lock file are gone
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["run.json"]
    assert (tmp_path / "out" / "run.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_tail_means_ignore_nan_and_use_the_last_days():
    daily = {
        "day": np.arange(40),
        "x": np.r_[np.full(10, 100.0), np.arange(30.0)],
        "y": np.r_[np.ones(39), np.nan],
        "z": np.full(40, np.nan),
    }
    m = report.tail_means(daily, 30)
    assert m["x"] == pytest.approx(14.5) and m["y"] == 1.0 and np.isnan(m["z"])
    assert "day" not in m


# -- creatorsim run --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One small run through the command line, in a fresh folder (default --out)."""
    cwd = tmp_path_factory.mktemp("cwd")
    r = creatorsim(
        "run",
        str(BASELINE),
        "--seed",
        "5",
        "--creators",
        "300",
        "--days",
        "20",
        "--no-progress",
        *NO_BURN_IN,
        cwd=cwd,
    )
    return r, cwd / "out" / "reported_2022-seed5"


def test_cli_run_writes_every_file(cli_run):
    r, out = cli_run
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary files left
    assert "report.md" in r.stdout and "mean of the last 20 days" in r.stdout
    assert "Sample fulfilment rate" in r.stdout


def test_cli_run_json_has_scenario_hash_seed_parameters_versions(cli_run):
    _r, out = cli_run
    meta = json.loads((out / "run.json").read_text())
    sc = Scenario.from_toml(BASELINE)
    assert meta["scenario"]["hash"] == _hash_with_creators(300)
    assert meta["scenario"]["name"] == "reported_2022"
    assert meta["scenario"]["path"] == str(BASELINE)
    assert meta["seed"] == 5 and meta["days"] == 20 and meta["creators"] == 300
    # --creators and --set
    assert meta["parameters"] == {**sc.values(), **FAST, "population.creators": 300}
    assert meta["overrides"] == {**FAST, "population.creators": 300}
    assert meta["burn_in_days"] == 0
    assert meta["parameters"]["scoring.fulfilment.window_days"] == 17
    v = meta["versions"]
    assert {"creatorsim", "numpy", "mesa", "python"} <= set(v)
    assert set(meta["timings"]) == {"init_s", "burn_in_s", "run_s", "write_s"}
    assert meta["date"] and "fulfilment_rate" in meta["outcomes"]["means"]


def test_cli_run_report_names_the_scenario_and_embeds_the_figures(cli_run):
    _r, out = cli_run
    text = (out / "report.md").read_text()
    assert text.startswith("# reported_2022: seed 5")
    assert Scenario.from_toml(BASELINE).description[:40] in text
    for fig in ("fig_visibility.png", "fig_workload.png", "fig_commerce.png", "fig_population.png"):
        assert f"]({fig})" in text
        assert (out / fig).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "mean of the last 20 days" in text and "| Feed views: Gini |" in text
    assert "assumed* are the model's guesses" in text
    assert "Burn-in: 0 days simulated before day 0 (`time.burn_in_days`), not reported." in text
    assert "| `time.burn_in_days` | 0 (set by the command line, --set) | 540 |" in text
    # outcomes over active creators (issue 11), and no outcome the model no longer produces
    for column in ("exits", "entries", "pieces_per_active", "income_per_active"):
        assert f"| `{column}` |" in text, column
    for gone in ("view_value", "list_value", "miss_cost", "in their slots at the end"):
        assert gone not in text, gone


def test_cli_run_parquet_tables_load_with_one_row_per_day_and_creator(cli_run):
    import pyarrow.parquet as pq

    _r, out = cli_run
    table = pq.read_table(out / "daily.parquet")
    assert table.schema.metadata[b"creatorsim.seed"] == b"5"
    assert table.schema.metadata[b"creatorsim.scenario_hash"] == _hash_with_creators(300).encode()
    daily = table.to_pydict()
    assert daily["day"] == list(range(20))
    assert {"feed_gini", "workload_mean", "gmv", "fulfilment_rate"} <= set(daily)
    creators = pq.read_table(out / "creators.parquet").to_pydict()
    # one row per creator ever present since day 0: the slots' occupants and the leavers
    assert len(creators["creator_id"]) >= 300
    assert sum(d == -1 for d in creators["left_day"]) <= 300
    assert len(set(creators["creator_id"])) == len(creators["creator_id"]) and "active" in creators
    lists = pq.read_table(out / "lists.parquet").to_pydict()
    assert set(lists["day"]) <= {6, 13, 19} and 19 in lists["day"]
    for name, table in (("daily", daily), ("creators", creators), ("lists", lists)):
        # every table says which run it is, row by row, so that runs stack
        assert list(table)[:2] == ["scenario", "seed"], name
        assert set(table["scenario"]) == {"reported_2022"} and set(table["seed"]) == {5}, name
        assert len(table["seed"]) == len(table["day" if name != "creators" else "creator_id"])
    # the lists some merchant reads (every goal's lists; the overall list for goal_overall)
    assert set(lists["list"]) == {
        "sales",
        "gmv",
        "growth",
        "popularity",
        "diligence",
        "cooperation",
        "overall",
    }


def test_report_lists_the_parameters_a_variant_changes():
    sc = Scenario.from_toml(SCENARIOS / "window_30_days.toml")
    meta = {"seed": 2, "days": 10, "creators": 50, "timings": {}}
    daily = {"day": np.arange(10), "feed_gini": np.linspace(0, 1, 10)}
    text = report.render_report(sc, meta, daily)
    assert "| `scoring.fulfilment.window_days` | 30 | 17 | days | M10 |" in text
    assert "mean of the last 10 days" in text and "| Feed views: Gini | 0.500 |" in text


# -- creatorsim explain ----------------------------------------------------------------------
def _line(stdout: str, key: str) -> str:
    hits = [ln for ln in stdout.splitlines() if f" {key} " in f" {ln} "]
    assert len(hits) == 1, (key, hits)
    return hits[0]


def test_explain_lists_every_parameter_with_provenance_and_marks():
    r = creatorsim("explain", str(SCENARIOS / "window_30_days.toml"))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "window_30_days" in out and Scenario.from_toml(BASELINE).hash not in out
    for key, *_rest in Scenario().parameters():
        assert f" {key} " in out or out.count(f" {key}\n"), key
    line = _line(out, "scoring.fulfilment.window_days")
    assert line.startswith("*") and line.split()[2:6] == ["30", "17", "days", "M10"]
    line = _line(out, "population.creators")
    assert not line.startswith(("*", "=")) and "assumed: " in line
    assert _line(out, "attention.coupling").split()[-1] == "M14"
    assert "scoring.fulfilment.window_days" in out and "[scoring.fulfilment]" in out


def test_explain_marks_the_keys_the_file_sets_to_their_default(capsys):
    assert main(["explain", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert _line(out, "scoring.fulfilment.window_days").startswith("=")
    assert _line(out, "scoring.fulfilment.window_days").split()[2:4] == ["17", "17"]
    assert not _line(out, "merchants.goal_sales").startswith(("*", "="))
    assert "the file sets 52, 0 of them away from the default" in out


# -- scenario files --------------------------------------------------------------------------
VARIANTS = {
    "reported_2022": {},
    "no_cooperation": {
        "merchants.goal_sales": 0.0,
        "merchants.goal_growth": 0.0,
        "merchants.goal_reach": 0.0,
        "merchants.goal_reliable": 0.0,
        "merchants.goal_overall": 1.0,
        "scoring.overall.cooperation": 0.0,
    },
    "window_30_days": {"scoring.fulfilment.window_days": 30},
    "feed_coupled": {"attention.coupling": 2.0},
}


@pytest.mark.parametrize("name", [*VARIANTS, "official_2024"])
def test_scenario_files_load_with_a_name_and_description(name):
    sc = Scenario.from_toml(SCENARIOS / f"{name}.toml")
    assert sc.name == name and len(sc.description) > 40


@pytest.mark.parametrize("name", list(VARIANTS))
def test_variants_differ_from_the_2022_reading_only_where_they_say(name):
    base = Scenario.from_toml(BASELINE).values()
    values = Scenario.from_toml(SCENARIOS / f"{name}.toml").values()
    assert {k: v for k, v in values.items() if base[k] != v} == VARIANTS[name]


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--seed", "-1"], "-1 is not allowed: use an integer >= 0"),
        (["--seed", "x"], "'x' is not a seed"),
        (["--seed", "1", "--days", "0"], "0 is not allowed: use an integer >= 1"),
        (["--seed", "1", "--days", "1.5"], "'1.5' is not a number of days"),
        (["--seed", "1", "--creators", "5"], "5 is not allowed: use an integer >= 10"),
        (["--seed", "1", "--creators", "many"], "'many' is not a number of creators"),
    ],
)
def test_run_bad_arguments_exit_2_with_the_reason(args, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(BASELINE), *args])
    assert exc.value.code == 2
    assert needle in capsys.readouterr().err


def test_run_help_states_the_default_days(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--help"])
    assert exc.value.code == 0
    assert f"default: {DEFAULT_DAYS}" in capsys.readouterr().out


def test_run_bad_argument_as_a_subprocess_has_no_traceback():
    r = creatorsim("run", str(BASELINE), "--seed", "1", "--creators", "3")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "argument --creators: 3 is not allowed: use an integer >= 10" in r.stderr


BAD = """\
[scenario]
name = "bad"

[population]
creator = 100                    # unknown key (creators)
entertainer_share = "many"       # wrong type

[scoring.fulfilment]
window_days = -4                 # out of range
"""


def _assert_every_problem(stderr: str, f: Path) -> None:
    assert "Traceback" not in stderr and "3 problem(s)" in stderr
    assert f"{f}: population.creator = 100: an unknown key" in stderr
    assert "population.entertainer_share = 'many': a number" in stderr
    assert "scoring.fulfilment.window_days = -4" in stderr


def test_bad_scenario_file_exits_1_listing_every_problem(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(BAD)
    r = creatorsim("run", str(f), "--seed", "1", "--out", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    _assert_every_problem(r.stderr, f)
    assert not (tmp_path / "out").exists()


def test_run_out_must_be_a_folder(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert main(["run", str(BASELINE), "--seed", "1", "--out", str(f), "--no-progress"]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_explain_bad_or_missing_scenario_file_exits_1(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text(BAD)
    assert main(["explain", str(f)]) == 1
    _assert_every_problem(capsys.readouterr().err, f)
    assert main(["explain", str(tmp_path / "nowhere.toml")]) == 1
    err = capsys.readouterr().err
    assert "nowhere.toml" in err and "an existing TOML file" in err


def test_burnout_by_group_counts_leavers_from_day_0_or_joining_to_leaving():
    creators = {
        "entertainer": np.array([False, False, True, True, False]),
        "followers_start": np.array([10, 20, 30, 1000, 15]),
        "first_burnout_day": np.array([40, -1, 70, 15, 100]),
        # the first joined in the burn-in (before day 0); the last left on day 165
        "joined_day": np.array([-200, 0, 50, 5, 0]),
        "left_day": np.array([-1, -1, -1, -1, 165]),
        "burnouts": np.array([2, 0, 1, 3, 1]),
    }
    rows = {r["group"]: r for r in report.burnout_by_group(creators, days=365)}
    assert rows["all"]["creators"] == 5
    assert rows["all"]["ever_burnt_out"] == pytest.approx(0.8)
    # 7 burnouts over 365 + 365 + 315 + 360 + 165 creator-days (not 565 for the first, nor
    # 365 for the leaver)
    assert rows["all"]["burnouts_per_year"] == pytest.approx(7 / (1570 / 365))
    assert rows["sellers"]["ever_burnt_out"] == pytest.approx(2 / 3)
    # days from max(joined, 0): 40 (not 240) and 100
    assert rows["sellers"]["median_days_to_burnout"] == 70
    # days from joining: 70 - 50 = 20 and 15 - 5 = 10
    assert rows["entertainers"]["median_days_to_burnout"] == 15
    assert rows["top 10% by followers"]["creators"] == 1
    assert rows["top 10% by followers"]["burnouts_per_year"] == pytest.approx(3 / (360 / 365))


def test_report_has_the_burnout_by_group_table(cli_run):
    _r, out = cli_run
    text = (out / "report.md").read_text()
    assert "## Burnout by group (M15)" in text and "leavers included" in text
    for group in ("| all |", "| sellers |", "| entertainers |", "| top 10% by followers |"):
        assert group in text


def test_one_progress_bar_is_shown_only_where_someone_sees_it(monkeypatch):
    from sim.run import progress_bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    bars = [progress_bar(False, 5, "x"), progress_bar(None, 5, "x"), progress_bar(True, 5, "x")]
    try:
        assert [b.disable for b in bars] == [True, True, False]
        assert bars[2].total == 5 and bars[2].unit == "day"
    finally:
        for b in bars:
            b.close()


# -- issue 12: constant outcomes, unreachable changes ----------------------------------------
COOP = """\
[scenario]
name = "coop2"
description = "doubles the cooperation weight of the overall list"

[scoring.overall]
cooperation = 2.0
"""


def test_constant_outcomes_are_those_flat_over_the_tail():
    daily = {
        "day": np.arange(40),
        "flat": np.full(40, 0.1),
        "flat_tail": np.r_[np.arange(10.0), np.full(30, 2.0)],
        "moves": np.sin(np.arange(40.0)),
        "weekly": np.where(np.arange(40) % 7 == 6, 3.0, np.nan),  # measured weekly, constant
    }
    assert report.constant_outcomes(daily, 30) == ["flat", "flat_tail", "weekly"]
    assert report.constant_outcomes(daily, 35) == ["flat", "weekly"]


def test_outcomes_constant_in_a_run_are_flagged_in_its_report_and_run_json(cli_run):
    _r, out = cli_run
    meta = json.loads((out / "run.json").read_text())
    constant = set(meta["outcomes"]["constant"])
    daily = pq_read(out / "daily.parquet")
    assert constant == set(report.constant_outcomes(daily))
    for key in ("feed_gini", "gmv", "workload_mean", "pieces_per_active", "views_per_active"):
        assert key not in constant, key
    flagged = [
        ln
        for ln in (out / "report.md").read_text().splitlines()
        if "constant by construction" in ln and ln.startswith("| ")
    ]
    shown = {k for k, _l, _f in report.KEY_OUTCOMES} & constant
    assert {ln.rsplit("`", 2)[-2] for ln in flagged} == shown


def pq_read(path: Path) -> dict[str, np.ndarray]:
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    return {k: np.asarray(v) for k, v in table.items() if k not in ("scenario", "seed")}


def test_explain_warns_about_a_change_that_reaches_no_outcome(tmp_path, capsys):
    # read by the merchants whose goal is overall (merchants.goal_overall > 0): no warning
    f = tmp_path / "coop2.toml"
    f.write_text(COOP)
    assert main(["explain", str(f)]) == 0
    assert "warning" not in capsys.readouterr().err
    # no merchant reads the overall list, nor the feed: the weight reaches nothing
    g = tmp_path / "coop_unread.toml"
    g.write_text(COOP + "\n[merchants]\ngoal_overall = 0.0\n")
    assert main(["explain", str(g)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "creatorsim: warning: scoring.overall.cooperation is changed but cannot change any "
        "outcome in this scenario: a weight of the overall list, which nothing reads (lists "
        "read: cooperation, diligence, gmv, growth, popularity, sales)"
    ]
    # read by the feed (M14 coupling to the overall list): no warning
    h = tmp_path / "coupled.toml"
    h.write_text(
        COOP + "\n[merchants]\ngoal_overall = 0.0\n"
        '\n[attention]\ncoupling = 0.5\ncoupling_list = "overall"\n'
    )
    assert main(["explain", str(h)]) == 0
    assert "warning" not in capsys.readouterr().err


# -- the burn-in (issue 11 point 5) ----------------------------------------------------------
def test_a_run_with_a_burn_in_records_it_and_reports_day_0_after_it(tmp_path):
    assert Scenario.from_toml(BASELINE).model.time.burn_in_days == 540  # the default
    kw = {"seed": 2, "days": 6, "creators": 200, "progress": False}
    burnt = run_scenario(Scenario.from_toml(BASELINE), values={"time.burn_in_days": 60}, **kw)
    fresh = run_scenario(Scenario.from_toml(BASELINE), values=FAST, **kw)
    assert burnt.metadata["burn_in_days"] == 60 and fresh.metadata["burn_in_days"] == 0
    assert burnt.metadata["overrides"] == {"time.burn_in_days": 60, "population.creators": 200}
    assert burnt.timings["burn_in_s"] > 0
    # day 0 is the first day after the burn-in: six reported rows, numbered from 0
    assert np.array_equal(burnt.daily["day"], np.arange(6))
    assert set(np.unique(burnt.snapshots["day"])) <= {0, 5} and 5 in burnt.snapshots["day"]
    # ... and not the model's first day: 60 days of adaptation and turnover came before it
    assert not np.array_equal(burnt.daily["effort_mean"], fresh.daily["effort_mean"])
    # those who joined during the burn-in joined before day 0; totals cover reported days only
    assert (burnt.creators["joined_day"] < 0).any() and (fresh.creators["joined_day"] >= 0).all()
    assert burnt.creators["first_burnout_day"].max() < 6
    text = report.render_report(
        burnt.scenario, burnt.metadata, burnt.daily, creators=burnt.creators
    )
    assert "Burn-in: 60 days simulated before day 0 (`time.burn_in_days`), not reported." in text


def test_run_set_overrides_scenario_keys_and_bad_ones_are_one_error(tmp_path, capsys):
    out = tmp_path / "o"
    args = ["run", str(BASELINE), "--creators", "100", "--days", "3", "--no-progress"]
    assert main([*args, *NO_BURN_IN, "--set", "adaptation.rule=imitation", "--out", str(out)]) == 0
    meta = json.loads((out / "run.json").read_text())
    assert meta["overrides"] == {**FAST, "adaptation.rule": "imitation", "population.creators": 100}
    assert meta["parameters"]["adaptation.rule"] == "imitation"
    capsys.readouterr()
    # a bad value or key: the scenario's error, naming --set, exit 1, nothing written
    for bad, needle in (
        ("time.burn_in_days=-3", "--set: time.burn_in_days = -3: a value in [0, 3650]"),
        ("time.burn_in_dayz=3", "--set: time.burn_in_dayz = 3: an unknown key"),
    ):
        assert main([*args, "--set", bad, "--out", str(tmp_path / "bad")]) == 1
        assert needle in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()
    # no "=": an argparse error (exit 2)
    with pytest.raises(SystemExit) as exc:
        main([*args, "--set", "time.burn_in_days"])
    assert exc.value.code == 2
    assert "argument --set: 'time.burn_in_days' is not KEY=VALUE" in capsys.readouterr().err


def test_set_values_are_read_as_toml_else_as_text():
    from sim.cli.args import key_value

    assert key_value("a.b=0") == ("a.b", 0)
    assert key_value("a.b = 2.5") == ("a.b", 2.5)
    assert key_value("a.b=true") == ("a.b", True)
    assert key_value('a.b="x y"') == ("a.b", "x y")
    assert key_value("a.b=[1, 2]") == ("a.b", [1, 2])
    assert key_value("a.b=gradient") == ("a.b", "gradient")
    assert key_value("a.b=") == ("a.b", "")
