"""The month's billing report: rows, CSV and PDF (read back), over a real demo store."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from caredesk.domain.calendar import Month
from caredesk.errors import ValidationError
from caredesk.services import billing_report
from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, ZONE

NOVEMBER = Month(2026, 11)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from caredesk.clock import FixedClock

    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    ws, _ = create_demo_store(
        DataFolder(tmp_path_factory.mktemp("bill")), patients=60, seed=5, clock=clock, kdf=FAST_KDF, zone=ZONE
    )
    yield ws
    ws.lock()


def test_every_row_is_an_enrolled_patient_with_codes_or_reasons(demo):
    report = billing_report.month_report(demo, NOVEMBER)
    assert 40 <= len(report.rows) <= 60
    assert all(r.result.codes or r.result.reasons for r in report.rows)
    assert report.ready_count == sum(1 for r in report.rows if r.result.codes)
    assert report.total_minutes == sum(r.clinical_minutes + r.physician_minutes for r in report.rows)


def test_csv_has_one_line_per_row_with_codes_and_reasons(demo, tmp_path):
    report = billing_report.month_report(demo, NOVEMBER)
    path = tmp_path / "billing.csv"
    billing_report.write_csv(demo, report, path)
    lines = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(lines) == len(report.rows)
    for line, row in zip(lines, report.rows, strict=False):
        assert (line["mrn"], line["codes"]) == (row.mrn, row.result.codes_text())
        assert line["reasons"] == "; ".join(row.result.reasons)
        assert int(line["clinical_staff_minutes"]) == row.clinical_minutes
    assert not list(tmp_path.glob(".*partial"))


def test_pdf_reads_back_with_the_rows_page_numbers_and_no_patient_in_metadata(demo, tmp_path):
    report = billing_report.month_report(demo, NOVEMBER)
    path = tmp_path / "billing.pdf"
    seen = []
    billing_report.write_pdf(demo, report, path, progress=lambda done, total: seen.append((done, total)))
    reader = PdfReader(str(path))
    pages = [p.extract_text() for p in reader.pages]
    text = "\n".join(pages)
    assert "Care-management billing, 2026-11" in text
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, 1))
    for row in report.rows:
        assert row.mrn in text
    accented = [r for r in report.rows if any(ord(ch) > 127 for ch in r.name)]
    assert accented and accented[0].name.split(",")[0] in text  # extracts with its accents
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "CareDesk billing report 2026-11" in meta
    assert not any(r.name.split(",")[0] in meta or r.mrn in meta for r in report.rows)
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("CareDeskSans" in str(f) or "DejaVu" in str(f) for f in fonts)
    assert seen[-1] == (len(report.rows), len(report.rows))


def test_a_bad_output_folder_is_a_clear_error_and_leaves_nothing(demo, tmp_path):
    from caredesk.errors import CareDeskError

    report = billing_report.month_report(demo, NOVEMBER)
    with pytest.raises(CareDeskError, match="Cannot write"):
        billing_report.write_csv(demo, report, tmp_path / "missing" / "b.csv")


def test_exports_are_audited(demo, tmp_path):
    report = billing_report.month_report(demo, NOVEMBER)
    billing_report.write_csv(demo, report, tmp_path / "a.csv")
    with demo.uow() as uow:
        last = uow.audit_log.all()[-1]
    assert (last.action, last.entity, last.entity_id) == ("exported", "billing report", "2026-11")


def test_csv_cells_a_spreadsheet_would_run_are_kept_as_text(workspace):
    """Issue 12: an MRN '-0042' opened as the number -42, and a cell starting with '=' is a formula
    in Excel (OWASP "CSV Injection": prefix such cells with an apostrophe, which hides itself)."""
    from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Program
    from caredesk.services.calls import log_contact
    from tests.conftest import add_patient

    p = add_patient(
        workspace,
        Patient(mrn="-0042", given_name='=HYPERLINK("http://x")', family_name="+Qzx", birth_date=date(1950, 3, 4)),
        Enrollment(
            patient_id=0,
            program=Program.PCM,
            start_date=date(2026, 1, 5),
            consent_date=date(2026, 1, 5),
            consent_method=ConsentMethod.VERBAL,
        ),
    )
    log_contact(workspace, p.id, outcome="reached", minutes=5)
    rows = list(csv.DictReader(io.StringIO(billing_report.csv_text(billing_report.month_report(workspace, NOVEMBER)))))
    (row,) = rows
    assert row["mrn"] == "'-0042"
    assert row["patient"] == '\'+Qzx, =HYPERLINK("http://x")'
    assert billing_report.csv_cell(12) == 12 and billing_report.csv_cell("0042") == "0042"


def test_a_month_that_has_not_begun_is_refused():
    with pytest.raises(ValidationError) as err:
        billing_report.check_month(Month(2026, 12), date(2026, 11, 24))
    assert err.value.field == "month" and err.value.message == "2026-12 has not begun (today is 11/24/2026)"
    billing_report.check_month(NOVEMBER, date(2026, 11, 24))  # the current month: billed so far
    billing_report.check_month(NOVEMBER, date(2026, 11, 1))
