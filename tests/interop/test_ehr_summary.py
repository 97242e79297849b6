"""The monthly care-management summary for the EHR (issue 13 part 4) over a real store made
through the services (tests/interop/ehr_panel.py): the facts, line by line, as a billing
practitioner reads them before signing the claim.

Expected values come from SPEC §3 (Billing; Transitions of care) and its sources: CCM 99490
needs >= 20 min of clinical-staff time in the calendar month, consent on file and >= 2 chronic
conditions, and practitioner time counts toward it when not billed as the practitioner's own
code (CMS MLN909188, "Chronic Care Management Services", CY2025 PFS); minutes before the
consent date do not count (SPEC §3 "Consent comes first"); the TCM contact is due within 2
business days of discharge and TCM bills once, in the month its 30-day period ends (CMS
MLN908628, "Transitional Care Management Services").
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.domain.patients import Patient
from caredesk.errors import NotFound, ValidationError
from caredesk.interop import ehr_summary_files as files
from caredesk.interop.ehr_summary import month_summary, summary_patients
from caredesk.interop.ehr_summary_text import summary_text
from caredesk.pdf.ehr_summary import render_summary
from caredesk.services import (
    billing_report,
    calls,
    clinical,
    contact_corrections,
    contact_history,
    enrollments,
    stays,
)
from tests.conftest import add_patient
from tests.interop.ehr_panel import FACILITY, PRACTITIONER, make_panel

NOVEMBER = Month(2026, 11)


@pytest.fixture
def panel(workspace):
    return make_panel(workspace)


def _in_order(lines: list[str], expected: list[str]) -> None:
    """Each expected line is in `lines`, in this order (other lines may come between)."""
    at = 0
    for want in expected:
        assert want in lines[at:], f"missing (in order): {want!r}\n" + "\n".join(lines)
        at = lines.index(want, at) + 1


def test_the_text_says_the_months_facts_line_by_line(workspace, panel):
    text = summary_text(month_summary(workspace, panel.main, NOVEMBER))
    lines = text.splitlines()
    assert lines[0] == "Care management summary — November 2026"
    assert lines[1] == "=" * len(lines[0])
    _in_order(
        lines,
        [
            "Patient: Example, Testa",
            "MRN: 000123    DOB: 03/04/1950",  # the MRN's leading zeros kept; MM/DD/YYYY as every screen
            f"Billing practitioner: {PRACTITIONER}",
            "Period: 11/01/2026 to 11/30/2026 (month in progress: to 11/24/2026)",
            "Consent",
            "  - CCM: verbal consent 10/01/2026; enrolled 10/01/2026",
            "Chronic conditions addressed (ICD-10-CM)",
            "  - E11.9 Type 2 diabetes mellitus without complications",
            "  - I10 Essential (primary) hypertension",
            # Each day's minutes with activity and staff type; October's 7 min and the
            # unanswered call's none are not minutes of November.
            "Care-management time: 25 min clinical staff, 5 min physician/QHP",
            "  11/03/2026   15 min  clinical staff  phone call (reached)  [CCM]",
            "  11/05/2026    0 min  contact: phone, voicemail (no minutes)",
            "  11/10/2026   10 min  clinical staff  care plan  [CCM]",
            "  11/12/2026    5 min  physician/QHP  medication review  [CCM]",
            "  By activity and staff type:",
            "    - phone call, clinical staff: 15 min",
            "    - care plan, clinical staff: 10 min",
            "    - medication review, physician/QHP: 5 min",
            # 25 min staff + 5 min practitioner = 30 >= 20: 99490 (CMS MLN909188); 99439 needs
            # a further full 20 min (40 in all); TCM bills when its period ends (CMS MLN908628).
            "Codes earned this month (Medicare Physician Fee Schedule)",
            "  - 99490: CCM, first 20 min of clinical-staff time",
            "      includes 5 min of physician/QHP time counted toward the clinical-staff",
            "        minutes",
            "      source: CMS MLN909188 (CCM), CY2025 PFS",
            "  Not billed:",
            "    - 30 of 40 min for the next 99439",
            "    - TCM for the 11/02 discharge bills when its 30-day period ends (12/01)",
            "Care plan",
            "  - Version 1 finalized 11/24/2026 by Casey Example, RN:",
            "      * Problem 'Type 2 diabetes' added",
            "      * Next review set to 03/01/2027",
            "  - Version 2 finalized 11/24/2026 by Casey Example, RN:",
            "      * Next review changed from 03/01/2027 to 02/01/2027",
            "Referrals",
            "  - food: Example Food Pantry; proposed 11/04/2026",
            "Hospital stays and transitions of care",
            f"  - {FACILITY}: admitted 10/30/2026, discharged 11/02/2026",
            "      (moderate complexity); TCM period ends 12/01/2026",
            # Discharge Monday 11/02: the contact is due 2 business days later, 11/04; the
            # visit within 14 days (moderate complexity), reconciliation by the visit (SPEC §3).
            "      * TCM contact: due 11/04/2026, met, done 11/03/2026 by phone",
            "      * face-to-face visit: due 11/16/2026, overdue, not met",
            "      * medication reconciliation: due 11/16/2026, overdue, not met",
            "Prepared by Casey Example, RN, 11/24/2026;",
            "reviewed by billing practitioner ________",
        ],
    )
    assert "J06.9" not in text  # an acute condition is not one addressed by chronic care management
    assert "post-discharge call" not in text  # call notes stay in CareDesk
    assert text.endswith("________\n")


def test_every_line_is_at_most_80_characters_without_tabs(workspace, panel):
    for pid in (panel.main, panel.late, panel.none):
        text = summary_text(month_summary(workspace, pid, NOVEMBER))
        assert "\t" not in text
        assert max(len(line) for line in text.splitlines()) <= 80


def test_minutes_before_a_late_consent_are_shown_and_said_not_to_count(workspace, panel):
    """SPEC §3: "consent later in the month bills only what follows it" - 12 of 20 min."""
    summary = month_summary(workspace, panel.late, NOVEMBER)
    assert [(t.on, t.minutes) for t in summary.time] == [(date(2026, 11, 16), 25), (date(2026, 11, 23), 12)]
    assert summary.codes == ()
    assert summary.not_billed == ("12 of 20 min for 99490", "consent dated 11/20: 25 min before it do not count")
    lines = summary_text(summary).splitlines()
    _in_order(lines, ["  - CCM: written consent 11/20/2026; enrolled 11/01/2026", "  - none", "  Not billed:"])


def test_the_codes_are_the_billing_reports(workspace, panel):
    """The summary never bills on its own: its codes and reasons are the month's report row."""
    report = billing_report.month_report(workspace, NOVEMBER)
    for row in report.rows:
        summary = month_summary(workspace, row.patient_id, NOVEMBER, report=report)
        assert [(c.code, c.units) for c in summary.codes] == [(c.code, c.units) for c in row.result.codes]
        assert summary.not_billed == row.result.reasons


