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
import datetime as dt
import decimal
import difflib
import io
import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    role: str = ""  # "day" (a day number), "hour" (hours since day 0), "money" (an amount)

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


def _show(v: Any) -> str:
    """A value as the user wrote it: text in quotes (so ``''`` shows an empty cell), numbers,
    dates and true/false as a spreadsheet shows them, never a Python repr such as
    ``datetime.date(2024, 11, 1)`` or ``np.int64(3)``."""
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, (np.integer, np.floating)):
        v = v.item()
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, tuple):
        return "(" + ", ".join(_show(x) for x in v) + ")"
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {_show(x)}" for k, x in v.items())
    return str(v)


_TEXT = _Col("text")
_COUNT = _Col("int")
_DAY = _Col("int", role="day")

#: The contract, table by table and column by column, in contract order.
_SPEC: dict[str, dict[str, _Col]] = {
    # M4: one list per category; followers at the start of day 0 (growth, M7.2; eligibility, M12).
    "creators": {"creator_id": _TEXT, "category": _TEXT, "followers": _COUNT},
    # M5-M7: one row per creator per active day; a missing row means no activity that day.
    "activity": {
        "day": _DAY,
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
        "gmv": _Col("float", role="money"),
    },
    # M10/M11: free samples a merchant shipped to a creator.
    "samples": {
        "sample_id": _TEXT,
        "creator_id": _TEXT,
        "merchant_id": _TEXT,
        "shipped_day": _DAY,
        "delivered_day": _Col("int", nullable=True, role="day"),
    },
    # M10: a creator featuring a sample in a video or a livestream.
    "features": {
        "sample_id": _TEXT,
        "kind": _TEXT,
        "start_day": _DAY,
        "end_day": _Col("int", nullable=True, role="day"),
        "continuous_minutes": _Col("float", nullable=True, high=MINUTES_PER_DAY),
    },
    # M9: merchant messages to creators and when (if ever) the creator replied.
    "messages": {
        "message_id": _TEXT,
        "creator_id": _TEXT,
        "merchant_id": _TEXT,
        "sent_hour": _Col("float", role="hour"),
        "replied_hour": _Col("float", nullable=True, role="hour"),
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

    ``row`` is the row as a spreadsheet shows the table: the header is row 1, so the first data
    row is row 2 (for a CSV file, the line of the file where the row starts, blank lines
    included; for Parquet and in-memory tables, element ``i`` is row ``i + 2``). It is ``None``
    for a problem with a whole table or file; ``column`` is ``None`` for a problem with a whole
    row, table or file. ``value`` is the offending value (``""`` for an empty cell; ``None`` when
    there is no single value, e.g. a missing column) and ``allowed`` says what would be accepted.
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
        return f"{where}: {_show(self.value)}: {self.allowed}"


class DataError(ValueError):
    """A dataset breaks its contract; ``problems`` lists every problem found.

    The message shows the first 200 problems and counts the rest; ``problems`` keeps them all.
    ``warnings`` holds what the loader noticed on the way (a semicolon-separated or
    Windows-1252 file, ...), one line each, as ``Dataset.warnings`` would have; the message
    ends with them, as they may explain the problems.
    """

    MAX_LINES = 200

    def __init__(
        self,
        problems: Sequence[DataProblem],
        source: str = "<memory>",
        warnings: Sequence[str] = (),
    ):
        self.problems = list(problems)
        self.source = source
        self.warnings = tuple(warnings)
        lines = [f"{len(self.problems)} problem(s) in the dataset {source}:"]
        lines += [f"  - {p}" for p in self.problems[: self.MAX_LINES]]
        if len(self.problems) > self.MAX_LINES:
            lines.append(f"  ... and {len(self.problems) - self.MAX_LINES} more")
        lines += [f"  warning: {w}" for w in self.warnings]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:  # keep problems when pickled (process pools)
        return (type(self), (self.problems, self.source, self.warnings))


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

    ``warnings`` holds one line per thing the loader accepted but the user should know about
    (a semicolon-separated or Windows-1252 file, thousands separators or currency signs read
    as numbers, categories that differ only by case), each naming the file or table, the row,
    the column and the value, in the style of :class:`DataProblem`. ``start_date`` is the
    calendar date of day 0 when dates were converted to day numbers (``load_dataset(...,
    start_date=...)``), else None.
    """

    path: str
    creators: dict[str, np.ndarray]
    activity: dict[str, np.ndarray]
    samples: dict[str, np.ndarray]
    features: dict[str, np.ndarray]
    messages: dict[str, np.ndarray]
    n_days: int
    warnings: tuple[str, ...] = ()
    start_date: dt.date | None = None

    def __repr__(self) -> str:  # the tables would flood a notebook cell
        rows = ", ".join(
            f"{name}={len(next(iter(t.values()), ()))}"
            for name, t in (
                ("creators", self.creators),
                ("activity", self.activity),
                ("samples", self.samples),
                ("features", self.features),
                ("messages", self.messages),
            )
        )
        return (
            f"Dataset({self.path!r}, {self.n_days} days, rows: {rows}, "
            f"{len(self.warnings)} warning(s))"
        )


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
    # spreadsheet forms met (see _spreadsheet_form): form -> [(0-based row, cell, read as)]
    forms: dict[str, list[tuple[int, Any, Any]]] = field(default_factory=dict)


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


def _parse_number(col: _Col, data: Any, n: int, start: dt.date | None = None) -> _Parsed:
    """Parse an int or float column: types, emptiness and the range [0, high].

    Cells in a common spreadsheet form (see :func:`_spreadsheet_form`) are read when the
    reading is unambiguous, or rejected with a message saying what to do; either way they are
    listed in ``forms`` so that the caller can warn or report once per column.
    """
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
    forms: dict[str, list[tuple[int, Any, Any]]] = {}
    for i, v in enumerate(data):
        if v is _SKIP:
            continue
        status, x = _number(v)
        shown = x  # the value a problem shows: the number read, or the cell as written
        if status == "empty":
            if col.nullable:
                ok[i] = True
            else:
                bad.append((i, "", required))
            continue
        if status == "bad":
            form, got = _spreadsheet_form(col, v, start)
            if form in ("thousands", "currency", "date"):
                forms.setdefault(form, []).append((i, v, got))
                x = got[0] if form == "currency" else got
                shown = v
            elif form in ("needs_start", "other_date"):
                forms.setdefault(form, []).append((i, v, got))  # reported once per column
                continue
            else:
                bad.append((i, x, got if form == "hint" else allowed))
                continue
        if is_int:
            if isinstance(x, float):
                if not x.is_integer():
                    bad.append((i, shown, allowed))
                    continue
                x = int(x)
            if x > _INT64_MAX:
                bad.append((i, shown, f"an integer in [0, {_INT64_MAX}]"))
                continue
        if x < 0 or (col.high is not None and x > col.high):
            bad.append((i, shown, allowed))
            continue
        values[i] = x
        ok[i] = True
    signs = forms.get("currency", [])
    for i, v, (_, sign) in signs:  # M5: GMV sums amounts, so they must share one currency
        if sign != signs[0][2][1]:
            first = signs[0][2][1]
            bad.append((i, v, f"an amount in one currency: this column's first sign is {first!r}"))
            ok[i] = False
    return _Parsed(values, ok, bad, forms)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_OTHER_DATE = re.compile(
    r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}(?:[ T].*)?"  # 11/01/2024, 01.11.2024, 2024/11/01
    r"|\d{1,2}[- ][A-Za-z]{3,9}\.?[- ,]+\d{2,4}(?: .*)?"  # 1 Nov 2024, 01-Nov-24
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}(?: .*)?"  # Nov 1, 2024
    r"|\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?"  # an ISO-like date that is not a valid one
)


def _as_datetime(v: Any) -> dt.datetime | None:
    """A date or date-time cell (ISO text, or a Parquet date/timestamp) as a datetime."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, str) and _ISO_DATE.fullmatch(v.strip()):
        try:
            return dt.datetime.fromisoformat(v.strip())
        except ValueError:  # e.g. 2024-02-30
            return None
    return None


def _strip_currency(s: str) -> tuple[str, str]:
    """``("2,375.50", "$")`` for ``"$2,375.50"`` or ``"2,375.50 $"``; ``(s, "")`` if no sign."""
    if s and unicodedata.category(s[0]) == "Sc":
        return s[1:].strip(), s[0]
    if s and unicodedata.category(s[-1]) == "Sc":
        return s[:-1].strip(), s[-1]
    return s, ""


def _spreadsheet_form(col: _Col, v: Any, start: dt.date | None) -> tuple[str, Any]:
    """Recognise a cell that is not a plain number but a common spreadsheet form of one.

    Returns ``(form, got)``:

    * ``("thousands", x)``: ``"48,200"``, read as 48200 (a comma before every three digits);
    * ``("currency", (x, sign))``: ``"$2,375.50"`` in a money column (``gmv``), read as 2375.5;
    * ``("date", x)``: an ISO date (day columns) or date-time (hour columns) converted with
      ``start`` (day 0) to a day number or to hours since the start of day 0;
    * ``("needs_start", datetime)``: the same without ``start``: not readable;
    * ``("other_date", None)``: a date in another format (``11/01/2024``): not readable;
    * ``("hint", allowed)``: not readable, with a better account of what is allowed (a
      decimal comma, a date before ``start``, a time-zone offset);
    * ``("", None)``: none of these.
    """
    if col.role in ("day", "hour"):
        when = _as_datetime(v)
        if when is not None:
            if when.tzinfo is not None:
                return "hint", f"{col.allowed()}, or a date and time without a time-zone offset"
            if start is None:
                return "needs_start", when
            if col.role == "day":
                got: float = (when.date() - start).days
            else:
                got = (when - dt.datetime.combine(start, dt.time())).total_seconds() / 3600
            if got < 0:
                return "hint", f"a date on or after start_date {start.isoformat()} (day 0)"
            return "date", got
        if isinstance(v, str) and _OTHER_DATE.fullmatch(v.strip()):
            return "other_date", None
    if not isinstance(v, str):
        return "", None
    s = v.strip()
    sign = ""
    if col.role == "money":
        s, sign = _strip_currency(s)
    if _THOUSANDS.fullmatch(s):
        digits = s.replace(",", "")
        x: float = float(digits) if "." in digits else int(digits)
        return ("currency", (x, sign)) if sign else ("thousands", x)
    if sign:
        status, x = _number(s)
        if status == "num":
            return "currency", (x, sign)
    if _DECIMAL_COMMA.fullmatch(s):
        return "hint", f"{col.allowed()}, with a dot as the decimal mark (12.5, not 12,5)"
    return "", None


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
    rows: np.ndarray  # the row number shown for each row (DataProblem.row)


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


def _close_column(key: str, missing: list[str]) -> str | None:
    """The missing column a misspelt one most likely stands for (``veiws``, ``Views``)."""
    norm = key.strip().lower().replace(" ", "_")
    if norm in missing:
        return norm
    close = difflib.get_close_matches(norm, missing, n=1, cutoff=0.75)
    return close[0] if close else None


def _check_table(
    name: str,
    raw: Any,
    problems: list[DataProblem],
    warnings: list[str],
    rows: np.ndarray | None = None,
    start: dt.date | None = None,
) -> _Table | None:
    """Check one table on its own: columns, cells, rules between columns, unique keys.

    ``rows`` holds the row number of each row (a CSV file's lines); by default element ``i``
    is row ``i + 2``, as under a header row. ``start`` is day 0's date, for date cells.
    """
    spec = _SPEC[name]
    if not isinstance(raw, Mapping):
        problems.append(
            DataProblem(name, None, None, type(raw).__name__, "a mapping of column name -> values")
        )
        return None
    columns: dict[str, Any] = {}
    allowed_cols = ", ".join(spec)
    missing = [k for k in spec if k not in raw]
    meant: set[str] = set()  # missing columns an unknown one was probably meant to be
    for key, data in raw.items():
        if key not in spec:
            guess = _close_column(str(key), missing)
            hint = f"did you mean {guess!r} (missing)? " if guess else ""
            if guess:
                meant.add(guess)
            problems.append(
                DataProblem(
                    name,
                    None,
                    str(key),
                    None,
                    f"an unknown column; {hint}allowed columns: {allowed_cols}",
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
        if key not in columns and not col.nullable and key not in meant:
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
    if rows is None:
        rows = np.arange(n, dtype=np.int64) + 2

    values: dict[str, np.ndarray] = {}
    ok: dict[str, np.ndarray] = {}
    cell_problems: list[DataProblem] = []
    for key, col in spec.items():
        if key not in columns:
            values[key] = _empty_column(col, n)
            # a missing nullable column is all empty (valid); a missing required one is invalid
            ok[key] = np.full(n, col.nullable, dtype=bool)
            continue
        if col.kind == "text":
            parsed = _parse_text(col, columns[key], n)
        else:
            parsed = _parse_number(col, columns[key], n, start)
        values[key], ok[key] = parsed.values, parsed.ok
        cell_problems += [DataProblem(name, int(rows[i]), key, v, a) for i, v, a in parsed.bad]
        _report_forms(name, key, col, parsed.forms, rows, cell_problems, warnings)
    table = _Table(n, values, ok, set(columns), rows)
    if name == "creators":
        warnings += _category_warnings(table)
    cell_problems += _row_rules(name, table)
    cell_problems += _unique_rules(name, table)
    problems += cell_problems
    return table


def _report_forms(
    name: str,
    key: str,
    col: _Col,
    forms: dict[str, list[tuple[int, Any, Any]]],
    rows: np.ndarray,
    problems: list[DataProblem],
    warnings: list[str],
) -> None:
    """Turn the spreadsheet forms met in one column into one warning or one problem each.

    A form that was read (thousands separators, currency signs) gets a warning naming its first
    cell and what it was read as; a form that could not be read (dates without ``start_date``,
    dates in another format than YYYY-MM-DD) gets one problem at its first cell saying what to
    do, instead of one problem per cell.
    """
    for form, cells in forms.items():
        i, cell, got = cells[0]
        where = f"{name} row {int(rows[i])}, column {key!r}: {_show(cell)}"
        many = f"{len(cells)} cell(s) of this column"
        if form == "thousands":
            warnings.append(
                f"{where}: read as {_show(got)}, without its thousands separators ({many} "
                "have them)"
            )
        elif form == "currency":
            warnings.append(
                f"{where}: read as {_show(got[0])}, without the currency sign {got[1]!r} ({many} "
                "have one; amounts are summed as they are, in one currency)"
            )
        elif form == "needs_start":
            first = min(c[2] for c in cells)
            noun = "a day number (an integer >= 0)" if col.role == "day" else (
                "an hour number (hours since the start of day 0)"
            )
            problems.append(
                DataProblem(
                    name,
                    int(rows[i]),
                    key,
                    cell,
                    f"{noun}, not a date ({many} are dates): give the date of day 0 as "
                    f"start_date (command line: --start-date {first.date().isoformat()}) to "
                    "count days from it, or convert the dates to day numbers",
                )
            )
        elif form == "other_date":
            problems.append(
                DataProblem(
                    name,
                    int(rows[i]),
                    key,
                    cell,
                    f"{col.allowed()}, not a date ({many} are dates not written YYYY-MM-DD): "
                    "format the column as YYYY-MM-DD dates and give start_date (command line: "
                    "--start-date), or convert the dates to day numbers",
                )
            )


def _category_warnings(t: _Table) -> list[str]:
    """M4: one list per category, so two spellings of one category make two lists.

    Warns about categories that differ only by case or spacing (``Beauty`` and ``beauty``).
    Spaces at either end are already trimmed (the contract's rule for text).
    """
    cats = t.values["category"][t.ok["category"]]
    rows = t.rows[t.ok["category"]]
    if cats.size == 0:
        return []
    uniq, first, counts = np.unique(cats.astype(str), return_index=True, return_counts=True)
    names = [str(x) for x in uniq]
    groups: dict[str, list[int]] = {}
    for k, cat in enumerate(names):
        groups.setdefault(" ".join(cat.split()).casefold(), []).append(k)
    out = []
    for ks in groups.values():
        if len(ks) < 2:
            continue
        ks.sort(key=lambda k: (-counts[k], first[k]))  # the most used spelling first
        main = ks[0]
        for k in ks[1:]:
            out.append(
                f"creators row {int(rows[first[k]])}, column 'category': {names[k]!r} "
                f"({counts[k]} creator(s)) and {names[main]!r} ({counts[main]} creator(s), "
                f"first in row {int(rows[first[main]])}) differ only in case or spacing: they "
                "are ranked as two categories, each with its own lists; spell them the same "
                "if they are one"
            )
    return out


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
                    name, int(t.rows[i]), "delivered_day", d, f"empty or a day >= shipped_day ({s})"
                )
            )
            ok["delivered_day"][i] = False
    elif name == "features":
        kind = v["kind"]
        is_kind = np.isin(kind, _KINDS)
        for i in np.flatnonzero(ok["kind"] & ~is_kind):
            out.append(DataProblem(name, int(t.rows[i]), "kind", kind[i], "'video' or 'live'"))
            ok["kind"][i] = False
        # M10: a video counts while it stays up, so it cannot come down before it went up
        bad = ok["start_day"] & ok["end_day"] & (v["end_day"] >= 0)
        bad &= v["end_day"] < v["start_day"]
        for i in np.flatnonzero(bad):
            s, e = int(v["start_day"][i]), int(v["end_day"][i])
            out.append(
                DataProblem(
                    name, int(t.rows[i]), "end_day", e, f"empty or a day >= start_day ({s})"
                )
            )
            ok["end_day"][i] = False
        # M10: a livestream counts by its longest continuous segment showing the product
        minutes = v["continuous_minutes"]
        live = ok["kind"] & (kind == "live") & ok["continuous_minutes"]
        for i in np.flatnonzero(live & np.isnan(minutes)):
            out.append(
                DataProblem(
                    name,
                    int(t.rows[i]),
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
                    int(t.rows[i]),
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
                    int(t.rows[i]),
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
                        int(t.rows[r]),
                        key,
                        t.values[key][r],
                        f"a unique {key}; this one first appears in row {int(t.rows[f])}",
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
                        int(t.rows[r]),
                        "(day, creator_id)",
                        pair,
                        "one row per creator per day; this (day, creator_id) pair first "
                        f"appears in row {int(t.rows[f])}",
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
                            int(t.rows[i]),
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
                        int(features.rows[i]),
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
                        int(features.rows[i]),
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
    *,
    warnings: list[str] | None = None,
    rows: Mapping[str, np.ndarray] | None = None,
    start: dt.date | None = None,
) -> Dataset:
    """Check every table and the references between them; raise one :class:`DataError`.

    ``problems`` may already hold problems found while reading files; ``unreadable`` names the
    tables that could not be read (they are neither reported missing nor referenced).
    ``warnings`` may hold the readers' warnings; ``rows`` the row numbers of CSV tables.
    """
    warnings = [] if warnings is None else warnings
    rows = rows or {}
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
            checked[name] = _check_table(
                name, tables[name], problems, warnings, rows.get(name), start
            )
        elif name in unreadable or name in REQUIRED_TABLES:
            checked[name] = None
        else:  # an absent optional table is empty
            empty = {key: _empty_column(col, 0) for key, col in spec.items()}
            ok = {key: np.zeros(0, dtype=bool) for key in spec}
            checked[name] = _Table(0, empty, ok, set(spec), np.zeros(0, dtype=np.int64))
    problems += _cross_rules(checked)
    if problems:
        _sort_problems(problems)
        raise DataError(problems, source, warnings)
    out = {name: t.values for name, t in checked.items() if t is not None}
    return Dataset(
        path=source,
        creators=out["creators"],
        activity=out["activity"],
        samples=out["samples"],
        features=out["features"],
        messages=out["messages"],
        n_days=_n_days(out),
        warnings=tuple(warnings),
        start_date=start,
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
    tables: Mapping[str, Mapping[str, Sequence[Any]]],
    *,
    source: str = "<memory>",
    start_date: str | dt.date | None = None,
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
    start_date
        As for :func:`load_dataset`.

    Rows are numbered as under a header row: element ``i`` of a column is row ``i + 2``.

    Raises
    ------
    DataError
        Listing every problem in every table (see ``docs/data.md`` for the rules).
    ValueError
        ``start_date`` is not a date.
    """
    start = _start_date(start_date)
    return _validate(tables, source, [], set(), start=start)


def _start_date(value: str | dt.date | None) -> dt.date | None:
    """``start_date`` as a date: a ``datetime.date`` or ISO text (``"2024-11-01"``)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"start_date = {_show(value)}: allowed a date written YYYY-MM-DD (e.g. 2024-11-01), "
        "the calendar date of day 0"
    )


def load_dataset(
    path: str | os.PathLike[str], *, start_date: str | dt.date | None = None
) -> Dataset:
    """Read and check a dataset folder of ``NAME.csv`` / ``NAME.parquet`` tables.

    CSV is read as UTF-8 (a byte-order mark is tolerated) with a header row; Parquet through
    ``pyarrow.parquet``. Files whose names start with a dot and files that are neither
    ``.csv`` nor ``.parquet`` are ignored; any other ``.csv``/``.parquet`` file must be named
    after a contract table.

    What spreadsheets commonly write is read, with a line in ``Dataset.warnings`` for each: a
    CSV file separated by semicolons or tabs; a Windows-1252 (or UTF-16) file; blank rows and
    rows of empty cells; empty unnamed columns; thousands separators (``48,200``); a currency
    sign on ``gmv`` (``$2,375.50``); categories that differ only by case (kept apart).

    Parameters
    ----------
    path
        The dataset folder.
    start_date
        The calendar date of day 0 (``"2024-11-01"`` or a ``datetime.date``). With it, day
        columns may hold ISO dates (``2024-11-03`` is day 2) and hour columns ISO date-times
        (``2024-11-02 09:30`` is hour 33.5); without it a date is an error that says so.

    Raises
    ------
    DataError
        Listing every problem: a missing folder or required table, a table given twice (CSV and
        Parquet), an unknown table file, an unreadable file (named with its path), and every
        problem :func:`validate_tables` finds.
    ValueError
        ``start_date`` is not a date.
    """
    start = _start_date(start_date)
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
    rows: dict[str, np.ndarray] = {}
    warnings: list[str] = []
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
        if f.suffix.lower() == ".csv":
            got = _read_csv(f, name, problems, warnings)
            if got is not None:
                tables[name], rows[name] = got
            else:
                unreadable.add(name)
        else:
            columns = _read_parquet(f, name, problems)
            if columns is None:
                unreadable.add(name)
            else:
                tables[name] = columns
    return _validate(
        tables, source, problems, unreadable, warnings=warnings, rows=rows, start=start
    )


# --------------------------------------------------------------------------------- readers


def _decode(
    path: Path, table: str, problems: list[DataProblem], warnings: list[str]
) -> str | None:
    """A CSV file's text: UTF-8 (a byte-order mark is dropped), else UTF-16 with its byte-order
    mark, else Windows-1252 (Excel's plain "CSV" on Windows), with a warning for the last two.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(
            DataProblem(table, None, None, str(path), f"a readable file: {exc.strerror or exc}")
        )
        return None
    if data.startswith(b"PK\x03\x04"):
        problems.append(
            DataProblem(
                table,
                None,
                None,
                str(path),
                "a CSV text file, not a zip archive (an Excel workbook renamed .csv?): save it "
                "from the spreadsheet as 'CSV UTF-8'",
            )
        )
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.append(
                DataProblem(table, None, None, str(path), f"a readable UTF-16 text file: {exc}")
            )
            return None
        warnings.append(f"{path.name}: read as UTF-16 text (it starts with a UTF-16 mark)")
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        problems.append(
            DataProblem(
                table,
                None,
                None,
                str(path),
                f"a UTF-8 or Windows-1252 text file: byte 0x{byte:02x} on line {line} is "
                "neither (save the file from the spreadsheet as 'CSV UTF-8')",
            )
        )
        return None
    warnings.append(
        f"{path.name}: not UTF-8 (byte 0x{byte:02x} on line {line}); read as Windows-1252 "
        "(cp1252), as Excel writes plain 'CSV' on Windows: check accented text, or save the "
        "file as 'CSV UTF-8'"
    )
    return text


def _delimiter(text: str, path: Path, warnings: list[str]) -> str:
    """The cell separator: a comma, unless the header line holds more semicolons or tabs.

    Spreadsheets set to a language with decimal commas export "CSV" with semicolons.
    """
    header = next((ln for ln in text.splitlines() if ln.strip(" \t,;")), "")
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda k: counts[k])
    if counts[sep] == 0 or counts[sep] == counts[","]:
        return ","
    name = "semicolons" if sep == ";" else "tabs"
    warnings.append(f"{path.name}: the cells are separated by {name}, not commas; read that way")
    return sep


def _read_csv(
    path: Path, table: str, problems: list[DataProblem], warnings: list[str]
) -> tuple[dict[str, Any], np.ndarray] | None:
    """Read a CSV table as columns of strings and the row number of each row.

    A row's number is the line of the file where it starts (the header is usually line 1), as
    an editor or a spreadsheet shows it. Lines that are blank or hold only empty cells (the
    ``,,,,`` rows spreadsheets leave behind) are skipped; so are header cells without a name
    whose column is empty. Reports an unreadable file or malformed rows.
    """
    what = "a readable CSV file (comma-separated, with a header row)"
    text = _decode(path, table, problems, warnings)
    if text is None:
        return None
    sep = _delimiter(text, path, warnings)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    header: list[str] | None = None
    data_rows: list[list[Any]] = []
    starts: list[int] = []  # the line where each row starts
    last = 0
    try:
        for row in reader:
            start, last = last + 1, reader.line_num
            if not row or not (row[0].strip() or "".join(row).strip()):
                continue  # a blank line, or a row of empty cells
            if header is None:
                header = row
            else:
                data_rows.append(row)
                starts.append(start)
    except csv.Error as exc:
        problems.append(
            DataProblem(table, None, None, str(path), f"{what}: {exc} (line {reader.line_num})")
        )
        return None
    if header is None:
        problems.append(DataProblem(table, None, None, str(path), f"{what}: the file is empty"))
        return None
    names = [h.strip() for h in header]
    named = [j for j, h in enumerate(names) if h]
    width = named[-1] + 1 if named else 0  # a row needs at least the named columns
    bad_header = False
    for j in named:
        if names.index(names[j]) != j:
            problems.append(
                DataProblem(
                    table,
                    None,
                    names[j],
                    None,
                    f"a column named once in the header (it repeats column "
                    f"{names.index(names[j]) + 1})",
                )
            )
            bad_header = True
    if bad_header:
        return None
    unnamed = [j for j, h in enumerate(names) if not h]
    unnamed_values: dict[int, tuple[int, str]] = {}  # column -> first (line, cell) with a value
    lines = np.array(starts, dtype=np.int64)
    cells: list[list[Any]] = []
    if not unnamed and set(map(len, data_rows)) <= {width}:  # the usual case, kept cheap
        cells = data_rows
        data_rows = []
    for line, row in zip(starts[: len(data_rows)], data_rows, strict=True):
        extra = row[len(names) :]
        if len(row) < width or any(c.strip() for c in extra):
            problems.append(
                DataProblem(
                    table,
                    line,
                    None,
                    None,
                    f"a row of {width} cells, one per header column; this one has {len(row)}",
                )
            )
            cells.append([_SKIP] * len(named))  # reported once here, not again cell by cell
            continue
        for j in unnamed:
            if j < len(row) and row[j].strip() and j not in unnamed_values:
                unnamed_values[j] = (line, row[j])
        cells.append([row[j] for j in named])
    for j, (line, cell) in sorted(unnamed_values.items()):
        problems.append(
            DataProblem(
                table,
                line,
                None,
                cell,
                f"an empty cell: column {j + 1} has no name in the header (name the column, or "
                "delete it)",
            )
        )
    columns = [list(c) for c in zip(*cells, strict=True)] if cells else [[] for _ in named]
    return dict(zip([names[j] for j in named], columns, strict=True)), lines


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
