"""The calibration: fit the songs' quality spread, then the position-bias and social-proof
exponents, to MusicLab experiment 2, alternating the two steps to a fixed point.

1. ``quality_spread`` on the independent world (random order, no counts): the root of the
   simulated minus the observed mean Gini (Brent).
2. ``position_bias`` and ``social_proof`` on the social worlds (sorted display): the least
   squared relative errors of the mean Gini, mean top-5 share and U; a grid as one batch, then
   Nelder-Mead from its best point.

Every parameter value is simulated on the same seeds (:data:`CALIBRATION_SEEDS`, common random
numbers), so the loss moves smoothly with the parameters. The fitted exponents are the
creator feed's defaults (``AttentionParams``; ``docs/validation.md``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .data import MusicLabData
from .metrics import gini, top5_share, unpredictability
from .replay import MusicLabParams, param_bounds, run_batch, split_half_u

__all__ = ["CALIBRATION_SEEDS", "Calibration", "calibrate"]

#: Seeds of the calibration's common random numbers (the tests check the fit on other seeds).
CALIBRATION_SEEDS = tuple(range(1000, 1008))


@dataclass(frozen=True)
class Calibration:
    """Fitted parameters, the fit (simulated beside observed), and how they were found."""

    params: MusicLabParams
    loss: float
    fit: dict[str, dict[str, float | None]]
    seeds: tuple[int, ...]
    grid: dict[str, list[float]]
    evaluations: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON report of the calibration."""
        return {
            "fitted": {
                "quality_spread": round(self.params.quality_spread, 4),
                "position_bias": round(self.params.position_bias, 4),
                "social_proof": round(self.params.social_proof, 4),
            },
            "loss": round(self.loss, 6),
            "fit": self.fit,
            "params": dataclasses.asdict(self.params),
            "method": "1. quality_spread: root of (simulated - observed) mean Gini of the "
            "independent world (Brent). 2. position_bias, social_proof: least squared "
            "relative errors of the social worlds' mean Gini, mean top-5 share and U (sorted "
            "display); a grid, then Nelder-Mead from its best point. Common random numbers: "
            "the same seeds for every parameter value",
            "seeds": list(self.seeds),
            "grid": self.grid,
            "evaluations": self.evaluations,
            "seconds": round(self.seconds, 1),
        }


