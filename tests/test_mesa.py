"""The model as a Mesa model: DataCollector, keyword scenario overrides, batch_run, one clock,
read-only views, and a SolaraViz page (Mesa 3.3 on Python 3.11, Mesa 3.5 on 3.12+)."""

from __future__ import annotations

import multiprocessing
import warnings

import mesa
import numpy as np
import pytest

from sim.model import DAILY_COLUMNS, CreatorMarket
from sim.scenario import ConfigError, Scenario

MESA = tuple(int(x) for x in mesa.__version__.split(".")[:2])
#: No burn-in (``time.burn_in_days`` is 540 by default): the Mesa interface is under test here;
#: tests/test_model.py covers the burn-in.
NB = {"time.burn_in_days": 0}


def _same(a, b) -> bool:
    return np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True)


def test_datacollector_records_every_daily_outcome_each_step():
    m = CreatorMarket(Scenario(), rng=2, n_creators=300, **NB)
    m.run(8)  # the weekly incentive is measured on day 6
    df = m.datacollector.get_model_vars_dataframe()
    daily = m.daily_table()
    assert len(df) == 8 and set(df.columns) == set(DAILY_COLUMNS) == set(daily)
    for col in DAILY_COLUMNS:
        assert _same(df[col].to_numpy(), daily[col]), col
    assert df["incentive_mean"].isna().sum() == 7  # weekly: only day 6 has it


def test_scenario_keys_are_keyword_overrides():
    base = Scenario.from_mapping({"attention": {"coupling": 0.5}})
    m = CreatorMarket(base, rng=1, n_creators=300, **{"attention.coupling": 2.0, **NB})
    assert m.market_scenario.model.attention.coupling == 2.0
    assert base.model.attention.coupling == 0.5  # the caller's scenario is not changed
    direct = CreatorMarket(
        base.with_values({"attention.coupling": 2.0, **NB}), rng=1, n_creators=300
    )
    m.run(5)
    direct.run(5)
    assert _same(m.daily_table()["feed_gini"], direct.daily_table()["feed_gini"])
    with pytest.raises(ConfigError, match=r"attention\.bogus"):
        CreatorMarket(n_creators=300, **{"attention.bogus": 1.0})
    with pytest.raises(ConfigError, match=r"population\.creators"):
        CreatorMarket(**{"population.creators": -5})


def test_seed_is_accepted_as_rng():
    a = CreatorMarket(rng=4, n_creators=300, **NB)
    b = CreatorMarket(seed=4, n_creators=300, **NB)
    for m in (a, b):
        m.run(3)
    assert _same(a.daily_table()["feed_views"], b.daily_table()["feed_views"])
    with pytest.raises(ValueError, match="rng or seed"):
        CreatorMarket(rng=1, seed=2, n_creators=300)


def test_one_clock_steps_and_day():
    m = CreatorMarket(rng=0, n_creators=300, **NB)
    assert (m.steps, m.day) == (0, -1)
    m.run(4)
    assert (m.steps, m.day) == (4, 3)
    assert m.daily_table()["day"].tolist() == [0, 1, 2, 3]


def test_our_scenario_does_not_shadow_mesas():
    m = CreatorMarket(Scenario(name="ours"), rng=0, n_creators=300)
    assert "scenario" not in vars(CreatorMarket)
    assert m.market_scenario.name == "ours"
    if hasattr(mesa.Model, "scenario"):  # Mesa 3.5+: its own experimental Scenario
        assert m.scenario is not m.market_scenario


