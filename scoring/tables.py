"""The table path: score a dataset (a folder of CSV or Parquet tables) as of a day.

A :class:`~scoring.data.Dataset` is converted to arrays and fed, day by day, to the same
:class:`~scoring.engine.ScoringState` the simulator uses; the results come back as tidy tables
keyed by the dataset's own ids, and as a plain-text explanation of one creator's score.

Creators are ordered by category, then by id (numerically when every id is an integer, otherwise
as text); the id order breaks ties on every list, so reordering the rows of a table changes
nothing.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .components import COMPONENTS
from .data import Dataset
from .engine import EXCLUSION_REASONS, ScoringState, WindowScores, exclusion_names
from .fulfilment import KIND_LIVE, KIND_VIDEO, STATUS_NAMES, SampleStatus
from .policy import INDICES, LISTS, WINDOW_DAYS, ScoringPolicy
from .rolling import COUNTERS, gmv_to_cents

__all__ = ["DatasetScores", "score_dataset", "write_tables"]

Table = dict[str, np.ndarray]


def _id_order(ids: np.ndarray) -> np.ndarray:
    """Order of ids: numeric when all are integers, else text; this order breaks ties."""
    try:
        as_int = np.array([int(x) for x in ids], dtype=np.int64)
    except ValueError:
        return np.argsort(ids.astype(str), kind="stable")
    return np.argsort(as_int, kind="stable")


@dataclass(frozen=True)
class DatasetScores:
    """Scores of a dataset for one window ending on one day, with the dataset's ids."""

    dataset: Dataset
    policy: ScoringPolicy
    day: int
    creator_ids: np.ndarray  # (n,) by category then id: the population order of ``scores``
    categories: tuple[str, ...]  # category names by code
    category: np.ndarray  # (n,) category code per creator
    followers: np.ndarray  # (n,) at the end of ``day``
    scores: WindowScores
    samples: SampleStatus  # aligned with ``dataset.samples`` rows
    sample_rows: np.ndarray  # dataset row of each sample in ``samples``
    #: One line each: the dataset's warnings (``Dataset.warnings``), then the scoring's own (a
    #: window that starts before the data; categories with fewer creators than the list length).
    warnings: tuple[str, ...] = ()

    @property
    def window(self) -> str:
        return self.scores.window

    def __repr__(self) -> str:  # the dataset and score arrays would flood a notebook cell
        return (
            f"DatasetScores({self.dataset.path!r}, {self.window} window ending day {self.day}: "
            f"{int(self.scores.eligible.sum())} of {self.creator_ids.size} creators eligible, "
            f"{len(self.categories)} categories, {len(self.warnings)} warning(s))"
        )

    def _creator(self, creator_id: str) -> int:
        hits = np.flatnonzero(self.creator_ids == str(creator_id))
        if hits.size == 0:
            raise KeyError(f"creator_id {creator_id!r} is not in {self.dataset.path}")
        return int(hits[0])

    # -- tidy tables --------------------------------------------------------------------
    def lists_table(self) -> Table:
        """One row per listed creator: window, day, list, category, rank, creator_id, score."""
        cols: dict[str, list] = {
            k: [] for k in ("window", "day", "list", "category", "rank", "creator_id", "score")
        }
        for name in LISTS:
            rl = self.scores.lists[name]
            for c, cat in enumerate(self.categories):
                members = rl.category_slice(c)
                sc = rl.score[rl.offsets[c] : rl.offsets[c + 1]]
                k = members.size
                cols["window"] += [self.window] * k
                cols["day"] += [self.day] * k
                cols["list"] += [name] * k
                cols["category"] += [cat] * k
                cols["rank"] += list(range(1, k + 1))
                cols["creator_id"] += list(self.creator_ids[members])
                cols["score"] += [float(v) / 100.0 if name == "gmv" else float(v) for v in sc]
        return _to_arrays(cols)

    def indices_table(self) -> Table:
        """One row per creator: components (raw and normalised), indices, ranks, eligibility."""
        s = self.scores
        n = self.creator_ids.size
        t: Table = {
            "creator_id": self.creator_ids,
            "category": np.array(self.categories, dtype=object)[self.category],
            "window": np.full(n, self.window, dtype=object),
            "day": np.full(n, self.day),
            "followers": self.followers,
        }
        for name in COMPONENTS:
            if name in s.components:
                t[name] = s.components[name]
                t[f"{name}_score"] = s.normalised[name]
        for name in (*INDICES, "overall"):
            t[f"{name}_index"] = s.indices[name]
        for name in LISTS:
            t[f"{name}_rank"] = s.positions(name)
        t["eligible"] = s.eligible
        t["exclusion_reasons"] = np.array(
            [";".join(exclusion_names(int(c))) for c in s.exclusion], dtype=object
        )
        return t

    def eligibility_table(self) -> Table:
        """One row per creator: eligible, and one boolean column per exclusion reason (M12)."""
        s = self.scores
        t: Table = {
            "creator_id": self.creator_ids,
            "category": np.array(self.categories, dtype=object)[self.category],
            "eligible": s.eligible,
        }
        for bit, name in EXCLUSION_REASONS.items():
            t[name] = (s.exclusion & bit) > 0
        t["followers"] = self.followers
        t["fulfilled_samples"] = s.fulfilled_samples
        t["decided_samples"] = s.decided_samples
        t["counted_messages"] = s.counted_messages
        return t

    def samples_table(self) -> Table:
        """One row per sample: its status as of the day, the day it was decided, its window."""
        sm = self.dataset.samples
        st = self.samples
        rows = self.sample_rows
        return {
            "sample_id": sm["sample_id"][rows],
            "creator_id": sm["creator_id"][rows],
            "merchant_id": sm["merchant_id"][rows],
            "shipped_day": sm["shipped_day"][rows],
            "clock_day": st.clock_day,
            "deadline_day": st.deadline_day,
            "status": np.array([STATUS_NAMES[int(x)] for x in st.status], dtype=object),
            "decided_day": st.decided_day,
        }

    # -- explanation --------------------------------------------------------------------
    def explain(self, creator_id: str) -> str:
        """A plain-text account of one creator's components, indices, ranks and samples."""
        i = self._creator(creator_id)
        s = self.scores
        out = io.StringIO()
        cat = self.categories[int(self.category[i])]
        p = out.write
        p(f"creator {creator_id}  category {cat}  followers {int(self.followers[i])}\n")
        p(f"window {self.window} ({s.window_days} days) ending day {self.day}\n\n")
        reasons = exclusion_names(int(s.exclusion[i]))
        if reasons:
            p("EXCLUDED from every list (M12/M13): " + ", ".join(reasons) + "\n")
            p(_reason_details(self, i, reasons))
        else:
            p("eligible: on the lists below where ranked within the list length\n")
        p("\nlists (position in category; '-' = not listed):\n")
        for name in LISTS:
            pos = int(s.positions(name)[i])
            score = s.list_scores[name][i]
            # the GMV list ranks by GMV in currency (M3), not by a 0-1 score
            shown = f"GMV {score / 100.0:,.2f}" if name == "gmv" else f"score {score:.4f}"
            p(f"  {name:<12} {pos if pos else '-':>5}   {shown}\n")
        p("\nindices and their components (raw value -> 0-1 score x weight):\n")
        for index in INDICES:
            p(f"  {index:<12} {s.indices[index][i]:.4f}\n")
            for comp, wt in self.policy.component_weights(index).items():
                if comp not in s.components:
                    continue
                raw = s.components[comp][i]
                raw_s = "no data" if np.isnan(raw) else f"{raw:.4g}"
                p(
                    f"      {comp:<24} {raw_s:>10} -> {s.normalised[comp][i]:.4f}"
                    f"  x {wt:g}  ({COMPONENTS[comp].mechanic})\n"
                )
        p(f"  {'overall':<12} {s.indices['overall'][i]:.4f}\n")
        p(_samples_text(self, str(creator_id)))
        return out.getvalue()