def test_a_voided_entry_leaves_the_summary(workspace, panel):
    entry = next(
        e
        for r in contact_history.history(workspace, panel.main, NOVEMBER)
        for e in r.entries
        if e.activity.value == "care plan"
    )
    contact_corrections.void_time_entry(workspace, entry.id, reason="logged twice")
    summary = month_summary(workspace, panel.main, NOVEMBER)
    assert summary.clinical_minutes == 15 and "care plan" not in [t.activity for t in summary.time]


def test_another_month_gathers_its_own_facts_and_one_not_begun_is_refused(workspace, panel):
    """December has not begun on 11/24/2026: refused as the billing report refuses it."""
    with pytest.raises(ValidationError, match="2026-12 has not begun"):
        month_summary(workspace, panel.main, Month(2026, 12))
    october = month_summary(workspace, panel.main, Month(2026, 10))
    assert october.plan_changes == () and october.current_plan is None
    assert [(t.on, t.minutes, t.activity) for t in october.time] == [(date(2026, 10, 20), 7, "care coordination")]
    assert [s.facility for s in october.stays] == [FACILITY]  # admitted 10/30
    assert october.referrals == ()  # proposed in November
    assert "month in progress" not in summary_text(october)


def test_an_unknown_patient_is_not_found(workspace, panel):
    with pytest.raises(NotFound):
        month_summary(workspace, 999_999, NOVEMBER)


