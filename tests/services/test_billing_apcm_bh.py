"""APCM over a real store, through the month's billing report (SPEC 3, issue 12): the consent
column of an APCM-only patient, and the 2026 behavioral add-ons G0568 / G0569 / G0570 with the
reasons they did not bill, as the month page, the CSV and the PDF show them."""

from __future__ import annotations

import csv
import io
from datetime import date

from pypdf import PdfReader

from caredesk.domain.calendar import Month
from caredesk.domain.patients import Condition, Enrollment, Patient, Program
from caredesk.services import billing_report
from caredesk.services.calls import log_time
from tests.conftest import add_patient

NOV = Month(2026, 11)


def _patient(ws, mrn: str, *enrollments: Enrollment, conditions: int = 2) -> int:
    first, *more = enrollments
    p = add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name=f"P{mrn}", birth_date=date(1950, 1, 1)), first)
    with ws.uow() as uow:
        for e in more:
            uow.enrollments.add(e.__class__(**{**_fields(e), "patient_id": p.id}))
        for code in ("E11.9", "I10")[:conditions]:
            uow.conditions.add(Condition(patient_id=p.id, icd10=code, display=code))
        uow.commit()
    return p.id


def _fields(e: Enrollment) -> dict:
    return {k: getattr(e, k) for k in e.__slots__}  # type: ignore[attr-defined]


def _enrolled(
    program: Program, consent: date | None = date(2026, 1, 5), start: date = date(2026, 1, 5), who: str = "Dr Adams"
) -> Enrollment:
    return Enrollment(
        patient_id=0,
        program=program,
        start_date=start,
        consent_date=consent,
        consent_method="verbal" if consent else None,
        billing_practitioner=who,
    )


def _row(ws, pid: int) -> billing_report.MonthRow:
    return next(r for r in billing_report.month_report(ws, NOV).rows if r.patient_id == pid)


def _csv_row(ws, pid: int) -> dict[str, str]:
    report = billing_report.month_report(ws, NOV)
    mrn = next(r.mrn for r in report.rows if r.patient_id == pid)
    return next(r for r in csv.DictReader(io.StringIO(billing_report.csv_text(report))) if r["mrn"] == mrn)


def _pdf_text(ws, tmp_path) -> str:
    path = tmp_path / "billing.pdf"
    billing_report.write_pdf(ws, billing_report.month_report(ws, NOV), path)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_an_apcm_only_patient_shows_the_apcm_consent(workspace, tmp_path):
    # APCM has no minutes, so it is no "main program" (where minutes go): the row read the
    # main program's consent and showed none for an APCM-only patient.
    pid = _patient(workspace, "A1", _enrolled(Program.APCM, consent=date(2026, 2, 3)))
    row = _row(workspace, pid)
    assert row.result.codes_text() == "G0557"
    assert row.consent == date(2026, 2, 3)
    assert _csv_row(workspace, pid)["consent_date"] == "2026-02-03"
    assert "02/03/2026" in _pdf_text(workspace, tmp_path)


def _log(ws, pid: int, program: Program, minutes: int, on: date) -> None:
    log_time(ws, pid, minutes=minutes, activity="care coordination", on=on, program=program)


def test_apcm_with_bhi_bills_g0570_in_place_of_99484_and_the_csv_and_pdf_say_so(workspace, tmp_path):
    pid = _patient(workspace, "B1", _enrolled(Program.APCM), _enrolled(Program.BHI))
    row = _row(workspace, pid)
    assert row.result.codes_text() == "G0557"
    assert "G0570: no BHI care logged this month on or after the consent" in row.result.reasons
    _log(workspace, pid, Program.BHI, 25, date(2026, 11, 3))
    row = _row(workspace, pid)
    assert row.result.codes_text() == "G0557, G0570"
    assert row.result.reasons == ("G0570 with APCM replaces 99484 (same practitioner, same month)",)
    assert _csv_row(workspace, pid)["codes"] == "G0557, G0570"
    text = _pdf_text(workspace, tmp_path)
    assert "G0570" in text and "replaces 99484" in text


def test_bhi_by_another_practitioner_bills_99484_and_names_both(workspace):
    pid = _patient(workspace, "B2", _enrolled(Program.APCM), _enrolled(Program.BHI, who="Dr Baker"))
    _log(workspace, pid, Program.BHI, 25, date(2026, 11, 3))
    row = _row(workspace, pid)
    assert row.result.codes_text() == "99484, G0557"
    assert _csv_row(workspace, pid)["reasons"] == (
        "G0570 needs APCM G0556-G0558 billed by the same practitioner this month (APCM: Dr Adams; BHI: Dr Baker)"
    )


def test_cocm_bills_g0568_in_its_first_month_and_g0569_after(workspace):
    pid = _patient(
        workspace,
        "C1",
        _enrolled(Program.APCM),
        _enrolled(Program.COCM, start=date(2026, 10, 12), consent=date(2026, 10, 12)),
    )
    _log(workspace, pid, Program.COCM, 40, date(2026, 10, 14))
    _log(workspace, pid, Program.COCM, 30, date(2026, 11, 4))
    october = next(r for r in billing_report.month_report(workspace, Month(2026, 10)).rows if r.patient_id == pid)
    assert october.result.codes_text() == "G0557, G0568"
    row = _row(workspace, pid)
    assert row.result.codes_text() == "G0557, G0569"
    assert Program.COCM in row.programs and row.minutes_by_program == {Program.COCM: 30}


def test_a_cocm_only_patient_is_listed_with_the_reason_it_does_not_bill(workspace):
    pid = _patient(workspace, "C2", _enrolled(Program.COCM, consent=date(2026, 11, 2), start=date(2026, 11, 2)))
    _log(workspace, pid, Program.COCM, 30, date(2026, 11, 4))
    row = _row(workspace, pid)
    assert row.result.codes == ()
    assert row.consent == date(2026, 11, 2)
    assert row.result.reasons == (
        "G0568 needs APCM G0556-G0558 billed by the same practitioner this month "
        "(CareDesk does not bill standalone CoCM 99492-99494)",
    )
