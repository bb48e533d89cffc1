"""The data contract: the tables a real dataset must provide, and a loader that checks them all.

A dataset is a folder of tables, each stored as ``NAME.csv`` or ``NAME.parquet``. ``creators``
(who is ranked, in which category: M4) and ``activity`` (daily counters: the inputs of the five
indices, M6/M7, and GMV, M5) are required; ``samples`` and ``features`` (free samples and what
featured them: the 17-day rule, M10/M11) and ``messages`` (merchant messages and replies, M9) are
optional and empty when absent. ``docs/data.md`` is the user's version of this contract.

:func:`load_dataset` reads a folder; :func:`validate_tables` applies the same checks to columns
held in memory. Both check every cell, collect every problem across all tables (each naming the
table, the 1-based data row, the column, the value and what is allowed) and raise one
:class:`DataError` listing them all, or return a :class:`Dataset` of typed numpy columns.

Days are integer day numbers (day 0 is the first day of the data); message times are hours
since the start of day 0. Empty cells are an empty string in CSV and a null in Parquet (NaN in a
float column counts as empty too); in memory ``None``, ``""`` or NaN.
"""

from __future__ import annotations

import csv
import decimal
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "HOURS_PER_DAY",
    "MINUTES_PER_DAY",
    "REQUIRED_TABLES",
    "TABLES",
    "DataError",
    "DataProblem",
    "Dataset",
    "load_dataset",
    "validate_tables",
]

#: A day has 1440 minutes: the upper bound of ``live_minutes`` and ``continuous_minutes``.
MINUTES_PER_DAY = 1440
#: Message hours are counted from the start of day 0; hour ``h`` falls on day ``h // 24``.
HOURS_PER_DAY = 24

_INT64_MAX = int(np.iinfo(np.int64).max)
_KINDS = ("video", "live")
_DATASET = "(dataset)"  # the "table" of problems about the folder itself


@dataclass(frozen=True)
class _Col:
    """One contract column: its type, whether it may be empty, and its inclusive upper bound.

    Every number in the contract is >= 0, so only the upper bound varies.
    """

    kind: str  # "text", "int" or "float"
    nullable: bool = False
    high: float | None = None

    def allowed(self) -> str:
        """What a valid cell holds, in words (used in problem messages)."""
        if self.kind == "text":
            return "non-empty text"
        noun = "an integer" if self.kind == "int" else "a number"
        if self.high is None:
            text = f"{noun} >= 0"
        else:
            text = f"{noun} in [0, {_fmt(self.high)}]"
        return text + ", or empty" if self.nullable else text


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


_TEXT = _Col("text")
_COUNT = _Col("int")

#: The contract, table by table and column by column, in contract order.
_SPEC: dict[str, dict[str, _Col]] = {
    # M4: one list per category; followers at the start of day 0 (growth, M7.2; eligibility, M12).
    "creators": {"creator_id": _TEXT, "category": _TEXT, "followers": _COUNT},
    # M5-M7: one row per creator per active day; a missing row means no activity that day.
    "activity": {
        "day": _COUNT,
        "creator_id": _TEXT,
        "videos": _COUNT,
        "livestreams": _COUNT,
        "live_minutes": _Col("int", high=MINUTES_PER_DAY),
        "products_linked": _COUNT,
        "views": _COUNT,
        "watch_seconds": _COUNT,
        "engagements": _COUNT,
        "followers": _COUNT,
        "product_views": _COUNT,
        "orders": _COUNT,
        "gmv": _Col("float"),
    },
    # M10/M11: free samples a merchant shipped to a creator.
    "samples": {
        "sample_id": _TEXT,
        "creator_id": _TEXT,
        "merchant_id": _TEXT,
        "shipped_day": _COUNT,
        "delivered_day": _Col("int", nullable=True),
    },
    # M10: a creator featuring a sample in a video or a livestream.
    "features": {
        "sample_id": _TEXT,
        "kind": _TEXT,
        "start_day": _COUNT,
        "end_day": _Col("int", nullable=True),
        "continuous_minutes": _Col("float", nullable=True, high=MINUTES_PER_DAY),
    },
    # M9: merchant messages to creators and when (if ever) the creator replied.
    "messages": {
        "message_id": _TEXT,
        "creator_id": _TEXT,
        "merchant_id": _TEXT,
        "sent_hour": _Col("float"),
        "replied_hour": _Col("float", nullable=True),
    },
}

