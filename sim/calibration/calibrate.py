"""Calibrate a scenario's assumed parameters to the stylised facts of a targets file.

:func:`calibrate` reads a targets file (:mod:`sim.calibration.targets`), runs the model
(:func:`sim.run.run_scenario`) under parameters drawn by ABC-SMC (:func:`sim.calibration.abc.fit`),
then draws posterior-predictive runs and writes, into ``out``:

========================  ================================================================
``posterior.parquet``     the last generation's particles: one column per fitted key, ``weight``
``facts.parquet``         every fact: target range and value, simulated median and 5-95 % of
                          the posterior-predictive runs, inside the range or not, role, source
``facts.md``              the same table for reading
``fig_posterior.png``     posterior marginals (weighted histograms over the prior ranges)
``fig_facts.png``         each fact's simulated interval against its target range
``calibrated.toml``       a scenario snippet setting the posterior medians
``calibration.json``      targets file and hash, seed, settings, versions, timings, ABC
                          generations, posterior medians and 5/95 % quantiles, files
========================  ================================================================

Complete or absent: every file is written (atomically, :mod:`sim.io`) into a hidden staging
folder beside ``out``, which replaces ``out`` in one rename when all are written; an
interruption (Ctrl-C included) removes the staging folder and leaves ``out`` as it was.

One seed tree: ``SeedSequence(seed)`` spawns the ABC's stream (proposals and the seed of each
model run, :mod:`sim.calibration.abc`) and the posterior-predictive stream (which particles, and
each run's seed). The same targets file, seed and mode give the same posterior.
"""

from __future__ import annotations

import datetime as _dt
import functools
import glob
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..experiments.executors import executor_capacity, open_executor
from ..io import write_json, write_parquet, write_png, write_text
from ..run import versions
from . import abc
from .facts import compute
from .targets import Fact, Targets

__all__ = ["FILES", "ModelSimulator", "calibrate", "facts_figure", "posterior_figure", "snippet"]

#: The files a calibration writes (``calibration.json`` last).
FILES = (
    "posterior.parquet",
    "facts.parquet",
    "facts.md",
    "fig_posterior.png",
    "fig_facts.png",
    "calibrated.toml",
    "calibration.json",
)


@dataclass(frozen=True)
class ModelSimulator:
    """One model run under fitted values, reduced to the facts' statistics (picklable).

    ``scenario`` is a scenario file; ``days`` and ``creators`` the run's size;
    ``burn_in_days`` (when not ``None``) sets ``time.burn_in_days`` unless fitted.
    """

    scenario: str
    days: int
    creators: int
    facts: tuple[Fact, ...]
    burn_in_days: int | None = None

    def __call__(self, params: Mapping[str, float], seed: int) -> dict[str, float]:
        from ..run import run_scenario

        values = dict(params)
        if self.burn_in_days is not None:
            values.setdefault("time.burn_in_days", self.burn_in_days)
        scen = _base_scenario(self.scenario).with_values(values)
        run = run_scenario(
            scen, seed=int(seed), days=self.days, creators=self.creators, progress=False
        )
        return {f.id: compute(f.statistic, run.daily, run.creators, f.options) for f in self.facts}


@functools.cache
def _base_scenario(path: str) -> Any:
    from ..scenario import Scenario

    return Scenario.from_toml(path)


