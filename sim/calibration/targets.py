"""A targets file: the stylised facts a calibration fits, the parameters it fits and how.

A targets file is TOML, data only (nothing in it is executed), shipped in
``scenarios/targets/`` (:func:`sim.data.targets_path` finds one by name)::

    [targets]
    name = "creator_economy"
    description = "..."
    scenario = "reported_2022"     # the scenario whose parameters are fitted: a shipped name,
                                   # or a path (relative: to the working or the file's folder)
    days = 365                     # reported days of one simulated run
    creators = 2000                # population of one simulated run

    [abc]                          # the full calibration
    population = 200               # particles per ABC-SMC generation
    generations = 10               # generations at most
    min_epsilon = 0.05             # stop once the distance threshold is below this
    predictive = 40                # posterior-predictive runs for the facts table

    [quick]                        # --quick: any of days, creators and the [abc] keys
    days = 90
    creators = 300
    population = 16
    generations = 3
    predictive = 6

    [parameters]                   # scenario key = [low, high]: a uniform prior
    "burnout.threshold" = [0.5, 3.0]

    [facts.T1]
    statistic = "share_followers_at_least"    # a name of sim.calibration.facts.STATISTICS
    options = { threshold = 10000, floor = 1000 }
    range = [0.15, 0.30]            # the target range (its width scales the distance)
    value = 0.245                   # optional: the point aimed at (default the midpoint)
    role = "target"                 # "target": in the ABC distance; "bound": checked only
    covers = "..."                  # the population and what the figure is
    source = { title = "...", year = 2022, url = "..." }

Every parameter must be a declared scenario key (:mod:`sim.scenario`) whose provenance is
``assumed`` (or ``calibrated on NAME`` by this same targets file, so that a calibration can be
run again after its medians became the defaults), numeric, with a prior inside its allowed
range. :func:`load_targets` reports every
problem at once, each on one line naming the file, the key, the bad value and what is allowed
(:class:`scoring.params.ConfigError`).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoring.params import ConfigError, Problem, read_toml

from .facts import STATISTICS

__all__ = ["ROLES", "AbcSettings", "Fact", "Prior", "Targets", "load_targets", "scenario_file"]

#: ``target``: the fact enters the ABC distance; ``bound``: it is measured and checked only.
ROLES = ("target", "bound")

_TOP = ("targets", "abc", "quick", "parameters", "facts")
_HEAD = {"name": str, "description": str, "scenario": str, "days": int, "creators": int}
#: Optional keys of ``[targets]`` (and of ``[quick]``): the burn-in of each run, in days (the
#: scenario's ``time.burn_in_days`` when absent).
_OPTIONAL = {"burn_in_days": int}
_ABC = {"population": int, "generations": int, "min_epsilon": float, "predictive": int}
_ABC_DEFAULTS = {"population": 100, "generations": 8, "min_epsilon": 0.0, "predictive": 20}
_ABC_LOW = {"population": 2, "generations": 1, "min_epsilon": 0.0, "predictive": 1}
_FACT_KEYS = ("statistic", "options", "range", "value", "role", "covers", "source")
_SOURCE_KEYS = ("title", "year", "url", "also")


@dataclass(frozen=True)
class Fact:
    """One stylised fact: the statistic that measures it, its target and where it comes from."""

    id: str
    statistic: str
    options: Mapping[str, Any]
    low: float
    high: float
    value: float
    role: str
    covers: str
    source: Mapping[str, Any]

    @property
    def scale(self) -> float:
        """The width of the target range: a distance of 1 is one range away from the value."""
        return self.high - self.low


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one scenario key; ``integer`` keys are rounded when simulated."""

    key: str
    low: float
    high: float
    integer: bool


@dataclass(frozen=True)
class AbcSettings:
    """Run size and ABC-SMC settings (the full ones, or the ``[quick]`` ones)."""

    days: int
    creators: int
    population: int
    generations: int
    min_epsilon: float
    predictive: int
    burn_in_days: int | None = None  # None: the scenario's time.burn_in_days


