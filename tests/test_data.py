"""The data contract (``scoring.data``): every rule, in memory and on CSV and Parquet files."""

from __future__ import annotations

import copy
import csv
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.data import (
    REQUIRED_TABLES,
    TABLES,
    DataError,
    DataProblem,
    Dataset,
    load_dataset,
    validate_tables,
)

Tables = dict[str, dict[str, list[Any]]]

# A small valid dataset: three creators, three active creator-days, two samples featured three
# times, two messages (one never answered). None is an empty cell.
BASE: Tables = {
    "creators": {
        "creator_id": ["c1", "c2", "c3"],
        "category": ["beauty", "baby", "beauty"],
        "followers": [100, 0, 5000],
    },
    "activity": {
        "day": [0, 0, 1],
        "creator_id": ["c1", "c2", "c1"],
        "videos": [2, 0, 1],
        "livestreams": [1, 1, 0],
        "live_minutes": [90, 1440, 0],
        "products_linked": [3, 1, 0],
        "views": [1000, 50, 300],
        "watch_seconds": [20000, 900, 4000],
        "engagements": [50, 2, 9],
        "followers": [110, 0, 112],
        "product_views": [40, 1, 5],
        "orders": [4, 0, 1],
        "gmv": [12.5, 0.0, 3.0],
    },
    "samples": {
        "sample_id": ["s1", "s2"],
        "creator_id": ["c1", "c2"],
        "merchant_id": ["m1", "m2"],
        "shipped_day": [0, 1],
        "delivered_day": [2, None],
    },
    "features": {
        "sample_id": ["s1", "s1", "s2"],
        "kind": ["video", "live", "video"],
        "start_day": [3, 4, 1],
        "end_day": [None, 4, 2],
        "continuous_minutes": [None, 12.5, None],
    },
    "messages": {
        "message_id": ["g1", "g2"],
        "creator_id": ["c1", "c2"],
        "merchant_id": ["m1", "m2"],
        "sent_hour": [1.5, 30.0],
        "replied_hour": [3.0, None],
    },
}


def base() -> Tables:
    return copy.deepcopy(BASE)


def write_csv(folder: Path, name: str, columns: dict[str, list[Any]]) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow("" if v is None else v for v in row)
    return path


