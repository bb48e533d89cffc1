"""The replay: MusicLab's participants and songs, and the simulated worlds.

A participant arrives at a world, sees the songs in the world's display order (sorted by
downloads with the counts shown, or a random order with or without counts), *samples* songs by
appeal, popularity shown and position with the creator feed's own choice rule
(:func:`sim.stages.choice_log_weight`, stage 3 of a model day), then *downloads* each sampled
song by its quality: the two-step form of Krumme, Cebrian, Pickard & Pentland (PLoS ONE 2012).
Worlds run until they have the observed downloads.

:class:`MusicLabParams` declares the participant's parameters (units, ranges, provenance);
:func:`simulate_downloads` is the batched simulation; :func:`replicate` runs one display with
one seed and returns a :class:`Replication` beside the observed values.

Every draw comes from one seed: ``SeedSequence(seed).spawn(worlds)`` gives each world its own
stream, so a world's result does not depend on how many worlds run beside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.params import param

from .. import stages
from ..scenario import AttentionParams
from .data import MusicLabData
from .metrics import gini, top5_share, unpredictability

__all__ = [
    "DISPLAYS",
    "Downloads",
    "MusicLabParams",
    "Replication",
    "param_bounds",
    "replicate",
    "run_batch",
    "simulate_downloads",
    "song_traits",
    "split_half_u",
]

#: How songs are shown: sorted by downloads with counts (MusicLab exp. 2's social worlds),
#: random order with counts (exp. 1's social condition, in one column), random order without
#: counts (the independent world).
DISPLAYS = ("sorted", "random", "independent")

_BLOCK = 64  # participants whose random numbers are drawn at once, per world

_ATTENTION = AttentionParams()  # the creator feed's exponents: the calibrated defaults


@dataclass(frozen=True)
class MusicLabParams:
    """How a MusicLab participant samples and downloads songs (Krumme et al. 2012).

    ``position_bias`` and ``social_proof`` are the creator feed's choice exponents
    (``AttentionParams``; their defaults are the MusicLab calibration); ``quality_spread`` is
    calibrated on the independent world; the rest are assumptions of the replication.
    """

    position_bias: float = param(
        _ATTENTION.position_bias,
        unit="exponent",
        source="AttentionParams.position_bias",
        low=0.0,
        high=5.0,
        doc="a song at place p of the list is sampled with weight p^-bias",
    )
    social_proof: float = param(
        _ATTENTION.social_proof,
        unit="exponent",
        source="AttentionParams.social_proof",
        low=0.0,
        high=3.0,
        doc="a song with d downloads shown is sampled with weight (1 + d)^social_proof",
    )
    appeal_share: float = param(
        0.5,
        unit="share of log-share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="how much of a song's independent-world success comes from being sampled (appeal) "
        "rather than downloaded once sampled (quality): appeal ~ r^a, quality ~ r^(1-a)",
        reason="the independent world's shares cannot separate the two steps; an even split",
    )
    listens: int = param(
        8,
        unit="songs",
        source="assumed",
        low=1,
        high=48,
        doc="songs a participant samples (without repeats)",
        reason="with downloads at half the listens a participant downloads about 4 songs, as "
        "the experiment's downloading participants did (4.2 social, 4.9 independent)",
    )
    download_prob_mean: float = param(
        0.5,
        unit="probability",
        source="assumed",
        low=0.01,
        high=1.0,
        doc="mean chance that a sampled song is downloaded (quality scales it per song)",
        reason="see listens",
    )
    quality_spread: float = param(
        0.94,
        unit="exponent",
        source="calibrated on MusicLab exp. 2",
        low=0.0,
        high=3.0,
        doc="songs' relative success r = (songs x independent share)^spread sets appeal and "
        "quality; 1 takes the shares as they are, 0 makes all songs equal",
        reason="set so the simulated independent world's mean Gini is the observed one "
        "(calibrate: a root search with common random numbers)",
    )


def param_bounds(name: str) -> tuple[float, float]:
    """The declared [low, high] of a MusicLabParams field: the calibration's search range."""
    info = MusicLabParams.__dataclass_fields__[name].metadata["param"]
    return float(info.low), float(info.high)


def song_traits(data: MusicLabData, params: MusicLabParams) -> tuple[np.ndarray, np.ndarray]:
    """Each song's log appeal and download probability from the independent world's shares.

    Relative success r = (songs x share)^quality_spread (songs never downloaded count as
    1/1000 of the mean). Appeal is ``appeal_share x log r`` (the log weight of sampling);
    quality is ``download_prob_mean x r^(1 - appeal_share)`` normalised to that mean and
    capped at 1. Their product is proportional to r, so with a spread of 1 an independent
    world replays the observed shares in expectation, apart from the evening-out of sampling
    without repeats (which the spread's calibration corrects, together with the observed
    shares' own sampling noise). Returns two (songs,) arrays.
    """
    s = data.song_shares / data.song_shares.sum()
    r = np.maximum(s * s.size, 1e-3) ** params.quality_spread
    appeal = params.appeal_share * np.log(r)
    q = r ** (1.0 - params.appeal_share)
    quality = np.minimum(params.download_prob_mean * q / q.mean(), 1.0)
    return appeal, quality


