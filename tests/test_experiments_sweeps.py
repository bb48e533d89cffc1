"""Sweeps as a user runs them: the command line in a subprocess, killed and resumed; the same
sweep on one process, a process pool and a real Dask cluster; bad sweep files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.experiments import (
    Factor,
    FunctionModel,
    SerialExecutor,
    SweepSpec,
    load_sweep,
    open_sweep,
    run_sweep,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_BASE = ROOT / "scenarios" / "reported_2022.toml"


def _fast_base() -> Path:
    """reported_2022 with no burn-in (``time.burn_in_days`` 540 by default), under its own
    name, in a folder removed at exit: the sweeps' plumbing is under test, not the model."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="creatorsim-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / SHIPPED_BASE.name
    path.write_text(SHIPPED_BASE.read_text() + "\n[time]\nburn_in_days = 0\n")
    return path


BASE = _fast_base()


def creatorsim(*args: str, **kw) -> subprocess.Popen:
    """Start ``creatorsim`` (this checkout's code) as a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def sweep_file(tmp_path: Path, *, samples: int, seeds: int, days: int, creators: int) -> Path:
    p = tmp_path / "sweep.toml"
    p.write_text(
        f"""[sweep]
name = "small"
scenario = {str(BASE)!r}
method = "lhs"
samples = {samples}
seeds = {seeds}
root_seed = 7
days = {days}
creators = {creators}

[parameters]
"attention.coupling" = {{ low = 0.0, high = 3.0 }}
"population.entertainer_share" = {{ low = 0.1, high = 0.6 }}
"scoring.fulfilment.window_days" = {{ low = 7, high = 30 }}
"""
    )
    return p


def same_tables(a, b) -> None:
    """Equal column names and values (NaN equal to NaN)."""
    assert a.column_names == b.column_names
    for name in a.column_names:
        x, y = a.column(name).to_pylist(), b.column(name).to_pylist()
        if x and isinstance(x[0], float):
            assert np.array_equal(np.array(x, float), np.array(y, float), equal_nan=True), name
        else:
            assert x == y, name


def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    spec_path = sweep_file(tmp_path, samples=8, seeds=2, days=15, creators=200)
    total = 8 * 2
    out = tmp_path / "killed"
    proc = creatorsim("sweep", str(spec_path), "--out", str(out), "--no-progress")
    runs = out / "runs"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if runs.is_dir() and len(list(runs.glob("*.parquet"))) >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the sweep finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = len(list(runs.glob("*.parquet")))
    assert 3 <= done_at_kill < total

    rerun = creatorsim("sweep", str(spec_path), "--out", str(out), "--no-progress")
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert f"{done_at_kill} already done" in stdout

    resumed = open_sweep(out)
    keys = [t.key for t in resumed.tasks]
    assert len(keys) == total and len(set(keys)) == total
    files = sorted(p.name for p in runs.iterdir())  # nothing else: no temporary leftovers
    assert files == sorted(f"{k}.parquet" for k in keys)
    table = resumed.table()
    assert table.column("key").to_pylist() == keys  # every run exactly once, in plan order

    clean = run_sweep(load_sweep(spec_path), tmp_path / "clean", progress=False)
    same_tables(table, clean.table())


def test_same_sweep_on_one_process_a_pool_and_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = load_sweep(sweep_file(tmp_path, samples=4, seeds=2, days=20, creators=300))
    serial = run_sweep(spec, tmp_path / "serial", executor=SerialExecutor()).table()
    pool = run_sweep(spec, tmp_path / "pool", workers=2).table()
    with distributed.LocalCluster(
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
        n_workers=2,
        threads_per_worker=1,
        processes=True,
    ) as cluster:
        dask = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address).table()
    assert serial.num_rows == 8
    assert len(set(serial.column("feed_gini_mean").to_pylist())) > 1  # the points differ
    same_tables(serial, pool)
    same_tables(serial, dask)


def test_bad_sweep_file_exits_2_before_any_run(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f"""[sweep]
scenario = {str(BASE)!r}
method = "lhs"
samples = 4
seeds = 0

