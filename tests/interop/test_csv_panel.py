"""A registry CSV's rows as domain patients, every cell checked by the domain's own rules, one
problem per bad cell, a row with any problem refused whole. Plain values, no store."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain.patients import ConsentMethod, Program, RiskTier, Sex
from caredesk.errors import ValidationError
from caredesk.interop import csv_codes, csv_dates
from caredesk.interop.csv_mapping import Mapping, guess
from caredesk.interop.csv_panel import read_patients
from caredesk.interop.csv_table import Table, read_table
from caredesk.interop.csv_values import normalize_phone
from tests.conftest import TODAY

FULL_HEADER = (
    "MRN",
    "Patient Name",
    "DOB",
    "Sex",
    "Home Phone",
    "Mobile",
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


def table(header: tuple[str, ...], *rows: tuple[str, ...]) -> Table:
    return Table(
        header=header,
        rows=tuple((n, r + ("",) * (len(header) - len(r))) for n, r in enumerate(rows, start=2)),
        encoding="UTF-8",
        delimiter=",",
    )


def read(header: tuple[str, ...], *rows: tuple[str, ...], consent_method: ConsentMethod | None = None):
    t = table(header, *rows)
    return read_patients(t, Mapping(Mapping.from_indices(header, guess(header)).columns, consent_method), today=TODAY)


def simple(*rows: tuple[str, ...]):
    return read(("MRN", "Name", "DOB"), *rows)


def test_a_full_row_becomes_a_patient_with_programs_and_conditions():
    row = (
        "000123",
        "Example, Testa",
        "01/31/1950",
        "F",
        "212-555-0142",
        "555 010 4321",
        "12 Elm St",
        "Springfield",
        "IL",
        "62701",
        "Spanish",
        "Medicare Part B",
        "Dr Lee",
        "CCM; RPM",
        "1/5/2026",
        "Verbal",
        "E119 I10",
        "High",
    )
    incoming, problems = read(FULL_HEADER, row)
    assert problems == []
    (one,) = incoming
    p = one.patient
    assert one.where == "row 2"
    assert (p.mrn, p.given_name, p.family_name, p.birth_date) == ("000123", "Testa", "Example", date(1950, 1, 31))
    assert p.sex is Sex.FEMALE and p.risk_tier is RiskTier.HIGH
    assert [(ph.number, ph.kind) for ph in p.phones] == [("(212) 555-0142", "home"), ("(555) 010-4321", "mobile")]
    assert p.address == "12 Elm St, Springfield, IL 62701"
    assert (p.language, p.payer, p.pcp) == ("Spanish", "Medicare Part B", "Dr Lee")
    assert [(e.program, e.start_date, e.consent_date, e.consent_method) for e in one.enrollments] == [
        (Program.CCM, date(2026, 1, 5), date(2026, 1, 5), ConsentMethod.VERBAL),
        (Program.RPM, date(2026, 1, 5), date(2026, 1, 5), ConsentMethod.VERBAL),
    ]
    # ICD-10-CM tabular list (CDC NCHS, FY2026): E11.9 and I10's official descriptions.
    assert [(c.icd10, c.display) for c in one.conditions] == [
        ("E11.9", "Type 2 diabetes mellitus without complications"),
        ("I10", "Essential (primary) hypertension"),
    ]


def test_mrns_keep_leading_zeros_and_letters():
    incoming, problems = simple(("000123", "Example, Testa", "1950-01-31"), ("00A7", "Sample, Tess", "1950-01-31"))
    assert problems == [] and [i.patient.mrn for i in incoming] == ["000123", "00A7"]


def test_an_mrn_a_spreadsheet_turned_into_scientific_notation_is_refused():
    _incoming, (problem,) = simple(("1.23457E+11", "Example, Testa", "1950-01-31"))
    assert (problem.where, problem.field, problem.value) == ("row 2", "MRN", "1.23457E+11")
    assert "scientific notation" in problem.why


@pytest.mark.parametrize(
    ("cell", "given", "family"),
    [
        ("Example, Testa", "Testa", "Example"),
        ("Example,Testa Q", "Testa Q", "Example"),
        ("Testa Example", "Testa", "Example"),
        ("Mary Ann Example", "Mary Ann", "Example"),
    ],
)
def test_names_last_comma_first_or_first_last(cell, given, family):
    (one,), _ = simple(("000123", cell, "1950-01-31"))
    assert (one.patient.given_name, one.patient.family_name) == (given, family)


def test_separate_name_columns_win_over_a_full_name_column():
    header = ("MRN", "Name", "First Name", "Last Name", "DOB")
    (one,), problems = read(header, ("1", "Wrong, Name", "Testa", "Example", "1950-01-31"))
    assert problems == [] and (one.patient.given_name, one.patient.family_name) == ("Testa", "Example")


def test_a_one_word_name_is_refused_naming_the_column():
    _, (problem,) = simple(("000123", "Testa", "1950-01-31"))
    assert (problem.field, problem.value) == ("Name", "Testa")
    assert 'write "Last, First" or "First Last"' in problem.why


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-01-31", date(2026, 1, 31)),
        ("2026/01/31", date(2026, 1, 31)),
        ("01/31/2026", date(2026, 1, 31)),
        ("1/31/2026", date(2026, 1, 31)),
        ("01-31-2026", date(2026, 1, 31)),
        ("31-Jan-2026", date(2026, 1, 31)),
        ("31 JAN 2026", date(2026, 1, 31)),
        ("Jan 31 2026", date(2026, 1, 31)),
        ("January 31, 2026", date(2026, 1, 31)),
        ("01/31/2026 00:00", date(2026, 1, 31)),
        ("2026-01-31T00:00:00", date(2026, 1, 31)),
        ("05/06/1950", date(1950, 5, 6)),  # US order: May 6, never June 5
    ],
)
def test_date_formats(cell, expected):
    assert csv_dates.parse(cell, today=TODAY, birth=False) == expected


def test_two_digit_years_of_birth_are_the_latest_year_not_after_today():
    # TODAY is 11/24/2026: 12/01/26 would be next week, so it is 1926; 01/01/30 is 1930.
    assert csv_dates.parse("12/01/26", today=TODAY, birth=True) == date(1926, 12, 1)
    assert csv_dates.parse("01/01/30", today=TODAY, birth=True) == date(1930, 1, 1)
    assert csv_dates.parse("3/4/50", today=TODAY, birth=True) == date(1950, 3, 4)
    assert csv_dates.parse("31-Jan-45", today=TODAY, birth=True) == date(1945, 1, 31)
    # 11/24/08: 2008 makes the patient 18 today, an adult: read as 2008.
    assert csv_dates.parse("11/24/08", today=TODAY, birth=True) == date(2008, 11, 24)


@pytest.mark.parametrize(("cell", "year"), [("01/01/25", "25"), ("1/31/26", "26"), ("11/25/08", "08")])
def test_a_two_digit_year_of_birth_making_a_minor_is_refused(cell, year):
    # A Medicare panel's 01/01/25 was read as 2025 (age 1): it could be 1925 or 2025.
    with pytest.raises(ValueError) as refused:
        csv_dates.parse(cell, today=TODAY, birth=True)
    assert str(refused.value) == (f"two-digit year {year} could be 19{year} or 20{year}: write the year in four digits")


def test_a_two_digit_year_of_birth_refused_names_the_column():
    _, (problem,) = simple(("000123", "Example, Testa", "01/01/25"))
    assert str(problem) == (
        'row 2: DOB "01/01/25": two-digit year 25 could be 1925 or 2025: write the year in four digits'
    )


def test_other_two_digit_years_are_this_century_and_not_after_today():
    assert csv_dates.parse("3/4/25", today=TODAY, birth=False) == date(2025, 3, 4)
    with pytest.raises(ValueError) as refused:
        csv_dates.parse("3/4/50", today=TODAY, birth=False)
    assert str(refused.value) == "two-digit year 50 reads as 2050, after today: write the year in four digits"


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("13/45/1950", "not a real calendar date"),
        ("02/30/2026", "not a real calendar date"),
        ("31/01/1950", "month before day: dates are read MM/DD/YYYY, and 31 is not a month"),
        ("yesterday", csv_dates.NOT_A_DATE),
        ("18294", csv_dates.NOT_A_DATE),  # a spreadsheet's day number
        ("31-Foo-2026", csv_dates.NOT_A_DATE),
    ],
)
def test_bad_dates_say_why(cell, why):
    with pytest.raises(ValueError) as refused:
        csv_dates.parse(cell, today=TODAY, birth=True)
    assert str(refused.value) == why


def test_a_bad_date_of_birth_is_a_problem_naming_row_column_and_value():
    _, (problem,) = simple(("000123", "Example, Testa", "13/45/1950"))
    assert str(problem) == 'row 2: DOB "13/45/1950": not a real calendar date'


def test_a_date_of_birth_after_today_or_before_1900_is_refused():
    _, problems = simple(("1", "Example, Testa", "12/01/2026"), ("2", "Example, Tess", "01/01/1899"))
    assert [(p.where, p.why) for p in problems] == [
        ("row 2", "date of birth is after today (11/24/2026)"),
        ("row 3", "date of birth is before 1900"),
    ]


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("M", Sex.MALE),
        ("male", Sex.MALE),
        ("F", Sex.FEMALE),
        ("Female", Sex.FEMALE),
        ("U", Sex.UNKNOWN),
        ("Other", Sex.OTHER),
        ("", Sex.UNKNOWN),
    ],
)
def test_sex(cell, sex):
    (one,), _ = read(("MRN", "Name", "DOB", "Gender"), ("1", "Example, Testa", "1950-01-31", cell))
    assert one.patient.sex is sex


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        # libphonenumber's national format for North America (NANP), as the chart shows numbers.
        ("2125550142", "(212) 555-0142"),
        ("+1 212-555-0142", "(212) 555-0142"),
        ("1 (212) 555.0142", "(212) 555-0142"),
        ("212-555-0142 ext. 12", "(212) 555-0142 x12"),
        ("(555) 010-4321", "(555) 010-4321"),  # area code 555: unassigned, the demo panel's numbers
        ("+44 20 7946 0958", "+44 20 7946 0958"),  # Ofcom's drama range, international format
    ],
)
def test_phones_are_normalised_with_phonenumbers(cell, stored):
    assert normalize_phone(cell) == stored


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        # The rule of every entry path (domain.phone_entry): libphonenumber's, for region US.
        ("12", "not a phone number; type all 10 digits"),
        ("555-0142", "has no area code; type all 10 digits"),  # NANP numbers have 10 digits
        ("call me", "not a phone number; type all 10 digits"),
        ("(123) 456-7890", "not a number in use: no such area code or exchange"),  # no NANP area code starts with 1
    ],
)
def test_invalid_phones_are_refused(cell, why):
    with pytest.raises(ValueError) as refused:
        normalize_phone(cell)
    assert str(refused.value) == why


def test_a_bad_phone_is_a_problem_naming_its_column():
    _, (problem,) = read(("MRN", "Name", "DOB", "Cell Phone"), ("1", "Example, Testa", "1950-01-31", "555-12"))
    assert (problem.field, problem.value) == ("Cell Phone", "555-12")


def test_icd10_codes_in_one_cell_any_separator_dotless_or_dotted():
    header = ("MRN", "Name", "DOB", "Diagnoses")
    (one,), problems = read(header, ("1", "Example, Testa", "1950-01-31", "e119; I10 | J44.9,E11.9"))
    assert problems == []
    assert [c.icd10 for c in one.conditions] == ["E11.9", "I10", "J44.9"]  # E11.9 twice is one condition


def test_unknown_or_category_codes_are_one_problem_for_the_cell():
    header = ("MRN", "Name", "DOB", "ICD-10")
    incoming, (problem,) = read(header, ("1", "Example, Testa", "1950-01-31", "E11 Q99.99 I10"))
    assert incoming == []
    assert (problem.field, problem.value) == ("ICD-10", "E11 Q99.99 I10")
    assert "E11 is a category, not a billable code" in problem.why
    assert "Q99.99 is not an ICD-10-CM code" in problem.why


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("E11.9 - Type 2 diabetes mellitus without complications", ["E11.9"]),
        ("E11.9 (Type 2 DM)", ["E11.9"]),
        ("E11.9(Type 2 DM)", ["E11.9"]),
        ("E11.9: Type 2 DM", ["E11.9"]),
        ("E11.9 Type 2 DM; I10 Essential hypertension", ["E11.9", "I10"]),
        ("E78.5 Hyperlipidemia, unspecified, I10 Essential (primary) hypertension", ["E78.5", "I10"]),
        ("E11.9 I10 - both", ["E11.9", "I10"]),
        ("E11.9 Type 2 DM\nI10 Essential hypertension", ["E11.9", "I10"]),
    ],
)
def test_descriptions_an_ehr_writes_after_the_codes_are_ignored(cell, codes):
    # A tester's EHR problem-list export: the code first, then its description.
    header = ("MRN", "Name", "DOB", "Diagnoses")
    (one,), problems = read(header, ("1", "Example, Testa", "1950-01-31", cell))
    assert problems == []
    assert [c.icd10 for c in one.conditions] == codes


def test_injury_pregnancy_z_codes_and_initial_encounters_are_not_chronic_and_the_patient_is_flagged():
    # ICD-10-CM tabular list (CMS/CDC NCHS) chapters: S/T injuries, V-Y external causes, O
    # pregnancy, Z factors; a 7th character A is an initial encounter (guidelines I.C.19.a).
    # A tester's file had S72.001A stored chronic, counting toward CCM's two chronic conditions.
    header = ("MRN", "Name", "DOB", "Diagnoses")
    cell = "E11.9; I10; S72.001A; Z79.4; O24.419; W19.XXXA"
    (one,), problems = read(header, ("1", "Example, Testa", "1950-01-31", cell))
    assert problems == []
    assert [(c.icd10, c.chronic) for c in one.conditions] == [
        ("E11.9", True),
        ("I10", True),
        ("S72.001A", False),
        ("Z79.4", False),
        ("O24.419", False),
        ("W19.XXXA", False),
    ]
    assert one.flags == (
        "E11.9, I10 marked chronic; S72.001A, Z79.4, O24.419, W19.XXXA not chronic — check in the chart",
    )


def test_a_patient_without_conditions_has_no_chronic_flag():
    (one,), _ = simple(("1", "Example, Testa", "1950-01-31"))
    assert one.flags == ()


def test_a_dx_cell_with_no_code_is_refused():
    header = ("MRN", "Name", "DOB", "Diagnoses")
    incoming, (problem,) = read(header, ("1", "Example, Testa", "1950-01-31", "Type 2 diabetes; hypertension"))
    assert incoming == []
    assert (problem.field, problem.why) == ("Diagnoses", csv_codes.NO_CODE)


def test_an_address_cell_on_several_lines_is_joined_with_commas():
    # Excel quotes a cell with Alt+Enter line breaks and keeps them (RFC 4180 section 2.6).
    header = ("MRN", "Name", "DOB", "Address")
    (one,), problems = read(header, ("1", "Example, Testa", "1950-01-31", "12 Elm St\r\nApt 4\nSpringfield, IL 62701"))
    assert problems == []
    assert one.patient.address == "12 Elm St, Apt 4, Springfield, IL 62701"


@pytest.mark.parametrize(
    ("cell", "programs"),
    [
        ("CCM", [Program.CCM]),
        ("Chronic Care Management", [Program.CCM]),
        ("ccm, pcm", [Program.CCM, Program.PCM]),
        ("BHI/RPM", [Program.BHI, Program.RPM]),
        ("Advanced Primary Care Management", [Program.APCM]),
        ("Collaborative Care", [Program.COCM]),
        ("complex CCM", [Program.COMPLEX_CCM]),
        ("Remote Patient Monitoring", [Program.RPM]),
    ],
)
def test_program_spellings(cell, programs):
    (one,), problems = read(("MRN", "Name", "DOB", "Program"), ("1", "Example, Testa", "1950-01-31", cell))
    assert problems == []
    assert [e.program for e in one.enrollments] == programs
    assert all(e.start_date == TODAY and e.consent_date is None for e in one.enrollments)


def test_an_unknown_program_is_refused_listing_the_programs():
    _, (problem,) = read(("MRN", "Name", "DOB", "Program"), ("1", "Example, Testa", "1950-01-31", "Yoga"))
    assert problem.field == "Program" and problem.why.startswith('"Yoga" is not a program; programs are: CCM')


def test_a_consent_date_needs_its_method_from_a_column_or_the_mapping():
    header = ("MRN", "Name", "DOB", "Program", "Consent Date")
    with pytest.raises(ValidationError, match="a consent date needs its method"):
        read(header, ("1", "Example, Testa", "1950-01-31", "CCM", "01/05/2026"))
    (one,), problems = read(
        header, ("1", "Example, Testa", "1950-01-31", "CCM", "01/05/2026"), consent_method=ConsentMethod.WRITTEN
    )
    assert problems == []
    (e,) = one.enrollments
    assert (e.start_date, e.consent_date, e.consent_method) == (
        date(2026, 1, 5),
        date(2026, 1, 5),
        ConsentMethod.WRITTEN,
    )


def test_a_ccm_consent_column_enrolls_in_ccm_without_a_program_column():
    header = ("MRN", "Name", "DOB", "CCM Consent")
    (one,), problems = read(
        header, ("1", "Example, Testa", "1950-01-31", "01/05/2026"), consent_method=ConsentMethod.VERBAL
    )
    assert problems == [] and [e.program for e in one.enrollments] == [Program.CCM]


def test_a_consent_date_without_a_program_in_its_row_is_refused():
    header = ("MRN", "Name", "DOB", "Program", "Consent Date")
    _, (problem,) = read(
        header, ("1", "Example, Testa", "1950-01-31", "", "01/05/2026"), consent_method=ConsentMethod.VERBAL
    )
    assert (problem.field, problem.why) == (
        "Consent Date",
        "a consent date needs a program: the Program column is empty",
    )


def test_every_bad_cell_is_its_own_problem_and_the_row_is_refused_whole():
    row = (
        "X1",
        "Example, Testa",
        "13/45/1950",
        "Q",
        "12",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Yoga",
        "",
        "",
        "E11",
        "extreme",
    )
    incoming, problems = read(FULL_HEADER, row)
    assert incoming == []
    assert [p.field for p in problems] == ["DOB", "Sex", "Home Phone", "Program", "Dx Codes", "Risk"]
    assert {p.where for p in problems} == {"row 2"}


def test_domain_text_rules_apply_and_name_the_column():
    # The domain refuses invisible text-direction and zero-width characters (domain.checks,
    # "Trojan Source" CVE-2021-42574) and a language over 40 characters (domain.patients.Patient).
    header = ("MRN", "Name", "DOB", "Payer", "Language")
    _, problems = read(header, ("000\u202e123", "Example, Testa", "1950-01-31", "Medicare\u200b", "x" * 41))
    assert [(p.field, p.why) for p in problems] == [
        ("MRN", "MRN must not contain invisible zero-width or text-direction characters"),
        ("Payer", "payer must not contain invisible zero-width or text-direction characters"),
        ("Language", "language is longer than 40 characters"),
    ]


def test_a_joined_address_too_long_is_one_problem_naming_its_columns():
    # domain.patients.Patient: an address holds at most 300 characters.
    header = ("MRN", "Name", "DOB", "Street", "City", "State", "Zip")
    _, (problem,) = read(
        header, ("1", "Example, Testa", "1950-01-31", "1 " + "Test Street " * 25, "Springfield", "IL", "00001")
    )
    assert (problem.field, problem.why) == ("Street + City + State + Zip", "address is longer than 300 characters")
    assert problem.value.startswith("1 Test Street") and len(problem.value) == 80


def test_a_long_value_is_shortened_to_80_characters():
    _, (problem,) = simple(("1", "Example, Testa", "x" * 200))
    assert len(problem.value) == 80 and problem.value.endswith("…")


def test_a_value_shown_in_a_problem_cannot_drive_the_terminal():
    # An escape sequence (ECMA-48 CSI "clear screen") or a right-to-left override in a cell is shown as U+FFFD.
    _, (problem,) = simple(("1", "Example, Testa", "\x1b[2J01/01/1950\u202e"))
    assert problem.value == "\ufffd[2J01/01/1950\ufffd"


def test_extra_filled_cells_beyond_the_header_are_refused():
    t = Table(
        header=("MRN", "Name", "DOB"),
        rows=((2, ("1", "Example", " Testa", "1950-01-31")),),
        encoding="UTF-8",
        delimiter=",",
    )
    incoming, problems = read_patients(
        t, Mapping(columns={"mrn": "MRN", "full_name": "Name", "birth_date": "DOB"}), today=TODAY
    )
    assert incoming == [] and problems[0].why == "has 4 cells but the header names 3 columns"


def test_a_missing_required_column_is_refused_before_any_row():
    with pytest.raises(ValidationError) as refused:
        read(("MRN", "Name"), ("1", "Example, Testa"))
    assert str(refused.value) == "mapping: no column for Date of birth: the file must have one, mapped"


def test_a_windows_1252_file_reads_jose():
    data = "MRN;Patient Name;DOB\r\n000123;Example, José;01/31/1950\r\n".encode("cp1252")
    t = read_table(data, source="panel.csv")
    (one,), problems = read_patients(t, Mapping.from_indices(t.header, guess(t.header)), today=TODAY)
    assert problems == [] and one.patient.given_name == "José" and t.encoding == "Windows-1252"


def test_an_empty_optional_cell_leaves_the_default():
    header = ("MRN", "Name", "DOB", "Language", "Risk", "Phone")
    (one,), _ = read(header, ("1", "Example, Testa", "1950-01-31", "", "", ""))
    assert (one.patient.language, one.patient.risk_tier, one.patient.phones) == ("English", RiskTier.MEDIUM, ())
