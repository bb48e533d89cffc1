"""Benchmark of the agent-based model: ns per creator-day, per stage, and peak memory.

Each size runs in a fresh subprocess so that its peak memory is its own::

    python benchmarks/bench_model.py                       # 10^4, 10^5, 10^6 creators, 30 days
    python benchmarks/bench_model.py --sizes 100000 --days 365   # the year target

Targets (issue 3): 10^5 creators for 365 days in under 60 s; 10^6 creators fit in
4 GB; the cost per creator-day within 3x of the scoring update alone (stage 4).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The day's stages as (module of sim.stages, function), in the order of CreatorMarket.step;
#: the recorder's daily outcomes are timed as "recorder.record".
STAGES = (
    ("contact", "reach_out"), ("contact", "reply"), ("contact", "ship"), ("work", "create"),
    ("attention", "watch"), ("ranking", "score"), ("strain", "build_up"),
    ("strain", "measure_incentive"), ("adaptation", "adapt"), ("turnover", "leave_and_join"),
    ("adaptation", "remember"),
)
SCORING = "ranking.score"  # the scoring engine's stage (stage 4)


def one(n: int, days: int, seed: int) -> dict:
    """Run one size and return its timings (seconds) and memory (bytes)."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from sim.model import CreatorMarket
    from sim.runtime import keep_freed_memory
    from sim.scenario import Scenario

    keep_freed_memory()
    import sim.stages
    from sim.recorder import Recorder

    stage_time: dict[str, float] = {}

    def timed(key, fn):
        stage_time[key] = 0.0

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stage_time[key] += time.perf_counter() - t

        return wrapper

    # CreatorMarket.step looks the stages up on their modules at call time: time them there.
    for mod, name in STAGES:
        module = getattr(sim.stages, mod)
        setattr(module, name, timed(f"{mod}.{name}", getattr(module, name)))
    Recorder.record = timed("recorder.record", Recorder.record)

    t0 = time.perf_counter()
    # the burn-in is timed as ordinary days: time a run without it
    model = CreatorMarket(Scenario().with_values({"time.burn_in_days": 0}), rng=seed, n_creators=n)
    init = time.perf_counter() - t0
    t_run = time.perf_counter()
    model.run(days)
    run = time.perf_counter() - t_run
    windows = model.market.scoring.windows
    state_bytes = sum(
        a.nbytes
        for ring in (windows._ring, windows._old)
        for a in ring.values()
    ) + sum(a.nbytes for w in windows.sums.values() for a in w.values())
    return {
        "creators": n,
        "days": days,
        "init_s": init,
        "run_s": run,
        "ns_per_creator_day": run / (n * days) * 1e9,
        "stage_ns_per_creator_day": {k: v / (n * days) * 1e9 for k, v in stage_time.items()},
        "scoring_state_bytes": int(state_bytes),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="save the results here")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.days, args.seed)))
        return 0
    results = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--days", str(args.days),
               "--seed", str(args.seed)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        st = r["stage_ns_per_creator_day"]
        ratio = r["ns_per_creator_day"] / st[SCORING]
        print(
            f"{n:>9,} creators x {args.days} days: {r['run_s']:7.1f} s, "
            f"{r['ns_per_creator_day']:6.0f} ns/creator-day ({ratio:.1f}x the scoring stage), "
            f"peak {r['peak_rss_bytes'] / 2**30:.2f} GiB"
        )
        print("    per stage (ns/creator-day): "
              + ", ".join(f"{k} {v:.0f}" for k, v in st.items()))
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "date": time.strftime("%Y-%m-%d")}
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
