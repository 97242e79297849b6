"""The patient's record on a real store: demographics, status and programs are edited,
refused with the field named (nothing stored), audited by field name only, and the queue
and the month's bill follow at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.domain.patients import (
    Condition,
    ConsentMethod,
    Enrollment,
    Patient,
    Phone,
    Program,
    RiskTier,
    Sex,
    Status,
)
from caredesk.domain.queue import ReasonKind
from caredesk.errors import NotFound, ValidationError
from caredesk.services import billing_report, enrollments, patient_records, patients
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact, log_time
from caredesk.services.changes import Changes, Kind
from tests.conftest import add_patient

TODAY = date(2026, 11, 24)  # the clock fixture's day
NOVEMBER = Month(2026, 11)


def _patient(ws, mrn: str = "R0001", **kw) -> Patient:
    values = {"given_name": "Test", "family_name": f"Record{mrn}", "birth_date": date(1950, 1, 1)}
    values.update(kw)
    return add_patient(ws, Patient(mrn=mrn, **values))


def _audit(ws) -> list[tuple[str, str, str, str]]:
    with ws.uow() as uow:
        return [(e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all()]


def _stored(ws, pid: int) -> Patient:
    with ws.uow() as uow:
        return uow.patients.get(pid)


def _enrollments(ws, pid: int) -> list[Enrollment]:
    return list(patient_records.record(ws, pid).enrollments)


def _ccm_patient_without_consent(ws, mrn: str = "B0001") -> int:
    """A CCM patient with two chronic conditions and 25 minutes this month, but no consent."""
    pid = _patient(ws, mrn).id
    enrollments.enroll(ws, pid, Program.CCM, date(2026, 10, 1))
    with ws.uow() as uow:
        for code in ("E11.9", "I10"):
            uow.conditions.add(Condition(patient_id=pid, icd10=code, display=code))
        uow.commit()
    log_time(ws, pid, minutes=25, activity="care coordination", on=date(2026, 11, 10))
    return pid


# -- demographics --------------------------------------------------------------------
def test_every_demographic_field_is_edited_and_audited_by_name_only(workspace):
    pid = _patient(workspace).id
    saved = patient_records.edit_patient(
        workspace,
        pid,
        mrn="R0001-B",
        given_name="Quentina",
        family_name="Zyxedit",
        preferred_name="Quin",
        birth_date=date(1951, 2, 3),
        sex="female",
        language="Spanish",
        phones=[Phone(number="(555) 010-1111", kind="home"), ("(555) 010-2222", "caregiver")],
        address="12 Elm St, Springfield",
        call_window="weekdays 9-11am",
        pcp="Dr. Ana Ruiz",
        payer="Medicare Part B",
        risk_tier="high",
    )
    assert saved.changes == Changes.of([pid], Kind.PATIENT)
    stored = _stored(workspace, pid)
    assert stored == saved.value
    assert (stored.mrn, stored.given_name, stored.family_name, stored.preferred_name) == (
        "R0001-B",
        "Quentina",
        "Zyxedit",
        "Quin",
    )
    assert (stored.birth_date, stored.sex, stored.language, stored.risk_tier) == (
        date(1951, 2, 3),
        Sex.FEMALE,
        "Spanish",
        RiskTier.HIGH,
    )
    assert [(p.number, p.kind) for p in stored.phones] == [("(555) 010-1111", "home"), ("(555) 010-2222", "caregiver")]
    assert (stored.address, stored.call_window, stored.pcp, stored.payer) == (
        "12 Elm St, Springfield",
        "weekdays 9-11am",
        "Dr. Ana Ruiz",
        "Medicare Part B",
    )
    action, entity, entity_id, detail = _audit(workspace)[-1]
    assert (action, entity, entity_id) == (actions.RECORD_CHANGED, "patient", str(pid))
    assert detail == (
        "MRN; given name; family name; preferred name; date of birth; sex; language; phones; address; "
        "preferred call window; primary-care provider; payer; risk tier"
    )
    for value in ("Quentina", "Zyxedit", "010-1111", "Elm", "Ruiz", "Medicare", "1951"):
        assert value not in detail


def test_a_whole_edited_patient_is_saved_naming_only_what_changed(workspace):
    patient = _patient(workspace)
    saved = patient_records.edit_patient(workspace, replace(patient, call_window="evenings", payer="Medicaid"))
    assert (saved.value.call_window, saved.value.payer) == ("evenings", "Medicaid")
    assert _audit(workspace)[-1][3] == "preferred call window; payer"


def test_an_edit_that_changes_nothing_writes_nothing(workspace):
    patient = _patient(workspace)
    before = _audit(workspace)
    saved = patient_records.edit_patient(workspace, patient.id, given_name="  Test  ")  # stripped: the same name
    assert not saved.changes and _audit(workspace) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_name": " "}, "given name"),
        ({"family_name": ""}, "family name"),
        ({"mrn": ""}, "MRN"),
        ({"birth_date": TODAY}, "date of birth"),  # a newborn typed as today is a slip
        ({"birth_date": date(2027, 1, 1)}, "date of birth"),
        ({"birth_date": date(1899, 12, 31)}, "date of birth"),
        ({"sex": "X"}, "sex"),
        ({"risk_tier": "extreme"}, "risk tier"),
        ({"phones": [("(555) 010-1111", "home"), ("(555) 010-2222", "")]}, "phone type"),
        ({"phones": [("555", "home")]}, "phone"),
        ({"call_window": "x" * 81}, "preferred call window"),
        ({"died_on": date(2026, 11, 1)}, "date of death"),  # an active patient has no date of death
    ],
)
def test_a_refused_edit_names_the_field_and_stores_nothing(workspace, changes, field):
    pid = _patient(workspace).id
    before, audit_before = _stored(workspace, pid), _audit(workspace)
    with pytest.raises(ValidationError) as refused:
        patient_records.edit_patient(workspace, pid, **{"preferred_name": "Changed", **changes})
    assert refused.value.field == field
    assert _stored(workspace, pid) == before and _audit(workspace) == audit_before


def test_an_unknown_patient_is_not_found(workspace):
    with pytest.raises(NotFound):
        patient_records.edit_patient(workspace, 999, given_name="X")


# -- the MRN is one per patient, whatever its case ----------------------------------
def test_an_mrn_differing_only_by_case_or_spaces_is_refused_on_add_and_on_edit(workspace):
    _patient(workspace, "ab12")
    other = _patient(workspace, "CD34")
    for mrn in ("AB12", " Ab12 "):
        with pytest.raises(ValidationError, match="MRN: is already used by another patient"):
            patients.add_patient(
                workspace, Patient(mrn=mrn, given_name="A", family_name="B", birth_date=date(1960, 1, 1))
            )
        with pytest.raises(ValidationError, match="MRN: is already used by another patient"):
            patient_records.edit_patient(workspace, other.id, mrn=mrn)
    assert sorted(p.mrn for p in patients.patient_list(workspace)) == ["CD34", "ab12"]


def test_a_patient_may_change_the_case_of_their_own_mrn_and_is_found_by_either(workspace):
    pid = _patient(workspace, "ab12").id
    patient_records.edit_patient(workspace, pid, mrn="AB12")
    assert patients.by_mrn(workspace, "AB12").id == pid
    assert patients.by_mrn(workspace, "ab12").id == pid  # typed in lower case, stored in upper


def test_an_mrn_pasted_with_another_dash_or_full_width_is_the_same_mrn(workspace):
    """A tester made 'mrn–1001' (an en dash from a word processor) beside 'mrn-1001': two patients
    whose MRNs read the same. Dashes become '-', full-width forms plain (Unicode NFKC)."""
    pid = _patient(workspace, "mrn-1001").id
    other = _patient(workspace, "CD34")
    for look_alike in ("mrn\u20131001", "MRN\u20141001", "\uff4d\uff52\uff4e\uff0d\uff11\uff10\uff10\uff11"):
        with pytest.raises(ValidationError, match="MRN: is already used by another patient"):
            patients.add_patient(
                workspace, Patient(mrn=look_alike, given_name="A", family_name="B", birth_date=date(1960, 1, 1))
            )
        with pytest.raises(ValidationError, match="MRN: is already used by another patient"):
            patient_records.edit_patient(workspace, other.id, mrn=look_alike)
        assert patients.by_mrn(workspace, look_alike).id == pid
    assert sorted(p.mrn for p in patients.patient_list(workspace)) == ["CD34", "mrn-1001"]
    saved = patients.add_patient(
        workspace, Patient(mrn="\uff10\uff10\uff17", given_name="A", family_name="B", birth_date=date(1960, 1, 1))
    )
    assert saved.value.mrn == "007"  # leading zeros kept


# -- status --------------------------------------------------------------------------
def test_a_paused_patient_leaves_the_queue_at_once_and_comes_back_when_active(workspace):
    pid = _ccm_patient_without_consent(workspace)
    queue = CallQueue(workspace)
    assert pid in {r.patient_id for r in queue.build()}
    saved = patient_records.set_status(workspace, pid, Status.PAUSED)
    assert saved.changes == Changes.of([pid], Kind.PATIENT)
    assert pid not in {r.patient_id for r in queue.refresh(saved.changes.patients)}
    back = patient_records.set_status(workspace, pid, "active")
    assert pid in {r.patient_id for r in queue.refresh(back.changes.patients)}
    assert [d for a, e, _i, d in _audit(workspace) if e == "patient" and a == actions.RECORD_CHANGED] == [
        "status",
        "status",
    ]


def test_deceased_needs_the_date_of_death(workspace):
    pid = _patient(workspace).id
    with pytest.raises(ValidationError, match="date of death: is required when the status is deceased"):
        patient_records.set_status(workspace, pid, Status.DECEASED)
    assert _stored(workspace, pid).status is Status.ACTIVE


@pytest.mark.parametrize(
    ("died_on", "message"),
    [
        (date(2026, 11, 25), "date of death: cannot be after today"),
        (date(1949, 12, 31), "date of death: cannot be before date of birth"),
    ],
)
def test_an_impossible_date_of_death_is_refused(workspace, died_on, message):
    pid = _patient(workspace).id
    with pytest.raises(ValidationError, match=message):
        patient_records.set_status(workspace, pid, Status.DECEASED, died_on=died_on)
    assert _stored(workspace, pid).died_on is None


def test_a_patient_recorded_deceased_without_a_date_can_still_be_edited(workspace):
    # Stores from before dates of death were kept hold deceased patients without one.
    pid = _patient(workspace, status=Status.DECEASED).id
    saved = patient_records.edit_patient(workspace, pid, payer="Medicaid")
    assert (saved.value.status, saved.value.died_on, saved.value.payer) == (Status.DECEASED, None, "Medicaid")
    dated = patient_records.set_status(workspace, pid, Status.DECEASED, died_on=date(2026, 1, 5)).value
    assert dated.died_on == date(2026, 1, 5)
    with pytest.raises(ValidationError, match="date of death: is required"):
        patient_records.edit_patient(workspace, pid, died_on=None)  # once known, it stays known


def test_leaving_deceased_clears_the_date_of_death(workspace):
    pid = _patient(workspace).id
    dead = patient_records.set_status(workspace, pid, "deceased", died_on=date(2026, 11, 2)).value
    assert (dead.status, dead.died_on) == (Status.DECEASED, date(2026, 11, 2))
    assert _audit(workspace)[-1][3] == "status; date of death"
    patient_records.edit_patient(workspace, pid, status="active")  # a mistaken status, corrected
    assert (_stored(workspace, pid).status, _stored(workspace, pid).died_on) == (Status.ACTIVE, None)


def test_a_call_before_the_date_of_death_is_back_filled_and_none_on_or_after_it(workspace):
    pid = _ccm_patient_without_consent(workspace)
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=date(2026, 11, 20))
    logged = log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 19), program="CCM")
    assert logged.contact.id is not None and logged.time_entry.minutes == 12
    for day in (date(2026, 11, 20), date(2026, 11, 23)):
        with pytest.raises(ValidationError, match="date: must be before the date of death"):
            log_contact(workspace, pid, outcome="reached", minutes=5, on=day)
    with pytest.raises(ValidationError, match="date: must be before the date of death"):
        log_contact(workspace, pid, outcome="reached", minutes=5)  # today


# -- programs and consent -----------------------------------------------------------
def test_enrolling_records_program_consent_practitioner_and_qmb(workspace):
    pid = _patient(workspace).id
    saved = enrollments.enroll(
        workspace,
        pid,
        "APCM",
        date(2026, 1, 1),
        consent_date=date(2026, 1, 2),
        consent_method="written",
        billing_practitioner="Dr. Ana Ruiz",
        qmb=True,
    )
    assert saved.changes == Changes.of([pid], Kind.ENROLLMENT)
    (stored,) = _enrollments(workspace, pid)
    assert stored == saved.value
    assert (stored.program, stored.consent_method, stored.billing_practitioner, stored.qmb) == (
        Program.APCM,
        ConsentMethod.WRITTEN,
        "Dr. Ana Ruiz",
        True,
    )
    assert _audit(workspace)[-1][:3] == (actions.RECORD_CREATED, "enrollment", str(stored.id))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"program": "XYZ"}, "program"),
        ({"consent_date": date(2026, 11, 25), "consent_method": "verbal"}, "consent date"),  # the future
        # Typed 1900 for 2000-something; before any of these programs (TCM began 01/01/2013,
        # CMS CY2013 PFS final rule) and before the patient was born.
        ({"consent_date": date(1900, 1, 1), "consent_method": "verbal"}, "consent date"),
        ({"consent_date": date(2012, 12, 31), "consent_method": "verbal"}, "consent date"),
        ({"start_date": date(1949, 1, 1)}, "start date"),
        ({"consent_date": date(2026, 1, 1)}, "consent method"),
        ({"consent_method": "verbal"}, "consent date"),
        ({"qmb": True}, "QMB"),  # QMB is recorded only for APCM (G0558, CY2025 PFS final rule)
    ],
)
def test_a_refused_enrollment_names_the_field_and_stores_nothing(workspace, kwargs, field):
    pid = _patient(workspace).id
    before = _audit(workspace)
    args = {"program": "CCM", "start_date": date(2026, 1, 1)}
    args.update(kwargs)
    with pytest.raises(ValidationError) as refused:
        enrollments.enroll(workspace, pid, **args)
    assert refused.value.field == field
    assert _enrollments(workspace, pid) == [] and _audit(workspace) == before


def test_a_second_overlapping_enrollment_in_the_same_program_is_refused(workspace):
    pid = _patient(workspace).id
    first = enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 1)).value
    with pytest.raises(ValidationError, match="program: overlaps the patient's other CCM enrollment"):
        enrollments.enroll(workspace, pid, "CCM", date(2026, 6, 1))
    enrollments.enroll(workspace, pid, "BHI", date(2026, 6, 1))  # another program may share the days
    enrollments.end_enrollment(workspace, first.id, date(2026, 5, 31))
    again = enrollments.enroll(workspace, pid, "CCM", date(2026, 6, 1)).value  # after the first ended
    with pytest.raises(ValidationError, match="end date: overlaps"):
        enrollments.change_enrollment(workspace, first.id, end_date=None)  # reopening would overlap
    with pytest.raises(ValidationError, match="start date: overlaps"):
        enrollments.change_enrollment(workspace, again.id, start_date=date(2026, 5, 1))
    assert [(e.program, e.start_date, e.end_date) for e in _enrollments(workspace, pid)] == [
        (Program.CCM, date(2026, 1, 1), date(2026, 5, 31)),
        (Program.BHI, date(2026, 6, 1), None),
        (Program.CCM, date(2026, 6, 1), None),
    ]


def test_an_end_before_the_start_is_refused(workspace):
    pid = _patient(workspace).id
    e = enrollments.enroll(workspace, pid, "RPM", date(2026, 3, 1)).value
    with pytest.raises(ValidationError, match="end date: cannot be before start date"):
        enrollments.end_enrollment(workspace, e.id, date(2026, 2, 28))
    assert _enrollments(workspace, pid)[0].end_date is None


def test_changing_an_enrollment_audits_the_changed_field_names(workspace):
    pid = _patient(workspace).id
    e = enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 1)).value
    saved = enrollments.change_enrollment(
        workspace, e.id, consent_date=date(2026, 2, 1), consent_method="verbal", billing_practitioner="Dr. Zyx Ruiz"
    )
    assert saved.changes == Changes.of([pid], Kind.ENROLLMENT)
    assert _audit(workspace)[-1] == (
        actions.RECORD_CHANGED,
        "enrollment",
        str(e.id),
        "consent date; consent method; billing practitioner",
    )
    cleared = enrollments.change_enrollment(workspace, e.id, consent_date=None)  # entered on the wrong patient
    assert (cleared.value.consent_date, cleared.value.consent_method) == (None, None)


def test_consent_recorded_clears_the_queue_reason_and_lets_the_month_bill(workspace):
    # CMS MLN909188 (Chronic Care Management Services): consent is obtained before CCM is
    # billed; 99490 needs 20 minutes of clinical staff time and two or more chronic conditions.
    pid = _ccm_patient_without_consent(workspace)
    queue = CallQueue(workspace)
    (row,) = [r for r in queue.build() if r.patient_id == pid]
    # Issue 12: the minutes before consent do not count, and the reason says so.
    assert "No consent on file (CCM) - 25 min not counted" in [r.text for r in row.entry.reasons]
    report = billing_report.month_report(workspace, NOVEMBER)
    (month_row,) = [r for r in report.rows if r.patient_id == pid]
    assert not month_row.ready and "no consent on file for CCM" in month_row.result.reasons

    (enrollment,) = _enrollments(workspace, pid)
    saved = enrollments.change_enrollment(
        workspace, enrollment.id, consent_date=date(2026, 11, 1), consent_method="verbal"
    )
    rows = queue.refresh(saved.changes.patients)
    assert all(r.kind is not ReasonKind.CONSENT for row in rows if row.patient_id == pid for r in row.entry.reasons)
    report = billing_report.refresh_rows(workspace, report, saved.changes.patients)
    (month_row,) = [r for r in report.rows if r.patient_id == pid]
    assert month_row.result.codes_text() == "99490"


def test_an_ended_program_stops_counting_minutes_after_its_end(workspace):
    pid = _patient(workspace).id
    e = enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 1)).value
    enrollments.end_enrollment(workspace, e.id, date(2026, 11, 15))
    with pytest.raises(ValidationError, match="program: the patient is not enrolled in CCM on 11/20/2026"):
        log_time(workspace, pid, minutes=10, activity="care coordination", on=date(2026, 11, 20), program="CCM")


def test_no_enrollment_starts_after_the_date_of_death(workspace):
    pid = _patient(workspace).id
    patient_records.set_status(workspace, pid, Status.DECEASED, died_on=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="start date: cannot be after the date of death"):
        enrollments.enroll(workspace, pid, "CCM", date(2026, 10, 2))


def test_adding_a_patient_refuses_a_birth_date_of_today_and_a_consent_in_the_future(workspace):
    new = Patient(mrn="N1", given_name="A", family_name="B", birth_date=TODAY)
    with pytest.raises(ValidationError, match="date of birth: must be before today"):
        patients.add_patient(workspace, new)
    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2026, 11, 1),
        consent_date=date(2026, 12, 1),
        consent_method="verbal",
    )
    with pytest.raises(ValidationError, match="consent date: cannot be after today"):
        patients.add_patient(workspace, replace(new, birth_date=date(1950, 1, 1)), enrollment)
    assert patients.patient_list(workspace) == []


def test_the_current_enrollment_is_the_open_one_in_that_program(workspace):
    pid = _patient(workspace).id
    old = enrollments.enroll(workspace, pid, "CCM", date(2025, 1, 1)).value
    enrollments.end_enrollment(workspace, old.id, date(2025, 6, 30))
    with pytest.raises(NotFound, match="no current CCM enrollment"):
        enrollments.open_enrollment(workspace, pid, "CCM")
    new = enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 1)).value
    assert enrollments.open_enrollment(workspace, pid, Program.CCM) == new
    with pytest.raises(ValidationError, match="program: must be one of"):
        enrollments.open_enrollment(workspace, pid, "ccm care")