@dataclass(frozen=True)
class Targets:
    """A validated targets file."""

    name: str
    description: str
    scenario: str  # the scenario file (a shipped name or a relative path, resolved)
    path: str
    sha256: str
    priors: tuple[Prior, ...]
    facts: tuple[Fact, ...]
    full: AbcSettings
    quick: AbcSettings
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def fitted(self) -> tuple[Fact, ...]:
        """The facts in the ABC distance (role ``target``)."""
        return tuple(f for f in self.facts if f.role == "target")

    def settings(self, quick: bool) -> AbcSettings:
        return self.quick if quick else self.full


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _range(v: Any, allow_inf: bool) -> bool:
    if not (isinstance(v, list) and len(v) == 2 and all(_number(x) for x in v)):
        return False
    lo, hi = float(v[0]), float(v[1])
    if math.isnan(lo) or math.isnan(hi) or lo >= hi:
        return False
    return allow_inf or (math.isfinite(lo) and math.isfinite(hi))


def _check_head(data: Mapping[str, Any], file: str, problems: list[Problem]) -> dict[str, Any]:
    head = data.get("targets")
    if not isinstance(head, Mapping):
        problems.append(Problem(file, "targets", head, "a table with " + ", ".join(_HEAD)))
        return {}
    out: dict[str, Any] = {}
    for k, v in head.items():
        if k not in _HEAD and k not in _OPTIONAL:
            problems.append(
                Problem(
                    file,
                    f"targets.{k}",
                    v,
                    "an unknown key; allowed: " + ", ".join([*_HEAD, *_OPTIONAL]),
                )
            )
    if "burn_in_days" in head:
        v = head["burn_in_days"]
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            problems.append(Problem(file, "targets.burn_in_days", v, "an integer >= 0"))
        else:
            out["burn_in_days"] = v
    for k, tp in _HEAD.items():
        v = head.get(k)
        if k == "description" and v is None:
            out[k] = ""
        elif tp is int and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            problems.append(Problem(file, f"targets.{k}", v, "an integer >= 1"))
        elif tp is str and (not isinstance(v, str) or (k != "description" and not v)):
            problems.append(Problem(file, f"targets.{k}", v, "a non-empty string"))
        else:
            out[k] = v
    if out.get("creators", 10) < 10:
        problems.append(Problem(file, "targets.creators", out["creators"], "an integer >= 10"))
    return out


def _check_abc(
    table: Any, name: str, file: str, problems: list[Problem], base: Mapping[str, Any]
) -> dict[str, Any]:
    allowed = dict(_ABC)
    if name == "quick":
        allowed.update(days=int, creators=int, burn_in_days=int)
    if table is None:
        table = {}
    if not isinstance(table, Mapping):
        problems.append(Problem(file, name, table, "a table with " + ", ".join(allowed)))
        return dict(base)
    out = dict(base)
    for k, v in table.items():
        if k not in allowed:
            problems.append(
                Problem(file, f"{name}.{k}", v, "an unknown key; allowed: " + ", ".join(allowed))
            )
            continue
        low = {"days": 1, "creators": 10, "burn_in_days": 0}.get(k, _ABC_LOW.get(k, 0))
        if allowed[k] is int and (not isinstance(v, int) or isinstance(v, bool) or v < low):
            problems.append(Problem(file, f"{name}.{k}", v, f"an integer >= {low}"))
        elif allowed[k] is float and (not _number(v) or not math.isfinite(v) or v < low):
            problems.append(Problem(file, f"{name}.{k}", v, f"a number >= {low}"))
        else:
            out[k] = v
    return out


