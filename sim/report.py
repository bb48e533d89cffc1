"""What a run reports: the last-30-day outcomes, the figures and ``report.md``.

Pure functions of the run's tables (dicts of numpy columns, as ``CreatorMarket.daily_table``
returns them) and of the scenario: they build numbers, ``matplotlib`` figures and Markdown text
and write nothing. ``sim.run`` writes them to disk (atomically).

Figures use ``matplotlib.figure.Figure`` directly (the Agg canvas, no ``pyplot``), so making
them never opens a window nor changes the user's matplotlib backend.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from scoring.params import ParamInfo

from .experiments.summary import CONSTANT_NOTE, is_constant
from .scenario import Scenario

__all__ = [
    "DEFAULT_TARGETS",
    "FIGURES",
    "KEY_OUTCOMES",
    "TAIL_DAYS",
    "changed_parameters",
    "constant_outcomes",
    "fmt_value",
    "make_figures",
    "provenance",
    "render_facts",
    "render_report",
    "stylised_facts",
    "summary_lines",
    "tail_means",
    "unreachable_changes",
]

#: Outcomes are summarised as their mean over this many last days (or all days if fewer).
TAIL_DAYS = 30

#: The main outcomes: (daily column, label, number format). Every daily column is documented in
#: docs/model.md ("Outcomes") and computed by ``sim.recorder.daily_outcomes``.
KEY_OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("exits", "Exits per day", ".2f"),
    ("entries", "Entries per day", ".2f"),
    ("pieces_per_active", "Pieces posted per active creator a day", ".2f"),
    ("views_per_active", "Feed views per active creator a day", ",.0f"),
    ("income_per_active", "Observed income per active creator a day (commission, offers)", ".2f"),
    ("feed_gini", "Feed views: Gini", ".3f"),
    ("feed_top10_share", "Feed views: top-10% share", ".1%"),
    ("feed_entertainer_share", "Feed views: entertainers' share (M14)", ".1%"),
    ("list_exposure_gini", "List exposure: Gini", ".3f"),
    ("list_top1_share", "List exposure: top-1% share", ".1%"),
    ("list_entertainer_share", "List exposure: entertainers' share", ".1%"),
    ("share_listed", "Creators on a list merchants use", ".2%"),
    ("share_eligible", "Creators eligible for the lists (M12)", ".1%"),
    ("list_turnover", "List turnover from one day to the next", ".1%"),
    ("workload_mean", "Workload (hours / capacity), mean", ".2f"),
    ("overload_share", "Creators working above capacity (M15)", ".1%"),
    ("burnt_out_share", "Creators burnt out (M15)", ".1%"),
    (
        "incentive_overloaded",
        "Payoff of one more video a day (currency/day), overloaded creators",
        ".3f",
    ),
    (
        "incentive_lists_overloaded",
        "... of which through the lists (merchants' contacts)",
        ".4f",
    ),
    (
        "incentive_gap",
        "Payoff of one more video minus its cost within capacity, creators at capacity",
        ".2f",
    ),
    ("effort_mean", "Effort (multiplier of planned hours), mean", ".2f"),
    ("last_minute_share", "Samples fulfilled in their last days", ".1%"),
    (
        "fulfilment_rate",
        "Sample fulfilment rate since day 0, samples past their deadline (M10, M11)",
        ".1%",
    ),
    ("gmv", "GMV per day", ",.0f"),
    ("gmv_top10_share", "GMV: top-10% share", ".1%"),
    ("merchant_sample_roi", "Merchants' sample GMV / sample cost, since day 0", ".2f"),
)

#: The outcomes the command line prints after a run.
SUMMARY_OUTCOMES = (
    "feed_gini",
    "feed_entertainer_share",
    "share_listed",
    "share_eligible",
    "workload_mean",
    "overload_share",
    "fulfilment_rate",
    "gmv",
)

#: The figures of a run: file name -> title.
FIGURES: dict[str, str] = {
    "fig_visibility.png": "Visibility: who the feed and the lists show",
    "fig_workload.png": "Workload: effort relative to capacity, deadline pressure",
    "fig_commerce.png": "Commerce: GMV, sample fulfilment, merchants' return on samples",
    "fig_population.png": "Creators: exits and entries, posting, views and income",
}

_LABEL = {key: label for key, label, _ in KEY_OUTCOMES}
_FORMAT = {key: f for key, _, f in KEY_OUTCOMES}


# -- numbers ---------------------------------------------------------------------------------
def tail_means(daily: Mapping[str, np.ndarray], days: int = TAIL_DAYS) -> dict[str, float]:
    """Mean of every numeric daily column over its last ``days`` rows, ignoring NaN.

    A column that is NaN on every one of those days (e.g. no sample decided) gives NaN.
    """
    out: dict[str, float] = {}
    for key, col in daily.items():
        col = np.asarray(col)
        if key == "day" or col.dtype.kind not in "biuf":
            continue
        tail = col[-days:].astype(np.float64)
        if tail.size == 0 or np.isnan(tail).all():
            out[key] = math.nan
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[key] = float(np.nanmean(tail))
    return out


def constant_outcomes(daily: Mapping[str, np.ndarray], days: int = TAIL_DAYS) -> list[str]:
    """The numeric daily columns that do not vary over the last ``days`` days.

    A column is constant when its measured (non-NaN) values on those days, at least two, have
    a spread within float noise (:func:`sim.experiments.summary.is_constant`). In the 2022
    reading at its default size, ``share_listed`` (list positions x categories / creators),
    the list-exposure concentration (fixed by the exposure-by-position curve of full lists)
    and the list-score gain of a video (no list merchants read rewards videos) are constant:
    a report shows them as such rather than as findings.
    """
    out = []
    for key, col in daily.items():
        col = np.asarray(col)
        if key == "day" or col.dtype.kind not in "biuf":
            continue
        if is_constant(col[-days:]):
            out.append(key)
    return out


def _fmt(value: float | None, spec: str) -> str:
    """``value`` in the format ``spec``, "n/a" when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return format(value, spec)


