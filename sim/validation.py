"""Validation of the attention market against MusicLab (Salganik, Dodds & Watts, Science 2006).

In MusicLab's experiment 2, participants arrived one at a time at a site listing 48 unknown
songs, listened to some and downloaded some. In eight "social influence" worlds the songs were
listed in one column sorted by downloads so far, with the counts shown; in the independent
world they were listed in random order without counts. Social influence made success more
unequal and less predictable. This module replays that experiment with the creator feed's own
choice rule (:func:`sim.stages.choice_log_weight`) in the two-step form of Krumme, Cebrian,
Pickard & Pentland (PLoS ONE 2012): a participant *samples* songs by appeal, popularity shown
and position, then *downloads* each sampled song by its quality.

Public API
----------
:func:`load_musiclab` / :func:`musiclab_from_mapping`
    read and validate a data file (format in ``docs/validation.md``).
:func:`replicate`
    simulate worlds under one display (``sorted``, ``random`` or ``independent``) and compare
    their inequality (Gini, top-5 share) and unpredictability U with the observed values.
:func:`calibrate`
    fit the songs' quality spread on the independent world, then the position-bias and
    social-proof exponents on the social worlds, with common random numbers (a grid, then
    Nelder-Mead over a fixed set of seeds).

Every draw comes from one seed: ``SeedSequence(seed).spawn(worlds)`` gives each world its own
stream, so a world's result does not depend on how many worlds run beside it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scoring.params import ConfigError, Problem, build, param

from . import stages
from .scenario import AttentionParams

__all__ = [
    "DISPLAYS",
    "Calibration",
    "MusicLabData",
    "MusicLabParams",
    "ObservedWorld",
    "Replication",
    "add_subparser",
    "calibrate",
    "gini",
    "load_musiclab",
    "musiclab_from_mapping",
    "replicate",
    "run_cli",
    "simulate_downloads",
    "song_traits",
    "top_share",
    "unpredictability",
]

#: How songs are shown: sorted by downloads with counts (MusicLab exp. 2's social worlds),
#: random order with counts (exp. 1's social condition, in one column), random order without
#: counts (the independent world).
DISPLAYS = ("sorted", "random", "independent")

#: Seeds of the calibration's common random numbers (the tests check the fit on other seeds).
CALIBRATION_SEEDS = tuple(range(1000, 1008))

_BLOCK = 64  # participants whose random numbers are drawn at once, per world


# -- data -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObservedWorld:
    """One world of the experiment as observed: total downloads and their concentration."""

    downloads: int
    gini: float
    top5_share: float
    participants_with_downloads: int | None = None
    label: str = ""


@dataclass(frozen=True)
class MusicLabData:
    """A MusicLab-design experiment: the independent world's song shares and the social worlds.

    ``song_shares`` is the (songs,) download share of each song in the independent world; it
    sets the songs' appeal and quality. ``unpredictability_social`` and
    ``unpredictability_independent`` are the observed U (None when the file gives none).
    """

    path: str
    songs: int
    song_shares: np.ndarray
    independent: ObservedWorld
    social: tuple[ObservedWorld, ...]
    unpredictability_social: float | None = None
    unpredictability_independent: float | None = None
    source: str = ""
    experiment: str = ""

    @property
    def social_gini_mean(self) -> float:
        """Mean Gini of the observed social worlds."""
        return float(np.mean([w.gini for w in self.social]))

    @property
    def social_top5_mean(self) -> float:
        """Mean top-5 share of the observed social worlds."""
        return float(np.mean([w.top5_share for w in self.social]))


_TOP_KEYS = (
    "source",
    "experiment",
    "songs",
    "gini_definition",
    "independent_world",
    "social_worlds",
    "unpredictability",
)
_WORLD_KEYS = ("world", "participants_with_downloads", "downloads", "gini", "top5_share")
_SHARE_SUM_TOLERANCE = 0.01  # shares are rounded in published tables


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _world(
    raw: Any, key: str, file: str, problems: list[Problem], *, extra: tuple[str, ...] = ()
) -> ObservedWorld | None:
    """Validate one world's table; append every problem; None when unusable."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(file, key, raw, "an object with downloads, gini, top5_share"))
        return None
    before = len(problems)
    allowed = (*_WORLD_KEYS, *extra)
    for k in raw:
        if k not in allowed:
            problems.append(
                Problem(
                    file, f"{key}.{k}", raw[k], "an unknown key; allowed: " + ", ".join(allowed)
                )
            )
    for k in ("downloads", "gini", "top5_share"):
        if k not in raw:
            problems.append(Problem(file, f"{key}.{k}", None, "a required key (missing)"))
    if "downloads" in raw and not (_is_int(raw["downloads"]) and raw["downloads"] >= 1):
        problems.append(Problem(file, f"{key}.downloads", raw["downloads"], "an integer >= 1"))
    for k in ("gini", "top5_share"):
        if k in raw and not (_is_num(raw[k]) and 0.0 <= raw[k] <= 1.0):
            problems.append(Problem(file, f"{key}.{k}", raw[k], "a number in [0, 1]"))
    pw = raw.get("participants_with_downloads")
    if pw is not None and not (_is_int(pw) and pw >= 1):
        problems.append(
            Problem(file, f"{key}.participants_with_downloads", pw, "an integer >= 1")
        )
    if len(problems) > before:
        return None
    return ObservedWorld(
        downloads=int(raw["downloads"]),
        gini=float(raw["gini"]),
        top5_share=float(raw["top5_share"]),
        participants_with_downloads=None if pw is None else int(pw),
        label=str(raw.get("world", "")),
    )


