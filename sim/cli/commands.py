"""The ``creatorsim`` parser and entry point: every command group registers itself here.

Each command module has ``add_parsers(subparsers)``, which adds its subcommands and sets
``handler`` (a function of the parsed arguments returning the exit status) as a parser default.
``validate`` is registered by :func:`sim.validation.add_subparser`, with
:func:`sim.validation.run_cli` as its handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from scoring import ConfigError, DataError, __version__

from ..extras import MissingExtra
from ..runtime import keep_freed_memory
from . import calibrate, experiments, run, scenarios, score

__all__ = ["build_parser", "main", "os_error_message"]


def _add_validation(sub: argparse._SubParsersAction) -> None:
    from ..validation import add_subparser, run_cli

    add_subparser(sub)  # validate musiclab
    sub.choices["validate"].set_defaults(handler=run_cli)


def build_parser() -> argparse.ArgumentParser:
    """The ``creatorsim`` argument parser with every subcommand."""
    p = argparse.ArgumentParser(
        prog="creatorsim",
        description="Simulate, score and audit creator ranking lists "
        "(TikTok Shop's Creator Ranking List as reported in 2022).",
    )
    p.add_argument("--version", action="version", version=f"creatorsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    score.add_parsers(sub)  # score
    run.add_parsers(sub)  # run, explain
    scenarios.add_parsers(sub)  # scenarios
    experiments.add_parsers(sub)  # compare, sweep, sensitivity
    calibrate.add_parsers(sub)  # calibrate
    _add_validation(sub)  # validate musiclab
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``creatorsim`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    keep_freed_memory()  # fewer page faults for large populations; changes no result
    try:
        return args.handler(args)
    except (DataError, ConfigError, MissingExtra) as exc:
        print(f"creatorsim: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `creatorsim explain ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(f"creatorsim: error: {os_error_message(exc)}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"creatorsim: error: {msg}", file=sys.stderr)
        return 1
    except MemoryError as exc:
        msg = str(exc) or "out of memory; use a smaller --creators (or fewer --days)"
        print(f"creatorsim: error: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "creatorsim: interrupted; no output was left half-written (a run's folder is "
            "swapped in only when complete; compare and sweep keep the runs they finished)",
            file=sys.stderr,
        )
        return 130


def os_error_message(exc: OSError) -> str:
    """An I/O error as one line naming the path, without Python's ``[Errno N]`` prefix."""
    if exc.filename is None:
        return str(exc) if exc.errno is None else (exc.strerror or str(exc))
    what = (exc.strerror or "").lower() or "cannot be used"
    path = f"{exc.filename}" + (f" -> {exc.filename2}" if exc.filename2 else "")
    return f"{path}: {what}"
