"""The calibrated baseline (issue 11, point 6): its defaults are the posterior medians, and a run
of moderate size reproduces every fitted fact of the targets file.

The calibration's record ships beside the targets (``scenarios/targets/
creator_economy.calibration.json``, written by ``creatorsim calibrate creator_economy``);
docs/calibration.md quotes it through ``docs/doc_numbers.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.calibration.facts import fact_table
from sim.calibration.targets import load_targets
from sim.data import scenario_path, targets_path
from sim.run import run_scenario
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "targets" / "creator_economy.calibration.json"

#: Bound facts (checked, never fitted) the calibrated baseline misses, with the reason in
#: docs/calibration.md ("What the calibration does not reach"). The test fails when one of
#: them comes inside its range, so that the docs are updated with it.
KNOWN_MISSES = frozenset({"T5", "T6", "T16"})
#: Bound facts at the edge of their range: inside on some seeds, outside on others (the tails'
#: slopes). They are reported as they fall and not claimed either way.
BORDERLINE = frozenset({"T3", "T7"})


def _record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def test_the_defaults_are_the_posterior_medians_with_their_provenance():
    rec = _record()
    scen = Scenario.from_toml(scenario_path("reported_2022"))
    declared = {key: (default, info) for key, _v, default, info, _set in scen.parameters()}
    assert set(rec["posterior"]) == {
        p.key for p in load_targets(targets_path("creator_economy")).priors
    }
    for key, post in rec["posterior"].items():
        default, info = declared[key]
        assert default == pytest.approx(post["median"], rel=5e-4), key
        assert post["q05"] <= default <= post["q95"], key
        assert info.source == "calibrated on creator_economy", key
        assert "creatorsim calibrate creator_economy" in info.reason, key
    # the record is of the shipped targets file as it is now
    t = load_targets(targets_path("creator_economy"))
    assert rec["targets"]["sha256"] == t.sha256


@pytest.fixture(scope="module")
def baseline_facts():
    t = load_targets(targets_path("creator_economy"))
    run = run_scenario(
        Scenario.from_toml(scenario_path("reported_2022")),
        seed=0,
        days=365,
        creators=2000,
        progress=False,
    )
    assert run.scenario.model.time.burn_in_days == 540  # the scenario's own burn-in
    return {r["id"]: r for r in fact_table(t, run.daily, run.creators)}


def test_the_calibrated_baseline_reproduces_every_fitted_fact(baseline_facts):
    fitted = {i: r for i, r in baseline_facts.items() if r["role"] == "target"}
    assert len(fitted) == 6
    outside = {i: (r["model"], r["low"], r["high"]) for i, r in fitted.items() if not r["inside"]}
    assert not outside, outside


def test_the_bounds_it_misses_are_the_documented_ones(baseline_facts):
    bounds = {i: r for i, r in baseline_facts.items() if r["role"] == "bound"}
    missed = {i for i, r in bounds.items() if not r["inside"]}
    assert KNOWN_MISSES <= missed, {i: bounds[i]["model"] for i in KNOWN_MISSES - missed}
    assert missed <= KNOWN_MISSES | BORDERLINE, {i: bounds[i]["model"] for i in missed}