#: Table name -> its columns, in contract order.
TABLES: dict[str, tuple[str, ...]] = {name: tuple(cols) for name, cols in _SPEC.items()}
#: The tables every dataset must have; the others are empty when absent.
REQUIRED_TABLES: tuple[str, ...] = ("creators", "activity")

_TABLE_RANK = {name: i for i, name in enumerate(TABLES)}


# ----------------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong with a dataset.

    ``row`` is the 1-based data row (the header is not counted) or ``None`` for a problem with a
    whole table or file; ``column`` is ``None`` for a problem with a whole row, table or file.
    ``value`` is the offending value (``""`` for an empty cell; ``None`` when there is no single
    value, e.g. a missing column) and ``allowed`` says what would be accepted.
    """

    table: str
    row: int | None
    column: str | None
    value: Any
    allowed: str

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.value is None:
            return f"{where}: {self.allowed}"
        return f"{where}: {self.value!r}: {self.allowed}"


class DataError(ValueError):
    """A dataset breaks its contract; ``problems`` lists every problem found.

    The message shows the first 200 problems and counts the rest; ``problems`` keeps them all.
    """

    MAX_LINES = 200

    def __init__(self, problems: Sequence[DataProblem], source: str = "<memory>"):
        self.problems = list(problems)
        self.source = source
        lines = [f"{len(self.problems)} problem(s) in the dataset {source}:"]
        lines += [f"  - {p}" for p in self.problems[: self.MAX_LINES]]
        if len(self.problems) > self.MAX_LINES:
            lines.append(f"  ... and {len(self.problems) - self.MAX_LINES} more")
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:  # keep problems when pickled (process pools)
        return (type(self), (self.problems, self.source))


# ---------------------------------------------------------------------------------- dataset


@dataclass(frozen=True)
class Dataset:
    """A validated dataset: one dict of equal-length numpy columns per table.

    Text columns are object arrays of ``str``; integer columns are int64 with -1 for an empty
    cell (only ``delivered_day`` and ``end_day`` may be empty); float columns (``gmv``,
    ``sent_hour``, ``continuous_minutes``, ``replied_hour``) are float64 with NaN for empty.
    Every table has every contract column, with length 0 when the table was absent. Rows keep
    the order of the input.

    ``n_days`` is 1 + the largest day in activity, samples (shipped/delivered), features
    (start/end) and messages (``floor(hour / 24)`` of sent and replied hours); 0 if none.
    """

    path: str
    creators: dict[str, np.ndarray]
    activity: dict[str, np.ndarray]
    samples: dict[str, np.ndarray]
    features: dict[str, np.ndarray]
    messages: dict[str, np.ndarray]
    n_days: int


# ---------------------------------------------------------------------------- cell parsing


class _Skip:
    """Marks the cells of a malformed CSV row: already reported, so not checked again."""

    def __repr__(self) -> str:
        return "<skip>"


_SKIP = _Skip()


@dataclass
class _Parsed:
    """A parsed column: typed values, which cells are valid, and the problems found."""

    values: np.ndarray
    ok: np.ndarray  # bool per row: the cell is valid (possibly empty when nullable)
    bad: list[tuple[int, Any, str]]  # (0-based row, value, allowed)


def _number(v: Any) -> tuple[str, Any]:
    """Classify one cell as ``("empty", None)``, ``("num", int|float)``, ``("bad", v)``."""
    if v is None:
        return "empty", None
    if isinstance(v, str):
        s = v.strip()
        if not s:
            return "empty", None
        if "_" in s:  # Python would read "1_000" as 1000; a spreadsheet would not
            return "bad", v
        try:
            return "num", int(s)
        except ValueError:
            pass
        try:
            x = float(s)
        except ValueError:
            return "bad", v
        return ("num", x) if math.isfinite(x) else ("bad", v)
    if isinstance(v, (bool, np.bool_)):
        return "bad", v
    if isinstance(v, (int, np.integer)):
        return "num", int(v)
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "empty", None
        return ("num", x) if math.isfinite(x) else ("bad", x)
    if isinstance(v, decimal.Decimal):
        if v.is_nan():
            return "empty", None
        if not v.is_finite():
            return "bad", v
        return "num", int(v) if v == v.to_integral_value() else float(v)
    return "bad", v


def _text(v: Any) -> tuple[str, Any]:
    """Classify one text cell; ints (ids read from Parquet) become their text form ("7")."""
    if v is None:
        return "empty", None
    if isinstance(v, str):
        s = v.strip()
        return ("text", s) if s else ("empty", None)
    if isinstance(v, (bool, np.bool_)):
        return "bad", v
    if isinstance(v, (int, np.integer)):
        return "text", str(int(v))
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "empty", None
        # an integer id column with nulls may have been written as floats: 7.0 is id "7"
        if math.isfinite(x) and x.is_integer():
            return "text", str(int(x))
    return "bad", v


def _all_str(data: Any) -> str | None:
    """All cells of a list of strings joined (cheap to search), or None if any is not a str."""
    if not isinstance(data, list):
        return None
    try:
        return "".join(data)
    except TypeError:
        return None


def _parse_text(col: _Col, data: Sequence[Any], n: int) -> _Parsed:
    if _all_str(data) is not None:  # the CSV case, without a Python call per cell
        values = np.array([s.strip() for s in data], dtype=object)
        ok = values != ""
        bad = [(int(i), "", col.allowed()) for i in np.flatnonzero(~ok)]
        return _Parsed(values, np.asarray(ok, dtype=bool), bad)
    values = np.empty(n, dtype=object)
    ok = np.zeros(n, dtype=bool)
    bad: list[tuple[int, Any, str]] = []
    allowed = col.allowed()
    for i, v in enumerate(data):
        if v is _SKIP:
            values[i] = ""
            continue
        status, out = _text(v)
        if status == "text":
            values[i] = out
            ok[i] = True
        else:
            values[i] = ""
            bad.append((i, "" if status == "empty" else v, allowed))
    return _Parsed(values, ok, bad)


def _parse_number(col: _Col, data: Any, n: int) -> _Parsed:
    """Parse an int or float column: types, emptiness and the range [0, high]."""
    is_int = col.kind == "int"
    allowed = col.allowed()
    required = allowed + " (this column may not be empty)"
    if isinstance(data, np.ndarray) and data.dtype.kind in "iuf":
        return _parse_number_array(col, data, allowed, required)
    fast = _fast_numbers(col, data)
    if fast is not None:
        return _parse_number_array(col, fast, allowed, required)
    empty_value: float = -1 if is_int else math.nan
    values = np.full(n, empty_value, dtype=np.int64 if is_int else np.float64)
    ok = np.zeros(n, dtype=bool)
    bad: list[tuple[int, Any, str]] = []
    for i, v in enumerate(data):
        if v is _SKIP:
            continue
        status, x = _number(v)
        if status == "empty":
            if col.nullable:
                ok[i] = True
            else:
                bad.append((i, "", required))
            continue
        if status == "bad":
            bad.append((i, x, allowed))
            continue
        if is_int:
            if isinstance(x, float):
                if not x.is_integer():
                    bad.append((i, x, allowed))
                    continue
                x = int(x)
            if x > _INT64_MAX:
                bad.append((i, x, f"an integer in [0, {_INT64_MAX}]"))
                continue
        if x < 0 or (col.high is not None and x > col.high):
            bad.append((i, x, allowed))
            continue
        values[i] = x
        ok[i] = True
    return _Parsed(values, ok, bad)


def _fast_numbers(col: _Col, data: Any) -> np.ndarray | None:
    """Convert a list of number strings (the CSV case) in one go.

    Returns None when any cell needs the cell-by-cell path: a non-string, an empty cell, "3.0"
    in an int column, text, "nan"/"inf", or an underscore (``int("1_000")`` is 1000 in Python).
    """
    joined = _all_str(data)
    if not joined or "_" in joined:
        return None
    try:
        a = np.array(data, dtype=object).astype(np.int64 if col.kind == "int" else np.float64)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        return None
    return a


def _parse_number_array(col: _Col, a: np.ndarray, allowed: str, required: str) -> _Parsed:
    """Vectorised :func:`_parse_number` for numeric numpy arrays (the usual Parquet case)."""
    is_int = col.kind == "int"
    n = len(a)
    empty = np.zeros(n, dtype=bool)
    typed = np.ones(n, dtype=bool)  # a number of the right type (finite; integral for ints)
    too_big = np.zeros(n, dtype=bool)
    if a.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            empty = np.isnan(a)
            typed = np.isfinite(a)
            if is_int:
                typed &= np.floor(a) == a
                too_big = typed & ((a >= 2.0**63) | (a < -(2.0**63)))
    elif a.dtype.kind == "u":
        too_big = a > np.uint64(_INT64_MAX)
    good = typed & ~too_big
    if is_int:
        values = np.where(good, a, 0).astype(np.int64)
        values[~good] = -1
    else:
        values = np.where(good, a, np.nan).astype(np.float64)
    in_range = good & (values >= 0)
    if col.high is not None:
        in_range &= values <= col.high
    ok = in_range | (empty & col.nullable)
    bad: list[tuple[int, Any, str]] = []
    for i in np.flatnonzero(~ok):
        i = int(i)
        if empty[i]:
            bad.append((i, "", required))
        elif too_big[i]:
            bad.append((i, a[i].item(), f"an integer in [0, {_INT64_MAX}]"))
        else:
            bad.append((i, a[i].item(), allowed))
    return _Parsed(values, ok, bad)


def _empty_column(col: _Col, n: int) -> np.ndarray:
    if col.kind == "text":
        return np.full(n, "", dtype=object)
    if col.kind == "int":
        return np.full(n, -1, dtype=np.int64)
    return np.full(n, np.nan, dtype=np.float64)


# ------------------------------------------------------------------------- table checking


@dataclass
class _Table:
    """A table after its own checks: typed columns and which cells are valid."""

    n: int
    values: dict[str, np.ndarray]
    ok: dict[str, np.ndarray]
    present: set[str]  # contract columns the input had


def _as_column(data: Any) -> Any:
    """Return a 1-d ndarray or a list for a column, or ``None`` if it is not a sequence."""
    if isinstance(data, np.ndarray):
        return data if data.ndim == 1 else None
    if isinstance(data, list):
        return data
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__iter__"):
        return None
    try:
        return list(data)
    except TypeError:
        return None


def _check_table(name: str, raw: Any, problems: list[DataProblem]) -> _Table | None:
    """Check one table on its own: columns, cells, rules between columns, unique keys."""
    spec = _SPEC[name]
    if not isinstance(raw, Mapping):
        problems.append(
            DataProblem(name, None, None, type(raw).__name__, "a mapping of column name -> values")
        )
        return None
    columns: dict[str, Any] = {}
    allowed_cols = ", ".join(spec)
    for key, data in raw.items():
        if key not in spec:
            problems.append(
                DataProblem(
                    name,
                    None,
                    str(key),
                    None,
                    f"an unknown column; allowed columns: {allowed_cols}",
                )
            )
            continue
        col = _as_column(data)
        if col is None:
            problems.append(
                DataProblem(name, None, key, type(data).__name__, "a 1-d sequence of values")
            )
            return None
        columns[key] = col
    for key, col in spec.items():
        if key not in columns and not col.nullable:
            problems.append(
                DataProblem(
                    name,
                    None,
                    key,
                    None,
                    "a required column, missing from the table",
                )
            )
    lengths = {key: len(col) for key, col in columns.items()}
    if len(set(lengths.values())) > 1:
        problems.append(
            DataProblem(name, None, None, lengths, "columns of equal length (one value per row)")
        )
        return None
    n = next(iter(lengths.values()), 0)

    values: dict[str, np.ndarray] = {}
    ok: dict[str, np.ndarray] = {}
    cell_problems: list[DataProblem] = []
    for key, col in spec.items():
        if key not in columns:
            values[key] = _empty_column(col, n)
            # a missing nullable column is all empty (valid); a missing required one is invalid
            ok[key] = np.full(n, col.nullable, dtype=bool)
            continue
        parse = _parse_text if col.kind == "text" else _parse_number
        parsed = parse(col, columns[key], n)
        values[key], ok[key] = parsed.values, parsed.ok
        cell_problems += [DataProblem(name, i + 1, key, v, a) for i, v, a in parsed.bad]
    table = _Table(n, values, ok, set(columns))
    cell_problems += _row_rules(name, table)
    cell_problems += _unique_rules(name, table)
    problems += cell_problems
    return table


def _row_rules(name: str, t: _Table) -> list[DataProblem]:
    """Rules between the columns of one row (M9 replies, M10 samples and features)."""
    out: list[DataProblem] = []
    v, ok = t.values, t.ok
    if name == "samples":
        # M10/M11a: a sample cannot arrive before it was shipped
        bad = ok["shipped_day"] & ok["delivered_day"] & (v["delivered_day"] >= 0)
        bad &= v["delivered_day"] < v["shipped_day"]
        for i in np.flatnonzero(bad):
            s, d = int(v["shipped_day"][i]), int(v["delivered_day"][i])
            out.append(
                DataProblem(
                    name, int(i) + 1, "delivered_day", d, f"empty or a day >= shipped_day ({s})"
                )
            )
            ok["delivered_day"][i] = False
    elif name == "features":
        kind = v["kind"]
        is_kind = np.isin(kind, _KINDS)
        for i in np.flatnonzero(ok["kind"] & ~is_kind):
            out.append(DataProblem(name, int(i) + 1, "kind", kind[i], "'video' or 'live'"))
            ok["kind"][i] = False
        # M10: a video counts while it stays up, so it cannot come down before it went up
        bad = ok["start_day"] & ok["end_day"] & (v["end_day"] >= 0)
        bad &= v["end_day"] < v["start_day"]
        for i in np.flatnonzero(bad):
            s, e = int(v["start_day"][i]), int(v["end_day"][i])
            out.append(
                DataProblem(name, int(i) + 1, "end_day", e, f"empty or a day >= start_day ({s})")
            )
            ok["end_day"][i] = False
        # M10: a livestream counts by its longest continuous segment showing the product
        minutes = v["continuous_minutes"]
        live = ok["kind"] & (kind == "live") & ok["continuous_minutes"]
        for i in np.flatnonzero(live & np.isnan(minutes)):
            out.append(
                DataProblem(
                    name,
                    int(i) + 1,
                    "continuous_minutes",
                    "",
                    f"a number in [0, {MINUTES_PER_DAY}] for a live feature: the longest "
                    "continuous segment showing the product, in minutes (required)",
                )
            )
            ok["continuous_minutes"][i] = False
        video = ok["kind"] & (kind == "video") & ok["continuous_minutes"]
        for i in np.flatnonzero(video & ~np.isnan(minutes)):
            out.append(
                DataProblem(
                    name,
                    int(i) + 1,
                    "continuous_minutes",
                    float(minutes[i]),
                    "empty for a video feature (continuous minutes apply to live only)",
                )
            )
            ok["continuous_minutes"][i] = False
    elif name == "messages":
        # M9: a reply cannot come before the message
        sent, replied = v["sent_hour"], v["replied_hour"]
        bad = ok["sent_hour"] & ok["replied_hour"] & ~np.isnan(replied)
        bad[bad] = replied[bad] < sent[bad]
        for i in np.flatnonzero(bad):
            out.append(
                DataProblem(
                    name,
                    int(i) + 1,
                    "replied_hour",
                    float(replied[i]),
                    f"empty (never answered) or an hour >= sent_hour ({float(sent[i])!r})",
                )
            )
            ok["replied_hour"][i] = False
    return out


_UNIQUE_IDS = {"creators": "creator_id", "samples": "sample_id", "messages": "message_id"}


def _first_rows(keys: np.ndarray) -> np.ndarray:
    """For each row, the index of the first row with the same key (``keys`` 1-d or 2-d)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    axis = 0 if keys.ndim == 2 else None
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True, axis=axis)
    return first[inverse.reshape(-1)]


