"""Packaging as a user meets it: the wheel (with the scenarios and examples inside) in a fresh
venv, scenarios by name from any folder, one-line errors for missing extras, short reprs, the
shared argument types, and the command line's module graph (no cycle, nothing loaded twice)."""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sim.cli.args import float_in, int_at_least, safe_name
from sim.data import dataset_path, scenario_names, scenario_path, sweep_path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("feed_coupled", "no_cooperation", "official_2024", "reported_2022", "window_30_days")


def run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout, check=False
    )


def repo_env(**extra: str) -> dict[str, str]:
    """This checkout's code first on the path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([*extra.values(), str(ROOT)])}


# -- the wheel -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (the checkout gets no build/ folder)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = _mkdir(tmp / "src")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "*.egg-info")
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("sim", "scoring", "scenarios", "examples"):
        shutil.copytree(ROOT / name, src / name, ignore=skip)
    try:  # without build isolation when this interpreter can build it: offline and faster
        import setuptools

        offline = int(setuptools.__version__.split(".")[0]) >= 77
    except ImportError:
        offline = False
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp / "dist"), str(src)]
    r = run([*cmd, "--no-build-isolation"] if offline else cmd, cwd=tmp, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    text = (r.stdout + r.stderr).lower()
    assert "deprecat" not in text, r.stdout + r.stderr  # no setuptools deprecation warning
    (found,) = (tmp / "dist").glob("creatorsim-*.whl")
    return found


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True)
    return p


def test_wheel_carries_the_scenarios_examples_license_and_script(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in SHIPPED:
        assert f"sim/data/scenarios/{name}.toml" in names
    assert "sim/data/scenarios/sweeps/coupling_window.toml" in names
    for table in ("creators", "activity", "samples", "features", "messages"):
        assert f"sim/data/examples/creators_month/{table}.csv" in names
    assert "sim/data/examples/validation/musiclab_exp2.json" in names
    assert "sim/cli/__main__.py" in names and "scoring/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "scenarios/", "examples/"))]
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert "License-Expression: MIT" in text
    for extra in ("experiments", "notebooks", "app", "test"):
        assert f"Provides-Extra: {extra}" in text
    assert "Requires-Dist: networkx" in text  # Mesa 3.5 imports it
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "creatorsim = sim.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_a_shipped_scenario_by_name_from_any_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    r = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    site = Path(
        run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).stdout.strip()
    )
    # The dependencies (not creatorsim) come from this interpreter's site-packages: a plain
    # path in a .pth file adds the folder without running the .pth files in it (so no
    # editable install of this checkout leaks in).
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    r = run(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--ignore-installed",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr

    elsewhere = _mkdir(tmp_path / "somewhere" / "else")
    where = run(
        [str(py), "-c", "import sim, scoring; print(sim.__file__); print(scoring.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    assert where.returncode == 0 and len(where.stdout.split()) == 2, where.stderr
    for line in where.stdout.split():  # the wheel's copy, not this checkout's
        assert Path(line).resolve().is_relative_to(venv.resolve()), line
    script = str(venv / "bin" / "creatorsim")
    r = run([script, "scenarios"], cwd=elsewhere, env=env)
    assert r.returncode == 0, r.stderr
    assert all(re.search(rf"^  {n} +\S", r.stdout, re.M) for n in SHIPPED), r.stdout
    r = run(
        [
            script,
            "run",
            "reported_2022",
            "--creators",
            "2000",
            "--days",
            "30",
            "--seed",
            "1",
            "--no-progress",
            "--set",
            "time.burn_in_days=0",  # the installed wheel is under test, not the model
        ],
        cwd=elsewhere,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert "ran reported_2022 (reported_2022), seed 1: 2,000 creators, 30 days" in r.stdout
    out = elsewhere / "out" / "reported_2022-seed1"
    assert (out / "run.json").is_file() and (out / "daily.parquet").is_file()
    import json

    meta = json.loads((out / "run.json").read_text())
    assert Path(meta["scenario"]["path"]).resolve().is_relative_to(venv.resolve())
    r = run(
        [
            script,
            "score",
            "creators_month",
            "--scenario",
            "official_2024",
            "--list",
            "gmv",
            "--top",
            "1",
        ],
        cwd=elsewhere,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert "36 creators" in r.stdout or "of 36 creators eligible" in r.stdout


# -- scenarios by name -----------------------------------------------------------------------
def test_names_and_paths_resolve(tmp_path):
    assert scenario_names() == list(SHIPPED)
    assert scenario_path("reported_2022") == ROOT / "scenarios" / "reported_2022.toml"
    assert scenario_path("my/own.toml") == Path("my/own.toml")  # a path stays a path
    with pytest.raises(
        ValueError,
        match=r"'reported_2023' is neither a file nor a shipped .*"
        r"official_2024, reported_2022",
    ):
        scenario_path("reported_2023")
    assert sweep_path("coupling_window") == ROOT / "scenarios" / "sweeps" / "coupling_window.toml"
    assert dataset_path("creators_month") == ROOT / "examples" / "creators_month"
    assert dataset_path(tmp_path) == tmp_path


def test_scenarios_command_lists_every_shipped_scenario_with_its_description(tmp_path):
    from sim.scenario import Scenario

    r = run([sys.executable, "-m", "sim.cli", "scenarios"], cwd=tmp_path, env=repo_env())
    assert r.returncode == 0, r.stderr
    assert "5 shipped scenarios" in r.stdout
    for name in SHIPPED:
        first = " ".join(Scenario.from_toml(scenario_path(name)).description.split()[:6])
        assert re.search(rf"^  {name} +{re.escape(first)}", r.stdout, re.M), name
    assert "coupling_window.toml" in r.stdout


def test_explain_takes_a_name_from_another_folder(tmp_path):
    r = run(
        [sys.executable, "-m", "sim.cli", "explain", "window_30_days"], cwd=tmp_path, env=repo_env()
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("scenario window_30_days (window_30_days)")
    r = run(
        [sys.executable, "-m", "sim.cli", "run", "nope", "--seed", "1"],
        cwd=tmp_path,
        env=repo_env(),
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "scenario 'nope' is neither a file nor a shipped scenario" in r.stderr


# -- missing extras --------------------------------------------------------------------------
BLOCKER = """\
import importlib.abc, os, sys