def _check_priors(
    table: Any, scenario_ref: str | None, name: str | None, file: str, problems: list[Problem]
) -> list[Prior]:
    from ..scenario import Scenario

    if not isinstance(table, Mapping) or not table:
        problems.append(
            Problem(
                file,
                "parameters",
                table,
                'a table of scenario key = [low, high], e.g. "burnout.threshold" = [0.5, 3.0]',
            )
        )
        return []
    declared: dict[str, Any] = {}
    try:
        scenario = Scenario.from_toml(scenario_file(scenario_ref or "", file))
        declared = {k: (v, info) for k, v, _d, info, _s in scenario.parameters()}
    except (ConfigError, ValueError) as exc:
        problems.append(
            Problem(file, "targets.scenario", scenario_ref, f"a valid scenario ({exc})")
        )
        return []
    out = []
    for key, rng in table.items():
        where = f"parameters.{key}"
        if key not in declared:
            problems.append(
                Problem(file, where, rng, "a declared scenario key (creatorsim explain lists them)")
            )
            continue
        value, info = declared[key]
        if info.source not in ("assumed", f"calibrated on {name}"):
            problems.append(
                Problem(
                    file,
                    where,
                    rng,
                    f"a parameter with provenance 'assumed' or 'calibrated on {name}' (this "
                    f"one is {info.source!r}: reported, or fitted to something else)",
                )
            )
            continue
        if info.choices is not None or not _number(value):
            problems.append(Problem(file, where, rng, "a numeric parameter (this one is not)"))
            continue
        if not _range(rng, allow_inf=False):
            problems.append(Problem(file, where, rng, "[low, high] with finite low < high"))
            continue
        lo, hi = float(rng[0]), float(rng[1])
        if (info.low is not None and lo < info.low) or (info.high is not None and hi > info.high):
            problems.append(Problem(file, where, rng, f"a prior inside {info.allowed()}"))
            continue
        integer = isinstance(value, int)
        if integer and math.floor(hi) - math.ceil(lo) < 1:
            problems.append(Problem(file, where, rng, "a range holding at least two integers"))
            continue
        out.append(Prior(key, lo, hi, integer))
    return out


def _check_fact(fid: str, t: Any, file: str, problems: list[Problem]) -> Fact | None:
    where = f"facts.{fid}"
    if not isinstance(t, Mapping):
        problems.append(Problem(file, where, t, "a table with " + ", ".join(_FACT_KEYS)))
        return None
    n0 = len(problems)
    for k, v in t.items():
        if k not in _FACT_KEYS:
            problems.append(
                Problem(
                    file, f"{where}.{k}", v, "an unknown key; allowed: " + ", ".join(_FACT_KEYS)
                )
            )
    name = t.get("statistic")
    stat = STATISTICS.get(name) if isinstance(name, str) else None
    if stat is None:
        problems.append(
            Problem(file, f"{where}.statistic", name, "one of " + ", ".join(sorted(STATISTICS)))
        )
    options = t.get("options", {})
    if not isinstance(options, Mapping):
        problems.append(Problem(file, f"{where}.options", options, "a table of options"))
        options = {}
    elif stat is not None:
        for k, v in options.items():
            if k not in stat.options:
                allowed = ", ".join(stat.options) or "none"
                problems.append(
                    Problem(file, f"{where}.options.{k}", v, f"an option of {name}: {allowed}")
                )
            elif k in stat.choices and v not in stat.choices[k]:
                problems.append(
                    Problem(file, f"{where}.options.{k}", v, "one of " + ", ".join(stat.choices[k]))
                )
            elif isinstance(stat.options[k], str) and not isinstance(v, str):
                problems.append(Problem(file, f"{where}.options.{k}", v, "a string"))
            elif _number(stat.options[k]) and (not _number(v) or not math.isfinite(v)):
                problems.append(Problem(file, f"{where}.options.{k}", v, "a finite number"))
    role = t.get("role", "bound")
    if role not in ROLES:
        problems.append(Problem(file, f"{where}.role", role, "one of " + ", ".join(ROLES)))
    rng = t.get("range")
    if not _range(rng, allow_inf=role != "target"):
        what = "[low, high] with low < high" + (", both finite" if role == "target" else "")
        problems.append(Problem(file, f"{where}.range", rng, what))
        rng = None
    value = t.get("value")
    if rng is not None:
        lo, hi = float(rng[0]), float(rng[1])
        if value is None:
            value = (lo + hi) / 2 if math.isfinite(lo + hi) else (lo if math.isfinite(lo) else hi)
        elif not _number(value) or not lo <= value <= hi:
            problems.append(
                Problem(file, f"{where}.value", value, f"a number inside the range [{lo}, {hi}]")
            )
    for k in ("covers",):
        if not isinstance(t.get(k), str) or not t.get(k):
            problems.append(Problem(file, f"{where}.{k}", t.get(k), "a non-empty string"))
    src = t.get("source")
    if not isinstance(src, Mapping):
        problems.append(Problem(file, f"{where}.source", src, "a table with title, year, url"))
    else:
        for k in src:
            if k not in _SOURCE_KEYS:
                problems.append(
                    Problem(
                        file,
                        f"{where}.source.{k}",
                        src[k],
                        "an unknown key; allowed: " + ", ".join(_SOURCE_KEYS),
                    )
                )
        if not isinstance(src.get("title"), str) or not src.get("title"):
            problems.append(Problem(file, f"{where}.source.title", src.get("title"), "a string"))
        year = src.get("year", 2000)  # optional: some sources give none
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
            problems.append(Problem(file, f"{where}.source.year", year, "a year (integer)"))
        url = src.get("url", "")
        if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
            problems.append(
                Problem(file, f"{where}.source.url", url, "an http(s) address, or empty")
            )
        also = src.get("also", [])
        if not isinstance(also, list) or not all(
            isinstance(u, str) and u.startswith(("http://", "https://")) for u in also
        ):
            problems.append(
                Problem(file, f"{where}.source.also", also, "a list of http(s) addresses")
            )
    if len(problems) > n0:
        return None
    return Fact(
        fid,
        name,
        dict(options),
        float(rng[0]),
        float(rng[1]),
        float(value),
        role,
        t["covers"],
        dict(src),
    )


