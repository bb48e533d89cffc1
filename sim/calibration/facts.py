"""The statistics that measure a stylised fact on a run: a fixed registry, looked up by name.

A targets file (:mod:`sim.calibration.targets`) names, for each fact, one statistic of
:data:`STATISTICS` and its options. Every statistic is a function ``f(daily, creators,
**options) -> float`` of a run's two tables (dicts of numpy columns, as
:class:`sim.run.RunResult` holds them) and reads only the columns it declares. A column the run
lacks raises :class:`MissingColumn`, one line naming the statistic, the table and the column.

Conventions shared by every statistic (they follow docs/calibration.md, section 2):

- The *window* is the reported days: the ``day`` column of the daily table, ``n`` days long,
  first day ``d0``. The model simulates its burn-in before ``d0`` and does not report it.
- A creator is *active at the end* when ``left_day`` is -1 or NaN (it never left); it is
  *present at the start* when ``joined_day <= d0`` and it did not leave before ``d0``; it is
  *present the whole window* when both hold. The creators table holds every creator ever
  present, leavers too (issue 11, point 4).
- ``followers`` is the audience at the end (or when the creator left), ``followers_start`` at
  ``d0`` (or when the creator joined, for later entrants).
- ``income`` is the observed payoff over the window in US dollars (commission + paid offers);
  income bands are *annualised*: ``income * 365 / n`` for creators present the whole window.
- ``active_days`` are the days a creator was on the platform within the window; posting rates
  are ``7 * pieces / active_days`` pieces a week.
- Rates of leaving are annualised from the window: ``1 - (1 - p) ** (365 / n)``.
- Follower groups (``top_decile``, ``bottom_half``) are cut on ``followers_start`` among the
  creators the statistic looks at.

A statistic returns NaN when its population is empty (no creator has 10k+ followers, say); the
calibration's distance treats NaN as far from every target.

:func:`fact_table` measures every fact of a targets file on one run: the "Stylised facts"
table of a run's ``report.md`` and ``run.json``. :data:`WINDOW` says how each statistic depends
on the window's length; a yearly one is not measured on fewer than 365 reported days.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GROUPS",
    "STATISTICS",
    "WHAT",
    "WINDOW",
    "YEAR_DAYS",
    "MissingColumn",
    "Statistic",
    "compute",
    "describe",
    "fact_table",
    "weighted_median",
    "window_note",
]

Table = Mapping[str, np.ndarray]

#: Follower groups a statistic can be restricted to (cut on ``followers_start``).
GROUPS = ("all", "top_decile", "bottom_half")


class MissingColumn(ValueError):
    """A statistic needs a column the run's table does not have (one line, names both)."""


@dataclass(frozen=True)
class Statistic:
    """One registered statistic: its function, what it measures, its options with defaults."""

    name: str
    func: Callable[..., float]
    doc: str
    options: Mapping[str, Any]
    choices: Mapping[str, tuple[str, ...]]

    def __call__(self, daily: Table, creators: Table, **options: Any) -> float:
        return float(self.func(_Tables(self.name, daily, creators), **{**self.options, **options}))


#: Statistic name -> :class:`Statistic`; the only names a targets file may use.
STATISTICS: dict[str, Statistic] = {}


