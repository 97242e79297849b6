"""Round trip (issue 13 part 5): export a store as FHIR R4, import the bundle into a new empty
store, and the patients, their records, their care plans and the care manager's history
(contacts, their minutes and the other time entries, screens) come back field by field (the
store's ids excepted; a time entry's contact compared by the contact itself). The month's
billing report of the new store equals the original's: the proof the minutes came across.
Voided contacts and minutes are not exported (they count nowhere), so they are not compared."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from caredesk.clock import FixedClock
from caredesk.domain.calendar import Month
from caredesk.domain.incoming import Action
from caredesk.domain.queue import ReasonKind
from caredesk.interop.fhir_export import export_bundle
from caredesk.interop.fhir_import import read_bundle
from caredesk.services import appointments as appointments_service
from caredesk.services import (
    assessments,
    billing_report,
    care_plans,
    contact_history,
    enrollments,
    observations,
    panel_import,
    patients,
    referrals,
    rpm_devices,
    stays,
    tasks,
)
from caredesk.services import community as directory
from caredesk.services.access import Access
from caredesk.services.call_queue import CallQueue
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.interop.conftest import exported_demo_170
from tests.interop.fhir_panel import make_panel
from tests.interop.test_fhir_import import store_hash


def _plain(records):
    return sorted((replace(r, id=None, patient_id=0) for r in records), key=repr)


def chart_of(ws, patient_id):
    chart = patients.open_chart(ws, patient_id, audit_view=False)
    stay_views = stays.stays(ws, patient_id)
    return {
        "patient": replace(chart.patient, id=None),
        "enrollments": _plain(chart.enrollments),
        "conditions": _plain(chart.conditions),
        "allergies": _plain(chart.allergies),
        "medications": _plain(chart.medications),
        "care team": _plain(chart.care_team),
        "observations": _plain(chart.observations),
        "hospital stays": _plain(v.stay for v in stay_views),
        "tasks": _plain(tasks.tasks(ws, patient_id, include_done=True)),
        "appointments": _appointments_of(ws, patient_id, stay_views),
        "target bands": _plain(observations.targets(ws, patient_id).values()),
        "referrals": _referrals_of(ws, patient_id),
        "RPM devices": _plain(rpm_devices.devices(ws, patient_id)),
    }


def _appointments_of(ws, patient_id, stay_views):
    """Each appointment, its stay (of `stay_views`, the patient's) named by the stay's discharge
    day (ids differ by store)."""
    discharged = {v.stay.id: v.stay.discharged_on for v in stay_views}
    return sorted(
        (
            (replace(a, id=None, patient_id=0, transition_id=None), discharged.get(a.transition_id))
            for a in appointments_service.appointments(ws, patient_id)
        ),
        key=repr,
    )


def _referrals_of(ws, patient_id):
    """Each referral: its resource by name, need, steps (without ids) and the screen that prompted it."""
    taken = {a.id: (a.instrument, a.taken_on) for a in assessments.history(ws, patient_id)}
    return sorted(
        (
            (
                v.resource.name,
                v.referral.need,
                tuple(replace(s, id=None) for s in v.referral.steps),
                taken.get(v.referral.assessment_id),
            )
            for v in referrals.referrals(ws, patient_id)
        ),
        key=repr,
    )


def history_of(ws, patient_id):
    """The live contacts (each with its minutes), minutes without a contact, and screens."""
    contacts, loose = [], []
    for row in contact_history.history(ws, patient_id):
        if row.voided is not None:
            continue
        entries = tuple(sorted((replace(e, id=None, patient_id=0, contact_id=None) for e in row.entries), key=repr))
        if row.contact is not None:
            contacts.append((replace(row.contact, id=None, patient_id=0), entries))
        else:
            loose.extend(entries)
    taken_screens = assessments.history(ws, patient_id)
    screens = [(a.instrument, a.taken_on, a.answers, a.score, a.band) for a in taken_screens]
    taken = {a.id: (a.instrument, a.taken_on) for a in taken_screens}
    checks = [
        (taken[c.assessment_id], c.checked_at, c.by, c.actions, c.note)
        for c in assessments.safety_checks(ws, patient_id)
    ]
    return {
        "safety checks": sorted(checks, key=repr),
        "contacts": sorted(contacts, key=repr),
        "time entries": sorted(loose, key=repr),
        "screens": sorted(screens, key=repr),
    }


def safety_queue_of(ws):
    """The queue's safety reasons by MRN: the flags still open (a documented check closes one)."""
    mrns = {s.id: s.mrn for s in patients.patient_list(ws)}
    return {
        mrns[row.patient_id]: [r.text for r in row.entry.reasons if r.kind is ReasonKind.SAFETY]
        for row in CallQueue(ws).build()
        if any(r.kind is ReasonKind.SAFETY for r in row.entry.reasons)
    }


def billing_of(ws, month):
    """The month's billing report rows by MRN, without the store's ids."""
    return {r.mrn: replace(r, patient_id=0) for r in billing_report.month_report(ws, month).rows}


def plan_of(ws, patient_id):
    versions = care_plans.versions(ws, patient_id)
    if not versions:
        return None
    v = versions[-1]  # the export carries the latest version; the import numbers it 1 in a new store
    return (v.content, v.finalized_at, v.finalized_by, v.given_on, v.given_method)


def round_trip(source, tmp_path):
    """A new store (open) holding what `source`'s exported bundle brings."""
    target, _incoming = import_into_empty(json.dumps(export_bundle(source)).encode("utf-8"), tmp_path)
    return target


def import_into_empty(data, tmp_path):
    """(the new store, open; the patients read from `data`): every patient of the bundle
    `data` read without a problem and added to a new empty store."""
    target, _code = Access(DataFolder(tmp_path / "empty"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    incoming, problems = read_bundle(data, today=target.today())
    assert problems == []
    plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
    assert plan.problems == () and {p.action for p in plan.patients} == {Action.ADD}
    panel_import.apply_import(target, plan)
    return target, incoming


def assert_same_panel(source, target):
    before = {s.mrn: s.id for s in patients.patient_list(source)}
    after = {s.mrn: s.id for s in patients.patient_list(target)}
    assert before.keys() == after.keys()
    for mrn, pid in before.items():
        a, b = (
            chart_of(source, pid) | history_of(source, pid),
            chart_of(target, after[mrn]) | history_of(target, after[mrn]),
        )
        for field in a:
            assert a[field] == b[field], f"MRN {mrn}: {field} differs"
        assert plan_of(source, pid) == plan_of(target, after[mrn]), f"MRN {mrn}: care plan differs"
    # Every month's billing report, whole rows (minutes and codes earned, TCM 99495/99496
    # among them), from the earliest month anything is dated in to this one.
    for month in months_of(source):
        assert billing_of(source, month) == billing_of(target, month), f"{month.title} billing differs"
    # The safety flags the original closed with a documented check stay closed (issue 13).
    assert safety_queue_of(source) == safety_queue_of(target)


def months_of(ws):
    """The months from the earliest enrollment, stay, contact or minutes to today's, at most
    two years back."""
    today = ws.today()
    floor = today.replace(year=today.year - 2)
    first = today
    for s in patients.patient_list(ws):
        days = [e.start_date for e in patients.open_chart(ws, s.id, audit_view=False).enrollments]
        days += [v.stay.discharged_on for v in stays.stays(ws, s.id)]
        days += [e.on for row in contact_history.history(ws, s.id) for e in row.entries]
        first = min([first, *days])
        if first <= floor:
            break  # the months start at the floor whatever the other patients hold
    month, last = Month.of(max(first, floor)), Month.of(today)
    out = [month]
    while out[-1] != last:
        out.append(out[-1].next())
    return out


def test_a_patient_with_every_record_comes_back_field_by_field(workspace, tmp_path):
    panel = make_panel(workspace)
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)
        main = chart_of(target, patients.by_mrn(target, "000123").id)
        assert main["patient"].preferred_name == "Tess" and main["patient"].call_window == "weekdays 9-11am"
        assert [p.kind for p in main["patient"].phones] == ["mobile", "home", "caregiver"]
        assert len(main["observations"]) == 7  # the BP panel is two readings again
        assert plan_of(workspace, panel.main)[0].problems[0].condition_icd10 == "E11.9"
        history = history_of(target, patients.by_mrn(target, "000123").id)
        assert [(c.outcome.value, [e.minutes for e in entries]) for c, entries in history["contacts"]] == [
            ("reached", [15]),
            ("voicemail", []),
        ]
        assert [e.minutes for e in history["time entries"]] == [10]
        assert [(s[0].value, s[3]) for s in history["screens"]] == [("PHQ-9", 9)]
        month = Month.of(target.today())
        assert billing_of(target, month) == billing_of(workspace, month)  # codes earned too
        assert billing_of(target, month)["000123"].clinical_minutes == 25  # 15 (call) + 10 (care plan)
        # Importing the same bundle again changes nothing (issue 13: re-import is SAME).
        again = json.dumps(export_bundle(workspace)).encode("utf-8")
        incoming, problems = read_bundle(again, today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
    finally:
        target.lock()


def test_the_demo_panel_comes_back_whole(tmp_path, store_templates):
    # `data` is export_bundle(source), exported once per session (a 170-patient export is ~1-3 s).
    source, data = exported_demo_170(store_templates, tmp_path / "demo")
    try:
        target, incoming = import_into_empty(data, tmp_path)
        try:
            assert len(patients.patient_list(target)) == 170
            assert_same_panel(source, target)
            # Importing the same bundle again adds nothing (issue 13). A second export of the
            # source is these bytes again (stable ids, pinned clock: test_fhir_export checks
            # it), and read_bundle of the same bytes gives the same patients without a problem,
            # so the patients read above are planned again (a read of this bundle is ~7 s).
            plan = panel_import.plan_import(target, incoming, [], source="FHIR bundle")
            assert {p.action for p in plan.patients} == {Action.SAME}
        finally:
            target.lock()
    finally:
        source.lock()


# PHQ-9 item 9 ("thoughts that you would be better off dead...") answered above 0 raises the
# safety flag (SPEC section 3, Assessments; Kroenke 2001); answers otherwise as fhir_panel's.
PHQ9_ITEM9 = (1, 2, 1, 2, 1, 1, 1, 0, 1)


def _safety_screens(ws, pid):
    """Two flagged PHQ-9s: the first checked (crisis line, PCP told), the second left open."""
    checked = assessments.record_assessment(ws, pid, "PHQ-9", PHQ9_ITEM9, date(2026, 11, 10)).value
    assessments.record_assessment(ws, pid, "PHQ-9", PHQ9_ITEM9, date(2026, 11, 17))
    at = datetime(2026, 11, 10, 14, 5, tzinfo=ZoneInfo(ZONE))
    assessments.record_safety_check(
        ws, checked.id, ["crisis-line", "pcp-told"], "No plan; lives with daughter.", "Ana Ruiz, RN", checked_at=at
    )


def test_a_documented_safety_check_comes_back_and_its_flag_stays_closed(workspace, tmp_path):
    panel = make_panel(workspace)
    _safety_screens(workspace, panel.main)
    bundle = export_bundle(workspace)
    qr = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("extension") and e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert len(qr) == 1 and qr[0]["authored"] == "2026-11-10"
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # safety checks field by field, and the queue's flags
        pid = patients.by_mrn(target, "000123").id
        (check,) = assessments.safety_checks(target, pid)
        assert check.action_labels == ("crisis line given (988)", "PCP told") and check.by == "Ana Ruiz, RN"
        assert [f.taken_on for f in assessments.open_safety_flags(target, pid)] == [date(2026, 11, 17)]
        # The queue shows the open one only, as the original does (domain.queue._safety).
        assert safety_queue_of(target)["000123"] == ["PHQ-9 item 9 positive on 11/17 - safety check"]
        # Importing the same bundle again adds nothing: no second check, the store unchanged.
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_safety_check_before_its_screen_refuses_the_patient(workspace, tmp_path):
    """record_safety_check refuses a check dated before the screen: so does the import."""
    panel = make_panel(workspace)
    _safety_screens(workspace, panel.main)
    bundle = export_bundle(workspace)
    for e in bundle["entry"]:
        for x in e["resource"].get("extension", ()):
            if x["url"] == "urn:caredesk:fhir:safety-check":
                x["extension"][0]["valueDateTime"] = "2026-11-09T10:00:00-05:00"
    target, _code = Access(DataFolder(tmp_path / "empty"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        incoming, problems = read_bundle(json.dumps(bundle).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        refused = [p for p in plan.problems if "safety check" in p.field]
        assert [(p.field, p.why) for p in refused] == [
            ("safety check of the PHQ-9 of 11/10/2026 date", "cannot be before the screen (11/10/2026)")
        ]
        assert "000123" not in {p.incoming.patient.mrn for p in plan.patients}
    finally:
        target.lock()


def test_a_hospital_stay_comes_back_with_its_tcm_steps(workspace, tmp_path):
    """A discharge and its TCM steps (CMS MLN908628: contact within 2 business days, the
    face-to-face visit within 7 days for high complexity, reconciliation by the visit)."""
    panel = make_panel(workspace)
    stay = stays.add_stay(
        workspace,
        panel.main,
        facility="Mercy General",
        admitted_on=date(2026, 10, 10),
        discharged_on=date(2026, 10, 14),
        complexity="high",
    ).value
    stays.record_contact(workspace, stay.id, on=date(2026, 10, 15), channel="video")
    stays.record_visit(workspace, stay.id, on=date(2026, 10, 20))
    stays.record_reconciliation(workspace, stay.id, on=date(2026, 10, 20))
    bundle = export_bundle(workspace)
    (encounter,) = [e["resource"] for e in bundle["entry"] if e["resource"].get("class", {}).get("code") == "IMP"]
    assert encounter["period"] == {"start": "2026-10-10", "end": "2026-10-14"}
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # the stay field by field, every month's billing
        (back,) = stays.stays(target, patients.by_mrn(target, "000123").id)
        assert (back.stay.facility, back.stay.contact_channel.value, back.stay.seen_on) == (
            "Mercy General",
            "video",
            date(2026, 10, 20),
        )
        codes = billing_report.month_report(target, Month(2026, 11)).units_by_code
        # Billed in the month its 30-day period ends (11/12): high complexity, seen within 7 days.
        assert codes.get("99496") == 1
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_tcm_step_before_the_discharge_refuses_the_patient(workspace):
    """services.stays refuses a step dated before the discharge: so does the import."""
    panel = make_panel(workspace)
    stays.add_stay(workspace, panel.main, facility="Mercy General", discharged_on=date(2026, 11, 4))
    bundle = export_bundle(workspace)
    (encounter,) = [e for e in bundle["entry"] if e["resource"].get("class", {}).get("code") == "IMP"]
    encounter["resource"]["extension"][0]["extension"].append({"url": "seen-on", "valueDate": "2026-11-02"})
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=workspace.today())
    assert [(p.field, p.why) for p in problems if p.field.startswith("Encounter")] == [
        ("Encounter.extension (TCM) seen-on", "cannot be before the discharge (Encounter.period.end)")
    ]
    assert "000123" not in {p.patient.mrn for p in incoming}


def test_open_and_done_tasks_come_back_once(workspace, tmp_path):
    panel = make_panel(workspace)
    tasks.add_task(workspace, panel.main, "Fax the care plan to Dr. Example", due=date(2026, 12, 1))
    done = tasks.add_task(workspace, panel.main, "Mail the BP log", due=date(2026, 11, 30)).value
    tasks.complete_task(workspace, done.id)
    bundle = export_bundle(workspace)
    found = sorted(e["resource"]["status"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert found == ["completed", "requested"]  # https://hl7.org/fhir/R4/valueset-task-status.html
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # tasks field by field (title, due, status, kind, times)
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_task_done_before_it_was_created_refuses_the_patient(workspace):
    panel = make_panel(workspace)
    done = tasks.add_task(workspace, panel.main, "Mail the BP log").value
    tasks.complete_task(workspace, done.id)
    bundle = export_bundle(workspace)
    (task,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"]
    task["executionPeriod"]["end"] = "2026-11-01T09:00:00-05:00"
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=workspace.today())
    assert [(p.field, p.why) for p in problems if p.field.startswith("Task")] == [
        ("Task.executionPeriod.end", "cannot be before the task was created (Task.authoredOn)")
    ]
    assert "000123" not in {p.patient.mrn for p in incoming}


def test_appointments_come_back_with_the_stay_a_tcm_visit_follows(workspace, tmp_path):
    panel = make_panel(workspace)
    stay = stays.add_stay(workspace, panel.main, facility="Mercy General", discharged_on=date(2026, 11, 16)).value
    zone = ZoneInfo(ZONE)
    visit = appointments_service.schedule(
        workspace,
        panel.main,
        at=datetime(2026, 11, 20, 9, 30, tzinfo=zone),
        kind="TCM face-to-face visit",
        with_whom="Dr. Example",
        place="Main St clinic",
        transition_id=stay.id,
    ).value
    appointments_service.record_outcome(workspace, visit.id, "kept")
    appointments_service.schedule(
        workspace, panel.main, at=datetime(2026, 12, 3, 14, 0, tzinfo=zone), kind="specialist", with_whom="Cardiology"
    )
    bundle = export_bundle(workspace)
    found = sorted(e["resource"]["status"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment")
    assert found == ["booked", "fulfilled"]  # https://hl7.org/fhir/R4/valueset-appointmentstatus.html
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # appointments field by field, the TCM visit with its stay
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_tcm_visit_before_its_discharge_refuses_the_patient(workspace):
    """services.appointments refuses a TCM visit before the stay's discharge: so does the import."""
    panel = make_panel(workspace)
    stay = stays.add_stay(workspace, panel.main, facility="Mercy General", discharged_on=date(2026, 11, 16)).value
    appointments_service.schedule(
        workspace,
        panel.main,
        at=datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo(ZONE)),
        kind="TCM face-to-face visit",
        with_whom="Dr. Example",
        transition_id=stay.id,
    )
    bundle = export_bundle(workspace)
    (visit,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment"]
    visit["start"] = visit["end"] = "2026-11-12T09:30:00-05:00"
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=workspace.today())
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    assert [(p.field, p.why) for p in plan.problems] == [
        ("appointment of 11/12/2026 time", "cannot be before the discharge (11/16/2026)")
    ]


def test_the_patients_own_target_bands_come_back_as_target_band_goals(workspace, tmp_path):
    """ADA Standards of Care 2025, 6.5: an individual A1c goal (here < 8.0 %) instead of the 7 % default."""
    panel = make_panel(workspace)
    observations.set_targets(workspace, panel.main, {"A1c": (None, "8.0"), "Systolic BP": ("100", "140")})
    bundle = export_bundle(workspace)
    goals = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Goal" and e["resource"].get("category")
    ]
    assert sorted(g["target"][0]["measure"]["coding"][0]["code"] for g in goals) == ["4548-4", "8480-6"]  # LOINC
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # the bands field by field; the care plan's goals unchanged
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_target_band_out_of_the_measures_range_refuses_the_patient(workspace):
    panel = make_panel(workspace)
    observations.set_targets(workspace, panel.main, {"A1c": (None, "8.0")})
    bundle = export_bundle(workspace)
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "Goal" and e["resource"].get("category"):
            e["resource"]["target"][0]["detailRange"]["high"]["value"] = 80
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=workspace.today())
    assert [(p.field, p.why) for p in problems if p.field.startswith("Goal")] == [
        ("Goal.target.detailRange (target high)", "must be between 3 and 20 %")
    ]
    assert "000123" not in {p.patient.mrn for p in incoming}


# AHC HRSN screening tool question 3 "sometimes true": food positive, nothing else (as tests/services/test_referrals.py).
FOOD = (0, 1, 0, 0, 0, 1, 1, 1, 1)


def _referred(ws, pid):
    screen = assessments.record_assessment(ws, pid, "social needs", FOOD, date(2026, 11, 3)).value
    bank = directory.add_resource(ws, name="Food bank", needs="food", phone="555-010-2001").value
    sent = referrals.refer(ws, pid, bank.id, "food", on=date(2026, 11, 4), assessment_id=screen.id).value
    referrals.record_step(ws, sent.id, "sent", on=date(2026, 11, 5), note="Faxed the form.")
    referrals.record_step(ws, sent.id, None, on=date(2026, 11, 12), note="Still on the wait list.")
    return sent


def test_a_referral_comes_back_with_its_steps_its_screen_and_its_resource_by_name(workspace, tmp_path):
    panel = make_panel(workspace)
    _referred(workspace, panel.main)
    bundle = export_bundle(workspace)
    (request,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ServiceRequest"]
    assert request["status"] == "active" and request["performer"] == [{"display": "Food bank"}]
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # steps, need, resource name and screen field by field
        (bank,) = directory.resources(target)
        assert (bank.name, bank.needs_text) == ("Food bank", "food")  # added to the empty store's directory
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_referral_before_the_screen_that_prompted_it_refuses_the_patient(workspace, tmp_path):
    """services.referrals.refer refuses a referral dated before its screen: so does the import."""
    panel = make_panel(workspace)
    _referred(workspace, panel.main)
    bundle = export_bundle(workspace)
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "ServiceRequest":
            e["resource"]["extension"][0]["extension"][1]["valueDate"] = "2026-11-02"
    target, _code = Access(DataFolder(tmp_path / "empty"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        incoming, problems = read_bundle(json.dumps(bundle).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert [(p.field, p.why) for p in plan.problems] == [
            ("referral of 11/02/2026 date", "cannot be before the screen (11/03/2026)")
        ]
    finally:
        target.lock()


def _device(ws, pid):
    enrollments.enroll(ws, pid, "RPM", date(2026, 10, 1), date(2026, 10, 1), "verbal", "Dr. Example")
    device = rpm_devices.add_device(ws, pid, kind="blood pressure cuff", set_up_on=date(2026, 10, 20)).value
    days = [date(2026, 10, 20) + timedelta(days=n) for n in range(20)]  # 16+ days: CPT 99454
    rpm_devices.add_reading_days(ws, device.id, days)
    return device


def test_an_rpm_device_comes_back_with_its_reading_days(workspace, tmp_path):
    panel = make_panel(workspace)
    _device(workspace, panel.main)
    bundle = export_bundle(workspace)
    kinds = sorted(e["resource"]["resourceType"] for e in bundle["entry"] if "Device" in e["resource"]["resourceType"])
    assert kinds == ["Device", "DeviceUseStatement"]
    target = round_trip(workspace, tmp_path)
    try:
        assert_same_panel(workspace, target)  # the device and its 20 reading days; every month's billing
        before = store_hash(target)
        incoming, problems = read_bundle(json.dumps(export_bundle(workspace)).encode(), today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
        panel_import.apply_import(target, plan)
        assert store_hash(target) == before
    finally:
        target.lock()


def test_a_reading_day_before_the_set_up_refuses_the_patient(workspace):
    panel = make_panel(workspace)
    _device(workspace, panel.main)
    bundle = export_bundle(workspace)
    (use,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DeviceUseStatement"]
    use["extension"][0]["extension"][0]["valueDate"] = "2026-10-19"
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=workspace.today())
    assert [(p.field, p.why) for p in problems if p.field.startswith("DeviceUseStatement")] == [
        ("DeviceUseStatement.extension (reading days) day", "10/19/2026 is outside the device's days or after today")
    ]
    assert "000123" not in {p.patient.mrn for p in incoming}