def scenario_file(ref: str, targets_file: str | os.PathLike) -> Path:
    """The scenario file ``targets.scenario`` names: a shipped scenario's name, or a path
    (relative to the working folder, else to the targets file's folder)."""
    from ..data import scenario_path

    path = scenario_path(ref)
    if not path.is_absolute() and not path.exists():
        beside = Path(targets_file).parent / path
        if beside.exists():
            return beside
    return path


def load_targets(path: str | os.PathLike) -> Targets:
    """Read and validate a targets file; ``ConfigError`` lists every problem (one a line)."""
    path = Path(path)
    file = str(path)
    data = read_toml(path)
    problems: list[Problem] = []
    for key in data:
        if key not in _TOP:
            problems.append(
                Problem(file, key, data[key], "an unknown table; allowed: " + ", ".join(_TOP))
            )
    head = _check_head(data, file, problems)
    full = _check_abc(data.get("abc"), "abc", file, problems, _ABC_DEFAULTS)
    quick = _check_abc(
        data.get("quick"),
        "quick",
        file,
        problems,
        {
            **full,
            "days": head.get("days", 1),
            "creators": head.get("creators", 10),
            "burn_in_days": head.get("burn_in_days"),
        },
    )
    priors = _check_priors(
        data.get("parameters"), head.get("scenario"), head.get("name"), file, problems
    )
    facts_raw = data.get("facts")
    facts: list[Fact] = []
    if not isinstance(facts_raw, Mapping) or not facts_raw:
        problems.append(Problem(file, "facts", facts_raw, "a table of facts ([facts.ID])"))
    else:
        for fid, t in facts_raw.items():
            fact = _check_fact(fid, t, file, problems)
            if fact is not None:
                facts.append(fact)
        if facts and not any(f.role == "target" for f in facts) and len(facts) == len(facts_raw):
            problems.append(
                Problem(file, "facts", f"{len(facts)} facts", 'at least one with role = "target"')
            )
    if problems:
        raise ConfigError(problems)
    return Targets(
        name=head["name"],
        description=head["description"],
        scenario=str(scenario_file(head["scenario"], file)),
        path=file,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        priors=tuple(priors),
        facts=tuple(facts),
        full=AbcSettings(
            days=head["days"],
            creators=head["creators"],
            burn_in_days=head.get("burn_in_days"),
            **full,
        ),
        quick=AbcSettings(**quick),
        raw=data,
    )