BLOCKED = set(os.environ.get("CREATORSIM_TEST_BLOCK", "").split(","))


class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Blocker())
"""


@pytest.fixture
def blocked(tmp_path):
    """Run ``python -m sim.cli`` (or code) with some top-level modules made unimportable."""
    site = _mkdir(tmp_path / "blocker")
    (site / "sitecustomize.py").write_text(BLOCKER)

    def go(modules: str, *args: str, code: str | None = None):
        env = {**repo_env(blocker=str(site)), "CREATORSIM_TEST_BLOCK": modules}
        cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "sim.cli", *args]
        return run(cmd, cwd=tmp_path, env=env)

    return go


def test_the_blocker_blocks(blocked):
    r = blocked("SALib", code="import SALib")
    assert r.returncode == 1 and "No module named 'SALib'" in r.stderr


@pytest.mark.parametrize(
    ("modules", "args", "needle"),
    [
        (
            "SALib",
            ["sweep", "coupling_window"],
            "creatorsim sweep needs the 'experiments' extra: pip install 'creatorsim[experiments]'",
        ),
        ("SALib", ["sensitivity", "."], "creatorsim sensitivity needs the 'experiments' extra"),
        (
            "distributed",
            ["compare", "reported_2022", "feed_coupled", "--scheduler", "tcp://127.0.0.1:9"],
            "on a Dask cluster needs the 'experiments' extra",
        ),
    ],
)
def test_a_missing_extra_is_one_line_naming_the_extra(blocked, modules, args, needle):
    r = blocked(modules, *args)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("creatorsim: error: "), r.stderr
    assert needle in lines[0]


def test_load_run_without_pandas_says_which_extra(blocked, tmp_path):
    code = "import sim\ntry:\n    sim.load_run('.')\nexcept ImportError as e:\n    print(e)"
    r = blocked("pandas,mesa", code=code)  # reading results needs neither the model nor Mesa
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (
        "sim.load_run needs the 'notebooks' extra: pip install 'creatorsim[notebooks]'"
    )


def test_the_base_commands_work_without_any_extra(blocked, tmp_path):
    r = blocked(
        "SALib,distributed,dask,pandas,duckdb,ipywidgets,solara", "explain", "reported_2022"
    )
    assert r.returncode == 0, r.stderr


# -- load_run and stacking -------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from sim.run import run_scenario
    from sim.scenario import Scenario

    out = tmp_path_factory.mktemp("runs")
    base = Scenario.from_toml(scenario_path("reported_2022"))
    coupled = Scenario.from_toml(scenario_path("feed_coupled"))
    return [
        run_scenario(
            sc,
            seed=seed,
            days=8,
            creators=60,
            out_dir=out / f"{sc.name}-{seed}",
            progress=False,
            values={"time.burn_in_days": 0},
        )
        for sc, seed in ((base, 1), (coupled, 2))
    ]


def test_every_table_carries_scenario_and_seed_and_runs_stack(two_runs):
    pd = pytest.importorskip("pandas")
    import sim

    loaded = [sim.load_run(r.out_dir) for r in two_runs]
    for run_, got in zip(two_runs, loaded, strict=True):
        for name, table in (("daily", got.daily), ("creators", got.creators), ("lists", got.lists)):
            assert list(table.columns[:2]) == ["scenario", "seed"], name
            assert set(table["scenario"]) == {run_.scenario.name}, name
            assert set(table["seed"]) == {run_.seed}, name
        np.testing.assert_array_equal(got.daily["day"].to_numpy(), run_.daily["day"])
        np.testing.assert_array_equal(got.daily["gmv"].to_numpy(), run_.daily["gmv"])
        assert got.metadata["seed"] == run_.seed
    daily = pd.concat([g.daily for g in loaded], ignore_index=True)
    assert daily.groupby(["scenario", "seed"]).size().to_dict() == {
        ("feed_coupled", 2): 8,
        ("reported_2022", 1): 8,
    }


def test_load_run_of_a_folder_without_run_json_names_it(tmp_path):
    pytest.importorskip("pandas")
    import sim

    with pytest.raises(FileNotFoundError, match=r"no run\.json"):
        sim.load_run(tmp_path)


# -- short reprs -----------------------------------------------------------------------------
def test_results_have_short_informative_reprs(two_runs, tmp_path):
    pytest.importorskip("pandas")
    import math

    import sim
    from sim.experiments import (
        Factor,
        FunctionModel,
        SweepSpec,
        analyse_sweep,
        compare,
        ishigami,
        run_sweep,
    )
    from sim.scenario import Scenario

    r = two_runs[0]
    text = repr(r)
    assert len(text) < 200, text
    assert "reported_2022 seed 1" in text and "60 creators, 8 days" in text
    assert f"daily 8x{len(r.daily)}" in text and str(r.out_dir) in text
    text = repr(sim.load_run(r.out_dir))
    assert len(text) < 250 and "reported_2022 seed 1" in text and "daily 8x" in text

    spec = SweepSpec(
        "ish",
        tuple(Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)),
        method="sobol",
        samples=64,
        root_seed=1,
    )
    sweep = run_sweep(
        spec, tmp_path / "s", model=FunctionModel(ishigami, ("x1", "x2", "x3")), progress=False
    )
    text = repr(sweep)
    assert len(text) < 300, text
    assert "ish: sobol over x1, x2, x3; 320 points x 1 seeds = 320 runs" in text
    sens = analyse_sweep(sweep, resamples=50)
    text = repr(sens)
    assert len(text) < 300, text
    assert "sobol, 3 parameters, 1 outcomes, 320 points" in text and "y: x1 (ST" in text

    base = Scenario.from_toml(scenario_path("reported_2022")).with_values({"time.burn_in_days": 0})
    richer = base.with_values({"attention.purchase_rate": 0.09})
    import dataclasses

    richer = dataclasses.replace(richer, name="richer")
    cmp = compare(
        [base, richer],
        seeds=2,
        days=6,
        creators=40,
        out_dir=tmp_path / "c",
        outcomes=["gmv_mean"],
        progress=False,
    )
    text = repr(cmp)
    assert len(text) < 300, text
    assert text.startswith("<Comparison richer against reported_2022: 2 paired seeds, 1 outcomes")


# -- the shared argument types ---------------------------------------------------------------
def test_int_at_least_float_in_and_safe_name():
    seeds = int_at_least(0, "a seed")
    assert seeds("7") == 7
    with pytest.raises(
        argparse.ArgumentTypeError, match=r"^-1 is not allowed: use an integer >= 0$"
    ):
        seeds("-1")
    with pytest.raises(
        argparse.ArgumentTypeError, match=r"^'x' is not a seed \(an integer >= 0\)$"
    ):
        seeds("x")
    day = int_at_least(0, "a day number", hint="day numbers start at 0")
    with pytest.raises(argparse.ArgumentTypeError, match=r"^-2 is not allowed: day numbers start"):
        day("-2")
    share = float_in(0, 1, "a share")
    assert share("0.25") == 0.25 and share("1") == 1.0
    for bad in ("1.5", "-0.1", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"use a number in \[0, 1\]"):
            share(bad)
    with pytest.raises(argparse.ArgumentTypeError, match=r"'lots' is not a share \(a number in"):
        share("lots")
    rate = float_in(0, None, "a rate", lo_open=True)
    assert rate("3e9") == 3e9
    with pytest.raises(argparse.ArgumentTypeError, match=r"use a number in \(0, inf\)"):
        rate("0")
    assert safe_name("reported 2022 / v2") == "reported_2022_v2"
    assert safe_name("..") == "run" and safe_name("../x", "scenario") == "x"


# -- the module graph ------------------------------------------------------------------------
def test_python_m_sim_cli_loads_no_module_twice(tmp_path):
    r = run(
        [
            sys.executable,
            "-W",
            "error::RuntimeWarning",
            "-X",
            "importtime",
            "-m",
            "sim.cli",
            "scenarios",
        ],
        cwd=tmp_path,
        env=repo_env(),
    )
    assert r.returncode == 0, r.stderr
    assert "found in sys.modules" not in r.stderr
    mods = [
        ln.rsplit("|", 1)[1].strip()
        for ln in r.stderr.splitlines()
        if ln.startswith("import time:") and ln.count("|") == 2
    ]
    ours = [m for m in mods if m.split(".")[0] in ("sim", "scoring")]
    assert "sim.cli.commands" in ours and "sim.cli.args" in ours
    assert len(ours) == len(set(ours)), sorted(m for m in ours if ours.count(m) > 1)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported from, names) of every ``from ... import`` in a file, resolved."""
    pkg = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        pkg += ".__init__"
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = pkg.split(".")[: -node.level] if node.level else []
            mod = ".".join([*base, *([node.module] if node.module else [])])
            out.append((mod, [a.name for a in node.names]))
    return out


