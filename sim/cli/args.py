"""Argument types shared by every ``creatorsim`` subcommand: one parser per kind of value.

Each factory returns a callable for argparse's ``type=``. A bad value ends the command with
status 2 and a one-line message naming the value and what is allowed, for example
``argument --seed: -1 is not allowed: use an integer >= 0``. This module imports nothing of
creatorsim, so any module that registers a subcommand (``sim.validation`` among them) can use
it without an import cycle.

API
---
``int_at_least(low, what="a number", *, hint=None)``
    An integer ``>= low``. ``what`` names the value in the message for a non-integer
    (``'x' is not a number of days (an integer >= 1)``); ``hint`` replaces the default
    ``use an integer >= low`` after a value below ``low``.
``float_in(lo, hi, what="a number", *, lo_open=False, hi_open=False)``
    A finite number in ``[lo, hi]`` (either end open on request; ``None`` for no bound).
``number(text)``
    An integer or a decimal number, unbounded (the caller checks ranges, e.g. through
    ``scoring.params.build``, which knows which settings are integers).
``key_value(text)``
    A ``KEY=VALUE`` scenario override (``--set``): ``(key, value)`` with VALUE read as a TOML
    value (``0``, ``2.5``, ``true``, ``"text"``, ``[1, 2]``), else kept as a bare string.
    Whether the key exists and the value is allowed is the scenario's to say (its one-line
    ``ConfigError``, exit status 1); text without ``=`` is an argparse error (status 2).
``safe_name(name, default="run")``
    A file-name-safe form of a scenario or sweep name (letters, digits, ``.``, ``_``, ``-``).
"""

from __future__ import annotations

import argparse
import math
import re
import tomllib
from collections.abc import Callable
from typing import Any

__all__ = ["float_in", "int_at_least", "key_value", "key_values", "number", "safe_name"]


def int_at_least(
    low: int, what: str = "a number", *, hint: str | None = None
) -> Callable[[str], int]:
    """An argparse ``type=`` accepting an integer ``>= low``."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what} (an integer >= {low})"
            ) from None
        if v < low:
            raise argparse.ArgumentTypeError(
                f"{v} is not allowed: {hint or f'use an integer >= {low}'}"
            )
        return v

    parse.__name__ = f"int_at_least_{low}"  # argparse names the type in some messages
    return parse


def number(text: str) -> int | float:
    """An argparse ``type=`` accepting an integer or a decimal number (no range check)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def float_in(
    lo: float | None,
    hi: float | None,
    what: str = "a number",
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> Callable[[str], float]:
    """An argparse ``type=`` accepting a finite number in ``[lo, hi]`` (``None``: unbounded)."""
    left = "(" if lo_open or lo is None else "["
    right = ")" if hi_open or hi is None else "]"
    span = f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what} (a number in {span})"
            ) from None
        ok = math.isfinite(v)
        if ok and lo is not None:
            ok = v > lo if lo_open else v >= lo
        if ok and hi is not None:
            ok = v < hi if hi_open else v <= hi
        if not ok:
            raise argparse.ArgumentTypeError(f"{v:g} is not allowed: use a number in {span}")
        return v

    parse.__name__ = "float_in"
    return parse


def safe_name(name: str, default: str = "run") -> str:
    """``name`` with every run of characters outside ``[A-Za-z0-9._-]`` replaced by ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or default


def key_value(text: str) -> tuple[str, Any]:
    """An argparse ``type=`` for ``--set KEY=VALUE``: ``(KEY, VALUE)``, VALUE parsed as TOML.

    ``time.burn_in_days=0`` gives ``("time.burn_in_days", 0)``; a VALUE that is no TOML value
    (``adaptation.rule=gradient``) is kept as the bare string. Spaces around KEY and VALUE are
    dropped.
    """
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not KEY=VALUE (a dotted scenario key, e.g. time.burn_in_days=0)"
        )
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def key_values(pairs: list[tuple[str, Any]] | None) -> dict[str, Any]:
    """The ``--set`` pairs as a dict (a key given twice: the last one wins)."""
    return dict(pairs or [])