def _unique_rules(name: str, t: _Table) -> list[DataProblem]:
    """Unique ids (creators, samples, messages) and one activity row per creator per day."""
    out: list[DataProblem] = []
    if name in _UNIQUE_IDS:
        key = _UNIQUE_IDS[name]
        rows = np.flatnonzero(t.ok[key])
        ids = t.values[key][rows]
        first = rows[_first_rows(ids.astype(str))]
        for r, f in zip(rows, first, strict=True):
            if r != f:
                out.append(
                    DataProblem(
                        name,
                        int(r) + 1,
                        key,
                        t.values[key][r],
                        f"a unique {key}; this one first appears in row {int(f) + 1}",
                    )
                )
    elif name == "activity":
        rows = np.flatnonzero(t.ok["day"] & t.ok["creator_id"])
        ids = t.values["creator_id"][rows]
        days = t.values["day"][rows]
        if len(rows):
            _, codes = np.unique(ids.astype(str), return_inverse=True)
            first = rows[_first_rows(np.stack([days, codes.reshape(-1)], axis=1))]
        else:
            first = rows
        for r, f in zip(rows, first, strict=True):
            if r != f:
                pair = (int(t.values["day"][r]), t.values["creator_id"][r])
                out.append(
                    DataProblem(
                        name,
                        int(r) + 1,
                        "(day, creator_id)",
                        pair,
                        "one row per creator per day; this (day, creator_id) pair first "
                        f"appears in row {int(f) + 1}",
                    )
                )
    return out


