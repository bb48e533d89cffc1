"""``creatorsim score DATASET``: rank a dataset of creator activity under a scoring policy.

Prints the lists per category, or with ``--explain`` one creator's score broken down; ``--out``
writes the tidy tables (``scoring.write_tables``). DATASET is a folder or the name of a shipped
example dataset (``creators_month``); ``--scenario`` a TOML file or a shipped scenario's name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring import LISTS, WINDOW_DAYS, ScoringPolicy, load_dataset, score_dataset, write_tables

from ..data import dataset_path, scenario_path
from .args import int_at_least

__all__ = ["add_parsers", "score"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``score`` subcommand."""
    s = sub.add_parser(
        "score",
        help="rank a dataset of creator activity under a scoring policy",
        description="Rank the creators of DATASET (a folder of CSV or Parquet tables, see "
        "docs/data.md, or the name of a shipped example such as creators_month) for a window "
        "ending on a day, and print the lists per category.",
    )
    s.add_argument(
        "dataset",
        metavar="DATASET",
        help="folder holding creators.csv, activity.csv, ... (or a shipped example's name)",
    )
    s.add_argument(
        "--scenario",
        metavar="SCENARIO",
        help="scenario (a TOML file or a shipped scenario's name) whose [scoring] table sets "
        "the policy (default: the 2022 reading, as in reported_2022)",
    )
    s.add_argument(
        "--day",
        type=int_at_least(0, "a day number", hint="day numbers start at 0"),
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
    s.add_argument(
        "--top",
        type=int_at_least(1, "a number of rows"),
        default=10,
        metavar="N",
        help="rows per list (10)",
    )
    s.add_argument("--explain", metavar="CREATOR_ID", help="explain one creator's score")
    s.add_argument("--out", metavar="DIR", help="write lists, indices, samples, eligibility here")
    s.add_argument(
        "--format",
        choices=("csv", "parquet"),
        help="format of the files --out writes (default csv); needs --out",
    )
    s.add_argument(
        "--start-date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the calendar date of day 0: day columns may then hold ISO dates "
        "(2022-11-03), converted to day numbers (docs/data.md)",
    )
    s.set_defaults(handler=score)


def iso_date(text: str) -> dt.date:
    """An argparse ``type=`` for ``--start-date``: an ISO calendar date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2022-11-01"
        ) from None


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


def score(args: argparse.Namespace) -> int:
    """Run ``creatorsim score``; returns the exit status."""
    policy = (
        ScoringPolicy.from_toml(scenario_path(args.scenario)) if args.scenario else ScoringPolicy()
    )
    if args.window not in policy.windows:
        raise ValueError(
            f"--window {args.window!r} is not computed by the scenario's policy; its windows: "
            + ", ".join(policy.windows)
        )
    if args.format and not args.out:
        raise ValueError(
            f"--format {args.format} applies to the files --out writes; add --out DIR, or drop "
            "--format to print the lists"
        )
    if args.out:  # before the work, not after it
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out {out}: exists and is not a folder; give a folder")
    dataset = load_dataset(dataset_path(args.dataset), start_date=args.start_date)
    if dataset.n_days == 0:
        raise ValueError(f"{dataset.path}: no activity rows, so there is no day to score")
    day = dataset.n_days - 1 if args.day is None else args.day
    result = score_dataset(dataset, policy, day=day, window=args.window)
    for line in result.warnings:
        print(f"creatorsim: warning: {line}", file=sys.stderr)
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
        for path in write_tables(result, args.out, fmt=args.format or "csv"):
            print(f"wrote {path}", file=sys.stderr)
    return 0
