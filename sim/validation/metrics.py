"""MusicLab's measures of success, for whole batches of worlds at once.

* :func:`gini`: the Gini coefficient of download shares (0 equal, -> 1 all to one song);
* :func:`top_share` / :func:`top5_share`: the share of the downloads held by the most
  downloaded songs;
* :func:`unpredictability`: Salganik et al.'s U, how differently the same song fares in
  different worlds.

``gini`` and ``top_share`` have the batched signatures of :mod:`sim.outcomes` (``gini(x,
axis=-1)``, ``top_share(x, share, axis=-1)``) and its definitions (the sorted-rank Gini; the
largest ``ceil(share x n)`` units, at least one), so the two modules can share one
implementation. A world (or a parameter point, or a seed) is any leading axis.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TOP_SONGS", "gini", "top5_share", "top_share", "unpredictability"]

#: Songs whose share of the downloads MusicLab reports ("top-5 share").
TOP_SONGS = 5


def gini(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gini of non-negative amounts along ``axis``: sum|m_i - m_j| / (2 S sum m).

    The sorted-rank form G = sum_i (2i - n - 1) x_(i) / (n sum x), the definition MusicLab
    used for download shares and :func:`sim.outcomes.gini` uses for views; 0 for a world
    without downloads. Returns the batch shape (``x``'s shape without ``axis``).
    """
    x = np.sort(np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    i = np.arange(1, n + 1, dtype=np.float64)
    num = (x * (2 * i - n - 1)).sum(axis=-1)
    return np.divide(num, n * total, out=np.zeros_like(total), where=total > 0)


def top_share(x: np.ndarray, share: float, axis: int = -1) -> np.ndarray:
    """Share of the total held by the top ``share`` of units along ``axis``.

    The top units are the ``max(1, ceil(share x n))`` largest of the ``n`` along ``axis``
    (as in :func:`sim.outcomes.top_share`); 0 where the total is 0. Returns the batch shape.
    """
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    k = max(1, int(np.ceil(share * x.shape[-1])))
    total = x.sum(axis=-1)
    top = -np.sort(-x, axis=-1)[..., :k].sum(axis=-1)
    return np.divide(top, total, out=np.zeros_like(total), where=total > 0)


def top5_share(counts: np.ndarray) -> np.ndarray:
    """MusicLab's top-5 share: the downloads of the 5 most downloaded songs over all.

    ``counts`` is (..., songs). The share passed to :func:`top_share` is half a song short of
    5/songs, so that ``ceil`` gives 5 whatever the rounding of ``5 / songs x songs``.
    """
    songs = np.shape(counts)[-1]
    return top_share(counts, (TOP_SONGS - 0.5) / songs)


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
