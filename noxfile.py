"""The test matrix: the suite on Python 3.13 (Mesa 3.5 from pip) beside ``make test`` on 3.11.

``make test-313`` (and ``make test-matrix``, after ``make test``) runs ``nox -s tests-3.13``.
nox builds ``.nox/tests-3-13`` with the interpreter in ``$CREATORSIM_PY313`` (the Makefile sets
it to pyenv's 3.13 when pyenv has one), else ``python3.13`` on PATH, installs the project with
every extra the suite needs, prints the Python and Mesa versions, then runs ruff and pytest.
``nox -s tests-3.11`` runs the same on 3.11 (what ``make test`` does in ``.venv``).
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests-3.13"]
nox.options.reuse_existing_virtualenvs = True

EXTRAS = "test,experiments,notebooks,app,calibration"
PY313 = os.environ.get("CREATORSIM_PY313") or "3.13"


@nox.session(name="tests-3.13", python=PY313)
def tests_313(session: nox.Session) -> None:
    """The suite on Python 3.13."""
    _suite(session)


@nox.session(name="tests-3.11", python="3.11")
def tests_311(session: nox.Session) -> None:
    """The suite on Python 3.11 (as ``make test``)."""
    _suite(session)


def _suite(session: nox.Session) -> None:
    session.install("-e", f".[{EXTRAS}]")
    session.run(
        "python",
        "-c",
        "import sys, mesa; print('Python', sys.version.split()[0], '- Mesa', mesa.__version__)",
    )
    session.run(
        "ruff", "check", "scoring", "sim", "tests", "benchmarks", "docs", "notebooks", "noxfile.py",
        "setup.py",
    )
    # One worker per core (pytest-xdist), a test file per worker: about half the time on 2 cores.
    xdist = ("-n", "auto", "--dist", "loadfile")
    session.run("python", "-m", "pytest", "-q", *xdist, *session.posargs)
