"""Running many runs: tasks with fixed seeds, an executor, the store, a progress bar.

The one code path every experiment takes: a list of :class:`RunTask` (each with its seed and
store key, fixed before anything is dispatched) goes to :func:`run_tasks`, which skips the
runs already in the store, submits the others to any ``concurrent.futures.Executor`` (a
bounded number in flight), and writes each result as it arrives, in this process, so workers
(local or on a cluster) need no access to the store's disk. A run that raises is recorded as a
failure and the rest go on.
"""

from __future__ import annotations

import json
import time
import traceback as _tb
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import write_json
from .executors import executor_capacity
from .models import RunModel
from .store import ResultStore, RunRecord

__all__ = ["RunReport", "RunTask", "execute", "read_manifest", "run_tasks", "write_manifest"]


@dataclass(frozen=True)
class RunTask:
    """One run to do: the model ``arm`` (an index) at parameter ``values`` with ``seed``.

    ``point`` and ``replicate`` place it in its experiment; ``key`` is its store key.
    """

    key: str
    seed: int
    values: dict[str, Any] = field(default_factory=dict)
    arm: int = 0
    point: int = 0
    replicate: int = 0


@dataclass(frozen=True)
class RunReport:
    """What :func:`run_tasks` did: runs in the plan, found done, run now, failed."""

    planned: int
    already_done: int
    ran: int
    failed: int
    skipped_failed: int
    seconds: float
    failed_keys: tuple[str, ...] = ()

    def __str__(self) -> str:
        s = (
            f"{self.planned} runs: {self.already_done} already done, {self.ran} run now "
            f"in {self.seconds:.1f} s"
        )
        if self.failed:
            s += f", {self.failed} failed"
        if self.skipped_failed:
            s += f", {self.skipped_failed} earlier failures not retried (--retry-failed)"
        return s


def _version() -> str:
    import scoring

    return scoring.__version__


def execute(model: RunModel, task: RunTask) -> RunRecord:
    """Run one task (in a worker): the result row and metadata, or the error, never a raise."""
    t0 = time.perf_counter()
    meta: dict[str, Any] = {
        "model": model.name,
        "identity": model.identity(task.values),
        "values": task.values,
        "version": _version(),
    }
    try:
        outcomes = model(task.values, task.seed)
        meta.update(model.metadata(task.values))
        row = {"key": task.key, "seed": task.seed, **model.columns(task.values), **task.values}
        clash = set(row) & set(outcomes)
        if clash:
            raise ValueError(f"outcome names clash with parameters or columns: {sorted(clash)}")
        row.update(outcomes)
        return RunRecord(task.key, task.seed, row, meta, seconds=time.perf_counter() - t0)
    except Exception as exc:
        return _failure(task, meta, exc, time.perf_counter() - t0)


def _failure(task: RunTask, meta: dict[str, Any], exc: Exception, seconds: float) -> RunRecord:
    """The record of a task that raised ``exc`` (call it in the ``except`` block)."""
    return RunRecord(
        task.key,
        task.seed,
        None,
        meta,
        error=f"{type(exc).__name__}: {exc}",
        traceback=_tb.format_exc(),
        seconds=seconds,
    )


def run_tasks(
    models: Sequence[RunModel],
    tasks: Sequence[RunTask],
    store: ResultStore,
    *,
    executor: Executor,
    retry_failed: bool = False,
    progress: bool | None = None,
    desc: str = "runs",
    max_in_flight: int | None = None,
) -> RunReport:
    """Run every task whose result is not in ``store``; write each result or failure there.

    ``models[task.arm]`` runs ``task``. Tasks sharing a key run once. Runs recorded as failed
    are skipped unless ``retry_failed``. At most ``max_in_flight`` runs (default: four times the
    executor's workers, at least 8) are submitted at a time, so an interrupted experiment
    loses little. ``progress``: a tqdm bar with an ETA on stderr (None: on a terminal only).
    """
    t0 = time.perf_counter()
    first: dict[str, RunTask] = {}
    for t in tasks:
        first.setdefault(t.key, t)
    unique = list(first.values())
    done, failed = store.completed(), store.failed()
    todo = [t for t in unique if t.key not in done and (retry_failed or t.key not in failed)]
    n_done = sum(t.key in done for t in unique)
    skipped = sum(t.key in failed for t in unique) if not retry_failed else 0
    window = max_in_flight or max(8, 4 * executor_capacity(executor))
    n_failed, failed_keys = 0, []
    pending: dict[Future, RunTask] = {}
    queue = iter(todo)
    from ..run import progress_bar  # the one bar of runs and experiments (terminal, notebook)

    bar = progress_bar(progress, len(todo), desc, unit="run")

    def submit_next() -> None:
        task = next(queue, None)
        if task is not None:
            pending[executor.submit(execute, models[task.arm], task)] = task

    try:
        for _ in range(window):
            submit_next()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                task = pending.pop(fut)
                try:
                    record = fut.result()
                except Exception as exc:  # the executor failed, not the run (e.g. a lost worker)
                    record = _failure(task, {"values": task.values}, exc, 0.0)
                store.write(record)
                if not record.ok:
                    n_failed += 1
                    failed_keys.append(task.key)
                bar.update(1)
                submit_next()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
    finally:
        bar.close()
    return RunReport(
        planned=len(unique),
        already_done=n_done,
        ran=len(todo),
        failed=n_failed,
        skipped_failed=skipped,
        seconds=time.perf_counter() - t0,
        failed_keys=tuple(failed_keys),
    )


def tasks_table(tasks: Sequence[RunTask]) -> list[dict[str, Any]]:
    """Plain rows describing the tasks (for a manifest)."""
    return [
        {"key": t.key, "seed": t.seed, "arm": t.arm, "point": t.point, "replicate": t.replicate}
        for t in tasks
    ]


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write an experiment's manifest (JSON) atomically."""
    write_json({**manifest, "version": _version()}, path, indent=1)


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a manifest written by :func:`write_manifest`; errors name the file."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: no such file; is {Path(path).parent} the --out folder of an experiment?"
        ) from None
