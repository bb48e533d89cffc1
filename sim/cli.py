"""The ``creatorsim`` command line.

``creatorsim score DATASET`` ranks a dataset of creator activity under a scenario's scoring
policy and prints the lists; ``--explain`` breaks one creator's score down; ``--out`` writes the
tidy tables. Bad arguments and bad data end with a message naming the problem and exit status
2 (usage) or 1 (data or scenario), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``creatorsim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "score":
            return _score(args)
    except (DataError, ConfigError) as exc:
        print(f"creatorsim: error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, KeyError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"creatorsim: error: {msg}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
