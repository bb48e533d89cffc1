"""Sweep files, their validation, experimental designs and the seeds of every run.

A sweep file (TOML) names a base scenario and the parameters to vary::

    [sweep]
    name = "coupling_and_window"
    scenario = "../reported_2022.toml"   # relative to this file, or a name: "reported_2022"
    method = "sobol"                     # grid | lhs | sobol | morris
    samples = 16                         # see METHODS
    seeds = 2                            # replicates per design point
    root_seed = 2022                     # the SeedSequence every seed comes from
    days = 40
    creators = 500

    [parameters]
    "attention.coupling" = { low = 0.0, high = 3.0 }
    "scoring.fulfilment.window_days" = { low = 10, high = 30 }

Parameters are named by the dotted keys of ``Scenario.with_values`` (``creatorsim explain``
lists them). :func:`load_sweep` checks everything before any run starts and reports every
problem at once (:class:`scoring.params.ConfigError`), each naming the file, the key, the bad
value and what is allowed.

Seeds: one ``numpy.random.SeedSequence(root_seed)`` spawns three children (:func:`streams`),
the first for the design (Latin hypercube, scrambled Sobol, Morris trajectories), the second
for the runs, the third for the analysis's bootstrap. With ``common_seeds`` (the default)
replicate ``r`` uses the same seed at every design point (common random numbers); otherwise
every (point, replicate) gets its own child. Every seed is fixed here, before anything is
dispatched, so results do not depend on the executor.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from scoring.params import ConfigError, Problem, read_toml

from ..data import shipped_scenarios
from ..extras import require
from ..run import DEFAULT_DAYS, MIN_CREATORS
from .summary import outcome_names

__all__ = [
    "METHODS",
    "Design",
    "Factor",
    "SweepSpec",
    "load_sweep",
    "make_design",
    "run_seeds",
    "sweep_from_mapping",
]

#: Design methods and what ``samples`` means for each.
METHODS: dict[str, str] = {
    "grid": "every combination of each parameter's values (samples not used)",
    "lhs": "a Latin hypercube of `samples` points (scipy.stats.qmc)",
    "sobol": "Saltelli's design for Sobol indices: samples = N (a power of 2), N (k + 2) points",
    "morris": "Morris elementary effects: samples = r trajectories, r (k + 1) points",
}

_SWEEP_KEYS = (
    "name",
    "scenario",
    "method",
    "samples",
    "seeds",
    "root_seed",
    "days",
    "creators",
    "burn_in_days",
    "outcomes",
    "morris_levels",
    "common_seeds",
)
_FACTOR_KEYS = ("low", "high", "values", "num")


@dataclass(frozen=True)
class Factor:
    """A parameter a sweep varies: a range ``[low, high]`` or a list of ``values``.

    ``integer`` factors are rounded to the nearest integer after sampling. ``num`` is the
    number of evenly spaced values a grid takes from a range.
    """

    key: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    integer: bool = False
    num: int | None = None

    def grid_values(self) -> tuple[Any, ...]:
        """The values a grid takes: ``values``, or ``num`` points spread over the range."""
        if self.values is not None:
            return self.values
        assert self.low is not None and self.high is not None
        pts = np.linspace(self.low, self.high, self.num or 2)
        if self.integer:
            return tuple(dict.fromkeys(round(float(v)) for v in pts))
        return tuple(float(v) for v in pts)


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the design, the replicates, the run size and the outcomes."""

    name: str
    factors: tuple[Factor, ...]
    method: str = "grid"
    samples: int | None = None
    seeds: int = 1
    root_seed: int = 0
    days: int = DEFAULT_DAYS
    creators: int | None = None
    burn_in_days: int | None = None
    outcomes: tuple[str, ...] = ()
    morris_levels: int = 4
    common_seeds: bool = True
    scenario_path: str | None = None
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def problems(self) -> list[Problem]:
        """Structural problems (independent of any scenario), each as a :class:`Problem`."""
        return _structural(self, self.path or "<sweep>")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the sweep's manifest)."""
        d = asdict(self)
        d.pop("raw")
        d["factors"] = [asdict(f) for f in self.factors]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SweepSpec:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        factors = []
        for f in d.pop("factors"):
            f = dict(f)
            if f.get("values") is not None:
                f["values"] = tuple(f["values"])
            factors.append(Factor(**f))
        d["outcomes"] = tuple(d.get("outcomes", ()))
        return cls(factors=tuple(factors), **d)


@dataclass(frozen=True)
class Design:
    """The design points of a sweep.

    ``points[i]`` maps each factor's key to its value at point ``i``; ``matrix`` holds the
    same points as sampled, before integers are rounded, shape ``(n_points, k)`` (what Morris
    analysis needs), or None for a grid.
    """

    points: tuple[dict[str, Any], ...]
    matrix: np.ndarray | None

    def __len__(self) -> int:
        return len(self.points)


