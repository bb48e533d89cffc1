"""Declared parameters: every setting says its unit, default, allowed values and provenance.

A parameter is a field of a frozen dataclass whose metadata is made by :func:`param`. The
provenance is either a mechanic number from ``docs/mechanics.md`` (``"M10"``, ``"O2"``: the value is
reported) or ``"assumed"`` with a one-line reason (the reports are silent). Scenario files only
set values; :func:`build` turns a TOML table into the dataclass, checking every key and value and
reporting all problems at once, each naming the file, the key, the value and what is allowed.

The same machinery serves the scoring policy (``scoring.policy``) and, later, the simulator's
model parameters, so a parameter is declared exactly once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import tomllib
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "ConfigError",
    "ParamInfo",
    "Problem",
    "build",
    "describe",
    "param",
    "read_toml",
    "show_value",
]


@dataclass(frozen=True)
class ParamInfo:
    """What a parameter means: unit, provenance, allowed values, and why."""

    unit: str
    source: str  # "M10", "O2", "M7a/assumed"... or "assumed"
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    reason: str = ""  # for assumed and calibrated values: why this default, or how fitted

    @property
    def calibrated(self) -> bool:
        """True when the default was fitted to data or a stated target (``"calibrated ..."``)."""
        return self.source.startswith("calibrated")

    @property
    def reported(self) -> bool:
        """True when the default comes from a numbered mechanic, not an assumption or a fit."""
        return self.source != "assumed" and not self.calibrated

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.choices is not None:
            return "one of " + ", ".join(show_value(c) for c in self.choices)
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        return f"a value in [{lo}, {hi}]"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def show_value(v: Any) -> str:
    """A value as it is written in a TOML (or JSON) file, never as a Python repr.

    ``true``/``false`` for booleans, ``'text'`` for strings (a TOML literal string; text that
    holds a quote or a control character is double-quoted with escapes), dates and times in ISO
    form (``2024-11-01``, ``2024-11-01T09:30:00``), ``[1, 2]`` for arrays and
    ``{ a = 1 }`` for tables; ``inf`` and ``nan`` as TOML writes them.
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        if "'" in v or any(ord(c) < 32 or ord(c) == 127 for c in v):
            return json.dumps(v, ensure_ascii=False)
        return f"'{v}'"
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        if not v:
            return "{}"
        items = (
            f"{k if _BARE_KEY.fullmatch(str(k)) else show_value(str(k))} = {show_value(x)}"
            for k, x in v.items()
        )
        return "{ " + ", ".join(items) + " }"
    item = getattr(v, "item", None)  # numpy scalars
    if callable(item):
        try:
            return show_value(item())
        except (TypeError, ValueError):
            pass
    return str(v)


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    doc: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[Any, ...] | None = None,
    reason: str = "",
) -> Any:
    """Declare a dataclass field as a documented parameter.

    ``source`` is a mechanic number (reported), ``"assumed"``, or ``"calibrated ..."`` (fitted
    to data or to a stated target, e.g. ``"calibrated on MusicLab exp. 2"``); for the last two
    ``reason`` must say in one line why the default was chosen or how it was fitted.
    """
    info = ParamInfo(unit, source, doc, low, high, choices, reason)
    if not info.reported and not reason:
        raise ValueError(f"{source} parameter {doc!r} needs a reason")
    if isinstance(default, (list, dict, set)):
        raise TypeError("parameter defaults must be immutable (use a tuple)")
    return field(default=default, metadata={"param": info})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration value."""

    file: str
    key: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key} = {show_value(self.value)}: {self.allowed}"


class ConfigError(ValueError):
    """A scenario file, a data file or a mapping has bad keys or values (all listed).

    The first line names the file(s) the problems are in (``3 problem(s) in s.toml:``), so a
    message about a data file (a MusicLab JSON file, say) does not call it a configuration.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = list(dict.fromkeys(str(p.file) for p in self.problems))
        where = ", ".join(files) if files else "the configuration"
        lines = [f"{len(self.problems)} problem(s) in {where}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:  # keep problems when pickled (process pools)
        return (type(self), (self.problems,))


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file as data (nothing in it is executed); errors name the file."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError([Problem(str(p), "(file)", str(p), "an existing TOML file")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(str(p), "(syntax)", str(exc), "valid TOML")]) from None


def _is_section(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _check_value(info: ParamInfo, tp: Any, value: Any) -> tuple[Any, str | None]:
    """Coerce ``value`` to the field type; return (value, None) or (None, what is allowed)."""
    origin = typing.get_origin(tp)
    if tp is bool:
        if isinstance(value, bool):
            return value, None
        return None, "true or false"
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"an integer, {info.allowed()}"
        out: Any = value
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"a number, {info.allowed()}"
        out = float(value)
        if not math.isfinite(out):
            return None, f"a finite number, {info.allowed()}"
    elif tp is str:
        if not isinstance(value, str):
            return None, f"a string, {info.allowed()}"
        out = value
    elif origin is tuple:
        (inner, *_rest) = typing.get_args(tp)
        if not isinstance(value, (list, tuple)):
            return None, f"a list, each {info.allowed()}"
        if info.choices is not None:
            bad = [v for v in value if v not in info.choices]
            if bad:
                return None, f"a list, each {info.allowed()}"
        if len(set(value)) != len(value):
            return None, "a list without repeats"
        return tuple(inner(v) for v in value), None
    else:  # pragma: no cover - a declaration error, not a user error
        raise TypeError(f"unsupported parameter type {tp!r}")
    if info.choices is not None and out not in info.choices:
        return None, info.allowed()
    if info.low is not None and out < info.low:
        return None, info.allowed()
    if info.high is not None and out > info.high:
        return None, info.allowed()
    return out, None


def _build(cls: type, data: Any, file: str, prefix: str, problems: list[Problem]) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    if not isinstance(data, Mapping):
        problems.append(Problem(file, prefix or "(top)", data, "a table"))
        return cls()
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        f = fields.get(key)
        if f is None:
            allowed = ", ".join(sorted(fields)) or "(none)"
            problems.append(
                Problem(file, dotted, value, f"an unknown key; allowed keys: {allowed}")
            )
            continue
        tp = hints[key]
        if _is_section(tp):
            kwargs[key] = _build(tp, value, file, dotted, problems)
            continue
        out, allowed = _check_value(f.metadata["param"], tp, value)
        if allowed is not None:
            problems.append(Problem(file, dotted, value, allowed))
        else:
            kwargs[key] = out
    try:
        obj = cls(**kwargs)
    except ValueError as exc:  # cross-field rules raised by __post_init__
        problems.append(Problem(file, prefix or "(top)", dict(data), str(exc)))
        return cls()
    check = getattr(obj, "problems", None)
    if callable(check):
        for key, value, allowed in check():
            problems.append(Problem(file, f"{prefix}.{key}" if prefix else key, value, allowed))
    return obj


def build(cls: type[T], data: Mapping[str, Any], *, file: str, prefix: str) -> T:
    """Build the dataclass ``cls`` from a mapping, validating every key and value.

    Raises :class:`ConfigError` listing every problem (unknown keys with the allowed keys,
    wrong types, out-of-range values, cross-field rules reported by ``cls.problems()``).
    """
    problems: list[Problem] = []
    obj = _build(cls, data, file, prefix, problems)
    if problems:
        raise ConfigError(problems)
    return obj


def describe(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any, ParamInfo]]:
    """Yield ``(dotted_key, value, default, info)`` for every parameter of a built object."""
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        dotted = f"{prefix}.{f.name}" if prefix else f.name
        value = getattr(obj, f.name)
        if _is_section(hints[f.name]):
            yield from describe(value, dotted)
        elif "param" in f.metadata:
            yield dotted, value, f.default, f.metadata["param"]
