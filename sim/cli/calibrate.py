"""``creatorsim calibrate TARGETS --out DIR``: fit assumed parameters to stylised facts.

TARGETS is a targets file (TOML) or a shipped one's name (``creator_economy``, in
``scenarios/targets/``). The command validates it, runs ABC-SMC (pyabc) over the model and
writes the posterior, the facts table, figures, a scenario snippet and ``calibration.json``
into DIR (:mod:`sim.calibration.calibrate`), all or nothing. Needs the ``calibration`` extra
(pyabc); ``--scheduler`` also needs the ``experiments`` extra (Dask).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import targets_path
from .args import int_at_least

__all__ = ["add_parsers", "calibrate"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` subcommand."""
    c = sub.add_parser(
        "calibrate",
        help="fit a scenario's assumed parameters to public stylised facts (ABC-SMC)",
        description="Fit the parameters listed in TARGETS' [parameters] table (uniform priors) "
        "so that runs of the model reproduce its facts (role 'target'), by approximate "
        "Bayesian computation (pyabc's ABC-SMC); then run the model at posterior draws and "
        "compare every fact with its target. Writes posterior.parquet, facts.parquet, "
        "facts.md, fig_posterior.png, fig_facts.png, calibrated.toml and calibration.json "
        "to --out, all or nothing. The same TARGETS, seed and mode give the same posterior, "
        "whatever --workers or --scheduler.",
    )
    c.add_argument(
        "targets",
        metavar="TARGETS",
        help="a targets TOML file, or a shipped one's name (creator_economy)",
    )
    c.add_argument("--out", metavar="DIR", required=True, help="folder for the outputs")
    c.add_argument(
        "--quick",
        action="store_true",
        help="the targets file's [quick] settings: a small population and few particles (CI)",
    )
    c.add_argument(
        "--seed",
        type=int_at_least(0, "a seed"),
        default=0,
        metavar="S",
        help="random seed (an integer >= 0, default 0); one seed fixes the whole calibration",
    )
    c.add_argument(
        "--workers",
        type=int_at_least(1, "a number of worker processes"),
        default=1,
        metavar="N",
        help="local worker processes for the model runs (default 1: this process)",
    )
    c.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="address of a Dask scheduler (host:port) to run the model runs on instead",
    )
    c.set_defaults(handler=calibrate)


def calibrate(args: argparse.Namespace) -> int:
    """Run ``creatorsim calibrate``; returns the exit status."""
    from ..calibration import calibrate as run_calibration
    from ..calibration import load_targets
    from ..extras import require

    require("calibration", "creatorsim calibrate", ("pyabc",))
    if args.scheduler:
        require("experiments", "creatorsim calibrate --scheduler", ("distributed",))
    targets = load_targets(targets_path(args.targets))
    out = Path(args.out)

    def say(msg: str) -> None:
        print(f"calibrate: {msg}", file=sys.stderr, flush=True)

    doc = run_calibration(
        targets,
        out,
        seed=args.seed,
        quick=args.quick,
        workers=args.workers,
        scheduler=args.scheduler,
        log=say,
    )
    print(f"calibrated on {targets.name} (seed {args.seed}) -> {out}")
    for key, p in doc["posterior"].items():
        print(f"  {key}: median {p['median']:.4g} (5-95 %: {p['q05']:.4g} to {p['q95']:.4g})")
    within = sum(f["within"] for f in doc["facts"].values())
    print(f"  facts within their target range: {within} of {len(doc['facts'])} (facts.md)")
    print(f"  total {doc['timings']['total_s']:.1f} s")
    return 0