@dataclass(frozen=True)
class Downloads:
    """Simulated downloads: ``counts`` (P, worlds, songs), ``first_half`` the same from the
    participants of even arrival number (for split-half U), ``participants`` (P, worlds)."""

    counts: np.ndarray
    first_half: np.ndarray
    participants: np.ndarray


def simulate_downloads(
    appeal: np.ndarray,
    quality: np.ndarray,
    targets: np.ndarray,
    *,
    display: str,
    position_bias: float | np.ndarray,
    social_proof: float | np.ndarray,
    listens: int,
    streams: Sequence[np.random.Generator],
) -> Downloads:
    """Participants arrive one at a time until each world has its ``targets`` downloads.

    A participant sees the songs in the world's display order: sorted by downloads so far
    (ties in the world's first random order) with the counts, or a fresh random order with or
    without counts. It samples ``listens`` songs without repeats, each pick with weight
    ``exp(stages.choice_log_weight(appeal, counts shown, place))`` (Gumbel top-k), and
    downloads each sampled song with probability ``quality``. Worlds (one stream each, (W,))
    and parameter points (``position_bias`` and ``social_proof`` as (P,) arrays) are batch
    axes: every parameter point sees the same random numbers (common random numbers). The
    loop over arrivals is the experiment; nothing inside it loops over songs or worlds.
    """
    if display not in DISPLAYS:
        raise ValueError(f"display {display!r} is not one of " + ", ".join(DISPLAYS))
    beta = np.atleast_1d(np.asarray(position_bias, dtype=np.float64))
    gamma = np.atleast_1d(np.asarray(social_proof, dtype=np.float64))
    beta, gamma = np.broadcast_arrays(beta, gamma)
    n_p, n_w, n = beta.size, len(streams), appeal.size
    targets = np.asarray(targets, dtype=np.int64)
    if targets.shape != (n_w,):
        raise ValueError(f"targets has shape {targets.shape}; expected ({n_w},), one per world")
    listens = min(int(listens), n)
    b3, g3 = beta[:, None, None], gamma[:, None, None]
    counts = np.zeros((n_p, n_w, n), dtype=np.int64)
    half = np.zeros_like(counts)
    total = np.zeros((n_p, n_w), dtype=np.int64)
    arrived = np.zeros((n_p, n_w), dtype=np.int64)
    # The first draw of each world: its initial random order, which breaks ties when sorted.
    first_order = np.stack([g.permutation(n) for g in streams])  # (W, n): song at place k
    tie = np.empty((n_w, n), dtype=np.int64)
    np.put_along_axis(tie, first_order, np.arange(n - 1, -1, -1)[None, :], axis=-1)
    places = np.arange(1, n + 1, dtype=np.int64)
    gumbel = u_download = u_order = np.empty(0)
    t = 0
    while True:
        active = total < targets[None, :]
        if not active.any():
            break
        j = t % _BLOCK
        if j == 0:  # the next block of each world's own random numbers
            draws = [g.random((_BLOCK, 2 * n + listens)) for g in streams]
            block = np.stack(draws, axis=1)  # (BLOCK, W, 2n + listens)
            gumbel = -np.log(-np.log1p(-block[..., :n]))  # standard Gumbel
            u_order = block[..., n : 2 * n]
            u_download = block[..., 2 * n :]
        if display == "sorted":
            order = np.argsort(-(counts * n + tie), axis=-1)  # (P, W, n), most downloaded first
            place = np.empty_like(order)
            np.put_along_axis(place, order, np.broadcast_to(places, order.shape), axis=-1)
        else:
            place = np.argsort(np.argsort(u_order[j], axis=-1), axis=-1) + 1  # (W, n)
        log_w = stages.choice_log_weight(
            appeal,
            None if display == "independent" else counts,
            place,
            appeal_weight=1.0,
            social_proof=g3,
            position_bias=b3,
        )
        keys = np.broadcast_to(log_w + gumbel[j], (n_p, n_w, n))
        sampled = np.argpartition(-keys, listens - 1, axis=-1)[..., :listens]  # (P, W, L)
        got = (u_download[j] < quality[sampled]) & active[..., None]
        np.put_along_axis(counts, sampled, np.take_along_axis(counts, sampled, -1) + got, -1)
        if t % 2 == 0:
            np.put_along_axis(half, sampled, np.take_along_axis(half, sampled, -1) + got, -1)
        total += got.sum(axis=-1)
        arrived += active
        t += 1
    return Downloads(counts, half, arrived)


