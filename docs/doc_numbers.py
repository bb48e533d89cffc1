"""Numbers quoted in the documentation, produced by named commands and checked against them.

A Markdown file quotes a generated result between two markers::

    Produced by `python docs/doc_numbers.py --print NAME`:
    <!-- numbers: NAME -->
    ...the text the command prints...
    <!-- /numbers -->

The line before the opening marker names the command that produces the block (the checker
requires it). :data:`BLOCKS` declares every NAME: the command shown to the reader, the function
that produces the text, and whether it is *cheap* (seconds; checked by ``tests/test_docs.py``)
or not (model runs; checked by ``make docs-check``).

Usage (from the repository root)::

    python docs/doc_numbers.py --check            # every block; exit 1 with a line per difference
    python docs/doc_numbers.py --check --cheap    # the cheap blocks only
    python docs/doc_numbers.py --write            # regenerate the blocks in place
    python docs/doc_numbers.py --print NAME       # print one block's text
    python docs/doc_numbers.py --list             # the registry

The model's results come from fixed seeds, sizes and days, so they are the same on every run
(bit for bit on one platform; the quoted figures are rounded to three significant digits).
When a change to the model moves them, ``--check`` fails and ``--write`` records the new ones:
read the diff before committing it.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

#: Markdown files that may hold blocks (globs relative to the repository root).
FILES = ("README.md", "docs/*.md", "examples/README.md", "benchmarks/README.md")

OPEN = re.compile(r"^<!-- numbers: ([A-Za-z0-9_]+) -->[ \t]*$", re.M)
CLOSE = "<!-- /numbers -->"

# The comparisons behind the model's direction findings (docs/model.md, README.md).
SEEDS = 8  # paired seeds, from SeedSequence(0)
CREATORS = 1500
DAYS = 120
BURN_IN = 60  # means over the last 60 days, when 17-day clocks and audiences have filled
OVERALL = {"merchants.lists_used": ["overall"]}


@dataclass(frozen=True)
class Block:
    """A generated block: its name, the command shown to readers, its producer, its cost."""

    name: str
    produce: Callable[[], str]
    cheap: bool
    about: str

    @property
    def command(self) -> str:
        return f"python docs/doc_numbers.py --print {self.name}"


# -- producers ---------------------------------------------------------------------------------


def _g(x: float, sign: bool = False) -> str:
    """Three significant digits; ``nan`` as n/a."""
    if x != x:  # NaN
        return "n/a"
    s = f"{x:+.3g}" if sign else f"{x:.3g}"
    return s.replace("e+0", "e").replace("e-0", "e-")


def _scenario(overrides: dict | None = None):
    from sim.scenario import Scenario

    base = Scenario.from_toml(ROOT / "scenarios" / "reported_2022.toml")
    return base.with_values(overrides) if overrides else base


@functools.cache
def _compare(arms: tuple[tuple[tuple[str, object], ...], ...]):
    """``sim.experiments.compare`` of the 2022 baseline under each arm's overrides."""
    from sim.experiments import compare

    scenarios = [_scenario({k: list(v) if isinstance(v, tuple) else v for k, v in a}) for a in arms]
    return compare(
        scenarios,
        seeds=SEEDS,
        root_seed=0,
        days=DAYS,
        creators=CREATORS,
        burn_in_days=BURN_IN,
        outcomes=OUTCOME_LABELS.keys(),
        workers=WORKERS,
        progress=False,
    )


WORKERS: int | None = None  # set by --workers; results do not depend on it

OUTCOME_LABELS = {
    "incentive_overloaded_mean": "list-score gain of one more video (overloaded creators)",
    "incentive_gap_mean": "value of one more video a day beyond its stress-free cost",
    "effort_mean_final": "mean effort on the last day",
    "stressed_share_mean": "stressed share",
    "burnt_out_share_mean": "burnt-out share",
    "fulfilment_rate_final": "fulfilment rate (cumulative)",
}


def _key(overrides: dict) -> tuple[tuple[str, object], ...]:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in overrides.items())


