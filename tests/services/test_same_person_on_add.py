"""Adding a patient who looks like one on the panel (services.patients.add_patient with
check_same_person, domain.same_person): refused with the stored patients named, nothing saved;
added without the check (the user said they are different people)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Program, Status
from caredesk.errors import ValidationError
from caredesk.services import patients
from caredesk.services.patients import PossibleDuplicate

BORN = date(1950, 1, 1)
checked_add = partial(patients.add_patient, check_same_person=True)  # as the dialog and the CLI add


def _kim(mrn: str, **values) -> Patient:
    return Patient(**{"mrn": mrn, "given_name": "Bo", "family_name": "Kim", "birth_date": BORN, **values})


def _mrns(ws) -> list[str]:
    return sorted(p.mrn for p in patients.patient_list(ws))


def _created(ws) -> int:
    with ws.uow() as uow:
        return sum(e.action == actions.RECORD_CREATED for e in uow.audit_log.all())


def test_the_second_kim_bo_is_refused_naming_the_first_and_nothing_is_saved(workspace):
    patients.add_patient(workspace, _kim("MRN-1004"))
    created = _created(workspace)
    enrollment = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2026, 11, 1),
        consent_date=date(2026, 11, 2),
        consent_method=ConsentMethod.VERBAL,
    )
    with pytest.raises(PossibleDuplicate) as refused:
        checked_add(workspace, _kim("MRN-1005"), enrollment)
    assert [p.mrn for p in refused.value.matches] == ["MRN-1004"]
    assert refused.value.named() == "Kim, Bo (MRN MRN-1004, born 01/01/1950)"
    assert "Kim" not in str(refused.value) and "MRN-1004" not in str(refused.value)  # no patient data in errors
    assert _mrns(workspace) == ["MRN-1004"] and _created(workspace) == created


def test_without_the_check_the_second_chart_is_added(workspace):
    patients.add_patient(workspace, _kim("MRN-1004"))
    added = patients.add_patient(workspace, _kim("MRN-1005"), check_same_person=False).value
    assert added.id is not None and _mrns(workspace) == ["MRN-1004", "MRN-1005"]


def test_accents_case_and_a_preferred_name_are_seen_through(workspace):
    patients.add_patient(workspace, _kim("A1", given_name="Robert", family_name="Núñez", preferred_name="Bob"))
    with pytest.raises(PossibleDuplicate):
        checked_add(workspace, _kim("A2", given_name="Bob", family_name="NUNEZ"))


def test_every_match_is_named(workspace):
    patients.add_patient(workspace, _kim("MRN-1004"))
    patients.add_patient(workspace, _kim("MRN-1005"), check_same_person=False)
    with pytest.raises(PossibleDuplicate) as refused:
        checked_add(workspace, _kim("MRN-1006", given_name="Boo"))
    assert [p.mrn for p in refused.value.matches] == ["MRN-1004", "MRN-1005"]


def test_another_person_with_the_same_birth_date_and_family_name_is_added(workspace):
    patients.add_patient(workspace, _kim("MRN-1004"))
    checked_add(workspace, _kim("MRN-2001", given_name="Min"))  # not asked about
    checked_add(workspace, _kim("MRN-2002", birth_date=date(1950, 1, 2)))
    assert _mrns(workspace) == ["MRN-1004", "MRN-2001", "MRN-2002"]


def test_a_disenrolled_patient_is_not_on_the_panel(workspace):
    patients.add_patient(workspace, _kim("MRN-1004", status=Status.DISENROLLED))
    checked_add(workspace, _kim("MRN-1005"))
    assert _mrns(workspace) == ["MRN-1004", "MRN-1005"]


def test_a_taken_mrn_is_said_before_the_likeness(workspace):
    patients.add_patient(workspace, _kim("MRN-1004"))
    with pytest.raises(ValidationError, match="MRN: is already used"):
        checked_add(workspace, _kim("mrn-1004"))
