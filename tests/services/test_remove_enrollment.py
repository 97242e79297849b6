"""An enrollment entered in error is removed on a real store: audited by id with the reason's
category only, the month's bill and the queue follow; refused (naming the field, nothing
changed) while minutes logged under it would lose their program.

Why minutes block it: the month's bill counts minutes by program (SPEC section 3; CMS bills
CCM time per calendar month, MLN909188); minutes without their program would silently leave
the bill, so they are corrected first.
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import Patient, Program
from caredesk.errors import NotFound, ValidationError
from caredesk.services import enrollments, patient_records
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_time
from caredesk.services.changes import Changes, Kind
from caredesk.services.contact_corrections import void_time_entry
from tests.conftest import add_patient


def _patient(ws, mrn: str = "E0001") -> int:
    return add_patient(ws, Patient(mrn=mrn, given_name="Test", family_name="Enrolled", birth_date=date(1950, 1, 1))).id


def _audit(ws) -> list[tuple[str, str, str, str]]:
    with ws.uow() as uow:
        return [(e.action, e.entity, e.entity_id, e.detail) for e in uow.audit_log.all()]


def _reasons(rows, pid: int) -> list[str]:
    row = next((r for r in rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons]


def test_an_enrollment_entered_in_error_is_removed_and_audited_by_id(workspace):
    pid = _patient(workspace)
    wrong = enrollments.enroll(workspace, pid, Program.BHI, date(2026, 11, 1)).value
    queue = CallQueue(workspace)
    assert "No consent on file (BHI)" in _reasons(queue.build(), pid)
    saved = enrollments.remove_enrollment(workspace, wrong.id, "entered in error")
    assert saved.changes == Changes.of([pid], Kind.ENROLLMENT)
    assert patient_records.record(workspace, pid).enrollments == ()
    assert "No consent on file (BHI)" not in _reasons(queue.refresh(saved.changes.patients), pid)
    assert _audit(workspace)[-1] == (
        actions.RECORD_REMOVED,
        "enrollment",
        str(wrong.id),
        f"patient {pid}; reason: entered in error",
    )


def test_a_reason_in_own_words_is_audited_by_its_length_only(workspace):
    pid = _patient(workspace)
    wrong = enrollments.enroll(workspace, pid, Program.PCM, date(2026, 11, 1)).value
    enrollments.remove_enrollment(workspace, wrong.id, "meant for her sister")
    assert _audit(workspace)[-1][3] == f"patient {pid}; reason: other (20 characters)"


def test_a_blank_reason_is_refused_and_nothing_removed(workspace):
    pid = _patient(workspace)
    e = enrollments.enroll(workspace, pid, Program.CCM, date(2026, 11, 1)).value
    with pytest.raises(ValidationError) as err:
        enrollments.remove_enrollment(workspace, e.id, "  ")
    assert (err.value.field, err.value.message) == ("reason", "is required")
    assert [x.id for x in patient_records.record(workspace, pid).enrollments] == [e.id]


def test_minutes_logged_under_it_must_be_corrected_or_voided_first(workspace):
    pid = _patient(workspace)
    ccm = enrollments.enroll(workspace, pid, Program.CCM, date(2026, 10, 1)).value
    first = log_time(workspace, pid, minutes=15, activity="care coordination", on=date(2026, 10, 20)).value
    log_time(workspace, pid, minutes=10, activity="care coordination", on=date(2026, 11, 3))
    audit_before = _audit(workspace)
    with pytest.raises(ValidationError) as err:
        enrollments.remove_enrollment(workspace, ccm.id, "entered in error")
    assert err.value.field == "program"
    assert err.value.message == (
        "has 25 minutes logged under this CCM enrollment (the first on 10/20/2026): "
        "correct their program or void them in Contacts first"
    )
    assert [x.id for x in patient_records.record(workspace, pid).enrollments] == [ccm.id]
    assert _audit(workspace) == audit_before
    # Voided minutes no longer hold it back.
    void_time_entry(workspace, first.id, reason="entered in error")
    with pytest.raises(ValidationError, match=r"^program: has 10 minutes logged .* \(the first on 11/03/2026\)"):
        enrollments.remove_enrollment(workspace, ccm.id, "entered in error")


def test_minutes_of_another_program_or_outside_its_dates_do_not_hold_it(workspace):
    pid = _patient(workspace)
    pcm = enrollments.enroll(workspace, pid, Program.PCM, date(2026, 1, 1)).value
    enrollments.end_enrollment(workspace, pcm.id, date(2026, 9, 30))
    log_time(workspace, pid, minutes=30, activity="care coordination", on=date(2026, 9, 15), program="PCM")
    wrong = enrollments.enroll(workspace, pid, Program.PCM, date(2026, 11, 1)).value  # a second, by mistake
    assert enrollments.remove_enrollment(workspace, wrong.id, "duplicate entry").value.id == wrong.id
    assert [x.id for x in patient_records.record(workspace, pid).enrollments] == [pcm.id]


def test_an_unknown_enrollment_is_not_found(workspace):
    with pytest.raises(NotFound):
        enrollments.remove_enrollment(workspace, 999, "entered in error")