def fmt_outcome(key: str, value: float) -> str:
    """An outcome formatted for people ("n/a" when undefined)."""
    return _fmt(value, _FORMAT.get(key, ".4g"))


def summary_lines(daily: Mapping[str, np.ndarray], days: int = TAIL_DAYS) -> list[str]:
    """A few key outcomes over the last days, one ``label: value`` line each (a constant one
    flagged, see :func:`constant_outcomes`)."""
    means = tail_means(daily, days)
    constant = set(constant_outcomes(daily, days))
    width = max(len(_LABEL[k]) for k in SUMMARY_OUTCOMES)
    return [
        f"{_LABEL[k]:<{width}}  {fmt_outcome(k, means.get(k, math.nan))}"
        + (f"  ({CONSTANT_NOTE})" if k in constant else "")
        for k in SUMMARY_OUTCOMES
    ]


# -- parameters ------------------------------------------------------------------------------
def provenance(info: ParamInfo) -> str:
    """Where a parameter's value comes from: the mechanic number, ``calibrated ...: how``, or
    ``assumed: reason``."""
    if info.reported:
        return info.source
    return f"{info.source}: {info.reason}" if info.reason else info.source


def fmt_value(value: Any) -> str:
    """A parameter value as it would be written in a scenario file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return repr(value)
    return str(value)


def changed_parameters(scenario: Scenario) -> list[tuple[str, Any, Any, ParamInfo]]:
    """The parameters whose value differs from the default: ``(key, value, default, info)``."""
    return [
        (key, value, default, info)
        for key, value, default, info, _set in scenario.parameters()
        if value != default
    ]


def lists_read(scenario: Scenario) -> set[str]:
    """The lists something in the model reads: those of every merchant goal with a share above
    0 (``merchants.goal_*``, :data:`sim.population.GOAL_LISTS`), and the feed's
    ``attention.coupling_list`` when ``attention.coupling`` is not 0 (M14)."""
    from .population import GOAL_LISTS, GOALS

    m, a = scenario.model.merchants, scenario.model.attention
    out = {name for g in GOALS if getattr(m, f"goal_{g}") > 0 for name in GOAL_LISTS[g]}
    if a.coupling != 0:
        out.add(a.coupling_list)
    return out


def unreachable_changes(
    scenario: Scenario, changed: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """The changed parameters that cannot reach any outcome of ``scenario``: ``(key, why)``.

    ``changed`` defaults to the keys whose value differs from the default. Derived from the
    scenario itself (which lists the model reads, :func:`lists_read`), not from a list of keys:

    * ``scoring.overall.<index>``: only the overall list uses it;
    * ``scoring.weights.<index>.<component>``: the ``<index>`` list, and the overall list
      when ``scoring.overall.<index>`` is not 0;
    * ``scoring.gmv_blend``: the five index lists and the overall list, not the GMV list;
    * ``attention.coupling_list``: only when ``attention.coupling`` is not 0.

    Any other parameter is assumed to reach some outcome.
    """
    read = lists_read(scenario)
    pol = scenario.scoring
    overall_w = pol.overall_weights()
    if changed is None:
        changed = [k for k, *_x in changed_parameters(scenario)]
    used = ", ".join(sorted(read))
    out = []
    for key in changed:
        parts = key.split(".")
        why = ""
        if parts[:2] == ["scoring", "overall"] and len(parts) == 3:
            if "overall" not in read:
                why = f"a weight of the overall list, which nothing reads (lists read: {used})"
        elif parts[:2] == ["scoring", "weights"] and len(parts) == 4:
            index = parts[2]
            via_overall = "overall" in read and overall_w.get(index, 0.0) != 0
            if index not in read and not via_overall:
                why = (
                    f"a weight inside the {index} index, whose list nothing reads and which "
                    f"does not reach a read overall list (lists read: {used})"
                )
        elif key == "scoring.gmv_blend" and read <= {"gmv"}:
            why = f"blended into the index lists only, which nothing reads (lists read: {used})"
        elif key == "attention.coupling_list" and scenario.model.attention.coupling == 0:
            why = "the feed reads the list only when attention.coupling is not 0 (here 0)"
        if why:
            out.append((key, why))
    return out


# -- figures ---------------------------------------------------------------------------------
def _series(ax, daily: Mapping[str, np.ndarray], keys: Sequence[tuple[str, str]]) -> None:
    day = np.asarray(daily.get("day", np.arange(len(next(iter(daily.values()), [])))))
    for key, label in keys:
        if key in daily:
            ax.plot(day, np.asarray(daily[key], dtype=np.float64), label=label, lw=1.4)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def _figure(title: str, rows: int) -> tuple[Figure, list]:
    fig = Figure(figsize=(8.0, 2.6 * rows + 0.6), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(title, fontsize=11)
    axes[-1].set_xlabel("day")
    return fig, list(axes)


def figure_visibility(daily: Mapping[str, np.ndarray]) -> Figure:
    """Concentration of feed views and list exposure; entertainers' share of both (M14)."""
    fig, (a, b) = _figure(FIGURES["fig_visibility.png"], 2)
    _series(
        a,
        daily,
        [
            ("feed_gini", "feed views: Gini"),
            ("feed_top10_share", "feed views: top-10% share"),
            ("list_top1_share", "list exposure: top-1% share"),
        ],
    )
    a.set_ylabel("concentration")
    a.set_ylim(0, 1.02)
    _series(
        b,
        daily,
        [
            ("feed_entertainer_share", "entertainers' share of feed views"),
            ("list_entertainer_share", "entertainers' share of list exposure"),
        ],
    )
    b.set_ylabel("share")
    b.set_ylim(bottom=0)
    return fig