def calibrate(
    targets: Targets,
    out: str | os.PathLike,
    *,
    seed: int = 0,
    quick: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit ``targets``' parameters and write the outputs into ``out`` (module doc).

    Returns the content of ``calibration.json``. A fact whose statistic needs a column the
    model does not produce fails at once (a pilot run), before any fitting.
    """
    say = log or (lambda _msg: None)
    t_start = time.perf_counter()
    s = targets.settings(quick)
    scenario_file = targets.scenario
    sim = ModelSimulator(scenario_file, s.days, s.creators, targets.facts, s.burn_in_days)
    root = np.random.SeedSequence(seed)
    abc_ss, pp_ss, pilot_ss = root.spawn(3)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-{os.getpid()}-"))
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(stage, 0o777 & ~mask)  # a folder like any other, not mkdtemp's 0700
        mid = abc.rounded({p.key: (p.low + p.high) / 2 for p in targets.priors}, targets.priors)
        t0 = time.perf_counter()
        sim(mid, int(pilot_ss.generate_state(1)[0]))  # fails fast on a missing column
        pilot_s = time.perf_counter() - t0
        say(
            f"pilot run: {pilot_s:.1f} s; fitting {len(targets.priors)} parameter(s) to "
            f"{len(targets.fitted)} fact(s) with {s.population} particles, up to "
            f"{s.generations} generations"
        )
        with open_executor(workers=workers, scheduler=scheduler) as executor:
            mapper = abc.ExecutorMap(None if workers == 1 and not scheduler else executor)
            result = abc.fit(
                sim,
                targets.priors,
                {f.id: f.value for f in targets.fitted},
                {f.id: f.scale for f in targets.fitted},
                seed=abc_ss,
                population=s.population,
                generations=s.generations,
                min_epsilon=s.min_epsilon,
                map_batch=mapper,
                batch=2 * executor_capacity(executor) if mapper.executor else 1,
                db_dir=stage,
                progress=lambda t, n, m: say(
                    f"{'calibration sample' if t < 0 else f'generation {t}'}: "
                    f"{n} accepted of {m} runs"
                ),
            )
            say(f"ABC: {result.evaluations} runs in {result.seconds:.1f} s")
            t0 = time.perf_counter()
            predictive = _predictive(result, targets, sim, pp_ss, s.predictive, mapper)
            predictive_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        doc = _write(stage, targets, result, predictive, seed=seed, quick=quick, settings=s)
        timings = {
            "pilot_s": pilot_s,
            "abc_s": result.seconds,
            "predictive_s": predictive_s,
            "write_s": time.perf_counter() - t0,
            "total_s": time.perf_counter() - t_start,
        }
        doc["timings"] = timings
        write_json(doc, stage / "calibration.json")  # last: vouches for the others
        _swap_in(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return doc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_leftovers(out: Path) -> None:
    """Remove the staging folders of killed calibrations into ``out`` (their process is gone).

    A calibration killed by a signal Python does not turn into an exception (SIGTERM, SIGKILL)
    cannot remove its staging folder ``.<name>.partial-<pid>-*``; the next one does.
    """
    for p in out.parent.glob(f".{glob.escape(out.name)}.partial-*"):
        pid = p.name.rsplit(".partial-", 1)[1].split("-", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _swap_in(stage: Path, out: Path) -> None:
    """Replace ``out`` by ``stage`` (an older ``out`` is moved aside, then removed)."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-")) / "old"
        os.replace(out, old)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)


def _predictive(
    result: abc.AbcResult,
    targets: Targets,
    sim: ModelSimulator,
    ss: np.random.SeedSequence,
    n: int,
    mapper: abc.ExecutorMap,
) -> dict[str, np.ndarray]:
    """Every fact's statistic on ``n`` runs at particles drawn by weight (fresh seeds)."""
    rng = np.random.default_rng(ss)
    idx = rng.choice(len(result.weights), size=n, p=result.weights)
    seeds = [int(x) for x in rng.integers(0, 2**31 - 1, size=n)]
    args = [
        (abc.rounded({k: result.particles[k][i].item() for k in result.keys}, targets.priors), sd)
        for i, sd in zip(idx, seeds, strict=True)
    ]
    rows = mapper.apply(sim, args)
    return {f.id: np.array([r[f.id] for r in rows], dtype=float) for f in targets.facts}


