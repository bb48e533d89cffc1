"""Ranked lists per category (M4) with deterministic ties, exact and fast.

Each list orders the eligible creators of a category by a score, highest first; equal scores
break by creator id (ascending). The order is computed on *packed keys*: one unsigned 64-bit
integer per creator holding the inverted score in the high bits and the creator's id rank in the
low bits, so a plain integer sort (or partition, for a top-N list) gives the exact order,
ties included, without a lexicographic sort. Scores in [0, 1] are compared at a resolution of
2**-32 (:func:`quantise`); integer scores (GMV in cents) are compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SCORE_BITS", "CategoryGroups", "RankedList", "quantise", "rank_lists"]

#: Resolution of list scores: a score in [0, 1] is compared as round(score * 2**SCORE_BITS).
SCORE_BITS = 32


def quantise(score: np.ndarray) -> np.ndarray:
    """Map scores in [0, 1] to integers in [0, 2**32]; the list order is defined on these.

    Values are rounded half up; anything outside [0, 1] is clipped.
    """
    q = np.multiply(score, float(1 << SCORE_BITS))
    np.clip(q, 0.0, float(1 << SCORE_BITS), out=q)
    q += 0.5
    return q.astype(np.uint64)


@dataclass(frozen=True)
class CategoryGroups:
    """Creators grouped by category: ``order[starts[c]:starts[c+1]]`` are category ``c``'s.

    Computed once for a population (categories do not change day to day) and reused by the
    normalisation and the ranking.
    """

    category: np.ndarray  # (n,) int category code per creator
    n_categories: int
    order: np.ndarray  # (n,) creator indices sorted by category (stable: by index within)
    starts: np.ndarray  # (n_categories + 1,) offsets into order
    contiguous: bool  # creators are already sorted by category: order is 0..n-1

    @classmethod
    def build(cls, category: np.ndarray, n_categories: int | None = None) -> CategoryGroups:
        cat = np.asarray(category)
        if cat.ndim != 1:
            raise ValueError("category must be a 1-d array of category codes")
        if cat.size and cat.min() < 0:
            raise ValueError("category codes must be >= 0")
        k = int(cat.max()) + 1 if cat.size else 0
        n_cat = k if n_categories is None else int(n_categories)
        if n_cat < k:
            raise ValueError(f"n_categories={n_cat} but a category code {k - 1} is present")
        contiguous = bool(np.all(cat[1:] >= cat[:-1])) if cat.size else True
        order = np.arange(cat.size) if contiguous else np.argsort(cat, kind="stable")
        counts = np.bincount(cat, minlength=n_cat)
        starts = np.zeros(n_cat + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        return cls(cat, n_cat, order, starts, contiguous)

    @property
    def sizes(self) -> np.ndarray:
        """(n_categories,) number of creators per category."""
        return np.diff(self.starts)


@dataclass(frozen=True)
class RankedList:
    """One list for every category: who is on it, in which order, with which score.

    ``creators[offsets[c]:offsets[c+1]]`` are the listed creators of category ``c`` (indices
    into the population), best first; ``score`` holds their list scores in the same order.
    """

    name: str
    creators: np.ndarray
    offsets: np.ndarray
    score: np.ndarray

    def positions(self, n: int) -> np.ndarray:
        """Position (1 = top) of every creator on its category's list; 0 = not listed."""
        pos = np.zeros(n, dtype=np.int64)
        sizes = np.diff(self.offsets)
        starts = np.repeat(self.offsets[:-1], sizes)
        pos[self.creators] = np.arange(self.creators.size) - starts + 1
        return pos

    def category_slice(self, c: int) -> np.ndarray:
        """The listed creators of category ``c``, best first."""
        return self.creators[self.offsets[c] : self.offsets[c + 1]]


def _bits(n: int) -> int:
    return max(1, int(n - 1).bit_length())