def test_the_batch_is_every_patient_with_time_or_a_code(workspace, panel):
    rows = summary_patients(billing_report.month_report(workspace, NOVEMBER))
    assert [r.mrn for r in rows] == ["000124", "000123"]  # by name: Example, Lata before Example, Testa


def test_the_batch_writes_one_file_per_patient_named_by_mrn_and_audits_the_count(workspace, panel, tmp_path):
    seen: list[tuple[int, int]] = []
    outcome = files.batch(workspace, NOVEMBER, tmp_path / "out", files.TEXT, progress=lambda d, t: seen.append((d, t)))
    assert outcome.written == ("000124", "000123") and outcome.failed == () and not outcome.cancelled
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "ehr-summary-2026-11-000123.txt",
        "ehr-summary-2026-11-000124.txt",
    ]
    assert (tmp_path / "out" / "ehr-summary-2026-11-000123.txt").read_text(encoding="utf-8") == summary_text(
        month_summary(workspace, panel.main, NOVEMBER)
    )
    assert seen == [(1, 2), (2, 2)]
    with workspace.uow() as uow:
        events = [e for e in uow.audit_log.all() if e.entity == files.ENTITY]
    assert [(e.action, e.entity_id, e.detail) for e in events] == [
        (actions.EXPORTED, "2026-11", "saved as text files, 2 patients")
    ]
    assert "Example" not in events[0].detail


def test_a_patient_whose_summary_fails_is_named_and_the_batch_goes_on(workspace, panel, tmp_path, monkeypatch):
    """A fault in one patient's layout (injected into the PDF layer) never stops the others."""
    from caredesk.pdf import ehr_summary as pdf

    real = pdf.render_summary

    def flaky(summary):
        if summary.patient.mrn == "000124":
            raise RuntimeError("layout fault")
        return real(summary)

    monkeypatch.setattr(pdf, "render_summary", flaky)
    outcome = files.batch(workspace, NOVEMBER, tmp_path / "out", files.PDF)
    assert outcome.written == ("000123",)
    assert outcome.failed_lines() == [
        "Not written: MRN 000124: the summary could not be laid out (an unexpected error, written to the log)"
    ]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["ehr-summary-2026-11-000123.pdf"]


def test_a_cancelled_batch_stops_between_patients(workspace, panel, tmp_path):
    outcome = files.batch(workspace, NOVEMBER, tmp_path / "out", files.TEXT, cancelled=lambda: True)
    assert outcome.cancelled and outcome.written == () and list((tmp_path / "out").iterdir()) == []


def test_one_saved_summary_is_audited_by_the_patients_id(workspace, panel, tmp_path):
    summary = month_summary(workspace, panel.main, NOVEMBER)
    files.save(workspace, summary, panel.main, tmp_path / "one.pdf")
    files.audit_shown(workspace, summary, panel.main, "copied to the clipboard")
    with workspace.uow() as uow:
        events = [(e.action, e.entity_id, e.detail) for e in uow.audit_log.all() if e.entity == files.ENTITY]
    assert events == [
        (actions.PRINTED, str(panel.main), "2026-11, saved as PDF, 1 patient"),
        (actions.EXPORTED, str(panel.main), "2026-11, text copied to the clipboard, 1 patient"),
    ]
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")
    assert files.default_name(NOVEMBER) == "ehr-summary-2026-11.pdf"