# -- seeds -----------------------------------------------------------------------------------
def _int_seed(ss: np.random.SeedSequence) -> int:
    """A non-negative 63-bit integer seed from a SeedSequence (fits Parquet's int64)."""
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def streams(root_seed: int) -> tuple[np.random.SeedSequence, ...]:
    """The children of ``SeedSequence(root_seed)``: for the design, the runs, the analysis
    (the bootstrap of ``sim.experiments.sensitivity``)."""
    return tuple(np.random.SeedSequence(root_seed).spawn(3))


def run_seeds(root_seed: int, replicates: int, points: int = 1, *, common: bool = True):
    """Seeds of every run, shape ``(points, replicates)``, all from ``SeedSequence(root_seed)``.

    With ``common`` every point uses the same seeds (common random numbers); otherwise each
    (point, replicate) has its own spawned child. Seeds are 63-bit integers for
    ``run_scenario(seed=...)``.
    """
    runs_ss = streams(root_seed)[1]
    if common:
        row = [_int_seed(c) for c in runs_ss.spawn(replicates)]
        return np.array([row] * points, dtype=np.int64).reshape(points, replicates)
    out = np.empty((points, replicates), dtype=np.int64)
    for i, child in enumerate(runs_ss.spawn(points)):
        out[i] = [_int_seed(c) for c in child.spawn(replicates)]
    return out


# -- designs ---------------------------------------------------------------------------------
def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem dict of a sweep's (range) factors."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.key for f in spec.factors],
        "bounds": [[float(f.low), float(f.high)] for f in spec.factors],  # type: ignore[arg-type]
    }


