"""Claims under every learning rule (issue 11 point 3): labels and the paired comparison."""

from __future__ import annotations

import math

import pytest

from sim.experiments import RULES, compare_rules, robustness_label
from sim.scenario import Scenario


def _row(rule, lo, hi, constant=False):
    return {"rule": rule, "ci_low": lo, "ci_high": hi, "constant": constant}


@pytest.mark.parametrize(
    ("rows", "label"),
    [
        ([_row("gradient", 0.1, 0.3), _row("exp3", 0.2, 0.4)], "robust"),
        ([_row("gradient", -0.3, -0.1), _row("exp3", -0.4, -0.2)], "robust"),
        ([_row("gradient", 0.1, 0.3), _row("exp3", -0.1, 0.2)], "conditional: under gradient"),
        ([_row("gradient", 0.1, 0.3), _row("exp3", -0.3, -0.1)], "contradictory"),
        ([_row("gradient", -0.1, 0.3), _row("none", -0.2, 0.1)], "not found"),
        ([_row("gradient", math.nan, math.nan, True), _row("none", None, None, True)], "constant"),
    ],
)
def test_robustness_labels(rows, label):
    assert robustness_label(rows) == label


def test_a_comparison_under_every_rule_labels_each_outcome():
    base = Scenario().with_values({"time.burn_in_days": 30})
    # Fewer views per creator for everyone: views fall whatever the creators' learning rule.
    poor = base.with_values({"attention.views_per_creator": 100.0})
    r = compare_rules(
        base, poor, seeds=2, days=20, creators=300, outcomes=["gmv_mean", "share_listed_mean"]
    )
    assert r.rules == RULES and set(r.comparisons) == set(RULES)
    assert {row["rule"] for row in r.rows} == set(RULES)
    # Every rule ran on the same seeds.
    assert len({c.seeds for c in r.comparisons.values()}) == 1
    assert r.labels["gmv_mean"] in {"robust", "conditional: under " + ", ".join(RULES[:3])} or (
        r.labels["gmv_mean"].startswith(("robust", "conditional", "not found"))
    )
    gmv = [row for row in r.rows if row["outcome"] == "gmv_mean"]
    assert all(row["difference"] < 0 for row in gmv)  # fewer viewers, fewer sales, every rule
    assert "gmv_mean" in r.text() and len(repr(r)) < 300
    with pytest.raises(ValueError, match="rules = \\['greedy'\\]"):
        compare_rules(base, poor, rules=["greedy"], seeds=2)
