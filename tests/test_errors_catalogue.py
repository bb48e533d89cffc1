"""docs/errors.md: the catalogue of bad inputs of the command line and the message each gets.

Each case below runs ``creatorsim`` in a fresh folder, in this process (``sim.cli.main``, what
the console script calls: its exit status and stderr, cases one after another) and takes the
first line of stderr; only the run that holds a lock for the "another run" case is a
subprocess (a subprocess per case spent seconds importing the libraries). The table between
the ``errors:begin`` and ``errors:end`` markers of docs/errors.md must equal the table these
cases produce, so the catalogue cannot drift from the code. After changing a message,
regenerate the table with::

    CREATORSIM_WRITE_ERRORS_DOC=1 python -m pytest tests/test_errors_catalogue.py

Machine-dependent parts are replaced before comparing: the test's folder by ``.``, process ids
by ``N``, the machine's available memory and the size suggested from it by ``N``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "errors.md"
BEGIN, END = "<!-- errors:begin -->", "<!-- errors:end -->"
UNWRITABLE = "/sys" if os.geteuid() == 0 else "ro"  # /sys refuses even root


@dataclass(frozen=True)
class Case:
    command: str  # the subcommand, for the table
    what: str  # the bad input, in words
    args: tuple[str, ...]
    setup: Callable[[Path], None] | None = None
    env: tuple[tuple[str, str], ...] = ()


def _file(name: str, data: bytes = b"") -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes(data)


def _folder(name: str, *files: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / name).mkdir()
        for f in files:
            (d / name / f).write_text("mine\n")

    return make


def _unwritable(d: Path) -> None:
    if UNWRITABLE == "ro":
        (d / "ro").mkdir()
        (d / "ro").chmod(0o555)


# no merchant reads the overall list (goal_overall 0), so its weights reach no outcome
COOP = (
    b'[scenario]\nname = "coop2"\n\n[merchants]\ngoal_overall = 0.0\n\n'
    b"[scoring.overall]\ncooperation = 2.0\n"
)
SMALL = ("--creators", "300", "--days", "10", "--no-progress", "--set", "time.burn_in_days=0")

CASES: tuple[Case, ...] = (
    Case("run", "a negative seed", ("run", "reported_2022", "--seed", "-1")),
    Case("run", "fewer than 10 creators", ("run", "reported_2022", "--creators", "5")),
    Case(
        "run",
        "a population that cannot fit in memory",
        ("run", "reported_2022", "--creators", "1000000000"),
    ),
    Case("run", "--out is a file", ("run", "reported_2022", *SMALL, "--out", "f"), _file("f")),
    Case(
        "run",
        "--out is a non-empty folder that holds no run",
        ("run", "reported_2022", *SMALL, "--out", "notes"),
        _folder("notes", "draft.txt"),
    ),
    Case(
        "run",
        "--out in a folder that cannot be written",
        ("run", "reported_2022", *SMALL, "--out", f"{UNWRITABLE}/o"),
        _unwritable,
    ),
    Case(
        "run",
        "another run is writing to the same --out",
        ("run", "reported_2022", *SMALL, "--out", "o"),
        None,
        (("SECOND_RUN", "1"),),
    ),
    Case("run", "a scenario that is a folder", ("run", "sc/"), _folder("sc")),
    Case(
        "run",
        "a scenario that is a binary file",
        ("run", "sc.toml"),
        _file("sc.toml", b"\x7fELF\x02\x01\x01\x00\xff\xfe"),
    ),
    Case("run", "an unknown scenario name", ("run", "reported_2O22")),
    Case(
        "run",
        "--set with a value the scenario refuses",
        ("run", "reported_2022", "--set", "time.burn_in_days=-3"),
    ),
    Case("run", "--set with an unknown key", ("run", "reported_2022", "--set", "time.burn_in=0")),
    Case("run", "--set without =", ("run", "reported_2022", "--set", "time.burn_in_days")),
    Case(
        "explain",
        "a change no outcome can see (warning)",
        ("explain", "coop2.toml"),
        _file("coop2.toml", COOP),
    ),
    Case("score", "--format without --out", ("score", "creators_month", "--format", "parquet")),
    Case("score", "--out is a file", ("score", "creators_month", "--out", "f"), _file("f")),
    Case(
        "score",
        "--start-date that is not a date",
        ("score", "creators_month", "--start-date", "2022-11-31"),
    ),
    Case(
        "score",
        "a window that starts before the data (warning)",
        ("score", "creators_month", "--window", "month", "--day", "20"),
    ),
    Case("score", "a dataset folder that does not exist", ("score", "nowhere/")),
    Case(
        "compare",
        "--out is a file",
        ("compare", "reported_2022", "feed_coupled", "--out", "f"),
        _file("f"),
    ),
    Case("compare", "a base without a variant", ("compare", "reported_2022")),
    Case(
        "compare",
        "the old name of --skip-days",
        ("compare", "reported_2022", "feed_coupled", "--burn-in", "30"),
    ),
    Case(
        "compare",
        "--set with a value the scenario refuses",
        ("compare", "reported_2022", "feed_coupled", "--set", "adaptation.rule=best"),
    ),
    Case(
        "compare",
        "--rules with a rule that does not exist",
        ("compare", "reported_2022", "feed_coupled", "--rules", "gradient,greedy"),
    ),
    Case(
        "compare",
        "--at without --posterior",
        ("compare", "reported_2022", "feed_coupled", "--rules", "all", "--at", "q05"),
    ),
    Case(
        "compare",
        "--posterior with q05 above the median",
        ("compare", "reported_2022", "feed_coupled", "--posterior", "p.json"),
        _file("p.json", b'{"attention.views_per_creator": {"median": 3, "q05": 4, "q95": 5}}'),
    ),
)


def _normalise(text: str, cwd: Path) -> str:
    text = text.replace(str(cwd), ".")
    text = re.sub(r"pid \d+", "pid N", text)
    text = re.sub(r"this machine has [\d.]+ GB", "this machine has N GB", text)
    text = re.sub(r"--creators [\d,]+ or fewer", "--creators N or fewer", text)
    return text


def _main(args: tuple[str, ...], cwd: Path) -> tuple[int, str]:
    """``creatorsim ARGS`` run in ``cwd`` in this process: (exit status, stderr)."""
    from sim.cli import main

    err = io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                status = main(list(args))
            except SystemExit as exc:  # argparse: bad arguments
                status = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(before)
    return status, err.getvalue()


def _run(case: Case, cwd: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CREATORSIM_TEST_PAUSE_AT", None)
    env.pop("CREATORSIM_TEST_AVAILABLE_MEMORY", None)
    cmd = [sys.executable, "-m", "sim.cli", *case.args]
    first = None
    if dict(case.env).get("SECOND_RUN"):  # a first run holds the lock while paused
        first = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={**env, "CREATORSIM_TEST_PAUSE_AT": "simulate:120"},
        )
        assert first.stderr is not None
        for line in first.stderr:
            if "test pause at simulate" in line:
                break
    try:
        status, stderr = _main(case.args, cwd)
    finally:
        if first is not None:  # it has served its purpose: holding the lock
            first.kill()
            first.wait(timeout=60)
    lines = [ln for ln in stderr.splitlines() if ln.startswith("creatorsim")]
    return status, _normalise(lines[0] if lines else stderr.strip(), cwd)


def _cell(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def catalogue(tmp_path: Path) -> str:
    """The Markdown table the cases produce."""
    rows = [
        "| command | bad input | exit | message (first line of stderr) |",
        "|---|---|---:|---|",
    ]

    def one(k: int) -> tuple[int, str]:
        cwd = tmp_path / f"case{k}"
        cwd.mkdir()
        if CASES[k].setup:
            CASES[k].setup(cwd)
        return _run(CASES[k], cwd)

    # Each case in a folder of its own, one after another (the working folder is per process).
    results = [one(k) for k in range(len(CASES))]
    for case, (status, message) in zip(CASES, results, strict=True):
        shown = " ".join(case.args).replace(UNWRITABLE + "/", "RO/")
        rows.append(
            f"| `creatorsim {shown}` | {case.what} | {status} | "
            f"{_cell(message.replace(UNWRITABLE + '/', 'RO/').replace(UNWRITABLE, 'RO'))} |"
        )
    return "\n".join(rows)


def test_the_errors_catalogue_matches_what_the_commands_print(tmp_path):
    table = catalogue(tmp_path)
    doc = DOC.read_text()
    head, rest = doc.split(BEGIN)
    _old, tail = rest.split(END)
    if os.environ.get("CREATORSIM_WRITE_ERRORS_DOC"):
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")
    assert f"{BEGIN}\n{table}\n{END}" in DOC.read_text(), (
        "docs/errors.md is out of date; regenerate it (see this module's doc):\n" + table
    )
    # every message is one line naming what is wrong, never Python's own words
    for line in table.splitlines()[2:]:
        assert "[Errno" not in line and "Traceback" not in line, line