def figure_workload(daily: Mapping[str, np.ndarray]) -> Figure:
    """Workload; shares overloaded, stressed, burnt out; effort and the incentive gap (M15)."""
    fig, (a, b, c) = _figure(FIGURES["fig_workload.png"], 3)
    _series(a, daily, [("workload_mean", "mean workload (hours / capacity)")])
    a.axhline(1.0, color="grey", lw=0.8, ls="--")
    a.set_ylabel("workload")
    a.set_ylim(bottom=0)
    _series(
        b,
        daily,
        [
            ("overload_share", "creators above capacity"),
            ("stressed_share", "creators stressed"),
            ("burnt_out_share", "creators burnt out"),
            ("last_minute_share", "samples fulfilled in their last days"),
        ],
    )
    b.set_ylabel("share")
    b.set_ylim(0, 1.02)
    _series(c, daily, [("effort_mean", "mean effort (x planned hours)")])
    c.set_ylabel("effort")
    c.legend(fontsize=8, loc="lower left")
    if "incentive_gap" in daily:  # weekly: plot the measured days only
        day = np.asarray(daily["day"])
        gap = np.asarray(daily["incentive_gap"], dtype=np.float64)
        ok = ~np.isnan(gap)
        twin = c.twinx()
        twin.plot(
            day[ok],
            gap[ok],
            "o-",
            ms=3,
            lw=1,
            color="C3",
            label="income per piece - cost of a video within capacity",
        )
        twin.axhline(0.0, color="C3", lw=0.6, ls=":")
        twin.set_ylabel("currency per piece")
        twin.legend(fontsize=8, loc="lower right")
    return fig


