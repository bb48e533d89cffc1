"""``creatorsim run SCENARIO --seed S`` and ``creatorsim explain SCENARIO``.

``run`` runs the agent-based model (:func:`sim.run.run_scenario`) and writes its tables,
figures, report and ``run.json``; ``explain`` prints every parameter of a scenario with its
value, default, unit and provenance. SCENARIO is a TOML file or a shipped scenario's name
(``creatorsim scenarios`` lists them).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .args import int_at_least, key_value, key_values, safe_name
from .scenarios import apply_set, load_scenario

__all__ = ["SET_HELP", "add_parsers", "explain", "run"]

SCENARIO_HELP = "a scenario TOML file, or a shipped scenario's name (creatorsim scenarios)"
SET_HELP = (
    "override a scenario key for this run, e.g. --set time.burn_in_days=0 or --set "
    "adaptation.rule=imitation (repeatable; VALUE is read as a TOML value, else as text; "
    "recorded in run.json under overrides)"
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` and ``explain`` subcommands."""
    r = sub.add_parser(
        "run",
        help="run the agent-based model under a scenario and write tables, figures, a report",
        description="Simulate creators and merchants under SCENARIO for --days days with seed "
        "--seed; write daily.parquet, creators.parquet, lists.parquet, figures, report.md and "
        "run.json to --out, and print the main outcomes. The same scenario and seed give the "
        "same results.",
    )
    r.add_argument("scenario", metavar="SCENARIO", help=SCENARIO_HELP)
    r.add_argument(
        "--seed",
        type=int_at_least(0, "a seed"),
        default=0,
        metavar="S",
        help="random seed (an integer >= 0; default 0, recorded in run.json); one seed fixes "
        "the whole run",
    )
    r.add_argument(
        "--days",
        type=int_at_least(1, "a number of days"),
        metavar="D",
        help="days to simulate (default: 180, sim.run.DEFAULT_DAYS)",
    )
    r.add_argument(
        "--creators",
        type=int_at_least(10, "a number of creators"),
        metavar="N",
        help="creators at the start (default: the scenario's population.creators); refused "
        "if the run would not fit in the available memory",
    )
    r.add_argument(
        "--out",
        metavar="DIR",
        help="folder for the outputs (default: out/<scenario name>-seed<S>); replaced as a "
        "whole when the run is complete (run.json, written last, marks a complete run)",
    )
    r.add_argument(
        "--overwrite",
        action="store_true",
        help="replace --out even if it is a non-empty folder that holds no creatorsim run",
    )
    r.add_argument(
        "--set",
        dest="values",
        action="append",
        type=key_value,
        metavar="KEY=VALUE",
        help=SET_HELP,
    )
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.set_defaults(handler=run)

    e = sub.add_parser(
        "explain",
        help="list every parameter of a scenario with its default, unit and provenance",
        description="Print every parameter of SCENARIO: key, value, default, unit and "
        "provenance (the mechanic number from docs/mechanics.md, or 'assumed' with the "
        "reason), marking the ones the file sets.",
    )
    e.add_argument("scenario", metavar="SCENARIO", help=SCENARIO_HELP)
    e.add_argument("--doc", action="store_true", help="also print what each parameter means")
    e.set_defaults(handler=explain)


def run(args: argparse.Namespace) -> int:
    """Run ``creatorsim run``; returns the exit status."""
    from ..report import TAIL_DAYS, summary_lines
    from ..run import run_scenario

    scenario = load_scenario(args.scenario)
    values = key_values(args.values)
    apply_set(scenario, values)  # a bad --set: one error naming it, before any folder
    default_out = Path("out") / f"{safe_name(scenario.name, 'scenario')}-seed{args.seed}"
    out = Path(args.out) if args.out else default_out
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder; give a folder")
    result = run_scenario(
        scenario,
        seed=args.seed,
        days=args.days,
        creators=args.creators,
        out_dir=out,
        progress=not args.no_progress,
        overwrite=args.overwrite,
        values=values,
    )
    t = result.timings
    print(
        f"creatorsim: ran {scenario.name} ({args.scenario}), seed {result.seed}: "
        f"{result.n_creators:,} creators, {result.days} days in {t['run_s']:.1f} s "
        f"(after a burn-in of {result.metadata['burn_in_days']} days in "
        f"{t['burn_in_s']:.1f} s)"
    )
    print(f"\nmean of the last {min(TAIL_DAYS, result.days)} days:")
    for line in summary_lines(result.daily):
        print(f"  {line}")
    print(f"\nwrote {out}/: " + ", ".join(sorted(result.files)))
    print(f"report: {result.files['report.md']}")
    return 0


def explain(args: argparse.Namespace) -> int:
    """Run ``creatorsim explain``; returns the exit status."""
    from ..report import fmt_value, provenance

    scenario = load_scenario(args.scenario)
    rows = []
    for key, value, default, info, was_set in scenario.parameters():
        mark = ("*" if value != default else "=") if was_set else ""
        rows.append(
            (mark, key, fmt_value(value), fmt_value(default), info.unit, provenance(info), info.doc)
        )
    print(f"scenario {scenario.name} ({args.scenario})")
    if scenario.description:
        print(scenario.description)
    print(f"hash {scenario.hash}")
    n_set = sum(1 for r in rows if r[0])
    n_changed = sum(1 for r in rows if r[0] == "*")
    n_assumed = sum(1 for r in rows if r[5].startswith("assumed"))
    print(
        f"{len(rows)} parameters; the file sets {n_set}, {n_changed} of them away from the "
        f"default; {n_assumed} are assumed (the model's guesses; the rest cite docs/mechanics.md)."
    )
    print("marks: * the file changes it from the default, = the file sets it to the default")
    print(
        "provenance is that of the default: a value the file changes is the file's choice "
        "(its comments should cite the mechanic)\n"
    )
    head = ("", "key", "value", "default", "unit", "provenance of the default")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]

    def line(r: Sequence[str]) -> str:
        cells = [f"{c:<{w}}" for c, w in zip(r[:5], widths, strict=True)]
        return "  ".join([*cells, r[5]]).rstrip()

    from ..report import unreachable_changes

    for key, why in unreachable_changes(scenario):
        print(
            f"creatorsim: warning: {key} is changed but cannot change any outcome in this "
            f"scenario: {why}",
            file=sys.stderr,
        )
    print(line(head))
    section = None
    for r in rows:
        top = r[1].rsplit(".", 1)[0]  # the TOML table the key is set in
        if top != section:
            section = top
            print(f"[{section}]")
        print(line(r))
        if args.doc:
            print(" " * (widths[0] + 2) + f"  {r[6]}")
    return 0
