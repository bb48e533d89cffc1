"""creatorsim's simulation layer: the agent-based model on Mesa, runs, experiments, validation
and the command line.

``sim`` may import ``scoring``; ``scoring`` never imports ``sim`` or Mesa. The names below load
on first use, so ``import sim`` stays cheap::

    import sim

    result = sim.run_scenario(sim.Scenario.from_toml(sim.scenario_path("reported_2022")),
                              seed=1, days=60, creators=2000, out_dir="out/r1")
    run = sim.load_run("out/r1")          # pandas DataFrames: run.daily, run.creators, run.lists
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CreatorMarket": "model",
    "LoadedRun": "results",
    "MissingExtra": "extras",
    "RunResult": "run",
    "Scenario": "scenario",
    "load_run": "results",
    "run_scenario": "run",
    "scenario_names": "data",
    "scenario_path": "data",
}

__all__ = [
    "CreatorMarket",
    "LoadedRun",
    "MissingExtra",
    "RunResult",
    "Scenario",
    "load_run",
    "run_scenario",
    "scenario_names",
    "scenario_path",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .data import scenario_names, scenario_path
    from .extras import MissingExtra
    from .model import CreatorMarket
    from .results import LoadedRun, load_run
    from .run import RunResult, run_scenario
    from .scenario import Scenario
