"""Sweeps: a design over parameters, replicated on seeds, run on any executor, resumable.

:func:`run_sweep` turns a :class:`~sim.experiments.design.SweepSpec` into design points and
runs (every seed fixed first), writes the manifest ``sweep.json`` and runs what the store does
not hold yet. Run it again and only missing runs run; ``retry_failed`` also re-runs recorded
failures. :func:`open_sweep` reads a finished (or partial) sweep back; its
:meth:`SweepResult.table` is one tidy table, a row per run.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scoring.params import ConfigError, Problem

from .design import Design, SweepSpec, load_sweep, make_design, run_seeds
from .executors import given_or_open
from .models import RunModel, ScenarioModel
from .runner import RunReport, RunTask, read_manifest, run_tasks, tasks_table, write_manifest
from .store import ResultStore, run_key

__all__ = ["MANIFEST", "SweepResult", "open_sweep", "plan_sweep", "run_sweep", "scenario_model"]

#: The sweep's manifest in its output folder.
MANIFEST = "sweep.json"


@dataclass(frozen=True)
class SweepResult:
    """A sweep's spec, design and runs, and the store holding their results."""

    spec: SweepSpec
    store: ResultStore
    design: Design
    tasks: tuple[RunTask, ...]
    outcomes: tuple[str, ...]
    columns: tuple[str, ...]
    report: RunReport | None = None

    @property
    def out_dir(self) -> Path:
        return self.store.root

    def __repr__(self) -> str:
        """One line: name, method, size, what the last call ran, the folder."""
        factors = ", ".join(f.key for f in self.spec.factors[:3])
        if len(self.spec.factors) > 3:
            factors += f" and {len(self.spec.factors) - 3} more"
        return (
            f"<SweepResult {self.spec.name}: {self.spec.method} over {factors}; "
            f"{len(self.design)} points x {self.spec.seeds} seeds = {len(self.tasks)} runs"
            + (f" ({self.report})" if self.report is not None else "")
            + f"; {len(self.outcomes)} outcomes; in {self.out_dir}; .table() for the rows>"
        )

    def missing(self) -> list[RunTask]:
        """Runs of the plan without a result (not run yet, or failed)."""
        done = self.store.completed()
        return [t for t in self.tasks if t.key not in done]

    def failures(self) -> list[dict[str, Any]]:
        """Failure records of this sweep's runs."""
        return self.store.failures({t.key for t in self.tasks})

    def table(self):
        """One ``pyarrow.Table``, a row per planned run, sorted by (point, replicate).

        Columns: ``point``, ``replicate``, ``seed``, ``key``, one per varied parameter (dotted
        key), the model's columns (scenario, scenario_hash, days, creators, burn_in_days), then
        the outcomes; a run without a result has nulls there.
        """
        import pyarrow as pa

        plan = {
            "point": pa.array([t.point for t in self.tasks], pa.int64()),
            "replicate": pa.array([t.replicate for t in self.tasks], pa.int64()),
            "seed": pa.array([t.seed for t in self.tasks], pa.int64()),
            "key": pa.array([t.key for t in self.tasks], pa.string()),
        }
        for f in self.spec.factors:
            plan[f.key] = pa.array([self.design.points[t.point][f.key] for t in self.tasks])
        columns = [*[c for c in self.columns if c not in plan], *self.outcomes]
        return self.store.join(pa.table(plan), columns, ["point", "replicate"])

    def point_means(self, outcome: str, table: Any = None) -> np.ndarray:
        """An outcome averaged over the replicates of each design point, in design order.

        ``table``: :meth:`table`'s result, if already at hand (saves reading the store again).
        """
        t = self.table() if table is None else table
        y = np.asarray(t.column(outcome).to_numpy(zero_copy_only=False), dtype=np.float64)
        pts = np.asarray(t.column("point").to_numpy())
        sums = np.bincount(pts, weights=np.nan_to_num(y, nan=0.0), minlength=len(self.design))
        counts = np.bincount(pts, weights=~np.isnan(y), minlength=len(self.design))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan)


