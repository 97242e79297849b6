"""The import's error report: one CSV line per refused row, formulas defused, written whole."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caredesk.domain.incoming import ImportProblem
from caredesk.errors import CareDeskError
from caredesk.interop.problem_report import problems_csv, write_problems

PROBLEMS = (
    ImportProblem("row 3", "DOB", "13/45/1950", "is not a date (expected MM/DD/YYYY)"),
    ImportProblem("row 7", "MRN", '=HYPERLINK("http://x")', "holds characters an MRN cannot"),
)


def test_every_problem_is_one_line_under_the_header() -> None:
    rows = list(csv.reader(problems_csv(PROBLEMS).splitlines()))
    assert rows[0] == ["Where", "Field", "Value", "Why"]
    assert rows[1] == ["row 3", "DOB", "13/45/1950", "is not a date (expected MM/DD/YYYY)"]
    assert len(rows) == 3


def test_a_value_that_starts_a_formula_opens_as_text() -> None:
    # OWASP "CSV Injection": a leading apostrophe makes Excel/LibreOffice/Sheets read text.
    rows = list(csv.reader(problems_csv(PROBLEMS).splitlines()))
    assert rows[2][2] == '\'=HYPERLINK("http://x")'


def test_written_as_utf8_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "problems.csv"
    write_problems(path, PROBLEMS)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == problems_csv(PROBLEMS)


def test_a_folder_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CareDeskError, match="not a regular file"):
        write_problems(tmp_path, PROBLEMS)
