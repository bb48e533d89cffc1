"""The claims table (issue 11, "what the model says, and under what"): its effects, settings,
labels and Markdown, on a tiny size (the full table is ``make claims``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.claims import BASE_VALUES, EFFECTS, FULL, OUTCOMES, Size, run_claims
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
POSTERIOR = Path(__file__).parent / "fixtures" / "posterior_small.json"
BASE = ROOT / "scenarios" / "reported_2022.toml"


def test_the_effects_are_the_issues_and_each_changes_its_key():
    base = Scenario.from_toml(BASE).values()
    assert {k: base[k] for k in BASE_VALUES} == dict(BASE_VALUES)
    changed = {k: v for e in EFFECTS for k, v in e.values.items() if base[k] != v}
    assert changed["scoring.overall.diligence"] == 5.0
    assert changed["scoring.overall.cooperation"] == 5.0
    assert changed["scoring.fulfilment.clock_start"] == "delivered"
    assert changed["attention.coupling"] == 1.0
    windows = [e.values["scoring.fulfilment.window_days"] for e in EFFECTS if "window" in e.name]
    assert windows == [7, 14, 30]
    assert len(EFFECTS) == 7 and len(OUTCOMES) == 9
    # the documented size: 8 arms x 6 seeds x 12 settings of 1,000 creators over 545 days
    assert (FULL.creators, FULL.burn_in, FULL.days, FULL.seeds) == (1000, 365, 180, 6)


def test_a_tiny_claims_table_labels_each_effect_in_every_setting():
    window_7 = next(e for e in EFFECTS if e.name == "window_7")
    claims = run_claims(
        BASE,
        posterior=POSTERIOR,
        size=Size(creators=100, burn_in=30, days=30, seeds=2),  # past the first deadlines
        rules=("none",),
        effects=(window_7,),
        outcomes=("fulfilment_rate_final", "gmv_mean"),
    )
    r = claims.result
    assert [s.label for s in r.settings] == ["none median", "none q05", "none q95"]
    rows = {(x["setting"], x["outcome"]): x for x in r.rows}
    # a 7-day window leaves less time to feature a sample than 17: fulfilment falls everywhere
    for s in r.settings:
        assert rows[(s.label, "fulfilment_rate_final")]["difference"] < 0
    # the posterior points reach the runs: sales follow the viewers' budget (30, 300, 900)
    sales = [rows[(p, "gmv_mean")]["base_mean"] for p in ("none q05", "none median", "none q95")]
    assert sales == sorted(sales) and sales[0] < sales[2]
    md = claims.markdown()
    assert "posterior `tests/fixtures/posterior_small.json`" in md
    assert "| window 17 -> 7 days | fulfilment rate, last day | " in md
    label = r.label("fulfilment_rate_final", "window_7")
    summary_row = next(line for line in md.splitlines() if line.startswith("| window 17 -> 7"))
    assert label.split(":")[0] in summary_row
    # the detail table: one row per (effect, outcome), a column per setting
    after = md.split("Each paired difference")[1].splitlines()
    detail = [line for line in after if line.startswith("| window 17 -> 7 days | ")]
    assert len(detail) == 2 and all(line.count("|") == 2 + 3 + 1 for line in detail)
    gmv = rows[("none q05", "gmv_mean")]
    ci = f"[{gmv['ci_low']:+.3g}, {gmv['ci_high']:+.3g}]".replace("e+0", "e")
    assert ci in detail[1]


def test_the_claims_table_refuses_a_base_it_is_not_a_change_from():
    five = Scenario.from_toml(BASE).with_values({"scoring.overall.diligence": 5.0})
    with pytest.raises(ValueError, match=r"diligence = 5\.0; the effects are"):
        run_claims(five, size=Size(creators=10, burn_in=0, days=1, seeds=2))
    with pytest.raises(ValueError, match="claims size seeds = 1: use an integer >= 2"):
        Size(creators=10, burn_in=0, days=1, seeds=1)