def _social_summary(
    data: MusicLabData,
    params: MusicLabParams,
    beta: np.ndarray,
    gamma: np.ndarray,
    seeds: Sequence[int],
    worlds: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean social Gini, top-5 share and U over seeds, for (P,) parameter points."""
    out = run_batch(data, params, "sorted", beta, gamma, seeds, worlds)
    counts = out.counts.reshape(beta.size, len(seeds), worlds, -1)
    return (
        gini(counts).mean(axis=(1, 2)),
        top5_share(counts).mean(axis=(1, 2)),
        unpredictability(counts).mean(axis=1),
    )


def _independent_summary(
    data: MusicLabData, params: MusicLabParams, seeds: Sequence[int], worlds: int
) -> tuple[float, float]:
    """Mean Gini and split-half U of simulated independent worlds over seeds."""
    one = np.array([params.position_bias])
    out = run_batch(data, params, "independent", one, np.array([0.0]), seeds, worlds)
    return float(gini(out.counts[0]).mean()), float(split_half_u(out).mean())


def _loss(g: np.ndarray, t5: np.ndarray, u: np.ndarray, data: MusicLabData) -> np.ndarray:
    obs_g, obs_t = data.social_gini_mean, data.social_top5_mean
    loss = ((g - obs_g) / obs_g) ** 2 + ((t5 - obs_t) / obs_t) ** 2
    if data.unpredictability_social:
        loss = loss + ((u - data.unpredictability_social) / data.unpredictability_social) ** 2
    return loss


def _fit_spread(
    data: MusicLabData, base: MusicLabParams, seeds: Sequence[int], worlds: int
) -> tuple[float, int]:
    """The quality spread whose independent worlds have the observed mean Gini (Brent)."""
    from scipy.optimize import brentq

    calls = [0]

    def excess(k: float) -> float:
        calls[0] += 1
        p = dataclasses.replace(base, quality_spread=k)
        return _independent_summary(data, p, seeds, worlds)[0] - data.independent.gini

    lo, hi = param_bounds("quality_spread")
    if excess(hi) <= 0:  # even the widest spread is not unequal enough
        return hi, calls[0]
    return float(brentq(excess, lo, hi, xtol=1e-3)), calls[0]


def calibrate(
    data: MusicLabData,
    *,
    seeds: Sequence[int] = CALIBRATION_SEEDS,
    worlds: int | None = None,
    position_bias_grid: Sequence[float] = tuple(np.linspace(0.0, 1.25, 11)),
    social_proof_grid: Sequence[float] = tuple(np.linspace(0.0, 1.25, 11)),
    base: MusicLabParams | None = None,
    fit_spread: bool = True,
    max_evaluations: int = 60,
    rounds: int = 4,
    tolerance: float = 0.005,
) -> Calibration:
    """Fit the songs' quality spread, then position bias and social proof.

    1. ``quality_spread`` so that the simulated independent worlds' mean Gini equals the
       observed one (Brent's root search; position bias and social proof play no part there,
       since the order is random and no counts are shown).
    2. ``position_bias`` and ``social_proof`` on the social worlds (sorted display): the loss
       is the sum of squared relative errors of the simulated mean Gini, mean top-5 share and
       U (when the file gives it) against the observed ones; the whole grid runs as one
       batch, then Nelder-Mead (scipy) refines from the grid's best point.

    The spread's fit depends on the position bias (the random display still has positions),
    so the two steps alternate, for at most ``rounds`` rounds, until no fitted value moves by
    ``tolerance`` or more; the first round searches the grid, later ones start Nelder-Mead
    from the last fit. Every parameter value is simulated on the same seeds (common random
    numbers), so the loss moves smoothly with the parameters. Other parameters come from
    ``base``.
    """
    from scipy.optimize import minimize

    start = time.perf_counter()
    base = base or MusicLabParams()
    worlds = worlds or len(data.social)
    seeds = tuple(int(s) for s in seeds)
    calls = 0
    evaluations = [0]
    grid_loss = np.zeros(0)
    bb = gg = np.zeros((0, 0))

    def objective(x: np.ndarray, p: MusicLabParams) -> float:
        evaluations[0] += 1
        b, c = np.clip(x, 0.0, None)
        lg, lt, lu = _social_summary(data, p, np.array([b]), np.array([c]), seeds, worlds)
        return float(_loss(lg, lt, lu, data)[0])

    # The spread is fitted with a random display that still has a position bias, so the two
    # steps depend on each other: alternate them until the fit stops moving (a fixed point,
    # whatever the defaults it started from).
    x0 = None
    for _ in range(rounds):
        before = base
        if fit_spread:
            spread, n_calls = _fit_spread(data, base, seeds, worlds)
            calls += n_calls
            base = dataclasses.replace(base, quality_spread=spread)
        if x0 is None:  # first round: the whole grid as one batch, then Nelder-Mead
            bb, gg = np.meshgrid(
                np.asarray(position_bias_grid, float),
                np.asarray(social_proof_grid, float),
                indexing="ij",
            )
            g, t5, u = _social_summary(data, base, bb.ravel(), gg.ravel(), seeds, worlds)
            grid_loss = _loss(g, t5, u, data)
            best = int(np.argmin(grid_loss))
            x0 = np.array([bb.ravel()[best], gg.ravel()[best]])
        res = minimize(
            objective,
            x0,
            args=(base,),
            method="Nelder-Mead",
            bounds=[param_bounds("position_bias"), param_bounds("social_proof")],
            options={
                "maxfev": max_evaluations,
                "xatol": 0.01,
                "fatol": 1e-4,
                "initial_simplex": x0 + np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1]]),
            },
        )
        x0 = np.asarray(res.x, dtype=float)
        base = dataclasses.replace(base, position_bias=float(x0[0]), social_proof=float(x0[1]))
        moved = max(
            abs(base.quality_spread - before.quality_spread),
            abs(base.position_bias - before.position_bias),
            abs(base.social_proof - before.social_proof),
        )
        if moved < tolerance:
            break
    fitted = base
    lg, lt, lu = _social_summary(
        data, fitted, np.array([fitted.position_bias]), np.array([fitted.social_proof]),
        seeds, worlds,
    )
    ind_g, ind_u = _independent_summary(data, fitted, seeds, worlds)

    def pair(sim: float, obs: float | None, digits: int = 4) -> dict[str, float | None]:
        return {"simulated": round(sim, digits), "observed": obs}

    fit = {
        "social_gini_mean": pair(float(lg[0]), round(data.social_gini_mean, 4)),
        "social_top5_share_mean": pair(float(lt[0]), round(data.social_top5_mean, 4)),
        "social_unpredictability": pair(float(lu[0]), data.unpredictability_social, 5),
        "independent_gini": pair(ind_g, data.independent.gini),
        "independent_unpredictability": pair(ind_u, data.unpredictability_independent, 5),
    }
    return Calibration(
        params=fitted,
        loss=float(res.fun),
        fit=fit,
        seeds=seeds,
        grid={
            "position_bias": [float(x) for x in bb.ravel()],
            "social_proof": [float(x) for x in gg.ravel()],
            "loss": [round(float(x), 6) for x in grid_loss],
        },
        evaluations=int(calls + bb.size + evaluations[0]),
        seconds=time.perf_counter() - start,
    )

