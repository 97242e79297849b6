"""Every font in every PDF CareDesk writes is embedded (issue 12: Helvetica was referenced
unembedded, from reportlab's page preamble, so a viewer substituted its own), read back from the
font dictionaries: each has its font program (FontFile2 for TrueType, FontFile/FontFile3 otherwise)."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from caredesk.domain.letters import compose
from caredesk.pdf.letter import render_letter
from caredesk.pdf.recovery_kit import render_recovery_kit
from tests.conftest import NOW, add_patient
from tests.domain.test_letters import CALLS, PRACTICE, TODAY, patient
from tests.pdf.test_careplan_pdf import long_plan, render


def fonts(data: bytes) -> dict[str, bool]:
    """Each font's /BaseFont on any page (and in any form XObject): whether its program is embedded."""
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in resources.get("/XObject", {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return found


def billing_pdf() -> bytes:
    from caredesk.domain.calendar import Month
    from caredesk.pdf.billing_report import render as render_report
    from caredesk.services.billing_report import MonthReport

    return render_report(MonthReport(Month(2026, 11), ()), generated=NOW)


DOCUMENTS = {
    "care plan": lambda: render(long_plan()),
    "care plan, large print": lambda: render(long_plan(), large_print=True),
    "letter": lambda: render_letter(compose(patient(), PRACTICE, CALLS, TODAY)),
    "letter, large print": lambda: render_letter(compose(patient(), PRACTICE, CALLS, TODAY), large_print=True),
    "billing report": billing_pdf,
    "recovery kit": lambda: render_recovery_kit(
        "7KQ2M-X9D4R-0Z8SB-WH5TN-3CEGA", "/home/n/CareDesk", date(2026, 11, 24)
    ),
}


@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_every_font_is_embedded(document):
    found = fonts(DOCUMENTS[document]())
    assert found, "no fonts read back"
    assert all(found.values()), {name: embedded for name, embedded in found.items() if not embedded}


def test_the_billing_report_of_a_real_month_embeds_its_fonts(workspace):
    from caredesk.domain.calendar import Month
    from caredesk.domain.patients import Patient
    from caredesk.pdf.billing_report import render as render_report
    from caredesk.services.billing_report import month_report

    add_patient(workspace, Patient(mrn="F1", given_name="Ann", family_name="Font", birth_date=date(1950, 1, 1)))
    found = fonts(render_report(month_report(workspace, Month(2026, 11)), generated=NOW))
    assert found and all(found.values()), found


def test_the_billing_report_prints_chinese_and_arabic_names(workspace, tmp_path):
    """Issue 12: what a form accepts prints; the biller's PDF lists the patient's name as typed."""
    from caredesk.domain.calendar import Month
    from caredesk.domain.patients import Enrollment, Patient, Program
    from caredesk.pdf.billing_report import render as render_report
    from caredesk.services.billing_report import month_report
    from tests.pdf.test_scripts_print import poppler

    enrolled = Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 5))
    add_patient(
        workspace, Patient(mrn="Z1", given_name="秀英", family_name="王", birth_date=date(1950, 1, 1)), enrolled
    )
    add_patient(
        workspace, Patient(mrn="Z2", given_name="ليلى", family_name="حداد", birth_date=date(1950, 1, 1)), enrolled
    )
    pdf = render_report(month_report(workspace, Month(2026, 11)), generated=NOW)
    text = unicodedata.normalize("NFKC", poppler("pdftotext", pdf, tmp_path))
    assert "王" in text and "秀英" in text  # a box would read back as nothing
    assert "حداد" in text
    found = fonts(pdf)
    assert found and all(found.values()), found
