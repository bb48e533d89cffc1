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

    python docs/doc_numbers.py --check            # every block but the expensive ones (named
                                                  # only: --check claims); exit 1 per difference
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

#: Markdown files that may hold blocks (globs relative to the repository root).
FILES = ("README.md", "docs/*.md", "examples/README.md", "benchmarks/README.md")

OPEN = re.compile(r"^<!-- numbers: ([A-Za-z0-9_]+) -->[ \t]*$", re.M)
CLOSE = "<!-- /numbers -->"

# The paired comparisons behind the model's headline effects (docs/model.md, README.md): the
# 2022 baseline and one variant per effect, on common seeds, after the scenario's burn-in.
SEEDS = 8  # paired seeds, from SeedSequence(0)
CREATORS = 1500
DAYS = 120  # reported days, after the scenario's burn-in (time.burn_in_days, 540)
SUMMARY_SKIP = 0  # the burn-in already ran: the means cover every reported day


@dataclass(frozen=True)
class Block:
    """A generated block: its name, the command shown to readers, its producer, its cost."""

    name: str
    produce: Callable[[], str]
    cheap: bool
    about: str
    #: Too long for ``--check`` of every block (tens of minutes): run only when named.
    expensive: bool = False

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


#: One variant of the 2022 baseline per headline effect: (name, overrides, column label).
EFFECTS: tuple[tuple[str, dict, str], ...] = (
    ("diligence", {"scoring.overall.diligence": 5.0}, "diligence weight 5"),
    ("window", {"scoring.fulfilment.window_days": 7}, "window 7 days"),
    ("cooperation", {"scoring.overall.cooperation": 5.0}, "cooperation weight 5"),
    ("coupling", {"attention.coupling": 2.0}, "feed coupling 2"),
)

OUTCOME_LABELS = {
    "burnt_out_share_mean": "burnt-out share",
    "exits_today_total": f"exits over the {DAYS} reported days",
    "effort_mean_final": "mean effort, last day",
    "workload_mean_mean": "work / capacity, mean over creators",
    "feed_entertainer_share_mean": "entertainers' share of feed views",
    "fulfilment_rate_final": "fulfilment rate (cumulative, last day)",
}

WORKERS: int | None = None  # set by --workers; results do not depend on it


@functools.cache
def _compare():
    """``sim.experiments.compare`` of the 2022 baseline and every :data:`EFFECTS` variant."""
    from sim.experiments import compare

    scenarios = [_scenario(), *(_scenario(over) for _n, over, _l in EFFECTS)]
    return compare(
        scenarios,
        seeds=SEEDS,
        root_seed=0,
        days=DAYS,
        creators=CREATORS,
        burn_in_days=SUMMARY_SKIP,
        outcomes=OUTCOME_LABELS.keys(),
        workers=WORKERS,
        progress=False,
    )


def _rows(effect: str) -> dict[str, dict]:
    """The comparison rows (one per outcome) of one effect's variant against the baseline."""
    cmp = _compare()
    i = 1 + [n for n, _o, _l in EFFECTS].index(effect)
    name = cmp.arms[i]
    return {r["outcome"]: r for r in cmp.table.to_pylist() if r["variant"] == name}


def _verdict(r: dict) -> str:
    """Holds (the interval excludes 0) or not found; a constant outcome is exact."""
    if r["constant"]:
        return "no change (identical runs)"
    if r["ci_low"] <= 0 <= r["ci_high"]:
        return "not found (interval includes 0)"
    return "holds in these runs under the gradient rule"


def _ci(r: dict) -> str:
    return f"{_g(r['difference'], True)} [{_g(r['ci_low'], True)}, {_g(r['ci_high'], True)}]"


def _caption() -> str:
    return (
        f"{SEEDS} paired seeds (`SeedSequence(0)`), {CREATORS:,} creators, the scenario's "
        f"burn-in (`time.burn_in_days` 540) then {DAYS} reported days; `_mean` outcomes "
        "average the reported days, `_total` sums them, `_final` is the last day's; "
        "`adaptation.rule` gradient."
    )


