"""One run of the model: a scenario and a seed in, tables, figures and a report out.

:func:`run_scenario` builds :class:`~sim.model.CreatorMarket`, advances it day by day (with a
progress bar on a terminal), snapshots the lists merchants use every few days, and returns a
:class:`RunResult`. With ``out_dir`` it also writes, each file atomically (a temporary file in
the same folder, then ``os.replace``), so an interrupted run never leaves a half-written file:

============================  ==============================================================
``daily.parquet``             one row per day: the outcomes of DESIGN.md
``creators.parquet``          one row per creator: traits, audience, totals, samples
``lists.parquet``             the lists merchants use, every ``snapshot_every`` days and last
``fig_*.png``                 visibility, workload and commerce over the days
``report.md``                 the run in short, with the figures (``sim.report``)
``run.json``                  scenario, hash, every parameter, seed, size, versions, timings
============================  ==============================================================

``run.json`` is written last: its presence means the run's files are complete. Every Parquet
table starts with a ``scenario`` (name) and a ``seed`` column, so that the tables of several
runs can be stacked; :func:`sim.results.load_run` reads a run's folder back as pandas
DataFrames.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .io import write_json, write_parquet, write_png, write_text
from .model import CreatorMarket
from .results import TABLES
from .scenario import Scenario

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_SNAPSHOT_EVERY",
    "MIN_CREATORS",
    "RunResult",
    "progress_bar",
    "run_scenario",
    "write_outputs",
]


#: Days simulated when none are given (half a year: several 30-day windows and 17-day clocks).
DEFAULT_DAYS = 180
#: The lists merchants use are saved every this-many days (and on the last day).
DEFAULT_SNAPSHOT_EVERY = 7
#: The smallest population a run accepts (``population.creators`` has the same floor).
MIN_CREATORS = 10

_LIST_COLUMNS = {
    "day": np.int64,
    "list": np.str_,
    "category": np.int64,
    "position": np.int64,
    "creator_id": np.int64,
    "score": np.float64,
}


@dataclass(frozen=True)
class RunResult:
    """The tables, timings and metadata of one run.

    ``daily`` has one row per day, ``creators`` one row per creator (at the end of the run),
    ``snapshots`` the lists merchants used on the snapshot days (column ``day``); each is a
    dict of numpy columns. ``metadata`` is what ``run.json`` holds; ``files`` the paths
    written (empty without ``out_dir``).
    """

    scenario: Scenario
    seed: int
    days: int
    n_creators: int
    daily: dict[str, np.ndarray]
    creators: dict[str, np.ndarray]
    snapshots: dict[str, np.ndarray]
    timings: dict[str, float]
    metadata: dict[str, Any]
    out_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)

    def tail_means(self, days: int = report.TAIL_DAYS) -> dict[str, float]:
        """Every daily outcome averaged over the last ``days`` days."""
        return report.tail_means(self.daily, days)

    def __repr__(self) -> str:
        """One line (the tables hold thousands of rows; a notebook cell shows only this)."""
        return (
            f"<RunResult {self.scenario.name} seed {self.seed}: {self.n_creators:,} creators, "
            f"{self.days} days; tables daily {_shape(self.daily)}, creators "
            f"{_shape(self.creators)}, lists {_shape(self.snapshots)}; "
            + (f"written to {self.out_dir}" if self.out_dir else "not written")
            + ">"
        )


def _shape(table: dict[str, np.ndarray]) -> str:
    rows = len(next(iter(table.values()))) if table else 0
    return f"{rows}x{len(table)}"


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} = {value!r}: use an integer >= {low}")
    return int(value)


def _concat_snapshots(snaps: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate list snapshots, with fixed column types even when there are no rows."""
    out = {}
    for key, dtype in _LIST_COLUMNS.items():
        parts = [np.asarray(s[key]) for s in snaps if key in s and len(s[key])]
        col = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        out[key] = col.astype(dtype) if dtype is not np.str_ else col.astype(str)
    return out


def _versions() -> dict[str, str]:
    import matplotlib
    import mesa
    import pyarrow

    import scoring

    return {
        "creatorsim": scoring.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "pyarrow": pyarrow.__version__,
        "matplotlib": matplotlib.__version__,
    }


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr is no terminal but a widget bar works)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress_bar(enabled: bool | None, total: int, desc: str, unit: str = "day"):
    """A tqdm progress bar on stderr, or in a Jupyter notebook a widget bar.

    ``enabled``: ``True`` always, ``None`` only where someone sees it (stderr is a terminal, or
    a notebook), ``False`` never (a disabled bar whose methods do nothing). In a notebook
    ``tqdm.auto`` draws a widget (the ``notebooks`` extra installs ipywidgets; without it tqdm
    falls back to text). One bar for runs (days) and experiments (runs).
    """
    from tqdm import tqdm

    notebook = _in_notebook()
    if enabled is None:
        try:
            enabled = notebook or sys.stderr.isatty()
        except (AttributeError, ValueError):
            enabled = False
    if enabled and notebook:
        from tqdm.auto import tqdm as auto_tqdm

        return auto_tqdm(total=total, desc=desc, unit=unit, leave=False)
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not enabled,
        leave=False,
        dynamic_ncols=True,
        smoothing=0.1,
    )