def _reason_details(r: DatasetScores, i: int, reasons: list[str]) -> str:
    e = r.policy.eligibility
    s = r.scores
    lines = []
    if "too_few_followers" in reasons:
        lines.append(f"  followers {int(r.followers[i])} < min_followers {e.min_followers}")
    if "inactive" in reasons:
        last = _last_active_day(r, i)
        lines.append(
            f"  no video or livestream in the last {e.active_within_days} days (days "
            f"{r.day - e.active_within_days + 1} to {r.day}); "
            + (f"last active on day {last}" if last >= 0 else "never active in the data")
        )
    if "low_fulfilment" in reasons:
        done, decided = int(s.fulfilled_samples[i]), int(s.decided_samples[i])
        rate = done / decided if decided else float("nan")
        lines.append(
            f"  fulfilled {done} of {decided} decided samples: a rate of {rate:.2f} < "
            f"min_fulfilment_rate {e.min_fulfilment_rate:g}"
        )
    if "unresponsive" in reasons:
        lines.append(f"  reply rate below min_reply_rate {e.min_reply_rate:g}")
    if "low_gmv" in reasons:
        lines.append(f"  GMV below min_gmv {e.min_gmv:g}")
    return "".join(line + "\n" for line in lines)


def _last_active_day(r: DatasetScores, i: int) -> int:
    """The last day up to the scoring day with a video or a livestream of creator ``i``."""
    a = r.dataset.activity
    cid = r.creator_ids[i]
    mine = (
        (a["creator_id"] == cid)
        & (a["day"] <= r.day)
        & ((a["videos"] > 0) | (a["livestreams"] > 0))
    )
    return int(a["day"][mine].max()) if mine.any() else -1