def figure_commerce(daily: Mapping[str, np.ndarray]) -> Figure:
    """GMV per day, the fulfilment rate so far, merchants' return on samples so far."""
    fig, (a, b, c) = _figure(FIGURES["fig_commerce.png"], 3)
    _series(a, daily, [("gmv", "GMV per day")])
    a.set_ylabel("GMV (currency)")
    a.set_ylim(bottom=0)
    _series(
        b,
        daily,
        [("fulfilment_rate", "sample fulfilment rate (shipped since day 0, past the deadline)")],
    )
    b.set_ylabel("share")
    b.set_ylim(0, 1.02)
    _series(c, daily, [("merchant_sample_roi", "merchants' sample GMV / sample cost")])
    c.axhline(1.0, color="grey", lw=0.8, ls="--")
    c.set_ylabel("return")
    c.set_ylim(bottom=0)
    return fig


def _headroom(ax, daily: Mapping[str, np.ndarray], key: str) -> None:
    """From 0 to 10% above the column's largest value (a flat line stays off the frame)."""
    col = np.asarray(daily.get(key, []), dtype=np.float64)
    top = float(np.nanmax(col)) if col.size and not np.isnan(col).all() else 0.0
    ax.set_ylim(0, top * 1.1 if top > 0 else 1.0)


def figure_population(daily: Mapping[str, np.ndarray]) -> Figure:
    """Exits and entries a day (M15 turnover; leavers' slots are refilled, so the count of
    active creators stays at the population size and is not plotted); pieces, feed views and
    observed income per active creator a day (outcomes are over active creators)."""
    fig, (b, c, d) = _figure(FIGURES["fig_population.png"], 3)
    _series(b, daily, [("exits", "exits a day")])
    if "entries" in daily and "exits" in daily:
        same = np.array_equal(np.asarray(daily["entries"]), np.asarray(daily["exits"]))
        b.plot(
            np.asarray(daily["day"]),
            np.asarray(daily["entries"], dtype=np.float64),
            ls=(0, (4, 3)),
            lw=1.0,
            color="C1",
            label="entries a day" + (" (equal to exits: newcomers take the slots)" if same else ""),
        )
        b.legend(fontsize=8, loc="best")
    b.set_ylabel("creators a day")
    b.set_ylim(bottom=0)
    _series(c, daily, [("pieces_per_active", "pieces posted per active creator a day")])
    c.set_ylabel("pieces")
    _headroom(c, daily, "pieces_per_active")
    _series(d, daily, [("income_per_active", "observed income per active creator a day")])
    d.set_ylabel("currency")
    _headroom(d, daily, "income_per_active")
    d.legend(fontsize=8, loc="lower left")
    if "views_per_active" in daily:
        twin = d.twinx()
        day = np.asarray(daily["day"])
        twin.plot(
            day,
            np.asarray(daily["views_per_active"], dtype=np.float64),
            color="C1",
            lw=1.0,
            label="feed views per active creator a day",
        )
        twin.set_ylabel("views")
        _headroom(twin, daily, "views_per_active")
        twin.legend(fontsize=8, loc="lower right")
    return fig


def make_figures(daily: Mapping[str, np.ndarray]) -> dict[str, Figure]:
    """Every figure of a run, by file name (see :data:`FIGURES`)."""
    return {
        "fig_visibility.png": figure_visibility(daily),
        "fig_workload.png": figure_workload(daily),
        "fig_commerce.png": figure_commerce(daily),
        "fig_population.png": figure_population(daily),
    }


