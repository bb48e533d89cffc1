"""Golden-file regression test: a small run's tables, hashed, must not change unnoticed.

The model's daily table, creator table and the list snapshots of a small run are hashed
(SHA-256 over every column's name, dtype, shape and bytes, tables and columns in a fixed
order) and compared with the hash stored in ``tests/golden/model_tables.sha256``. Any change
of a single number fails the test. When a change is intended, update the stored hash with::

    CREATORSIM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and say in the commit message why the numbers changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from sim.model import CreatorMarket
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "model_tables.sha256"
#: scenario file (or None for the defaults), seed, creators, days, snapshot every
RUNS = ((None, 0, 400, 30, 7), ("scenarios/official_2024.toml", 1, 400, 30, 7))


def tables_hash() -> str:
    """SHA-256 of the runs' daily, creator and snapshot tables (see the module doc)."""
    h = hashlib.sha256()
    for path, seed, n, days, every in RUNS:
        sc = Scenario.from_toml(ROOT / path) if path else Scenario()
        m = CreatorMarket(sc, rng=seed, n_creators=n)
        snaps = []
        for _ in range(days):
            m.step()
            if (m.day + 1) % every == 0:
                snaps.append(m.list_snapshot())
        tables = {"daily": m.daily_table(), "creators": m.creator_table()}
        for i, snap in enumerate(snaps):
            tables[f"lists_{i}"] = snap
        for name in sorted(tables):
            for col in sorted(tables[name]):
                a = np.ascontiguousarray(tables[name][col])
                h.update(f"{path}|{seed}|{name}|{col}|{a.dtype.str}|{a.shape}".encode())
                h.update(a.tobytes())
    return h.hexdigest()


def test_tables_match_the_stored_hash():
    got = tables_hash()
    if os.environ.get("CREATORSIM_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(got + "\n")
        pytest.skip(f"stored the new hash {got[:12]} in {GOLDEN.relative_to(ROOT)}")
    want = GOLDEN.read_text().strip()
    assert got == want, (
        f"the model's tables changed (hash {got[:12]}, stored {want[:12]}). If the change is "
        "intended, update the stored hash: CREATORSIM_UPDATE_GOLDEN=1 python -m pytest "
        "tests/test_golden.py"
    )
