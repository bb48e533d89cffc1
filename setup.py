"""Packages for setuptools; everything else is in pyproject.toml.

The repository keeps the shipped scenarios and example datasets at the top level
(``scenarios/``, ``examples/``). The wheel carries them inside the ``sim`` package as
``sim/data/scenarios`` and ``sim/data/examples``: each folder (and each of its subfolders) is
declared as a data-only package whose directory is the top-level folder, with its files as
package data. ``sim.data`` finds them in either place. The code packages are found as usual,
so a new subpackage of ``sim`` or ``scoring`` needs no change here.
"""

import os

from setuptools import find_packages, setup

DATA = {"sim.data.scenarios": "scenarios", "sim.data.examples": "examples"}
FILES = ["*.toml", "*.csv", "*.json", "*.md"]

packages = find_packages(include=["scoring", "scoring.*", "sim", "sim.*"])
package_data = {"scoring": ["py.typed"]}
for package, folder in DATA.items():
    for here, dirs, _files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        rel = os.path.relpath(here, folder)
        name = package if rel == "." else ".".join([package, *rel.split(os.sep)])
        packages.append(name)
        package_data[name] = FILES

setup(packages=packages, package_dir=DATA, package_data=package_data)