# -- burnout by group ------------------------------------------------------------------------
def burnout_by_group(creators: Mapping[str, np.ndarray], days: int) -> list[dict[str, Any]]:
    """Burnout of every creator present during the reported days, leavers included (M15).

    The creators table holds everyone present since day 0 (``left_day`` -1 while active,
    ``joined_day`` negative for those who joined during the burn-in), so no group is
    counted only by who survived. Groups: everyone, sellers, entertainers, the top 10% by
    followers at the start (at day 0, or on joining). For each: creators, share burnt out at
    least once in the reported days, burnouts per creator-year on the platform (time from
    ``max(joined_day, 0)`` to ``left_day``, or to ``days`` for those still active; at least a
    day), and the median days from that start to the first burnout among those who burnt out.
    """
    ent = np.asarray(creators["entertainer"], dtype=bool)
    fol = np.asarray(creators["followers_start"], dtype=np.float64)
    top = fol >= np.quantile(fol, 0.9) if fol.size else np.zeros(0, dtype=bool)
    first = np.asarray(creators["first_burnout_day"])
    joined = np.asarray(creators.get("joined_day", np.zeros(first.size, dtype=np.int64)))
    start = np.maximum(joined, 0)
    left = np.asarray(creators.get("left_day", np.full(first.size, -1, dtype=np.int64)))
    end = np.where(left >= 0, np.minimum(left, days), days)
    burnouts = np.asarray(creators["burnouts"], dtype=np.float64)
    years = np.maximum(end - start, 1) / 365.0
    rows = []
    for name, mask in (
        ("all", np.ones(first.size, dtype=bool)),
        ("sellers", ~ent),
        ("entertainers", ent),
        ("top 10% by followers", top),
    ):
        burnt = mask & (first >= 0)
        rows.append(
            {
                "group": name,
                "creators": int(mask.sum()),
                "ever_burnt_out": float(burnt.sum() / mask.sum()) if mask.any() else math.nan,
                "burnouts_per_year": float(burnouts[mask].sum() / years[mask].sum())
                if mask.any()
                else math.nan,
                "median_days_to_burnout": float(np.median(first[burnt] - start[burnt]))
                if burnt.any()
                else math.nan,
            }
        )
    return rows


# -- stylised facts --------------------------------------------------------------------------
#: The targets file a run's report measures: the shipped creator economy facts (issue 11).
DEFAULT_TARGETS = "creator_economy"


def stylised_facts(
    daily: Mapping[str, np.ndarray],
    creators: Mapping[str, np.ndarray],
    targets: Any = DEFAULT_TARGETS,
    scenario: Scenario | None = None,
) -> dict[str, Any]:
    """The stylised facts of a targets file measured on a run, with what they were set for.

    Every report measures the shipped :data:`DEFAULT_TARGETS`, whatever the run's scenario:
    the facts describe the real creator economy, not one scenario, and each scenario claims to
    model it; the section says which targets file it used and whether the run's scenario is
    the one the targets calibrate (``same_scenario``), so a distance from the facts reads as
    "this scenario is not the calibrated one" when it is not.

    Parameters
    ----------
    daily, creators
        The run's tables (reported days only; every creator ever present).
    targets
        A targets file's shipped name or path, or a loaded
        :class:`sim.calibration.targets.Targets`.
    scenario
        The run's scenario, to say whether it is the targets' scenario (None: not said).

    Returns
    -------
    dict
        ``targets`` (``name``, ``file``: the file name, ``sha256``, ``scenario``: the
        targets' scenario's name), ``same_scenario`` (bool or None), ``days`` (reported days),
        ``year_days`` (:data:`sim.calibration.facts.YEAR_DAYS`) and ``rows``
        (:func:`sim.calibration.facts.fact_table`).
    """
    from pathlib import Path

    from .calibration.facts import YEAR_DAYS, fact_table
    from .calibration.targets import Targets, load_targets
    from .data import targets_path

    if not isinstance(targets, Targets):
        targets = load_targets(targets_path(targets))
    target_scenario = Path(targets.scenario)
    same = None
    if scenario is not None:
        if scenario.path:
            same = Path(scenario.path).resolve() == target_scenario.resolve()
        else:
            same = False
    return {
        "targets": {
            "name": targets.name,
            "file": Path(targets.path).name,
            "sha256": targets.sha256,
            "scenario": target_scenario.stem,
        },
        "same_scenario": same,
        "days": len(np.asarray(daily.get("day", []))),
        "year_days": YEAR_DAYS,
        "rows": fact_table(targets, daily, creators),
    }


def _fact_value(x: float | None) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.3g}"