def _register(
    options: Mapping[str, Any] | None = None, choices: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    def deco(func: Callable[..., float]) -> Callable[..., float]:
        doc = (func.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        STATISTICS[func.__name__] = Statistic(
            func.__name__, func, doc, dict(options or {}), dict(choices or {})
        )
        return func

    return deco


def compute(name: str, daily: Table, creators: Table, options: Mapping[str, Any] | None = None):
    """The value of statistic ``name`` on a run's tables (``ValueError`` for an unknown name)."""
    if name not in STATISTICS:
        raise ValueError(f"unknown statistic {name!r}; known: " + ", ".join(sorted(STATISTICS)))
    return STATISTICS[name](daily, creators, **dict(options or {}))


# -- table access --------------------------------------------------------------------------------
class _Tables:
    """The two tables of a run, read column by column with a clear error for a missing one."""

    def __init__(self, statistic: str, daily: Table, creators: Table):
        self.statistic = statistic
        self._tables = {"daily": daily, "creators": creators}

    def col(self, table: str, column: str) -> np.ndarray:
        data = self._tables[table]
        if column not in data:
            raise MissingColumn(
                f"statistic {self.statistic!r} needs column {column!r} of the {table} table, "
                "which this run does not have"
            )
        return np.asarray(data[column])

    def c(self, column: str) -> np.ndarray:
        return self.col("creators", column)

    def d(self, column: str) -> np.ndarray:
        return self.col("daily", column)

    @property
    def window(self) -> tuple[int, int]:
        """First reported day and the window's length in days."""
        days = self.d("day")
        if len(days) == 0:
            raise MissingColumn(f"statistic {self.statistic!r} needs at least one reported day")
        return int(days[0]), len(days)

    def active_at_end(self) -> np.ndarray:
        left = self.c("left_day").astype(float)
        return np.isnan(left) | (left < 0)

    def present_at_start(self) -> np.ndarray:
        left = self.c("left_day").astype(float)
        left_before = ~np.isnan(left) & (left >= 0) & (left < self.window[0])  # in the burn-in
        return (self.c("joined_day").astype(float) <= self.window[0]) & ~left_before

    def left_in_window(self) -> np.ndarray:
        left = self.c("left_day").astype(float)
        return ~np.isnan(left) & (left >= self.window[0])

    def whole_window(self) -> np.ndarray:
        return self.present_at_start() & self.active_at_end()

    def annual_income(self) -> np.ndarray:
        return self.c("income").astype(float) * 365.0 / self.window[1]

    def weekly_pieces(self) -> tuple[np.ndarray, np.ndarray]:
        """Pieces a week per creator and its weight (active days); 0 weight when never active."""
        days = self.c("active_days").astype(float)
        pieces = self.c("pieces").astype(float)
        rate = np.divide(7.0 * pieces, days, out=np.zeros_like(pieces), where=days > 0)
        return rate, np.where(days > 0, days, 0.0)


def _share(mask: np.ndarray, among: np.ndarray) -> float:
    n = int(np.count_nonzero(among))
    return float(np.count_nonzero(mask & among) / n) if n else math.nan


def _group(followers: np.ndarray, among: np.ndarray, group: str) -> np.ndarray:
    """``among`` restricted to a follower group (cut on the values of ``followers`` in it)."""
    if group == "all" or not np.any(among):
        return among
    values = followers[among].astype(float)
    if group == "top_decile":
        return among & (followers >= np.quantile(values, 0.9))
    return among & (followers < np.median(values))  # bottom_half


def _annualise(p: float, n_days: int) -> float:
    return p if math.isnan(p) else 1.0 - (1.0 - p) ** (365.0 / n_days)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The lower weighted median: the smallest value with at least half the weight at or below.

    With all weights equal this is the lower median of ``values`` (for an even count, the
    smaller of the two middle values). NaN when the weights sum to zero.
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    keep = weights > 0
    if not np.any(keep):
        return math.nan
    order = np.argsort(values[keep], kind="stable")
    v, w = values[keep][order], weights[keep][order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1] - 1e-12 * cum[-1])])


# -- followers (T1-T4) ---------------------------------------------------------------------------
@_register({"threshold": 10_000.0, "floor": 1_000.0})
def share_followers_at_least(t: _Tables, threshold: float, floor: float) -> float:
    """Share of creators with ``followers >= threshold`` among those active at the end with
    ``followers >= floor`` (T1 with 10k, T2 with 100k; the floor is O6's affiliate floor)."""
    f = t.c("followers").astype(float)
    among = t.active_at_end() & (f >= floor)
    return _share(f >= threshold, among)


@_register({"low": 10_000.0, "high": 100_000.0, "floor": 1_000.0})
def followers_ccdf_slope(t: _Tables, low: float, high: float, floor: float) -> float:
    """Slope of the follower CCDF between ``low`` and ``high`` followers on the last day:
    ``log10(share >= low / share >= high) / log10(high / low)`` (T3; 1 for a Pareto tail
    of exponent 1)."""
    a = share_followers_at_least(t, low, floor)
    b = share_followers_at_least(t, high, floor)
    if not (a > 0 and b > 0):
        return math.nan
    return math.log10(a / b) / math.log10(high / low)


