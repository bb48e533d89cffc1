"""``creatorsim scenarios``: the scenarios that ship with creatorsim, with their descriptions.

Any of the names it prints can be given where a command takes a SCENARIO (``creatorsim run
reported_2022 --seed 1``); the files themselves are in the printed folder (``sim.data``).
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from scoring.params import ConfigError, Problem

from ..data import scenario_path, scenarios_dir, shipped_scenarios

__all__ = ["SetError", "add_parsers", "apply_set", "list_scenarios", "load_scenario"]


class SetError(ConfigError):
    """A ``ConfigError`` of ``--set`` overrides, on one line (its problems joined by ``; ``)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = ("; ".join(str(p) for p in self.problems),)


def apply_set(scenario, values):
    """``scenario`` with the ``--set`` overrides applied (``Scenario.with_values``).

    A bad key or value raises the scenario's ``ConfigError`` (:class:`SetError`, one line),
    its problems about the overridden keys filed under ``--set`` (not under the scenario
    file, which is fine).
    """
    if not values:
        return scenario
    try:
        return scenario.with_values(values)
    except ConfigError as exc:

        def ours(key: str) -> bool:
            return any(
                k == key or k.startswith(key + ".") or key.startswith(k + ".") for k in values
            )

        raise SetError(
            [
                Problem("--set", p.key, p.value, p.allowed) if ours(p.key) else p
                for p in exc.problems
            ]
        ) from None


def load_scenario(arg: str):
    """The scenario a SCENARIO argument names (a file or a shipped name), or a one-line error
    naming the path: a folder, an unreadable or a binary (not UTF-8) file included."""
    from scoring import ConfigError

    from ..scenario import Scenario

    path = scenario_path(arg)
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"scenario {p}: is a folder; give a scenario TOML file")
    try:
        return Scenario.from_toml(p)
    except ConfigError:
        raise
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"scenario {p}: not a text file (byte {exc.start} is not UTF-8); give a scenario "
            "TOML file"
        ) from None
    except OSError as exc:
        raise ValueError(f"scenario {p}: cannot be read ({exc.strerror or exc})") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``scenarios`` subcommand."""
    s = sub.add_parser(
        "scenarios",
        help="list the shipped scenarios (usable by name) with their descriptions",
        description="List the scenarios that ship with creatorsim: the name to give where a "
        "command takes SCENARIO, and the scenario's description. Also lists the shipped sweep "
        "files (for creatorsim sweep).",
    )
    s.add_argument("--paths", action="store_true", help="print only the file of each scenario")
    s.set_defaults(handler=list_scenarios)


def list_scenarios(args: argparse.Namespace) -> int:
    """Run ``creatorsim scenarios``; returns the exit status."""
    from ..scenario import Scenario

    shipped = shipped_scenarios()
    if args.paths:
        for path in shipped.values():
            print(path)
        return 0
    folder = scenarios_dir()
    print(f"creatorsim: {len(shipped)} shipped scenarios (in {folder}):")
    width = max(len(n) for n in shipped)
    for name, path in shipped.items():
        description = " ".join(Scenario.from_toml(path).description.split())
        lines = textwrap.wrap(description, 96 - width) or [""]
        print(f"  {name:<{width}}  {lines[0]}")
        for more in lines[1:]:
            print(f"  {'':<{width}}  {more}")
    sweeps = sorted((folder / "sweeps").glob("*.toml"))
    if sweeps:
        print("\nsweep files (creatorsim sweep FILE):")
        for path in sweeps:
            print(f"  {path}")
    return 0
