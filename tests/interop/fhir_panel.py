"""A small real store for the FHIR tests, made only through the services: one patient with
every kind of record the export writes (programs with consent, conditions, an allergy,
current and stopped medicines, a care team with a caregiver, blood pressure, weight, labs,
a PHQ-9, contacts with minutes, a finalized care plan), and a second with no known
allergies. Synthetic data (555-01xx phones, obviously fake names)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from caredesk.domain.careplan import CarePlanContent, GoalStatus
from caredesk.domain.careplan_templates import problem_from_template
from caredesk.domain.patients import Patient, Phone, RiskTier, Sex
from caredesk.services import (
    assessments,
    calls,
    care_plans,
    clinical,
    enrollments,
    medications,
    observations,
)
from caredesk.services.workspace import Workspace
from tests.conftest import TODAY, add_patient

PRACTITIONER = "Dr. Testa Lee, MD"
PHQ9 = (1, 2, 1, 2, 1, 1, 1, 0, 0)  # total 9: mild (Kroenke 2001 bands 5-9)


@dataclass(frozen=True)
class FhirPanel:
    main: int
    second: int


def make_panel(ws: Workspace) -> FhirPanel:
    main = add_patient(
        ws,
        Patient(
            mrn="000123",
            given_name="Testa",
            family_name="Example",
            preferred_name="Tess",
            birth_date=date(1950, 3, 4),
            sex=Sex.FEMALE,
            language="Spanish",
            phones=(
                Phone(number="(555) 010-0123", kind="mobile"),
                Phone(number="(555) 014-0456", kind="home"),
                Phone(number="(555) 018-0789", kind="caregiver"),
            ),
            address="1 Example Way, Testville, ZZ 00001",
            call_window="weekdays 9-11am",
            pcp=PRACTITIONER,
            payer="Medicare Part B",
            risk_tier=RiskTier.HIGH,
        ),
    ).id
    enrollments.enroll(ws, main, "CCM", date(2026, 1, 5), date(2026, 1, 5), "verbal", PRACTITIONER)
    enrollments.enroll(ws, main, "BHI", date(2026, 3, 2), date(2026, 3, 2), "written", PRACTITIONER)
    clinical.add_condition(ws, main, "E11.9", onset=date(2015, 6, 1))
    clinical.add_condition(ws, main, "I10")
    clinical.add_condition(ws, main, "J06.9", chronic=False)
    clinical.add_allergy(ws, main, substance="Penicillin", reaction="hives")
    medications.add_medication(
        ws,
        main,
        name="metformin",
        dose="500 mg",
        frequency="twice daily",
        prescriber=PRACTITIONER,
        start_date=date(2024, 2, 1),
    )
    old = medications.add_medication(ws, main, name="lisinopril", dose="10 mg", frequency="once daily").value
    medications.stop_medication(ws, old.id, reason="cough", on=date(2026, 10, 1))
    clinical.add_member(ws, main, role="PCP", name=PRACTITIONER, phone="(555) 019-0001", organization="Example Clinic")
    clinical.add_member(ws, main, role="caregiver (daughter)", name="Exa Example", phone="(555) 018-0789")
    observations.add_blood_pressure(ws, main, systolic=142, diastolic=88, observed_on=date(2026, 11, 2))
    observations.add_reading(ws, main, kind="weight", value=182.5, observed_on=date(2026, 11, 2))
    observations.add_reading(ws, main, kind="A1c", value=7.8, observed_on=date(2026, 10, 15))
    observations.add_reading(ws, main, kind="eGFR", value=58, observed_on=date(2026, 10, 15))
    observations.add_reading(ws, main, kind="LDL", value=112, observed_on=date(2026, 10, 15))
    observations.add_reading(ws, main, kind="SpO2", value=96, observed_on=date(2026, 11, 2))
    assessments.record_assessment(ws, main, "PHQ-9", PHQ9, date(2026, 11, 3))
    calls.log_contact(ws, main, outcome="reached", minutes=15, on=date(2026, 11, 3), note="reviewed sugars")
    calls.log_contact(ws, main, outcome="voicemail", minutes=0, on=date(2026, 11, 5))
    calls.log_time(ws, main, minutes=10, activity="care plan", on=date(2026, 11, 10))
    diabetes = problem_from_template("diabetes", TODAY, icd10="E11.9")
    goal = replace(diabetes.goals[0], status=GoalStatus.IN_PROGRESS)
    content = CarePlanContent(
        problems=(
            replace(diabetes, goals=(goal, *diabetes.goals[1:])),
            problem_from_template("hypertension", TODAY, icd10="I10"),
        ),
        barriers="Prefers Spanish; interpreter needed",
        strengths="Daughter helps with medicines",
        next_review=date(2027, 3, 1),
    )
    care_plans.save_draft(ws, main, content)
    care_plans.finalize(ws, main, "Casey Example, RN")
    second = add_patient(
        ws, Patient(mrn="000124", given_name="Sample", family_name="Person", birth_date=date(1948, 7, 9))
    ).id
    clinical.record_no_known_allergies(ws, second)
    return FhirPanel(main=main, second=second)