def musiclab_from_mapping(data: Any, *, file: str = "<mapping>") -> MusicLabData:
    """Validate the contents of a MusicLab data file; raise ConfigError listing every problem.

    Each problem names the file, the key (``independent_world.song_shares[3]``), the value and
    what is allowed. The format is in ``docs/validation.md``.
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise ConfigError([Problem(file, "(top)", data, "a JSON object")])
    for k in data:
        if k not in _TOP_KEYS:
            problems.append(
                Problem(file, k, data[k], "an unknown key; allowed: " + ", ".join(_TOP_KEYS))
            )
    for k in ("songs", "independent_world", "social_worlds"):
        if k not in data:
            problems.append(Problem(file, k, None, "a required key (missing)"))
    for k in ("source", "experiment", "gini_definition"):
        if k in data and not isinstance(data[k], str):
            problems.append(Problem(file, k, data[k], "a string"))
    songs = data.get("songs")
    if "songs" in data and not (_is_int(songs) and songs >= 5):
        problems.append(Problem(file, "songs", songs, "an integer >= 5 (top-5 shares need 5)"))
        songs = None

    independent = None
    shares = None
    if "independent_world" in data:
        raw = data["independent_world"]
        independent = _world(raw, "independent_world", file, problems, extra=("song_shares",))
        if isinstance(raw, Mapping):
            shares = _shares(raw, songs, file, problems)

    social: list[ObservedWorld] = []
    raw_social = data.get("social_worlds")
    if "social_worlds" in data:
        if not isinstance(raw_social, list) or len(raw_social) < 2:
            problems.append(
                Problem(file, "social_worlds", raw_social, "a list of at least 2 worlds")
            )
        else:
            for i, w in enumerate(raw_social):
                got = _world(w, f"social_worlds[{i}]", file, problems)
                if got is not None:
                    social.append(got)

    u_social = u_independent = None
    if "unpredictability" in data:
        raw_u = data["unpredictability"]
        if not isinstance(raw_u, Mapping):
            problems.append(Problem(file, "unpredictability", raw_u, "an object"))
        else:
            for k, v in raw_u.items():
                if k not in ("social", "independent", "method"):
                    problems.append(
                        Problem(
                            file,
                            f"unpredictability.{k}",
                            v,
                            "an unknown key; allowed: social, independent, method",
                        )
                    )
                elif k != "method" and not (_is_num(v) and v >= 0):
                    problems.append(Problem(file, f"unpredictability.{k}", v, "a number >= 0"))
            if not problems:
                u_social = raw_u.get("social")
                u_independent = raw_u.get("independent")
    if problems:
        raise ConfigError(problems)
    assert independent is not None and shares is not None and songs is not None
    return MusicLabData(
        path=file,
        songs=int(songs),
        song_shares=shares,
        independent=independent,
        social=tuple(social),
        unpredictability_social=None if u_social is None else float(u_social),
        unpredictability_independent=None if u_independent is None else float(u_independent),
        source=str(data.get("source", "")),
        experiment=str(data.get("experiment", "")),
    )


def _shares(
    raw: Mapping[str, Any], songs: int | None, file: str, problems: list[Problem]
) -> np.ndarray | None:
    """The independent world's song shares: ``songs`` numbers >= 0 that sum to 1."""
    key = "independent_world.song_shares"
    if "song_shares" not in raw:
        problems.append(Problem(file, key, None, "a required key (missing)"))
        return None
    v = raw["song_shares"]
    if not isinstance(v, list):
        problems.append(Problem(file, key, v, "a list of download shares, one per song"))
        return None
    if songs is not None and len(v) != songs:
        problems.append(
            Problem(file, key, f"a list of {len(v)}", f"a list of {songs} shares (songs = {songs})")
        )
    before = len(problems)
    for i, x in enumerate(v):
        if not (_is_num(x) and x >= 0):
            problems.append(Problem(file, f"{key}[{i}]", x, "a share >= 0"))
    if len(problems) > before or (songs is not None and len(v) != songs):
        return None
    out = np.asarray(v, dtype=np.float64)
    total = float(out.sum())
    if abs(total - 1.0) > _SHARE_SUM_TOLERANCE:
        problems.append(
            Problem(file, key, f"shares summing to {total:.4f}", "shares summing to 1 (+-0.01)")
        )
        return None
    return out / total


