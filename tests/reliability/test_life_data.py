"""Life-data CSV: layout, errors naming line and column, fuzzing of the parser."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youzhi.errors import DataFileError, FileFormatError, InputError
from youzhi.reliability.life_data import parse_life_csv, read_life_csv


def test_all_status_codes_and_counts(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("time,time_upper,status,count\n100,,F,2\n150,,S,3\n40,,L,1\n60,90,I,4\n")
    d = read_life_csv(p)
    assert d.failures.tolist() == [100] and d.failure_counts.tolist() == [2]
    assert d.right_censored.tolist() == [150] and d.right_counts.tolist() == [3]
    assert d.left_censored.tolist() == [40]
    assert d.interval_lower.tolist() == [60] and d.interval_upper.tolist() == [90]
    assert (d.n_failures, d.n_units) == (7, 10)


def test_time_only_means_failures():
    d = parse_life_csv("time\n1\n2\n3\n")
    assert d.is_complete and d.n_exact == 3


@pytest.mark.parametrize("text, message", [
    ("time,status\n10,F\n-5,F\n", "line 3, column 'time': must be >= 0"),
    ("time,status\n10,F\nabc,F\n", "line 3, column 'time': not a number"),
    ("time,status\n10,Q\n", "line 2, column 'status': unknown code 'Q'"),
    ("time,status\n10,I\n", "line 2, column 'time_upper': needed"),
    ("time,time_upper,status\n10,5,I\n", "line 2, column 'time_upper': must exceed"),
    ("time,status,count\n10,F,0\n", "line 2, column 'count': must be > 0"),
    ("hours,status\n10,F\n", "header must have a 'time' column"),
    ("time,status\n", "no data rows"),
    ("", "empty file"),
])
def test_bad_rows_name_line_and_column(text, message):
    with pytest.raises(FileFormatError, match=message):
        parse_life_csv(text, "d.csv")


def test_missing_file():
    with pytest.raises(DataFileError, match="no such file"):
        read_life_csv("/nonexistent/life.csv")


cells = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), st.sampled_from(["F", "S", "L", "I", "x", "", "-1", "1e3"]),
                  st.text(max_size=5))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=6), st.sampled_from(["time", "time,status", "time,time_upper,status,count"]))
def test_parser_fuzz_parses_or_raises_input_error(rows, header):
    text = header + "\n" + "\n".join(",".join(c.replace(",", ";").replace("\n", " ").replace("\r", " ").replace('"', "") for c in r) for r in rows)
    try:
        d = parse_life_csv(text)
    except InputError:
        return
    for arr in (d.failures, d.right_censored, d.left_censored, d.interval_lower):
        assert np.all(np.isfinite(arr)) and np.all(arr >= 0)
    assert np.all(d.interval_upper > d.interval_lower)


def test_semicolon_csv_as_european_spreadsheets_save_it():
    comma = parse_life_csv("time,status,count\n100,F,1\n150,S,2\n")
    semicolon = parse_life_csv("time;status;count\n100;F;1\n150;S;2\n")
    assert semicolon.failures.tolist() == comma.failures.tolist() == [100.0]
    assert semicolon.right_censored.tolist() == comma.right_censored.tolist() == [150.0]
    assert semicolon.right_counts.tolist() == [2.0]


def test_time_upper_on_a_row_that_is_not_an_interval_is_refused():
    with pytest.raises(FileFormatError, match=r"line 3, column 'time_upper': only for interval \(I\) rows"):
        parse_life_csv("time,time_upper,status\n10,,F\n20,30,S\n", "d.csv")
    assert parse_life_csv("time,time_upper,status\n10,,F\n20,30,I\n").interval_upper.tolist() == [30.0]


def test_unknown_status_code_lists_the_aliases():
    with pytest.raises(FileFormatError, match=r"unknown code 'Q'.*X \(F\), C \(S\), R \(S\)"):
        parse_life_csv("time,status\n10,Q\n", "d.csv")
