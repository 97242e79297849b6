"""FHIR R4 import of the care manager's history (issue 13 part 5): CareDesk's own
Communications (contacts), Encounters (minutes) and QuestionnaireResponses (screens) come
back; another system's visits are skipped as before; another system's PHQ-9 is read when
every item is answered. Dates are checked as services.calls and services.assessments check
them when logged the normal way, and a refusal names the resource and element.

Sources: Communication https://hl7.org/fhir/R4/communication.html; Encounter.length and
partOf https://hl7.org/fhir/R4/encounter.html; QuestionnaireResponse
https://hl7.org/fhir/R4/questionnaireresponse.html; the PHQ-9 LOINC panel 44249-1 and its
item codes (44250-9 ... 44260-8) and answer list LL358-3 (LA6568-5 "Not at all" = 0 ...
LA6571-9 "Nearly every day" = 3): https://loinc.org/44249-1 and https://loinc.org/LL358-3.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from caredesk.clock import FixedClock
from caredesk.domain.incoming import Action
from caredesk.domain.patients import Patient
from caredesk.interop.fhir_export import export_bundle
from caredesk.interop.fhir_import import read_bundle, read_bundle_report
from caredesk.services import calls, enrollments, panel_import, patient_records, patients
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, TODAY, ZONE, add_patient
from tests.interop.test_fhir_import import a_patient, bundle_of, store_hash

PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")
ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")  # 0, 1, 2, 3


TESTA = Patient(mrn="000123", given_name="Testa", family_name="Example", birth_date=date(1950, 3, 4))


def foreign_phq9(answers, rid="qr1"):
    return {
        "resourceType": "QuestionnaireResponse",
        "id": rid,
        "questionnaire": "http://loinc.org/q/44249-1",
        "status": "completed",
        "subject": {"reference": "urn:uuid:p1"},
        "authored": "2026-11-02T10:00:00-05:00",
        "item": [
            {"linkId": f"/{code}", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": ANSWERS[a]}}]}
            for code, a in zip(PHQ9_ITEMS, answers, strict=False)
        ]
        + [{"linkId": "/69722-7", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA6572-7"}}]}],
    }


def test_another_systems_phq9_is_read_when_complete_and_skipped_when_not():
    full = foreign_phq9((1, 1, 2, 0, 0, 1, 0, 0, 0))
    part = foreign_phq9((1, 1, 2), rid="qr2")
    visit = {"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {"code": "AMB"}}
    visit["subject"] = {"reference": "urn:uuid:p1"}
    visit["length"] = {"value": 30, "unit": "min"}
    report = read_bundle_report(bundle_of(a_patient(), full, part, visit), today=TODAY)
    (one,) = report.patients
    (screen,) = one.assessments
    assert screen.instrument.value == "PHQ-9" and screen.taken_on == date(2026, 11, 2)
    assert screen.score == 5 and screen.band == "mild"  # Kroenke 2001: 5-9 mild
    assert report.skipped["QuestionnaireResponse (not every item answered)"] == 1
    # An EHR's visit is not care-management time: skipped, never counted as minutes.
    assert one.time_entries == () and report.skipped["Encounter"] == 1


def test_a_contact_in_the_future_refuses_its_patient_naming_the_communication(workspace):
    pid = add_patient(workspace, TESTA).id
    enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 5), date(2026, 1, 5), "verbal", "Dr. Testa Lee, MD")
    calls.log_contact(workspace, pid, outcome="reached", minutes=12, on=date(2026, 11, 3))
    bundle = export_bundle(workspace)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Communication":
            entry["resource"]["sent"] = "2026-12-03T10:00:00-05:00"
            where = f"Communication/{entry['resource']['id']}"
    before = store_hash(workspace)
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=TODAY)
    assert incoming == []
    assert (problems[0].where, problems[0].field, problems[0].why) == (
        where,
        "Communication.sent",
        "cannot be in the future",
    )
    assert store_hash(workspace) == before


def test_re_importing_the_history_adds_nothing_and_leaves_the_store_as_it_was(workspace):
    pid = add_patient(workspace, TESTA).id
    enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 5), date(2026, 1, 5), "verbal", "Dr. Testa Lee, MD")
    # Two unanswered calls back-filled for one day share their time: both are kept.
    calls.log_contact(workspace, pid, outcome="voicemail", minutes=2, on=date(2026, 11, 3))
    calls.log_contact(workspace, pid, outcome="voicemail", minutes=2, on=date(2026, 11, 3))
    data = json.dumps(export_bundle(workspace)).encode()
    incoming, problems = read_bundle(data, today=TODAY)
    assert len(incoming[0].contacts) == 2 and [e.contact_id for e in incoming[0].time_entries] == [0, 1]
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    assert [p.action for p in plan.patients] == [Action.SAME]
    before = store_hash(workspace)
    panel_import.apply_import(workspace, plan)
    assert store_hash(workspace) == before
    # A minute the store lacks (the export's file from another laptop) is added, once.
    bundle = json.loads(data)
    minutes = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"]
    extra = json.loads(json.dumps(minutes[0]))
    extra["resource"]["id"] = "extra"
    extra["fullUrl"] = "urn:uuid:extra"
    extra["resource"]["length"]["value"] = 9
    extra["resource"].pop("partOf", None)
    bundle["entry"].append(extra)
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=TODAY)
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    assert [p.action for p in plan.patients] == [Action.UPDATE]
    assert [(c.field, c.after) for c in plan.patients[0].changes] == [("Minutes", "+ 9 min in 1 time entry")]


def test_a_contact_after_the_stored_date_of_death_refuses_the_patient_and_stores_nothing(workspace, tmp_path):
    # The file (another laptop's export) has the patient alive with a call on 11/10; this store
    # has them deceased on 11/05: the call is refused as services.calls.log_contact refuses one.
    other, _code = Access(DataFolder(tmp_path / "other"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        for ws in (other, workspace):
            enrollments.enroll(
                ws, add_patient(ws, TESTA).id, "CCM", date(2026, 1, 5), date(2026, 1, 5), "verbal", "Dr. Testa Lee, MD"
            )
        mine = patients.by_mrn(other, "000123").id
        calls.log_contact(other, mine, outcome="reached", minutes=5, on=date(2026, 11, 10))
        data = json.dumps(export_bundle(other)).encode()
    finally:
        other.lock()
    patient_records.set_status(
        workspace, patients.by_mrn(workspace, "000123").id, "deceased", died_on=date(2026, 11, 5)
    )
    incoming, problems = read_bundle(data, today=TODAY)
    before = store_hash(workspace)
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    assert plan.patients == ()
    (problem,) = plan.problems
    assert (problem.field, problem.why) == (
        "contact of 11/10/2026 date",
        "cannot be after the date of death (11/05/2026)",
    )
    assert store_hash(workspace) == before


def test_minutes_begun_before_midnight_keep_the_day_they_were_logged_on(workspace):
    pid = add_patient(workspace, TESTA).id
    enrollments.enroll(workspace, pid, "CCM", date(2026, 1, 5), date(2026, 1, 5), "verbal", "Dr. Testa Lee, MD")
    began = datetime(2026, 10, 31, 23, 50, tzinfo=ZoneInfo(ZONE))  # counted on 11/01: November's minutes
    calls.log_contact(workspace, pid, outcome="reached", minutes=20, on=date(2026, 11, 1), started_at=began)
    incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=TODAY)
    assert problems == []
    (entry,) = incoming[0].time_entries
    assert (entry.on, entry.started_at, entry.contact_id) == (date(2026, 11, 1), began, 0)
