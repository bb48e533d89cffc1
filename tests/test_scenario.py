"""Scenario files: every parameter declared once, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import ConfigError
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def test_every_model_parameter_has_unit_provenance_and_reason_if_assumed():
    keys = []
    for key, _value, _default, info, set_by_file in Scenario().parameters():
        keys.append(key)
        assert info.unit and info.doc, key
        assert info.source == "assumed" or info.source[0] in "MO" or info.source.startswith(
            "calibrated"
        ), key
        if info.source == "assumed" or info.source.startswith("calibrated"):
            assert info.reason, key
        assert not set_by_file
    assert len(keys) == len(set(keys))
    assert "attention.coupling" in keys and "scoring.fulfilment.window_days" in keys


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    sc = Scenario.from_toml(path)
    assert sc.name and len(sc.hash) == 64


def test_bad_scenario_lists_every_problem_with_file_key_value_and_allowed(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(
        "[scenario]\nname = 3\ncolour = 'red'\n"
        "[population]\ncreators = 5\nentertainer_share = 1.5\n"
        "[attention]\ncoupling = 'strong'\nfeed = 1\n"
        "[merchants]\nlist_window = 'fortnight'\n"
        "[scoring.weights.diligence]\ncontent_count = 0\nproducts_per_content = 0\n"
        "active_days = 0\n"
        "[extras]\nx = 1\n"
    )
    with pytest.raises(ConfigError) as err:
        Scenario.from_toml(f)
    got = {p.key: p for p in err.value.problems}
    assert set(got) == {
        "extras", "scenario.name", "scenario.colour", "population.creators",
        "population.entertainer_share", "attention.coupling", "attention.feed",
        "merchants.list_window", "scoring.weights.diligence.(weights)",
    }
    assert all(p.file == str(f) for p in got.values())
    assert got["population.creators"].allowed == "a value in [10, 10000000]"
    assert got["population.entertainer_share"].value == 1.5
    assert got["attention.coupling"].allowed.startswith("a number")
    assert "allowed keys:" in got["attention.feed"].allowed
    assert "'month'" in got["merchants.list_window"].allowed
    assert "allowed: scenario, population" in got["extras"].allowed


def test_cross_check_list_window_must_be_scored(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("[merchants]\nlist_window = 'month'\n[scoring]\nwindows = ['week']\n")
    with pytest.raises(ConfigError, match=r"merchants\.list_window = 'month'"):
        Scenario.from_toml(f)


def test_hash_tracks_values_and_with_values_overrides():
    base = Scenario()
    same = Scenario.from_mapping({"attention": {"coupling": 0.0}})
    assert base.hash == same.hash  # setting a default explicitly changes nothing
    coupled = base.with_values({"attention.coupling": 2.0})
    assert coupled.model.attention.coupling == 2.0 and coupled.hash != base.hash
    with pytest.raises(ConfigError, match=r"attention\.coupling = -1"):
        base.with_values({"attention.coupling": -1})


def test_set_by_file_marks_exactly_the_keys_a_file_sets():
    sc = Scenario.from_toml(ROOT / "scenarios/official_2024.toml")
    changed = {k for k, *_rest, set_by_file in sc.parameters() if set_by_file}
    assert "scoring.fulfilment.window_days" in changed
    assert "attention.coupling" not in changed
