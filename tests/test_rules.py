"""Claims under every learning rule and posterior point (issue 11 point 3): labels, settings,
the posterior file and the paired comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sim.experiments import RULES, compare_rules, robustness_label
from sim.experiments.rules import (
    load_posterior,
    make_settings,
    parse_points,
    parse_rules,
    posterior_values,
)
from sim.scenario import Scenario

POSTERIOR = Path(__file__).parent / "fixtures" / "posterior_small.json"


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
        # failed runs (no interval) do not count as holding
        (
            [_row("gradient", 0.1, 0.3), _row("none", math.nan, math.nan)],
            "conditional: under gradient",
        ),
        # a constant row's exact, nonzero difference holds; a zero one does not
        (
            [{**_row("gradient", None, None, True), "difference": -0.2}, _row("none", -1, -0.1)],
            "robust",
        ),
        (
            [{**_row("gradient", None, None, True), "difference": 0.0}, _row("none", 0.1, 1)],
            "conditional: under none",
        ),
        # a setting's label names it when given
        (
            [{**_row("gradient", 0.1, 0.3), "setting": "gradient q05"}, _row("none", -1, 1)],
            "conditional: under gradient q05",
        ),
    ],
)
def test_robustness_labels(rows, label):
    assert robustness_label(rows) == label


def test_rules_and_points_parse_with_one_line_errors():
    assert parse_rules("all") == RULES
    assert parse_rules("imitation, gradient,imitation") == ("imitation", "gradient")
    assert parse_points("q95,q05") == ("q95", "q05")
    with pytest.raises(ValueError, match="greedy is not a rule; use all or a comma list of"):
        parse_rules("gradient,greedy")
    with pytest.raises(ValueError, match="q50 is not a point; use a comma list of median"):
        parse_points("q50")
    with pytest.raises(ValueError, match="empty"):
        parse_rules(" , ")


def test_the_posterior_file_is_read_and_typed_like_the_scenario(tmp_path):
    post = load_posterior(POSTERIOR)
    assert post["attention.views_per_creator"] == {"median": 300.0, "q05": 30.0, "q95": 900.0}
    # TOML at the top level reads the same
    toml = tmp_path / "p.toml"
    toml.write_text(
        '["attention.views_per_creator"]\nmedian = 300.0\nq05 = 30.0\nq95 = 900.0\n'
        '["burnout.burnout_days"]\nmedian = 10.4\nq05 = 4.2\nq95 = 20\n'
    )
    assert load_posterior(toml) == post
    base = Scenario()
    at_q05 = posterior_values(post, "q05", base)
    # an integer key is rounded, a float key kept
    assert at_q05 == {"attention.views_per_creator": 30.0, "burnout.burnout_days": 4}
    assert posterior_values(post, "median", base)["burnout.burnout_days"] == 10
    s = make_settings(base, rules=("gradient", "none"), posterior=post, at=("q05", "q95"))
    assert [x.label for x in s] == [
        "gradient median",
        "none median",
        "gradient q05",
        "none q05",
        "gradient q95",
        "none q95",
    ]
    assert s[3].apply(base).model.attention.views_per_creator == 30.0
    assert s[3].apply(base).model.adaptation.rule == "none"
    assert s[3].folder == "rule-none-q05"
    only = make_settings(base, rules=RULES, posterior=post, at=("q95",), at_rules=("exp3",))
    assert [x.label for x in only] == [f"{r} median" for r in RULES] + ["exp3 q95"]
    assert [x.label for x in make_settings(base, rules=None)] == ["as given"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "holds no keys"),
        (
            '{"posterior": {"attention.views_per_creator": 3}}',
            "views_per_creator = 3; allowed: a table",
        ),
        (
            '{"attention.views_per_creator": {"median": 3, "q05": 1}}',
            r"attention.views_per_creator.q95 = None; allowed: a finite number",
        ),
        (
            '{"attention.views_per_creator": {"median": 3, "q05": 4, "q95": 5}}',
            "has q05 4, median 3, q95 5; allowed: q05 <= median <= q95",
        ),
        (
            '{"attention.views_per_creator": {"median": NaN, "q05": 1, "q95": 5}}',
            "median = nan; allowed: a finite number",
        ),
    ],
)
def test_a_bad_posterior_file_is_one_line_naming_file_key_and_value(tmp_path, content, message):
    p = tmp_path / "post.json"
    p.write_text(content)
    with pytest.raises(ValueError, match=message) as info:
        load_posterior(p)
    assert str(p) in str(info.value) and "\n" not in str(info.value)


def test_a_posterior_the_scenario_refuses_is_one_line():
    base = Scenario()
    with pytest.raises(ValueError, match=r"attention\.nonsense is not a scenario key"):
        posterior_values({"attention.nonsense": {"median": 1, "q05": 1, "q95": 1}}, "q05", base)
    bad = {"attention.views_per_creator": {"median": 1.0, "q05": 0.0, "q95": 2.0}}
    with pytest.raises(ValueError, match=r"views_per_creator = 0.0 at q05; allowed"):
        posterior_values(bad, "q05", base, source="posterior p.json")
    with pytest.raises(ValueError, match="needs a posterior"):
        make_settings(base, at=("q05",))
    with pytest.raises(ValueError, match="rules = \\['greedy'\\]"):
        compare_rules(base, base, rules=["greedy"], seeds=2)


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
    gmv = [row for row in r.rows if row["outcome"] == "gmv_mean"]
    assert all(row["difference"] < 0 for row in gmv)  # fewer viewers, fewer sales, every rule
    assert r.label("gmv_mean") in ("robust", "not found") or r.label("gmv_mean").startswith(
        "conditional: under "
    )
    assert r.table().num_rows == len(RULES) * 2
    assert "gmv_mean" in r.text() and len(repr(r)) < 300


def test_the_posterior_points_set_the_fitted_keys_in_both_arms(tmp_path):
    """At q05 the viewers' budget is 30 a creator, at q95 900: sales follow in both arms."""
    base = Scenario().with_values({"time.burn_in_days": 0})
    longer = base.with_values({"scoring.fulfilment.window_days": 30})
    r = compare_rules(
        base,
        longer,
        rules=["none"],
        posterior=POSTERIOR,
        at=["q05", "q95"],
        seeds=2,
        days=10,
        creators=100,
        outcomes=["gmv_mean"],
        out_dir=tmp_path / "out",
    )
    assert [s.label for s in r.settings] == ["none median", "none q05", "none q95"]
    gmv = {row["setting"]: row for row in r.rows}
    for arm in ("base_mean", "variant_mean"):
        assert gmv["none q05"][arm] < gmv["none median"][arm] < gmv["none q95"][arm]
    # each setting is a complete compare folder, with the fitted keys in its manifest's arms
    for s in r.settings:
        assert (tmp_path / "out" / s.folder / "compare.parquet").is_file()
        manifest = json.loads((tmp_path / "out" / s.folder / "compare.json").read_text())
        assert len(manifest["seeds"]) == 2
