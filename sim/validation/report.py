"""The MusicLab numbers the documentation quotes, as the Markdown tables it quotes them in.

``README.md`` and ``docs/validation.md`` quote two tables; each is printed by a command, and
``tests/test_docs_numbers.py`` checks that the documents hold exactly what it prints:

* the replay of every display on seeds the calibration did not use (:func:`summarize`,
  :meth:`SeedSummary.to_markdown`):
  ``creatorsim validate musiclab examples/validation/musiclab_exp2.json --markdown``;
* the calibration's fit (:func:`calibration_markdown`):
  ``creatorsim validate musiclab examples/validation/musiclab_exp2.json --calibrate --markdown``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .calibration import CALIBRATION_SEEDS, Calibration
from .data import MusicLabData
from .replay import DISPLAYS, MusicLabParams, Replication, replicate

__all__ = ["MEASURES", "SeedSummary", "calibration_markdown", "summarize"]

#: The per-world measures a summary averages (attributes of :class:`Replication`).
MEASURES = ("gini_mean", "top5_share_mean", "unpredictability")


@dataclass(frozen=True)
class SeedSummary:
    """Every display replayed on several seeds, one :class:`Replication` per display and seed.

    ``runs[display]`` holds one replication per seed, in the order of ``seeds``. A measure's
    summary is the mean over seeds of the per-seed value (each the mean over ``worlds`` worlds,
    or U across them).
    """

    data: MusicLabData
    seeds: tuple[int, ...]
    worlds: int
    params: MusicLabParams
    runs: Mapping[str, tuple[Replication, ...]]

    def per_seed(self, display: str, measure: str) -> np.ndarray:
        """(seeds,) values of ``measure`` (one of :data:`MEASURES`) for ``display``."""
        if measure not in MEASURES:
            raise ValueError(f"measure {measure!r} is not one of " + ", ".join(MEASURES))
        return np.array([getattr(r, measure) for r in self.runs[display]], dtype=np.float64)

    def mean(self, display: str, measure: str) -> float:
        """Mean over seeds of ``measure`` for ``display``."""
        return float(np.mean(self.per_seed(display, measure)))

    @property
    def held_out(self) -> bool:
        """True when none of the seeds is one the calibration fitted on."""
        return not set(self.seeds) & set(CALIBRATION_SEEDS)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON summary: per-seed and mean values of every display and measure."""
        return {
            "data": self.data.path,
            "seeds": list(self.seeds),
            "worlds": self.worlds,
            "params": dataclasses.asdict(self.params),
            "simulated": {
                d: {
                    m: {
                        "per_seed": [round(float(x), 6) for x in self.per_seed(d, m)],
                        "mean": round(self.mean(d, m), 6),
                    }
                    for m in MEASURES
                }
                for d in self.runs
            },
            "observed": {d: self.runs[d][0].observed() for d in self.runs},
        }

    def to_markdown(self) -> str:
        """The table README.md and docs/validation.md quote: simulated beside observed.

        Gini and top-5 share to 3 decimals, U to 4 (as the experiment reported them); the
        social worlds need the ``sorted`` display, the independent world ``independent``.
        """
        d = self.data
        first, last = self.seeds[0], self.seeds[-1]
        seeds = f"seed {first}" if len(self.seeds) == 1 else f"seeds {first}-{last}"
        fit = "not used in the fit" if self.held_out else "seeds of the fit"
        obs_g = [w.gini for w in d.social]
        u_soc, u_ind = d.unpredictability_social, d.unpredictability_independent
        rows = [
            (
                "social worlds: mean Gini",
                f"{self.mean('sorted', 'gini_mean'):.3f}",
                f"{d.social_gini_mean:.3f} (worlds: {min(obs_g):.3f}-{max(obs_g):.3f})",
            ),
            (
                "social worlds: mean top-5 share",
                f"{self.mean('sorted', 'top5_share_mean'):.3f}",
                f"{d.social_top5_mean:.3f}",
            ),
            (
                "social worlds: unpredictability U",
                f"{self.mean('sorted', 'unpredictability'):.4f}",
                "n/a" if u_soc is None else f"{u_soc:.4f}",
            ),
            (
                "independent world: Gini (the songs' spread is fitted to it)",
                f"{self.mean('independent', 'gini_mean'):.3f}",
                f"{d.independent.gini:.3f}",
            ),
            (
                "independent world: U (split-half)",
                f"{self.mean('independent', 'unpredictability'):.4f}",
                "n/a" if u_ind is None else f"{u_ind:.4f}",
            ),
        ]
        head = f"| experiment 2, {seeds} ({fit}) | simulated | observed |\n|---|---|---|\n"
        return head + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)