@_register({"threshold": 10_000.0, "floor": 1_000.0})
def followers_share_drift(t: _Tables, threshold: float, floor: float) -> float:
    """Share with ``followers >= threshold`` on the last day minus the same share on the first
    reported day (``followers_start`` of the creators present then): the stock stays put (T4)."""
    end = share_followers_at_least(t, threshold, floor)
    f0 = t.c("followers_start").astype(float)
    start = _share(f0 >= threshold, t.present_at_start() & (f0 >= floor))
    return end - start


# -- income (T5-T7) ------------------------------------------------------------------------------
@_register({"threshold": 50_000.0})
def income_share_at_least(t: _Tables, threshold: float) -> float:
    """Share of creators present the whole window whose annualised observed payoff (commission
    plus paid offers, US dollars a year) is at least ``threshold`` (T5 with $50,000)."""
    return _share(t.annual_income() >= threshold, t.whole_window())


@_register({"threshold": 500.0})
def income_share_below(t: _Tables, threshold: float) -> float:
    """Share of creators present the whole window whose annualised observed payoff is below
    ``threshold`` US dollars a year (T6 with $500)."""
    return _share(t.annual_income() < threshold, t.whole_window())


@_register({"quantile": 0.9})
def income_tail_slope(t: _Tables, quantile: float) -> float:
    """Hill estimate of the Pareto CCDF slope of annualised payoffs above their ``quantile``
    among creators present the whole window: ``k / sum(log(x_i / x_min))`` over the ``k``
    payoffs above ``x_min`` (T7). NaN with fewer than two positive payoffs above it."""
    x = t.annual_income()[t.whole_window()]
    x = x[x > 0]
    if len(x) < 3:
        return math.nan
    x_min = float(np.quantile(x, quantile))
    tail = x[x > x_min]
    if len(tail) < 2 or x_min <= 0:
        return math.nan
    return float(len(tail) / np.sum(np.log(tail / x_min)))


# -- burnout (T8-T10) ----------------------------------------------------------------------------
@_register()
def ever_burnt_out_share(t: _Tables) -> float:
    """Share of creators present the whole window with at least one burnout episode in it (T8)."""
    return _share(t.c("ever_burnt_out").astype(bool), t.whole_window())


@_register()
def burnt_out_share_mean(t: _Tables) -> float:
    """Mean over the reported days of the share of active creators in a burnout episode (T9)."""
    x = t.d("burnt_out_share").astype(float)
    return float(np.nanmean(x)) if np.any(~np.isnan(x)) else math.nan


@_register({"column": "burnt_out_share"})
def daily_mean(t: _Tables, column: str) -> float:
    """Mean over the reported days of any column of the daily table (``column``)."""
    x = t.d(column).astype(float)
    return float(np.nanmean(x)) if np.any(~np.isnan(x)) else math.nan


@_register()
def burnout_ratio_top_bottom(t: _Tables) -> float:
    """Share ever burnt out in the window of the top follower decile divided by that of the
    creators below the median (creators present the whole window; T10)."""
    burnt = t.c("ever_burnt_out").astype(bool)
    f0 = t.c("followers_start").astype(float)
    among = t.whole_window()
    top = _share(burnt, _group(f0, among, "top_decile"))
    bottom = _share(burnt, _group(f0, among, "bottom_half"))
    return top / bottom if bottom > 0 else math.nan


# -- exits (T12, T13) ----------------------------------------------------------------------------
@_register({"min_followers": 10_000.0})
def exit_rate_established(t: _Tables, min_followers: float) -> float:
    """Yearly exit rate of established creators: among creators present at the start with
    ``followers_start >= min_followers``, the share who left in the window, annualised (T12;
    followers stand in for the 1,000 views per piece of the source)."""
    f0 = t.c("followers_start").astype(float)
    among = t.present_at_start() & (f0 >= min_followers)
    return _annualise(_share(t.left_in_window(), among), t.window[1])