def rank_lists(
    scores: dict[str, np.ndarray],
    *,
    groups: CategoryGroups,
    eligible: np.ndarray,
    tiebreak: np.ndarray | None = None,
    depth: int | None = None,
) -> dict[str, RankedList]:
    """Rank eligible creators within each category for every list in ``scores``.

    Parameters
    ----------
    scores
        List name -> (n,) score per creator, higher is better. Float scores must lie in
        [0, 1] and are compared after :func:`quantise`; integer scores (e.g. GMV in cents,
        >= 0) are compared exactly.
    groups
        The population's category grouping. Populations stored in category order
        (``groups.contiguous``) skip a gather per list.
    eligible
        (n,) bool; creators not eligible appear on no list (M12).
    tiebreak
        (n,) permutation of 0..n-1 giving each creator's rank by creator id; equal scores
        place the lower id first. Default: array position is id order.
    depth
        Keep the top ``depth`` of each category (the published list length); ``None`` ranks
        every eligible creator.

    Returns
    -------
    dict of RankedList, one per score.
    """
    n = groups.category.size
    eligible = np.asarray(eligible, dtype=bool)
    b = _bits(n)
    if tiebreak is None:
        tie = np.arange(n, dtype=np.uint64)
        creator_of = None
    else:
        tie = np.asarray(tiebreak).astype(np.uint64)
        creator_of = np.empty(n, dtype=np.int64)
        creator_of[np.asarray(tiebreak, dtype=np.int64)] = np.arange(n)
    # The eligible creators, grouped by category: only they are ranked.
    if groups.contiguous:
        idx = np.flatnonzero(eligible)
    else:
        idx = groups.order[eligible[groups.order]]
    n_eligible = np.bincount(groups.category[idx], minlength=groups.n_categories)
    seg = np.zeros(groups.n_categories + 1, dtype=np.int64)
    np.cumsum(n_eligible, out=seg[1:])
    sizes = n_eligible if depth is None else np.minimum(n_eligible, depth)
    offsets = np.zeros(groups.n_categories + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    tie = tie[idx]
    mask = np.uint64((1 << b) - 1)
    out: dict[str, RankedList] = {}
    for name, raw in scores.items():
        raw = np.asarray(raw)
        vals = raw[idx]
        if np.issubdtype(raw.dtype, np.integer):
            if vals.size and vals.min() < 0:
                raise ValueError(f"list {name!r}: integer scores must be >= 0")
            top = int(vals.max()) if vals.size else 0
            inv = np.uint64(top) - vals.astype(np.uint64)
            vbits = max(1, top.bit_length())
        else:
            inv = np.uint64(1 << SCORE_BITS) - quantise(vals)
            vbits = SCORE_BITS + 1
        if vbits + b <= 64:
            keys = inv << np.uint64(b)
            keys |= tie
            best = _smallest_per_segment(keys, seg, sizes)
            creators = (best & mask).astype(np.int64)
            if creator_of is not None:
                creators = creator_of[creators]
        else:  # values too wide to pack: exact lexicographic fallback
            creators = idx[_lexsort_per_segment(inv, tie, seg, sizes)]
        out[name] = RankedList(name, creators, offsets, raw[creators])
    return out


def _smallest_per_segment(keys: np.ndarray, starts: np.ndarray, take: np.ndarray) -> np.ndarray:
    """The ``take[c]`` smallest keys of each segment, ascending, concatenated.

    Keys are unique, so this is the exact order. For a short list in a long segment, a
    threshold from a strided sample of the segment keeps only a few candidates before the
    exact partition; if the guess keeps too few, the whole segment is partitioned instead.
    """
    parts = []
    for c in range(take.size):
        k = int(take[c])
        if k == 0:
            continue
        seg = keys[starts[c] : starts[c + 1]]
        m = seg.size
        if k < m // 16:
            stride = max(1, m // 8192)
            sample = seg[::stride]
            j = min(sample.size - 1, 2 * (k * sample.size) // m + 16)
            guess = np.partition(sample, j)[j]
            cand = seg[seg <= guess]
            if cand.size < k:
                cand = seg
        else:
            cand = seg
        if k < cand.size:
            cand = np.partition(cand, k - 1)[:k]
        parts.append(np.sort(cand))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _lexsort_per_segment(
    inv: np.ndarray, tie: np.ndarray, starts: np.ndarray, take: np.ndarray
) -> np.ndarray:
    parts = []
    for c in range(take.size):
        s, e = int(starts[c]), int(starts[c + 1])
        if take[c] == 0:
            continue
        sel = np.lexsort((tie[s:e], inv[s:e]))[: int(take[c])]
        parts.append(sel + s)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
