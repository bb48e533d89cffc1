"""The ``creatorsim`` command line.

``creatorsim score DATASET`` ranks a dataset of creator activity under a scenario's scoring
policy and prints the lists; ``--explain`` breaks one creator's score down; ``--out`` writes the
tidy tables. ``creatorsim run SCENARIO --seed S`` runs the agent-based model and writes its
tables, figures and report (``sim.run``); ``creatorsim explain SCENARIO`` lists every parameter
with its value, default, unit and provenance. ``creatorsim compare``, ``sweep`` and
``sensitivity`` run experiments (``sim.experiments``); a bad sweep file exits with status 2
before any run. ``creatorsim validate musiclab DATA.json`` replays MusicLab with the attention
market (``sim.validation``). Bad arguments and bad data end with a message
naming the problem and exit status 2 (usage) or 1 (data or scenario), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring import (
    LISTS,
    WINDOW_DAYS,
    ConfigError,
    DataError,
    ScoringPolicy,
    __version__,
    load_dataset,
    score_dataset,
    write_tables,
)
from sim.runtime import keep_freed_memory

__all__ = ["main"]


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"{v} is not allowed: use an integer >= 1")
    return v


def _day(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day number (an integer >= 0)"
        ) from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"{v} is not allowed: day numbers start at 0")
    return v


def _int_at_least(low: int, what: str):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what} (an integer >= {low})"
            ) from None
        if v < low:
            raise argparse.ArgumentTypeError(f"{v} is not allowed: use an integer >= {low}")
        return v

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="creatorsim",
        description="Simulate, score and audit creator ranking lists "
        "(TikTok Shop's Creator Ranking List as reported in 2022).",
    )
    p.add_argument("--version", action="version", version=f"creatorsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser(
        "score",
        help="rank a dataset of creator activity under a scoring policy",
        description="Rank the creators of DATASET (a folder of CSV or Parquet tables, see "
        "docs/data.md) for a window ending on a day, and print the lists per category.",
    )
    s.add_argument(
        "dataset", metavar="DATASET", help="folder holding creators.csv, activity.csv, ..."
    )
    s.add_argument(
        "--scenario",
        metavar="FILE",
        help="scenario TOML whose [scoring] table sets the policy "
        "(default: the 2022 reading, as in scenarios/reported_2022.toml)",
    )
    s.add_argument(
        "--day",
        type=_day,
        metavar="D",
        help="last day of the window (default: last day of the data)",
    )
    s.add_argument("--window", choices=tuple(WINDOW_DAYS), default="week", help="default: week")
    s.add_argument(
        "--list",
        dest="lists",
        action="append",
        choices=LISTS,
        metavar="LIST",
        help="show only this list (repeatable); one of " + ", ".join(LISTS),
    )
    s.add_argument("--category", action="append", metavar="NAME", help="show only this category")
    s.add_argument("--top", type=_positive_int, default=10, metavar="N", help="rows per list (10)")
    s.add_argument("--explain", metavar="CREATOR_ID", help="explain one creator's score")
    s.add_argument("--out", metavar="DIR", help="write lists, indices, samples, eligibility here")
    s.add_argument("--format", choices=("csv", "parquet"), default="csv", help="for --out")

    r = sub.add_parser(
        "run",
        help="run the agent-based model under a scenario and write tables, figures, a report",
        description="Simulate creators and merchants under SCENARIO for --days days with seed "
        "--seed; write daily.parquet, creators.parquet, lists.parquet, figures, report.md and "
        "run.json to --out, and print the main outcomes. The same scenario and seed give the "
        "same results.",
    )
    r.add_argument("scenario", metavar="SCENARIO", help="scenario TOML file (see scenarios/)")
    r.add_argument(
        "--seed",
        type=_int_at_least(0, "a seed"),
        required=True,
        metavar="S",
        help="random seed (an integer >= 0); one seed fixes the whole run",
    )
    r.add_argument(
        "--days",
        type=_int_at_least(1, "a number of days"),
        metavar="D",
        help="days to simulate (default: 180, sim.run.DEFAULT_DAYS)",
    )
    r.add_argument(
        "--creators",
        type=_int_at_least(10, "a number of creators"),
        metavar="N",
        help="creators at the start (default: the scenario's population.creators)",
    )
    r.add_argument(
        "--out",
        metavar="DIR",
        help="folder for the outputs (default: out/<scenario name>-seed<S>)",
    )
    r.add_argument("--no-progress", action="store_true", help="no progress bar")

    e = sub.add_parser(
        "explain",
        help="list every parameter of a scenario with its default, unit and provenance",
        description="Print every parameter of SCENARIO: key, value, default, unit and "
        "provenance (the mechanic number from MECHANICS.md, or 'assumed' with the reason), "
        "marking the ones the file sets.",
    )
    e.add_argument("scenario", metavar="SCENARIO", help="scenario TOML file (see scenarios/)")
    e.add_argument("--doc", action="store_true", help="also print what each parameter means")

    from sim.experiments.cli import add_parsers as add_experiment_parsers

    add_experiment_parsers(sub)  # compare, sweep, sensitivity (sim.experiments)
    from sim.validation import add_subparser as add_validation_parser

    add_validation_parser(sub)  # validate musiclab (sim.validation)
    return p


def _print_lists(result, lists: Sequence[str], categories: Sequence[str], top: int) -> None:
    scores = result.scores
    print(
        f"creatorsim: {result.dataset.path}: {result.window} window ending day {result.day}; "
        f"{int(scores.eligible.sum())} of {scores.eligible.size} creators eligible"
    )
    for c, cat in enumerate(result.categories):
        if cat not in categories:
            continue
        for name in lists:
            rl = scores.lists[name]
            members = rl.category_slice(c)[:top]
            vals = rl.score[rl.offsets[c] : rl.offsets[c] + members.size]
            print(f"\n[{cat}] {name} list (top {top})")
            if members.size == 0:
                print("  (nobody eligible)")
            for pos, (i, v) in enumerate(zip(members, vals, strict=True), start=1):
                shown = f"GMV {v / 100.0:,.2f}" if name == "gmv" else f"score {v:.4f}"
                print(f"  {pos:>3}. {result.creator_ids[i]:<16} {shown}")


def _score(args: argparse.Namespace) -> int:
    policy = ScoringPolicy.from_toml(args.scenario) if args.scenario else ScoringPolicy()
    if args.window not in policy.windows:
        raise ValueError(
            f"--window {args.window!r} is not computed by the scenario's policy; its windows: "
            + ", ".join(policy.windows)
        )
    dataset = load_dataset(args.dataset)
    day = dataset.n_days - 1 if args.day is None else args.day
    result = score_dataset(dataset, policy, day=day, window=args.window)
    categories = args.category or list(result.categories)
    unknown = [c for c in categories if c not in result.categories]
    if unknown:
        raise ValueError(
            f"--category {unknown[0]!r} is not in the data; allowed: "
            + ", ".join(result.categories)
        )
    if args.explain is not None:
        print(result.explain(args.explain), end="")
    else:
        _print_lists(result, args.lists or list(LISTS), categories, args.top)
    if args.out:
        for path in write_tables(result, args.out, fmt=args.format):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario"


def _run(args: argparse.Namespace) -> int:
    from sim.scenario import Scenario

    scenario = Scenario.from_toml(args.scenario)
    from sim.report import TAIL_DAYS, summary_lines
    from sim.run import run_scenario

    default_out = Path("out") / f"{_safe_name(scenario.name)}-seed{args.seed}"
    out = Path(args.out) if args.out else default_out
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} exists and is not a folder")
    result = run_scenario(
        scenario,
        seed=args.seed,
        days=args.days,
        creators=args.creators,
        out_dir=out,
        progress=not args.no_progress,
    )
    t = result.timings
    print(
        f"creatorsim: ran {scenario.name} ({args.scenario}), seed {result.seed}: "
        f"{result.n_creators:,} creators, {result.days} days in {t['run_s']:.1f} s"
    )
    print(f"\nmean of the last {min(TAIL_DAYS, result.days)} days:")
    for line in summary_lines(result.daily):
        print(f"  {line}")
    print(f"\nwrote {out}/: " + ", ".join(sorted(result.files)))
    print(f"report: {result.files['report.md']}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sim.report import fmt_value, provenance
    from sim.scenario import Scenario

    scenario = Scenario.from_toml(args.scenario)
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
        f"default; {n_assumed} are assumed (the model's guesses; the rest cite MECHANICS.md)."
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``creatorsim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    keep_freed_memory()  # fewer page faults for large populations; changes no result
    try:
        if args.command == "score":
            return _score(args)
        if args.command == "run":
            return _run(args)
        if args.command == "explain":
            return _explain(args)
        if args.command == "validate":
            from sim.validation import run_cli as validate

            return validate(args)
        from sim.experiments.cli import dispatch as experiment

        status = experiment(args)
        if status is not None:
            return status
    except (DataError, ConfigError) as exc:
        print(f"creatorsim: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `creatorsim explain ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (ValueError, KeyError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"creatorsim: error: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("creatorsim: interrupted; no output file was left half-written", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