def _effect_table(effect: str) -> str:
    """A Markdown table: baseline mean, variant mean, paired difference and its verdict."""
    label = next(lab for n, _o, lab in EFFECTS if n == effect)
    rows = _rows(effect)
    lines = [
        _caption(),
        "",
        f"| outcome | reported_2022 | {label} | difference [95% CI] | effect |",
        "|---|---|---|---|---|",
    ]
    for o, text in OUTCOME_LABELS.items():
        r = rows[o]
        lines.append(
            f"| {text} (`{o}`) | {_g(r['base_mean'])} | {_g(r['variant_mean'])} | {_ci(r)} "
            f"| {_verdict(r)} |"
        )
    return "\n".join(lines)


def effect_diligence() -> str:
    return _effect_table("diligence")


def effect_window() -> str:
    return _effect_table("window")


def effect_cooperation() -> str:
    return _effect_table("cooperation")


def effect_coupling() -> str:
    return _effect_table("coupling")


SUMMARY_OUTCOMES = ("burnt_out_share_mean", "exits_today_total", "feed_entertainer_share_mean")
SUMMARY_CHANGES = {
    "diligence": "diligence weight 1 -> 5 (overall list)",
    "window": "fulfilment window 17 -> 7 days",
    "cooperation": "cooperation weight 1 -> 5 (overall list)",
    "coupling": "feed coupling 0 -> 2 (M14)",
}


def findings_summary() -> str:
    """The README's short version: each effect's paired difference on three outcomes."""
    head = ["change"] + [f"{OUTCOME_LABELS[o]}: difference [95% CI]" for o in SUMMARY_OUTCOMES]
    lines = [
        _caption(),
        "",
        "| " + " | ".join(head) + " |",
        "|---" * len(head) + "|",
    ]
    for effect, label in SUMMARY_CHANGES.items():
        rows = _rows(effect)
        cells = []
        for o in SUMMARY_OUTCOMES:
            r = rows[o]
            mark = "" if r["constant"] or r["ci_low"] <= 0 <= r["ci_high"] else " *"
            cells.append(_ci(r) + mark)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if any(line.endswith(" * |") or " * | " in line for line in lines[4:]):
        lines += ["", "`*`: holds in these runs under the gradient rule (the interval excludes 0)."]
    else:
        lines += ["", "No interval excludes 0."]
    return "\n".join(lines)


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


def claims() -> str:
    """The claims table "what the model says, and under what" (sim/experiments/claims.py).

    Every headline effect under each learning rule and, with the calibration's posterior, at
    its 5th and 95th percentiles, at :data:`sim.experiments.claims.FULL` (about 25 min on 2
    cores: ``make claims``). The posterior file: ``$CREATORSIM_CLAIMS_POSTERIOR`` if set (it must
    exist), else :data:`~sim.experiments.claims.DEFAULT_POSTERIOR` when it exists, else none
    (the table says so). ``$CREATORSIM_CLAIMS_OUT`` keeps the runs there so a rerun resumes.
    ``$CREATORSIM_CLAIMS_AT_RULES`` (a comma list) limits the rules run at the quantiles
    (``make claims`` sets it to ``gradient``: 6 settings instead of 12).
    """
    from sim.experiments.claims import DEFAULT_POSTERIOR, FULL, run_claims

    posterior = os.environ.get("CREATORSIM_CLAIMS_POSTERIOR") or None
    if posterior is None and (ROOT / DEFAULT_POSTERIOR).is_file():
        posterior = DEFAULT_POSTERIOR
    at_rules = os.environ.get("CREATORSIM_CLAIMS_AT_RULES") or None  # e.g. "gradient"
    result = run_claims(
        ROOT / "scenarios" / "reported_2022.toml",
        posterior=None if posterior is None else ROOT / posterior,
        at_rules=None if at_rules is None else tuple(at_rules.split(",")),
        size=FULL,
        out_dir=os.environ.get("CREATORSIM_CLAIMS_OUT") or None,
        workers=WORKERS,
    )
    return result.markdown()


