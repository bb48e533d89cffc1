"""``creatorsim run`` never leaves mixed or half-written results (issue 12, defects 1-3, 7, 8).

Every test runs the command line as a subprocess, as a user would. The write phase is paused
through the test hook ``CREATORSIM_TEST_PAUSE_AT=PHASE:SECONDS`` (``sim.run.PAUSE_ENV``): at
PHASE the run prints ``creatorsim: test pause at PHASE`` to stderr and sleeps, so a test can
start a second run or SIGKILL it exactly there. Phases, in order: ``simulate`` (the target is
checked and locked, nothing simulated yet), ``tables`` (after each Parquet table), ``figures``,
``report``, ``marker`` (everything but run.json written) and ``swap`` (the new folder in place,
the old one not yet deleted; or, without ``renameat2``, between the two renames).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    [
        "creators.parquet",
        "daily.parquet",
        "fig_commerce.png",
        "fig_population.png",
        "fig_visibility.png",
        "fig_workload.png",
        "lists.parquet",
        "report.md",
        "run.json",
    ]
)
# no burn-in (time.burn_in_days = 0): these tests are about the output folder, not the model
SMALL = ("--creators", "300", "--days", "10", "--no-progress", "--set", "time.burn_in_days=0")



def _default_sigint() -> None:
    """In the child before exec: Ctrl-C back to its default. A process started with SIGINT
    ignored (a test worker that inherited it, a shell's background job) passes that on, and
    Python then never raises KeyboardInterrupt; these tests send Ctrl-C on purpose."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CREATORSIM_TEST_PAUSE_AT", None)
    env.update(extra)
    return env


def creatorsim(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or _env(),
        timeout=180,
        **kw,
    )


def start(*args: str, cwd: Path, pause: str) -> subprocess.Popen:
    """Start ``creatorsim`` paused at ``pause`` (PHASE:SECONDS); return once it is there."""
    p = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=_env(CREATORSIM_TEST_PAUSE_AT=pause),
        preexec_fn=_default_sigint,
    )
    phase = pause.split(":")[0]
    assert p.stderr is not None
    for line in p.stderr:  # blocks until the run reaches the pause (or ends)
        if f"test pause at {phase}" in line:
            return p
    p.wait()
    raise AssertionError(f"the run ended (status {p.returncode}) before pausing at {phase}")


def folder_state(out: Path) -> dict[str, str]:
    """File name -> SHA-256 of its bytes, for every entry of ``out`` (hidden ones included)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def assert_one_consistent_run(out: Path) -> int:
    """``out`` holds exactly one complete run: every file, every table and the report carry
    run.json's seed. Returns that seed."""
    assert sorted(p.name for p in out.iterdir()) == FILES
    meta = json.loads((out / "run.json").read_text())
    seed = meta["seed"]
    for name in ("daily.parquet", "creators.parquet", "lists.parquet"):
        table = pq.read_table(out / name)
        assert set(table.column("seed").to_pylist()) == {seed}, name
        assert table.schema.metadata[b"creatorsim.seed"] == str(seed).encode(), name
    assert (out / "report.md").read_text().startswith(f"# reported_2022: seed {seed}\n")
    assert meta["files"] == FILES
    return seed


def leftovers(parent: Path, name: str) -> list[str]:
    """Entries of ``parent`` that a run into ``parent/name`` may leave: staging folders,
    old runs, lock files, temporary files (inside the target too)."""
    found = [p.name for p in parent.iterdir() if p.name != name]
    if (parent / name).is_dir():
        found += [f"{name}/{p.name}" for p in (parent / name).iterdir() if p.name.startswith(".")]
    return sorted(found)


