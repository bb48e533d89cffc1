"""Benchmark of the agent-based model: ns per creator-day, by stage, and peak memory.

Each size runs in a fresh subprocess so that its peak memory is its own::

    python benchmarks/bench_model.py                        # 10^4, 10^5, 10^6 creators, 30 days
    python benchmarks/bench_model.py --sizes 100000 --days 365 --by-stage   # the year target
    python benchmarks/bench_model.py --sizes 1000000 --days 3 --burn-in 0   # the memory target

The burn-in (``time.burn_in_days``, default 540 days: simulated, not reported) is timed apart
from the reported days; ``--burn-in N`` sets its length (0: none). ``--by-stage`` wraps each
stage function of :mod:`sim.stages` (and the recorder) in a timer and reports ns per
creator-day by stage group: contact, work, attention, ranking, strain, adaptation, turnover,
recorder (the wrappers cost well under 1% of a day). No timing is asserted anywhere.

Targets (issues 3 and 11 point 8): 10^5 creators for 365 reported days in under 60 s;
10^6 creators fit in 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("CREATORSIM_ROOT", Path(__file__).resolve().parents[1]))
#: The day's stages as (module of sim.stages, function), in the order of CreatorMarket.step;
#: the recorder's daily outcomes are timed as "recorder.record".
STAGES = (
    ("contact", "reach_out"), ("contact", "reply"), ("contact", "ship"), ("work", "create"),
    ("attention", "watch"), ("ranking", "score"), ("strain", "build_up"),
    ("strain", "measure_incentive"), ("adaptation", "adapt"), ("turnover", "leave_and_join"),
    ("adaptation", "remember"),
)
GROUPS = ("contact", "work", "attention", "ranking", "strain", "adaptation", "turnover",
          "recorder")
SCORING = "ranking.score"  # the scoring engine's stage (stage 4)


def one(n: int, days: int, seed: int, *, burn_in: int | None, by_stage: bool) -> dict:
    """Run one size and return its timings (seconds) and memory (bytes)."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from sim.model import CreatorMarket
    from sim.runtime import keep_freed_memory
    from sim.scenario import Scenario

    keep_freed_memory()
    import sim.stages
    from sim.recorder import Recorder

    phase = ["burn_in"]
    stage_time: dict[str, dict[str, float]] = {"burn_in": {}, "reported": {}}

    def timed(key, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc = stage_time[phase[0]]
                acc[key] = acc.get(key, 0.0) + time.perf_counter() - t

        return wrapper

    if by_stage:
        # CreatorMarket looks the stages up on their modules at call time: time them there.
        for mod, name in STAGES:
            module = getattr(sim.stages, mod)
            setattr(module, name, timed(f"{mod}.{name}", getattr(module, name)))
        Recorder.record = timed("recorder.record", Recorder.record)

    scenario = Scenario()
    if burn_in is not None:
        scenario = scenario.with_values({"time.burn_in_days": burn_in})
    t0 = time.perf_counter()
    model = CreatorMarket(scenario, rng=seed, n_creators=n)
    init = time.perf_counter() - t0
    burn_days = int(getattr(model, "burn_in_days", 0))
    t_b = time.perf_counter()
    if burn_days:
        model.burn_in()
    burn_s = time.perf_counter() - t_b
    phase[0] = "reported"
    t_run = time.perf_counter()
    model.run(days)
    run = time.perf_counter() - t_run

    def per_day(times: dict[str, float], d: int) -> dict[str, float]:
        return {k: v / (n * max(d, 1)) * 1e9 for k, v in times.items()}

    def grouped(times: dict[str, float]) -> dict[str, float]:
        out = dict.fromkeys(GROUPS, 0.0)
        for k, v in times.items():
            out[k.split(".")[0]] += v
        return out

    return {
        "creators": n,
        "days": days,
        "burn_in_days": burn_days,
        "init_s": init,
        "burn_in_s": burn_s,
        "run_s": run,
        "ns_per_creator_day": run / (n * days) * 1e9,
        "burn_in_ns_per_creator_day": burn_s / (n * max(burn_days, 1)) * 1e9,
        "stage_ns_per_creator_day": per_day(stage_time["reported"], days),
        "group_ns_per_creator_day": per_day(grouped(stage_time["reported"]), days)
        if by_stage else {},
        "burn_in_group_ns_per_creator_day": per_day(grouped(stage_time["burn_in"]), burn_days)
        if by_stage and burn_days else {},
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "load_before": os.getloadavg(),
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--days", type=int, default=30, help="reported days (after the burn-in)")
    ap.add_argument("--burn-in", type=int, default=None,
                    help="burn-in days (default: the scenario's time.burn_in_days)")
    ap.add_argument("--by-stage", action="store_true", help="time each stage function")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="save the results here")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        r = one(args.one, args.days, args.seed, burn_in=args.burn_in, by_stage=args.by_stage)
        print(json.dumps(r))
        return 0
    results = []
    for n in args.sizes:
        load = os.getloadavg()
        cmd = [sys.executable, __file__, "--one", str(n), "--days", str(args.days),
               "--seed", str(args.seed)]
        if args.burn_in is not None:
            cmd += ["--burn-in", str(args.burn_in)]
        if args.by_stage:
            cmd += ["--by-stage"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["load_before"] = load
        r["load_after"] = os.getloadavg()
        results.append(r)
        print(
            f"{n:>9,} creators: burn-in {r['burn_in_days']} days {r['burn_in_s']:7.1f} s "
            f"({r['burn_in_ns_per_creator_day']:6.0f} ns/creator-day); "
            f"{args.days} reported days {r['run_s']:7.1f} s "
            f"({r['ns_per_creator_day']:6.0f} ns/creator-day); "
            f"peak {r['peak_rss_bytes'] / 2**30:.2f} GiB; "
            f"load {load[0]:.2f} before, {r['load_after'][0]:.2f} after"
        )
        if args.by_stage:
            for label, key in (("reported", "group_ns_per_creator_day"),
                               ("burn-in", "burn_in_group_ns_per_creator_day")):
                if r[key]:
                    print(f"    {label} by stage (ns/creator-day): "
                          + ", ".join(f"{k} {v:.0f}" for k, v in r[key].items()))
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "date": time.strftime("%Y-%m-%d"), "root": str(ROOT)}
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