@pytest.fixture
def keep_start_method():
    """batch_run of Mesa 3.5 forces the 'spawn' start method; restore the test process's."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def _batch(parameters: dict, seeds: list, max_steps: int) -> list[dict]:
    kw = dict(max_steps=max_steps, number_processes=1, display_progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if MESA >= (3, 4):  # seeds go in batch_run's own rng argument
            return mesa.batch_run(CreatorMarket, parameters=parameters, rng=seeds, **kw)
        return mesa.batch_run(CreatorMarket, parameters={**parameters, "rng": seeds}, **kw)


def test_batch_run_over_creators_and_a_dotted_scenario_key(keep_start_method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = mesa.batch_run(
            CreatorMarket,
            parameters={"n_creators": [500], "attention.coupling": [0.0, 2.0], **NB},
            iterations=2,
            max_steps=10,
            number_processes=1,
            display_progress=False,
        )
    assert len(rows) == 4  # 2 iterations x 2 couplings, the last step of each
    assert sorted(r["attention.coupling"] for r in rows) == [0.0, 0.0, 2.0, 2.0]
    for r in rows:
        assert r["n_creators"] == 500
        assert set(DAILY_COLUMNS) <= set(r)
        assert r["feed_views"] > 0 and 0 < r["feed_gini"] < 1


def test_batch_run_rows_are_the_models_daily_outcomes(keep_start_method):
    rows = _batch({"n_creators": [300], "attention.coupling": [2.0], **NB}, [3], max_steps=6)
    (row,) = rows
    m = CreatorMarket(rng=3, n_creators=300, **{"attention.coupling": 2.0, **NB})
    while m.steps < (6 if MESA >= (3, 4) else 7):  # Mesa 3.3 runs max_steps + 1 steps
        m.step()
    last = {k: v[-1] for k, v in m.daily_table().items()}
    assert row["day"] == last["day"]
    for col in ("feed_views", "feed_gini", "gmv", "contacts", "workload_mean"):
        assert row[col] == last[col], col


def test_views_are_read_only_and_follow_the_state():
    m = CreatorMarket(rng=0, n_creators=300, **NB)
    m.run(2)
    c = m.creators
    with pytest.raises(ValueError):
        c.followers[0] = 10**9
    c.followers = np.zeros(300, dtype=np.int64)  # rebinding the view's field ...
    assert m.creators.followers.sum() > 0  # ... does not touch the model
    with pytest.raises(ValueError):
        m.merchants.sample_tokens[0] = 0.0
    with pytest.raises(TypeError):
        m.lists["gmv"] = None
    with pytest.raises(ValueError):
        m.scores.exclusion[0] = 0
    with pytest.raises(ValueError):
        m.lists["gmv"].creators[0] = 0
    pos = m.positions[next(iter(m.positions))]
    with pytest.raises(ValueError):
        pos[0] = 1
    m.step()
    assert m.creators.followers is not c.followers
    assert m.samples["merchant"].size == m.samples["status"].size > 0


def test_solara_page_with_a_daily_outcome_plot_renders_in_process():
    solara = pytest.importorskip("solara")
    ipywidgets = pytest.importorskip("ipywidgets")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Mesa's own components trip solara's hook checks
        from mesa.visualization import SolaraViz, make_plot_component

    m = CreatorMarket(rng=1, n_creators=300, **NB)
    m.run(3)
    slider = {
        "type": "SliderFloat",
        "value": 0.0,
        "label": "feed coupling (M14)",
        "min": 0.0,
        "max": 3.0,
        "step": 0.5,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = SolaraViz(
            m,
            components=[make_plot_component("feed_gini")],
            model_params={"n_creators": 300, "attention.coupling": slider, **NB},
            name="creatorsim",
        )
        box, rc = solara.render(page, handle_error=False)
    try:
        found = []

        def walk(w):
            found.append(w)
            for attr in ("children", "items"):
                for child in getattr(w, attr, None) or []:
                    if isinstance(child, ipywidgets.Widget):
                        walk(child)

        walk(box)
        pngs = [w for w in found if isinstance(w, ipywidgets.Image)]
        assert pngs and bytes(pngs[0].value[:8]) == b"\x89PNG\r\n\x1a\n"  # the plot
    finally:
        rc.close()
