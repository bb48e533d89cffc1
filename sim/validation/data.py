"""The MusicLab data contract: read a data file and validate every key at the edge.

A file describes one experiment of MusicLab's design (Salganik, Dodds & Watts 2006): the
independent world's download share of each song, and the totals, Gini and top-5 share of the
independent world and of two or more social worlds, with the observed unpredictability U. The
format is in ``docs/validation.md`` ("The data file format"). Every problem is reported at once,
each naming the file, the key (``independent_world.song_shares[3]``), the bad value and what is
allowed (:class:`scoring.params.ConfigError`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scoring.params import ConfigError, Problem

__all__ = ["MusicLabData", "ObservedWorld", "load_musiclab", "musiclab_from_mapping"]


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

