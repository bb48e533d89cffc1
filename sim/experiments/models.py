"""Run functions: what one run of an experiment computes, pluggable.

An experiment (a comparison, a sweep) runs a *model* at many parameter values and seeds. A
model is any picklable object with

* ``name`` (a string),
* ``identity(values) -> dict``: everything besides the seed that fixes the result, as plain
  JSON data; the results store keys each run by a hash of it and the seed,
* ``columns(values) -> dict``: the descriptive columns of a result row (scenario name, ...),
* ``metadata(values) -> dict``: what the run's Parquet file carries besides its row (e.g.
  every parameter of the scenario),
* ``__call__(values, seed) -> dict[str, float]``: the run itself, returning scalar outcomes.

:class:`ScenarioModel` runs the agent-based model (``sim.run.run_scenario``) and summarises it
(:func:`sim.experiments.summary.summarise`); :class:`FunctionModel` wraps a plain function of
the parameters, e.g. a test function with known sensitivity indices (Ishigami), so it goes
through exactly the same design, executor, store and analysis path as the simulator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..scenario import Scenario
from .summary import default_burn_in, outcome_names, summarise

__all__ = ["SUMMARY_VERSION", "FunctionModel", "RunModel", "ScenarioModel", "ishigami"]

#: Bumped when :data:`sim.experiments.summary.OUTCOMES` or their definition change, so that
#: stored results computed with other definitions get other keys.
SUMMARY_VERSION = 2


@runtime_checkable
class RunModel(Protocol):
    """What the experiment machinery needs from a model (see the module doc)."""

    name: str

    def identity(self, values: Mapping[str, Any]) -> dict[str, Any]: ...

    def columns(self, values: Mapping[str, Any]) -> dict[str, Any]: ...

    def metadata(self, values: Mapping[str, Any]) -> dict[str, Any]: ...

    def outcomes(self) -> tuple[str, ...]: ...

    def __call__(self, values: Mapping[str, Any], seed: int) -> dict[str, float]: ...


@dataclass(frozen=True)
class ScenarioModel:
    """The creatorsim model: ``scenario`` with ``values`` overridden, ``days`` x ``creators``.

    ``creators`` None keeps the scenario's ``population.creators`` (unless a value overrides
    it); ``burn_in_days`` None uses :func:`~sim.experiments.summary.default_burn_in`.
    """

    scenario: Scenario
    days: int
    creators: int | None = None
    burn_in_days: int | None = None
    name: str = "creatorsim"

    def resolve(self, values: Mapping[str, Any]) -> Scenario:
        """The scenario a run with these parameter values uses."""
        return self.scenario.with_values(values) if values else self.scenario

    def _size(self, scenario: Scenario) -> tuple[int, int]:
        creators = scenario.model.population.creators if self.creators is None else self.creators
        burn = default_burn_in(self.days) if self.burn_in_days is None else self.burn_in_days
        return int(creators), int(burn)

    def identity(self, values: Mapping[str, Any]) -> dict[str, Any]:
        scenario = self.resolve(values)
        creators, burn = self._size(scenario)
        return {
            "model": self.name,
            "scenario_hash": scenario.hash,
            "days": self.days,
            "creators": creators,
            "burn_in_days": burn,
            "summary_version": SUMMARY_VERSION,
        }

    def columns(self, values: Mapping[str, Any]) -> dict[str, Any]:
        scenario = self.resolve(values)
        creators, burn = self._size(scenario)
        return {
            "scenario": scenario.name,
            "scenario_hash": scenario.hash,
            "days": self.days,
            "creators": creators,
            "burn_in_days": burn,
        }

    def metadata(self, values: Mapping[str, Any]) -> dict[str, Any]:
        scenario = self.resolve(values)
        return {
            "scenario_path": scenario.path,
            "description": scenario.description,
            "parameters": scenario.values(),
        }

    def outcomes(self) -> tuple[str, ...]:
        return outcome_names()

    def __call__(self, values: Mapping[str, Any], seed: int) -> dict[str, float]:
        from ..run import run_scenario

        scenario = self.resolve(values)
        _, burn = self._size(scenario)
        result = run_scenario(
            scenario, seed=seed, days=self.days, creators=self.creators, progress=False
        )
        return summarise(result.daily, burn_in_days=burn)


@dataclass(frozen=True)
class FunctionModel:
    """A deterministic or seeded function of the parameters, as a model.

    ``function(x) -> y`` takes an ``(n, k)`` array of parameter values (columns in the order
    of ``parameters``) and returns ``n`` outcomes, the convention of SALib's test functions;
    with ``takes_seed`` it is called ``function(x, seed=seed)``. It must be importable (a
    module-level function) to run on a process pool or a cluster.
    """

    function: Callable[..., Any]
    parameters: tuple[str, ...]
    outcome: str = "y"
    name: str = "function"
    takes_seed: bool = False

    def identity(self, values: Mapping[str, Any]) -> dict[str, Any]:
        fn = f"{self.function.__module__}.{self.function.__qualname__}"
        vals = {k: values[k] for k in self.parameters}
        return {"model": self.name, "function": fn, "values": json.loads(json.dumps(vals))}

    def columns(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {"model": self.name}

    def metadata(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def outcomes(self) -> tuple[str, ...]:
        return (self.outcome,)

    def __call__(self, values: Mapping[str, Any], seed: int) -> dict[str, float]:
        x = np.array([[float(values[k]) for k in self.parameters]])
        y = self.function(x, seed=seed) if self.takes_seed else self.function(x)
        return {self.outcome: float(np.asarray(y).reshape(-1)[0])}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` on ``(n, 3)`` inputs.

    A standard test of sensitivity analysis with known Sobol indices (Ishigami & Homma 1990;
    for a=7, b=0.1: S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244) on x_i ~ U(-pi, pi).
    """
    x = np.asarray(x, dtype=np.float64)
    s1 = np.sin(x[:, 0])
    return s1 + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * s1
