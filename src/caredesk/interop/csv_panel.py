"""The patients of a registry CSV, each row checked by the domain's own rules.

    read_patients(table, mapping, today=...) -> (incoming patients, problems)

Every row becomes a domain Patient (with Enrollments for its programs and Conditions for its
ICD-10 codes), whose own validation runs as it is built; nothing here is stored. A row with
any problem is refused whole, never half-imported: its problems (one per bad cell, naming the
row as the spreadsheet numbers it and the column as the file names it) are returned instead.

How cells are read (the rules a care manager can look up):
- MRN: the text as it is ("000123" keeps its zeros; never read as a number). An MRN a
  spreadsheet rewrote in scientific notation ("1.23457E+11") is refused: its digits are lost.
- Name: a full-name column holds "Last, First" (everything after the first comma is the given
  name) or "First Last" (the last word is the family name: "Mary Ann Example" is given "Mary
  Ann"); given- and family-name columns win over it when both are filled in that row.
- Dates: interop.csv_dates (MM/DD/YYYY month first, as US registries write them; ISO; a two-digit
  year of birth is the latest not after `today`, refused when that makes a minor: csv_dates).
  A date of birth after `today` is refused.
- Sex: M, F, Male, Female, Man, Woman, O, Other, X, Nonbinary, U, Unknown (any case).
- Phones: read with the `phonenumbers` library (Google's libphonenumber metadata), US unless the
  number starts with + and a country code; stored as the app shows a number typed in the chart,
  "(212) 555-0142" for a North American number ("x12" for an extension), "+44 20 7946 0958"
  otherwise. A number with no such area code or exchange is refused; the 555 area code,
  unassigned by NANPA and used for fictional numbers (the demo panel's), is allowed.
  A column named for home, work, mobile/cell or caregiver gives the phone that type; else mobile.
- Address: the address column, then City, State and ZIP when mapped: "12 Elm St, Springfield, IL 62701".
- Program: one or more of the app's programs separated by ; , | / or +, by code (CCM, PCM, BHI,
  RPM, TCM, APCM, CoCM, complex CCM) or name ("Chronic Care Management", "Behavioral Health
  Integration", "Remote Patient Monitoring", "Collaborative Care" ...). Each becomes an
  Enrollment starting on the consent date (or `today` when none), with the consent date and
  method when given; without a Program column a consent column named for one ("CCM Consent")
  enrolls in that program.
- Consent method: verbal or written, from its column or the mapping's `consent_method`; the
  domain requires one with every consent date, so a mapping with a consent-date column and
  neither is refused before any row is read.
- Address: a cell's line breaks (a multi-line address a spreadsheet quoted) become ", ".
- ICD-10 codes: one cell, codes separated by ; , | or spaces, dotted or not ("E119" is E11.9),
  checked against the ICD-10-CM code set the app uses (domain.icd10); the official description
  is filled in. A description an EHR wrote after a code ("E11.9 - Type 2 diabetes", "E11.9
  (Type 2 DM)", "E11.9 Type 2 DM; I10 Essential hypertension") is ignored: the codes are the
  ICD-10-shaped words at the start of each item between ; , | or line breaks, and an item with
  none is a description (or its continuation after a comma). A cell with no code at all, a code
  that is not billable (a category such as E11) or unknown is refused. Each condition is stored
  chronic except codes of the injury, external-cause, pregnancy and Z chapters and initial
  encounters (`csv_codes.likely_chronic`); the patient's preview flag lists which codes are which.
- Risk tier: low, medium (med, moderate), high. Language, payer, PCP, call window: the text.
An empty cell leaves the field at the app's default (language English, sex unknown, risk medium).

A row is read by csv_rows, its cells by csv_values, its ICD-10 cell by csv_codes.
"""

from __future__ import annotations

import re
from datetime import date

from caredesk.domain.incoming import ImportProblem, IncomingPatient
from caredesk.domain.patients import Program
from caredesk.errors import ValidationError
from caredesk.interop import csv_values
from caredesk.interop.csv_mapping import MAPPING, Mapping
from caredesk.interop.csv_rows import Row, RowReader
from caredesk.interop.csv_table import Table


def read_patients(table: Table, mapping: Mapping, *, today: date) -> tuple[list[IncomingPatient], list[ImportProblem]]:
    """Every row of `table` read through `mapping`: the valid rows as IncomingPatients (in file
    order, `where` "row N") and every problem of the refused ones, one per bad cell.

    Raises ValidationError("mapping", ...) before reading any row when the mapping does not fit
    the header (a column it names is missing, a required field unmapped) or maps a consent date
    with no way to know its method. Store-dependent checks (an MRN already used, a file naming
    one MRN twice) are services.panel_import's.
    """
    columns = mapping.indices(table.header)
    if "consent_date" in columns and "consent_method" not in columns and mapping.consent_method is None:
        raise ValidationError(
            MAPPING,
            "a consent date needs its method (verbal or written), which the domain requires: "
            'map a Consent method column, or set "consent_method" for the whole file',
        )
    implied = _implied_program(table.header[columns["consent_date"]]) if "consent_date" in columns else None
    if "consent_date" in columns and "program" not in columns and implied is None:
        raise ValidationError(
            MAPPING, "a consent date needs a program: map a Program column (CCM, PCM, BHI, RPM, APCM ...)"
        )
    reader = RowReader(table.header, columns, mapping.consent_method, implied, today)
    incoming: list[IncomingPatient] = []
    problems: list[ImportProblem] = []
    width = len(table.header)
    position = {name: i for i, name in reversed(list(enumerate(table.header)))}

    def order(problem: ImportProblem) -> int:
        return position.get(problem.field.split(" + ")[0], -1)

    for number, cells in table.rows:
        row = Row(number, cells, reader)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            row.problem("(row)", "", f"has {len(cells)} cells but the header names {width} columns")
        patient = reader.read(row)
        if row.problems or patient is None:
            problems.extend(sorted(row.problems, key=order))  # left to right, as the spreadsheet shows them
        else:
            incoming.append(patient)
    return incoming, problems


def _implied_program(column: str) -> Program | None:
    """The program a consent column's name names ("CCM Consent" -> CCM), if exactly one."""
    words = re.findall(r"[a-z]+", column.casefold())
    found = {csv_values.PROGRAMS[w] for w in words if w in csv_values.PROGRAMS}
    return found.pop() if len(found) == 1 else None
