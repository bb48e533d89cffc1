"""Global sensitivity of a sweep's outcomes: Sobol indices or Morris screening (SALib).

A ``method = "sobol"`` sweep (Saltelli's design) gives, for each outcome and parameter, the
first-order index S1 (the share of the outcome's variance the parameter explains alone) and
the total index ST (alone and through interactions), each with a bootstrap confidence
interval (``SALib.analyze.sobol``). A ``method = "morris"`` sweep gives elementary-effect
screening (``SALib.analyze.morris``): mu* (mean absolute effect, with its interval), mu and
sigma (spread: non-linearity or interactions), cheap enough for many parameters.

With replicates (``seeds > 1``) an outcome is first averaged over the seeds of each design
point, so the indices describe the expected outcome; the seed noise left in the means shows
up as small spurious indices. Estimates that are negative, or whose interval straddles zero,
are reported in :attr:`Sensitivity.warnings`: the sample is too small to tell them apart
from zero (raise ``samples``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..extras import require
from ..io import write_parquet, write_png
from .design import salib_problem, streams
from .sweep import SweepResult, open_sweep

__all__ = ["MIN_SOBOL_SAMPLES", "Sensitivity", "analyse_sweep", "write_sensitivity"]

#: Below this many base samples a Sobol analysis is flagged as too small to trust (a rule of
#: thumb: Saltelli et al. 2010 use N in the hundreds to thousands; Ishigami needs ~1000 for
#: +-0.05).
MIN_SOBOL_SAMPLES = 64


@dataclass(frozen=True)
class Sensitivity:
    """Sensitivity indices of a sweep's outcomes.

    ``table`` (``pyarrow.Table``): one row per (outcome, parameter, index) with ``value``,
    ``conf`` (half-width of the interval at ``level``), ``ci_low``, ``ci_high``. Indices:
    ``S1``, ``ST`` (Sobol) or ``mu_star``, ``mu``, ``sigma`` (Morris; only mu* has an
    interval).
    """

    method: str
    parameters: tuple[str, ...]
    outcomes: tuple[str, ...]
    table: Any
    warnings: tuple[str, ...]
    level: float
    points: int

    def __repr__(self) -> str:
        """One line: method, size and, per outcome, the parameter with the largest index."""
        key = "ST" if self.method == "sobol" else "mu_star"
        top = []
        for o in self.outcomes[:3]:
            vals = [r for r in self.rows(o) if r["index"] == key and r["value"] is not None]
            if vals:
                best = max(vals, key=lambda r: r["value"])
                top.append(f"{o}: {best['parameter']} ({key} {best['value']:.3g})")
        more = f" and {len(self.outcomes) - 3} more" if len(self.outcomes) > 3 else ""
        return (
            f"<Sensitivity {self.method}, {len(self.parameters)} parameters, "
            f"{len(self.outcomes)} outcomes, {self.points} points; largest "
            + ("; ".join(top) or "none")
            + more
            + f"; {len(self.warnings)} warnings; .text() for the table>"
        )

    def rows(self, outcome: str) -> list[dict[str, Any]]:
        """The table's rows of one outcome."""
        return [r for r in self.table.to_pylist() if r["outcome"] == outcome]

    def _by_parameter(self, outcome: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The rows of ``outcome`` by (parameter, index)."""
        return {(r["parameter"], r["index"]): r for r in self.rows(outcome)}

    def value(self, outcome: str, parameter: str, index: str) -> float:
        """One index estimate (e.g. ``value("y", "x1", "S1")``)."""
        r = self._by_parameter(outcome).get((parameter, index))
        if r is None:
            raise KeyError(f"no {index} of {parameter} for {outcome}")
        return r["value"]

    def text(self) -> str:
        """The indices as a plain-text table, an outcome per block, then the warnings."""
        idx = ("S1", "ST") if self.method == "sobol" else ("mu_star", "mu", "sigma")
        pct = f"{self.level:.0%}"
        lines = [f"{self.method} sensitivity over {self.points} design points ({pct} intervals)"]
        width = max(len(p) for p in [*self.parameters, "parameter"])
        for o in self.outcomes:
            lines.append(f"\n{o}")
            lines.append("  " + f"{'parameter':<{width}}  " + "  ".join(f"{i:>18}" for i in idx))
            by = self._by_parameter(o)
            for p in self.parameters:
                cells = []
                for i in idx:
                    r = by[p, i]
                    c = "" if math.isnan(r["conf"]) else f" ±{r['conf']:.3f}"
                    cells.append(f"{r['value']:>10.3f}{c:<8}")
                lines.append(("  " + f"{p:<{width}}  " + "  ".join(cells)).rstrip())
        if self.warnings:
            lines.append("\nwarnings:")
            lines += [f"  - {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"

    def figures(self) -> dict[str, Any]:
        """A figure per outcome (``sensitivity_<outcome>.png``)."""
        return {
            f"sensitivity_{_safe(o)}.png": (
                _sobol_figure(self, o) if self.method == "sobol" else _morris_figure(self, o)
            )
            for o in self.outcomes
        }


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def _rows(outcome: str, params: Sequence[str], index: str, values, confs) -> list[dict]:
    out = []
    for p, v, c in zip(params, values, confs, strict=True):
        v, c = float(v), float(c)
        out.append(
            {
                "outcome": outcome,
                "parameter": p,
                "index": index,
                "value": v,
                "conf": c,
                "ci_low": v - c,
                "ci_high": v + c,
            }
        )
    return out


def _sobol_warnings(outcome: str, rows: list[dict]) -> list[str]:
    neg = [f"{r['index']} of {r['parameter']} ({r['value']:.3f})" for r in rows if r["value"] < 0]
    wide = [
        f"{r['index']} of {r['parameter']}"
        for r in rows
        if r["value"] >= 0 and r["ci_low"] < 0 < r["ci_high"]
    ]
    big = [f"{r['index']} of {r['parameter']} ({r['value']:.3f})" for r in rows if r["value"] > 1]
    s1 = {r["parameter"]: r for r in rows if r["index"] == "S1"}
    above = [
        p
        for p, r in s1.items()
        for t in rows
        if t["index"] == "ST" and t["parameter"] == p and r["ci_low"] > t["ci_high"]
    ]
    out = []
    if big:
        out.append(
            f"{outcome}: estimates above 1 ({', '.join(big)}): an index is a share of "
            "variance; the sample is too small; raise sweep.samples"
        )
    if above:
        out.append(
            f"{outcome}: S1 above ST for {', '.join(above)} (impossible): the sample "
            "is too small; raise sweep.samples"
        )
    if neg:
        out.append(
            f"{outcome}: negative estimates ({', '.join(neg)}): an index cannot be "
            "negative; the sample is too small to resolve it (or it is 0); raise sweep.samples"
        )
    if wide:
        out.append(
            f"{outcome}: intervals straddle zero for {', '.join(wide)}: the sample "
            "cannot tell these indices from 0 (raise sweep.samples if that matters)"
        )
    return out


def analyse_sweep(
    sweep: SweepResult | str | os.PathLike,
    *,
    outcomes: Sequence[str] | None = None,
    level: float = 0.95,
    resamples: int = 1000,
) -> Sensitivity:
    """Sobol indices or Morris screening of a sweep's outcomes (per the sweep's method).

    ``sweep`` is a :class:`~sim.experiments.sweep.SweepResult` or its output folder.
    ``outcomes`` defaults to the sweep's ``outcomes``, else all. Every design point needs a
    result: missing ones (failed or not run) are an error naming how many.
    """
    if not isinstance(sweep, SweepResult):
        sweep = open_sweep(sweep)
    spec = sweep.spec
    if spec.method not in ("sobol", "morris"):
        raise ValueError(
            f"sensitivity needs a sweep with method = 'sobol' or 'morris'; "
            f"{spec.name} is {spec.method!r}"
        )
    chosen = list(outcomes or spec.outcomes or sweep.outcomes)
    bad = [o for o in chosen if o not in sweep.outcomes]
    if bad:
        raise ValueError(
            f"outcome {bad[0]!r} is not in the sweep; allowed: " + ", ".join(sweep.outcomes)
        )
    missing = sweep.missing()
    if missing:
        raise ValueError(
            f"{len(missing)} of {len(sweep.tasks)} runs of {spec.name} have no result "
            f"(not run, or failed: see {sweep.store.failed_dir}); rerun the sweep "
            "(with --retry-failed for the failures)"
        )
    require("experiments", "sensitivity analysis", ("SALib",))
    problem = salib_problem(spec)
    params = tuple(problem["names"])
    seed_rng = np.random.default_rng(streams(spec.root_seed)[2])  # the analysis' stream
    rows: list[dict] = []
    warnings: list[str] = []
    table = sweep.table()
    for o in chosen:
        y = sweep.point_means(o, table)
        if np.isnan(y).any():
            warnings.append(f"{o}: NaN at {int(np.isnan(y).sum())} design points; skipped")
            continue
        if np.ptp(y) == 0:
            warnings.append(f"{o}: the same value at every design point; skipped")
            continue
        seed = int(seed_rng.integers(2**31))
        if spec.method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=resamples,
                conf_level=level,
                seed=seed,
            )
            mine = _rows(o, params, "S1", si["S1"], si["S1_conf"])
            mine += _rows(o, params, "ST", si["ST"], si["ST_conf"])
            warnings += _sobol_warnings(o, mine)
        else:
            from SALib.analyze import morris

            assert sweep.design.matrix is not None
            si = morris.analyze(
                problem,
                sweep.design.matrix,
                y,
                num_resamples=resamples,
                conf_level=level,
                num_levels=spec.morris_levels,
                seed=seed,
            )
            nan = [math.nan] * len(params)
            mine = _rows(o, params, "mu_star", si["mu_star"], si["mu_star_conf"])
            mine += _rows(o, params, "mu", si["mu"], nan)
            mine += _rows(o, params, "sigma", si["sigma"], nan)
        rows += mine
    small = spec.samples is not None and spec.samples < MIN_SOBOL_SAMPLES
    if spec.method == "sobol" and small and rows:
        warnings.insert(
            0,
            f"only {spec.samples} base samples (N): Sobol estimates and their bootstrap "
            f"intervals need N >= {MIN_SOBOL_SAMPLES} or so to mean much; raise sweep.samples",
        )
    import pyarrow as pa

    done = tuple(dict.fromkeys(r["outcome"] for r in rows))
    return Sensitivity(
        spec.method,
        params,
        done,
        pa.Table.from_pylist(rows),
        tuple(warnings),
        level,
        len(sweep.design),
    )


def write_sensitivity(result: Sensitivity, out_dir: str | os.PathLike) -> list[Path]:
    """Write ``sensitivity.parquet``, ``sensitivity.txt`` and a figure per outcome."""
    from ..io import write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "sensitivity.parquet", out / "sensitivity.txt"]
    write_parquet(result.table, files[0])
    write_text(result.text(), files[1])
    for name, fig in result.figures().items():
        write_png(fig, out / name)
        files.append(out / name)
    return files


def _figure(rows: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 0.45 * rows + 1.6), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _sobol_figure(s: Sensitivity, outcome: str):
    fig, ax = _figure(len(s.parameters))
    y = np.arange(len(s.parameters))
    by = s._by_parameter(outcome)
    for off, idx, label in ((-0.18, "S1", "first order S1"), (0.18, "ST", "total ST")):
        vals = [by[p, idx] for p in s.parameters]
        ax.barh(
            y + off,
            [r["value"] for r in vals],
            height=0.34,
            xerr=[r["conf"] for r in vals],
            capsize=2,
            label=label,
        )
    ax.axvline(0.0, color="0.4", lw=0.8)
    ax.set_yticks(y, s.parameters, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"Sobol index ({s.level:.0%} bootstrap interval)")
    ax.set_title(f"{outcome}: Sobol indices over {s.points} points")
    ax.legend(fontsize=8)
    return fig


def _morris_figure(s: Sensitivity, outcome: str):
    fig, ax = _figure(6)
    by = s._by_parameter(outcome)
    for p in s.parameters:
        mu, sg = by[p, "mu_star"], by[p, "sigma"]
        ax.errorbar(
            [mu["value"]],
            [sg["value"]],
            xerr=[[mu["conf"]], [mu["conf"]]],
            fmt="o",
            ms=4,
            capsize=2,
        )
        ax.annotate(
            p, (mu["value"], sg["value"]), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of effects)")
    ax.set_title(f"{outcome}: Morris screening over {s.points} points")
    return fig
