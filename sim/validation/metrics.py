"""MusicLab's measures of success, for whole batches of worlds at once.

* :func:`gini`: the Gini coefficient of download shares (0 equal, -> 1 all to one song);
* :func:`top_share` / :func:`top5_share`: the share of the downloads held by the most
  downloaded songs;
* :func:`unpredictability`: Salganik et al.'s U, how differently the same song fares in
  different worlds.

``gini`` and ``top_share`` are :mod:`sim.outcomes`' (one implementation for the model and the
replay; batched along the last axis). A world (or a parameter point, or a seed) is any leading
axis.
"""

from __future__ import annotations

import numpy as np

from ..outcomes import gini, top_share

__all__ = ["TOP_SONGS", "gini", "top5_share", "top_share", "unpredictability"]

#: Songs whose share of the downloads MusicLab reports ("top-5 share").
TOP_SONGS = 5


def top5_share(counts: np.ndarray) -> np.ndarray:
    """MusicLab's top-5 share: the downloads of the 5 most downloaded songs over all.

    ``counts`` is (..., songs); an exact count of songs (``k``), not a share, so no rounding
    of ``5 / songs x songs`` can select a sixth.
    """
    songs = np.shape(counts)[-1]
    return top_share(counts, k=min(TOP_SONGS, songs))


def _shares_of(counts: np.ndarray) -> np.ndarray:
    x = np.asarray(counts, dtype=np.float64)
    total = x.sum(axis=-1, keepdims=True)
    return np.divide(x, total, out=np.zeros_like(x), where=total > 0)


def unpredictability(counts: np.ndarray) -> np.ndarray:
    """U of Salganik et al.: mean over songs of the mean |share difference| over world pairs.

    ``counts`` is (..., worlds, songs); returns (...). Worlds are the second-to-last axis; at
    least two are needed.
    """
    s = _shares_of(counts)
    w = s.shape[-2]
    if w < 2:
        raise ValueError("unpredictability needs at least 2 worlds")
    diff = np.abs(s[..., :, None, :] - s[..., None, :, :]).sum(axis=(-3, -2))
    return (diff / (w * (w - 1))).mean(axis=-1)