def economy_facts() -> str:
    """What the calibrated model produces without being targeted (docs/model.md, Measured)."""
    import dataclasses

    import numpy as np

    from sim import stages
    from sim.model import CreatorMarket
    from sim.population import Creators
    from sim.scenario import AttentionParams

    # views against pieces: half the creators post two pieces, half one, all else equal
    el = []
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        n = 4000
        given = {
            "creator_id": np.arange(n),
            "category": np.zeros(n, np.int64),
            "followers": rng.integers(500, 5000, n),
            "quality": rng.uniform(0.2, 0.8, n),
            "skill": np.full(n, 0.5),
            "orientation": np.full(n, 0.5),
            "active": np.ones(n, bool),
        }
        c = Creators(
            **{
                f.name: given.get(f.name, np.zeros(n))
                for f in dataclasses.fields(Creators)
                if f.name in given or f.default is dataclasses.MISSING
            }
        )
        two = rng.random(n) < 0.5
        pieces = np.where(two, 2, 1)
        z = np.zeros(n, np.int64)
        out = stages.attention_market(
            c,
            stages.Work(pieces, z, z, z, z, pieces.astype(float)),
            np.zeros(n),
            np.array([10.0]),
            params=AttentionParams(),
            rng=rng,
        )
        el.append(np.log(out["views"][two].mean() / out["views"][~two].mean()) / np.log(2.0))
    lines = [
        "Elasticity of views to pieces posted (half the creators post 2 pieces, half 1, all else "
        f"equal; 4,000 creators, seeds 0-2): {', '.join(_g(e) for e in el)}.",
        "",
    ]
    # groups over a reported year after the burn-in
    base = _scenario()
    m = CreatorMarket(base, rng=11, n_creators=1500)
    m.run(365)
    ct = m.creator_table()
    f0 = ct["followers_start"].astype(float)
    first = ct["joined_day"] <= 0
    groups = {
        "top follower decile": first & (f0 >= np.quantile(f0[first], 0.9)),
        "bottom half": first & (f0 <= np.quantile(f0[first], 0.5)),
        "all": first,
    }
    lines += [
        f"A reported year after the {base.model.time.burn_in_days}-day burn-in, 1,500 creators, "
        "seed 11, creators present on day 0:",
        "",
        "| group | burnt out at least once | episodes a creator-year | share of days burnt out "
        "| left within the year |",
        "|---|---|---|---|---|",
    ]
    for name, g in groups.items():
        days = ct["active_days"][g].astype(float).sum()
        lines.append(
            f"| {name} | {_g(ct['ever_burnt_out'][g].mean())} | "
            f"{_g(ct['burnouts'][g].sum() / days * 365)} | "
            f"{_g(ct['days_burnt_out'][g].sum() / days)} | {_g((ct['left_day'][g] >= 0).mean())} |"
        )
    # learning rules
    rules = {}
    for rule in ("gradient", "imitation", "exp3", "none"):
        m = CreatorMarket(base.with_values({"adaptation.rule": rule}), rng=3, n_creators=1500)
        m.run(365)
        d = m.daily_table()
        rules[rule] = (float(np.mean(d["burnt_out_share"])), float(np.mean(d["effort_mean"])))
    lines += [
        "",
        "Mean burnt-out share and mean effort over a reported year by learning rule (1,500 "
        "creators, seed 3): "
        + "; ".join(f"{r} {_g(b)} and {_g(e)}" for r, (b, e) in rules.items())
        + ".",
    ]
    # drift over the last 90 days of the burn-in
    burn = base.model.time.burn_in_days
    m = CreatorMarket(base.with_values({"time.burn_in_days": 0}), rng=1, n_creators=1500)
    m.run(burn)
    d = m.daily_table()
    drift = {
        k: float(np.mean(d[k][burn - 30 : burn]) - np.mean(d[k][burn - 90 : burn - 60]))
        for k in ("effort_mean", "burnt_out_share")
    }
    lines += [
        "",
        f"Drift over the last 90 days of a {burn}-day burn-in (30-day means, days "
        f"{burn - 90}-{burn - 60} to {burn - 30}-{burn}; 1,500 creators, seed 1): mean effort "
        f"{_g(drift['effort_mean'], sign=True)}, burnt-out share "
        f"{_g(drift['burnt_out_share'], sign=True)}.",
    ]
    return "\n".join(lines)


