"""Paired comparisons of scenarios on common random numbers.

:func:`compare` runs a base scenario and one or more variants on the same seeds. The model
spawns named child streams from its seed (``sim.model.STREAMS``), so the same seed drives the
same draws in both arms wherever the arms have not diverged: the *paired* differences
``variant_i - base_i`` vary much less than the outcomes do, and the confidence interval of
their mean is narrow for few seeds.

For each variant and outcome the result holds both arms' means, the mean paired difference
``d``, its 95% t interval ``d ± t(0.975, n-1) s / sqrt(n)`` (``s`` the standard deviation of
the differences over the ``n`` seeds), the correlation of the arms across seeds (how much the
common random numbers help) and how many seeds would halve the interval (:func:`seeds_to_halve`).

Reading many intervals at once: with 24 outcomes some 95% intervals exclude 0 by chance alone,
so each row also has the two-sided paired t test's p-value and its Holm adjustment over the
variant's outcomes (:func:`holm`); ``p_holm < 0.05`` holds for the whole family at once. An
outcome that does not vary across seeds in either arm (``constant``, see
:func:`~sim.experiments.summary.is_constant`) is constant by construction in the scenario: its
difference is exact and it gets no interval, p-value nor seeds-to-halve. A changed parameter
that cannot reach any outcome (a weight of a list nothing reads,
:func:`sim.report.unreachable_changes`) is listed in ``warnings``.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..io import write_parquet, write_png
from ..run import DEFAULT_DAYS
from ..scenario import Scenario
from .design import run_seeds
from .executors import given_or_open
from .models import ScenarioModel
from .runner import RunReport, RunTask, run_tasks, tasks_table, write_manifest
from .store import ResultStore, run_key
from .summary import CONSTANT_NOTE, is_constant, outcome_names, unit_of

__all__ = ["Comparison", "compare", "holm", "paired_difference", "seeds_to_halve"]

#: The comparison's manifest in its output folder.
MANIFEST = "compare.json"


def _t(n: int, level: float) -> float:
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2, n - 1))


def seeds_to_halve(n: int, level: float = 0.95) -> float:
    """Seeds that would halve the CI half-width ``t(level, n-1) s / sqrt(n)`` of ``n`` seeds.

    The smallest ``m`` with ``t(m-1) / sqrt(m) <= t(n-1) / (2 sqrt(n))`` (same ``s``): about
    ``4 n`` for large ``n``, fewer for small ``n`` because ``t`` shrinks too. NaN for n < 2.
    """
    if n < 2:
        return math.nan
    target = _t(n, level) / math.sqrt(n) / 2
    m = max(n + 1, 2)
    while _t(m, level) / math.sqrt(m) > target:
        m += 1
    return float(m)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of ``p_values`` (NaN stays NaN and is not counted).

    The ``i``-th smallest of ``m`` p-values is multiplied by ``m - i`` (``i`` from 0), then made
    non-decreasing and capped at 1: rejecting every adjusted p below ``alpha`` keeps the chance
    of any false rejection among the ``m`` at most ``alpha``.
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.size, math.nan)
    idx = np.flatnonzero(~np.isnan(p))
    m = idx.size
    order = idx[np.argsort(p[idx], kind="stable")]
    running = 0.0
    for i, k in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[k]))
        out[k] = running
    return [float(x) for x in out]


def paired_difference(base: np.ndarray, variant: np.ndarray, *, level: float = 0.95) -> dict:
    """Mean paired difference ``variant - base`` with its t confidence interval.

    Pairs with a NaN on either side are dropped (``n`` counts the rest). Returns a dict with
    ``n``, ``base_mean``, ``variant_mean``, ``difference``, ``sd_difference``, ``ci_low``,
    ``ci_high``, ``half_width``, ``correlation`` (of the arms across seeds; NaN if either is
    constant), ``seeds_to_halve``, ``p_value`` (two-sided paired t test of a zero mean
    difference) and ``constant`` (neither arm varies across seeds: the difference is exact, so
    the interval, p-value and seeds-to-halve are NaN).
    """
    a = np.asarray(base, dtype=np.float64)
    b = np.asarray(variant, dtype=np.float64)
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    n = int(a.size)
    d = b - a
    out: dict[str, Any] = {
        "n": n,
        "base_mean": float(a.mean()) if n else math.nan,
        "variant_mean": float(b.mean()) if n else math.nan,
        "difference": float(d.mean()) if n else math.nan,
    }
    constant = n >= 2 and is_constant(a) and is_constant(b)
    p_value = math.nan
    if n >= 2 and not constant:
        from scipy.stats import t as student_t

        sd = float(d.std(ddof=1))
        half = _t(n, level) * sd / math.sqrt(n)
        corr = float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else math.nan
        if sd > 0:
            p_value = float(2 * student_t.sf(abs(out["difference"]) / (sd / math.sqrt(n)), n - 1))
        else:  # the same nonzero difference on every seed, or none at all
            p_value = 1.0 if out["difference"] == 0 else 0.0
    else:
        sd = half = corr = math.nan
    out.update(
        sd_difference=sd,
        ci_low=out["difference"] - half,
        ci_high=out["difference"] + half,
        half_width=half,
        correlation=corr,
        seeds_to_halve=math.nan if constant else seeds_to_halve(n, level),
        p_value=p_value,
        constant=bool(constant),
    )
    return out


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`.

    ``table``: one row per (variant, outcome) with the columns of :func:`paired_difference`
    plus ``variant``, ``base``, ``outcome`` and ``relative_difference`` (difference over
    the base mean). ``runs``: one row per run (arm, replicate, seed, key, outcomes).
    """

    arms: tuple[str, ...]
    seeds: tuple[int, ...]
    table: Any
    runs: Any
    level: float
    report: RunReport
    out_dir: Path | None = None
    files: tuple[Path, ...] = ()
    #: One line each: a changed parameter of a variant that cannot reach any outcome.
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """One line: the arms, seeds, the outcomes whose interval excludes 0, the folder."""
        rows = self.table.to_pylist()
        clear = sorted(
            {
                r["outcome"]
                for r in rows
                if r["ci_low"] is not None and (r["ci_low"] > 0 or r["ci_high"] < 0)
            }
        )
        shown = ", ".join(clear[:4]) + (f" and {len(clear) - 4} more" if len(clear) > 4 else "")
        return (
            f"<Comparison {' vs '.join(self.arms[1:])} against {self.arms[0]}: "
            f"{len(self.seeds)} paired seeds, {len({r['outcome'] for r in rows})} outcomes, "
            f"{len(clear)} with a {self.level:.0%} interval excluding 0"
            + (f" ({shown})" if clear else "")
            + (f"; in {self.out_dir}" if self.out_dir else "")
            + "; .text() for the table>"
        )

    def text(self) -> str:
        """The comparison as a plain-text table, one block per variant.

        Numbers are plain (no scientific notation), each outcome with its unit; ``*`` marks
        an interval that excludes 0 (the legend only when a row has one); ``Holm p`` is the
        p-value adjusted for the variant's outcomes tested together.
        """
        rows = self.table.to_pylist()
        pct = f"{self.level:.0%}"
        lines = [f"warning: {w}" for w in self.warnings]
        if lines:
            lines.append("")
        for variant in self.arms[1:]:
            mine = [r for r in rows if r["variant"] == variant]
            n = mine[0]["n"] if mine else 0
            tested = sum(1 for r in mine if not math.isnan(r["p_value"]))
            lines.append(f"{variant} vs {self.arms[0]} ({n} paired seeds; {pct} t intervals)")
            head = (
                "outcome",
                "unit",
                "base",
                "variant",
                "difference",
                f"{pct} CI",
                "Holm p",
                "seeds for half CI",
            )
            body = []
            for r in mine:
                if r["constant"]:
                    ci, p, halve = CONSTANT_NOTE, "-", "-"
                else:
                    ci = f"[{_num(r['ci_low'])}, {_num(r['ci_high'])}]"
                    p = _p(r["p_holm"])
                    halve = (
                        "-"
                        if math.isnan(r["seeds_to_halve"]) or not r["half_width"]
                        else str(int(r["seeds_to_halve"]))
                    )
                body.append(
                    (
                        r["outcome"],
                        unit_of(r["outcome"]),
                        _num(r["base_mean"]),
                        _num(r["variant_mean"]),
                        _num(r["difference"]) + (" *" if _excludes_zero(r) else ""),
                        ci,
                        p,
                        halve,
                    )
                )
            widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
            for x in [head, *body]:
                cells = (f"{c:<{w}}" for c, w in zip(x, widths, strict=True))
                lines.append(("  " + "  ".join(cells)).rstrip())
            if any(_excludes_zero(r) for r in mine):
                lines.append(f"  * the {pct} interval excludes 0 (not adjusted for multiplicity)")
            lines.append(
                f"  Holm p: the paired t test's p-value adjusted (Holm) for the {tested} outcomes "
                "tested together; below 0.05 holds for all of them at once"
            )
            n_const = sum(1 for r in mine if r["constant"])
            if n_const:
                lines.append(
                    f"  {n_const} outcome(s) do not vary across seeds in either arm ("
                    f"{CONSTANT_NOTE}): the difference is exact and has no interval"
                )
            lines.append("")
        return "\n".join(lines)

    def forest_plot(self):
        """A forest plot: each outcome's difference, as % of the base mean, with its CI.

        Rows that would flatten the others are left out and named in a note under the axis:
        outcomes constant by construction (no interval), and outcomes whose base mean is about
        0 next to their spread (an interval wider than +-100% of the base mean, or a base mean
        of 0), where a relative difference means nothing.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rows = self.table.to_pylist()
        variants = list(self.arms[1:])
        dropped: dict[str, str] = {}
        for r in rows:
            base = r["base_mean"]
            if r["constant"]:
                dropped.setdefault(r["outcome"], "constant")
            elif math.isnan(r["difference"]) or not _usable_base(base):
                dropped.setdefault(r["outcome"], "base mean about 0")
            elif not math.isnan(r["half_width"]) and r["half_width"] > abs(base):
                dropped.setdefault(r["outcome"], "base mean about 0")
        outcomes = [o for o in dict.fromkeys(r["outcome"] for r in rows) if o not in dropped]
        fig = Figure(
            figsize=(8.0, 0.3 * len(outcomes) * (1 + 0.4 * (len(variants) - 1)) + 1.6),
            layout="constrained",
        )
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        step = 0.8 / max(1, len(variants))
        for j, v in enumerate(variants):
            mine = {r["outcome"]: r for r in rows if r["variant"] == v}
            y, x, lo, hi = [], [], [], []
            for i, o in enumerate(outcomes):
                r = mine.get(o)
                if r is None:
                    continue
                scale = 100.0 / abs(r["base_mean"])
                y.append(i + (j - (len(variants) - 1) / 2) * step)
                x.append(r["difference"] * scale)
                lo.append(
                    (r["difference"] - np.nan_to_num(r["ci_low"], nan=r["difference"])) * scale
                )
                hi.append(
                    (np.nan_to_num(r["ci_high"], nan=r["difference"]) - r["difference"]) * scale
                )
            ax.errorbar(x, y, xerr=[lo, hi], fmt="o", ms=4, capsize=2, label=v)
        ax.axvline(0.0, color="0.4", lw=0.8)
        ax.set_yticks(range(len(outcomes)), outcomes, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f"difference from {self.arms[0]}, % of its mean ({self.level:.0%} CI)")
        ax.set_title(f"Paired comparison on {len(self.seeds)} common seeds")
        if dropped:
            groups: dict[str, list[str]] = {}
            for o, why in dropped.items():
                groups.setdefault(why, []).append(o)
            note = "; ".join(
                f"not shown ({why}): " + ", ".join(names) for why, names in groups.items()
            )
            fig.text(0.01, 0.0, "\n".join(_wrap(note, 110)), fontsize=7, va="bottom")
        if len(variants) > 1:
            ax.legend(fontsize=8)
        return fig

    def dropped_from_plot(self) -> list[str]:
        """The outcomes :meth:`forest_plot` leaves out (constant, or base mean about 0)."""
        out = []
        for r in self.table.to_pylist():
            base, hw = r["base_mean"], r["half_width"]
            if (
                r["constant"]
                or math.isnan(r["difference"])
                or not _usable_base(base)
                or (not math.isnan(hw) and hw > abs(base))
            ):
                out.append(r["outcome"])
        return list(dict.fromkeys(out))


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _num(x: float | None) -> str:
    """A plain number: 4 significant digits, thousands separated, never in e-notation."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "nan"
    if x == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(x))))
    if digits > 8:  # below 1e-5: float noise around 0 for these outcomes
        return "0"
    return f"{x:,.{digits}f}"


