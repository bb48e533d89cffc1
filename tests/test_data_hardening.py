"""Hand-made spreadsheets and bad files (issue 12, defects 6, 9 and 10, the data-loading half).

Every bad file is built in ``tmp_path`` from a copy of ``examples/creators_month``. Most checks go
through the Python API (``scoring.load_dataset``, ``scoring.score_dataset``); the row-number,
comma-row and semicolon/cp1252 cases also run ``python -m sim.cli score`` as a subprocess.

The last part checks the bad-input catalogue in ``docs/data.md`` ("Bad input and the message it
gets"): each case is generated here and its table row, message included, must appear verbatim
in the page. ``python tests/test_data_hardening.py`` prints the table afresh.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring import ConfigError, DataError, ScoringPolicy, load_dataset, score_dataset, write_tables
from scoring.params import Problem

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "creators_month"
DOC = ROOT / "docs" / "data.md"
ACT = (
    "day,creator_id,videos,livestreams,live_minutes,products_linked,views,watch_seconds,"
    "engagements,followers,product_views,orders,gmv"
).split(",")


def copy_example(parent: Path, name: str = "my_data") -> Path:
    folder = parent / name
    shutil.copytree(EXAMPLE, folder)
    return folder


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, rows: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (quoted if need be); ``line`` is the file's line number (the
    header is line 1; the file has no line breaks inside cells)."""
    rows = lines(path)
    header = next(csv.reader([rows[0]]))
    cells = next(csv.reader([rows[line - 1]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    rows[line - 1] = out.getvalue()
    write_lines(path, rows)


def problems(folder: Path, **kw) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(folder, **kw)
    return [str(p) for p in info.value.problems]


def creatorsim(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "score", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def clean_stdout() -> str:
    """What ``score`` prints for the untouched example: the reference for files read right."""
    r = creatorsim(str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    return r.stdout.split("\n", 1)[1]  # without the first line, which names the folder


# ------------------------------------------------------------------- defect 6: categories


def test_category_spaces_are_trimmed_and_case_twins_are_warned(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_cell(folder / "creators.csv", 3, "category", "  beauty ")  # c02: only spaces: trimmed
    set_cell(folder / "creators.csv", 4, "category", " Beauty ")  # c03: case: a twin
    ds = load_dataset(folder)
    cats = ds.creators["category"].tolist()
    assert cats[1] == "beauty" and cats[2] == "Beauty"
    assert ds.warnings == (
        "creators row 4, column 'category': 'Beauty' (1 creator(s)) and 'beauty' (17 "
        "creator(s), first in row 2) differ only in case or spacing: they are ranked as two "
        "categories, each with its own lists; spell them the same if they are one",
    )
    r = score_dataset(ds, ScoringPolicy(), day=29, window="week")
    assert r.categories == ("Beauty", "baby", "beauty")
    small = [w for w in r.warnings if "fewer creators than the list length" in w]
    assert small == [
        "creators, column 'category': 3 of 3 categories have fewer creators than the list "
        "length (100): 'Beauty' (1), 'baby' (18), 'beauty' (17); every eligible creator in "
        "them is listed, however low their score"
    ]
    assert r.warnings[0] == ds.warnings[0]  # the dataset's warnings come first


def test_no_small_category_warning_when_every_category_fills_the_list(tmp_path: Path) -> None:
    ds = load_dataset(EXAMPLE)
    r = score_dataset(ds, ScoringPolicy.from_mapping({"list_length": 18}), day=29, window="week")
    assert r.warnings == ()
    r = score_dataset(ds, ScoringPolicy.from_mapping({"list_length": 19}), day=29, window="week")
    assert len(r.warnings) == 1 and "'baby' (18), 'beauty' (18)" in r.warnings[0]


# ------------------------------------------------------------- defect 9: row numbers


def test_row_numbers_are_file_lines_blank_lines_included(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    rows = lines(path)
    rows[5:5] = [""]
    rows[9:9] = ["", ",,,,,,,,,,,,"]
    write_lines(path, rows)
    set_cell(path, 21, "views", "-5")
    set_cell(path, 3, "creator_id", "zz")
    assert problems(folder) == [
        "activity row 3, column 'creator_id': 'zz': a creator_id listed in the creators table",
        "activity row 21, column 'views': -5: an integer >= 0",
    ]


def test_cli_reports_the_line_a_spreadsheet_shows(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    rows = lines(path)
    rows[4:4] = ["", ""]
    write_lines(path, rows)
    set_cell(path, 21, "views", "-5")
    r = creatorsim(str(folder))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "activity row 21, column 'views': -5: an integer >= 0" in r.stderr


def test_duplicates_name_both_rows_as_file_lines(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "creators.csv"
    rows = lines(path)
    rows.insert(2, "")
    rows.append(rows[1])  # c01 again, at the last line
    write_lines(path, rows)
    assert problems(folder) == [
        f"creators row {len(rows)}, column 'creator_id': 'c01': a unique creator_id; this one "
        "first appears in row 2"
    ]


def test_parquet_rows_are_numbered_as_under_a_header(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "creators.csv").unlink()
    pq.write_table(
        pa.table({"creator_id": ["a", "b"], "category": ["x", "x"], "followers": [1, -1]}),
        folder / "creators.parquet",
    )
    found = problems(folder)
    assert found[0] == "creators row 3, column 'followers': -1: an integer >= 0"


# ------------------------------------------------------- defect 9: Excel leftovers, headers


def test_rows_of_commas_are_skipped_like_blank_lines(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    for name in ("creators", "activity", "samples"):
        path = folder / f"{name}.csv"
        width = lines(path)[0].count(",")
        write_lines(path, lines(path) + ["," * width] * 13 + [" , ,"])
    ds = load_dataset(folder)
    ref = load_dataset(EXAMPLE)
    assert ds.warnings == ()
    for table in ("creators", "activity", "samples"):
        for key, col in getattr(ref, table).items():
            np.testing.assert_array_equal(getattr(ds, table)[key], col)


def test_cli_scores_a_file_with_comma_rows_as_the_clean_one(tmp_path, clean_stdout) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    write_lines(path, lines(path) + [",,,,,,,,,,,,"] * 26)
    r = creatorsim(str(folder))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n", 1)[1] == clean_stdout


@pytest.mark.parametrize("extra", [",", ",,", ",,,"])
def test_trailing_empty_header_cells_are_ignored(tmp_path: Path, extra: str) -> None:
    folder = copy_example(tmp_path)
    path = folder / "creators.csv"
    write_lines(path, [row + extra for row in lines(path)])
    ds = load_dataset(folder)
    assert ds.creators["followers"].tolist() == load_dataset(EXAMPLE).creators["followers"].tolist()
    assert ds.warnings == ()


def test_an_unnamed_column_with_values_is_named_once(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "creators.csv"
    rows = [row + ",," for row in lines(path)]
    rows[5] += "note"  # line 6, column 5 (the second unnamed one)
    rows[7] += "again"
    write_lines(path, rows)
    assert problems(folder) == [
        "creators row 6: 'note': an empty cell: column 5 has no name in the header (name the "
        "column, or delete it)"
    ]


def test_a_dataset_without_activity_rows_gets_one_clear_error(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    write_lines(path, [lines(path)[0], "", ",,,,,,,,,,,,"])
    ds = load_dataset(folder)  # loads: the table is valid, only empty
    with pytest.raises(ValueError) as info:
        score_dataset(ds, ScoringPolicy(), day=max(ds.n_days - 1, 0), window="week")
    msg = str(info.value)
    assert "\n" not in msg and "day = -1" not in msg
    assert msg == (
        f"activity in {folder}: no rows (only a header, or blank rows): nothing to score; the "
        "table needs one row per creator per active day"
    )
    r = creatorsim(str(folder))
    assert r.returncode == 1 and "activity in" in r.stderr and "no rows" in r.stderr


@pytest.mark.parametrize(
    ("window", "day", "warned"),
    [("month", 20, True), ("month", 29, False), ("week", 5, True), ("week", 6, False)],
)
def test_a_window_that_starts_before_the_data_is_warned(window, day, warned) -> None:
    ds = load_dataset(EXAMPLE)
    policy = ScoringPolicy.from_mapping({"list_length": 10})  # no small-category warning
    r = score_dataset(ds, policy, day=day, window=window)
    span = {"week": 7, "month": 30}[window]
    expected = (
        f"window {window} ({span} days) ending on day {day}: starts on day {day - span + 1}, "
        f"before the first day of data (day 0): its first {span - day - 1} day(s) have no data, "
        f"so it covers only days 0 to {day}"
    )
    assert r.warnings == ((expected,) if warned else ())


# ----------------------------------------------------- defect 9: common spreadsheet forms


def test_thousands_separators_and_currency_are_read_with_a_warning(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    ref = load_dataset(EXAMPLE).activity
    set_cell(path, 2, "views", "48,200")
    set_cell(path, 3, "views", "1,234,567")
    set_cell(path, 2, "gmv", "$2,375.50")
    set_cell(path, 4, "gmv", "$12")
    ds = load_dataset(folder)
    assert ds.activity["views"][:3].tolist() == [48200, 1234567, ref["views"][2]]
    assert ds.activity["gmv"][:3].tolist() == [2375.5, ref["gmv"][1], 12.0]
    assert ds.warnings == (
        "activity row 2, column 'views': '48,200': read as 48200, without its thousands "
        "separators (2 cell(s) of this column have them)",
        "activity row 2, column 'gmv': '$2,375.50': read as 2375.5, without the currency sign "
        "'$' (2 cell(s) of this column have one; amounts are summed as they are, in one "
        "currency)",
    )


def test_ambiguous_number_forms_are_errors_that_say_what_to_do(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    set_cell(path, 2, "gmv", "12,5")  # a decimal comma
    set_cell(path, 3, "gmv", "€40")  # a second currency
    set_cell(path, 4, "gmv", "$30")
    set_cell(path, 5, "views", "$30")  # currency only on money
    assert problems(folder) == [
        "activity row 2, column 'gmv': '12,5': a number >= 0, with a dot as the decimal mark "
        "(12.5, not 12,5)",
        "activity row 4, column 'gmv': '$30': an amount in one currency: this column's first "
        "sign is '€'",
        "activity row 5, column 'views': '$30': an integer >= 0",
    ]


def test_dates_need_start_date_and_are_converted_with_it(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    day0 = dt.date(2024, 11, 1)
    for name, cols in (("activity", ["day"]), ("samples", ["shipped_day", "delivered_day"])):
        path = folder / f"{name}.csv"
        rows = lines(path)
        header = rows[0].split(",")
        for k in range(1, len(rows)):
            cells = rows[k].split(",")
            for col in cols:
                j = header.index(col)
                if cells[j]:
                    cells[j] = (day0 + dt.timedelta(days=int(cells[j]))).isoformat()
            rows[k] = ",".join(cells)
        write_lines(path, rows)
    set_cell(folder / "messages.csv", 2, "sent_hour", "2024-11-04 10:30")  # hour 82.5
    found = problems(folder)
    n_act = len(lines(folder / "activity.csv")) - 1
    assert found[0] == (
        f"activity row 2, column 'day': '2024-11-01': a day number (an integer >= 0), not a "
        f"date ({n_act} cell(s) of this column are dates): give the date of day 0 as start_date "
        "(command line: --start-date 2024-11-01) to count days from it, or convert the dates "
        "to day numbers"
    )
    assert len(found) == 4  # one per column: day, shipped_day, delivered_day, sent_hour
    ds = load_dataset(folder, start_date="2024-11-01")
    ref = load_dataset(EXAMPLE)
    np.testing.assert_array_equal(ds.activity["day"], ref.activity["day"])
    np.testing.assert_array_equal(ds.samples["delivered_day"], ref.samples["delivered_day"])
    assert ds.messages["sent_hour"][0] == 82.5
    assert ds.start_date == day0 and ds.n_days == ref.n_days
    late = problems(folder, start_date="2024-11-02")
    assert late[0] == (
        "activity row 2, column 'day': '2024-11-01': a date on or after start_date 2024-11-02 "
        "(day 0)"
    )
    with pytest.raises(ValueError, match="start_date = '1/11/2024': allowed a date written"):
        load_dataset(folder, start_date="1/11/2024")


def test_dates_in_other_formats_say_how_to_fix_them(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "samples.csv"
    set_cell(path, 2, "shipped_day", "11/03/2024")
    set_cell(path, 3, "shipped_day", "3 Nov 2024")
    assert problems(folder) == [
        "samples row 2, column 'shipped_day': '11/03/2024': an integer >= 0, not a date (2 "
        "cell(s) of this column are dates not written YYYY-MM-DD): format the column as "
        "YYYY-MM-DD dates and give start_date (command line: --start-date), or convert the "
        "dates to day numbers"
    ]


def test_parquet_date_columns_are_dates_not_reprs(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "samples.csv").unlink()
    pq.write_table(
        pa.table(
            {
                "sample_id": ["s01"],
                "creator_id": ["c05"],
                "merchant_id": ["m1"],
                "shipped_day": pa.array([dt.date(2024, 11, 3)], pa.date32()),
                "delivered_day": pa.array([None], pa.int64()),
            }
        ),
        folder / "samples.parquet",
    )
    found = problems(folder)
    assert found[0].startswith("samples row 2, column 'shipped_day': 2024-11-03: a day number")
    assert not any("datetime" in p for p in found)
    (folder / "features.csv").unlink()  # they refer to other samples
    ds = load_dataset(folder, start_date="2024-11-01")
    assert ds.samples["shipped_day"].tolist() == [2]


# --------------------------------------------------------- defect 9: delimiter and encoding


def test_semicolon_and_cp1252_files_are_read_with_warnings(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "creators.csv"
    rows = [r.replace(",", ";") for r in lines(path)]
    rows[3] = rows[3].replace("c03;beauty", "c03;beauté")
    write_lines(path, rows, encoding="cp1252")
    ds = load_dataset(folder)
    assert ds.creators["category"][2] == "beauté"
    assert ds.creators["followers"].tolist() == load_dataset(EXAMPLE).creators["followers"].tolist()
    assert ds.warnings == (
        "creators.csv: not UTF-8 (byte 0xe9 on line 4); read as Windows-1252 (cp1252), as Excel "
        "writes plain 'CSV' on Windows: check accented text, or save the file as 'CSV UTF-8'",
        "creators.csv: the cells are separated by semicolons, not commas; read that way",
    )


def test_a_semicolon_file_with_decimal_commas_explains_itself(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "activity.csv"
    rows = [r.replace(",", ";") for r in lines(path)]
    rows[1] = rows[1][: rows[1].rindex(";")] + ";12,5"  # European decimal comma in gmv
    write_lines(path, rows)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert [str(p) for p in info.value.problems] == [
        "activity row 2, column 'gmv': '12,5': a number >= 0, with a dot as the decimal mark "
        "(12.5, not 12,5)"
    ]
    warning = "activity.csv: the cells are separated by semicolons, not commas; read that way"
    assert info.value.warnings == (warning,)
    assert str(info.value).splitlines()[-1] == f"  warning: {warning}"


def test_tab_separated_utf16_is_read_with_warnings(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "samples.csv"
    path.write_bytes("\n".join(r.replace(",", "\t") for r in lines(path)).encode("utf-16"))
    ds = load_dataset(folder)
    ref = load_dataset(EXAMPLE)
    assert ds.samples["shipped_day"].tolist() == ref.samples["shipped_day"].tolist()
    assert ds.warnings == (
        "samples.csv: read as UTF-16 text (it starts with a UTF-16 mark)",
        "samples.csv: the cells are separated by tabs, not commas; read that way",
    )


def test_cli_scores_semicolon_cp1252_files_as_the_clean_ones(tmp_path, clean_stdout) -> None:
    folder = copy_example(tmp_path)
    for name in ("creators", "activity"):
        path = folder / f"{name}.csv"
        write_lines(path, [r.replace(",", ";") for r in lines(path)], encoding="cp1252")
    path = folder / "messages.csv"
    write_lines(path, [r.replace(",m1,", ",Müller,") for r in lines(path)], encoding="cp1252")
    r = creatorsim(str(folder))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n", 1)[1] == clean_stdout  # a merchant's name changes no list


def test_an_excel_workbook_named_csv_is_named_as_such(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "features.csv").write_bytes(b"PK\x03\x04" + bytes(60))
    (p,) = problems(folder)
    assert "not a zip archive (an Excel workbook renamed .csv?)" in p and "features" in p


# ------------------------------------------------------- defect 10: messages and outputs


def test_data_messages_show_values_as_written(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "creators.csv").unlink()
    pq.write_table(
        pa.table(
            {
                "creator_id": ["a", "b"],
                "category": ["x", "x"],
                "followers": pa.array([dt.datetime(2024, 1, 2, 3, 4), None], pa.timestamp("s")),
            }
        ),
        folder / "creators.parquet",
    )
    found = problems(folder)
    assert found[0] == (
        "creators row 2, column 'followers': 2024-01-02 03:04:00: an integer >= 0"
    )


def test_config_messages_show_values_as_typed_and_name_the_file(tmp_path: Path) -> None:
    err = ConfigError(
        [
            Problem("s.toml", "scoring.window_days", True, "an integer"),
            Problem("s.toml", "scenario.name", dt.datetime(2024, 1, 2, 3, 4), "a string"),
            Problem("s.toml", "scoring.weights", {"a": 1, "b": [0.5, "x"]}, "numbers"),
            Problem("s.toml", "scoring.window", "it's", "one of 'week', 'month'"),
        ]
    )
    assert str(err).splitlines() == [
        "4 problem(s) in s.toml:",
        "  - s.toml: scoring.window_days = true: an integer",
        "  - s.toml: scenario.name = 2024-01-02T03:04:00: a string",
        "  - s.toml: scoring.weights = { a = 1, b = [0.5, 'x'] }: numbers",
        "  - s.toml: scoring.window = \"it's\": one of 'week', 'month'",
    ]
    data = ConfigError([Problem("exp2.json", "worlds", [], "a non-empty list")])
    assert str(data).splitlines()[0] == "1 problem(s) in exp2.json:"
    assert "configuration" not in str(data)
    f = tmp_path / "s.toml"
    f.write_text("[scoring]\nlist_length = true\nwindows = 2024-01-02\n")
    with pytest.raises(ConfigError) as info:
        ScoringPolicy.from_toml(f)
    text = str(info.value)
    assert "list_length = true:" in text and "windows = 2024-01-02:" in text
    assert "True" not in text and "datetime" not in text


def test_written_tables_get_the_usual_permissions(tmp_path: Path) -> None:
    r = score_dataset(load_dataset(EXAMPLE), ScoringPolicy(), day=29, window="week")
    old = os.umask(0o027)
    try:
        for fmt in ("csv", "parquet"):
            paths = write_tables(r, tmp_path / fmt, fmt=fmt)
            modes = {stat.S_IMODE(p.stat().st_mode) for p in paths}
            assert modes == {0o640}, fmt
    finally:
        os.umask(old)
    assert not list(tmp_path.glob("*/.*.tmp"))


def test_writing_tables_to_a_file_names_the_path(tmp_path: Path) -> None:
    r = score_dataset(load_dataset(EXAMPLE), ScoringPolicy(), day=29, window="week")
    target = tmp_path / "taken"
    target.write_text("")
    with pytest.raises(ValueError, match=f"out = '{target}': exists and is not a folder"):
        write_tables(r, target)


# ------------------------------------------------------------------ the bad-input catalogue

Case = Callable[[Path], None]


def _act(line: int, column: str, value: str) -> Case:
    return lambda d: set_cell(d / "activity.csv", line, column, value)


def _cell(table: str, line: int, column: str, value: str) -> Case:
    return lambda d: set_cell(d / f"{table}.csv", line, column, value)


def _append(table: str, *rows: str) -> Case:
    return lambda d: write_lines(d / f"{table}.csv", lines(d / f"{table}.csv") + list(rows))


def _replace_file(table: str, data: bytes) -> Case:
    return lambda d: (d / f"{table}.csv").write_bytes(data)


def _edit(table: str, edit: Callable[[list[str]], list[str]], encoding: str = "utf-8") -> Case:
    return lambda d: write_lines(d / f"{table}.csv", edit(lines(d / f"{table}.csv")), encoding)


def _rename(old: str, new: str) -> Case:
    return lambda d: (d / old).rename(d / new)


def _both_formats(d: Path) -> None:
    pq.write_table(pa.table({"creator_id": ["a"]}), d / "creators.parquet")


def _header(table: str, old: str, new: str) -> Case:
    return _edit(table, lambda r: [r[0].replace(old, new, 1), *r[1:]])


# (bad input, how it is built from the example, how it is loaded or scored)
CATALOGUE: list[tuple[str, Case, str]] = [
    ("a folder that does not exist", lambda d: shutil.rmtree(d), "load"),
    ("a required table missing", lambda d: (d / "activity.csv").unlink(), "load"),
    ("a misspelt table file", _rename("messages.csv", "mesages.csv"), "load"),
    ("a table given as CSV and Parquet", _both_formats, "load"),
    ("an Excel workbook renamed .csv", _replace_file("features", b"PK\x03\x04" + bytes(9)), "load"),
    (
        "a file neither UTF-8 nor Windows-1252",
        _replace_file("features", b"sample_id,kind\ns01,vid\x81o\n"),
        "load",
    ),
    ("an empty file", _replace_file("messages", b""), "load"),
    ("a stray quote", _replace_file("messages", b'message_id\n"g1"x\n'), "load"),
    ("a misspelt column", _header("activity", "views", "veiws"), "load"),
    ("a repeated column", _header("creators", "followers", "category"), "load"),
    ("a required column missing", _edit("creators", lambda r: [x.rsplit(",", 1)[0] for x in r]),
     "load"),
    ("a value in a column without a name", _edit("creators", lambda r: [
        r[0] + ",", *[x + ("," if k != 4 else ",VIP") for k, x in enumerate(r[1:], start=1)]]),
     "load"),
    ("a row with too few cells", _edit("activity", lambda r: [*r[:3], "1,c01,2", *r[4:]]), "load"),
    ("a negative count", _act(4, "views", "-5"), "load"),
    ("text in a number column", _act(4, "videos", "many"), "load"),
    ("a decimal in a whole-number column", _act(4, "orders", "3.5"), "load"),
    ("minutes beyond a day", _act(4, "live_minutes", "2000"), "load"),
    ("an empty required cell", _act(4, "gmv", ""), "load"),
    ("a decimal comma", _act(4, "gmv", "12,5"), "load"),
    ("two currencies in gmv", lambda d: (_act(2, "gmv", "$5")(d), _act(3, "gmv", "€5")(d)),
     "load"),
    ("a date in a day column", _act(2, "day", "2024-11-01"), "load"),
    ("a date not written YYYY-MM-DD", _cell("samples", 2, "shipped_day", "11/03/2024"), "load"),
    ("a date before start_date", _act(2, "day", "2024-10-30"), "load from 2024-11-01"),
    ("a repeated id", _append("creators", "c01,beauty,5"), "load"),
    ("a creator twice on one day", _edit("activity", lambda r: [*r, r[1]]), "load"),
    ("an unknown creator", _act(2, "creator_id", "c99"), "load"),
    ("an unknown sample", _cell("features", 2, "sample_id", "s99"), "load"),
    ("a sample featured before it was shipped", _cell("features", 2, "start_day", "1"), "load"),
    ("a sample delivered before it was shipped", _cell("samples", 2, "delivered_day", "1"),
     "load"),
    ("a feature that ends before it starts", _cell("features", 2, "end_day", "4"), "load"),
    ("a kind other than video or live", _cell("features", 2, "kind", "reel"), "load"),
    ("a live feature without its minutes", _cell("features", 3, "continuous_minutes", ""),
     "load"),
    ("a video with minutes", _cell("features", 2, "continuous_minutes", "12"), "load"),
    ("a reply before its message", _cell("messages", 2, "replied_hour", "80"), "load"),
    ("blank lines and rows of commas", _append("activity", "", ",,,,,,,,,,,,", ""), "load"),
    ("empty header cells at the end", _edit("creators", lambda r: [x + ",," for x in r]), "load"),
    ("empty cells at the end of a row", _edit("creators", lambda r: [r[0], r[1] + ",,", *r[2:]]),
     "load"),
    ("a semicolon-separated file", _edit("samples", lambda r: [x.replace(",", ";") for x in r]),
     "load"),
    ("a Windows-1252 file", _append("messages", "g99,c01,Café,500,"), "load cp1252"),
    ("a thousands separator", _act(2, "views", "48,200"), "load"),
    ("a currency sign on gmv", _act(2, "gmv", "$2,375.50"), "load"),
    ("a category in other case", _cell("creators", 4, "category", " Beauty "), "load"),
    ("fewer creators in a category than the list length", lambda d: None, "score"),
    ("a window that starts before the data", lambda d: None, "score month 20"),
    ("no activity rows", _edit("activity", lambda r: r[:1]), "score"),
]


def _outcome(root: Path, build: Case, how: str) -> tuple[str, list[str]]:
    """Build one case in ``root/my_data`` and return (kind, messages), paths made relative."""
    folder = copy_example(root)
    if how == "load cp1252":
        build(folder)
        path = folder / "messages.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    else:
        build(folder)
    start = "2024-11-01" if how == "load from 2024-11-01" else None
    try:
        ds = load_dataset(folder, start_date=start)
        kind, found = "warning", list(ds.warnings)
        if how.startswith("score"):
            window, day = ("month", 20) if how == "score month 20" else ("week", 29)
            length = 100 if how == "score" else 10
            policy = ScoringPolicy.from_mapping({"list_length": length})
            r = score_dataset(ds, policy, day=min(day, max(ds.n_days - 1, 0)), window=window)
            found = list(r.warnings)
    except DataError as exc:
        kind, found = "error", [str(p) for p in exc.problems]
    except ValueError as exc:
        kind, found = "error", [str(exc)]
    if not found:
        kind = "none"
    return kind, [m.replace(str(folder), "my_data") for m in found]


def catalogue_rows(root: Path) -> list[str]:
    """The rows of the catalogue table in docs/data.md, generated from the real messages."""
    out = ["| bad input | outcome | message |", "|---|---|---|"]
    for k, (what, build, how) in enumerate(CATALOGUE):
        kind, found = _outcome(root / str(k), build, how)
        shown = "<br>".join(f"`{m}`" for m in found) or "(read as if it were not there)"
        out.append(f"| {what} | {kind} | {shown} |")
    return out


def test_every_catalogue_case_gets_exactly_one_message_or_none(tmp_path: Path) -> None:
    for k, (what, build, how) in enumerate(CATALOGUE):
        kind, found = _outcome(tmp_path / str(k), build, how)
        assert len(found) <= 1, (what, found)
        assert (kind == "none") == (not found), what
        assert all("\n" not in m for m in found), what
        assert not any(x in m for m in found for x in ("np.", "datetime.", "True", "<skip>"))


def test_the_catalogue_in_docs_matches_the_real_messages(tmp_path: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [row for row in catalogue_rows(tmp_path) if row not in doc]
    assert not missing, "docs/data.md is stale; regenerate with: python " + "\n".join(
        ["tests/test_data_hardening.py", *missing]
    )


if __name__ == "__main__":  # print the catalogue table for docs/data.md
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(catalogue_rows(Path(tmp))))
