"""Every notebook under notebooks/ runs in small size, asserts what its text states, and says it.

A notebook is kept as a jupytext percent-format ``.py`` file (the source that is reviewed and
diffed) paired with an ``.ipynb`` committed with the outputs of a full-size run. These tests

* check the pair is in sync (same cells, the ``.ipynb`` holds outputs of every code cell);
* execute the ``.py`` with nbclient in a fresh kernel of the Python running the tests (a
  kernelspec written to a temporary JUPYTER_PATH), with ``CREATORSIM_SIZE=small``, the
  notebook's folder as working directory and the repository on PYTHONPATH;
* check that the notebook's own ``assert`` statements ran (a notebook whose text states facts
  must assert them), that its Markdown cells type no numbers (numbers are rendered from
  variables in code cells), and, for the MusicLab notebook, that the values it computed are
  those of the API it describes; for the mechanics notebook, that its worked examples come
  out as the rules applied by hand say.

To refresh a notebook after editing its ``.py``:
``jupytext --to ipynb --update notebooks/NAME.py`` then
``jupyter nbconvert --to notebook --execute --inplace notebooks/NAME.ipynb`` (full size).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import jupytext  # in the notebooks/test extras
import nbclient
import nbformat
import pytest

from sim.validation import load_musiclab, summarize

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_S = 120  # per cell
SMALL = {"seeds": 2, "worlds": 8}  # what CREATORSIM_SIZE=small means in the MusicLab notebook
READ_BACK = "import json\nprint(json.dumps(facts, sort_keys=True))"


def _kernel(tmp: Path) -> str:
    """A ``python3`` kernelspec running ``sys.executable``, in ``tmp`` (put first on the path)."""
    spec = tmp / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (tests)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return "python3"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """Every notebook's ``.py`` executed in small size, with a last cell printing ``facts``."""
    tmp = tmp_path_factory.mktemp("jupyter")
    name = _kernel(tmp)
    env = {
        "JUPYTER_PATH": os.pathsep.join([str(tmp), os.environ.get("JUPYTER_PATH", "")]),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "MPLBACKEND": "Agg",
        "CREATORSIM_SIZE": "small",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        out = {}
        for path in NOTEBOOKS:
            nb = jupytext.read(path.with_suffix(".py"))
            if "facts =" in "".join(c.source for c in nb.cells if c.cell_type == "code"):
                nb.cells.append(nbformat.v4.new_code_cell(READ_BACK))
            client = nbclient.NotebookClient(
                nb, kernel_name=name, timeout=TIMEOUT_S,
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()  # raises CellExecutionError, naming the cell, on any error
            out[path.name] = nb
        return out
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_there_are_notebooks():
    assert any(p.name == "validation_musiclab.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_paired_and_committed_with_full_outputs(path: Path):
    source = jupytext.read(path.with_suffix(".py"))  # the pair's .py must exist
    stored = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in source.cells] == [
        (c.cell_type, c.source) for c in stored.cells
    ], f"{path.name} is out of sync with its .py: jupytext --to ipynb --update"
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None and c.outputs for c in code), path.name
    assert "size full" in _stdout(code[0]), "commit the outputs of a full-size run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_small_and_its_asserts_ran(path: Path, executed):
    nb = executed[path.name]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert "size small" in _stdout(code[0]), "the first cell must read CREATORSIM_SIZE"
    asserting = [c for c in code if re.search(r"^\s*assert ", c.source, re.MULTILINE)]
    assert len(asserting) >= 2, f"{path.name}: the notebook asserts none of what its text says"
    typed = [c.source for c in nb.cells if c.cell_type == "markdown" and re.search(r"\d", c.source)]
    assert not typed, f"{path.name}: numbers typed in Markdown (render them from variables)"


def test_musiclab_notebook_reports_the_apis_values(executed):
    nb = executed["validation_musiclab.ipynb"]
    facts = json.loads(_stdout(nb.cells[-1]))
    assert facts["size"] == "small" and facts["seeds"] == SMALL["seeds"]
    data = load_musiclab(ROOT / "examples" / "validation" / "musiclab_exp2.json")
    s = summarize(data, seeds=range(SMALL["seeds"]), worlds=SMALL["worlds"])
    assert facts["sorted_gini"] == s.mean("sorted", "gini_mean")
    assert facts["random_gini"] == s.mean("random", "gini_mean")
    assert facts["independent_gini"] == s.mean("independent", "gini_mean")
    assert facts["sorted_top5"] == s.mean("sorted", "top5_share_mean")
    assert facts["sorted_u"] == s.mean("sorted", "unpredictability")
    assert facts["observed_gini_low"] == 0.446 and facts["observed_gini_high"] == 0.561
    # the rendered conclusions quote these values, formatted as the notebook formats them
    text = "".join(
        o.data.get("text/markdown", "")
        for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o
    )
    assert f"({facts['sorted_gini']:.3f}, inside" in text
    assert f"Unpredictability is {facts['u_ratio_simulated']:.1f} times" in text


def test_mechanics_notebook_states_the_worked_examples(executed):
    """The worked examples come out as the rules, applied by hand, say (docs/scoring.md).

    Reported rule: 17 days from shipping (day 2 -> deadline 19); official: 14 + 7 days from
    delivery. Missed under the reported rule: Ana (posted day 21), Cai (6-minute segments),
    Fay's two samples never shown; under the official rule Ana's late post counts (deadline 27).
    """
    nb = executed["mechanics_step_by_step.ipynb"]
    facts = json.loads(_stdout(nb.cells[-1]))
    assert facts["size"] == "small" and facts["seeds"] == 2 and facts["creators"] == 300
    assert (facts["missed_2022"], facts["missed_official"]) == (4, 3)
    assert 0 < facts["overall_drop_mean"] < 1
    text = "".join(
        o.data.get("text/markdown", "")
        for c in nb.cells if c.cell_type == "code" for o in c.outputs if "data" in o
    )
    assert "deadline was day 19; her video went up on day 21, 2 days late" in text
    assert "deadline day 27, and the same video counts as **fulfilled by a video**" in text
    assert "so it fulfils nothing" in text and "on day 11, 3 days after the re-post" in text
    assert "the sample is **missed** when the window closes (day 19)" in text
    assert "a fulfilment rate of 33%, below the assumed minimum of 50%" in text
    assert f"about\n  {facts['overall_drop_mean']:.0%} of the overall list changes" in text
