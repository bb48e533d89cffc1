"""One run of the model: a scenario and a seed in, tables, figures and a report out.

:func:`run_scenario` builds :class:`~sim.model.CreatorMarket`, advances it day by day (with a
progress bar on a terminal), snapshots the lists merchants use every few days, and returns a
:class:`RunResult`. With ``out_dir`` it also writes, each file atomically (a temporary file in
the same folder, then ``os.replace``), so an interrupted run never leaves a half-written file:

============================  ==============================================================
``daily.parquet``             one row per day: the outcomes of docs/model.md
``creators.parquet``          one row per creator present since day 0 (leavers too): traits,
                              audience, totals, samples
``lists.parquet``             the lists merchants use, every ``snapshot_every`` days and last
``fig_*.png``                 visibility, workload, commerce, turnover and posting over the days
``report.md``                 the run in short, with the figures (``sim.report``)
``run.json``                  scenario, hash, every parameter, overrides, seed, size, burn-in
                              days, versions, timings
============================  ==============================================================

``run.json`` is written last and is the run's **completion marker**: a folder with
``run.json`` holds one complete run. The whole folder is replaced as one piece
(:class:`OutputFolder`):

1. a lock: ``.<name>.lock`` beside the target, held with ``fcntl.flock`` from before the
   simulation to the end (the kernel releases it if the process dies, even by SIGKILL); a second
   run into the same folder refuses at once with a one-line error;
2. the target is checked before simulating (a file where a folder is needed, a parent folder
   that cannot be written, a non-empty folder that is not a run's: refused unless
   ``overwrite``);
3. every file is written into ``.<name>.partial-<pid>`` beside the target, ``run.json`` last;
4. the staged folder is swapped in: one ``rename`` if the target does not exist, else one
   ``renameat2(RENAME_EXCHANGE)`` (Linux; atomic, so a reader sees the old complete run or the
   new one), after which the old run (now at the staged name) is deleted. Where the exchange
   is unavailable, the old run is renamed aside to ``.<name>.old-<pid>`` and the new one
   renamed in: the target is missing only between those two renames, and a run killed there
   is put back by the next run into the same target;
5. leftovers of killed runs (``.<name>.partial-*``, ``.<name>.old-*``, ``.*.tmp`` files in the
   target) are removed by the next run into the same target, under the lock (so none can
   belong to a live run).

Every Parquet table starts with a ``scenario`` (name) and a ``seed`` column, so that the tables
of several runs can be stacked; :func:`sim.results.load_run` reads a run's folder back as pandas
DataFrames. Tests pause the write phase through :data:`PAUSE_ENV` (see :func:`_pause`).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as _dt
import errno
import fcntl
import functools
import glob
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Mapping
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
    "DEFAULT_SEED",
    "DEFAULT_SNAPSHOT_EVERY",
    "MARKER",
    "MIN_CREATORS",
    "OutputFolder",
    "RunResult",
    "check_memory",
    "estimate_memory",
    "progress_bar",
    "run_scenario",
    "versions",
    "write_outputs",
]


#: Days simulated when none are given (half a year: several 30-day windows and 17-day clocks).
DEFAULT_DAYS = 180
#: The lists merchants use are saved every this-many days (and on the last day).
DEFAULT_SNAPSHOT_EVERY = 7
#: The smallest population a run accepts (``population.creators`` has the same floor).
MIN_CREATORS = 10
#: The seed of ``creatorsim run`` when none is given (recorded in run.json like any other).
DEFAULT_SEED = 0
#: The completion marker of a run's folder: written last, so its presence means complete.
MARKER = "run.json"
#: Test hook: ``PHASE:SECONDS[,PHASE:SECONDS...]`` pauses the write phase (see :func:`_pause`).
PAUSE_ENV = "CREATORSIM_TEST_PAUSE_AT"
#: The named points of the run where :data:`PAUSE_ENV` can pause it, in order.
PAUSE_PHASES = ("simulate", "tables", "figures", "report", "marker", "swap")

# Peak memory of a run of reported_2022 (ru_maxrss, Python and the libraries included), measured
# without writing: 10k creators x 30 days 233 MiB, 50k x 30 317 MiB, 100k x 30 420 MiB, 100k x 90
# 445 MiB, i.e. about 210 MiB fixed, 2.2 KB per creator and 4.3 B per creator-day. The constants
# below round each up (writing the tables copies the creator table through pyarrow, and the
# sample and message books grow faster than linearly with the days at large sizes).
_MEM_FIXED = 250 * 2**20
_MEM_PER_CREATOR = 3_000.0
_MEM_PER_CREATOR_DAY = 20.0
#: Test hook: pretend this many bytes are available (to reach the MemoryError path).
MEMORY_ENV = "CREATORSIM_TEST_AVAILABLE_MEMORY"

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

    ``daily`` has one row per reported day (day 0 follows the burn-in), ``creators`` one row
    per creator present since day 0 (leavers included, with ``left_day``),
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


def versions(*extra: str) -> dict[str, str]:
    """The versions a result records: creatorsim, Python and the libraries it ran on.

    ``extra`` names further modules to record (for example ``"pyabc"``).
    """
    import importlib

    import scoring

    out = {"creatorsim": scoring.__version__, "python": platform.python_version()}
    for name in ("numpy", "mesa", "pyarrow", "matplotlib", *extra):
        out[name] = importlib.import_module(name).__version__
    return out


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


# -- memory ---------------------------------------------------------------------------------
def estimate_memory(creators: int, days: int) -> int:
    """Peak bytes a run of ``creators`` creators for ``days`` days needs (an estimate).

    ``days`` counts every simulated day, the burn-in's included (``time.burn_in_days`` +
    reported days): the books grow through the burn-in too. A fixed part (Python, numpy,
    Mesa, matplotlib) plus a part per creator (traits, rolling windows, the day's work) and per
    creator-day (the sample and message books), fitted on measured peak resident memory of
    reported_2022 runs; it errs high rather than low.
    """
    return int(_MEM_FIXED + creators * (_MEM_PER_CREATOR + _MEM_PER_CREATOR_DAY * days))


def available_memory() -> int | None:
    """Bytes this process can still allocate: ``MemAvailable`` of ``/proc/meminfo``, capped by
    the cgroup's memory limit less its usage (v2 or v1) when there is one; None if unknown."""
    if os.environ.get(MEMORY_ENV):
        return int(os.environ[MEMORY_ENV])
    found: list[int] = []
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        with contextlib.suppress(OSError, ValueError):
            limit = Path(limit_file).read_text().strip()
            if limit != "max" and int(limit) < 2**60:
                found.append(int(limit) - int(Path(usage_file).read_text().strip()))
                break
    with contextlib.suppress(ValueError, OSError):  # RLIMIT_AS (ulimit -v), if set
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            found.append(soft)
    return max(0, min(found)) if found else None


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GB"


def check_memory(creators: int, days: int, burn_in_days: int = 0) -> None:
    """Refuse, before allocating anything, a run that cannot fit in the available memory.

    ``days`` are the reported days, ``burn_in_days`` those simulated before day 0
    (``time.burn_in_days``); the estimate counts both. Raises :class:`MemoryError` with one
    line: the estimate (:func:`estimate_memory`) and the memory available
    (:func:`available_memory`).
    """
    total = days + burn_in_days
    need = estimate_memory(creators, total)
    have = available_memory()
    if have is not None and need > have:
        per = (_MEM_PER_CREATOR + _MEM_PER_CREATOR_DAY * total) / 1024
        most = max(0, int((have - _MEM_FIXED) / (_MEM_PER_CREATOR + _MEM_PER_CREATOR_DAY * total)))
        span = f"{days} days" + (f" (+{burn_in_days} burn-in days)" if burn_in_days else "")
        raise MemoryError(
            f"{creators:,} creators for {span} need about {_gb(need)} of memory "
            f"(about {per:.1f} KB per creator), but this machine has {_gb(have)} available; "
            f"use --creators {most:,} or fewer"
        )


# -- the output folder -----------------------------------------------------------------------
def _pause(phase: str) -> None:
    """Test hook: sleep at ``phase`` when :data:`PAUSE_ENV` names it (``tables:30``).

    Prints ``creatorsim: test pause at PHASE`` to stderr first, so a test knows the run is
    there (and can SIGKILL it). Phases: :data:`PAUSE_PHASES`. Unset, this does nothing.
    """
    spec = os.environ.get(PAUSE_ENV)
    if not spec:
        return
    for item in spec.split(","):
        name, _, seconds = item.partition(":")
        if name.strip() == phase:
            print(f"creatorsim: test pause at {phase}", file=sys.stderr, flush=True)
            time.sleep(float(seconds or 0))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


class RunLocked(ValueError):
    """Another run holds the lock of the output folder."""


class OutputFolder:
    """A run's output folder, replaced as a whole (see the module doc).

    :meth:`open` checks the target, takes the lock, removes leftovers of killed runs and
    creates the staging folder (:attr:`staging`), all before any simulation; write the files
    into :attr:`staging` (``run.json`` last), then :meth:`commit` swaps it in. :meth:`abort`
    (on any failure) removes the staging folder and any parent folder :meth:`open` created.
    Either releases the lock. Use as a context manager: commit is explicit, abort automatic.
    """

    def __init__(self, target: str | os.PathLike, *, overwrite: bool = False) -> None:
        self.target = Path(os.path.abspath(target))
        self.overwrite = overwrite
        name = self.target.name
        self.parent = self.target.parent
        self.lock_path = self.parent / f".{name}.lock"
        self.staging = self.parent / f".{name}.partial-{os.getpid()}"
        self._fd: int | None = None
        self._created: list[Path] = []

    # opening ------------------------------------------------------------------------------
    def open(self) -> OutputFolder:
        """Check the target, lock it, clean leftovers, create the staging folder."""
        t = self.target
        if not t.name or t == t.parent:
            raise ValueError(f"{t}: cannot hold a run (a filesystem root); give a folder")
        if t.exists() and not t.is_dir():
            raise ValueError(f"{t}: exists and is not a folder; give a folder for the outputs")
        self._make_parents()
        try:
            self._lock()
            self._clean_leftovers()
            self._check_target()
            self.staging.mkdir()
        except BaseException:
            self.abort()
            raise
        return self

    def _make_parents(self) -> None:
        missing = []
        p = self.parent
        while not p.exists():
            missing.append(p)
            p = p.parent
        if not p.is_dir():
            raise ValueError(f"{p}: is not a folder, so {self.target} cannot be created in it")
        for d in reversed(missing):
            try:
                d.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                self._remove_created()
                raise OSError(
                    f"{d}: cannot create the folder ({exc.strerror or exc}), so the outputs "
                    f"cannot go to {self.target}"
                ) from None
            self._created.append(d)

    def _lock(self) -> None:
        while True:
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o666)
            except OSError as exc:
                raise OSError(
                    f"{self.parent}: cannot write there ({exc.strerror or exc}), so the "
                    f"outputs cannot go to {self.target}"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = ""
                with contextlib.suppress(OSError, ValueError):
                    holder = f" (pid {int(os.pread(fd, 32, 0).decode().strip())})"
                os.close(fd)
                raise RunLocked(
                    f"{self.target}: another creatorsim run{holder} is writing there (it holds "
                    f"{self.lock_path.name}); wait for it to finish or choose another --out"
                ) from None
            # the file may have been removed by the holder that just released it: retry
            try:
                same = os.stat(self.lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                self._fd = fd
                return
            os.close(fd)

    def _clean_leftovers(self) -> None:
        """Remove what killed runs left (we hold the lock, so no live run owns any of it)."""
        name = glob.escape(self.target.name)
        olds = sorted(self.parent.glob(f".{name}.old-*"))
        if not self.target.exists():  # killed between the two renames of the fallback swap
            for old in olds:
                if (old / MARKER).is_file():
                    os.rename(old, self.target)
                    break
        for p in [*self.parent.glob(f".{name}.partial-*"), *self.parent.glob(f".{name}.old-*")]:
            shutil.rmtree(p, ignore_errors=True)
        if self.target.is_dir():
            for tmp in self.target.glob(".*.tmp"):  # left by versions that wrote in place
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def _check_target(self) -> None:
        t = self.target
        if not t.is_dir():
            return
        if not os.access(t, os.W_OK | os.X_OK):  # its old files could not be removed
            raise ValueError(
                f"{t}: the folder is read-only, so a new run cannot replace it; make it "
                "writable or choose another --out"
            )
        if self.overwrite:
            return
        try:
            entries = [p.name for p in t.iterdir()]
        except OSError as exc:
            raise OSError(f"{t}: cannot read the folder ({exc.strerror or exc})") from None
        if entries and MARKER not in entries:
            raise ValueError(
                f"{t}: a non-empty folder that holds no creatorsim run (no {MARKER}); choose "
                "another --out, or pass --overwrite to replace its contents"
            )

    # closing ------------------------------------------------------------------------------
    def commit(self) -> None:
        """Swap the staging folder in for the target, then release the lock."""
        try:
            _fsync_dir(self.staging)
            if not self.target.exists():
                _pause("swap")
                os.rename(self.staging, self.target)
            elif _exchange(self.staging, self.target):
                _pause("swap")  # the new run is in place; the old one is at the staging name
                shutil.rmtree(self.staging, ignore_errors=True)
            else:
                old = self.parent / f".{self.target.name}.old-{os.getpid()}"
                os.rename(self.target, old)
                _pause("swap")
                os.rename(self.staging, self.target)
                shutil.rmtree(old, ignore_errors=True)
            _fsync_dir(self.parent)
            self._created.clear()
        finally:
            self._release()

    def abort(self) -> None:
        """Remove the staging folder and created parents; release the lock."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()
        self._remove_created()

    def _remove_created(self) -> None:
        for d in reversed(self._created):
            with contextlib.suppress(OSError):
                d.rmdir()  # only if still empty
        self._created.clear()

    def _release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            if os.stat(self.lock_path).st_ino == os.fstat(self._fd).st_ino:
                os.unlink(self.lock_path)
        os.close(self._fd)  # closing releases the flock
        self._fd = None

    def __enter__(self) -> OutputFolder:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None or self.staging.exists():
            self.abort()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def run_scenario(
    scenario: Scenario,
    *,
    seed: int = DEFAULT_SEED,
    days: int | None = None,
    creators: int | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
    snapshot_every: int = DEFAULT_SNAPSHOT_EVERY,
    overwrite: bool = False,
    values: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run ``scenario`` with ``seed`` for ``days`` days (default :data:`DEFAULT_DAYS`).

    ``creators`` overrides ``population.creators``: the run's scenario (and so ``run.json``'s
    ``parameters``, its hash and ``report.md``) then carries that value, and ``run.json``
    lists it under ``overrides``. ``values`` overrides further scenario keys by dotted name
    (``{"time.burn_in_days": 0}``, applied with :meth:`Scenario.with_values`, so a bad key or
    value raises the scenario's one-line ``ConfigError``), recorded the same way. The
    ``time.burn_in_days`` days of the burn-in are simulated first (their own progress-bar phase,
    timed as ``burn_in_s``) and not reported: day 0 is the first day after them.
    The same scenario and seed give the same tables bit for bit.
    With ``out_dir`` the outputs are written there, the folder replaced as a whole (see the
    module doc; a non-empty folder that is not a run's needs ``overwrite``); the target is
    checked and locked before simulating. A run that cannot fit in the available memory is
    refused before allocating (:func:`check_memory`); ``progress`` shows a bar on stderr when
    it is a terminal, or in a Jupyter notebook.
    """
    seed = _check_int("seed", seed, 0)
    days = _check_int("days", DEFAULT_DAYS if days is None else days, 1)
    if creators is not None:
        creators = _check_int("creators", creators, MIN_CREATORS)
    snapshot_every = _check_int("snapshot_every", snapshot_every, 1)
    original = scenario
    overrides: dict[str, Any] = dict(values or {})
    if overrides:
        scenario = scenario.with_values(overrides)
    n = scenario.model.population.creators if creators is None else creators
    burn_in = scenario.model.time.burn_in_days
    check_memory(n, days, burn_in)
    if n != scenario.model.population.creators:
        overrides["population.creators"] = n
        scenario = original.with_values(overrides)
    folder = None if out_dir is None else OutputFolder(out_dir, overwrite=overwrite).open()
    try:
        _pause("simulate")
        t0 = time.perf_counter()
        try:
            model = CreatorMarket(scenario, rng=seed, n_creators=n)
        except MemoryError:
            raise MemoryError(_out_of_memory(n, days + burn_in)) from None
        t_init = time.perf_counter() - t0

        t0 = time.perf_counter()
        bar = (
            progress_bar(None if progress else False, burn_in, f"{scenario.name} burn-in")
            if burn_in
            else None
        )
        try:
            model.burn_in(progress=None if bar is None else (lambda _day: bar.update(1)))
        except MemoryError:
            raise MemoryError(_out_of_memory(n, days + burn_in)) from None
        finally:
            if bar is not None:
                bar.close()
        t_burn = time.perf_counter() - t0

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
            daily = model.daily_table()
            creator_table = model.creator_table()
            snapshots = _concat_snapshots(snaps)
        except MemoryError:
            raise MemoryError(_out_of_memory(n, days + burn_in)) from None
        finally:
            if bar is not None:
                bar.close()
        t_run = time.perf_counter() - t0
        timings = {"init_s": t_init, "burn_in_s": t_burn, "run_s": t_run, "write_s": 0.0}
        meta = {
            "scenario": {
                "name": scenario.name,
                "description": scenario.description,
                "path": scenario.path,
                "hash": scenario.hash,
            },
            "seed": seed,
            "days": days,
            "burn_in_days": int(model.burn_in_days),
            "creators": int(model.creators.n),
            "merchants": int(model.merchants.m),
            "snapshot_every": snapshot_every,
            "versions": versions(),
            "timings": timings,
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "parameters": scenario.values(),
            "set_by_file": [key for key, *_x, was_set in original.parameters() if was_set],
            "overrides": overrides,
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
        if folder is None:
            return result
        return write_outputs(result, folder)
    except BaseException:
        if folder is not None:
            folder.abort()
        raise


def _out_of_memory(creators: int, days: int) -> str:
    """The one-line MemoryError message; ``days`` counts the burn-in's days too."""
    have = available_memory()
    return (
        f"out of memory running {creators:,} creators for {days} simulated days (about "
        f"{_gb(estimate_memory(creators, days))} estimated"
        + (f", {_gb(have)} available now" if have is not None else "")
        + "); use a smaller --creators"
    )


# -- writing ---------------------------------------------------------------------------------
def write_outputs(
    result: RunResult, out_dir: str | os.PathLike | OutputFolder, *, overwrite: bool = False
) -> RunResult:
    """Write a run's tables, figures, report and ``run.json`` (last), replacing ``out_dir``.

    ``out_dir`` is a path or an opened :class:`OutputFolder`; the files go to its staging
    folder, which is swapped in for the target when complete (see the module doc).
    """
    folder = out_dir if isinstance(out_dir, OutputFolder) else OutputFolder(out_dir).open()
    if not isinstance(out_dir, OutputFolder):
        folder.overwrite = overwrite
    try:
        return _write_staged(result, folder)
    except BaseException:
        folder.abort()
        raise


def _write_staged(result: RunResult, folder: OutputFolder) -> RunResult:
    stage, out = folder.staging, folder.target
    t0 = time.perf_counter()
    files: dict[str, Path] = {}

    def put(name: str, writer: Callable[[Path], None]) -> None:
        writer(stage / name)
        files[name] = out / name

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
        _pause("tables")
    for name, fig in report.make_figures(result.daily).items():
        put(name, functools.partial(write_png, fig))
    _pause("figures")
    # write_s: the tables and figures (report.md and run.json take milliseconds)
    timings = {**result.timings, "write_s": time.perf_counter() - t0}
    meta = {**result.metadata, "timings": timings}
    facts = report.stylised_facts(result.daily, result.creators, scenario=result.scenario)
    put(
        "report.md",
        lambda p: write_text(
            report.render_report(
                result.scenario, meta, result.daily, creators=result.creators, facts=facts
            ),
            p,
        ),
    )
    _pause("report")
    meta["outcomes"] = {
        "tail_days": min(report.TAIL_DAYS, result.days),
        "means": report.tail_means(result.daily),
        "constant": report.constant_outcomes(result.daily),
    }
    meta["facts"] = facts  # the report's "Stylised facts", machine-readable
    meta["files"] = sorted([*files, MARKER])
    _pause("marker")
    put(MARKER, functools.partial(write_json, meta))  # the completion marker: last
    folder.commit()
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
