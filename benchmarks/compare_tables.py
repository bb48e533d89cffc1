"""Bit-for-bit comparison of the model's tables between two source trees.

Runs every shipped scenario (``scenarios/*.toml``), and the :data:`VARIANTS` of the 2022
scenario, with each seed in both trees, each tree in its
own subprocess (its own ``sys.path``), and compares the daily, creators and lists tables column
by column: same columns in the same order, same dtypes, ``np.array_equal`` with NaN equal to
NaN. A refactoring that must not change a single number passes with "identical" on every line::

    python benchmarks/compare_tables.py --base /path/to/old/tree            # this tree as new
    python benchmarks/compare_tables.py --base OLD --new NEW --creators 2000 --seeds 0 1 2

Exit status 1 when any table differs.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("daily", "creators", "snapshots")
#: Variants of the reported 2022 scenario that reach code the shipped scenarios do not.
VARIANTS = {
    "imitation": {"adaptation.rule": "imitation", "adaptation.noise": 0.05},
    "no_turnover": {
        "turnover.exit_base": 0.0,
        "turnover.exit_burnout": 0.0,
        "turnover.viability_days": 3650,
        "turnover.entry_rate": 0.0,
    },
}


def dump(out: Path, scenarios: list[str], seeds: list[int], creators: int, days: int) -> None:
    """Run in the current tree (first on ``sys.path``) and pickle every table into ``out``."""
    from sim.run import run_scenario
    from sim.scenario import Scenario

    runs = {Path(path).stem: Scenario.from_toml(path) for path in scenarios}
    base = Scenario.from_toml(ROOT / "scenarios" / "reported_2022.toml")
    runs.update({name: base.with_values(v) for name, v in VARIANTS.items()})
    tables = {}
    for name, sc in runs.items():
        for seed in seeds:
            r = run_scenario(sc, seed=seed, days=days, creators=creators)
            tables[(name, seed)] = {t: getattr(r, t) for t in TABLES}
    out.write_bytes(pickle.dumps(tables))


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes, dtypes and values (NaN equal to NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def compare(old: dict, new: dict) -> list[str]:
    """One line per (scenario, seed, table): identical, or what differs."""
    lines = []
    for key in sorted(old):
        for t in TABLES:
            a, b = old[key][t], new[key][t]
            diff = []
            if list(a) != list(b):
                diff.append(f"columns {list(a)} != {list(b)}")
            diff += [c for c in a if c in b and not same(a[c], b[c])]
            rows = len(next(iter(a.values()))) if a else 0
            status = "identical" if not diff else "DIFFERS: " + ", ".join(diff)
            lines.append(
                f"{key[0]:>16} seed {key[1]} {t:>9} ({len(a)} cols x {rows} rows): {status}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", type=Path, required=True, help="the reference tree (before)")
    ap.add_argument("--new", type=Path, default=ROOT, help="the tree under test (default: this)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--creators", type=int, default=2000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    scenarios = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    if args.dump:
        dump(args.dump, scenarios, args.seeds, args.creators, args.days)
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, tree in (("base", args.base), ("new", args.new)):
            out = Path(tmp) / f"{label}.pkl"
            cmd = [
                sys.executable,
                __file__,
                "--base",
                str(args.base),
                "--dump",
                str(out),
                "--creators",
                str(args.creators),
                "--days",
                str(args.days),
                "--seeds",
                *map(str, args.seeds),
            ]
            env = {"PYTHONPATH": str(Path(tree).resolve()), "PATH": "/usr/bin:/bin"}
            subprocess.run(cmd, check=True, env=env, cwd=tree)
            results[label] = pickle.loads(out.read_bytes())
    lines = compare(results["base"], results["new"])
    print("\n".join(lines))
    bad = sum("DIFFERS" in line for line in lines)
    print(
        f"{len(lines) - bad} of {len(lines)} tables identical "
        f"({args.creators} creators x {args.days} days, seeds {args.seeds})"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