def load_musiclab(path: str | os.PathLike) -> MusicLabData:
    """Read and validate a MusicLab data file (JSON); errors name the file, key and value."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(str(p), "(file)", str(p), "an existing JSON file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(p), "(file)", str(exc), "a readable UTF-8 file")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([Problem(str(p), "(syntax)", str(exc), "valid JSON")]) from None
    return musiclab_from_mapping(data, file=str(p))


# -- metrics --------------------------------------------------------------------------------
def gini(counts: np.ndarray) -> np.ndarray:
    """Gini of download shares along the last axis: sum|m_i - m_j| / (2 S sum m).

    The same definition as MusicLab and :func:`sim.outcomes.gini`, for a batch of worlds at
    once; 0 for a world without downloads.
    """
    x = np.sort(np.asarray(counts, dtype=np.float64), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    i = np.arange(1, n + 1, dtype=np.float64)
    num = (x * (2 * i - n - 1)).sum(axis=-1)
    return np.divide(num, n * total, out=np.zeros_like(total), where=total > 0)


def top_share(counts: np.ndarray, k: int = 5) -> np.ndarray:
    """Share of the downloads held by the ``k`` most downloaded songs, along the last axis."""
    x = np.asarray(counts, dtype=np.float64)
    total = x.sum(axis=-1)
    top = -np.sort(-x, axis=-1)[..., :k].sum(axis=-1)
    return np.divide(top, total, out=np.zeros_like(total), where=total > 0)


def _shares_of(counts: np.ndarray) -> np.ndarray:
    x = np.asarray(counts, dtype=np.float64)
    total = x.sum(axis=-1, keepdims=True)
    return np.divide(x, total, out=np.zeros_like(x), where=total > 0)


def unpredictability(counts: np.ndarray) -> np.ndarray:
    """U of Salganik et al.: mean over songs of the mean |share difference| over world pairs.

    ``counts`` is (..., worlds, songs); returns (...). Worlds are the second-to-last axis.
    """
    s = _shares_of(counts)
    w = s.shape[-2]
    if w < 2:
        raise ValueError("unpredictability needs at least 2 worlds")
    diff = np.abs(s[..., :, None, :] - s[..., None, :, :]).sum(axis=(-3, -2))
    return (diff / (w * (w - 1))).mean(axis=-1)


# -- the participant and the songs ----------------------------------------------------------
_ATTENTION = AttentionParams()


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


def _bounds(name: str) -> tuple[float, float]:
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
    if not _is_int(worlds) or worlds < 2:
        raise ValueError(f"worlds = {worlds!r} is not allowed: an integer >= 2 (U needs two)")
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed = {seed!r} is not allowed: an integer >= 0")


def _run_batch(
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


def _split_half_u(out: Downloads) -> np.ndarray:
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
        return top_share(self.downloads, 5)

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
    out = _run_batch(data, params, display, *point, (seed,), worlds)
    counts = out.counts[0]
    if display == "independent":
        u = float(_split_half_u(out).mean())
    else:
        u = float(unpredictability(counts))
    return Replication(data, display, seed, params, counts, out.participants[0], u)


# -- calibration ----------------------------------------------------------------------------
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
    out = _run_batch(data, params, "sorted", beta, gamma, seeds, worlds)
    counts = out.counts.reshape(beta.size, len(seeds), worlds, -1)
    return (
        gini(counts).mean(axis=(1, 2)),
        top_share(counts, 5).mean(axis=(1, 2)),
        unpredictability(counts).mean(axis=1),
    )


def _independent_summary(
    data: MusicLabData, params: MusicLabParams, seeds: Sequence[int], worlds: int
) -> tuple[float, float]:
    """Mean Gini and split-half U of simulated independent worlds over seeds."""
    one = np.array([params.position_bias])
    out = _run_batch(data, params, "independent", one, np.array([0.0]), seeds, worlds)
    return float(gini(out.counts[0]).mean()), float(_split_half_u(out).mean())


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

    lo, hi = _bounds("quality_spread")
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
            bounds=[_bounds("position_bias"), _bounds("social_proof")],
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


# -- command line ---------------------------------------------------------------------------
def add_subparser(sub: Any) -> None:
    """Add ``validate musiclab`` to the ``creatorsim`` command line (``sim.cli``)."""
    v = sub.add_parser(
        "validate",
        help="replay a real experiment with the attention market and compare",
        description="Replay a social-influence experiment with the model's attention market "
        "and print simulated beside observed values as JSON (docs/validation.md).",
    )
    vs = v.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")
    m = vs.add_parser(
        "musiclab",
        help="MusicLab (Salganik, Dodds & Watts 2006), experiment-2 design",
        description="Simulate MusicLab worlds for DATA (a JSON file, format in "
        "docs/validation.md) and print per-world Gini and top-5 share, their mean and the "
        "unpredictability U beside the observed values. With --calibrate, fit the songs' "
        "quality spread on the independent world, then the position bias and social proof "
        "on the social worlds, and print the fit.",
    )
    m.add_argument("data", metavar="DATA.json", help="experiment data (see docs/validation.md)")
    m.add_argument("--display", choices=DISPLAYS, default="sorted", help="default: sorted")
    m.add_argument("--worlds", type=_at_least(2, "a number of worlds"), default=8, metavar="W",
                   help="worlds to simulate (default 8)")
    m.add_argument("--seed", type=_at_least(0, "a seed"), default=0, metavar="S",
                   help="random seed (default 0); one seed fixes every world")
    m.add_argument("--position-bias", type=float, metavar="B",
                   help="override the calibrated position bias")
    m.add_argument("--social-proof", type=float, metavar="G",
                   help="override the calibrated social proof")
    m.add_argument("--calibrate", action="store_true",
                   help="calibrate instead of replaying (about 15 s)")
    m.add_argument("--out", metavar="FILE", help="also write the JSON to FILE (atomically)")


def _at_least(low: int, what: str) -> Any:
    import argparse

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} (an integer)") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"{v} is not allowed: use an integer >= {low}")
        return v

    return parse


def run_cli(args: Any) -> int:
    """Run ``creatorsim validate musiclab`` from parsed arguments; print JSON."""
    data = load_musiclab(args.data)
    given = {"position_bias": args.position_bias, "social_proof": args.social_proof}
    changes = {k: v for k, v in given.items() if v is not None}
    params = build(MusicLabParams, changes, file="command line", prefix="")  # declared ranges
    if args.calibrate:
        result = calibrate(data, base=params).to_dict()
    else:
        result = replicate(
            data, display=args.display, worlds=args.worlds, seed=args.seed, params=params
        ).to_dict()
    text = json.dumps(result, indent=1)
    if args.out:
        from .io import write_text  # atomic: a temporary file renamed into place

        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(text + "\n", out)
    print(text)
    return 0