def _p(p: float) -> str:
    if p is None or math.isnan(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _usable_base(base: float) -> bool:
    """A base mean a relative difference can be taken of (not NaN, not zero up to rounding)."""
    return not math.isnan(base) and abs(base) > 1e-12


def _excludes_zero(r: dict) -> bool:
    lo, hi = r["ci_low"], r["ci_high"]
    if lo is None or hi is None:
        return False
    return not (math.isnan(lo) or math.isnan(hi)) and (lo > 0 or hi < 0)


def _arm_names(scenarios: Sequence[Scenario]) -> tuple[str, ...]:
    names: list[str] = []
    for s in scenarios:
        name = s.name
        k = 2
        while name in names:
            name = f"{s.name} ({k})"
            k += 1
        names.append(name)
    return tuple(names)


def compare(
    scenarios: Sequence[Scenario],
    *,
    seeds: int = 10,
    root_seed: int = 0,
    days: int = DEFAULT_DAYS,
    creators: int | None = None,
    burn_in_days: int | None = None,
    outcomes: Sequence[str] | None = None,
    out_dir: str | os.PathLike | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    level: float = 0.95,
) -> Comparison:
    """Run ``scenarios[0]`` (the base) and each variant on the same ``seeds`` seeds; compare.

    Seeds come from ``SeedSequence(root_seed)`` (:func:`~sim.experiments.design.run_seeds`).
    With ``out_dir`` the runs go to a results store there (a rerun only runs what is
    missing) with ``compare.parquet``, ``compare.png``, ``compare.txt`` and ``runs.parquet``;
    without, to a temporary store. Executors as for :func:`~sim.experiments.sweep.run_sweep`.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs a base scenario and at least one variant")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 2:
        raise ValueError(f"seeds = {seeds!r}: use an integer >= 2 (a CI needs two pairs)")
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r}: use a number in (0, 1)")
    known = outcome_names()
    chosen = list(outcomes or known)
    bad = [o for o in chosen if o not in known]
    if bad:
        raise ValueError(f"outcome {bad[0]!r} is not a run outcome; allowed: " + ", ".join(known))
    names = _arm_names(scenarios)
    models = [ScenarioModel(s, days, creators, burn_in_days) for s in scenarios]
    seed_list = [int(s) for s in run_seeds(root_seed, seeds)[0]]
    tasks = [
        RunTask(run_key(m.identity({}), seed), seed, {}, arm, 0, r)
        for arm, m in enumerate(models)
        for r, seed in enumerate(seed_list)
    ]
    folder = (
        tempfile.TemporaryDirectory(prefix="creatorsim-compare-")
        if out_dir is None
        else contextlib.nullcontext(out_dir)
    )
    with folder as root:
        store = ResultStore(root)
        with store.lock():
            store.clean_temporary()
            if out_dir is not None:
                write_manifest(
                    store.root / MANIFEST,
                    {
                        "kind": "compare",
                        "arms": [
                            {"name": n, "path": s.path, "hash": s.hash}
                            for n, s in zip(names, scenarios, strict=True)
                        ],
                        "root_seed": root_seed,
                        "seeds": seed_list,
                        "runs": tasks_table(tasks),
                    },
                )
            with given_or_open(executor, workers=workers, scheduler=scheduler) as ex:
                report = run_tasks(
                    models,
                    tasks,
                    store,
                    executor=ex,
                    retry_failed=retry_failed,
                    progress=progress,
                    desc="compare",
                )
            runs = _runs_table(store, tasks, names, chosen)
        result = _analyse(
            runs, names, seed_list, chosen, level, report, unreachable_warnings(scenarios, names)
        )
        if out_dir is None:
            return result
        return _write(result, store.root)


def _runs_table(
    store: ResultStore, tasks: list[RunTask], names: tuple[str, ...], outcomes: list[str]
):
    import pyarrow as pa

    plan = pa.table(
        {
            "arm": pa.array([names[t.arm] for t in tasks], pa.string()),
            "arm_index": pa.array([t.arm for t in tasks], pa.int64()),
            "replicate": pa.array([t.replicate for t in tasks], pa.int64()),
            "seed": pa.array([t.seed for t in tasks], pa.int64()),
            "key": pa.array([t.key for t in tasks], pa.string()),
        }
    )
    cols = ["scenario_hash", "days", "creators", "burn_in_days", *outcomes]
    t = store.join(plan, cols, ["arm_index", "replicate"])
    for o in outcomes:  # a failed run has no row: its outcomes are NaN
        if o not in t.column_names:
            t = t.append_column(o, pa.array([math.nan] * t.num_rows, pa.float64()))
    return t


def _analyse(runs, names, seed_list, outcomes, level, report, warnings=()) -> Comparison:
    import pyarrow as pa

    arm = np.asarray(runs.column("arm_index").to_numpy())
    rows = []
    for j, variant in enumerate(names[1:], start=1):
        for o in outcomes:
            col = np.asarray(runs.column(o).to_numpy(zero_copy_only=False), dtype=np.float64)
            stats = paired_difference(col[arm == 0], col[arm == j], level=level)
            base = stats["base_mean"]
            rel = stats["difference"] / abs(base) if _usable_base(base) else math.nan
            rows.append(
                {
                    "variant": variant,
                    "base": names[0],
                    "outcome": o,
                    **stats,
                    "relative_difference": rel,
                    "level": level,
                }
            )
        mine = [r for r in rows if r["variant"] == variant]
        for r, adjusted in zip(mine, holm([r["p_value"] for r in mine]), strict=True):
            r["p_holm"] = adjusted
    return Comparison(
        names,
        tuple(seed_list),
        pa.Table.from_pylist(rows),
        runs,
        level,
        report,
        warnings=tuple(warnings),
    )


def unreachable_warnings(scenarios: Sequence[Scenario], names: Sequence[str]) -> list[str]:
    """One line per parameter a variant changes from the base that cannot reach any outcome
    of the variant (:func:`sim.report.unreachable_changes`)."""
    from ..report import unreachable_changes

    base = scenarios[0].values()
    out = []
    for name, s in zip(names[1:], scenarios[1:], strict=True):
        changed = [k for k, v in s.values().items() if base.get(k) != v]
        for key, why in unreachable_changes(s, changed):
            out.append(
                f"{name}: {key} differs from {names[0]} but cannot change any outcome: {why}"
            )
    return out


def _write(result: Comparison, out: Path) -> Comparison:
    import dataclasses

    from ..io import write_text

    files = [out / f for f in ("compare.parquet", "runs.parquet", "compare.txt", "compare.png")]
    write_parquet(result.table, files[0])
    write_parquet(result.runs, files[1])
    write_text(result.text(), files[2])
    write_png(result.forest_plot(), files[3])
    return dataclasses.replace(result, out_dir=out, files=tuple(files))
