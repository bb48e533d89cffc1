"""Every notebook under notebooks/ runs from top to bottom without an error.

Each notebook is executed with nbclient in a fresh kernel of the Python running the tests (a
kernelspec written to a temporary JUPYTER_PATH, so no other installed ``python3`` kernel is
used), with the notebook's folder as working directory and the repository on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbclient  # in the test extras: pip install -e '.[test]'
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 300  # per cell


@pytest.fixture()
def this_python_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``python3`` kernelspec that runs ``sys.executable``, first on JUPYTER_PATH."""
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (tests)",
                "language": "python",
            }
        )
    )
    for var, first in (("JUPYTER_PATH", tmp_path), ("PYTHONPATH", ROOT)):
        monkeypatch.setenv(var, os.pathsep.join([str(first), os.environ.get(var, "")]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return "python3"


def test_there_are_notebooks():
    assert any(p.name == "validation_musiclab.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_error(path: Path, this_python_kernel: str):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=this_python_kernel,
        timeout=TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, errors