def _samples_text(r: DatasetScores, creator_id: str) -> str:
    t = r.samples_table()
    mine = np.flatnonzero(t["creator_id"] == creator_id)
    if mine.size == 0:
        return "\nsamples: none\n"
    f = r.dataset.features
    lines = [
        "\nsamples (status as of the day; deadline = last day to start a feature; a sample "
        "is missed at the end of its deadline day if no qualifying feature started by then, "
        "M10):"
    ]
    for j in mine:
        dd = int(t["decided_day"][j])
        lines.append(
            f"  {t['sample_id'][j]:<10} from {t['merchant_id'][j]:<10} shipped day "
            f"{int(t['shipped_day'][j]):>3}  deadline day {int(t['deadline_day'][j]):>3}  "
            f"{t['status'][j]}" + (f" (day {dd})" if dd >= 0 else "")
        )
        feats = np.flatnonzero(f["sample_id"] == t["sample_id"][j])
        if feats.size == 0:
            lines.append("      features: none in the data")
        for k in feats:
            start, end = int(f["start_day"][k]), int(f["end_day"][k])
            minutes = float(f["continuous_minutes"][k])
            lines.append(
                f"      feature: {f['kind'][k]} from day {start}"
                + (f", taken down day {end}" if end >= 0 else "")
                + (f", {minutes:g} continuous minutes" if not np.isnan(minutes) else "")
                + (
                    " (after the scoring day: not counted)"
                    if start > r.day
                    else " (after the deadline: too late)"
                    if start > int(t["deadline_day"][j])
                    else ""
                )
            )
    return "\n".join(lines) + "\n"


def _to_arrays(cols: dict[str, list]) -> Table:
    out: Table = {}
    for k, v in cols.items():
        if v and isinstance(v[0], str):
            out[k] = np.array(v, dtype=object)
        else:
            out[k] = np.array(v)
    return out


def score_dataset(
    dataset: Dataset,
    policy: ScoringPolicy,
    *,
    day: int,
    window: str,
    depth: int | None = -1,
) -> DatasetScores:
    """Score ``dataset`` as of the end of ``day`` for ``window``; nothing after ``day`` is used.

    ``depth`` is the list length (-1: the policy's ``list_length``; None: rank everyone).
    The result's ``warnings`` add to the dataset's a window that starts before day 0 (its first
    days have no data, so sums and growth cover fewer days) and each category with fewer
    creators than the list length (M4: every eligible creator in it is listed).

    Raises
    ------
    ValueError
        The activity table has no rows (nothing to score), or ``day`` is not a day of the data.
    """
    if dataset.activity["day"].size == 0:
        raise ValueError(
            f"activity in {dataset.path}: no rows (only a header, or blank rows): nothing to "
            "score; the table needs one row per creator per active day"
        )
    last = max(dataset.n_days - 1, 0)
    if not 0 <= day <= last:
        raise ValueError(f"day = {day}: allowed a day of the data, 0 to {last}")
    warnings = list(dataset.warnings)
    span = WINDOW_DAYS.get(window)
    if span is not None and day - span + 1 < 0:
        warnings.append(
            f"window {window} ({span} days) ending on day {day}: starts on day {day - span + 1}, "
            f"before the first day of data (day 0): its first {span - day - 1} day(s) have no "
            f"data, so it covers only days 0 to {day}"
        )
    c = dataset.creators
    categories = tuple(sorted(set(c["category"].tolist())))
    length = policy.list_length if depth == -1 else depth
    if length is not None:
        names, counts = np.unique(c["category"].astype(str), return_counts=True)
        small = [
            f"{name!r} ({count})"
            for name, count in zip(names.tolist(), counts.tolist(), strict=True)
            if count < length
        ]
        if small:
            warnings.append(
                f"creators, column 'category': {len(small)} of {names.size} categories have "
                f"fewer creators than the list length ({length}): " + ", ".join(small) + "; "
                "every eligible creator in them is listed, however low their score"
            )
    code = {name: k for k, name in enumerate(categories)}
    codes = np.array([code[x] for x in c["category"]], dtype=np.int64)
    # Population order: by category, then by id. Categories are contiguous (the engine's
    # fast path) and, within a category, array order is id order (the tie-break).
    id_rank = np.empty(codes.size, dtype=np.int64)
    id_rank[_id_order(c["creator_id"])] = np.arange(codes.size)
    order = np.lexsort((id_rank, codes))
    ids = c["creator_id"][order].astype(str).astype(object)
    category = codes[order]
    position = {cid: k for k, cid in enumerate(ids)}
    n = ids.size
    state = ScoringState(category, c["followers"][order], policy, n_categories=len(categories))

    a = dataset.activity
    who = np.array([position[x] for x in a["creator_id"]], dtype=np.int64)
    days = a["day"]
    followers = state.windows.followers_start.copy()
    by_day = np.argsort(days, kind="stable")
    bounds = np.searchsorted(days[by_day], np.arange(day + 2))
    for d in range(day + 1):
        rows = by_day[bounds[d] : bounds[d + 1]]
        counters = {}
        for k in COUNTERS:
            if k in ("active", "gmv_cents"):
                continue
            arr = np.zeros(n, dtype=np.int64)
            arr[who[rows]] = a[k][rows]
            counters[k] = arr
        g = np.zeros(n, dtype=np.int64)
        g[who[rows]] = gmv_to_cents(a["gmv"][rows])
        counters["gmv_cents"] = g
        followers = followers.copy()
        followers[who[rows]] = a["followers"][rows]
        state.push_day(d, counters, followers)

    sm = dataset.samples
    sample_rows = np.arange(sm["sample_id"].size)
    if sample_rows.size:
        state.samples.add_samples(
            np.array([position[x] for x in sm["creator_id"]], dtype=np.int64),
            sm["shipped_day"],
            sm["delivered_day"],
        )
    ft = dataset.features
    if ft["sample_id"].size:
        srow = {sid: k for k, sid in enumerate(sm["sample_id"])}
        kind = np.where(ft["kind"] == "live", KIND_LIVE, KIND_VIDEO)
        state.samples.add_features(
            np.array([srow[x] for x in ft["sample_id"]], dtype=np.int64),
            kind,
            ft["start_day"],
            ft["end_day"],
            ft["continuous_minutes"],
        )
    ms = dataset.messages
    if ms["message_id"].size:
        # A canonical order (creator, sent, replied) so that float sums such as the mean
        # reply time do not depend on the order of the rows in the file.
        who_m = np.array([position[x] for x in ms["creator_id"]], dtype=np.int64)
        order_m = np.lexsort((ms["replied_hour"], ms["sent_hour"], who_m))
        state.messages.add_messages(
            who_m[order_m], ms["sent_hour"][order_m], ms["replied_hour"][order_m]
        )
    scores = state.score(window, depth=depth, explain=True)
    return DatasetScores(
        dataset=dataset,
        policy=policy,
        day=day,
        creator_ids=ids,
        categories=categories,
        category=category,
        followers=state.windows.followers.copy(),
        scores=scores,
        samples=state.sample_status(),
        sample_rows=sample_rows,
        warnings=tuple(warnings),
    )


