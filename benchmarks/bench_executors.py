"""Benchmark of the experiment executors: overhead per run, and the pool's speed-up.

Two measurements, each through the full sweep path (design, seeds, executor, results store)::

    python benchmarks/bench_executors.py                 # both, 200 runs each
    python benchmarks/bench_executors.py --runs 200 --creators 300 --days 20 --workers 2

Start-up (opening the pool or cluster, importing the model's modules in every worker) is
timed apart from the sweep.

1. *Overhead per run*: a sweep of ``--runs`` runs of a function that costs nothing (the
   Ishigami function), so the time per run is the machinery's: submitting, pickling, running a
   task remotely, sending the result back, writing its Parquet file. For each executor: one
   process, a process pool of ``--workers``, a Dask ``LocalCluster`` of ``--workers``
   single-threaded processes on 127.0.0.1.
2. *Speed-up*: a sweep of ``--runs`` short runs of the model (``--creators`` x ``--days``, a
   Latin hypercube over the feed's coupling) on one process, then on the pool and on Dask;
   speed-up = serial wall time / parallel wall time (start-up included).
3. *Ceiling*: what the machine allows: ``--workers`` independent processes, no executor, each
   running its share of the same runs at the same time; ceiling = workers x (serial time per
   run) / (time per run when running side by side). A pool cannot beat it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


_WARM = "import sim.run, sim.experiments.runner, sim.experiments.models"


def _timed_sweep(spec, model, kind: str, workers: int) -> dict:
    from sim.experiments import open_executor, run_sweep

    t0 = time.perf_counter()
    if kind == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
        )
        opener = open_executor(scheduler=cluster.scheduler_address)
    else:
        cluster = None
        opener = open_executor(workers=1 if kind == "serial" else workers)
    try:
        with opener as ex:
            if kind != "serial":  # every worker up, with the model's modules, before the clock
                list(ex.map(exec, [_WARM] * 4 * workers))
            t1 = time.perf_counter()
            with tempfile.TemporaryDirectory() as d:
                res = run_sweep(spec, d, model=model, executor=ex, progress=False)
                assert res.report.ran == len(res.tasks) and not res.report.failed
            t2 = time.perf_counter()
    finally:
        if cluster is not None:
            cluster.close()
    runs = len(res.tasks)
    return {
        "executor": kind,
        "runs": runs,
        "startup_s": t1 - t0,
        "sweep_s": t2 - t1,
        "wall_s": t2 - t0,
        "per_run_ms": (t2 - t1) / runs * 1e3,
    }


def _chunk(runs: int, creators: int, days: int, first_seed: int) -> float:
    """Seconds per model run for ``runs`` runs in this process (imports not counted)."""
    from sim.run import run_scenario
    from sim.scenario import Scenario

    scenario = Scenario.from_toml(ROOT / "scenarios" / "reported_2022.toml")
    run_scenario(scenario, seed=first_seed, days=2, creators=creators, progress=False)
    t0 = time.perf_counter()
    for i in range(runs):
        run_scenario(scenario, seed=first_seed + i, days=days, creators=creators, progress=False)
    return (time.perf_counter() - t0) / runs


def _ceiling(runs: int, creators: int, days: int, workers: int) -> dict:
    import subprocess

    def start(n: int, first: int) -> subprocess.Popen:
        cmd = [sys.executable, __file__, "--chunk", str(n), str(creators), str(days), str(first)]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)

    alone = float(start(runs // workers, 0).communicate()[0])
    procs = [start(runs // workers, 1000 * (w + 1)) for w in range(workers)]
    side = [float(p.communicate()[0]) for p in procs]
    per_run = sum(side) / len(side)
    return {
        "alone_ms": alone * 1e3,
        "side_by_side_ms": per_run * 1e3,
        "ceiling": workers * alone / per_run,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--creators", type=int, default=300)
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--part", choices=("both", "overhead", "speedup"), default="both")
    ap.add_argument("--json", type=Path, help="save the results here")
    ap.add_argument("--chunk", type=int, nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.chunk:
        print(_chunk(*args.chunk))
        return 0

    from sim.experiments import Factor, FunctionModel, SweepSpec, ishigami, scenario_model

    kinds = ["serial", "pool"] + ([] if args.skip_dask else ["dask"])
    print(
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {args.runs} runs, "
        f"{args.workers} workers; load average before: {os.getloadavg()[0]:.2f}"
    )
    overhead, speed = [], []
    if args.part != "speedup":
        cheap = SweepSpec(
            "overhead",
            tuple(Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)),
            method="lhs",
            samples=args.runs,
            root_seed=1,
        )
        fn = FunctionModel(ishigami, ("x1", "x2", "x3"))
        overhead = [_timed_sweep(cheap, fn, k, args.workers) for k in kinds]
        print("\n1. overhead per run (a function that costs nothing):")
        for r in overhead:
            print(
                f"   {r['executor']:<7} start-up {r['startup_s']:6.2f} s   "
                f"{r['per_run_ms']:7.2f} ms per run"
            )
    if args.part != "overhead":
        model_spec = SweepSpec(
            "speedup",
            (Factor("attention.coupling", 0.0, 3.0),),
            method="lhs",
            samples=args.runs,
            root_seed=1,
            days=args.days,
            creators=args.creators,
            scenario_path=str(ROOT / "scenarios" / "reported_2022.toml"),
        )
        model = scenario_model(model_spec)
        speed = [_timed_sweep(model_spec, model, k, args.workers) for k in kinds]
        base = speed[0]["wall_s"]
        print(f"\n2. {args.runs} runs of {args.creators} creators x {args.days} days:")
        for r in speed:
            r["speedup"] = base / r["wall_s"]
            print(
                f"   {r['executor']:<7} {r['wall_s']:6.1f} s wall (start-up "
                f"{r['startup_s']:.1f} s, {r['per_run_ms']:.0f} ms per run)   "
                f"speed-up {r['speedup']:.2f}x"
            )
        ceiling = _ceiling(args.runs, args.creators, args.days, args.workers)
        print(
            f"\n3. ceiling: {args.workers} independent processes side by side take "
            f"{ceiling['side_by_side_ms']:.0f} ms per run against {ceiling['alone_ms']:.0f} ms "
            f"alone: at most {ceiling['ceiling']:.2f}x on this machine"
        )
        speed.append({"executor": "ceiling", **ceiling})
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        meta = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
            "args": vars(args) | {"json": str(args.json)},
        }
        args.json.write_text(
            json.dumps({"meta": meta, "overhead": overhead, "speedup": speed}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
