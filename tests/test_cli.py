"""The ``creatorsim score`` command, run as a user would: a subprocess."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def creatorsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed console script (or the module when not installed)."""
    script = Path(sys.executable).parent / "creatorsim"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def _write(path: Path, rows: list[list]) -> None:
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)


ACT_HEAD = ["day", "creator_id", "videos", "livestreams", "live_minutes", "products_linked",
            "views", "watch_seconds", "engagements", "followers", "product_views", "orders", "gmv"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Three beauty creators and one baby creator over 8 days; hand-checkable GMV list."""
    d = tmp_path / "small"
    d.mkdir()
    _write(d / "creators.csv", [["creator_id", "category", "followers"],
                                ["a", "beauty", 5000], ["b", "beauty", 8000],
                                ["c", "beauty", 200], ["d", "baby", 3000]])
    rows = [ACT_HEAD]
    for day in range(8):
        rows.append([day, "a", 1, 0, 0, 2, 1000, 20000, 50, 5000 + day, 40, 4, 40.0])
        rows.append([day, "b", 1, 1, 30, 1, 3000, 30000, 90, 8000 + 10 * day, 60, 2, 100.0])
        rows.append([day, "c", 2, 0, 0, 3, 500, 5000, 10, 200, 10, 1, 10.0])
        rows.append([day, "d", 1, 0, 0, 1, 700, 7000, 20, 3000, 20, 3, 30.0])
    _write(d / "activity.csv", rows)
    _write(d / "samples.csv", [["sample_id", "creator_id", "merchant_id", "shipped_day",
                                "delivered_day"], ["s1", "a", "m1", 0, 2]])
    _write(d / "features.csv", [["sample_id", "kind", "start_day", "end_day",
                                 "continuous_minutes"], ["s1", "video", 3, "", ""]])
    _write(d / "messages.csv", [["message_id", "creator_id", "merchant_id", "sent_hour",
                                 "replied_hour"], ["x1", "a", "m1", 5, 7.5]])
    return d


def test_score_prints_lists_per_category(small):
    r = creatorsim("score", str(small), "--day", "7", "--window", "week", "--list", "gmv")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # week GMV: b = 7 x 100 = 700, a = 7 x 40 = 280; c is excluded (200 followers < 1000)
    beauty = out[out.index("[beauty] gmv"):]
    assert "1. b" in beauty and "GMV 700.00" in beauty
    assert "2. a" in beauty and "GMV 280.00" in beauty
    assert " c " not in beauty.split("[baby]")[0]
    assert "[baby] gmv" in out and "1. d" in out
    assert "3 of 4 creators eligible" in out


def test_score_narrows_by_category_list_and_top(small):
    r = creatorsim("score", str(small), "--category", "beauty", "--list", "popularity",
                   "--top", "1")
    assert r.returncode == 0, r.stderr
    assert "[baby]" not in r.stdout and "[beauty] popularity list (top 1)" in r.stdout
    assert r.stdout.count(" 1. ") == 1 and " 2. " not in r.stdout


def test_explain_shows_components_ranks_samples_and_reasons(small):
    r = creatorsim("score", str(small), "--day", "7", "--explain", "c")
    assert r.returncode == 0, r.stderr
    assert "EXCLUDED from every list" in r.stdout and "too_few_followers" in r.stdout
    assert "followers 200 < min_followers 1000" in r.stdout
    r = creatorsim("score", str(small), "--day", "7", "--explain", "a")
    assert r.returncode == 0, r.stderr
    for part in ("sales", "orders_per_k_views", "cooperation", "fulfilment_rate", "s1",
                 "fulfilled_video (day 5)"):
        assert part in r.stdout, part


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_out_writes_tidy_tables(small, tmp_path, fmt):
    out = tmp_path / "out"
    r = creatorsim("score", str(small), "--out", str(out), "--format", fmt)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{n}.{fmt}" for n in ("lists", "indices", "samples", "eligibility"))
    if fmt == "csv":
        with (out / "samples.csv").open() as fh:
            rows = list(csv.DictReader(fh))
        assert rows[0]["sample_id"] == "s1" and rows[0]["status"] == "fulfilled_video"
        assert rows[0]["decided_day"] == "5"  # posted day 3, up 3 days straight: 3, 4, 5
    else:
        import pyarrow.parquet as pq

        t = pq.read_table(out / "eligibility.parquet").to_pydict()
        assert dict(zip(t["creator_id"], t["too_few_followers"], strict=True))["c"] is True


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--window", "year"], "invalid choice: 'year'"),
        (["--top", "0"], "0 is not allowed: use an integer >= 1"),
        (["--day", "-1"], "day numbers start at 0"),
        (["--day", "x"], "'x' is not a day number"),
        (["--list", "fame"], "invalid choice: 'fame'"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(small, args, needle):
    r = creatorsim("score", str(small), *args)
    assert r.returncode == 2
    assert needle in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--day", "99"], "day = 99: allowed a day of the data, 0 to 7"),
        (["--explain", "zz"], "creator_id 'zz' is not in"),
        (["--category", "toys"], "--category 'toys' is not in the data; allowed: baby, beauty"),
        (["--scenario", "missing.toml"], "an existing TOML file"),
    ],
)
def test_bad_requests_exit_1_with_the_reason(small, args, needle):
    r = creatorsim("score", str(small), *args)
    assert r.returncode == 1
    assert needle in r.stderr and "Traceback" not in r.stderr


def test_bad_scenario_lists_every_problem(small, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("[scoring]\nlist_length = -3\n[scoring.fulfilment]\nclock_start = 'never'\n")
    r = creatorsim("score", str(small), "--scenario", str(f))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "2 problem(s)" in r.stderr
    assert f"{f}: scoring.list_length = -3" in r.stderr
    assert "scoring.fulfilment.clock_start = 'never': one of 'shipped', 'delivered'" in r.stderr


def test_bad_data_exits_1_naming_table_row_column_and_value(small):
    rows = list(csv.reader((small / "activity.csv").open()))
    rows[3][ACT_HEAD.index("views")] = "-5"
    rows[5][ACT_HEAD.index("videos")] = "many"
    _write(small / "activity.csv", rows)
    r = creatorsim("score", str(small))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "activity" in r.stderr and "row 4" in r.stderr and "'views'" in r.stderr
    assert "-5" in r.stderr and "row 6" in r.stderr and "'videos'" in r.stderr


def test_missing_dataset_folder(tmp_path):
    r = creatorsim("score", str(tmp_path / "nowhere"))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "nowhere" in r.stderr


def test_score_takes_a_shipped_example_and_scenario_by_name(tmp_path):
    r = creatorsim("score", "creators_month", "--scenario", "reported_2022", "--day", "29",
                   "--list", "gmv", "--top", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    by_path = creatorsim("score", str(ROOT / "examples" / "creators_month"), "--scenario",
                         str(ROOT / "scenarios" / "reported_2022.toml"), "--day", "29", "--list",
                         "gmv", "--top", "1")
    assert r.stdout.splitlines()[1:] == by_path.stdout.splitlines()[1:]  # same lists
    assert "of 36 creators eligible" in r.stdout and "[beauty] gmv list (top 1)" in r.stdout


# -- issue 12: warnings, --start-date, --format, --out, explain ------------------------------
@pytest.fixture
def explainable(tmp_path: Path) -> Path:
    """25 days of beauty creators: x fulfils 1 of 3 samples (one feature too late), y stops
    after day 1, z is fine."""
    d = tmp_path / "explainable"
    d.mkdir()
    _write(
        d / "creators.csv",
        [["creator_id", "category", "followers"], ["x", "beauty", 5000], ["y", "beauty", 6000],
         ["z", "beauty", 7000]],
    )
    rows = [ACT_HEAD]
    for day in range(25):
        rows.append([day, "x", 1, 0, 0, 1, 1000, 20000, 50, 5000, 40, 4, 40.0])
        rows.append([day, "z", 1, 0, 0, 1, 900, 20000, 50, 7000, 40, 4, 30.0])
        if day < 2:
            rows.append([day, "y", 1, 0, 0, 1, 1000, 20000, 50, 6000, 40, 4, 40.0])
    _write(d / "activity.csv", rows)
    _write(
        d / "samples.csv",
        [["sample_id", "creator_id", "merchant_id", "shipped_day", "delivered_day"],
         ["s1", "x", "m1", 0, 2], ["s2", "x", "m1", 0, 2], ["s3", "x", "m2", 1, 3]],
    )
    _write(
        d / "features.csv",
        [["sample_id", "kind", "start_day", "end_day", "continuous_minutes"],
         ["s1", "video", 3, "", ""], ["s3", "video", 20, 22, ""]],
    )
    return d


def test_explain_gives_gmv_in_currency_a_rate_against_a_rate_and_the_features(explainable):
    r = creatorsim("score", str(explainable), "--explain", "x")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # GMV is the GMV list's measure (week: 7 x 40), not a "score"
    gmv_line = next(line for line in out.splitlines() if line.strip().startswith("gmv "))
    assert "GMV 280.00" in gmv_line and "score" not in gmv_line
    # a rate compared with a rate: 1 of 3 decided is 0.33 < 0.5
    assert "fulfilled 1 of 3 decided samples: a rate of 0.33 < min_fulfilment_rate 0.5" in out
    # each sample's features explain its status
    assert "s2         from m1         shipped day   0  deadline day  17  missed (day 17)" in out
    assert "features: none in the data" in out
    assert "feature: video from day 20, taken down day 22 (after the deadline: too late)" in out
    assert "feature: video from day 3\n" in out


def test_explain_gives_the_last_active_day_of_an_inactive_creator(explainable):
    r = creatorsim("score", str(explainable), "--explain", "y")
    assert r.returncode == 0, r.stderr
    assert "EXCLUDED from every list (M12/M13): inactive" in r.stdout
    assert "no video or livestream in the last 7 days (days 18 to 24); last active on day 1" in (
        r.stdout
    )


def test_score_prints_the_scoring_warnings_on_stderr_before_the_lists(explainable):
    r = creatorsim("score", str(explainable), "--window", "month", "--day", "20")
    assert r.returncode == 0, r.stderr
    warnings = r.stderr.splitlines()
    assert warnings and all(w.startswith("creatorsim: warning: ") for w in warnings)
    assert any("starts on day -9, before the first day of data" in w for w in warnings)
    assert any("'beauty' (3)" in w and "fewer creators than the list length" in w
               for w in warnings)
    assert "[beauty] sales list" in r.stdout and "warning" not in r.stdout


def test_score_start_date_converts_iso_dates_to_day_numbers(small, tmp_path):
    import datetime as dt

    dated = tmp_path / "dated"
    dated.mkdir()
    for f in small.iterdir():
        (dated / f.name).write_bytes(f.read_bytes())
    rows = list(csv.reader((small / "activity.csv").open()))
    for row in rows[1:]:
        row[0] = (dt.date(2022, 11, 1) + dt.timedelta(days=int(row[0]))).isoformat()
    _write(dated / "activity.csv", rows)
    by_number = creatorsim("score", str(small), "--list", "gmv")
    by_date = creatorsim("score", str(dated), "--list", "gmv", "--start-date", "2022-11-01")
    assert by_date.returncode == 0, by_date.stderr
    assert by_date.stdout.splitlines()[1:] == by_number.stdout.splitlines()[1:]
    bad = creatorsim("score", str(dated), "--start-date", "2022-13-01")
    assert bad.returncode == 2 and "'2022-13-01' is not a date: use YYYY-MM-DD" in bad.stderr


def test_score_format_without_out_is_an_error(small):
    r = creatorsim("score", str(small), "--format", "parquet")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "--format parquet applies to the files --out writes; add --out DIR" in r.stderr
    assert r.stdout == ""


def test_score_out_that_is_a_file_is_named_without_errno(small, tmp_path):
    f = tmp_path / "taken"
    f.write_text("")
    r = creatorsim("score", str(small), "--out", str(f))
    assert r.returncode == 1 and "[Errno" not in r.stderr and "Traceback" not in r.stderr
    assert f"--out {f}: exists and is not a folder" in r.stderr
    assert r.stdout == ""  # refused before scoring


def test_score_out_files_get_the_usual_permissions(small, tmp_path):
    r = creatorsim("score", str(small), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    mask = os.umask(0)
    os.umask(mask)
    for p in (tmp_path / "o").iterdir():
        assert p.stat().st_mode & 0o777 == 0o666 & ~mask, p.name
