"""A synthetic registry CSV as an EHR exports it, for the CSV import's tests and benchmark.

Fake people only: names "Example<n>, Testa", MRNs "000123", phones in the 555-01xx range NANPA
keeps for fiction, street "Test Street", ZIP 000xx. ICD-10-CM codes from the CDC NCHS FY2026
tabular list (E11.9 type 2 diabetes without complications, I10 essential hypertension, J44.9
COPD unspecified, E78.5 hyperlipidemia unspecified).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

HEADER = (
    "MRN",
    "Patient Name",
    "DOB",
    "Sex",
    "Home Phone",
    "Street",
    "City",
    "State",
    "Zip",
    "Preferred Language",
    "Primary Insurance",
    "PCP",
    "Program",
    "Consent Date",
    "Consent Method",
    "Dx Codes",
    "Risk",
)
CODES = ("E119;I10", "I10", "J44.9 E78.5", "E11.9|I10|E78.5")
# One defect per bad row, each in a different column; the phone's is a formula, which the error
# report must not let a spreadsheet run (OWASP "CSV Injection").
DEFECTS = (
    ("DOB", "13/45/1950", "not a real calendar date"),
    ("Home Phone", '=HYPERLINK("http://example.invalid")', "not a phone number; type all 10 digits"),
    ("Dx Codes", "Q99.99", "Q99.99 is not an ICD-10-CM code"),
    ("Sex", "Q", "sex must be M, F, Male, Female, Other or Unknown"),
    ("Patient Name", "Testa", 'needs a family and a given name: write "Last, First" or "First Last"'),
)


def mrn(i: int) -> str:
    return f"{i:06d}"


def row(i: int) -> list[str]:
    """Patient i's row: a valid one."""
    born = date(1940, 1, 1) + timedelta(days=(i * 37) % 12000)
    consent = date(2026, 1, 2) + timedelta(days=i % 300)
    return [
        mrn(i),
        f"Example{i}, Testa",
        f"{born.month:02d}/{born.day:02d}/{born.year}",
        "F" if i % 2 else "M",
        f"(212) 555-01{i % 100:02d}",
        f"{10 + i % 900} Test Street",
        "Springfield",
        "IL",
        f"000{i % 100:02d}",
        "Spanish" if i % 7 == 0 else "English",
        "Medicare Part B",
        "Dr Test",
        "CCM",
        f"{consent.month}/{consent.day}/{consent.year}",
        "verbal",
        CODES[i % len(CODES)],
        ("low", "medium", "high")[i % 3],
    ]


def registry(n: int, *, bad_every: int = 0, first: int = 1) -> tuple[list[list[str]], dict[int, tuple[str, str, str]]]:
    """n rows (patients first .. first+n-1) and, when `bad_every`, every bad_every-th row given one
    defect: {spreadsheet row number: (column, value, why)}."""
    rows, bad = [], {}
    for k in range(n):
        cells = row(first + k)
        if bad_every and k % bad_every == bad_every - 1:
            column, value, why = DEFECTS[(k // bad_every) % len(DEFECTS)]
            cells[HEADER.index(column)] = value
            bad[k + 2] = (column, value, why)
        rows.append(cells)
    return rows, bad


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