def test_a_home_visit_late_tcm_contact_and_physician_minutes_are_said_as_billing_reads_them(workspace):
    """A tester's month (issue 13 part 4): a reached home visit of 14 min made 4 days after a
    Monday discharge (the contact was due 2 business days later, 11/04: met late, CMS MLN908628),
    9 min of physician/QHP medication review, and no visit by its 14-day deadline. 14 + 9 = 23
    min bills 99490 only because practitioner time counts toward the clinical-staff minutes
    when not billed as 99491 (SPEC §3; CMS MLN909188): the summary must say so under the code."""
    pid = add_patient(
        workspace, Patient(mrn="000140", given_name="Hova", family_name="Example", birth_date=date(1947, 2, 3))
    ).id
    enrollments.enroll(workspace, pid, "CCM", date(2026, 10, 1), date(2026, 10, 1), "verbal", PRACTITIONER)
    for code in ("E11.9", "I10"):
        clinical.add_condition(workspace, pid, code)
    stays.add_stay(workspace, pid, facility=FACILITY, admitted_on=date(2026, 10, 30), discharged_on=date(2026, 11, 2))
    calls.log_contact(workspace, pid, outcome="reached", minutes=14, on=date(2026, 11, 6), channel="home visit")
    calls.log_contact(workspace, pid, outcome="no answer", minutes=0, on=date(2026, 11, 9), channel="video")
    calls.log_time(
        workspace, pid, minutes=9, activity="medication review", on=date(2026, 11, 12), staff_type="physician/QHP"
    )
    summary = month_summary(workspace, pid, NOVEMBER)
    lines = summary_text(summary).splitlines()
    _in_order(
        lines,
        [
            "Care-management time: 14 min clinical staff, 9 min physician/QHP",
            "  11/06/2026   14 min  clinical staff  home visit (reached)  [CCM]",  # not "phone call"
            "  11/09/2026    0 min  contact: video, no answer (no minutes)",
            "    - home visit, clinical staff: 14 min",
            "  - 99490: CCM, first 20 min of clinical-staff time",
            "      includes 9 min of physician/QHP time counted toward the clinical-staff",
            "        minutes",
            "      source: CMS MLN909188 (CCM), CY2025 PFS",
            # The stay list's words (caredesk stay list), dates as every screen shows them.
            "      * TCM contact: due 11/04/2026, met late, done 11/06/2026 by home visit",
            "      * face-to-face visit: due 11/16/2026, overdue, not met",
            "      * medication reconciliation: due 11/16/2026, overdue, not met",
        ],
    )
    assert "phone call" not in "\n".join(lines)
    assert max(len(line) for line in lines) <= 80
    pages = [" ".join(page.extract_text().split()) for page in _pdf_pages(summary)]
    pdf_text = " ".join(pages)
    # The reviewer signs under the facts: the sign-off never stands alone on a last page.
    assert "medication reconciliation: due 11/16/2026" in pages[-1] and "Prepared by" in pages[-1]
    for fact in (
        "home visit home visit, reached",
        "CCM, first 20 min of clinical-staff time; includes 9 min of physician/QHP time counted toward the",
        "TCM contact: due 11/04/2026, met late, done 11/06/2026 by home visit",
        "face-to-face visit: due 11/16/2026, overdue, not met",
    ):
        assert fact in pdf_text, fact


def test_a_tcm_step_still_within_its_deadline_is_not_met_yet_and_a_timely_one_met(workspace):
    """Discharged Friday 11/20: the contact is due Tuesday 11/24 (2 business days), today."""
    pid = add_patient(
        workspace, Patient(mrn="000141", given_name="Nuva", family_name="Example", birth_date=date(1951, 6, 7))
    ).id
    enrollments.enroll(workspace, pid, "TCM", date(2026, 11, 20), date(2026, 11, 20), "verbal", PRACTITIONER)
    stays.add_stay(workspace, pid, facility=FACILITY, discharged_on=date(2026, 11, 20), complexity="high")
    text = summary_text(month_summary(workspace, pid, NOVEMBER))
    assert "      * TCM contact: due 11/24/2026, not met yet\n" in text
    calls.log_contact(workspace, pid, outcome="reached", minutes=0, on=date(2026, 11, 23), channel="video")
    text = summary_text(month_summary(workspace, pid, NOVEMBER))
    assert "      * TCM contact: due 11/24/2026, met, done 11/23/2026 by video\n" in text


def _pdf_pages(summary):
    return PdfReader(io.BytesIO(render_summary(summary))).pages
