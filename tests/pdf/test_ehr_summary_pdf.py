"""The EHR summary's PDF read back (pypdf; poppler's pdftotext for the Chinese name): the same
facts as the text, page x of y and the privacy line, the patient named on every later page,
every font embedded, metadata that names no patient."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Patient
from caredesk.interop.ehr_summary import month_summary
from caredesk.interop.ehr_summary_values import TimeLine
from caredesk.pdf.ehr_summary import FOOTER, render_summary
from caredesk.services import calls, enrollments
from tests.conftest import add_patient
from tests.interop.ehr_panel import FACILITY, PRACTITIONER, make_panel
from tests.pdf.test_fonts_embedded import fonts
from tests.pdf.test_scripts_print import read_back

NOVEMBER = Month(2026, 11)


def _text(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_holds_the_months_facts_with_page_numbers_and_the_privacy_line(workspace):
    panel = make_panel(workspace)
    pdf = render_summary(month_summary(workspace, panel.main, NOVEMBER))
    pages = _text(pdf)
    text = " ".join(pages)
    for fact in (
        "Care management summary — November 2026",
        "Example, Testa",
        "000123",
        "03/04/1950",
        PRACTITIONER,
        "verbal consent 10/01/2026",
        "E11.9 Type 2 diabetes mellitus without complications",
        "11/03/2026 15 clinical staff phone call phone, reached CCM",
        "99490 1 CCM, first 20 min of clinical-staff time; includes 5 min of physician/QHP time",
        "30 of 40 min for the next 99439",
        "Version 2 finalized 11/24/2026 by Casey Example, RN",
        "Next review changed from 03/01/2027 to 02/01/2027",
        "food: Example Food Pantry; proposed 11/04/2026",
        f"{FACILITY}: admitted 10/30/2026, discharged 11/02/2026",
        "TCM contact: due 11/04/2026, met, done 11/03/2026 by phone",
        "face-to-face visit: due 11/16/2026, overdue, not met",
        "Prepared by Casey Example, RN, 11/24/2026; reviewed by billing practitioner ________",
    ):
        assert fact in text, fact
    assert "J06.9" not in text and "post-discharge call" not in text
    for n, page in enumerate(pages, 1):
        assert FOOTER in page and f"Page {n} of {len(pages)}" in page
    assert all(fonts(pdf).values()), fonts(pdf)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == "CareDesk care-management summary 2026-11" and "Example" not in str(dict(info))


def test_a_long_month_runs_over_pages_each_naming_the_patient(workspace):
    """A month of daily calls spills over: every later page says whose summary it is."""
    panel = make_panel(workspace)
    summary = month_summary(workspace, panel.main, NOVEMBER)
    many = tuple(
        TimeLine(date(2026, 11, 1 + i % 24), 5, "phone call", "clinical staff", "CCM", "phone, reached")
        for i in range(90)
    )
    pages = _text(render_summary(replace(summary, time=many)))
    assert len(pages) >= 2
    for n, page in enumerate(pages[1:], 2):
        assert "Example, Testa · MRN 000123 · DOB 03/04/1950" in page and f"Page {n} of {len(pages)}" in page
    assert "Prepared by Casey Example, RN" in pages[-1]


def test_a_chinese_name_prints_in_an_embedded_face(workspace, tmp_path):
    pid = add_patient(
        workspace, Patient(mrn="000130", given_name="秀英", family_name="王", birth_date=date(1952, 8, 9))
    ).id
    enrollments.enroll(workspace, pid, "CCM", date(2026, 10, 1), date(2026, 10, 1), "verbal", "王医生")
    calls.log_time(workspace, pid, minutes=12, activity="care coordination", on=date(2026, 11, 9))
    pdf = render_summary(month_summary(workspace, pid, NOVEMBER))
    found = fonts(pdf)
    assert all(found.values()) and any("WenQuanYi" in name for name in found), found
    text = read_back(pdf, tmp_path)
    assert "王, 秀英" in text and "王医生" in text
