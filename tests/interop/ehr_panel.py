"""A small real store for the EHR summary's tests, made only through the services: a patient
in CCM with consent, two chronic conditions, a month of calls and typed minutes, two care-plan
versions finalized in November, a referral and a hospital stay; a patient whose consent came
late in the month; a patient with no program. Synthetic data (555-01xx phones, fake names)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from caredesk.domain.careplan import CarePlanContent
from caredesk.domain.careplan_templates import problem_from_template
from caredesk.domain.patients import Patient, Phone
from caredesk.domain.practice import PracticeProfile
from caredesk.services import calls, care_plans, clinical, community, enrollments, practice, referrals, stays
from caredesk.services.workspace import Workspace
from tests.conftest import TODAY, add_patient

PRACTITIONER = "Dr. Testa Lee, MD"
FACILITY = "Example General Hospital"


@dataclass(frozen=True)
class Panel:
    main: int  # CCM, consent 10/01/2026, time, plan, referral, stay
    late: int  # CCM consent on 11/20/2026, minutes before and after it
    none: int  # no program: in no batch


def make_panel(ws: Workspace) -> Panel:
    practice.save_profile(ws, PracticeProfile(care_manager_name="Casey Example", care_manager_credentials="RN"))
    main = add_patient(
        ws,
        Patient(
            mrn="000123",
            given_name="Testa",
            family_name="Example",
            birth_date=date(1950, 3, 4),
            phones=(Phone(number="(555) 010-0123"),),
        ),
    ).id
    enrollments.enroll(ws, main, "CCM", date(2026, 10, 1), date(2026, 10, 1), "verbal", PRACTITIONER)
    for code in ("E11.9", "I10"):
        clinical.add_condition(ws, main, code)
    clinical.add_condition(ws, main, "J06.9", chronic=False)  # an acute one: not a condition addressed
    stays.add_stay(ws, main, facility=FACILITY, admitted_on=date(2026, 10, 30), discharged_on=date(2026, 11, 2))
    calls.log_contact(ws, main, outcome="reached", minutes=15, on=date(2026, 11, 3), note="post-discharge call")
    calls.log_contact(ws, main, outcome="voicemail", minutes=0, on=date(2026, 11, 5))
    calls.log_time(ws, main, minutes=10, activity="care plan", on=date(2026, 11, 10))
    calls.log_time(ws, main, minutes=5, activity="medication review", on=date(2026, 11, 12), staff_type="physician/QHP")
    calls.log_time(ws, main, minutes=7, activity="care coordination", on=date(2026, 10, 20))  # October: not this month
    pantry = community.add_resource(ws, name="Example Food Pantry", needs="food", phone="(555) 010-0199").value
    referrals.refer(ws, main, pantry.id, "food", on=date(2026, 11, 4))
    content = CarePlanContent(problems=(problem_from_template("diabetes", TODAY),), next_review=date(2027, 3, 1))
    care_plans.save_draft(ws, main, content)
    care_plans.finalize(ws, main, "Casey Example, RN")
    care_plans.save_draft(ws, main, replace(content, next_review=date(2027, 2, 1)))
    care_plans.finalize(ws, main, "Casey Example, RN")

    late = add_patient(
        ws, Patient(mrn="000124", given_name="Lata", family_name="Example", birth_date=date(1948, 5, 6))
    ).id
    enrollments.enroll(ws, late, "CCM", date(2026, 11, 1), date(2026, 11, 20), "written", PRACTITIONER)
    for code in ("E11.9", "I10"):
        clinical.add_condition(ws, late, code)
    calls.log_time(ws, late, minutes=25, activity="care coordination", on=date(2026, 11, 16))
    calls.log_time(ws, late, minutes=12, activity="care coordination", on=date(2026, 11, 23))

    none = add_patient(
        ws, Patient(mrn="000125", given_name="Nona", family_name="Example", birth_date=date(1960, 1, 2))
    ).id
    return Panel(main, late, none)
