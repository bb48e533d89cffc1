"""The ``creatorsim`` command line.

``creatorsim score DATASET`` ranks a dataset of creator activity under a scenario's scoring
policy and prints the lists (:mod:`sim.cli.score`). ``creatorsim run SCENARIO --seed S`` runs
the agent-based model and writes its tables, figures and report; ``creatorsim explain
SCENARIO`` lists every parameter with its value, default, unit and provenance
(:mod:`sim.cli.run`). ``creatorsim scenarios`` lists the shipped scenarios
(:mod:`sim.cli.scenarios`); a SCENARIO argument is a path or a shipped scenario's name.
``creatorsim compare``, ``sweep`` and ``sensitivity`` run experiments
(:mod:`sim.cli.experiments`); ``creatorsim validate musiclab DATA.json`` replays MusicLab
(registered by :mod:`sim.validation`). Shared argument types are in :mod:`sim.cli.args`.

Bad arguments and bad data end with a one-line message naming the problem and exit status 2
(usage) or 1 (data, scenario, an unusable output path, too little memory or a missing optional
extra), never a traceback nor Python's ``[Errno N]`` text; docs/errors.md catalogues them
(checked by tests/test_errors_catalogue.py).

Layout (no import cycle): :mod:`sim.cli.commands` builds the parser from the command modules and
dispatches; the command modules import :mod:`sim.cli.args` and the library, never
:mod:`sim.cli.commands`; the library never imports :mod:`sim.cli` except :mod:`sim.cli.args`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``creatorsim`` console script (see :func:`sim.cli.commands.main`)."""
    from .commands import main as _main

    return _main(argv)


def __getattr__(name: str) -> Any:
    # Loaded on first use: importing ``sim.cli.args`` (as ``sim.validation`` does) must not
    # load every command module.
    if name == "build_parser":
        from .commands import build_parser

        return build_parser
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["build_parser", "main"]
