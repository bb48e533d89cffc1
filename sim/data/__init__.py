"""The scenarios and the example datasets that ship with creatorsim, found by name.

The repository keeps them at the top level (``scenarios/``, ``examples/``); the wheel carries
the same files as ``sim/data/scenarios`` and ``sim/data/examples`` (``setup.py`` maps those
package names onto the top-level folders). :func:`scenarios_dir` and :func:`examples_dir`
return whichever exists: the wheel's copy, else the checkout's (a source tree or an editable
install). So ``creatorsim run reported_2022`` works from any directory, and a path works as
before: :func:`scenario_path` reads an argument that names an existing file, or looks like a
path (it has a folder part or ends in ``.toml``), as a path, and anything else as the name of a
shipped scenario. Calibration targets files live in ``scenarios/targets/`` (shipped with the
scenarios' subfolders); :func:`targets_path` finds one by name.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "dataset_path",
    "examples_dir",
    "scenario_names",
    "scenario_path",
    "scenarios_dir",
    "shipped_scenarios",
    "sweep_path",
    "targets_path",
]

_HERE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    packaged = _HERE / name  # inside an installed wheel
    if packaged.is_dir():
        return packaged
    checkout = _HERE.parents[1] / name  # the repository: sim/data/../../<name>
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"creatorsim's {name}/ folder is missing (looked in {packaged} and {checkout}); "
        "reinstall creatorsim"
    )


def scenarios_dir() -> Path:
    """The folder of the shipped scenario files (``*.toml``, sweep files in ``sweeps/``)."""
    return _folder("scenarios")


def examples_dir() -> Path:
    """The folder of the shipped example datasets (``creators_month/``, ``validation/``)."""
    return _folder("examples")


def scenario_names() -> list[str]:
    """The names of the shipped scenarios (file stems), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.toml"))


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario name -> file."""
    return {p.stem: p for p in sorted(scenarios_dir().glob("*.toml"))}


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or text.endswith(".toml") or text.startswith(".")


def scenario_path(name_or_path: str | os.PathLike) -> Path:
    """The file of a scenario given by path or by the name of a shipped one.

    An existing file, or anything that looks like a path, is returned as it is (a missing file
    is reported by whoever opens it). A bare name must be a shipped scenario; otherwise
    ``ValueError`` names the shipped ones.
    """
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.is_file() or _looks_like_path(text):
        return path
    shipped = shipped_scenarios()
    if text in shipped:
        return shipped[text]
    raise ValueError(
        f"scenario {text!r} is neither a file nor a shipped scenario; shipped: "
        + ", ".join(shipped)
        + " (creatorsim scenarios lists them), or give a path to a TOML file"
    )


def dataset_path(name_or_path: str | os.PathLike) -> Path:
    """A dataset folder given by path or by the name of a shipped example (``creators_month``)."""
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.exists() or "/" in text or os.sep in text:
        return path
    shipped = examples_dir() / text
    return shipped if (shipped / "creators.csv").is_file() else path


def sweep_path(name_or_path: str | os.PathLike) -> Path:
    """A sweep file given by path or by the name of a shipped one (``coupling_window``)."""
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.is_file() or _looks_like_path(text):
        return path
    shipped = scenarios_dir() / "sweeps" / f"{text}.toml"
    return shipped if shipped.is_file() else path


def targets_path(name_or_path: str | os.PathLike) -> Path:
    """A calibration targets file given by path or by the name of a shipped one.

    A bare name (``creator_economy``) is looked up in ``scenarios/targets/``; anything else, or
    a name not shipped, is returned as a path (whoever opens it reports a missing file).
    """
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.is_file() or _looks_like_path(text):
        return path
    shipped = scenarios_dir() / "targets" / f"{text}.toml"
    return shipped if shipped.is_file() else path