def _cross_rules(checked: dict[str, _Table | None]) -> list[DataProblem]:
    """References between tables, checked only on cells that passed their own table's checks.

    References into a table are not checked when that table could not be checked (unreadable,
    missing, malformed) or lacks its key column, so that one mistake is reported once.
    """
    out: list[DataProblem] = []
    creators = checked.get("creators")
    if creators is not None and "creator_id" in creators.present:
        known = set(creators.values["creator_id"][creators.ok["creator_id"]].tolist())
        for name in ("activity", "samples", "messages"):
            t = checked.get(name)
            if t is None:
                continue
            ids = t.values["creator_id"]
            for i in np.flatnonzero(t.ok["creator_id"]):
                if ids[i] not in known:
                    out.append(
                        DataProblem(
                            name,
                            int(i) + 1,
                            "creator_id",
                            ids[i],
                            "a creator_id listed in the creators table",
                        )
                    )
    samples = checked.get("samples")
    features = checked.get("features")
    if samples is not None and "sample_id" in samples.present and features is not None:
        shipped: dict[str, int | None] = {}  # sample_id -> shipped_day (None if not valid)
        for i in np.flatnonzero(samples.ok["sample_id"]):
            sid = samples.values["sample_id"][i]
            if sid not in shipped:
                ok_day = samples.ok["shipped_day"][i]
                shipped[sid] = int(samples.values["shipped_day"][i]) if ok_day else None
        sids, start = features.values["sample_id"], features.values["start_day"]
        for i in np.flatnonzero(features.ok["sample_id"]):
            if sids[i] not in shipped:
                out.append(
                    DataProblem(
                        "features",
                        int(i) + 1,
                        "sample_id",
                        sids[i],
                        "a sample_id listed in the samples table",
                    )
                )
                continue
            day = shipped[sids[i]]
            # M10: the sample must have been shipped before it can be featured
            if day is not None and features.ok["start_day"][i] and start[i] < day:
                out.append(
                    DataProblem(
                        "features",
                        int(i) + 1,
                        "start_day",
                        int(start[i]),
                        f"a day >= the sample's shipped_day ({day})",
                    )
                )
    return out