def _arrow(values: list[Any]) -> pa.Array:
    """A Parquet column as a writer would type it; mixed values become text."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def write_parquet(folder: Path, name: str, columns: dict[str, list[Any]]) -> Path:
    path = folder / f"{name}.parquet"
    pq.write_table(pa.table({k: _arrow(v) for k, v in columns.items()}), path)
    return path


WRITERS = {"csv": write_csv, "parquet": write_parquet}


def write_folder(folder: Path, tables: Tables, fmt: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in tables.items():
        WRITERS[fmt](folder, name, columns)
    return folder


@pytest.fixture(params=["memory", "csv", "parquet"])
def load(request: pytest.FixtureRequest, tmp_path: Path):
    """Load tables through validate_tables, or through load_dataset on CSV or Parquet files."""

    def run(tables: Tables) -> Dataset:
        if request.param == "memory":
            return validate_tables(tables)
        return load_dataset(write_folder(tmp_path / "data", tables, request.param))

    return run


@pytest.fixture
def problems(load):
    """The problems raised for tables that must fail (the test fails if they load)."""

    def run(tables: Tables) -> list[DataProblem]:
        with pytest.raises(DataError) as info:
            load(tables)
        return info.value.problems

    return run


def only(found: list[DataProblem], table: str, row: int | None, column: str | None) -> DataProblem:
    """The single problem at (table, row, column)."""
    hits = [p for p in found if (p.table, p.row, p.column) == (table, row, column)]
    assert len(hits) == 1, f"expected one problem at {(table, row, column)}, got {found}"
    return hits[0]


# ------------------------------------------------------------------------ valid datasets


def check_base(ds: Dataset) -> None:
    assert list(ds.creators) == list(TABLES["creators"])
    assert ds.creators["creator_id"].dtype == object
    assert ds.creators["creator_id"].tolist() == ["c1", "c2", "c3"]
    assert all(type(x) is str for x in ds.creators["category"])
    assert ds.creators["followers"].dtype == np.int64
    assert ds.creators["followers"].tolist() == [100, 0, 5000]
    for col in TABLES["activity"]:
        assert len(ds.activity[col]) == 3
    assert ds.activity["live_minutes"].dtype == np.int64
    assert ds.activity["live_minutes"].tolist() == [90, 1440, 0]
    assert ds.activity["gmv"].dtype == np.float64
    assert ds.activity["gmv"].tolist() == [12.5, 0.0, 3.0]
    assert ds.samples["delivered_day"].dtype == np.int64
    assert ds.samples["delivered_day"].tolist() == [2, -1]
    assert ds.features["kind"].tolist() == ["video", "live", "video"]
    assert ds.features["end_day"].tolist() == [-1, 4, 2]
    cm = ds.features["continuous_minutes"]
    assert cm.dtype == np.float64
    assert math.isnan(cm[0]) and cm[1] == 12.5 and math.isnan(cm[2])
    assert ds.messages["sent_hour"].dtype == np.float64
    assert ds.messages["sent_hour"].tolist() == [1.5, 30.0]
    assert ds.messages["replied_hour"][0] == 3.0 and math.isnan(ds.messages["replied_hour"][1])
    # activity days 0-1, delivered day 2, features up to day 4, message hour 30 is day 1
    assert ds.n_days == 5


def test_valid_dataset_loads_with_typed_columns(load) -> None:
    check_base(load(base()))


def test_csv_and_parquet_round_trip_give_the_same_dataset(tmp_path: Path) -> None:
    a = load_dataset(write_folder(tmp_path / "c", base(), "csv"))
    b = load_dataset(write_folder(tmp_path / "p", base(), "parquet"))
    check_base(a)
    check_base(b)
    assert a.path == str(tmp_path / "c")
    for table in TABLES:
        for col in TABLES[table]:
            x, y = getattr(a, table)[col], getattr(b, table)[col]
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)


def test_absent_optional_tables_are_empty_with_every_column(load) -> None:
    tables = base()
    for name in ("samples", "features", "messages"):
        del tables[name]
    ds = load(tables)
    assert ds.samples["sample_id"].dtype == object and len(ds.samples["sample_id"]) == 0
    assert ds.samples["delivered_day"].dtype == np.int64
    assert ds.features["continuous_minutes"].dtype == np.float64
    assert set(ds.messages) == set(TABLES["messages"])
    assert all(len(v) == 0 for v in ds.messages.values())
    assert ds.n_days == 2


def test_empty_dataset_has_zero_days() -> None:
    tables = base()
    tables["activity"] = {col: [] for col in TABLES["activity"]}
    for name in ("samples", "features", "messages"):
        del tables[name]
    assert validate_tables(tables).n_days == 0


def test_message_hours_count_towards_n_days() -> None:
    tables = base()
    tables["messages"]["replied_hour"] = [200.0, None]  # hour 200 is on day 8
    assert validate_tables(tables).n_days == 9


def test_nullable_columns_may_be_left_out(load) -> None:
    tables = base()
    del tables["samples"]["delivered_day"]
    del tables["messages"]["replied_hour"]
    tables["features"] = {"sample_id": ["s1"], "kind": ["video"], "start_day": [3]}
    ds = load(tables)
    assert ds.samples["delivered_day"].tolist() == [-1, -1]
    assert np.isnan(ds.messages["replied_hour"]).all()
    assert ds.features["end_day"].tolist() == [-1]
    assert np.isnan(ds.features["continuous_minutes"]).all()


def test_integers_written_as_floats_are_accepted(load) -> None:
    tables = base()
    tables["activity"]["views"] = ["3", "3.0", 4.0]
    tables["samples"]["delivered_day"] = ["2.0", ""]
    ds = load(tables)
    assert ds.activity["views"].tolist() == [3, 3, 4]
    assert ds.samples["delivered_day"].tolist() == [2, -1]


def test_ids_read_as_integers_become_text(load) -> None:
    tables = base()
    tables["creators"]["creator_id"] = [7, 8, 9]
    tables["activity"]["creator_id"] = [7, 8, 7]
    tables["samples"]["creator_id"] = [7, 8]
    tables["messages"]["creator_id"] = [7, 8]
    ds = load(tables)
    assert ds.creators["creator_id"].tolist() == ["7", "8", "9"]
    assert ds.activity["creator_id"].tolist() == ["7", "8", "7"]


def test_text_is_stripped_of_surrounding_spaces() -> None:
    tables = base()
    tables["creators"]["creator_id"] = [" c1", "c2 ", "c3"]
    ds = validate_tables(tables)
    assert ds.creators["creator_id"].tolist() == ["c1", "c2", "c3"]


def test_row_order_is_preserved(load) -> None:
    tables = base()
    for col in tables["activity"].values():
        col.reverse()
    ds = load(tables)
    assert ds.activity["day"].tolist() == [1, 0, 0]
    assert ds.activity["creator_id"].tolist() == ["c1", "c2", "c1"]


def test_numpy_columns_are_checked_too() -> None:
    tables: dict[str, Any] = base()
    tables["activity"]["views"] = np.array([1, 2, 3], dtype=np.uint32)
    tables["samples"]["delivered_day"] = np.array([2.0, np.nan])
    ds = validate_tables(tables)
    assert ds.activity["views"].tolist() == [1, 2, 3]
    assert ds.samples["delivered_day"].tolist() == [2, -1]
    tables["activity"]["views"] = np.array([1.0, 2.5, -3.0])
    tables["activity"]["gmv"] = np.array([1.0, np.nan, np.inf])
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    found = info.value.problems
    assert only(found, "activity", 3, "views").value == 2.5
    assert only(found, "activity", 4, "views").value == -3.0
    assert only(found, "activity", 3, "gmv").value == ""
    assert only(found, "activity", 4, "gmv").value == math.inf


# --------------------------------------------------------------------- the rules, one by one


def test_missing_required_column(problems) -> None:
    tables = base()
    del tables["activity"]["views"]
    p = only(problems(tables), "activity", None, "views")
    assert p.value is None
    assert "required column" in p.allowed


def test_unknown_column_lists_the_allowed_columns(problems) -> None:
    tables = base()
    tables["creators"]["folowers"] = [1, 2, 3]
    p = only(problems(tables), "creators", None, "folowers")
    assert "unknown column" in p.allowed
    assert "creator_id, category, followers" in p.allowed


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("activity", "views", "many"),
        ("activity", "gmv", "12,5"),
        ("creators", "followers", "1k"),
        ("messages", "sent_hour", "noon"),
        ("samples", "shipped_day", "day 1"),
    ],
)
def test_wrong_type(problems, table: str, column: str, bad: str) -> None:
    tables = base()
    tables[table][column][1] = bad
    p = only(problems(tables), table, 3, column)
    assert p.value == bad
    assert p.allowed.startswith(("an integer", "a number"))


def test_non_integer_in_an_integer_column(problems) -> None:
    tables = base()
    tables["activity"]["videos"][0] = 3.5
    p = only(problems(tables), "activity", 2, "videos")
    assert p.value == 3.5
    assert "an integer" in p.allowed


def test_boolean_is_not_a_number() -> None:
    tables = base()
    tables["activity"]["orders"] = [True, False, True]
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    assert only(info.value.problems, "activity", 2, "orders").value is True


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("creators", "creator_id"),
        ("creators", "category"),
        ("creators", "followers"),
        ("activity", "gmv"),
        ("samples", "merchant_id"),
        ("samples", "shipped_day"),
        ("features", "start_day"),
        ("messages", "sent_hour"),
    ],
)
def test_empty_in_a_non_nullable_column(problems, table: str, column: str) -> None:
    tables = base()
    tables[table][column][0] = None
    p = only(problems(tables), table, 2, column)
    assert p.value == ""


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("creators", "followers", -1),
        ("activity", "views", -5),
        ("activity", "orders", -1),
        ("activity", "gmv", -0.5),
        ("activity", "day", -1),
        ("samples", "shipped_day", -2),
        ("messages", "sent_hour", -1.0),
    ],
)
def test_negative_counts_and_amounts(problems, table: str, column: str, bad: float) -> None:
    tables = base()
    tables[table][column][0] = bad
    p = only(problems(tables), table, 2, column)
    assert p.value == bad
    assert ">= 0" in p.allowed


def test_problem_message_format() -> None:
    tables = base()
    tables["activity"]["views"][2] = -5
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    assert str(info.value.problems[0]) == "activity row 4, column 'views': -5: an integer >= 0"
    assert "activity row 4, column 'views': -5: an integer >= 0" in str(info.value)


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("activity", "live_minutes", 1441),
        ("features", "continuous_minutes", 1440.5),
    ],
)
def test_values_out_of_range(problems, table: str, column: str, bad: float) -> None:
    tables = base()
    tables[table][column][1] = bad
    p = only(problems(tables), table, 3, column)
    assert p.value == bad
    assert "[0, 1440]" in p.allowed


@pytest.mark.parametrize(
    ("table", "column"),
    [("creators", "creator_id"), ("samples", "sample_id"), ("messages", "message_id")],
)
def test_duplicate_ids_name_the_repeat_and_the_first_row(problems, table: str, column: str) -> None:
    tables = base()
    first = tables[table][column][0]
    tables[table][column][1] = first
    found = problems(tables)
    p = only(found, table, 3, column)
    assert p.value == first
    assert "first appears in row 2" in p.allowed


def test_duplicate_day_and_creator_in_activity(problems) -> None:
    tables = base()
    tables["activity"]["day"][2] = 0  # (0, c1) again in row 4 (the header is row 1)
    p = only(problems(tables), "activity", 4, "(day, creator_id)")
    assert p.value == (0, "c1")
    assert "first appears in row 2" in p.allowed


def test_same_creator_on_another_day_is_not_a_duplicate(load) -> None:
    tables = base()
    tables["activity"]["creator_id"] = ["c1", "c1", "c1"]
    tables["activity"]["day"] = [0, 2, 1]
    assert load(tables).activity["day"].tolist() == [0, 2, 1]


@pytest.mark.parametrize("table", ["activity", "samples", "messages"])
def test_unknown_creator(problems, table: str) -> None:
    tables = base()
    tables[table]["creator_id"][1] = "nobody"
    p = only(problems(tables), table, 3, "creator_id")
    assert p.value == "nobody"
    assert "creators" in p.allowed


def test_unknown_sample(problems) -> None:
    tables = base()
    tables["features"]["sample_id"][2] = "s9"
    p = only(problems(tables), "features", 4, "sample_id")
    assert p.value == "s9"
    assert "samples" in p.allowed


def test_features_without_a_samples_table_refer_to_unknown_samples() -> None:
    tables = base()
    del tables["samples"]
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    assert [(p.table, p.row, p.column) for p in info.value.problems] == [
        ("features", 2, "sample_id"),
        ("features", 3, "sample_id"),
        ("features", 4, "sample_id"),
    ]


def test_video_taken_down_before_it_went_up(problems) -> None:
    tables = base()
    tables["features"]["end_day"][2] = 0  # started on day 1
    p = only(problems(tables), "features", 4, "end_day")
    assert p.value == 0
    assert "start_day (1)" in p.allowed


def test_live_ending_before_it_starts(problems) -> None:
    tables = base()
    tables["features"]["end_day"][1] = 3  # started on day 4
    assert only(problems(tables), "features", 3, "end_day").value == 3


def test_delivered_before_shipped(problems) -> None:
    tables = base()
    tables["samples"]["delivered_day"][1] = 0  # shipped on day 1
    p = only(problems(tables), "samples", 3, "delivered_day")
    assert p.value == 0
    assert "shipped_day (1)" in p.allowed


def test_feature_before_its_sample_shipped(problems) -> None:
    tables = base()
    tables["features"]["start_day"][2] = 0  # s2 shipped on day 1
    tables["features"]["end_day"][2] = 0
    p = only(problems(tables), "features", 4, "start_day")
    assert p.value == 0
    assert "shipped_day (1)" in p.allowed


def test_reply_before_the_message_was_sent(problems) -> None:
    tables = base()
    tables["messages"]["replied_hour"][0] = 1.0  # sent at hour 1.5
    p = only(problems(tables), "messages", 2, "replied_hour")
    assert p.value == 1.0
    assert "sent_hour (1.5)" in p.allowed


def test_kind_must_be_video_or_live(problems) -> None:
    tables = base()
    tables["features"]["kind"][0] = "story"
    p = only(problems(tables), "features", 2, "kind")
    assert p.value == "story"
    assert p.allowed == "'video' or 'live'"


def test_live_needs_continuous_minutes(problems) -> None:
    tables = base()
    tables["features"]["continuous_minutes"][1] = None
    p = only(problems(tables), "features", 3, "continuous_minutes")
    assert p.value == ""
    assert "live" in p.allowed


def test_video_must_not_have_continuous_minutes(problems) -> None:
    tables = base()
    tables["features"]["continuous_minutes"][0] = 10.0
    p = only(problems(tables), "features", 2, "continuous_minutes")
    assert p.value == 10.0
    assert "video" in p.allowed


@pytest.mark.parametrize("table", REQUIRED_TABLES)
def test_missing_required_table(problems, table: str) -> None:
    tables = base()
    del tables[table]
    p = only(problems(tables), table, None, None)
    assert "required table" in p.allowed


def test_unknown_table_in_memory() -> None:
    tables: dict[str, Any] = base()
    tables["activty"] = {}
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    p = only(info.value.problems, "activty", None, None)
    assert "creators, activity, samples, features, messages" in p.allowed


def test_columns_of_different_lengths() -> None:
    tables = base()
    tables["creators"]["followers"].append(7)
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    p = only(info.value.problems, "creators", None, None)
    assert p.value == {"creator_id": 3, "category": 3, "followers": 4}


# ------------------------------------------------------------ all problems, reported together


def test_several_problems_in_one_table_are_reported_together(problems) -> None:
    tables = base()
    act = tables["activity"]
    act["views"][0] = -5
    act["live_minutes"][1] = 2000
    act["gmv"][2] = "lots"
    act["creator_id"][2] = "ghost"
    found = problems(tables)
    assert [(p.table, p.row, p.column, p.value) for p in found] == [
        ("activity", 2, "views", -5),
        ("activity", 3, "live_minutes", 2000),
        ("activity", 4, "creator_id", "ghost"),
        ("activity", 4, "gmv", "lots"),
    ]


def test_problems_in_every_table_are_collected_in_one_error(problems) -> None:
    tables = base()
    tables["creators"]["followers"][0] = -1
    tables["activity"]["orders"][0] = -1
    tables["samples"]["delivered_day"][0] = -3
    tables["features"]["kind"][0] = "reel"
    tables["messages"]["sent_hour"][0] = -2.0
    found = problems(tables)
    assert [p.table for p in found] == list(TABLES)


def test_cross_table_checks_skip_cells_that_already_failed(problems) -> None:
    tables = base()
    tables["activity"]["creator_id"][0] = ""  # empty: reported once, not also as unknown
    tables["features"]["start_day"][0] = "soon"  # bad type: no "before shipped" problem
    found = problems(tables)
    assert [(p.table, p.row, p.column) for p in found] == [
        ("activity", 2, "creator_id"),
        ("features", 2, "start_day"),
    ]


def test_references_are_not_checked_against_a_table_missing_its_key(problems) -> None:
    tables = base()
    del tables["creators"]["creator_id"]
    del tables["samples"]["sample_id"]
    found = problems(tables)
    assert [(p.table, p.row, p.column) for p in found] == [
        ("creators", None, "creator_id"),
        ("samples", None, "sample_id"),
    ]


def test_error_message_is_capped_but_problems_are_kept() -> None:
    n = 250
    tables = base()
    tables["creators"] = {
        "creator_id": [f"c{i}" for i in range(n)],
        "category": ["beauty"] * n,
        "followers": [-1] * n,
    }
    with pytest.raises(DataError) as info:
        validate_tables(tables, source="mine")
    err = info.value
    assert len(err.problems) == n
    lines = str(err).splitlines()
    assert lines[0] == f"{n} problem(s) in the dataset mine:"
    assert len(lines) == 1 + 200 + 1
    assert lines[-1] == "  ... and 50 more"


def test_data_error_survives_pickling() -> None:
    tables = base()
    tables["activity"]["views"][0] = -5
    with pytest.raises(DataError) as info:
        validate_tables(tables)
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems
    assert str(again) == str(info.value)


# ------------------------------------------------------------------------- files and folders


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "nowhere")
    (p,) = info.value.problems
    assert p.value == str(tmp_path / "nowhere")
    assert "folder" in p.allowed


def test_missing_required_table_file_names_the_folder(tmp_path: Path) -> None:
    tables = base()
    del tables["activity"]
    folder = write_folder(tmp_path / "d", tables, "csv")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    p = only(info.value.problems, "activity", None, None)
    assert p.value == str(folder)
    assert "activity.csv or activity.parquet" in p.allowed


def test_a_table_in_both_formats(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    write_parquet(folder, "samples", base()["samples"])
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    p = only(info.value.problems, "samples", None, None)
    assert "samples.csv" in p.value and "samples.parquet" in p.value


def test_unknown_table_file_names_the_allowed_tables(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    write_csv(folder, "activty", base()["activity"])
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    (p,) = info.value.problems
    assert p.row is None and p.column is None
    assert p.value == str(folder / "activty.csv")
    assert "creators, activity, samples, features, messages" in p.allowed


def test_other_files_are_ignored(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    (folder / "README.txt").write_text("notes")
    (folder / "._creators.csv").write_bytes(b"\x00\x05\x16")  # a macOS resource fork
    (folder / "old").mkdir()
    check_base(load_dataset(folder))


@pytest.mark.parametrize(
    "content",
    [
        b'creator_id,category,followers\nc1,"beauty"x,1\n',  # bad quoting
        b"creator_id,category,followers\nc1,beaut\x81,1\n",  # neither UTF-8 nor cp1252
    ],
)
def test_unreadable_csv_is_named_with_its_path(tmp_path: Path, content: bytes) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    (folder / "creators.csv").write_bytes(content)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    # creators could not be read: reported once, and references to it are not checked
    (p,) = info.value.problems
    assert (p.table, p.row, p.column) == ("creators", None, None)
    assert p.value == str(folder / "creators.csv")
    assert "CSV" in p.allowed


def test_empty_csv_file(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    (folder / "messages.csv").write_text("")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    p = only(info.value.problems, "messages", None, None)
    assert "empty" in p.allowed


def test_unreadable_parquet_is_named_with_its_path(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "parquet")
    (folder / "activity.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    (p,) = info.value.problems
    assert (p.table, p.row, p.column) == ("activity", None, None)
    assert p.value == str(folder / "activity.parquet")
    assert "Parquet" in p.allowed


def test_csv_with_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    text = (folder / "creators.csv").read_text(encoding="utf-8")
    (folder / "creators.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    check_base(load_dataset(folder))


def test_csv_row_with_the_wrong_number_of_cells(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    (folder / "creators.csv").write_text(
        "creator_id,category,followers\nc1,beauty,100\nc2,baby\nc3,beauty,5000,\n\n"
    )
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    # row 3 (line 3) is short (reported once, its cells not checked again); row 4's trailing
    # empty cell is tolerated; the blank line is skipped. c2 is unknown to activity, samples,
    # messages.
    found = info.value.problems
    p = only(found, "creators", 3, None)
    assert p.value is None
    assert p.allowed == "a row of 3 cells, one per header column; this one has 2"
    assert [(q.table, q.row) for q in found if q.table == "creators"] == [("creators", 3)]


def test_csv_duplicate_header(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "csv")
    (folder / "creators.csv").write_text("creator_id,category,category\nc1,a,b\n")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    p = only(info.value.problems, "creators", None, "category")
    assert "once" in p.allowed


def test_parquet_nulls_and_nan_are_empty(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "parquet")
    features = pa.table(
        {
            "sample_id": ["s1", "s2"],
            "kind": ["video", "live"],
            "start_day": pa.array([3, 4], pa.int32()),
            "end_day": pa.array([None, 5.0], pa.float64()),
            "continuous_minutes": pa.array([float("nan"), 10.0]),
        }
    )
    pq.write_table(features, folder / "features.parquet")
    ds = load_dataset(folder)
    assert ds.features["start_day"].dtype == np.int64
    assert ds.features["end_day"].tolist() == [-1, 5]
    assert math.isnan(ds.features["continuous_minutes"][0])


def test_parquet_null_in_a_required_column(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", base(), "parquet")
    activity = base()["activity"]
    activity["views"][1] = None
    write_parquet(folder, "activity", activity)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert only(info.value.problems, "activity", 3, "views").value == ""


def test_file_and_cell_problems_are_reported_together(tmp_path: Path) -> None:
    tables = base()
    tables["activity"]["views"][0] = -5
    folder = write_folder(tmp_path / "d", tables, "csv")
    write_csv(folder, "sampels", base()["samples"])
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    found = info.value.problems
    assert [(p.row, p.column) for p in found] == [(None, None), (2, "views")]
    assert found[0].value == str(folder / "sampels.csv")


# ------------------------------------------------------------------------------ properties

_counts = st.integers(min_value=0, max_value=10**12)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 400),
            st.sampled_from(["c1", "c2", "c3"]),
            _counts,
            st.floats(0, 1e9, allow_nan=False),
        ),
        max_size=20,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_csv_round_trip_keeps_every_value(tmp_path_factory, rows) -> None:
    tables = base()
    del tables["samples"], tables["features"], tables["messages"]
    activity: dict[str, list[Any]] = {col: [] for col in TABLES["activity"]}
    for day, creator, count, gmv in rows:
        for col in TABLES["activity"]:
            activity[col].append(count)
        activity["day"][-1] = day
        activity["creator_id"][-1] = creator
        activity["live_minutes"][-1] = count % 1441
        activity["gmv"][-1] = gmv
    tables["activity"] = activity
    folder = write_folder(tmp_path_factory.mktemp("prop"), tables, "csv")
    ds = load_dataset(folder)
    assert ds.activity["day"].tolist() == activity["day"]
    assert ds.activity["views"].tolist() == activity["views"]
    assert ds.activity["gmv"].tolist() == activity["gmv"]  # repr of a float round-trips
    assert ds.n_days == (max(activity["day"]) + 1 if rows else 0)