[parameters]
"attention.couplng" = {{ low = 0.0, high = 1.0 }}
"attention.coupling" = {{ low = 0.0, high = 50.0 }}
"""
    )
    out = tmp_path / "out"
    proc = creatorsim("sweep", str(bad), "--out", str(out))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "3 problem(s)" in stderr
    assert f"{bad}: sweep.seeds = 0: an integer >= 1" in stderr
    assert f"{bad}: parameters.attention.couplng = 'attention.couplng'" in stderr
    assert "did you mean attention.coupling" in stderr
    assert (
        f"{bad}: parameters.attention.coupling.high = 50.0: within attention.coupling's" in stderr
    )
    assert "[0, 20]" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()  # nothing ran, nothing was written


def test_sensitivity_command_on_a_small_sobol_sweep(tmp_path):
    p = tmp_path / "sobol.toml"
    p.write_text(
        f"""[sweep]
scenario = {str(BASE)!r}
method = "sobol"
samples = 2
days = 15
creators = 200
outcomes = ["gmv_mean", "feed_gini_mean"]

[parameters]
"attention.purchase_rate" = {{ low = 0.01, high = 0.1 }}
"attention.coupling" = {{ low = 0.0, high = 2.0 }}
"""
    )
    out = tmp_path / "out"
    proc = creatorsim("sweep", str(p), "--out", str(out), "--workers", "2")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "8 runs: 0 already done, 8 run now" in stdout
    for name in (
        "sweep.json",
        "sweep.parquet",
        "sensitivity.parquet",
        "sensitivity.txt",
        "sensitivity_gmv_mean.png",
        "sensitivity_feed_gini_mean.png",
    ):
        assert (out / name).stat().st_size > 0, name
    proc = creatorsim("sensitivity", str(out), "--outcome", "gmv_mean", "--resamples", "50")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "attention.purchase_rate" in stdout and "S1" in stdout
    assert "warnings:" in stdout  # 2 base samples are far too few: the command says so


def linear(x: np.ndarray) -> np.ndarray:
    """y = x1 + 2 x2 + 0 x3: on U(0, 1) inputs S1 = ST = (1/5, 4/5, 0) (variances 1 : 4 : 0)."""
    return x[:, 0] + 2.0 * x[:, 1] + 0.0 * x[:, 2]


def test_sensitivity_command_gives_the_known_indices_of_a_linear_model(tmp_path):
    import pyarrow.parquet as pq

    spec = SweepSpec(
        "linear",
        tuple(Factor(f"x{i}", 0.0, 1.0) for i in (1, 2, 3)),
        method="sobol",
        samples=256,
        root_seed=5,
    )
    out = tmp_path / "lin"
    run_sweep(spec, out, model=FunctionModel(linear, ("x1", "x2", "x3")), progress=False)
    proc = creatorsim("sensitivity", str(out), "--resamples", "200")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    rows = pq.read_table(out / "sensitivity.parquet").to_pylist()
    got = {(r["parameter"], r["index"]): r for r in rows if r["outcome"] == "y"}
    for p, share in (("x1", 0.2), ("x2", 0.8), ("x3", 0.0)):
        for index in ("S1", "ST"):
            r = got[(p, index)]
            assert r["value"] == pytest.approx(share, abs=0.05), (p, index, r["value"])
            assert r["ci_low"] <= r["value"] <= r["ci_high"]
    assert got[("x3", "ST")]["value"] < 0.01  # x3 does nothing, not even with the others
    assert got[("x2", "S1")]["ci_low"] > got[("x1", "S1")]["ci_high"]  # x2 clearly first
    line = next(ln for ln in stdout.splitlines() if ln.split()[:1] == ["x2"])
    assert f"{got[('x2', 'S1')]['value']:.3f} ±" in line  # the printed table shows it


def test_compare_command_prints_and_writes_the_comparison(tmp_path):
    variant = tmp_path / "richer.toml"
    variant.write_text('[scenario]\nname = "richer"\n[attention]\npurchase_rate = 0.09\n')
    out = tmp_path / "cmp"
    proc = creatorsim(
        "compare",
        str(BASE),
        str(variant),
        "--seeds",
        "3",
        "--days",
        "12",
        "--creators",
        "150",
        "--outcome",
        "gmv_mean",
        "--set",
        "time.burn_in_days=0",  # both arms (the variant file has the default burn-in)
        "--out",
        str(out),
    )
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "richer vs reported_2022 (3 paired seeds; 95% t intervals)" in stdout
    line = next(ln for ln in stdout.splitlines() if ln.strip().startswith("gmv_mean"))
    assert "*" in line and line.split()[-1] == "5"  # CI excludes 0; 5 seeds would halve it
    for name in ("compare.parquet", "runs.parquet", "compare.png", "compare.txt", "compare.json"):
        assert (out / name).stat().st_size > 0, name