def _fact_rows(targets: Targets, predictive: Mapping[str, np.ndarray]) -> list[dict[str, Any]]:
    rows = []
    for f in targets.facts:
        x = predictive[f.id]
        ok = x[np.isfinite(x)]
        med = float(np.median(ok)) if len(ok) else math.nan
        rows.append(
            {
                "id": f.id,
                "statistic": f.statistic,
                "role": f.role,
                "target_low": f.low,
                "target_high": f.high,
                "target_value": f.value,
                "simulated_median": med,
                "simulated_q05": float(np.quantile(ok, 0.05)) if len(ok) else math.nan,
                "simulated_q95": float(np.quantile(ok, 0.95)) if len(ok) else math.nan,
                "runs_computed": len(ok),
                "within": bool(f.low <= med <= f.high) if len(ok) else False,
                "covers": f.covers,
                "source_title": str(f.source.get("title", "")),
                "source_year": int(f.source.get("year", 0)),
                "source_url": str(f.source.get("url", "")),
                "source_also": " ".join(f.source.get("also", [])),
            }
        )
    return rows


def snippet(targets: Targets, medians: Mapping[str, float], q05, q95, *, seed: int) -> str:
    """A scenario TOML snippet setting the posterior medians (one table per section)."""
    lines = [
        f"# calibrated on {targets.name} by creatorsim calibrate",
        f"# targets file {Path(targets.path).name} (sha256 {targets.sha256[:12]}), seed {seed};",
        "# posterior medians, with the 5-95 % posterior interval after each",
    ]
    sections: dict[str, list[str]] = {}
    for p in targets.priors:
        section, key = p.key.split(".", 1)
        v = medians[p.key]
        text = str(int(v)) if p.integer else repr(float(f"{v:.4g}"))
        sections.setdefault(section, []).append(
            f"{key} = {text}  # 5-95 %: {q05[p.key]:.4g} to {q95[p.key]:.4g}"
        )
    for section, items in sections.items():
        lines += ["", f"[{section}]", *items]
    return "\n".join(lines) + "\n"


def _write(
    stage: Path,
    targets: Targets,
    result: abc.AbcResult,
    predictive: Mapping[str, np.ndarray],
    *,
    seed: int,
    quick: bool,
    settings: Any,
) -> dict[str, Any]:
    import dataclasses

    keys = result.keys
    post = {k: result.particles[k] for k in keys}
    post["weight"] = result.weights
    write_parquet(post, stage / "posterior.parquet", meta={"creatorsim.targets": targets.name})
    rows = _fact_rows(targets, predictive)
    write_parquet({k: np.array([r[k] for r in rows]) for k in rows[0]}, stage / "facts.parquet")
    write_text(_facts_md(rows), stage / "facts.md")
    med = {k: result.median(k) for k in keys}
    q05 = {k: result.quantile(k, 0.05) for k in keys}
    q95 = {k: result.quantile(k, 0.95) for k in keys}
    prior = {p.key: p for p in targets.priors}
    for k in keys:
        if prior[k].integer:
            med[k] = round(med[k])
    write_text(snippet(targets, med, q05, q95, seed=seed), stage / "calibrated.toml")
    _figures(stage, targets, result, rows)
    return {
        "targets": {"name": targets.name, "path": targets.path, "sha256": targets.sha256},
        "scenario": targets.scenario,
        "seed": seed,
        "quick": quick,
        "settings": dataclasses.asdict(settings),
        "versions": versions("pyabc"),
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "posterior": {
            k: {
                "prior": [prior[k].low, prior[k].high],
                "median": med[k],
                "q05": q05[k],
                "q95": q95[k],
            }
            for k in keys
        },
        "generations": result.generations,
        "evaluations": result.evaluations,
        "facts": {r["id"]: {k: r[k] for k in ("role", "simulated_median", "within")} for r in rows},
        "files": list(FILES),
    }


