"""The experiment subcommands of ``creatorsim``: ``compare``, ``sweep``, ``sensitivity``.

They parse arguments and call the :mod:`sim.experiments` API; :mod:`sim.cli.commands` registers
them with :func:`add_parsers`. A bad sweep file or a bad option ends with the list of problems
and exit status 2 before any run starts; a sweep whose runs partly failed ends with status 1
(the failures are recorded). ``sweep`` and ``sensitivity`` need the ``experiments`` extra
(SALib), ``--scheduler`` needs Dask's ``distributed`` (same extra): without it the command ends
with one line naming the extra (status 1).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from scoring.params import ConfigError

from ..data import sweep_path
from ..extras import require
from .args import int_at_least, key_value, key_values, safe_name
from .scenarios import apply_set, load_scenario

__all__ = ["add_parsers", "compare", "sensitivity", "sweep"]


class _RenamedSkipDays(argparse.Action):
    """``compare --burn-in``, renamed ``--skip-days``: an error naming what replaced it.

    Not a silent alias: the old name reads as the model's burn-in (``time.burn_in_days``),
    the days simulated before day 0, so a value meant for it would quietly drop reported days
    from the means instead.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(
            f"{option_string} was renamed --skip-days (reported days left out of the outcome "
            "means); the model's burn-in before day 0 is set with --set time.burn_in_days=N"
        )


