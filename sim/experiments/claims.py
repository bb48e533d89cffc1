"""The claims table: what the model says about the rules, and under what (issue 11, "Done when").

Each headline effect of the ranking rules is a variant of one base scenario (default
``reported_2022``), compared with it on common seeds (:func:`~sim.experiments.compare`) in every
*setting*: each learning rule (``adaptation.rule``: gradient, imitation, exp3, none) at the
calibration's posterior median, and each rule again with every fitted key at the posterior's
5th and at its 95th percentile (:mod:`sim.experiments.rules`). Each (effect, outcome) gets the
label of :func:`~sim.experiments.robustness_label`: *robust* (every interval excludes 0, same
sign), *conditional* (naming the settings where it holds), *not found*, *contradictory* or
*constant*.

The effects (:data:`EFFECTS`, each against the base's value):

* the diligence weight of the overall list (M7, ``scoring.overall.diligence``), 1 -> 5;
* the cooperation weight of the overall list (M7, ``scoring.overall.cooperation``), 1 -> 5;
* the fulfilment window (M10, ``scoring.fulfilment.window_days``), 17 -> 7, 14 and 30 days;
* the clock start (M10 vs O2, ``scoring.fulfilment.clock_start``), shipping -> delivery;
* the feed coupling (M14, ``attention.coupling`` on the overall list), 0 -> 1.

The headline outcomes (:data:`OUTCOMES`): burnt-out share, exits, mean effort and workload, the
entertainers' share of feed views and of list places, the fulfilment rate, the share of creators
listed and the Gini of list exposure.

Cost. The default size (:data:`FULL`: 1,000 creators, a 365-day burn-in, 180 reported days, 6
seeds) is 8 arms x 6 seeds = 48 runs per setting, 12 settings with a posterior (4 without):
576 runs of 545 simulated days. ``make claims`` runs it on 2 processes, into ``out/claims`` (a
rerun only runs what is missing), and writes the table into docs/model.md through
``docs/doc_numbers.py``. Single runs at that size take 3-10 s on one core (none 3.4 s, exp3
4.7 s, gradient 4.6-10 s, imitation 6.2-7.2 s, measured on a shared 2-core machine), so the
table takes about 576 x 5.3 s / 2 = 25 min on 2 idle cores. A run of this size is mostly
per-day work, not per-creator work: a tiny table does not extrapolate (:data:`TINY`, 100
creators and 20 days, takes 61 s for 12 settings, 4% of the full table's estimate).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rules import POINTS, RULES, RulesComparison, compare_rules, load_posterior

__all__ = [
    "DEFAULT_POSTERIOR",
    "EFFECTS",
    "FULL",
    "OUTCOMES",
    "Claims",
    "Effect",
    "Size",
    "run_claims",
]


@dataclass(frozen=True)
class Effect:
    """One change of the rules: a name (the arm's), what it changes in words, the overrides."""

    name: str
    change: str
    values: Mapping[str, Any]


#: The headline effects, each a variant of the base (whose values they assume: 1, 1, 17 days,
#: shipped, coupling 0; :func:`run_claims` checks them).
EFFECTS: tuple[Effect, ...] = (
    Effect(
        "diligence_5", "diligence weight 1 -> 5 (overall list)", {"scoring.overall.diligence": 5.0}
    ),
    Effect(
        "cooperation_5",
        "cooperation weight 1 -> 5 (overall list)",
        {"scoring.overall.cooperation": 5.0},
    ),
    Effect("window_7", "window 17 -> 7 days", {"scoring.fulfilment.window_days": 7}),
    Effect("window_14", "window 17 -> 14 days", {"scoring.fulfilment.window_days": 14}),
    Effect("window_30", "window 17 -> 30 days", {"scoring.fulfilment.window_days": 30}),
    Effect(
        "clock_delivered",
        "clock starts at delivery, not shipping",
        {"scoring.fulfilment.clock_start": "delivered"},
    ),
    Effect(
        "coupling_1",
        "feed coupling 0 -> 1 (M14, overall list)",
        {"attention.coupling": 1.0, "attention.coupling_list": "overall"},
    ),
)

#: Where ``make claims`` looks for the calibration's posterior summary (relative to the
#: repository root; :func:`~sim.experiments.rules.load_posterior` reads it).
DEFAULT_POSTERIOR = "scenarios/targets/creator_economy.calibration.json"

#: The base's values the effects are changes from.
BASE_VALUES: Mapping[str, Any] = {
    "scoring.overall.diligence": 1.0,
    "scoring.overall.cooperation": 1.0,
    "scoring.fulfilment.window_days": 17,
    "scoring.fulfilment.clock_start": "shipped",
    "attention.coupling": 0.0,
}

#: The headline outcomes and how the table names them.
OUTCOMES: Mapping[str, str] = {
    "burnt_out_share_mean": "burnt-out share",
    "exits_today_total": "exits (reported days)",
    "effort_mean_final": "mean effort, last day",
    "workload_mean_mean": "work / capacity",
    "feed_entertainer_share_mean": "entertainers' feed share",
    "list_entertainer_share_mean": "entertainers' list share",
    "fulfilment_rate_final": "fulfilment rate, last day",
    "share_listed_mean": "share listed",
    "list_exposure_gini_mean": "list exposure Gini",
}


@dataclass(frozen=True)
class Size:
    """How big each run of the table is: creators, burn-in (days, not reported), reported days,
    paired seeds."""

    creators: int
    burn_in: int
    days: int
    seeds: int

    def __post_init__(self) -> None:
        for name, low in (("creators", 10), ("burn_in", 0), ("days", 1), ("seeds", 2)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ValueError(f"claims size {name} = {v!r}: use an integer >= {low}")

    def text(self) -> str:
        return (
            f"{self.seeds} paired seeds (`SeedSequence(0)`), {self.creators:,} creators, a "
            f"{self.burn_in}-day burn-in (`time.burn_in_days`, not reported) then {self.days} "
            "reported days"
        )


#: The size the documented table is run at (about 30 min on 2 cores, see the module doc).
FULL = Size(creators=1000, burn_in=365, days=180, seeds=6)
#: A tiny size for tests and for timing (:func:`estimate_seconds`).
TINY = Size(creators=100, burn_in=10, days=10, seeds=2)


@dataclass(frozen=True)
class Claims:
    """The claims table: the :class:`~sim.experiments.rules.RulesComparison` of every effect,
    the size it ran at and the posterior file it read (None: rules only)."""

    result: RulesComparison
    effects: tuple[Effect, ...]
    size: Size
    posterior: str | None

    def markdown(self) -> str:
        """A summary table (label per effect and outcome) and the full table of intervals."""
        r = self.result
        settings = [s.label for s in r.settings]
        outcomes = list(dict.fromkeys(row["outcome"] for row in r.rows))
        by = {(x["setting"], x["variant"], x["outcome"]): x for x in r.rows}
        where = (
            f"posterior `{self.posterior}`: every fitted key at its median, and again at its "
            "5th (`q05`) and at its 95th (`q95`) percentile"
            if self.posterior
            else "no posterior given: the base's own parameter values only (not yet at the "
            "posterior's 5th and 95th percentiles)"
        )
        lines = [
            f"{self.size.text()}; base `{r.base}`; settings: {', '.join(settings)} ({where}). "
            "Labels: *robust* every 95% interval excludes 0 with the same sign (shown); "
            "*conditional* it holds only in the settings named; *not found* no interval "
            "excludes 0; *contradictory* intervals exclude 0 with opposite signs; *constant* "
            "no run varies.",
            "",
            "| change | " + " | ".join(OUTCOMES.get(o, o) for o in outcomes) + " |",
            "|---" * (len(outcomes) + 1) + "|",
        ]
        for e in self.effects:
            cells = [_signed_label(r, e.name, o) for o in outcomes]
            lines.append(f"| {e.change} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "Each paired difference (variant - base) with its 95% t interval, per setting:",
            "",
            "| change | outcome | " + " | ".join(settings) + " |",
            "|---|---" + "|---" * len(settings) + "|",
        ]
        for e in self.effects:
            for o in outcomes:
                cells = [_cell(by.get((s, e.name, o))) for s in settings]
                lines.append(f"| {e.change} | {OUTCOMES.get(o, o)} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _g(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:+.3g}".replace("e+0", "e").replace("e-0", "e-")


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    if row["constant"]:
        return f"{_g(row['difference'])} (constant)"
    lo, hi = row["ci_low"], row["ci_high"]
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "n/a (runs failed)"
    star = " *" if lo > 0 or hi < 0 else ""
    return f"{_g(row['difference'])} [{_g(lo)}, {_g(hi)}]{star}"


def _signed_label(r: RulesComparison, variant: str, outcome: str) -> str:
    """The label with the sign of the effect where it holds: ``robust (+)``, ``conditional (-):
    under gradient, exp3 q05``."""
    label = r.labels[(variant, outcome)]
    rows = [x for x in r.rows if x["variant"] == variant and x["outcome"] == outcome]

    def side(x: dict[str, Any]) -> int:
        if x["constant"]:
            d = x["difference"]
            return 0 if d is None or d != d or d == 0 else (1 if d > 0 else -1)
        lo, hi = x["ci_low"], x["ci_high"]
        return 1 if lo is not None and lo > 0 else -1 if hi is not None and hi < 0 else 0

    sides = {side(x) for x in rows} - {0}
    if len(sides) != 1:
        return label
    sign = "+" if sides == {1} else "-"
    if label == "robust":
        return f"robust ({sign})"
    if label.startswith("conditional: "):
        return f"conditional ({sign}): " + label.removeprefix("conditional: ")
    return label


def run_claims(
    base: str | os.PathLike | Any = "reported_2022",
    *,
    posterior: str | os.PathLike | None = None,
    size: Size = FULL,
    rules: Sequence[str] = RULES,
    at: Sequence[str] = ("q05", "q95"),
    at_rules: Sequence[str] | None = None,
    effects: Sequence[Effect] = EFFECTS,
    outcomes: Sequence[str] = tuple(OUTCOMES),
    out_dir: str | os.PathLike | None = None,
    workers: int | None = None,
    executor: Any = None,
    progress: bool | None = False,
) -> Claims:
    """Run the claims table: every effect against ``base`` in every setting, at ``size``.

    ``base``: a scenario, a shipped scenario's name or a TOML path. ``posterior``: the file of
    per-key median/q05/q95 (:func:`~sim.experiments.rules.load_posterior`); without it the table
    covers the learning rules only. ``at_rules``: the rules run at ``q05``/``q95`` (default all:
    the full cross). ``out_dir`` keeps the runs (one ``compare`` folder per setting) so that an
    interrupted table resumes; ``workers``/``executor`` as for :func:`compare`.
    """
    from ..data import scenario_path
    from ..scenario import Scenario

    if not isinstance(size, Size):
        raise ValueError(f"size = {size!r}: use a claims.Size")
    bad = [p for p in at if p not in POINTS]
    if bad:
        raise ValueError(f"at = {list(at)!r}: use one or more of {', '.join(POINTS)}")
    scenario = base if isinstance(base, Scenario) else Scenario.from_toml(scenario_path(str(base)))
    values = scenario.values()
    for key, expected in BASE_VALUES.items():
        if values.get(key) != expected:
            raise ValueError(
                f"claims base {scenario.name}: {key} = {values.get(key)!r}; the effects are "
                f"changes from {expected!r}: use a base with that value"
            )
    scenario = scenario.with_values({"time.burn_in_days": size.burn_in})
    arms = []
    for e in effects:
        v = scenario.with_values(dict(e.values))
        arms.append(_renamed(v, e.name))
    post = None
    if posterior is not None:
        post = load_posterior(posterior)
    result = compare_rules(
        scenario,
        *arms,
        rules=rules,
        posterior=post,
        at=at if post is not None else (),
        at_rules=at_rules,
        seeds=size.seeds,
        root_seed=0,
        days=size.days,
        creators=size.creators,
        burn_in_days=0,  # the model's burn-in ran before day 0: every reported day counts
        outcomes=list(outcomes),
        out_dir=out_dir,
        workers=workers,
        executor=executor,
        progress=progress,
    )
    shown = None if posterior is None else _shown(Path(posterior))
    return Claims(result=result, effects=tuple(effects), size=size, posterior=shown)


def _shown(path: Path) -> str:
    """``path`` relative to the repository when inside it (as the docs name files), else its
    name: the table must not depend on where the checkout is."""
    root = Path(__file__).resolve().parents[2]
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def _renamed(scenario: Any, name: str) -> Any:
    import dataclasses

    return dataclasses.replace(scenario, name=name)
