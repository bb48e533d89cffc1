"""The report's "Stylised facts" table (issue 11), the fulfilment rate without burn-in, and
``compare --skip-days`` (the renamed ``--burn-in``).

The facts table must hold, for every fact of the shipped targets file, exactly what
``sim.calibration.facts.compute`` gives on the same run's tables, or say why it was not
measured (a yearly fact on fewer than 365 reported days).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from scoring.fulfilment import FULFILLED_LIVE, FULFILLED_VIDEO
from sim import report
from sim.calibration.facts import WINDOW, YEAR_DAYS, compute, fact_table, window_note
from sim.calibration.targets import load_targets
from sim.cli.commands import build_parser
from sim.data import scenario_path, targets_path
from sim.model import CreatorMarket
from sim.run import RunResult, run_scenario
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
TARGETS = load_targets(targets_path("creator_economy"))
BASELINE = Scenario.from_toml(scenario_path("reported_2022"))
YEARLY = {f.id for f in TARGETS.facts if WINDOW[f.statistic] == "year"}


@cache
def year_run() -> RunResult:
    """A year of reported days after a short burn-in: every fact is measurable."""
    return run_scenario(
        BASELINE,
        seed=3,
        days=YEAR_DAYS,
        creators=300,
        progress=False,
        values={"time.burn_in_days": 20},
    )


# -- the facts table -------------------------------------------------------------------------
def test_the_shipped_targets_have_yearly_facts_and_every_statistic_a_window():
    assert set(WINDOW) >= {f.statistic for f in TARGETS.facts}
    assert YEARLY == {"T4", "T8", "T10"}


def test_fact_table_values_equal_compute_on_the_same_tables():
    run = year_run()
    rows = fact_table(TARGETS, run.daily, run.creators)
    assert [r["id"] for r in rows] == [f.id for f in TARGETS.facts]
    for fact, row in zip(TARGETS.facts, rows, strict=True):
        want = compute(fact.statistic, run.daily, run.creators, fact.options)
        assert row["note"] is None, row
        if math.isnan(want):
            assert math.isnan(row["model"]) and row["inside"] is None
        else:
            assert row["model"] == want, fact.id
            assert row["inside"] == (fact.low <= want <= fact.high), fact.id
        assert (row["low"], row["high"], row["target"]) == (fact.low, fact.high, fact.value)
        assert row["role"] == fact.role and row["source"]["title"] == fact.source["title"]
        assert row["source"]["url"] == fact.source["url"]


def test_a_yearly_fact_is_not_measured_on_fewer_than_365_reported_days():
    run = year_run()
    daily = {k: v[-(YEAR_DAYS - 1) :] for k, v in run.daily.items()}
    rows = {r["id"]: r for r in fact_table(TARGETS, daily, run.creators)}
    for fid in YEARLY:
        assert rows[fid]["model"] is None and rows[fid]["inside"] is None
        assert rows[fid]["note"] == (
            f"not measurable: a yearly count needs {YEAR_DAYS} reported days, the run has 364"
        )
    # the annualised and any-window facts are still measured
    assert all(rows[f]["note"] is None for f in rows if f not in YEARLY)
    assert window_note("exit_rate_established", 30) is None
    assert window_note("ever_burnt_out_share", YEAR_DAYS) is None


def test_a_fact_whose_column_the_run_lacks_says_so_in_its_row():
    run = year_run()
    creators = {k: v for k, v in run.creators.items() if k != "income"}
    rows = {r["id"]: r for r in fact_table(TARGETS, run.daily, creators)}
    assert rows["T5"]["model"] is None
    assert "needs column 'income' of the creators table" in rows["T5"]["note"]
    assert rows["T1"]["note"] is None


def test_the_report_section_shows_each_row_and_counts_the_facts_inside():
    run = year_run()
    facts = report.stylised_facts(run.daily, run.creators, scenario=run.scenario)
    assert facts["same_scenario"] is True and facts["days"] == YEAR_DAYS
    text = "\n".join(report.render_facts(facts, run.metadata))
    assert "## Stylised facts" in text
    assert f"300 creators over its {YEAR_DAYS} reported days (the 20 burn-in days" in text
    rows = facts["rows"]
    inside = sum(1 for r in rows if r["inside"])
    assert f"{inside} of the {len(rows)} facts measured are inside their range" in text
    for r in rows:
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| {r['id']} |"))
        cells = [c.strip() for c in line.split("|")[1:-1]]
        assert cells[2] == format(r["model"], ".3g")
        assert cells[4] == ("yes" if r["inside"] else "**no**")
        assert cells[5] == r["role"] and r["source"]["url"] in cells[7]


def test_another_scenario_is_measured_against_the_same_targets_and_said_to_differ():
    run = year_run()
    facts = report.stylised_facts(run.daily, run.creators, scenario=Scenario())
    assert facts["same_scenario"] is False
    assert facts["rows"] == report.stylised_facts(run.daily, run.creators)["rows"]
    text = "\n".join(report.render_facts(facts, run.metadata))
    assert "not the targets' scenario (`reported_2022`)" in text


def test_cli_run_writes_the_section_and_run_json_carries_the_facts(tmp_path):
    script = Path(sys.executable).parent / "creatorsim"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    args = ["run", "reported_2022", "--creators", "200", "--days", "30", "--seed", "1"]
    args += ["--no-progress", "--set", "time.burn_in_days=10", "--out", str(tmp_path / "o")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "o"
    text = (out / "report.md").read_text()
    assert "## Stylised facts" in text
    assert "Targets `creator_economy` (`scenarios/targets/creator_economy.toml`" in text
    assert "200 creators over its 30 reported days (the 10 burn-in days are not measured)" in text
    rows = {r["id"]: r for r in json.loads((out / "run.json").read_text())["facts"]["rows"]}
    assert set(rows) == {f.id for f in TARGETS.facts}
    for fid in YEARLY:  # a 30-day run: the yearly facts are not measured, and say so
        assert rows[fid]["model"] is None and "needs 365 reported days" in rows[fid]["note"]
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| {fid} |"))
        assert "not measurable" in line
    daily, creators = _table(out / "daily.parquet"), _table(out / "creators.parquet")
    for f in TARGETS.facts:
        if f.id in YEARLY:
            continue
        want = compute(f.statistic, daily, creators, f.options)
        got = rows[f.id]["model"]
        assert (got is None and math.isnan(want)) or got == pytest.approx(want, rel=1e-12)


def _table(path: Path) -> dict[str, np.ndarray]:
    t = pq.read_table(path)
    return {k: t.column(k).to_numpy() for k in t.column_names}


# -- fulfilment rate -------------------------------------------------------------------------
def test_fulfilment_rate_counts_only_samples_shipped_after_the_burn_in_and_past_due():
    burn = 60
    m = CreatorMarket(BASELINE.with_values({"time.burn_in_days": burn}), rng=5, n_creators=400)
    seen_first = None
    for day in range(45):
        m.step()
        s = m.samples
        today = burn + day
        decided = s["status"] >= FULFILLED_VIDEO
        fulfilled = (s["status"] == FULFILLED_VIDEO) | (s["status"] == FULFILLED_LIVE)
        due = (s["shipped_day"] >= burn) & (s["deadline_day"] < today) & decided
        got = m.daily_table()["fulfilment_rate"][-1]
        if not due.any():
            assert math.isnan(got), day  # nothing shipped since day 0 is due yet: not 1.0
            continue
        seen_first = day if seen_first is None else seen_first
        assert got == pytest.approx(np.count_nonzero(fulfilled & due) / np.count_nonzero(due))
    # the burn-in's samples and the open ones (early fulfilments, no misses yet) change it
    open_too = fulfilled & decided & (s["shipped_day"] >= burn)
    with_open = np.count_nonzero(open_too) / np.count_nonzero(decided & (s["shipped_day"] >= burn))
    all_decided = np.count_nonzero(fulfilled) / np.count_nonzero(decided)
    assert seen_first is not None and seen_first >= 10  # the 17-day window must pass first
    assert got != pytest.approx(with_open) and got != pytest.approx(all_decided)


# -- compare --skip-days ---------------------------------------------------------------------
def test_compare_skip_days_is_parsed_and_the_old_name_is_refused(capsys):
    args = build_parser().parse_args(["compare", "a", "b", "--skip-days", "7"])
    assert args.skip_days == 7
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["compare", "a", "b", "--burn-in", "7"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("creatorsim compare: error: --burn-in was renamed --skip-days")
    assert "time.burn_in_days" in err