def _executor_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--workers",
        type=int_at_least(1, "a number of processes"),
        metavar="N",
        help="run on a local pool of N processes (default: one process)",
    )
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:PORT); "
        "default: $DASK_SCHEDULER_ADDRESS if set",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--retry-failed", action="store_true", help="run again the runs recorded as failed"
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare``, ``sweep`` and ``sensitivity`` subcommands."""
    from ..experiments.rules import RULES
    from ..experiments.summary import outcome_names

    c = sub.add_parser(
        "compare",
        help="compare scenarios on the same seeds: paired differences with 95%% CIs",
        description="Run BASE and each VARIANT on the same --seeds seeds (common random "
        "numbers) and report, for every outcome, each arm's mean, the paired difference with "
        "a 95% t interval and how many seeds would halve it. Writes compare.txt, "
        "compare.parquet (tidy), runs.parquet and compare.png (forest plot) to --out; the runs "
        "are stored there too, so a rerun only runs what is missing.",
    )
    c.add_argument(
        "scenarios",
        metavar="SCENARIO",
        nargs="+",
        help="BASE VARIANT ... (TOML files or shipped scenario names)",
    )
    c.add_argument(
        "--seeds",
        type=int_at_least(2, "a number of seeds"),
        default=10,
        metavar="K",
        help="seeds per scenario (default 10)",
    )
    c.add_argument(
        "--root-seed",
        type=int_at_least(0, "a seed"),
        default=0,
        metavar="S",
        help="the SeedSequence root the K seeds are spawned from (default 0)",
    )
    c.add_argument(
        "--days",
        type=int_at_least(1, "a number of days"),
        default=180,
        metavar="D",
        help="days per run (default 180)",
    )
    c.add_argument(
        "--creators",
        type=int_at_least(10, "a number of creators"),
        metavar="N",
        help="creators per run (default: each scenario's population.creators)",
    )
    c.add_argument(
        "--skip-days",
        type=int_at_least(0, "a number of days"),
        metavar="B",
        help="reported days left out of the outcome means (default: the first third); the "
        "model's own burn-in (time.burn_in_days) runs before day 0 and is never reported",
    )
    c.add_argument("--burn-in", nargs="?", action=_RenamedSkipDays, help=argparse.SUPPRESS)
    c.add_argument(
        "--set",
        dest="values",
        action="append",
        type=key_value,
        metavar="KEY=VALUE",
        help="override a scenario key in every arm, e.g. --set time.burn_in_days=0 "
        "(repeatable; VALUE is read as a TOML value, else as text)",
    )
    c.add_argument(
        "--outcome",
        action="append",
        choices=outcome_names(),
        metavar="NAME",
        help="report only this outcome (repeatable; default: all)",
    )
    c.add_argument("--out", metavar="DIR", help="output folder (default: out/compare-<names>)")
    r = c.add_argument_group(
        "robustness (issue 11)",
        "Run the comparison once per learning rule and/or posterior point, on the same seeds, "
        "and write rules.txt and rules.parquet (each effect per setting with its label: robust, "
        "conditional: under ..., not found, contradictory, constant) beside one compare folder "
        "per setting (rule-<rule>[-<point>]/).",
    )
    r.add_argument(
        "--rules",
        type=_rules_arg,
        metavar="RULES",
        help="all, or a comma list of " + ", ".join(RULES) + " (adaptation.rule of both arms)",
    )
    r.add_argument(
        "--posterior",
        metavar="FILE",
        help="a posterior summary (JSON or TOML: per scenario key its median, q05, q95; the "
        "calibration.json of creatorsim calibrate): run at the median and at --at",
    )
    r.add_argument(
        "--at",
        type=_points_arg,
        metavar="POINTS",
        help="posterior points besides the median, a comma list of q05, q95 (default with "
        "--posterior: q05,q95); every fitted key at that quantile at once",
    )
    _executor_options(c)
    c.set_defaults(handler=compare)

    s = sub.add_parser(
        "sweep",
        help="run a sweep file: a grid, Latin hypercube, Sobol or Morris design over parameters",
        description="Run the sweep FILE (see docs/experiments.md) into --out: a Parquet file "
        "per run, sweep.json (the plan) and sweep.parquet (a row per run); for Sobol and "
        "Morris designs also the sensitivity tables and plots. The file is checked before any "
        "run starts. Run the same command again to finish an interrupted sweep: only missing "
        "runs run.",
    )
    s.add_argument(
        "sweep",
        metavar="FILE",
        help="sweep TOML file, or a shipped sweep's name (creatorsim scenarios)",
    )
    s.add_argument("--out", metavar="DIR", help="output folder (default: out/sweep-<name>)")
    _executor_options(s)
    s.set_defaults(handler=sweep)

    a = sub.add_parser(
        "sensitivity",
        help="Sobol indices or Morris screening of a finished sweep",
        description="Analyse the sweep in DIR (its --out folder): Sobol first-order and total "
        "indices with intervals (method sobol) or Morris mu*/sigma (method morris) for each "
        "outcome; writes sensitivity.parquet, sensitivity.txt and a plot per outcome.",
    )
    a.add_argument("dir", metavar="DIR", help="the output folder of a sweep")
    a.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="analyse this outcome (repeatable; default: the sweep file's outcomes, else all)",
    )
    a.add_argument(
        "--resamples",
        type=int_at_least(10, "a number of resamples"),
        default=1000,
        metavar="N",
        help="bootstrap resamples for the intervals (default 1000)",
    )
    a.set_defaults(handler=sensitivity)


def _rules_arg(text: str) -> tuple[str, ...]:
    from ..experiments.rules import parse_rules

    try:
        return parse_rules(text, what="")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None


def _points_arg(text: str) -> tuple[str, ...]:
    from ..experiments.rules import parse_points

    try:
        return parse_points(text, what="")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None


def _need_scheduler_extra(args: argparse.Namespace, command: str) -> None:
    import os

    from ..experiments.executors import SCHEDULER_ENV

    if args.scheduler or (args.workers is None and os.environ.get(SCHEDULER_ENV)):
        require("experiments", f"creatorsim {command} on a Dask cluster", ("distributed",))


def _check_out_folder(out: Path) -> None:
    """Refuse an output folder that cannot be one, before any run (the path named)."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder; give a folder")
    p = out
    while not p.exists():
        p = p.parent
    if not p.is_dir():
        raise ValueError(f"--out {out}: {p} is a file, so the folder cannot be created")
    if not os.access(p, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out}: {p} is not writable")


def compare(args: argparse.Namespace) -> int:
    """Run ``creatorsim compare``; returns the exit status."""
    from ..experiments.comparison import compare as run_comparison

    _need_scheduler_extra(args, "compare")
    scenarios = [load_scenario(p) for p in args.scenarios]
    values = key_values(args.values)
    scenarios = [apply_set(s, values) for s in scenarios]
    if len(scenarios) < 2:
        print(
            "creatorsim compare: error: give a base scenario and at least one variant",
            file=sys.stderr,
        )
        return 2
    if args.at and not args.posterior:
        print(
            "creatorsim compare: error: --at needs --posterior FILE (the quantiles come from it)",
            file=sys.stderr,
        )
        return 2
    names = "-vs-".join(safe_name(s.name) for s in scenarios[:3])
    out = Path(args.out) if args.out else Path("out") / f"compare-{names}"
    _check_out_folder(out)
    if args.rules or args.posterior:
        return _compare_settings(args, scenarios, out)
    result = run_comparison(scenarios, **_comparison_options(args, out))
    for line in result.warnings:
        print(f"creatorsim: warning: {line}", file=sys.stderr)
    print(result.text())
    print(f"creatorsim: {result.report}")
    dropped = result.dropped_from_plot()
    if dropped:
        print(
            f"compare.png leaves out {len(dropped)} outcome(s) constant by construction or "
            "with a base mean about 0 (named under its axis)"
        )
    print(f"wrote {out}/: " + ", ".join(p.name for p in result.files))
    return 1 if result.report.failed or result.report.skipped_failed else 0