def _point(spec: SweepSpec, row: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f, v in zip(spec.factors, row, strict=True):
        if isinstance(v, (float, np.floating)):
            v = round(float(v)) if f.integer else float(v)
        elif isinstance(v, np.integer):
            v = int(v)
        out[f.key] = v
    return out


def make_design(spec: SweepSpec) -> Design:
    """The design points of ``spec``, reproducible from its ``root_seed``."""
    problems = spec.problems()
    if problems:
        raise ConfigError(problems)
    design_rng = np.random.default_rng(streams(spec.root_seed)[0])
    k = len(spec.factors)
    if spec.method == "grid":
        rows = list(itertools.product(*(f.grid_values() for f in spec.factors)))
        return Design(tuple(_point(spec, r) for r in rows), None)
    assert spec.samples is not None
    if spec.method == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(k, rng=design_rng).random(spec.samples)
        lo = np.array([f.low for f in spec.factors], dtype=np.float64)
        hi = np.array([f.high for f in spec.factors], dtype=np.float64)
        x = lo + u * (hi - lo)
    elif spec.method == "sobol":
        require("experiments", "a Sobol design", ("SALib",))
        from SALib.sample import sobol

        x = sobol.sample(
            salib_problem(spec), spec.samples, calc_second_order=False, seed=design_rng
        )
    else:  # morris
        require("experiments", "a Morris design", ("SALib",))
        from SALib.sample import morris

        x = morris.sample(
            salib_problem(spec), spec.samples, num_levels=spec.morris_levels, seed=design_rng
        )
    return Design(tuple(_point(spec, r) for r in x), np.asarray(x, dtype=np.float64))


# -- validation ------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _structural(spec: SweepSpec, file: str) -> list[Problem]:
    out: list[Problem] = []
    if spec.method not in METHODS:
        out.append(Problem(file, "sweep.method", spec.method, "one of " + ", ".join(METHODS)))
    elif spec.method != "grid":
        s = spec.samples
        if s is None:
            out.append(
                Problem(
                    file,
                    "sweep.samples",
                    None,
                    f"required for {spec.method}: " + METHODS[spec.method],
                )
            )
        elif not _is_int(s) or s < (2 if spec.method != "lhs" else 1):
            out.append(Problem(file, "sweep.samples", s, "an integer >= 2 (lhs: >= 1)"))
        elif spec.method == "sobol" and (s & (s - 1)) != 0:
            out.append(
                Problem(
                    file,
                    "sweep.samples",
                    s,
                    "a power of 2 for a Sobol design (e.g. 8, 16, 64, 1024)",
                )
            )
    if not _is_int(spec.seeds) or spec.seeds < 1:
        out.append(Problem(file, "sweep.seeds", spec.seeds, "an integer >= 1 (replicates)"))
    if not _is_int(spec.root_seed) or spec.root_seed < 0:
        out.append(Problem(file, "sweep.root_seed", spec.root_seed, "an integer >= 0"))
    if not _is_int(spec.days) or spec.days < 1:
        out.append(Problem(file, "sweep.days", spec.days, "an integer >= 1"))
    if spec.creators is not None and (not _is_int(spec.creators) or spec.creators < MIN_CREATORS):
        out.append(Problem(file, "sweep.creators", spec.creators, f"an integer >= {MIN_CREATORS}"))
    b = spec.burn_in_days
    if b is not None and (not _is_int(b) or b < 0 or (_is_int(spec.days) and b >= spec.days)):
        out.append(Problem(file, "sweep.burn_in_days", b, "an integer >= 0 and < days"))
    if not _is_int(spec.morris_levels) or spec.morris_levels < 2 or spec.morris_levels % 2:
        out.append(
            Problem(
                file, "sweep.morris_levels", spec.morris_levels, "an even integer >= 2 (4 is usual)"
            )
        )
    if not spec.factors:
        out.append(Problem(file, "parameters", {}, "at least one parameter to vary"))
    for f in spec.factors:
        where = f"parameters.{f.key}"
        if f.values is not None:
            if spec.method != "grid":
                out.append(
                    Problem(
                        file,
                        f"{where}.values",
                        list(f.values),
                        f"low and high ({spec.method} samples a range; values "
                        "are for method = 'grid')",
                    )
                )
            elif len(f.values) == 0:
                out.append(Problem(file, f"{where}.values", [], "a non-empty list"))
        elif f.low is None or f.high is None:
            out.append(Problem(file, where, "(no range)", "a table with low and high, or values"))
        elif not (f.low < f.high):
            out.append(Problem(file, f"{where}.high", f.high, f"a number > low ({f.low})"))
        if f.num is not None and (spec.method != "grid" or not _is_int(f.num) or f.num < 2):
            out.append(
                Problem(
                    file,
                    f"{where}.num",
                    f.num,
                    "an integer >= 2, with low and high, for method = 'grid'",
                )
            )
    return out


def _factor(key: str, spec: Any, file: str, problems: list[Problem]) -> Factor | None:
    where = f"parameters.{key}"
    if not isinstance(spec, Mapping):
        problems.append(
            Problem(file, where, spec, "a table: { low = .., high = .. } or { values = [..] }")
        )
        return None
    bad = [k for k in spec if k not in _FACTOR_KEYS]
    for k in bad:
        problems.append(
            Problem(
                file,
                f"{where}.{k}",
                spec[k],
                "an unknown key; allowed keys: " + ", ".join(_FACTOR_KEYS),
            )
        )
    values = spec.get("values")
    if values is not None and not isinstance(values, list):
        problems.append(Problem(file, f"{where}.values", values, "a list"))
        values = None
    low, high = spec.get("low"), spec.get("high")
    for name, v in (("low", low), ("high", high)):
        if v is not None and not _is_num(v):
            problems.append(Problem(file, f"{where}.{name}", v, "a finite number"))
    if values is not None and (low is not None or high is not None):
        problems.append(Problem(file, where, dict(spec), "either values or low/high, not both"))
    if bad:
        return None
    return Factor(
        key,
        low=low if _is_num(low) else None,
        high=high if _is_num(high) else None,
        values=tuple(values) if values is not None else None,
        num=spec.get("num"),
    )


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``[parameters]`` entries as (dotted key, spec): TOML may nest dotted keys as tables."""
    out: list[tuple[str, Any]] = []
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, Mapping) and v and not any(x in v for x in _FACTOR_KEYS):
            out += _flatten(v, key)
        else:
            out.append((key, v))
    return out


def _against_scenario(spec: SweepSpec, scenario: Any, file: str) -> tuple[SweepSpec, list[Problem]]:
    """Check every factor against the scenario's declared parameters (type, range, choices)."""
    declared = {key: (default, info) for key, _v, default, info, _s in scenario.parameters()}
    problems: list[Problem] = []
    factors = []
    for f in spec.factors:
        where = f"parameters.{f.key}"
        if f.key not in declared:
            near = difflib.get_close_matches(f.key, list(declared), n=4, cutoff=0.5)
            hint = ("; did you mean " + ", ".join(near) + "?") if near else ""
            problems.append(
                Problem(
                    file,
                    where,
                    f.key,
                    "a parameter of the scenario (see "
                    f"`creatorsim explain {spec.scenario_path}`){hint}",
                )
            )
            factors.append(f)
            continue
        default, info = declared[f.key]
        integer = _is_int(default)
        numeric = integer or isinstance(default, float)
        if f.values is None:
            if not numeric:
                problems.append(
                    Problem(
                        file, where, "(range)", f"values = [..] (not numeric: {info.allowed()})"
                    )
                )
            for name, v in (("low", f.low), ("high", f.high)):
                if v is None:
                    continue
                if integer and not float(v).is_integer():
                    problems.append(
                        Problem(
                            file,
                            f"{where}.{name}",
                            v,
                            f"an integer ({f.key} is an integer), {info.allowed()}",
                        )
                    )
                elif (info.low is not None and v < info.low) or (
                    info.high is not None and v > info.high
                ):
                    problems.append(
                        Problem(
                            file,
                            f"{where}.{name}",
                            v,
                            f"within {f.key}'s allowed range: {info.allowed()}",
                        )
                    )
        else:
            for v in f.values:
                try:
                    scenario.with_values({f.key: v})
                except ConfigError as exc:
                    for p in exc.problems:
                        problems.append(Problem(file, f"{where}.values", v, p.allowed))
        factors.append(Factor(f.key, f.low, f.high, f.values, integer, f.num))
    return replace(spec, factors=tuple(factors)), problems


def sweep_from_mapping(data: Mapping[str, Any], *, file: str = "<sweep>") -> SweepSpec:
    """Validate the tables of a sweep file and load its base scenario (every problem at once).

    ``sweep.scenario`` is resolved relative to the folder of ``file``.
    """
    from ..scenario import Scenario

    problems: list[Problem] = []
    for key in data:
        if key not in ("sweep", "parameters"):
            problems.append(
                Problem(file, key, data[key], "an unknown table; allowed: sweep, parameters")
            )
    meta = data.get("sweep", {})
    if not isinstance(meta, Mapping):
        problems.append(Problem(file, "sweep", meta, "a table"))
        meta = {}
    for key in meta:
        if key not in _SWEEP_KEYS:
            problems.append(
                Problem(
                    file,
                    f"sweep.{key}",
                    meta[key],
                    "an unknown key; allowed keys: " + ", ".join(_SWEEP_KEYS),
                )
            )
    params = data.get("parameters", {})
    if not isinstance(params, Mapping):
        problems.append(Problem(file, "parameters", params, "a table of parameter ranges"))
        params = {}
    factors = [f for key, v in _flatten(params) if (f := _factor(key, v, file, problems))]

    outcomes = meta.get("outcomes", [])
    known = outcome_names()
    if not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes):
        problems.append(Problem(file, "sweep.outcomes", outcomes, "a list of outcome names"))
        outcomes = []
    for o in outcomes:
        if o not in known:
            problems.append(Problem(file, "sweep.outcomes", o, "one of " + ", ".join(known)))
    name = meta.get("name", Path(file).stem)
    if not isinstance(name, str) or not name:
        problems.append(Problem(file, "sweep.name", name, "a non-empty string"))
        name = Path(file).stem
    common = meta.get("common_seeds", True)
    if not isinstance(common, bool):
        problems.append(Problem(file, "sweep.common_seeds", common, "true or false"))
        common = True

    scenario_path = meta.get("scenario")
    scenario = None
    if not isinstance(scenario_path, str):
        problems.append(
            Problem(
                file,
                "sweep.scenario",
                scenario_path,
                "the path of the base scenario TOML, relative to this file, or a shipped "
                "scenario's name",
            )
        )
        scenario_path = None
    else:
        resolved = Path(file).parent / scenario_path if file != "<sweep>" else Path(scenario_path)
        shipped = shipped_scenarios()
        if not resolved.is_file() and scenario_path in shipped:  # a shipped scenario's name
            resolved = shipped[scenario_path]
        scenario_path = str(resolved)
        if not resolved.is_file():
            problems.append(
                Problem(
                    file,
                    "sweep.scenario",
                    meta["scenario"],
                    f"an existing scenario file ({resolved} does not exist)",
                )
            )
        else:
            try:
                scenario = Scenario.from_toml(resolved)
            except ConfigError as exc:
                problems += exc.problems

    spec = SweepSpec(
        name=name,
        factors=tuple(factors),
        method=meta.get("method", "grid"),
        samples=meta.get("samples"),
        seeds=meta.get("seeds", 1),
        root_seed=meta.get("root_seed", 0),
        days=meta.get("days", DEFAULT_DAYS),
        creators=meta.get("creators"),
        burn_in_days=meta.get("burn_in_days"),
        outcomes=tuple(outcomes),
        morris_levels=meta.get("morris_levels", 4),
        common_seeds=common,
        scenario_path=scenario_path,
        path=None if file == "<sweep>" else file,
        raw=dict(data),
    )
    problems += spec.problems()
    if scenario is not None:
        spec, more = _against_scenario(spec, scenario, file)
        problems += more
    if problems:
        raise ConfigError(problems)
    return spec


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (see the module doc); raises ConfigError listing all."""
    return sweep_from_mapping(read_toml(path), file=str(path))