def nudge_agreement() -> str:
    """The nudge experiment against the computed incentive (tests/test_nudge.py's setting)."""
    from sim.nudge import nudge_experiment
    from sim.scenario import Scenario

    lines = [
        "| case | nudge | income per extra video, measured [95% CI] | computed (through the "
        "lists) | inside | extra views per video, measured / computed |",
        "|---|---|---|---|---|---|",
    ]
    cases = (
        ("baseline", {}, 28),
        ("overall diligence weight 5", {"scoring.overall.diligence": 5.0}, 28),
        ("baseline", {}, 7),
    )
    for name, values, days in cases:
        sc = Scenario().with_values({"time.burn_in_days": 120, **values})
        r = nudge_experiment(sc, seeds=6, creators=1500, share=0.05, days=days, start_day=7)
        a = r.agreement()
        inside = a["ci_low"] <= a["computed"] <= a["ci_high"]
        lines.append(
            f"| {name} | {days} days | {_g(a['measured'])} [{_g(a['ci_low'])}, "
            f"{_g(a['ci_high'])}] | {_g(a['computed'])} ({_g(a['computed_lists'])}) | "
            f"{'yes' if inside else 'no'} | {_g(r.effect('views')['per_video'])} / "
            f"{_g(r.incentive['views']['mean'])} |"
        )
    return "\n".join(lines)


#: The calibration's record, shipped with the targets (``creatorsim calibrate creator_economy``).
CALIBRATION = "scenarios/targets/creator_economy.calibration.json"


def calibration_posterior() -> str:
    """The fitted keys: prior box, posterior median (the default) and 5-95 % interval."""
    import json

    doc = json.loads((ROOT / CALIBRATION).read_text(encoding="utf-8"))
    s = doc["settings"]
    lines = [
        f"ABC-SMC, seed {doc['seed']}: {doc['evaluations']:,} runs of {s['creators']:,} "
        f"creators over {s['days']} reported days after a {s['burn_in_days']}-day burn-in, "
        f"{s['population']} particles, {len(doc['generations'])} generations (last threshold "
        f"{_g(doc['generations'][-1]['epsilon'])} range widths).",
        "",
        "| key | prior | posterior median (the default) | 5-95 % |",
        "|---|---|---|---|",
    ]
    for k, v in doc["posterior"].items():
        lo, hi = v["prior"]
        lines.append(
            f"| `{k}` | {_g(lo)} to {_g(hi)} | {_g(v['median'])} | "
            f"{_g(v['q05'])} to {_g(v['q95'])} |"
        )
    return "\n".join(lines)


def calibration_facts() -> str:
    """Each fact: target range against the posterior-predictive runs' median."""
    import json

    from sim.calibration.targets import load_targets

    doc = json.loads((ROOT / CALIBRATION).read_text(encoding="utf-8"))
    t = load_targets(ROOT / "scenarios" / "targets" / "creator_economy.toml")
    lines = [
        f"Posterior-predictive runs: {doc['settings']['predictive']}.",
        "",
        "| id | role | target | model (median of runs) | inside |",
        "|---|---|---|---|---|",
    ]
    for f in t.facts:
        r = doc["facts"][f.id]
        lines.append(
            f"| {f.id} | {f.role} | {_g(f.low)} to {_g(f.high)} | "
            f"{_g(r['simulated_median'])} | {'yes' if r['within'] else '**no**'} |"
        )
    return "\n".join(lines)