def render_facts(facts: Mapping[str, Any], meta: Mapping[str, Any]) -> list[str]:
    """The "Stylised facts" section of ``report.md`` (Markdown lines) from
    :func:`stylised_facts`: model vs target range vs source, one row a fact."""
    t, rows = facts["targets"], facts["rows"]
    days = int(facts["days"])
    measured = [r for r in rows if r["inside"] is not None]
    inside = [r for r in measured if r["inside"]]
    fitted = [r for r in measured if r["role"] == "target"]
    scen = {
        True: f"the targets' scenario, `{_cell(t['scenario'])}`",
        False: f"not the targets' scenario (`{_cell(t['scenario'])}`): read the distances as "
        "how far this scenario is from the facts, not as a failed calibration",
        None: f"the targets are set for the scenario `{_cell(t['scenario'])}`",
    }[facts.get("same_scenario")]
    lines = [
        "",
        "## Stylised facts",
        "",
        f"Targets `{_cell(t['name'])}` (`scenarios/targets/{_cell(t['file'])}`, sha256 "
        f"`{t['sha256'][:12]}`); this run's scenario is {scen}.",
        f"Measured on this run: {meta['creators']:,} creators over its {days} reported days "
        f"(the {int(meta.get('burn_in_days', 0))} burn-in days are not measured). Yearly "
        f"facts need {facts['year_days']} reported days; annualised ones are scaled to a year "
        f"from the {days} days.",
        "",
        f"{len(inside)} of the {len(measured)} facts measured are inside their range "
        f"({sum(1 for r in fitted if r['inside'])} of the {len(fitted)} fitted ones, role "
        "`target`); "
        f"{len(rows) - len(measured)} not measured. A `target` fact is fitted by "
        "`creatorsim calibrate`, a `bound` one only checked.",
        "",
        "| id | fact | model | target [range] | inside | role | window | source |",
        "|---|---|---:|---|:---:|---|---|---|",
    ]
    for r in rows:
        if r["note"]:
            model = _cell(r["note"])
        else:
            model = _fact_value(r["model"])
        ok = {True: "yes", False: "**no**", None: "-"}[r["inside"]]
        src = r["source"]
        where = _cell(src["title"]) + (f", {src['year']}" if src.get("year") else "")
        if src.get("url"):
            where += f", `{_cell(src['url'])}`"
        lines.append(
            f"| {_cell(r['id'])} | {_cell(r['what'])} | {model} | "
            f"{_fact_value(r['target'])} [{_fact_value(r['low'])}, {_fact_value(r['high'])}] | "
            f"{ok} | {r['role']} | {r['window']} | {where} |"
        )
    return lines