def _streams(seed: int, worlds: int) -> list[np.random.Generator]:
    """One generator per world, children of one root SeedSequence (never seed + i)."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(worlds)]


def _targets(data: MusicLabData, display: str, worlds: int) -> np.ndarray:
    """Downloads each simulated world runs to: the observed worlds' totals, in turn."""
    if display == "independent":
        return np.full(worlds, data.independent.downloads, dtype=np.int64)
    return np.array([data.social[k % len(data.social)].downloads for k in range(worlds)])


def _check_run(display: str, worlds: int, seed: int) -> None:
    if display not in DISPLAYS:
        raise ValueError(f"display {display!r} is not allowed: one of " + ", ".join(DISPLAYS))
    if isinstance(worlds, bool) or not isinstance(worlds, int) or worlds < 2:
        raise ValueError(f"worlds = {worlds!r} is not allowed: an integer >= 2 (U needs two)")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} is not allowed: an integer >= 0")


def run_batch(
    data: MusicLabData,
    params: MusicLabParams,
    display: str,
    beta: np.ndarray,
    gamma: np.ndarray,
    seeds: Sequence[int],
    worlds: int,
) -> Downloads:
    """All seeds' worlds as one batch (each world its own stream), for (P,) parameter points."""
    appeal, quality = song_traits(data, params)
    return simulate_downloads(
        appeal,
        quality,
        np.tile(_targets(data, display, worlds), len(seeds)),
        display=display,
        position_bias=beta,
        social_proof=gamma,
        listens=params.listens,
        streams=[g for s in seeds for g in _streams(s, worlds)],
    )


def split_half_u(out: Downloads) -> np.ndarray:
    """U between each simulated world's even and odd arrivals, per world (first point only)."""
    counts, first = out.counts[0], out.first_half[0]
    return unpredictability(np.stack([first, counts - first], axis=-2))


# -- replication ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Replication:
    """Simulated worlds of one display beside the observed experiment.

    ``downloads`` is (worlds, songs); ``gini`` and ``top5_share``, derived from it, are per
    world.
    ``unpredictability`` is U across the simulated worlds for a social display, and the mean
    split-half U (even vs odd arrivals, as the experiment split its independent world) for
    the independent display.
    """

    data: MusicLabData
    display: str
    seed: int
    params: MusicLabParams
    downloads: np.ndarray
    participants: np.ndarray
    unpredictability: float

    @property
    def gini(self) -> np.ndarray:
        return gini(self.downloads)  # the module's batch Gini, not this property

    @property
    def top5_share(self) -> np.ndarray:
        return top5_share(self.downloads)

    @property
    def gini_mean(self) -> float:
        return float(self.gini.mean())

    @property
    def top5_share_mean(self) -> float:
        return float(self.top5_share.mean())

    def observed(self) -> dict[str, Any]:
        """The file's values to compare with: the independent world or the social worlds."""
        d = self.data
        if self.display == "independent":
            return {
                "worlds": "independent_world",
                "gini": [d.independent.gini],
                "top5_share": [d.independent.top5_share],
                "gini_mean": d.independent.gini,
                "top5_share_mean": d.independent.top5_share,
                "unpredictability": d.unpredictability_independent,
            }
        return {
            "worlds": "social_worlds",
            "gini": [w.gini for w in d.social],
            "top5_share": [w.top5_share for w in d.social],
            "gini_mean": round(d.social_gini_mean, 6),
            "top5_share_mean": round(d.social_top5_mean, 6),
            "unpredictability": d.unpredictability_social,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON summary: settings, simulated values and the observed ones beside them."""
        return {
            "data": self.data.path,
            "display": self.display,
            "worlds": int(self.gini.size),
            "seed": self.seed,
            "params": dataclasses.asdict(self.params),
            "simulated": {
                "gini": [round(float(x), 6) for x in self.gini],
                "top5_share": [round(float(x), 6) for x in self.top5_share],
                "gini_mean": round(self.gini_mean, 6),
                "top5_share_mean": round(self.top5_share_mean, 6),
                "unpredictability": round(self.unpredictability, 6),
                "downloads": [int(x) for x in self.downloads.sum(axis=-1)],
                "participants": [int(x) for x in self.participants],
            },
            "observed": self.observed(),
        }


def replicate(
    data: MusicLabData,
    *,
    display: str = "sorted",
    worlds: int = 8,
    seed: int = 0,
    params: MusicLabParams | None = None,
) -> Replication:
    """Simulate ``worlds`` worlds of the experiment under ``display`` with one seed.

    Each world runs until it has as many downloads as the corresponding observed world (the
    social worlds in turn; the independent world for ``display="independent"``). Same data,
    display, worlds, seed and params: the same result, bit for bit.
    """
    _check_run(display, worlds, seed)
    params = params or MusicLabParams()
    point = np.array([params.position_bias]), np.array([params.social_proof])
    out = run_batch(data, params, display, *point, (seed,), worlds)
    counts = out.counts[0]
    if display == "independent":
        u = float(split_half_u(out).mean())
    else:
        u = float(unpredictability(counts))
    return Replication(data, display, seed, params, counts, out.participants[0], u)

