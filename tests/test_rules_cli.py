"""``creatorsim compare --rules/--posterior/--at``: one table of a paired effect per setting,
its files, and its one-line errors (run as a subprocess, as a user would)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
POSTERIOR = Path(__file__).parent / "fixtures" / "posterior_small.json"
# 45 reported days: the daily fulfilment rate counts samples shipped since day 0 whose
# deadline has passed (17 days after shipping; 30 in window_30_days), so it is undefined
# before then
TINY = ("--seeds", "2", "--days", "45", "--creators", "100", "--set", "time.burn_in_days=30")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


def test_compare_under_two_rules_and_two_posterior_points_writes_one_table(tmp_path):
    out = tmp_path / "cmp"
    p = _cli(
        "compare",
        "reported_2022",
        "window_30_days",
        *TINY,
        "--rules",
        "none,exp3",
        "--posterior",
        str(POSTERIOR),
        "--at",
        "q95",
        "--outcome",
        "fulfilment_rate_final",
        "--outcome",
        "gmv_mean",
        "--out",
        str(out),
        "--no-progress",
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    settings = ["none median", "exp3 median", "none q95", "exp3 q95"]
    header = next(line for line in p.stdout.splitlines() if line.startswith("outcome"))
    assert [s for s in settings if s in header] == settings
    table = pq.read_table(out / "rules.parquet").to_pylist()
    assert {(r["setting"], r["outcome"]) for r in table} == {
        (s, o) for s in settings for o in ("fulfilment_rate_final", "gmv_mean")
    }
    # a longer window: more samples featured in time, under every setting
    assert all(r["difference"] > 0 for r in table if r["outcome"] == "fulfilment_rate_final")
    # the posterior's q95 viewers' budget (900 against 300) raises sales in the base arm
    gmv = {r["setting"]: r["base_mean"] for r in table if r["outcome"] == "gmv_mean"}
    assert gmv["none q95"] > gmv["none median"] and gmv["exp3 q95"] > gmv["exp3 median"]
    labels = {r["label"] for r in table}
    assert labels <= {"robust", "not found", "contradictory", "constant"} | {
        lab for lab in labels if lab.startswith("conditional: under ")
    }
    assert (out / "rules.txt").read_text() in p.stdout
    for folder in ("rule-none-median", "rule-exp3-median", "rule-none-q95", "rule-exp3-q95"):
        assert (out / folder / "compare.txt").is_file()
    assert "wrote " in p.stdout and "rules.parquet" in p.stdout


def _main(*args: str) -> tuple[int, str]:
    """``creatorsim ARGS`` in this process (what the console script calls): status, stderr."""
    import contextlib
    import io

    from sim.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse
            status = exc.code
    return status, err.getvalue()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--rules", "greedy"), "argument --rules: 'greedy': greedy is not a rule; use all or"),
        (("--at", "q05"), "creatorsim compare: error: --at needs --posterior FILE"),
        (("--at", "q50"), "argument --at: 'q50': q50 is not a point; use a comma list of"),
        (("--posterior", "missing.json"), "error: --posterior missing.json: cannot be read"),
    ],
)
def test_a_bad_robustness_option_is_one_line_before_any_run(tmp_path, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    status, err = _main("compare", "reported_2022", "window_30_days", *extra)
    assert status == 2, err
    assert message in err.strip().splitlines()[-1], err
    assert not (tmp_path / "out").exists()


def test_a_posterior_key_the_scenario_lacks_is_one_line_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.toml").write_text('["attention.nonsense"]\nmedian = 1\nq05 = 0\nq95 = 2\n')
    status, err = _main("compare", "reported_2022", "window_30_days", "--posterior", "p.toml")
    assert status == 2, err
    assert err.strip() == (
        "creatorsim compare: error: --posterior p.toml: attention.nonsense is not a scenario "
        "key (see creatorsim explain); allowed: the keys of the scenario's tables"
    )


def test_skip_days_reaches_every_setting(tmp_path):
    # --skip-days leaves the first days out of the means under --rules as in plain compare:
    # skipping 30 of 45 reported days changes the base's mean GMV a day (it would not if the
    # option were dropped on the way to the settings).
    means = {}
    for skip in ("0", "30"):
        out = tmp_path / f"skip{skip}"
        p = _cli(
            "compare",
            "reported_2022",
            "window_30_days",
            *TINY,
            "--rules",
            "none",
            "--outcome",
            "gmv_mean",
            "--skip-days",
            skip,
            "--out",
            str(out),
            "--no-progress",
            cwd=tmp_path,
        )
        assert p.returncode == 0, p.stderr
        [row] = pq.read_table(out / "rules.parquet").to_pylist()
        means[skip] = row["base_mean"]
    assert means["0"] != means["30"], means