@pytest.fixture(scope="module")
def seed1_run(tmp_path_factory) -> Path:
    """One complete run (seed 1), made once; tests copy it as the previous run of a target."""
    cwd = tmp_path_factory.mktemp("seed1")
    r = creatorsim("run", "reported_2022", "--seed", "1", *SMALL, "--out", "o", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return cwd / "o"


def previous_run(seed1_run: Path, tmp_path: Path) -> Path:
    """``tmp_path/o`` holding a copy of the seed-1 run (what an earlier run left there)."""
    import shutil

    return Path(shutil.copytree(seed1_run, tmp_path / "o"))


# -- defect 1: two runs into one --out --------------------------------------------------------
def test_two_runs_into_the_same_out_one_refuses_and_the_folder_holds_one_run(tmp_path):
    first = start(
        "run",
        "reported_2022",
        "--seed",
        "1",
        *SMALL,
        "--out",
        "o",
        cwd=tmp_path,
        pause="simulate:3",
    )
    t0 = time.monotonic()
    second = creatorsim("run", "reported_2022", "--seed", "2", *SMALL, "--out", "o", cwd=tmp_path)
    refused_in = time.monotonic() - t0
    assert first.wait(timeout=180) == 0
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert "another creatorsim run" in second.stderr and "is writing there" in second.stderr
    assert str(tmp_path / "o") in second.stderr
    assert refused_in < 15  # at once (a process start), not after simulating
    assert assert_one_consistent_run(tmp_path / "o") == 1
    assert leftovers(tmp_path, "o") == []


# -- defect 2: SIGKILL anywhere in the write phase --------------------------------------------
@pytest.mark.parametrize("phase", ["tables", "figures", "report", "marker", "swap"])
def test_sigkill_in_the_write_phase_leaves_the_old_run_or_the_new_one(tmp_path, phase, seed1_run):
    out = previous_run(seed1_run, tmp_path)
    before = folder_state(out)

    p = start(
        "run",
        "reported_2022",
        "--seed",
        "2",
        *SMALL,
        "--out",
        "o",
        cwd=tmp_path,
        pause=f"{phase}:60",
    )
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=120)

    seed = assert_one_consistent_run(out)
    if seed == 1:
        assert folder_state(out) == before  # the previous run, untouched
    else:
        assert phase == "swap" and seed == 2  # only once the new run is complete

    # the next run into the same target removes what the killed one left: a staging folder
    # (every phase before the swap leaves the same kind; "tables" stands for them) or the old
    # run at the staging name (swap). One run each, not five: a run is seconds of start-up.
    if phase not in ("tables", "swap"):
        assert f".o.partial-{p.pid}" in leftovers(tmp_path, "o")
        return
    r = creatorsim("run", "reported_2022", "--seed", "3", *SMALL, "--out", "o", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert assert_one_consistent_run(out) == 3
    assert leftovers(tmp_path, "o") == []


def test_an_orphan_temporary_file_in_the_target_is_removed_by_the_next_run(tmp_path, seed1_run):
    previous_run(seed1_run, tmp_path)
    (tmp_path / "o" / ".creators.parquet.abc123.tmp").write_bytes(b"half a table")
    (tmp_path / ".o.partial-999999").mkdir()  # a staging folder of a killed run
    r = creatorsim("run", "reported_2022", "--seed", "2", *SMALL, "--out", "o", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert assert_one_consistent_run(tmp_path / "o") == 2
    assert leftovers(tmp_path, "o") == []


def test_ctrl_c_while_writing_leaves_the_previous_run(tmp_path, seed1_run):
    before = folder_state(previous_run(seed1_run, tmp_path))
    p = start(
        "run",
        "reported_2022",
        "--seed",
        "2",
        *SMALL,
        "--out",
        "o",
        cwd=tmp_path,
        pause="figures:60",
    )
    p.send_signal(signal.SIGINT)
    assert p.wait(timeout=120) == 130
    assert folder_state(tmp_path / "o") == before
    assert leftovers(tmp_path, "o") == []


def test_a_non_empty_folder_that_is_not_a_run_is_refused_unless_overwrite(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "draft.txt").write_text("keep me")
    r = creatorsim(
        "run",
        "reported_2022",
        *SMALL,
        "--out",
        "notes",
        cwd=tmp_path,
        env=_env(CREATORSIM_TEST_PAUSE_AT="simulate:0"),
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{mine}: a non-empty folder that holds no creatorsim run" in r.stderr
    assert "--overwrite" in r.stderr and "test pause at simulate" not in r.stderr
    assert (mine / "draft.txt").read_text() == "keep me"
    r = creatorsim("run", "reported_2022", *SMALL, "--out", "notes", "--overwrite", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert assert_one_consistent_run(mine) == 0


# -- defect 3: run.json and report.md describe that run ---------------------------------------
def test_run_json_and_report_record_the_creators_override_and_the_default_seed(tmp_path):
    r = creatorsim(
        "run",
        "reported_2022",
        "--creators",
        "500",
        "--days",
        "10",
        "--no-progress",
        "--set",
        "time.burn_in_days=0",
        "--out",
        "o",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    meta = json.loads((tmp_path / "o" / "run.json").read_text())
    assert meta["seed"] == 0  # the default seed, recorded
    assert meta["creators"] == 500 and meta["burn_in_days"] == 0
    assert meta["parameters"]["population.creators"] == 500
    assert meta["parameters"]["time.burn_in_days"] == 0
    assert meta["overrides"] == {"time.burn_in_days": 0, "population.creators": 500}
    assert "population.creators" not in meta["set_by_file"]
    report = (tmp_path / "o" / "report.md").read_text()
    assert "every parameter has its default value" not in report
    assert "| `population.creators` | 500 (set by the command line, --creators) | 2000 |" in report
    assert "# reported_2022: seed 0" in report
    # the run's scenario hash is that of the parameters it ran with
    from sim.data import scenario_path
    from sim.scenario import Scenario

    sc = Scenario.from_toml(scenario_path("reported_2022"))
    both = {"time.burn_in_days": 0, "population.creators": 500}
    assert meta["scenario"]["hash"] == sc.with_values(both).hash
    assert meta["scenario"]["hash"] != sc.hash


# -- defect 7: memory -------------------------------------------------------------------------
def test_a_population_that_cannot_fit_is_refused_before_allocating(tmp_path):
    # The estimate's message (not the MemoryError one) shows the refusal came before allocating.
    r = creatorsim("run", "reported_2022", "--creators", "1000000000", "--out", "big", cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    line = r.stderr.strip()
    assert "\n" not in line
    # the burn-in's days count too (time.burn_in_days, 540 by default)
    assert "1,000,000,000 creators for 180 days (+540 burn-in days) need about" in line
    assert " GB of memory" in line
    assert "but this machine has" in line and "available; use --creators" in line
    assert list(tmp_path.iterdir()) == []  # no --out folder, no lock file


def test_running_out_of_memory_is_one_line_and_leaves_no_folder(tmp_path):
    limit = 3 * 2**30  # address space: enough to start, not for 5,000,000 creators

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    # pretend the estimate fits, to reach the allocation itself
    r = creatorsim(
        "run",
        "reported_2022",
        "--creators",
        "5000000",
        "--days",
        "10",
        "--no-progress",
        "--set",
        "time.burn_in_days=0",
        "--out",
        "big",
        cwd=tmp_path,
        preexec_fn=cap,
        env=_env(CREATORSIM_TEST_AVAILABLE_MEMORY=str(10**12)),
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.stderr.startswith("creatorsim: error: out of memory running 5,000,000 creators")
    assert r.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# -- defect 8: output targets checked before simulating, paths named --------------------------
def test_an_unwritable_out_is_refused_before_simulating_naming_the_path(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere a mode allows; /sys refuses even root
        parent = Path("/sys")
    else:
        parent = tmp_path / "ro"
        parent.mkdir()
        parent.chmod(0o555)
    r = creatorsim(
        "run",
        "reported_2022",
        *SMALL,
        "--out",
        str(parent / "o"),
        cwd=tmp_path,
        env=_env(CREATORSIM_TEST_PAUSE_AT="simulate:0"),
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "test pause at simulate" not in r.stderr  # refused before the simulation
    assert f"{parent}: cannot write there" in r.stderr and "[Errno" not in r.stderr


def test_out_that_is_a_file_is_refused_naming_it(tmp_path):
    (tmp_path / "f").write_text("")
    r = creatorsim("run", "reported_2022", *SMALL, "--out", "f", cwd=tmp_path)
    assert r.returncode == 1 and "--out f: exists and is not a folder" in r.stderr


@pytest.mark.parametrize("kind", ["folder", "binary"])
def test_a_scenario_that_is_a_folder_or_binary_is_named(tmp_path, kind):
    path = tmp_path / "sc.toml"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(128, 256)))
    r = creatorsim("run", str(path), *SMALL, cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "[Errno" not in r.stderr
    assert f"scenario {path}: " in r.stderr
    assert ("is a folder" if kind == "folder" else "not a text file") in r.stderr