def _n_days(tables: dict[str, dict[str, np.ndarray]]) -> int:
    """1 + the largest day anywhere in the data; 0 if there is none."""
    last = -1
    for name, key in (
        ("activity", "day"),
        ("samples", "shipped_day"),
        ("samples", "delivered_day"),
        ("features", "start_day"),
        ("features", "end_day"),
    ):
        col = tables[name][key]
        if len(col):
            last = max(last, int(col.max()))  # empties are -1
    for key in ("sent_hour", "replied_hour"):
        hours = tables["messages"][key]
        hours = hours[~np.isnan(hours)]
        if len(hours):
            last = max(last, int(np.floor(hours.max() / HOURS_PER_DAY)))
    return last + 1


def _validate(
    tables: Mapping[str, Any],
    source: str,
    problems: list[DataProblem],
    unreadable: set[str],
) -> Dataset:
    """Check every table and the references between them; raise one :class:`DataError`.

    ``problems`` may already hold problems found while reading files; ``unreadable`` names the
    tables that could not be read (they are neither reported missing nor referenced).
    """
    for name in tables:
        if name not in _SPEC:
            problems.append(
                DataProblem(
                    str(name),
                    None,
                    None,
                    None,
                    "an unknown table; allowed tables: " + ", ".join(TABLES),
                )
            )
    for name in REQUIRED_TABLES:
        if name not in tables and name not in unreadable:
            problems.append(
                DataProblem(
                    name,
                    None,
                    None,
                    None,
                    "a required table (" + " and ".join(REQUIRED_TABLES) + " must exist)",
                )
            )
    checked: dict[str, _Table | None] = {}
    for name, spec in _SPEC.items():
        if name in tables:
            checked[name] = _check_table(name, tables[name], problems)
        elif name in unreadable or name in REQUIRED_TABLES:
            checked[name] = None
        else:  # an absent optional table is empty
            empty = {key: _empty_column(col, 0) for key, col in spec.items()}
            ok = {key: np.zeros(0, dtype=bool) for key in spec}
            checked[name] = _Table(0, empty, ok, set(spec))
    problems += _cross_rules(checked)
    if problems:
        _sort_problems(problems)
        raise DataError(problems, source)
    out = {name: t.values for name, t in checked.items() if t is not None}
    return Dataset(
        path=source,
        creators=out["creators"],
        activity=out["activity"],
        samples=out["samples"],
        features=out["features"],
        messages=out["messages"],
        n_days=_n_days(out),
    )