def _comparison_options(args: argparse.Namespace, out: Path) -> dict:
    """The options ``compare`` passes to every comparison, with or without ``--rules``."""
    return {
        "seeds": args.seeds,
        "root_seed": args.root_seed,
        "days": args.days,
        "creators": args.creators,
        "burn_in_days": args.skip_days,  # days left out of the means (--skip-days)
        "outcomes": args.outcome,
        "out_dir": out,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "retry_failed": args.retry_failed,
        "progress": False if args.no_progress else None,
    }


def _compare_settings(args: argparse.Namespace, scenarios: list, out: Path) -> int:
    """``compare --rules/--posterior``: the comparison in every setting, then rules.txt/.parquet.

    The summary files are written last, each atomically, so the folder holds them complete or
    not at all; the per-setting folders are ``compare``'s own (a rerun runs only what is
    missing).
    """
    from ..experiments.rules import compare_rules
    from ..io import write_parquet, write_text

    try:
        result = compare_rules(
            scenarios[0],
            *scenarios[1:],
            rules=args.rules,
            posterior=args.posterior,
            at=(args.at or ("q05", "q95")) if args.posterior else (),
            **_comparison_options(args, out),
        )
    except ValueError as exc:
        if not str(exc).startswith("posterior "):  # the file's errors; any other is a bug
            raise
        print(f"creatorsim compare: error: --{exc}", file=sys.stderr)  # before any run
        return 2
    warnings = dict.fromkeys(w for c in result.comparisons.values() for w in c.warnings)
    for line in warnings:
        print(f"creatorsim: warning: {line}", file=sys.stderr)
    print(result.text())
    for label, cmp in result.comparisons.items():
        print(f"creatorsim: {label}: {cmp.report}")
    write_parquet(result.table(), out / "rules.parquet")
    write_text(result.text(), out / "rules.txt")
    folders = ", ".join(s.folder + "/" for s in result.settings)
    print(f"wrote {out}/: rules.txt, rules.parquet, {folders}")
    return 1 if result.failed() else 0


def sweep(args: argparse.Namespace) -> int:
    """Run ``creatorsim sweep``; returns the exit status."""
    require("experiments", "creatorsim sweep", ("SALib",))
    _need_scheduler_extra(args, "sweep")
    from ..experiments.design import load_sweep
    from ..experiments.sensitivity import analyse_sweep, write_sensitivity
    from ..experiments.sweep import run_sweep
    from ..io import write_parquet

    # a bad file, or design points the scenario rejects: either way before any run
    try:
        spec = load_sweep(sweep_path(args.sweep))
        out = Path(args.out) if args.out else Path("out") / f"sweep-{safe_name(spec.name)}"
        _check_out_folder(out)
        result = run_sweep(
            spec,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            retry_failed=args.retry_failed,
            progress=False if args.no_progress else None,
        )
    except ConfigError as exc:
        print(f"creatorsim sweep: error: {exc}", file=sys.stderr)
        return 2
    write_parquet(result.table(), out / "sweep.parquet")
    assert result.report is not None
    print(
        f"creatorsim: sweep {spec.name} ({spec.method}, {len(result.design)} points x "
        f"{spec.seeds} seeds): {result.report}"
    )
    failures = result.failures()
    for f in failures[:5]:
        print(
            f"  failed {f['key']} (seed {f['seed']}, {f.get('values')}): {f['error']}",
            file=sys.stderr,
        )
    if failures:
        print(
            f"creatorsim: {len(failures)} run(s) failed, recorded in {out}/failed/; rerun with "
            "--retry-failed",
            file=sys.stderr,
        )
        return 1
    files = ["sweep.json", "sweep.parquet", "runs/"]
    if spec.method in ("sobol", "morris"):
        sens = analyse_sweep(result)
        files += [p.name for p in write_sensitivity(sens, out)]
        print(sens.text())
    print(f"wrote {out}/: " + ", ".join(files))
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    """Run ``creatorsim sensitivity``; returns the exit status."""
    require("experiments", "creatorsim sensitivity", ("SALib",))
    from ..experiments.sensitivity import analyse_sweep, write_sensitivity

    result = analyse_sweep(args.dir, outcomes=args.outcome, resamples=args.resamples)
    files = write_sensitivity(result, args.dir)
    print(result.text())
    print(f"wrote {args.dir}/: " + ", ".join(p.name for p in files))
    return 0