def run_scenario(
    scenario: Scenario,
    *,
    seed: int,
    days: int | None = None,
    creators: int | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
    snapshot_every: int = DEFAULT_SNAPSHOT_EVERY,
) -> RunResult:
    """Run ``scenario`` with ``seed`` for ``days`` days (default :data:`DEFAULT_DAYS`).

    ``creators`` overrides ``population.creators``. The same scenario and seed give the same
    tables bit for bit. With ``out_dir`` the outputs are written there (see the module doc);
    ``progress`` shows a bar on stderr when it is a terminal, or in a Jupyter notebook.
    """
    seed = _check_int("seed", seed, 0)
    days = _check_int("days", DEFAULT_DAYS if days is None else days, 1)
    if creators is not None:
        creators = _check_int("creators", creators, MIN_CREATORS)
    snapshot_every = _check_int("snapshot_every", snapshot_every, 1)
    if out_dir is not None:  # fail before the run, not after it
        Path(out_dir).mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    model = CreatorMarket(scenario, rng=seed, n_creators=creators)
    t_init = time.perf_counter() - t0

    snaps: list[dict[str, np.ndarray]] = []
    bar = progress_bar(None if progress else False, days, scenario.name)

    def on_day(day: int) -> None:
        if (day + 1) % snapshot_every == 0 or day == days - 1:
            snaps.append(model.list_snapshot())
        if bar is not None:
            bar.update(1)

    t0 = time.perf_counter()
    try:
        model.run(days, progress=on_day)
    finally:
        if bar is not None:
            bar.close()
    t_run = time.perf_counter() - t0

    daily = model.daily_table()
    creator_table = model.creator_table()
    snapshots = _concat_snapshots(snaps)
    timings = {"init_s": t_init, "run_s": t_run, "write_s": 0.0}
    meta = {
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "path": scenario.path,
            "hash": scenario.hash,
        },
        "seed": seed,
        "days": days,
        "creators": int(model.creators.n),
        "merchants": int(model.merchants.m),
        "snapshot_every": snapshot_every,
        "versions": _versions(),
        "timings": timings,
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "parameters": scenario.values(),
        "set_by_file": [key for key, *_x, was_set in scenario.parameters() if was_set],
    }
    result = RunResult(
        scenario=scenario,
        seed=seed,
        days=days,
        n_creators=int(model.creators.n),
        daily=daily,
        creators=creator_table,
        snapshots=snapshots,
        timings=timings,
        metadata=meta,
    )
    if out_dir is None:
        return result
    return write_outputs(result, out_dir)


# -- writing ---------------------------------------------------------------------------------
def write_outputs(result: RunResult, out_dir: str | os.PathLike) -> RunResult:
    """Write a run's tables, figures, report and ``run.json`` (last) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A run.json left by an earlier run would vouch for files this run is about to replace.
    with contextlib.suppress(FileNotFoundError):
        (out / "run.json").unlink()
    t0 = time.perf_counter()
    files: dict[str, Path] = {}

    def put(name: str, writer: Callable[[Path], None]) -> None:
        path = out / name
        writer(path)
        files[name] = path

    # Every table says where it comes from, even when separated from run.json.
    tag = {
        "creatorsim.scenario": result.scenario.name,
        "creatorsim.scenario_hash": result.scenario.hash,
        "creatorsim.seed": result.seed,
        "creatorsim.version": result.metadata["versions"]["creatorsim"],
    }
    tables = {"daily": result.daily, "creators": result.creators, "lists": result.snapshots}
    for name, table in tables.items():
        put(TABLES[name], functools.partial(write_parquet, _stackable(result, table), meta=tag))
    for name, fig in report.make_figures(result.daily).items():
        put(name, functools.partial(write_png, fig))
    # write_s: the tables and figures (report.md and run.json take milliseconds)
    timings = {**result.timings, "write_s": time.perf_counter() - t0}
    meta = {**result.metadata, "timings": timings}
    put(
        "report.md",
        lambda p: write_text(
            report.render_report(result.scenario, meta, result.daily, creators=result.creators), p
        ),
    )
    meta["outcomes"] = {
        "tail_days": min(report.TAIL_DAYS, result.days),
        "means": report.tail_means(result.daily),
    }
    meta["files"] = sorted([*files, "run.json"])
    put("run.json", functools.partial(write_json, meta))
    return dataclasses.replace(result, timings=timings, metadata=meta, out_dir=out, files=files)


def _stackable(result: RunResult, table: dict[str, np.ndarray]) -> Any:
    """``table`` as a ``pyarrow.Table`` led by ``scenario`` and ``seed`` columns (every row)."""
    import pyarrow as pa

    n = len(next(iter(table.values()))) if table else 0
    cols = {
        "scenario": pa.array([result.scenario.name] * n, pa.string()),
        "seed": pa.array(np.full(n, result.seed, dtype=np.int64)),
    }
    cols.update({k: pa.array(np.asarray(v)) for k, v in table.items() if k not in cols})
    return pa.table(cols)
