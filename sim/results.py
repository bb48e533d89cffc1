"""A finished run read back from its folder, as pandas DataFrames (:func:`load_run`).

``creatorsim run`` and :func:`sim.run.run_scenario` with ``out_dir`` write a folder of Parquet
tables (:data:`TABLES`) and ``run.json`` (last). Every table starts with ``scenario`` and
``seed`` columns, so the tables of several runs stack with ``pandas.concat``. This module
imports neither the model nor Mesa: reading results needs only pyarrow and pandas (the
``notebooks`` extra; without pandas :func:`load_run` names the extra to install).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .extras import require

__all__ = ["TABLES", "LoadedRun", "load_run"]

#: The Parquet tables of a run's folder: name -> file.
TABLES = {"daily": "daily.parquet", "creators": "creators.parquet", "lists": "lists.parquet"}


@dataclass(frozen=True, repr=False)
class LoadedRun:
    """A finished run read back from its folder (:func:`load_run`).

    ``daily``, ``creators`` and ``lists`` are pandas DataFrames (each with ``scenario`` and
    ``seed`` columns, so ``pandas.concat`` stacks several runs); ``metadata`` is ``run.json``.
    """

    path: Path
    daily: Any
    creators: Any
    lists: Any
    metadata: dict[str, Any]

    def __repr__(self) -> str:
        m = self.metadata
        return (
            f"<LoadedRun {m['scenario']['name']} seed {m['seed']} from {self.path}: "
            f"daily {self.daily.shape[0]}x{self.daily.shape[1]}, creators "
            f"{self.creators.shape[0]}x{self.creators.shape[1]}, lists "
            f"{self.lists.shape[0]}x{self.lists.shape[1]}>"
        )


def load_run(path: str | os.PathLike) -> LoadedRun:
    """Read the tables of the run written to ``path`` as pandas DataFrames.

    The folder must hold a finished run (``run.json`` is written last). Needs pandas (the
    ``notebooks`` extra); without it :class:`~sim.extras.MissingExtra` says what to install.
    """
    require("notebooks", "sim.load_run", ("pandas",))
    import pyarrow.parquet as pq

    out = Path(path)
    if not (out / "run.json").is_file():
        raise FileNotFoundError(
            f"{out}: no run.json, so not a finished run's folder (creatorsim run writes it last)"
        )
    meta = json.loads((out / "run.json").read_text())
    frames = {name: pq.read_table(out / file).to_pandas() for name, file in TABLES.items()}
    return LoadedRun(path=out, metadata=meta, **frames)
