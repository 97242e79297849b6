"""An import's records on a real store: only the ones the patient does not have yet come in,
matched as the chart's own forms refuse a record entered twice (services.panel_records), and
nothing stored is blanked, deleted or ended (issue 13: "re-importing the same file changes
nothing"; "a changed row updates the patient")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.allergies import NO_KNOWN_ALLERGIES
from caredesk.domain.careplan import CarePlanContent, CarePlanVersion, Problem
from caredesk.domain.incoming import Action, FieldChange, IncomingPatient
from caredesk.domain.patients import (
    Allergy,
    CareTeamMember,
    Medication,
    Observation,
    ObservationKind,
    Patient,
    Phone,
    RiskTier,
)
from caredesk.services import care_plans, clinical, medications, observations, patients
from caredesk.services.changes import Kind
from caredesk.services.panel_import import apply_import, plan_import
from tests.conftest import TODAY, add_patient

SOURCE = "FHIR bundle"
BORN = TODAY.replace(year=1950)


def _stored(ws, mrn: str = "000123", **kw) -> int:
    values = {"given_name": "Testa", "family_name": "Example", "birth_date": BORN}
    values.update(kw)
    return add_patient(ws, Patient(mrn=mrn, phones=(Phone(number="(555) 010-0101"),), **values)).id


def _incoming(mrn: str = "000123", **records) -> IncomingPatient:
    patient = Patient(
        mrn=mrn, given_name="Testa", family_name="Example", birth_date=BORN, phones=(Phone(number="(555) 010-0101"),)
    )
    return IncomingPatient(where="Patient/p1", patient=patient, **records)


def _plan_one(ws, incoming: IncomingPatient):
    plan = plan_import(ws, [incoming], [], source=SOURCE)
    assert plan.problems == ()
    (planned,) = plan.patients
    return plan, planned


def test_an_allergy_to_a_substance_on_file_is_not_added_again(workspace):
    """Substances compare without case or surrounding spaces (domain.allergies.same_substance)."""
    pid = _stored(workspace)
    clinical.add_allergy(workspace, pid, substance="Penicillin", reaction="hives")
    incoming = _incoming(
        allergies=(Allergy(patient_id=0, substance=" penicillin "), Allergy(patient_id=0, substance="Sulfa"))
    )

    plan, planned = _plan_one(workspace, incoming)

    assert planned.changes == (FieldChange("Allergies", "", "+ Sulfa"),)
    assert apply_import(workspace, plan).changes.touches(Kind.CLINICAL)
    stored = clinical.record(workspace, pid).allergies
    assert sorted((a.substance, a.reaction) for a in stored) == [("Penicillin", "hives"), ("Sulfa", "")]


def test_a_real_allergy_replaces_no_known_allergies_as_the_chart_does(workspace):
    """domain.allergies: "No known allergies" never stands beside a real allergy."""
    pid = _stored(workspace)
    clinical.record_no_known_allergies(workspace, pid)

    plan, _planned = _plan_one(workspace, _incoming(allergies=(Allergy(patient_id=0, substance="Latex"),)))
    apply_import(workspace, plan)

    assert [a.substance for a in clinical.record(workspace, pid).allergies] == ["Latex"]
    with workspace.reading() as uow:
        removed = [e for e in uow.audit_log.all() if e.action == actions.RECORD_REMOVED]
    assert [(e.entity, e.detail) for e in removed] == [("allergy", "no known allergies, replaced by an allergy")]


def test_no_known_allergies_from_a_file_is_not_added_beside_stored_allergies(workspace):
    pid = _stored(workspace)
    clinical.add_allergy(workspace, pid, substance="Penicillin")

    _plan, planned = _plan_one(workspace, _incoming(allergies=(Allergy(patient_id=0, substance=NO_KNOWN_ALLERGIES),)))

    assert planned.action is Action.SAME


def test_a_current_medication_of_that_name_is_on_file_a_stopped_one_is_not(workspace):
    """services.medications.add_medication: one current medication per name (case ignored)."""
    pid = _stored(workspace)
    medications.add_medication(workspace, pid, name="Metformin", dose="500 mg")
    stopped = medications.add_medication(workspace, pid, name="Lisinopril", dose="10 mg").value
    medications.stop_medication(workspace, stopped.id, reason="cough", on=TODAY)
    incoming = _incoming(
        medications=(
            Medication(patient_id=0, name="metformin", dose="1000 mg"),
            Medication(patient_id=0, name="Lisinopril", dose="20 mg"),
        )
    )

    plan, planned = _plan_one(workspace, incoming)

    assert planned.changes == (FieldChange("Medications", "", "+ Lisinopril 20 mg"),)
    apply_import(workspace, plan)
    current = [m.name for m in clinical.record(workspace, pid).medications if medications.is_current(m, TODAY)]
    assert sorted(current) == ["Lisinopril", "Metformin"]


def test_a_care_team_member_is_the_same_name_in_the_same_role(workspace):
    pid = _stored(workspace)
    clinical.add_member(workspace, pid, role="PCP", name="Dr Quinn Example")
    team = (
        CareTeamMember(patient_id=0, name="dr quinn example", role="pcp"),
        CareTeamMember(patient_id=0, name="Dr Quinn Example", role="cardiologist"),
    )

    _plan, planned = _plan_one(workspace, _incoming(care_team=team))

    assert planned.changes == (FieldChange("Care team", "", "+ Dr Quinn Example (cardiologist)"),)


def test_an_observation_is_the_same_kind_day_and_value(workspace):
    pid = _stored(workspace)
    day = TODAY.replace(day=2)
    observations.add_reading(workspace, pid, kind="A1c", value=7.1, observed_on=day)
    readings = (
        Observation(patient_id=0, kind=ObservationKind.A1C, value=7.1, observed_on=day),
        Observation(patient_id=0, kind=ObservationKind.A1C, value=7.3, observed_on=day),
    )

    plan, planned = _plan_one(workspace, _incoming(observations=readings))

    assert planned.changes == (FieldChange("Vitals & labs", "", "+ A1c 7.3 % on 11/02/2026"),)
    apply_import(workspace, plan)
    assert plan_import(workspace, [_incoming(observations=readings)], [], source=SOURCE).patients[0].action is (
        Action.SAME
    )


def test_an_observation_after_today_refuses_the_patient_naming_it(workspace):
    later = Observation(patient_id=0, kind=ObservationKind.WEIGHT, value=180, observed_on=TODAY.replace(day=25))

    plan = plan_import(workspace, [_incoming(observations=(later,))], [], source=SOURCE)

    assert plan.patients == ()
    assert [(p.where, p.field) for p in plan.problems] == [("Patient/p1", "weight date")]


def _version(number: int, title: str) -> CarePlanVersion:
    return CarePlanVersion(
        patient_id=0,
        number=number,
        content=CarePlanContent(problems=(Problem(title=title),)),
        finalized_at=datetime(2026, 10, number, 15, 0, tzinfo=UTC),
        finalized_by="Nurse Example",
    )


def test_care_plan_versions_come_in_numbered_from_one_only_for_a_patient_without_any(workspace):
    versions = (_version(5, "Later"), _version(3, "Earlier"))
    plan = plan_import(workspace, [_incoming(care_plans=versions)], [], source=SOURCE)

    saved = apply_import(workspace, plan)

    (pid,) = saved.value.patient_ids
    assert saved.changes.touches(Kind.CARE_PLAN)
    stored = care_plans.versions(workspace, pid)
    assert [(v.number, v.content.problems[0].title) for v in stored] == [(1, "Earlier"), (2, "Later")]
    # Once the patient has versions, a file's versions are not added (the plan moved on here).
    again = plan_import(workspace, [_incoming(care_plans=(_version(7, "Other"),))], [], source=SOURCE)
    assert again.patients[0].action is Action.SAME


def test_fields_the_file_leaves_empty_never_blank_a_stored_value(workspace):
    """An incoming patient with only the required fields (the defaults: no address, English,
    medium risk) leaves the stored address, language, PCP and risk tier as they are."""
    _stored(workspace, address="1 Example Way", language="Spanish", pcp="Dr Example", risk_tier=RiskTier.HIGH)

    _plan, planned = _plan_one(workspace, _incoming())

    assert planned.action is Action.SAME


def test_a_new_patient_with_every_kind_of_record(workspace):
    incoming = _incoming(
        allergies=(Allergy(patient_id=0, substance="Sulfa"),),
        medications=(Medication(patient_id=0, name="Metformin"),),
        care_team=(CareTeamMember(patient_id=0, name="Dr Quinn Example", role="PCP"),),
        observations=(Observation(patient_id=0, kind=ObservationKind.A1C, value=7.1, observed_on=TODAY),),
        care_plans=(_version(1, "Diabetes"),),
    )

    saved = apply_import(workspace, plan_import(workspace, [incoming], [], source=SOURCE))

    (pid,) = saved.value.patient_ids
    assert saved.changes.kinds == {Kind.PATIENT, Kind.CLINICAL, Kind.CARE_PLAN}
    chart = patients.open_chart(workspace, pid, audit_view=False)
    assert (len(chart.allergies), len(chart.medications), len(chart.care_team), len(chart.observations)) == (1, 1, 1, 1)
    with workspace.reading() as uow:
        created = [e.detail for e in uow.audit_log.all() if e.action == actions.RECORD_CREATED]
    assert created == ["imported with 1 allergy, 1 medication, 1 care-team member, 1 observation, 1 care plan version"]


@pytest.mark.parametrize("mrn", ["ＭＲＮ－００１", "MRN–001"])
def test_an_mrn_in_full_width_or_with_an_en_dash_is_the_stored_mrn(workspace, mrn):
    """domain.patients.plain_mrn: NFKC and dashes folded, as `caredesk patient` finds one."""
    pid = _stored(workspace, mrn="MRN-001")

    _plan, planned = _plan_one(workspace, _incoming(mrn=mrn))

    assert (planned.action, planned.patient_id) == (Action.SAME, pid)