def summarize(
    data: MusicLabData,
    *,
    seeds: Sequence[int] = tuple(range(8)),
    worlds: int = 8,
    params: MusicLabParams | None = None,
    displays: Sequence[str] = DISPLAYS,
) -> SeedSummary:
    """Replay ``displays`` with ``worlds`` worlds on each of ``seeds`` (:func:`replicate`).

    The default seeds 0-7 are not the calibration's (:data:`CALIBRATION_SEEDS`), so the
    summary checks the fit out of sample. The markdown table needs ``sorted`` and
    ``independent`` among the displays.
    """
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("summarize needs at least one seed")
    params = params or MusicLabParams()
    runs = {
        d: tuple(replicate(data, display=d, worlds=worlds, seed=s, params=params) for s in seeds)
        for d in displays
    }
    return SeedSummary(data, seeds, worlds, params, runs)


def calibration_markdown(cal: Calibration, data: MusicLabData) -> str:
    """The calibration's table in docs/validation.md: the fit beside the observed values.

    Values are those of :meth:`Calibration.to_dict` (the command's JSON) to 3 or 4 decimals;
    the last row gives the grid's loss without social influence (position bias and social
    proof both 0) when the grid holds that point.
    """
    out = cal.to_dict()
    fit, fitted = out["fit"], out["fitted"]
    default = MusicLabParams()
    obs_g = [w.gini for w in data.social]
    u_soc, u_ind = data.unpredictability_social, data.unpredictability_independent
    grid = cal.grid
    points = zip(grid["position_bias"], grid["social_proof"], grid["loss"], strict=True)
    zero = [loss for b, g, loss in points if b == 0.0 and g == 0.0]
    loss = "loss" if not zero else f"loss (no social influence at all: {zero[0]:.2f})"
    rows = [
        (
            "fitted `quality_spread`",
            f"{fitted['quality_spread']:.4f} (default: {default.quality_spread:g})",
            "",
        ),
        (
            "fitted `position_bias`, `social_proof`",
            f"{fitted['position_bias']:.4f}, {fitted['social_proof']:.4f} (defaults: "
            f"{default.position_bias:g}, {default.social_proof:g})",
            "",
        ),
        (
            "social worlds, mean Gini",
            f"{fit['social_gini_mean']['simulated']:.3f}",
            f"{data.social_gini_mean:.3f} (range {min(obs_g):.3f}-{max(obs_g):.3f})",
        ),
        (
            "social worlds, mean top-5 share",
            f"{fit['social_top5_share_mean']['simulated']:.3f}",
            f"{data.social_top5_mean:.3f}",
        ),
        (
            "social worlds, U",
            f"{fit['social_unpredictability']['simulated']:.4f}",
            "n/a" if u_soc is None else f"{u_soc:.4f}",
        ),
        (
            "independent world, Gini",
            f"{fit['independent_gini']['simulated']:.3f}",
            f"{data.independent.gini:.3f}",
        ),
        (
            "independent world, U (split-half)",
            f"{fit['independent_unpredictability']['simulated']:.4f}",
            "n/a" if u_ind is None else f"{u_ind:.4f}",
        ),
        (loss, f"{out['loss']:.3f}", ""),
    ]
    head = "| | simulated | observed |\n|---|---|---|\n"
    return head + "".join(f"| {a} | {b} | {c} |\n".replace("|  |", "| |") for a, b, c in rows)
