"""The results store: one Parquet file per run, keyed by what fixes the run's result.

Layout of a store folder::

    runs/<key>.parquet     one row: key, seed, the model's columns (scenario, scenario_hash,
                           days, creators, burn_in_days), the varied parameters, the outcomes;
                           the schema metadata holds the run's identity, every parameter of the
                           scenario (JSON), the package version, the seconds the run took
    failed/<key>.json      a run that raised: its error, traceback, seed and parameters
    <experiment>.json      the manifest of a sweep or comparison (``sim.experiments.runner``)

``key`` is a SHA-256 of the run's identity (for the simulator: the hash of every parameter
value, days, creators, burn-in and summary version) and its seed, so the same run is never
computed twice, whichever experiment asks for it. Files are written atomically (a temporary
``.<name>.*.tmp`` file in the same folder, then a rename), so a killed process leaves complete
files or none; a rerun of the experiment finds which runs are done by listing ``runs/``.
One experiment process writes to a store at a time (:meth:`ResultStore.lock`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import jsonable, write_json, write_parquet

__all__ = ["ResultStore", "RunRecord", "run_key"]

#: Temporary-file prefixes of what experiments write at the top of a store folder.
_OWN_PREFIXES = (".sweep.", ".compare.", ".runs.parquet.", ".sensitivity")


def run_key(identity: Mapping[str, Any], seed: int) -> str:
    """The store key of a run: 24 hex digits of SHA-256 over its identity and seed."""
    blob = json.dumps(
        {"identity": jsonable(identity), "seed": int(seed)}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class RunRecord:
    """What a run sends back: its result row and metadata, or its error."""

    key: str
    seed: int
    row: dict[str, Any] | None
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


class ResultStore:
    """A folder of per-run Parquet files (see the module doc)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.failed_dir = self.root / "failed"

    def __repr__(self) -> str:
        return f"ResultStore({str(self.root)!r})"

    def create(self) -> ResultStore:
        """Make the folders; returns self."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        return self

    def run_path(self, key: str) -> Path:
        return self.runs_dir / f"{key}.parquet"

    def failure_path(self, key: str) -> Path:
        return self.failed_dir / f"{key}.json"

    def completed(self) -> set[str]:
        """Keys of the runs with a result file."""
        if not self.runs_dir.is_dir():
            return set()
        return {p.name[: -len(".parquet")] for p in self.runs_dir.glob("[!.]*.parquet")}

    def failed(self) -> set[str]:
        """Keys of the runs with a failure record (and no result)."""
        if not self.failed_dir.is_dir():
            return set()
        return {p.stem for p in self.failed_dir.glob("[!.]*.json")} - self.completed()

    def failures(self, keys: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The failure records (of ``keys``, or all), sorted by key."""
        wanted = sorted(self.failed() if keys is None else set(keys) & self.failed())
        return [json.loads(self.failure_path(k).read_text()) for k in wanted]

    def write(self, record: RunRecord) -> Path:
        """Write a run's result file, or its failure record; atomic either way."""
        if record.ok:
            return self._write_result(record)
        path = self.failure_path(record.key)
        doc = {
            "key": record.key,
            "seed": record.seed,
            "error": record.error,
            "traceback": record.traceback,
            "seconds": record.seconds,
            **record.metadata,
        }
        write_json(doc, path, indent=2)
        return path

    def _write_result(self, record: RunRecord) -> Path:
        import pyarrow as pa

        assert record.row is not None
        table = pa.table({k: [v] for k, v in record.row.items()})
        meta = {f"creatorsim.{k}": json.dumps(jsonable(v)) for k, v in record.metadata.items()}
        meta["creatorsim.seconds"] = json.dumps(round(record.seconds, 6))
        table = table.replace_schema_metadata(meta)
        path = self.run_path(record.key)
        write_parquet(table, path)
        with contextlib.suppress(FileNotFoundError):
            self.failure_path(record.key).unlink()  # a retried run that now succeeded
        return path

    def read_metadata(self, key: str) -> dict[str, Any]:
        """The metadata stored in a run's file (identity, parameters, version, seconds)."""
        import pyarrow.parquet as pq

        raw = pq.read_schema(self.run_path(key)).metadata or {}
        out = {}
        for k, v in raw.items():
            name = k.decode()
            if name.startswith("creatorsim."):
                out[name[len("creatorsim.") :]] = json.loads(v)
        return out

    def read(self, keys: Sequence[str] | None = None, columns: Sequence[str] | None = None):
        """One ``pyarrow.Table`` of the result rows of ``keys`` (default: every run).

        Keys without a result are left out. ``columns`` selects columns; a column missing from
        some files is null there.
        """
        import pyarrow as pa
        import pyarrow.dataset as ds
        import pyarrow.parquet as pq

        done = self.completed()
        wanted = sorted(done if keys is None else set(keys) & done)
        if not wanted:
            return pa.table({"key": pa.array([], pa.string())})
        paths = [str(self.run_path(k)) for k in wanted]
        schema = pq.read_schema(paths[0]).remove_metadata()
        if columns is not None:
            fields = [schema.field(c) for c in columns if c in schema.names]
            schema = pa.schema(fields)
        return ds.dataset(paths, format="parquet", schema=schema).to_table()

    def join(self, plan: Any, columns: Sequence[str], order: Sequence[str]):
        """``plan`` (a ``pyarrow.Table`` with a ``key`` per run) with the result ``columns``
        of its runs (nulls where a run has no result), sorted by ``order``."""
        import pyarrow as pa

        keys = plan.column("key").to_pylist()
        right = self.read(keys, columns=["key", *columns])
        if right.num_columns <= 1:
            return plan.sort_by([(c, "ascending") for c in order])
        joined = plan.join(right, "key", join_type="left outer", use_threads=False)
        joined = joined.sort_by([(c, "ascending") for c in order])
        cols = [*plan.column_names, *[c for c in right.column_names if c != "key"]]
        return pa.table({c: joined.column(c) for c in cols})

    def query(self, sql: str):
        """Run DuckDB SQL over the store, with the view ``runs`` (every result row).

        Returns a ``pyarrow.Table``. Needs the optional ``duckdb`` package.
        """
        import duckdb

        con = duckdb.connect()
        try:
            pattern = str(self.runs_dir / "[!.]*.parquet").replace("'", "''")
            con.execute(
                f"CREATE VIEW runs AS SELECT * FROM read_parquet('{pattern}', union_by_name=true)"
            )
            rel = con.sql(sql)
            # DuckDB 2 has to_arrow_table; DuckDB 1 calls it arrow
            fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
            return fetch()
        finally:
            con.close()

    def clean_temporary(self) -> int:
        """Remove temporary files a killed writer left behind; returns how many.

        Every temporary file in ``runs/`` and ``failed/``; in the folder itself only those of
        the files experiments write there (``.sweep.json.*.tmp``, ...), never anything else.
        """
        n = 0
        found = [
            p for d in (self.runs_dir, self.failed_dir) if d.is_dir() for p in d.glob(".*.tmp")
        ]
        if self.root.is_dir():
            found += [p for p in self.root.glob(".*.tmp") if p.name.startswith(_OWN_PREFIXES)]
        for p in found:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                n += 1
        return n

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the store (released by the OS if the process dies)."""
        self.create()
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        with open(self.root / ".lock", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OSError(
                    f"{self.root} is in use by another experiment (its .lock is held); "
                    "wait for it or use another folder"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
