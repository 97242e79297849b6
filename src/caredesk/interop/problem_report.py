"""The error report of an import: every refused row or resource as a CSV the care manager can
open beside the source file and fix there.

Columns: Where (row 12, Condition/abc), Field (the column or element), Value (what the file held,
as the reader quoted it), Why. Values come from a file someone else made, so each cell goes
through billing_report.csv_cell: a value starting with = + - @ opens as text, not as a formula
(OWASP, "CSV Injection"; SPEC §7: exported CSVs cannot smuggle spreadsheet formulas).
The report quotes the file's values, so it may hold patient data: it is written like every
other file the user asks for (services.files.write_atomic: whole or not at all, 0600).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from caredesk.domain.incoming import ImportProblem
from caredesk.services.billing_report import csv_cell
from caredesk.services.files import write_atomic

COLUMNS = ("Where", "Field", "Value", "Why")


def problems_csv(problems: Iterable[ImportProblem]) -> str:
    """The report's text: a header line, then one line per problem in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in problems:
        writer.writerow(csv_cell(v) for v in (p.where, p.field, p.value, p.why))
    return out.getvalue()


def write_problems(path: Path, problems: Iterable[ImportProblem]) -> None:
    """Write the report to `path` as UTF-8 with a BOM (Excel on Windows then reads accents right).

    Raises CareDeskError naming the path when it cannot be written (write_atomic's refusals)."""
    write_atomic(path, problems_csv(problems).encode("utf-8-sig"))