@_register()
def exit_gap_small_minus_top(t: _Tables) -> float:
    """Yearly exit rate of the bottom follower half minus that of the top decile, among
    creators present at the start (positive: small creators leave more; T13)."""
    f0 = t.c("followers_start").astype(float)
    among = t.present_at_start()
    left = t.left_in_window()
    n = t.window[1]
    small = _annualise(_share(left, _group(f0, among, "bottom_half")), n)
    top = _annualise(_share(left, _group(f0, among, "top_decile")), n)
    return small - top


# -- posting (T14-T16) ---------------------------------------------------------------------------
@_register({"group": "all"}, {"group": GROUPS})
def posting_median_weekly(t: _Tables, group: str) -> float:
    """Median pieces (videos + livestreams) a week over active creator-weeks: the median of
    ``7 * pieces / active_days`` weighted by ``active_days`` (T14; by follower group, T15)."""
    rate, weight = t.weekly_pieces()
    among = _group(t.c("followers_start").astype(float), weight > 0, group)
    return weighted_median(rate[among], weight[among])


@_register({"per_week": 2.0, "top_share": 1 / 3})
def top_earners_posting_share(t: _Tables, per_week: float, top_share: float) -> float:
    """Among creators present the whole window in the top ``top_share`` by payoff, the share
    posting at least ``per_week`` pieces a week on average (T16: full-time earners)."""
    rate, _ = t.weekly_pieces()
    income = t.c("income").astype(float)
    among = t.whole_window()
    if not np.any(among):
        return math.nan
    cut = np.quantile(income[among], 1.0 - top_share)
    return _share(rate >= per_week, among & (income >= cut))


# -- the facts table of a run ----------------------------------------------------------------
#: How each statistic depends on the window's length: ``"any"`` (a stock on the last day, or a
#: rate per day or week: any window), ``"annualised"`` (counted in the window and scaled to a
#: year by the conventions above: measurable on a shorter window, noisier) or ``"year"``
#: (counted in the window, with no scaling that makes a shorter window comparable: the share
#: ever burnt out in the window, the drift of a stock; needs :data:`YEAR_DAYS` reported days).
WINDOW: dict[str, str] = {
    "share_followers_at_least": "any",
    "followers_ccdf_slope": "any",
    "followers_share_drift": "year",
    "income_share_at_least": "annualised",
    "income_share_below": "annualised",
    "income_tail_slope": "annualised",
    "ever_burnt_out_share": "year",
    "burnt_out_share_mean": "any",
    "daily_mean": "any",
    "burnout_ratio_top_bottom": "year",
    "exit_rate_established": "annualised",
    "exit_gap_small_minus_top": "annualised",
    "posting_median_weekly": "any",
    "top_earners_posting_share": "any",
}
#: Reported days a ``"year"`` statistic needs (the targets' facts are yearly: issue 11, point 6).
YEAR_DAYS = 365


#: Each statistic in plain words, formatted with its options (:func:`describe`).
WHAT: dict[str, str] = {
    "share_followers_at_least": "share of creators with {threshold:,.0f}+ followers "
    "(of those with {floor:,.0f}+)",
    "followers_ccdf_slope": "slope of the follower tail between {low:,.0f} and {high:,.0f}",
    "followers_share_drift": "change over the year of the share with {threshold:,.0f}+ followers",
    "income_share_at_least": "share earning ${threshold:,.0f} or more a year",
    "income_share_below": "share earning under ${threshold:,.0f} a year",
    "income_tail_slope": "Pareto slope of yearly income above its {quantile:.0%} quantile",
    "ever_burnt_out_share": "share burnt out at least once in a year",
    "burnt_out_share_mean": "share burnt out on a given day",
    "daily_mean": "daily mean of {column}",
    "burnout_ratio_top_bottom": "share ever burnt out: top follower decile / bottom half",
    "exit_rate_established": "yearly exit rate of creators with {min_followers:,.0f}+ followers",
    "exit_gap_small_minus_top": "yearly exit rate: bottom follower half minus top decile",
    "posting_median_weekly": "median pieces posted a week ({group})",
    "top_earners_posting_share": "share of the top {top_share:.0%} earners posting "
    "{per_week:g}+ pieces a week",
}
_GROUP_WORDS = {
    "all": "all creators",
    "top_decile": "top follower decile",
    "bottom_half": "bottom follower half",
}