def _facts_md(rows: list[dict[str, Any]]) -> str:
    head = "| id | role | target | simulated median (5-95 %) | within | source |\n"
    head += "|---|---|---|---|---|---|\n"
    body = "".join(
        f"| {r['id']} | {r['role']} | {r['target_low']:.4g} to {r['target_high']:.4g} "
        f"(aim {r['target_value']:.4g}) | {r['simulated_median']:.4g} "
        f"({r['simulated_q05']:.4g} to {r['simulated_q95']:.4g}) | "
        f"{'yes' if r['within'] else 'no'} | {r['source_title']}, {r['source_year']} |\n"
        for r in rows
    )
    return "# Facts: target against the calibrated model\n\n" + head + body


def posterior_figure(
    targets: Targets, particles: Mapping[str, np.ndarray], weights: np.ndarray
) -> Any:
    """Posterior marginals over the prior boxes, four panels a row (a matplotlib figure).

    Public so that the figure can be redrawn from a calibration's ``posterior.parquet``.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    n = len(targets.priors)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.7 * rows), squeeze=False)
    w = np.asarray(weights, dtype=float)
    for ax, p in zip(axes.flat, targets.priors, strict=False):
        x = np.asarray(particles[p.key], dtype=float)
        ax.hist(x, bins=15, range=(p.low, p.high), weights=w)
        ax.axvline(abc.weighted_quantile(x, w, 0.5), color="k", lw=1)
        ax.set_xlim(p.low, p.high)
        ax.set_xlabel(p.key, fontsize=9)
        ax.set_ylabel("posterior weight")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"Posterior marginals ({targets.name}): line = median, axis = prior range")
    fig.tight_layout()
    return fig


def facts_figure(targets: Targets, rows: list[dict[str, Any]]) -> Any:
    """Each fact's posterior-predictive median and 5-95 % against its target range.

    Each row is drawn in units of its own range (0 = low end, 1 = high end); a one-sided range
    (no upper end) is drawn from 0 to the plot's right edge. Public so that the figure can be
    redrawn from a calibration's ``facts.parquet``.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    m = len(rows)
    inside = sum(bool(r["within"]) for r in rows)
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * m + 1.6))
    right = 1.5
    for i, r in enumerate(rows):
        lo, hi = r["target_low"], r["target_high"]
        one_sided = not math.isfinite(hi)
        span = abs(lo) if one_sided and lo else (1.0 if one_sided else hi - lo)
        x = [
            (v - lo) / span for v in (r["simulated_q05"], r["simulated_median"], r["simulated_q95"])
        ]
        x = [min(v, 3.0) for v in x]  # keep one-sided facts on the page
        right = max(right, *x)
        ax.plot([0, 3.2 if one_sided else 1], [i, i], color="0.8", lw=8, solid_capstyle="butt")
        if math.isfinite(r["simulated_median"]):
            ax.plot([x[0], x[2]], [i, i], color="C0")
            ax.plot(x[1], i, "o", color="C0" if r["within"] else "C3")
    ax.set_xlim(-0.8, max(right, 1.2) + 0.2)
    ax.set_yticks(range(m), [f"{r['id']} ({r['role']})" for r in rows])
    ax.set_xlabel("position in the target range (0 = low end, 1 = high end); grey: the range")
    ax.plot([], [], "o", color="C0", label="inside")
    ax.plot([], [], "o", color="C3", label="outside")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        f"{targets.name}: {inside} of {m} facts inside their range\n"
        "(posterior-predictive median and 5-95 %)"
    )
    fig.tight_layout()
    return fig


def _figures(
    stage: Path, targets: Targets, result: abc.AbcResult, rows: list[dict[str, Any]]
) -> None:
    fig = posterior_figure(targets, {k: result.particles[k] for k in result.keys}, result.weights)
    import matplotlib.pyplot as plt  # after the figure function chose the backend

    write_png(fig, stage / "fig_posterior.png")
    plt.close(fig)

    fig = facts_figure(targets, rows)
    write_png(fig, stage / "fig_facts.png")
    plt.close(fig)