def _comparison_table(arms: Sequence[dict], labels: Sequence[str], outcomes: Sequence[str]) -> str:
    """A Markdown table: each outcome's base mean, each variant's mean and paired difference."""
    cmp = _compare(tuple(_key(a) for a in arms))
    rows = {(r["variant"], r["outcome"]): r for r in cmp.table.to_pylist()}
    variants = cmp.arms[1:]
    head = ["outcome", labels[0]]
    for label in labels[1:]:
        head += [label, "difference [95% CI]"]
    lines = [
        f"{len(cmp.seeds)} paired seeds (`SeedSequence(0)`), {CREATORS:,} creators, {DAYS} days; "
        f"`_mean` outcomes average days {BURN_IN}-{DAYS - 1}, `_final` ones are the last day's.",
        "",
        "| " + " | ".join(head) + " |",
        "|---" * len(head) + "|",
    ]
    for o in outcomes:
        cells = [f"{OUTCOME_LABELS[o]} (`{o}`)"]
        for j, v in enumerate(variants):
            r = rows[(v, o)]
            if j == 0:
                cells.append(_g(r["base_mean"]))
            # A constant outcome has no interval (NaN): it is exact, not "excluding 0".
            star = "" if r["constant"] or r["ci_low"] <= 0 <= r["ci_high"] else " *"
            cells += [
                _g(r["variant_mean"]),
                f"{_g(r['difference'], True)} [{_g(r['ci_low'], True)}, "
                f"{_g(r['ci_high'], True)}]{star}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "`*`: the interval excludes 0."]
    return "\n".join(lines)


DILIGENCE_ARMS = (
    OVERALL,
    {**OVERALL, "scoring.overall.diligence": 5.0},
    {**OVERALL, "scoring.overall.diligence": 0.0, "scoring.overall.cooperation": 0.0},
)
WINDOW_ARMS = ({}, {"scoring.fulfilment.window_days": 6})
CALM = {"adaptation.miss_cost": 0.0}
CALM_WINDOW_ARMS = (CALM, {**CALM, "scoring.fulfilment.window_days": 6})
IMITATION = {**OVERALL, "adaptation.rule": "imitation"}
IMITATION_ARMS = (IMITATION, {**IMITATION, "scoring.overall.diligence": 5.0})

EFFORT_OUTCOMES = (
    "incentive_overloaded_mean",
    "incentive_gap_mean",
    "effort_mean_final",
    "stressed_share_mean",
    "burnt_out_share_mean",
)


def diligence_weight() -> str:
    return _comparison_table(
        DILIGENCE_ARMS,
        ["overall list, diligence 1", "diligence 5", "diligence and cooperation 0"],
        EFFORT_OUTCOMES,
    )


def diligence_imitation() -> str:
    return _comparison_table(
        IMITATION_ARMS,
        ["imitation rule, diligence 1", "diligence 5"],
        ("effort_mean_final", "stressed_share_mean", "burnt_out_share_mean"),
    )


def fulfilment_window() -> str:
    return _comparison_table(
        WINDOW_ARMS,
        ["reported_2022 (17 days)", "6 days"],
        (*EFFORT_OUTCOMES[1:], "fulfilment_rate_final"),
    )


def fulfilment_window_no_miss_cost() -> str:
    return _comparison_table(
        CALM_WINDOW_ARMS,
        ["`miss_cost` 0, 17 days", "6 days"],
        ("incentive_gap_mean", "effort_mean_final", "burnt_out_share_mean"),
    )


def _rel(row: dict) -> str:
    return f"{_g(row['base_mean'])} -> {_g(row['variant_mean'])}"


def findings_summary() -> str:
    """The README's short version of the two direction findings."""
    dil = _compare(tuple(_key(a) for a in DILIGENCE_ARMS))
    win = _compare(tuple(_key(a) for a in WINDOW_ARMS))
    calm = _compare(tuple(_key(a) for a in CALM_WINDOW_ARMS))

    def row(cmp, variant: int, outcome: str) -> dict:
        name = cmp.arms[variant]
        return next(
            r for r in cmp.table.to_pylist() if r["variant"] == name and r["outcome"] == outcome
        )

    lines = [
        f"| change ({SEEDS} paired seeds, {CREATORS:,} creators, {DAYS} days) | effort, last day | "
        f"burnt-out share, days {BURN_IN}-{DAYS - 1} | difference in burnt-out share [95% CI] |",
        "|---|---|---|---|",
    ]
    for label, cmp in (
        ("diligence weight 1 -> 5 on the overall list merchants use", dil),
        ("fulfilment window 17 -> 6 days", win),
        ("fulfilment window 17 -> 6 days, `miss_cost` 0", calm),
    ):
        e, b = row(cmp, 1, "effort_mean_final"), row(cmp, 1, "burnt_out_share_mean")
        lines.append(
            f"| {label} | {_rel(e)} | {_rel(b)} | {_g(b['difference'], True)} "
            f"[{_g(b['ci_low'], True)}, {_g(b['ci_high'], True)}] |"
        )
    return "\n".join(lines)


CAL_SEEDS = (0, 1)
CAL_DAYS = 365
CAL_AT = (13, 90, 180, 364)
COMMISSION_ONLY = {"adaptation.view_value": 0.0, "adaptation.list_value": 0.0}


@functools.cache
def _year(overrides: tuple[tuple[str, object], ...], seed: int):
    """Daily and creator tables of a year of the 2022 baseline (1,500 creators)."""
    from sim.model import CreatorMarket

    m = CreatorMarket(_scenario(dict(overrides)), rng=seed, n_creators=CREATORS)
    m.run(CAL_DAYS)
    return m.daily_table(), m.creator_table()


def _span(values: Iterable[float], digits: int = 2) -> str:
    v = sorted(round(x, digits) for x in values)
    lo, hi = f"{v[0]:.{digits}f}", f"{v[-1]:.{digits}f}"
    return lo if lo == hi else f"{lo}-{hi}"


def effort_calibration() -> str:
    """Mean effort over a year with the calibrated values, and with commission alone."""
    head = "| 1,500 creators, seeds 0 and 1 | " + " | ".join(f"day {d}" for d in CAL_AT) + " |"
    lines = [head, "|---" * (len(CAL_AT) + 1) + "|"]
    for label, over in (
        ("`reported_2022` (`view_value` 15, `list_value` 400)", {}),
        ("commission only (`view_value` 0, `list_value` 0)", COMMISSION_ONLY),
    ):
        runs = [_year(_key(over), s)[0] for s in CAL_SEEDS]
        cells = [_span(d["effort_mean"][day] for d in runs) for day in CAL_AT]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def burnout_calibration() -> str:
    """Who has burnt out at least once by the end of a year of the 2022 baseline."""
    import numpy as np

    parts: dict[str, list[float]] = {k: [] for k in ("all", "cohort", "top", "s_top", "s_rest")}
    for s in CAL_SEEDS:
        c = _year((), s)[1]
        here = c["active"]
        ever = c["first_burnout_day"] >= 0
        cohort = here & (c["joined_day"] == 0)
        f = c["followers_end"][here]
        top = here & (c["followers_end"] >= np.quantile(f, 0.9))
        parts["all"].append(ever[here].mean())
        parts["cohort"].append(ever[cohort].mean())
        parts["top"].append(ever[top].mean())
        parts["s_top"].append(c["samples_received"][top & cohort].mean())
        parts["s_rest"].append(c["samples_received"][~top & cohort].mean())

    def pct(key: str) -> str:
        return _span((100 * x for x in parts[key]), 0) + "%"

    return "\n".join(
        [
            f"| at day {CAL_DAYS - 1} (1,500 creators, seeds 0 and 1) | value |",
            "|---|---|",
            f"| creators in their slots who have burnt out at least once | {pct('all')} |",
            f"| the same, first-cohort creators still there (joined on day 0) | {pct('cohort')} |",
            f"| the same, top 10% by followers | {pct('top')} |",
            "| samples received in the year, first cohort: top 10% by followers / the rest | "
            f"{_span(parts['s_top'], 1)} / {_span(parts['s_rest'], 1)} |",
        ]
    )


def component_weights() -> str:
    """The components of each index with their mechanic and weights in the two rule sets."""
    from scoring.components import COMPONENTS
    from scoring.policy import INDICES, ScoringPolicy

    reported = ScoringPolicy.from_toml(ROOT / "scenarios" / "reported_2022.toml")
    official = ScoringPolicy.from_toml(ROOT / "scenarios" / "official_2024.toml")
    lines = [
        "| index | component | what it measures | mechanic | 2022 weight | official weight |",
        "|---|---|---|---|---|---|",
    ]
    for i, index in enumerate(INDICES, start=1):
        w22, w24 = reported.component_weights(index), official.component_weights(index)
        for j, name in enumerate(w22):
            c = COMPONENTS[name]
            label = f"{index} (M7.{i})" if j == 0 else ""
            lines.append(
                f"| {label} | `{name}` | {c.doc} | {c.mechanic} | {w22[name]:g} | {w24[name]:g} |"
            )
    return "\n".join(lines)


def random_streams() -> str:
    """The model's named random streams, in the order they are spawned."""
    from sim.model import STREAMS

    return "\n".join(f"{i}. `{name}`" for i, name in enumerate(STREAMS, start=1))


def seeds_for_half_ci() -> str:
    """How many seeds halve a paired comparison's interval, for a few numbers of seeds."""
    from sim.experiments import seeds_to_halve

    ks = (2, 5, 10, 20, 100)
    return "\n".join(
        [
            "| seeds K | " + " | ".join(str(k) for k in ks) + " |",
            "|---" * (len(ks) + 1) + "|",
            "| seeds for half the interval | "
            + " | ".join(str(int(seeds_to_halve(k))) for k in ks)
            + " |",
        ]
    )


def ishigami_intervals() -> str:
    """Widest bootstrap half-width of Ishigami's Sobol indices for a few base sample sizes."""
    import numpy as np
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    from sim.experiments import ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    lines = [
        "| base samples N (runs N (k + 2), k = 3) | widest 95% half-width of S1 | of ST |",
        "|---|---|---|",
    ]
    for n in (64, 256, 1024):
        x = sample.sample(problem, n, calc_second_order=False, seed=1)
        si = analyze.analyze(
            problem, ishigami(x), calc_second_order=False, num_resamples=1000, seed=1
        )
        lines.append(
            f"| {n:,} | {_g(float(np.max(si['S1_conf'])))} | {_g(float(np.max(si['ST_conf'])))} |"
        )
    return "\n".join(lines)


BLOCKS: dict[str, Block] = {
    b.name: b
    for b in (
        Block(
            "diligence_weight",
            diligence_weight,
            False,
            "compare: overall list, diligence weight 1 vs 5 vs (diligence, cooperation) 0",
        ),
        Block(
            "diligence_imitation",
            diligence_imitation,
            False,
            "compare: the same under the imitation rule",
        ),
        Block(
            "fulfilment_window",
            fulfilment_window,
            False,
            "compare: reported_2022 with a 17- vs a 6-day fulfilment window",
        ),
        Block(
            "fulfilment_window_no_miss_cost",
            fulfilment_window_no_miss_cost,
            False,
            "compare: the same with adaptation.miss_cost 0",
        ),
        Block("findings_summary", findings_summary, False, "README: the comparisons in brief"),
        Block(
            "effort_calibration",
            effort_calibration,
            False,
            "a year of reported_2022: mean effort, calibrated values vs commission only",
        ),
        Block(
            "burnout_calibration",
            burnout_calibration,
            False,
            "a year of reported_2022: shares burnt out at least once",
        ),
        Block("random_streams", random_streams, True, "sim.model.STREAMS"),
        Block(
            "component_weights",
            component_weights,
            True,
            "scoring components and their weights in reported_2022 and official_2024",
        ),
        Block("seeds_for_half_ci", seeds_for_half_ci, True, "sim.experiments.seeds_to_halve"),
        Block(
            "ishigami_intervals",
            ishigami_intervals,
            False,  # needs SALib (the experiments' dependency); checked by make docs-check
            "SALib Sobol indices of the Ishigami function",
        ),
    )
}


# -- the checker -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A block in a file: its name, the text between the markers, where it is."""

    path: Path
    name: str
    line: int  # 1-based line of the opening marker
    start: int  # offset of the text after the opening marker's line
    end: int  # offset of the closing marker
    text: str


class BlockError(ValueError):
    """A malformed block: unknown name, no closing marker, no command line before it."""


def markdown_files(root: Path = ROOT) -> list[Path]:
    """The Markdown files :data:`FILES` names, in a stable order."""
    out: list[Path] = []
    for pattern in FILES:
        out += sorted(p for p in root.glob(pattern) if p.is_file())
    return out


def find_blocks(path: Path, registry: dict[str, Block] = BLOCKS) -> list[Found]:
    """The blocks of one file; :class:`BlockError` names the file and line of a bad one."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in OPEN.finditer(text):
        name, line = m.group(1), text.count("\n", 0, m.start()) + 1
        where = f"{path}:{line}"
        if name not in registry:
            raise BlockError(f"{where}: unknown block {name!r}; declared: {', '.join(registry)}")
        start = m.end() + 1
        end = text.find(CLOSE, start)
        nxt = OPEN.search(text, start)
        if end < 0 or (nxt is not None and nxt.start() < end):
            raise BlockError(f"{where}: block {name!r} has no closing {CLOSE}")
        before = [x for x in text[: m.start()].splitlines() if x.strip()]
        if not before or f"`{registry[name].command}`" not in before[-1]:
            raise BlockError(
                f"{where}: the line before block {name!r} must name its command "
                f"`{registry[name].command}`"
            )
        found.append(Found(path, name, line, start, end, text[start:end].rstrip("\n")))
    return found


def _first_difference(old: str, new: str) -> str:
    a, b = old.splitlines(), new.splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"line {i + 1}: quoted {x.strip()!r}, produced {y.strip()!r}"
    return f"quoted {len(a)} lines, produced {len(b)}"


def run(
    paths: Sequence[Path],
    *,
    write: bool,
    names: Sequence[str] | None = None,
    cheap_only: bool = False,
    registry: dict[str, Block] = BLOCKS,
    log: Callable[[str], None] = print,
) -> list[str]:
    """Check (or with ``write`` rewrite) the blocks of ``paths``; returns the differences.

    Each block's text is produced once however many files quote it. In check mode a
    difference is one line: file, line, block name and the first differing line.
    """
    blocks = [f for p in paths for f in find_blocks(p, registry)]
    chosen = [
        f
        for f in blocks
        if (names is None or f.name in names) and (registry[f.name].cheap or not cheap_only)
    ]
    produced: dict[str, str] = {}
    for f in chosen:
        if f.name not in produced:
            t = time.perf_counter()
            produced[f.name] = registry[f.name].produce().rstrip("\n")
            log(f"{f.name}: produced in {time.perf_counter() - t:.1f} s")
    problems = []
    for path in dict.fromkeys(f.path for f in chosen):
        mine = [f for f in chosen if f.path == path and produced[f.name] != f.text]
        for f in mine:
            problems.append(
                f"{_shown(path)}:{f.line}: block {f.name!r} differs from "
                f"`{registry[f.name].command}`: {_first_difference(f.text, produced[f.name])}"
            )
        if write and mine:
            text = path.read_text(encoding="utf-8")
            for f in sorted(mine, key=lambda f: f.start, reverse=True):
                text = text[: f.start] + produced[f.name] + "\n" + text[f.end :]
            _atomic_write(path, text)
    return problems


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, path.stat().st_mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    global WORKERS
    ap = argparse.ArgumentParser(
        prog="python docs/doc_numbers.py", description=__doc__.split("\n")[0]
    )
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if a quoted block differs")
    mode.add_argument("--write", action="store_true", help="rewrite the blocks in place")
    mode.add_argument("--print", metavar="NAME", choices=tuple(BLOCKS), help="print one block")
    mode.add_argument("--list", action="store_true", help="list the declared blocks")
    ap.add_argument("--cheap", action="store_true", help="only the blocks marked cheap")
    ap.add_argument("--workers", type=int, default=None, help="processes for model runs")
    ap.add_argument("names", nargs="*", metavar="NAME", help="only these blocks")
    args = ap.parse_args(argv)
    WORKERS = args.workers
    unknown = [n for n in args.names if n not in BLOCKS]
    if unknown:
        ap.error(f"unknown block {unknown[0]!r}; declared: {', '.join(BLOCKS)}")
    if args.list:
        for b in BLOCKS.values():
            print(f"{b.name:32} {'cheap' if b.cheap else 'slow ':5}  {b.about}")
        return 0
    if args.print:
        print(BLOCKS[args.print].produce())
        return 0
    t = time.perf_counter()
    try:
        problems = run(
            markdown_files(),
            write=args.write,
            names=args.names or None,
            cheap_only=args.cheap,
            log=lambda s: print(s, file=sys.stderr),
        )
    except BlockError as e:
        print(f"numbers: error: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(("rewrote " if args.write else "") + p)
    print(
        f"numbers: {len(problems)} block(s) differ; {time.perf_counter() - t:.0f} s",
        file=sys.stderr,
    )
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