def _sort_problems(problems: list[DataProblem]) -> None:
    """Order problems by table, then row (whole-table problems first), then column; stable."""
    columns = {name: {c: j for j, c in enumerate(cols)} for name, cols in TABLES.items()}

    def key(p: DataProblem) -> tuple[int, int, int]:
        order = columns.get(p.table, {})
        col = order.get(p.column or "", len(order))
        return (_TABLE_RANK.get(p.table, -1), -1 if p.row is None else p.row, col)

    problems.sort(key=key)


# ----------------------------------------------------------------------------- public API


def validate_tables(
    tables: Mapping[str, Mapping[str, Sequence[Any]]], *, source: str = "<memory>"
) -> Dataset:
    """Check in-memory tables against the data contract and return a typed :class:`Dataset`.

    Parameters
    ----------
    tables
        Table name -> (column name -> values); a column is a list or a 1-d numpy array. Empty
        cells are ``None``, ``""`` or NaN; numbers may be given as text (``"3"``, ``"3.0"``),
        as CSV cells are. ``creators`` and ``activity`` are required; an absent optional table
        is empty.
    source
        Where the tables came from; used in the error message and as ``Dataset.path``.

    Raises
    ------
    DataError
        Listing every problem in every table (see ``docs/data.md`` for the rules).
    """
    return _validate(tables, source, [], set())


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read and check a dataset folder of ``NAME.csv`` / ``NAME.parquet`` tables.

    CSV is read as UTF-8 (a byte-order mark is tolerated) with a header row; Parquet through
    ``pyarrow.parquet``. Files whose names start with a dot and files that are neither
    ``.csv`` nor ``.parquet`` are ignored; any other ``.csv``/``.parquet`` file must be named
    after a contract table.

    Raises
    ------
    DataError
        Listing every problem: a missing folder or required table, a table given twice (CSV and
        Parquet), an unknown table file, an unreadable file (named with its path), and every
        problem :func:`validate_tables` finds.
    """
    folder = Path(path)
    source = str(folder)
    if not folder.is_dir():
        raise DataError(
            [
                DataProblem(
                    _DATASET,
                    None,
                    None,
                    source,
                    "an existing folder holding the tables (creators.csv, activity.csv, ...)",
                )
            ],
            source,
        )
    problems: list[DataProblem] = []
    found: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.suffix.lower() not in (".csv", ".parquet"):
            continue
        name = entry.name[: -len(entry.suffix)]
        if name not in _SPEC:
            problems.append(
                DataProblem(
                    _DATASET,
                    None,
                    None,
                    str(entry),
                    "a file named after a table; allowed tables: " + ", ".join(TABLES),
                )
            )
            continue
        found.setdefault(name, []).append(entry)
    tables: dict[str, dict[str, Any]] = {}
    unreadable: set[str] = set()
    for name in TABLES:
        files = found.get(name, [])
        if not files:
            if name in REQUIRED_TABLES:
                problems.append(
                    DataProblem(
                        name,
                        None,
                        None,
                        source,
                        f"a required table: put {name}.csv or {name}.parquet in the folder",
                    )
                )
                unreadable.add(name)  # reported here, so not again as missing
            continue
        if len(files) > 1:
            problems.append(
                DataProblem(
                    name,
                    None,
                    None,
                    ", ".join(str(f) for f in files),
                    f"one file per table: keep either {name}.csv or {name}.parquet",
                )
            )
            unreadable.add(name)
            continue
        f = files[0]
        read = _read_csv if f.suffix.lower() == ".csv" else _read_parquet
        columns = read(f, name, problems)
        if columns is None:
            unreadable.add(name)
        else:
            tables[name] = columns
    return _validate(tables, source, problems, unreadable)


# --------------------------------------------------------------------------------- readers


def _read_csv(path: Path, table: str, problems: list[DataProblem]) -> dict[str, Any] | None:
    """Read a CSV table as columns of strings; report an unreadable file or malformed rows."""
    what = "a readable CSV file (UTF-8, comma-separated, with a header row)"
    line = 0
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader, None)
                rows = [row for row in reader if row]  # blank lines are not rows
            finally:
                line = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        where = f" (line {line})" if isinstance(exc, csv.Error) else ""
        problems.append(DataProblem(table, None, None, str(path), f"{what}: {exc}{where}"))
        return None
    if header is None:
        problems.append(DataProblem(table, None, None, str(path), f"{what}: the file is empty"))
        return None
    names = [h.strip() for h in header]
    width = len(names)
    bad_header = False
    for j, h in enumerate(names):
        if names.index(h) != j:
            problems.append(
                DataProblem(
                    table,
                    None,
                    h,
                    None,
                    f"a column named once in the header (it repeats column {j + 1})",
                )
            )
            bad_header = True
    if bad_header:
        return None
    for r, row in enumerate(rows, start=1):
        if len(row) == width:
            continue
        if len(row) > width and not any(c.strip() for c in row[width:]):
            rows[r - 1] = row[:width]  # trailing empty cells, as some spreadsheets write them
            continue
        problems.append(
            DataProblem(table, r, None, len(row), f"a row of {width} cells, one per header column")
        )
        rows[r - 1] = [_SKIP] * width  # reported once here, not again cell by cell
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in names]
    return dict(zip(names, columns, strict=True))


def _read_parquet(path: Path, table: str, problems: list[DataProblem]) -> dict[str, Any] | None:
    """Read a Parquet table; numeric columns become numpy arrays (nulls of floats are NaN)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        problems.append(
            DataProblem(table, None, None, str(path), f"a readable Parquet file: {exc}")
        )
        return None
    names = data.schema.names
    if len(set(names)) != len(names):
        for j, h in enumerate(names):
            if names.index(h) != j:
                problems.append(
                    DataProblem(table, None, h, None, "a column that appears once in the file")
                )
        return None
    columns: dict[str, Any] = {}
    for j, name in enumerate(names):
        col = data.column(j)
        typ = col.type
        if pa.types.is_integer(typ) and col.null_count == 0:
            columns[name] = col.to_numpy()
        elif pa.types.is_floating(typ):
            columns[name] = col.to_numpy()  # nulls become NaN, i.e. empty
        else:  # text, ints with nulls, and anything else: checked value by value
            columns[name] = col.to_pylist()
    return columns