#: Not yet mended, in a file of the scoring engine (owned elsewhere): remove when fixed.
KNOWN_PRIVATE_IMPORTS: set[str] = set()


def test_no_module_imports_another_modules_private_name():
    offenders = []
    for path in sorted([*(ROOT / "sim").rglob("*.py"), *(ROOT / "scoring").rglob("*.py")]):
        for mod, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and mod != "__future__":
                offenders.append(f"{path.relative_to(ROOT)}: from {mod} import {private}")
    assert set(offenders) <= KNOWN_PRIVATE_IMPORTS, offenders


def test_cli_modules_form_no_cycle_and_the_library_does_not_import_the_cli():
    """sim.cli.* imports: args imports nothing of ours; no library module imports sim.cli
    (except sim.cli.args); the command modules never import sim.cli.commands."""
    cli = ROOT / "sim" / "cli"
    for path in cli.glob("*.py"):
        for mod, names in _imports(path):
            if path.name == "args.py":
                assert not mod.startswith(("sim", "scoring")), mod
            if path.name not in ("__init__.py", "__main__.py"):
                assert mod != "sim.cli.commands" and not (mod == "sim.cli" and "main" in names)
    for path in (ROOT / "sim").rglob("*.py"):
        if cli in path.parents:
            continue
        for mod, names in _imports(path):
            target = [f"{mod}.{n}" for n in names] if mod == "sim.cli" else [mod]
            assert all(not t.startswith("sim.cli") or t == "sim.cli.args" for t in target), (
                path,
                mod,
                names,
            )


def test_scored_datasets_have_short_informative_reprs():
    from scoring import ScoringPolicy, load_dataset, score_dataset
    from sim.data import dataset_path

    data = load_dataset(dataset_path("creators_month"))
    text = repr(data)
    assert len(text) < 300 and "30 days" in text and "creators=36" in text, text
    result = score_dataset(data, ScoringPolicy(), day=29, window="week")
    text = repr(result)
    assert len(text) < 300, text
    assert "week window ending day 29" in text and f"of {result.creator_ids.size} creators" in text


def test_sim_cli_main_stays_the_entry_function_after_the_commands_load():
    import sim.cli
    import sim.cli.commands  # a submodule named like the function would shadow it

    assert callable(sim.cli.main) and sim.cli.main.__module__ == "sim.cli"
    assert sim.cli.main(["scenarios"]) == 0
