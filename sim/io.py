"""Writing results: every file atomically, in one place.

Every output of creatorsim (Parquet tables, JSON, Markdown, PNG figures) is written through a
temporary file in the target's folder, flushed to disk and renamed into place with
``os.replace``: a reader sees the old file or the new one, never half of one. The helpers here
are the only writers in :mod:`sim`; :mod:`scoring` keeps its own (it must not import ``sim``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

__all__ = ["atomic", "jsonable", "write_json", "write_parquet", "write_png", "write_text"]


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file in its folder, renamed into place on success.

    On any exception (Ctrl-C included) the temporary file is removed and ``path`` is left as
    it was. The file gets the usual permissions (``0666`` less the umask), not ``mkstemp``'s
    ``0600``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` (UTF-8) to ``path``, atomically."""
    with atomic(path) as fh:
        fh.write(text.encode("utf-8"))


def jsonable(x: Any) -> Any:
    """Plain JSON values: NaN and infinities become null, numpy scalars Python numbers."""
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def write_json(doc: Any, path: str | os.PathLike, *, indent: int | None = 2) -> None:
    """Write ``doc`` as plain JSON (NaN as null, see :func:`jsonable`), atomically."""
    write_text(json.dumps(jsonable(doc), indent=indent) + "\n", path)


def write_parquet(
    table: Any, path: str | os.PathLike, meta: Mapping[str, Any] | None = None
) -> None:
    """Write a ``pyarrow.Table`` or a mapping of numpy columns as one Parquet file, atomically.

    ``meta`` goes into the schema's key-value metadata (values as strings).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not isinstance(table, pa.Table):
        table = pa.table({k: pa.array(np.asarray(v)) for k, v in table.items()})
    if meta:
        table = table.replace_schema_metadata({k: str(v) for k, v in meta.items()})
    with atomic(path) as fh:
        pq.write_table(table, fh)


def write_png(fig: Any, path: str | os.PathLike, *, dpi: int = 110) -> None:
    """Save a matplotlib figure as PNG, atomically."""
    with atomic(path) as fh:
        fig.savefig(fh, format="png", dpi=dpi)