# -- report.md -------------------------------------------------------------------------------
def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_report(
    scenario: Scenario,
    meta: Mapping[str, Any],
    daily: Mapping[str, np.ndarray],
    figures: Sequence[str] = tuple(FIGURES),
    creators: Mapping[str, np.ndarray] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> str:
    """The Markdown report of one run (with ``creators``, the creator table: burnout by group).

    ``meta`` is the run's metadata (``run.json``): ``seed``, ``days``, ``creators`` and
    ``timings`` are used, ``date`` and ``versions`` when present. ``facts``
    (:func:`stylised_facts`) adds the "Stylised facts" section; without it, and with
    ``creators``, the section measures :data:`DEFAULT_TARGETS`.
    """
    n_days = len(np.asarray(daily.get("day", [])))
    tail = min(TAIL_DAYS, n_days)
    means = tail_means(daily, TAIL_DAYS)
    t = meta.get("timings", {})
    versions = meta.get("versions", {})
    pop = scenario.model.population
    lines = [
        f"# {scenario.name}: seed {meta['seed']}",
        "",
        scenario.description or "(the scenario file has no description)",
        "",
        "| | |",
        "|---|---|",
        f"| scenario | `{_cell(scenario.name)}`"
        + (f" from `{_cell(scenario.path)}`" if scenario.path else "")
        + " |",
        f"| scenario hash | `{scenario.hash}` |",
        f"| seed | {meta['seed']} |",
        f"| size | {meta['creators']:,} creators in {pop.categories} categories, "
        f"{meta.get('merchants', 0):,} merchants, {meta['days']} days |",
        f"| run time | {t.get('init_s', 0):.1f} s to set up, "
        + (f"{t['burn_in_s']:.1f} s of burn-in, " if "burn_in_s" in t else "")
        + f"{t.get('run_s', 0):.1f} s to simulate, {t.get('write_s', 0):.1f} s to write |",
    ]
    if versions:
        lines.append("| versions | " + ", ".join(f"{k} {v}" for k, v in versions.items()) + " |")
    if meta.get("date"):
        lines.append(f"| date | {meta['date']} |")
    burn_in = int(meta.get("burn_in_days", scenario.model.time.burn_in_days))
    lines += [
        "",
        f"Burn-in: {burn_in} days simulated before day 0 (`time.burn_in_days`), not reported.",
        "",
        f"## Main outcomes, mean of the last {tail} days",
        "",
        "| outcome | value | column |",
        "|---|---:|---|",
    ]
    constant = set(constant_outcomes(daily, TAIL_DAYS))
    for key, label, _ in KEY_OUTCOMES:
        if key in means:
            flag = f" ({CONSTANT_NOTE})" if key in constant else ""
            lines.append(f"| {label} | {fmt_outcome(key, means[key])}{flag} | `{key}` |")
    shown = [k for k, _l, _f in KEY_OUTCOMES if k in constant]
    if shown:
        lines += [
            "",
            f"{len(shown)} of these outcomes do not vary over the last {tail} days "
            "(" + ", ".join(f"`{k}`" for k in shown) + "): they follow from the scenario's "
            "rules (list length, categories, which lists merchants read), not from what "
            "creators did, so they are not findings.",
        ]
    if creators is not None and "first_burnout_day" in creators:
        lines += [
            "",
            "## Burnout by group (M15)",
            "",
            "Every creator present during the reported days, leavers included; time on the "
            "platform runs from day 0 (or joining) to leaving (or the end).",
            "",
            "| group | creators | burnt out at least once | burnouts per creator-year | "
            "median days from day 0 (or joining) to the first burnout |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in burnout_by_group(creators, int(meta["days"])):
            lines.append(
                f"| {r['group']} | {r['creators']:,} | {_fmt(r['ever_burnt_out'], '.1%')} | "
                f"{_fmt(r['burnouts_per_year'], '.2f')} | "
                f"{_fmt(r['median_days_to_burnout'], '.0f')} |"
            )
    if facts is None and creators is not None:
        facts = stylised_facts(daily, creators, scenario=scenario)
    if facts is not None:
        lines += render_facts(facts, meta)
    lines += [
        "",
        "Every daily outcome is in `daily.parquet` (one row per day); every creator's totals in "
        "`creators.parquet`; the lists merchants saw, every few days, in `lists.parquet`.",
        "",
        "## Figures",
        "",
    ]
    for name in figures:
        lines += [f"![{FIGURES.get(name, name)}]({name})", ""]
    changed = changed_parameters(scenario)
    overrides = dict(meta.get("overrides") or {})
    n_set = len(meta["set_by_file"]) if "set_by_file" in meta else None
    if n_set is None:
        n_set = sum(1 for *_x, was_set in scenario.parameters() if was_set)
    lines += ["## What the run changes from the defaults", ""]
    if changed:
        lines += [
            "| parameter | value | default | unit | provenance of the default |",
            "|---|---|---|---|---|",
        ]
        for key, value, default, info in changed:
            how = ""
            if key in overrides:
                flag = "--creators" if key == "population.creators" else "--set"
                how = f" (set by the command line, {flag})"
            lines.append(
                f"| `{key}` | {_cell(fmt_value(value))}{how} | {_cell(fmt_value(default))} | "
                f"{_cell(info.unit)} | {_cell(provenance(info))} |"
            )
    else:
        lines.append("Nothing: every parameter has its default value.")
    by_file = len([k for k, *_x in changed if k not in overrides])
    lines += [
        "",
        f"The scenario file sets {n_set} parameter(s) in all; {by_file} parameter(s) differ from "
        "the default through the file"
        + (
            ", "
            + ", ".join(f"`{k}` = {fmt_value(v)}" for k, v in overrides.items())
            + " through the command line"
            if overrides
            else ""
        )
        + ". `creatorsim explain "
        + (scenario.path or "SCENARIO")
        + "` lists every parameter with its value, default, unit and provenance.",
        "",
        "> **Reported or assumed.** A provenance such as `M10` or `O2` is a mechanic reported "
        "by the press in 2022 or published by TikTok Shop later (docs/mechanics.md). Values marked "
        "*assumed* are the model's guesses where the reports are silent, with the reason for "
        "each: read the outcomes above as what follows from those guesses, and change them to "
        "see how much the outcomes depend on them.",
        "",
    ]
    return "\n".join(lines)
