"""The patients service: adding returns its change set, the one MRN lookup, audited reads."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.app import build
from caredesk.domain import audit as actions
from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Program
from caredesk.errors import NotFound, StoreMissing
from caredesk.services import patients
from caredesk.services.changes import Changes, Kind


def _actions(ws) -> list[str]:
    with ws.uow() as uow:
        return [e.action for e in uow.audit_log.all()]


def _new(mrn: str) -> Patient:
    return Patient(mrn=mrn, given_name="Test", family_name="Patient", birth_date=date(1950, 1, 1))


def test_adding_a_patient_returns_the_saved_record_and_what_changed(workspace):
    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2026, 11, 1),
        consent_date=date(2026, 11, 2),
        consent_method=ConsentMethod.VERBAL,
    )
    added = patients.add_patient(workspace, _new("00042"), enrollment)
    assert added.value.id is not None
    assert added.changes == Changes.of([added.value.id], Kind.PATIENT, Kind.ENROLLMENT)
    chart = patients.open_chart(workspace, added.value.id)
    assert [e.program for e in chart.enrollments] == [Program.CCM]


def test_the_mrn_lookup_keeps_leading_zeros_and_names_a_missing_mrn(workspace):
    saved = patients.add_patient(workspace, _new("00042")).value
    assert patients.by_mrn(workspace, "00042").id == saved.id
    assert patients.by_mrn(workspace, " 00042 ").id == saved.id  # pasted with spaces
    with pytest.raises(NotFound, match=r"No patient with MRN 42\."):
        patients.by_mrn(workspace, "42")


def test_a_vanished_patient_is_one_error_with_one_message(workspace):
    with pytest.raises(NotFound, match=r"That patient is no longer in the store\."):
        patients.open_chart(workspace, 999)


def test_refreshing_an_open_chart_is_not_a_second_view(workspace):
    pid = patients.add_patient(workspace, _new("A1")).value.id
    patients.open_chart(workspace, pid)
    patients.open_chart(workspace, pid, audit_view=False)
    assert _actions(workspace).count(actions.PATIENT_VIEWED) == 1


def test_the_printed_list_is_audited_as_an_export(workspace):
    patients.add_patient(workspace, _new("A1"))
    rows = patients.exported_list(workspace, "json")
    assert [r.mrn for r in rows] == ["A1"]
    assert _actions(workspace)[-1] == actions.EXPORTED


def test_the_composition_root_says_when_a_folder_has_no_store(tmp_path):
    context = build(tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    assert not context.has_store()
    with pytest.raises(StoreMissing, match="Run 'caredesk init' first"):
        context.require_store()
