"""Experiments: paired comparisons, sweeps, sensitivity analysis, executors, a results store.

The API the command line (``creatorsim compare``, ``sweep``, ``sensitivity``) and notebooks
call; see docs/experiments.md.

Example::

    from sim.experiments import analyse_sweep, compare, run_sweep

    cmp = compare([base, variant], seeds=10, days=60, creators=2000, out_dir="out/cmp")
    print(cmp.text())
    sweep = run_sweep("scenarios/sweeps/coupling_window.toml", "out/sweep", workers=2)
    table = sweep.table()                      # one row per run (pyarrow.Table)
    print(analyse_sweep(sweep).text())         # Sobol or Morris indices

Every run is a :class:`~sim.experiments.models.RunModel` call at fixed parameter values and a
seed fixed in advance from one ``SeedSequence``; results go to a
:class:`~sim.experiments.store.ResultStore` (a Parquet file per run) through any
``concurrent.futures.Executor`` (:func:`~sim.experiments.executors.open_executor`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names are loaded from their module on first use (PEP 562), so that `import sim.experiments`
# (done by the command line for every subcommand) costs nothing until an experiment runs.
_WHERE = {
    "Comparison": "comparison",
    "compare": "comparison",
    "paired_difference": "comparison",
    "seeds_to_halve": "comparison",
    "METHODS": "design",
    "Design": "design",
    "Factor": "design",
    "SweepSpec": "design",
    "make_design": "design",
    "load_sweep": "design",
    "run_seeds": "design",
    "sweep_from_mapping": "design",
    "SCHEDULER_ENV": "executors",
    "SerialExecutor": "executors",
    "open_executor": "executors",
    "FunctionModel": "models",
    "RunModel": "models",
    "ScenarioModel": "models",
    "ishigami": "models",
    "RULES": "rules",
    "RulesComparison": "rules",
    "compare_rules": "rules",
    "robustness_label": "rules",
    "RunReport": "runner",
    "RunTask": "runner",
    "run_tasks": "runner",
    "Sensitivity": "sensitivity",
    "analyse_sweep": "sensitivity",
    "write_sensitivity": "sensitivity",
    "ResultStore": "store",
    "RunRecord": "store",
    "run_key": "store",
    "OUTCOMES": "summary",
    "Outcome": "summary",
    "outcome_names": "summary",
    "summarise": "summary",
    "SweepResult": "sweep",
    "open_sweep": "sweep",
    "plan_sweep": "sweep",
    "run_sweep": "sweep",
    "scenario_model": "sweep",
}

__all__ = [
    "METHODS",
    "OUTCOMES",
    "RULES",
    "SCHEDULER_ENV",
    "Comparison",
    "Design",
    "Factor",
    "FunctionModel",
    "Outcome",
    "ResultStore",
    "RulesComparison",
    "RunModel",
    "RunRecord",
    "RunReport",
    "RunTask",
    "ScenarioModel",
    "Sensitivity",
    "SerialExecutor",
    "SweepResult",
    "SweepSpec",
    "analyse_sweep",
    "compare",
    "compare_rules",
    "ishigami",
    "load_sweep",
    "make_design",
    "open_executor",
    "open_sweep",
    "outcome_names",
    "paired_difference",
    "plan_sweep",
    "robustness_label",
    "run_key",
    "run_seeds",
    "run_sweep",
    "run_tasks",
    "scenario_model",
    "seeds_to_halve",
    "summarise",
    "sweep_from_mapping",
    "write_sensitivity",
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
    from .comparison import Comparison, compare, paired_difference, seeds_to_halve
    from .design import (
        METHODS,
        Design,
        Factor,
        SweepSpec,
        load_sweep,
        make_design,
        run_seeds,
        sweep_from_mapping,
    )
    from .executors import SCHEDULER_ENV, SerialExecutor, open_executor
    from .models import FunctionModel, RunModel, ScenarioModel, ishigami
    from .rules import RULES, RulesComparison, compare_rules, robustness_label
    from .runner import RunReport, RunTask, run_tasks
    from .sensitivity import Sensitivity, analyse_sweep, write_sensitivity
    from .store import ResultStore, RunRecord, run_key
    from .summary import OUTCOMES, Outcome, outcome_names, summarise
    from .sweep import SweepResult, open_sweep, plan_sweep, run_sweep, scenario_model