#: The calibrated baseline's facts as the test suite measures them (tests/test_calibrated.py).
BASELINE_FACTS = {"creators": 2000, "days": 365, "seed": 0}


def baseline_facts() -> str:
    """The stylised facts on one run of the calibrated reported_2022 (default burn-in)."""
    from sim.calibration.facts import fact_table
    from sim.calibration.targets import load_targets
    from sim.run import run_scenario

    b = BASELINE_FACTS
    run = run_scenario(
        _scenario(), seed=b["seed"], days=b["days"], creators=b["creators"], progress=False
    )
    t = load_targets(ROOT / "scenarios" / "targets" / "creator_economy.toml")
    rows = fact_table(t, run.daily, run.creators)
    lines = [
        f"reported_2022 at its defaults, {b['creators']:,} creators, {b['days']} reported days "
        f"after the {run.scenario.model.time.burn_in_days}-day burn-in, seed {b['seed']}:",
        "",
        "| id | role | what | target | model | inside |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        inside = "n/a" if r["inside"] is None else ("yes" if r["inside"] else "**no**")
        model = "n/a" if r["model"] is None else _g(r["model"])
        lines.append(
            f"| {r['id']} | {r['role']} | {r['what']} | {_g(r['low'])} to {_g(r['high'])} "
            f"| {model} | {inside} |"
        )
    return "\n".join(lines)


BLOCKS: dict[str, Block] = {
    b.name: b
    for b in (
        Block("effect_diligence", effect_diligence, False, "compare: diligence weight 1 vs 5"),
        Block("effect_window", effect_window, False, "compare: fulfilment window 17 vs 7 days"),
        Block(
            "effect_cooperation", effect_cooperation, False, "compare: cooperation weight 1 vs 5"
        ),
        Block("effect_coupling", effect_coupling, False, "compare: feed coupling 0 vs 2 (M14)"),
        Block("findings_summary", findings_summary, False, "README: the comparisons in brief"),
        Block(
            "claims",
            claims,
            False,
            "the claims table: effects under each rule and posterior point (make claims)",
            expensive=True,
        ),
        Block("random_streams", random_streams, True, "sim.model.STREAMS"),
        Block(
            "nudge_agreement",
            nudge_agreement,
            False,
            "the nudge experiment against the computed incentive (tests/test_nudge.py)",
        ),
        Block(
            "economy_facts",
            economy_facts,
            False,
            "what the calibrated model produces untargeted (docs/model.md, Measured)",
        ),
        Block(
            "calibration_posterior",
            calibration_posterior,
            True,
            "the calibration's posterior (creator_economy.calibration.json)",
        ),
        Block(
            "calibration_facts",
            calibration_facts,
            True,
            "the calibration's facts table (creator_economy.calibration.json)",
        ),
        Block(
            "baseline_facts",
            baseline_facts,
            False,
            "stylised facts of the calibrated baseline (tests/test_calibrated.py)",
        ),
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
        if (names is None or f.name in names)
        and (registry[f.name].cheap or not cheap_only)
        and (names is not None or not registry[f.name].expensive)
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
            # the file is read again and its blocks found again: it may have been edited while
            # the blocks were produced (an expensive block runs for minutes)
            text = path.read_text(encoding="utf-8")
            names = {f.name for f in mine}
            fresh = [f for f in find_blocks(path, registry) if f.name in names]
            for f in sorted(fresh, key=lambda f: f.start, reverse=True):
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
            cost = "cheap" if b.cheap else "long" if b.expensive else "slow"
            print(f"{b.name:32} {cost:5}  {b.about}")
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