def scenario_model(spec: SweepSpec) -> ScenarioModel:
    """The creatorsim model a sweep file describes (its base scenario, days, creators)."""
    from ..scenario import Scenario

    if spec.scenario_path is None:
        raise ValueError("the sweep names no base scenario (sweep.scenario)")
    return ScenarioModel(
        Scenario.from_toml(spec.scenario_path),
        days=spec.days,
        creators=spec.creators,
        burn_in_days=spec.burn_in_days,
    )


def plan_sweep(spec: SweepSpec, model: RunModel) -> tuple[Design, tuple[RunTask, ...]]:
    """The design and every run of a sweep, with seeds and keys, before anything runs.

    Raises :class:`ConfigError` naming the design points the model rejects (e.g. a
    combination of values the scenario's cross-checks forbid).
    """
    d = make_design(spec)
    seeds = run_seeds(spec.root_seed, spec.seeds, len(d), common=spec.common_seeds)
    tasks, problems = [], []
    file = spec.path or "<sweep>"
    for i, values in enumerate(d.points):
        try:
            ident = model.identity(values)
        except ConfigError as exc:
            problems += [
                Problem(file, f"design point {i}", values, p.allowed) for p in exc.problems
            ]
            continue
        for r in range(spec.seeds):
            seed = int(seeds[i, r])
            tasks.append(RunTask(run_key(ident, seed), seed, dict(values), 0, i, r))
    if problems:
        raise ConfigError(problems)
    return d, tuple(tasks)


def run_sweep(
    spec: SweepSpec | str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    model: RunModel | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
) -> SweepResult:
    """Run a sweep (a spec or the path of a sweep file) into the store at ``out_dir``.

    ``model`` defaults to the creatorsim model of the spec's base scenario
    (:func:`scenario_model`); pass any :class:`~sim.experiments.models.RunModel` to sweep
    something else through the same path. ``executor`` (any ``concurrent.futures.Executor``)
    or ``workers`` / ``scheduler`` (see :func:`~sim.experiments.executors.open_executor`)
    choose where runs execute; results are the same on all of them. Runs already in the store
    are not run again; failures are recorded and skipped unless ``retry_failed``.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    problems = spec.problems()
    if problems:
        raise ConfigError(problems)
    model = model if model is not None else scenario_model(spec)
    d, tasks = plan_sweep(spec, model)
    store = ResultStore(out_dir)
    columns = tuple(model.columns(d.points[0]))
    outcomes = tuple(model.outcomes())
    with store.lock():
        store.clean_temporary()
        write_manifest(
            store.root / MANIFEST,
            {
                "kind": "sweep",
                "spec": spec.to_dict(),
                "outcomes": outcomes,
                "columns": columns,
                "points": list(d.points),
                "matrix": None if d.matrix is None else d.matrix.tolist(),
                "runs": tasks_table(tasks),
            },
        )
        with given_or_open(executor, workers=workers, scheduler=scheduler) as ex:
            report = run_tasks(
                [model],
                tasks,
                store,
                executor=ex,
                retry_failed=retry_failed,
                progress=progress,
                desc=spec.name,
            )
    return SweepResult(spec, store, d, tasks, outcomes, columns, report)


def open_sweep(out_dir: str | os.PathLike) -> SweepResult:
    """Read back the sweep whose output folder is ``out_dir`` (its manifest and store)."""
    store = ResultStore(out_dir)
    m = read_manifest(store.root / MANIFEST)
    if m.get("kind") != "sweep":
        raise ValueError(f"{store.root / MANIFEST} is not a sweep's manifest")
    spec = SweepSpec.from_dict(m["spec"])
    matrix = None if m["matrix"] is None else np.asarray(m["matrix"], dtype=np.float64)
    d = Design(tuple(m["points"]), matrix)
    tasks = tuple(
        RunTask(
            r["key"], r["seed"], dict(d.points[r["point"]]), r["arm"], r["point"], r["replicate"]
        )
        for r in m["runs"]
    )
    return SweepResult(spec, store, d, tasks, tuple(m["outcomes"]), tuple(m["columns"]))