def write_tables(result: DatasetScores, out_dir: str | Path, *, fmt: str = "csv") -> list[Path]:
    """Write lists, indices, samples and eligibility as tidy CSV or Parquet, atomically.

    Each file is written to a temporary name in ``out_dir`` and renamed into place, so a
    reader never sees half a file; files get the usual permissions (0666 less the umask).

    Raises
    ------
    ValueError
        ``fmt`` is not csv or parquet, or ``out_dir`` exists and is not a folder.
    OSError
        The folder or a file cannot be written; the message names the path.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format = {fmt!r}: allowed 'csv' or 'parquet'")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out = {str(out)!r}: exists and is not a folder; allowed a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create the folder {out}: {exc.strerror or exc}") from None
    tables = {
        "lists": result.lists_table(),
        "indices": result.indices_table(),
        "samples": result.samples_table(),
        "eligibility": result.eligibility_table(),
    }
    written = []
    for name, table in tables.items():
        path = out / f"{name}.{fmt}"
        _write_atomic(table, path, fmt)
        written.append(path)
    return written


@functools.cache
def _umask() -> int:
    """The process's umask (read once; setting it back at once, as there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(table: Table, path: Path, fmt: str) -> None:
    """Write through a temporary file in the same folder, renamed into place when complete.

    ``mkstemp`` creates the file with mode 0600; it gets ``0666 & ~umask``, as ``open`` gives.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        if fmt == "csv":
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                cols = list(table)
                w.writerow(cols)
                arrays = [table[k] for k in cols]
                for row in zip(*arrays, strict=True):
                    w.writerow([_cell(v) for v in row])
                fh.flush()
                os.fsync(fh.fileno())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            os.close(fd)
            pq.write_table(pa.table({k: _arrow_col(v) for k, v in table.items()}), tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _cell(v: object) -> object:
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    if isinstance(v, (np.bool_, bool)):
        return "true" if v else "false"
    if isinstance(v, np.integer):
        return int(v)
    return v


def _arrow_col(v: np.ndarray) -> object:
    if v.dtype == object:
        return [str(x) for x in v]
    return v