def describe(statistic: str, options: Mapping[str, Any] | None = None) -> str:
    """A statistic with its options in plain words (its doc's first line when not in WHAT)."""
    if statistic not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; known: " + ", ".join(STATISTICS))
    opts = {**STATISTICS[statistic].options, **dict(options or {})}
    if "group" in opts:
        opts["group"] = _GROUP_WORDS.get(opts["group"], opts["group"])
    if statistic not in WHAT:
        return STATISTICS[statistic].doc
    return WHAT[statistic].format(**opts)


def window_note(statistic: str, n_days: int) -> str | None:
    """Why ``statistic`` cannot be measured on ``n_days`` reported days, or None if it can.

    A ``"year"`` statistic (:data:`WINDOW`) needs :data:`YEAR_DAYS` days; any statistic needs
    one reported day. A statistic missing from :data:`WINDOW` is taken as ``"any"``.
    """
    if n_days < 1:
        return "not measurable: the run reports no day"
    if WINDOW.get(statistic, "any") == "year" and n_days < YEAR_DAYS:
        return (
            f"not measurable: a yearly count needs {YEAR_DAYS} reported days, the run has {n_days}"
        )
    return None


def fact_table(targets: Any, daily: Table, creators: Table) -> list[dict[str, Any]]:
    """Every fact of a targets file measured on a finished run: one row a fact, in file order.

    Parameters
    ----------
    targets
        A validated targets file (:class:`sim.calibration.targets.Targets`, from
        ``load_targets``).
    daily, creators
        The run's two tables (the reported days only; every creator ever present).

    Returns
    -------
    list of dict
        Keys: ``id``; ``what`` (the fact in plain words, :func:`describe`);
        ``statistic`` and ``options``; ``model`` (the value :func:`compute` gives on these
        tables, NaN when its population is empty, None when not measured); ``low``, ``high``,
        ``target`` (the range and the value); ``inside`` (``low <= model <= high``; None when
        not measured or NaN); ``role`` (``target``: fitted by the calibration, ``bound``:
        only checked); ``window`` (:data:`WINDOW`: ``any``, ``annualised`` or ``year``);
        ``note`` (why the fact was not measured, else None); ``source`` (``title``, ``year``,
        ``url``: year and url "" when the file gives none); ``covers``.

    A fact whose statistic counts a year (:data:`WINDOW` ``"year"``) is not measured on fewer
    than :data:`YEAR_DAYS` reported days, nor a fact whose statistic needs a column the run
    lacks (:class:`MissingColumn`): the row says why in ``note``. Annualised statistics are
    measured on any window (their scaling to a year is in the module doc).
    """
    n_days = len(np.asarray(daily.get("day", [])))
    rows = []
    for f in targets.facts:
        note = window_note(f.statistic, n_days)
        value: float | None = None
        if note is None:
            try:
                value = compute(f.statistic, daily, creators, f.options)
            except MissingColumn as exc:
                note = f"not measurable: {exc}"
        inside = None if value is None or math.isnan(value) else bool(f.low <= value <= f.high)
        src = f.source
        rows.append(
            {
                "id": f.id,
                "what": describe(f.statistic, f.options),
                "statistic": f.statistic,
                "options": dict(f.options),
                "model": value,
                "low": f.low,
                "high": f.high,
                "target": f.value,
                "inside": inside,
                "role": f.role,
                "window": WINDOW.get(f.statistic, "any"),
                "note": note,
                "source": {
                    "title": str(src.get("title", "")),
                    "year": src.get("year", ""),
                    "url": str(src.get("url", "")),
                },
                "covers": f.covers,
            }
        )
    return rows
