"""The nudge experiment: what one more video a day is worth to a creator, measured in the model.

A random share of the creators active at the start (1% by default) is made to post
``extra_videos`` more videos a day for ``days`` days (four weeks by default), starting after
``start_day`` reported days. The control arm is the same model with the same seed, nudged
nobody: both arms start from the same state and the same random streams (common random numbers,
:meth:`sim.model.CreatorMarket.nudge`). Draws whose number depends on the values drawn (Poisson
counts) drift apart once the nudge changes a value, so a creator's own plans differ between the
arms by noise; on average over the treated creators and the seeds, the difference is what the
extra videos did, through everything the model connects to them (views, followers, sales
and commission, merchants' offers and samples through the lists, O4 blocks, stress and
burnout). The measured outcomes are what a creator can observe (M3, O4: not the lists):
income (commission + paid offers) and its two parts, samples received and missed, views,
followers, pieces (:data:`NUDGE_OUTCOMES`).

For each seed the treated creators' mean difference (treated arm minus control arm, the same
creators) is one replicate; the effect is the mean over seeds with a t interval over seeds
(:func:`sim.experiments.paired_difference`). ``per_video`` divides by the extra videos made,
so it reads as "the payoff of one more video", the quantity the burnout incentive computes.

The check (issue 11, point 7): at the start of the nudge, in the treated arm, the burnout
incentive :func:`sim.incentive.payoff_incentive` computes for the same treated creators what
one more video a day should pay them, currency/day, through the lists (the engine's exact
marginal list gain turned into places gained and merchants' contacts at those places) and
directly (the extra piece's commission). ``NudgeResult.incentive`` holds its mean over the
treated creators and the seeds, by channel, with the same t interval over seeds; it is
comparable with the measured ``per_video`` income (income over the window per extra video
made, i.e. currency/day per extra video a day). :meth:`NudgeResult.agreement` puts them
side by side. The lists' part is a steady state: in a four-week nudge it arrives late (the
list window fills over a week, samples ship and are featured days later), and the slow
channels of the direct part (followers, the feed's engagement memory) are left out, so over
four weeks the measured commission runs somewhat above the computed direct part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .experiments.comparison import paired_difference
from .experiments.design import run_seeds, streams
from .incentive import payoff_incentive
from .model import CreatorMarket
from .scenario import Scenario

__all__ = ["INCENTIVE_PARTS", "NUDGE_OUTCOMES", "NudgeResult", "nudge_experiment"]

#: Creator-table totals compared between the arms (what a creator observes).
NUDGE_OUTCOMES = (
    "income",
    "commission",
    "fees",
    "samples_received",
    "samples_missed",
    "views",
    "followers",
    "pieces",
)
#: The computed incentive's parts kept for the treated creators (:func:`payoff_incentive`):
#: currency/day (``total``, ``direct``, ``lists``), extra contacts and views a day.
INCENTIVE_PARTS = ("total", "direct", "lists", "contacts", "views")


@dataclass(frozen=True)
class NudgeResult:
    """The nudge experiment's result.

    ``effects``: one dict per outcome of :data:`NUDGE_OUTCOMES` (``outcome``, ``difference``:
    mean over seeds of the treated creators' mean difference over the whole window,
    ``ci_low``/``ci_high``: its t interval over seeds, ``per_video``: the difference per extra
    video made, ``n``: seeds). ``creators``: one row per treated creator and seed (columns
    ``seed``, ``creator_id``, ``<outcome>_treated`` / ``<outcome>_control`` for the window and
    ``incentive_<part>``, the computed incentive at the start, :data:`INCENTIVE_PARTS`).
    ``incentive``: part -> {``mean``, ``ci_low``, ``ci_high``, ``n``}: the treated creators'
    mean computed incentive per seed, averaged over seeds with its t interval.
    """

    scenario: str
    seeds: tuple[int, ...]
    creators_n: int
    share: float
    extra_videos: int
    days: int
    start_day: int
    effects: tuple[dict[str, Any], ...]
    creators: dict[str, np.ndarray]
    incentive: dict[str, dict[str, float]]

    def effect(self, outcome: str) -> dict[str, Any]:
        """The effect row of ``outcome`` (one of :data:`NUDGE_OUTCOMES`)."""
        for row in self.effects:
            if row["outcome"] == outcome:
                return row
        raise KeyError(f"outcome {outcome!r}: allowed {', '.join(NUDGE_OUTCOMES)}")

    def agreement(self) -> dict[str, float]:
        """Measured vs computed payoff of one more video a day, currency/day.

        ``measured``: the income effect per extra video made, with its interval (``ci_low``,
        ``ci_high``: the effect's interval over seeds divided by the videos made);
        ``computed``, ``computed_lists``, ``computed_direct``: the mean incentive of the same
        creators at the start; ``inside``: 1.0 if ``computed`` lies in the measured interval.
        """
        inc = self.effect("income")
        made = inc["difference"] / inc["per_video"] if inc["per_video"] else float("nan")
        lo, hi = inc["ci_low"] / made, inc["ci_high"] / made
        comp = self.incentive["total"]["mean"]
        return {
            "measured": inc["per_video"],
            "ci_low": lo,
            "ci_high": hi,
            "computed": comp,
            "computed_lists": self.incentive["lists"]["mean"],
            "computed_direct": self.incentive["direct"]["mean"],
            "inside": float(lo <= comp <= hi),
        }

    def __repr__(self) -> str:
        inc = self.effect("income")
        return (
            f"<NudgeResult {self.scenario}: {len(self.seeds)} seeds x {self.creators_n:,} "
            f"creators, {self.share:.1%} nudged +{self.extra_videos} video/day for {self.days} "
            f"days; income {inc['difference']:+.3g} [{inc['ci_low']:+.3g}, {inc['ci_high']:+.3g}]"
            f" per creator, {inc['per_video']:+.3g} per extra video>"
        )


def _window_totals(before: dict[str, np.ndarray], after: dict[str, np.ndarray], ids: np.ndarray):
    """Each outcome's gain over the window for the creators ``ids`` (NaN if not in both)."""
    out = {}
    pos_b = {int(k): i for i, k in enumerate(before["creator_id"])}
    pos_a = {int(k): i for i, k in enumerate(after["creator_id"])}
    ib = np.array([pos_b.get(int(k), -1) for k in ids])
    ia = np.array([pos_a.get(int(k), -1) for k in ids])
    ok = (ib >= 0) & (ia >= 0)
    for name in NUDGE_OUTCOMES:
        b = np.asarray(before[name], dtype=np.float64)
        a = np.asarray(after[name], dtype=np.float64)
        gain = np.full(ids.size, np.nan)
        gain[ok] = a[ia[ok]] - b[ib[ok]]
        out[name] = gain
    return out


def nudge_experiment(
    scenario: Scenario,
    *,
    seeds: int | Sequence[int] = 8,
    creators: int | None = None,
    share: float = 0.01,
    extra_videos: int = 1,
    days: int = 28,
    start_day: int = 30,
    root_seed: int = 0,
    level: float = 0.95,
) -> NudgeResult:
    """Run the nudge experiment on ``scenario`` (see the module doc).

    ``seeds``: a number of seeds (spawned from ``SeedSequence(root_seed)``, as
    :func:`sim.experiments.compare` does) or the seeds themselves. The treated creators of
    each seed are drawn from their own child of the same root. ``creators`` overrides
    ``population.creators``; the reported days simulated are ``start_day + days`` per arm
    (after the scenario's burn-in).
    """
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share = {share}: use a share in (0, 1]")
    if isinstance(seeds, int):
        if seeds < 2:
            raise ValueError(f"seeds = {seeds}: use at least 2 (the interval is over seeds)")
        seed_list = [int(s) for s in run_seeds(root_seed, seeds)[0]]
    else:
        seed_list = [int(s) for s in seeds]
    pickers = streams(root_seed)[0].spawn(len(seed_list))
    rows: dict[str, list] = {"seed": [], "creator_id": []}
    for name in NUDGE_OUTCOMES:
        rows[f"{name}_treated"] = []
        rows[f"{name}_control"] = []
    for part in INCENTIVE_PARTS:
        rows[f"incentive_{part}"] = []
    per_seed = {name: [] for name in NUDGE_OUTCOMES}
    computed: dict[str, list[float]] = {part: [] for part in INCENTIVE_PARTS}
    n_made = []
    for seed, picker in zip(seed_list, pickers, strict=True):
        arms = [CreatorMarket(scenario, rng=seed, n_creators=creators) for _ in range(2)]
        for m in arms:
            m.run(start_day)
        c = arms[0].creators
        active = c.creator_id[c.active]
        k = max(1, round(share * active.size))
        treated = np.sort(np.random.default_rng(picker).choice(active, size=k, replace=False))
        before = [m.creator_table() for m in arms]
        parts = payoff_incentive(arms[0].market, params=arms[0].params)
        slot = np.flatnonzero(np.isin(c.creator_id, treated) & c.active)
        slot = slot[np.argsort(c.creator_id[slot])]  # in the order of ``treated``
        for part in INCENTIVE_PARTS:
            rows[f"incentive_{part}"] += parts[part][slot].tolist()
            computed[part].append(float(parts[part][slot].mean()))
        arms[0].nudge(treated, extra_videos=extra_videos, days=days)
        arms[1].nudge(treated[:0], extra_videos=extra_videos, days=days)
        for m in arms:
            m.run(days)
        after = [m.creator_table() for m in arms]
        gains = [_window_totals(b, a, treated) for b, a in zip(before, after, strict=True)]
        rows["seed"] += [seed] * k
        rows["creator_id"] += treated.tolist()
        for name in NUDGE_OUTCOMES:
            rows[f"{name}_treated"] += gains[0][name].tolist()
            rows[f"{name}_control"] += gains[1][name].tolist()
            per_seed[name].append((np.nanmean(gains[1][name]), np.nanmean(gains[0][name])))
        # Extra videos actually made: the pieces difference (a burnt-out or departed creator
        # makes fewer than asked).
        n_made.append(np.nanmean(gains[0]["pieces"] - gains[1]["pieces"]))
    effects = []
    made = float(np.mean(n_made))
    for name in NUDGE_OUTCOMES:
        base, variant = (np.array(x) for x in zip(*per_seed[name], strict=True))
        d = paired_difference(base, variant, level=level)
        effects.append(
            {
                "outcome": name,
                "difference": d["difference"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "per_video": d["difference"] / made if made > 0 else float("nan"),
                "n": d["n"],
            }
        )
    table = {
        k: np.asarray(v, dtype=np.int64 if k in ("seed", "creator_id") else np.float64)
        for k, v in rows.items()
    }
    incentive = {}
    for part, values in computed.items():
        d = paired_difference(np.zeros(len(values)), np.array(values), level=level)
        incentive[part] = {
            "mean": d["difference"],
            "ci_low": d["ci_low"],
            "ci_high": d["ci_high"],
            "n": d["n"],
        }
    return NudgeResult(
        scenario=scenario.name,
        seeds=tuple(seed_list),
        creators_n=int(arms[0].creators.n),
        share=share,
        extra_videos=extra_videos,
        days=days,
        start_day=start_day,
        effects=tuple(effects),
        creators=table,
        incentive=incentive,
    )
