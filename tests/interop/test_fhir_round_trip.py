"""Round trip (issue 13 part 5): export a store as FHIR R4, import the bundle into a new empty
store, and the patients, their records and their care plans come back field by field (the
store's ids excepted). Contacts, minutes and screens are CareDesk's own history: exported for
the EHR, not imported (domain.incoming carries none), so they are not compared."""

from __future__ import annotations

import json
from dataclasses import replace

from caredesk.clock import FixedClock
from caredesk.domain.incoming import Action
from caredesk.interop.fhir_export import export_bundle
from caredesk.interop.fhir_import import read_bundle
from caredesk.services import care_plans, panel_import, patients
from caredesk.services.access import Access
from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.interop.fhir_panel import make_panel


def _plain(records):
    return sorted((replace(r, id=None, patient_id=0) for r in records), key=repr)


def chart_of(ws, patient_id):
    chart = patients.open_chart(ws, patient_id, audit_view=False)
    return {
        "patient": replace(chart.patient, id=None),
        "enrollments": _plain(chart.enrollments),
        "conditions": _plain(chart.conditions),
        "allergies": _plain(chart.allergies),
        "medications": _plain(chart.medications),
        "care team": _plain(chart.care_team),
        "observations": _plain(chart.observations),
    }


def plan_of(ws, patient_id):
    versions = care_plans.versions(ws, patient_id)
    if not versions:
        return None
    v = versions[-1]  # the export carries the latest version; the import numbers it 1 in a new store
    return (v.content, v.finalized_at, v.finalized_by, v.given_on, v.given_method)


def round_trip(source, tmp_path):
    data = json.dumps(export_bundle(source)).encode("utf-8")
    target, _code = Access(DataFolder(tmp_path / "empty"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    incoming, problems = read_bundle(data, today=target.today())
    assert problems == []
    plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
    assert plan.problems == () and {p.action for p in plan.patients} == {Action.ADD}
    panel_import.apply_import(target, plan)
    return target


def assert_same_panel(source, target):
    before = {s.mrn: s.id for s in patients.patient_list(source)}
    after = {s.mrn: s.id for s in patients.patient_list(target)}
    assert before.keys() == after.keys()
    for mrn, pid in before.items():
        a, b = chart_of(source, pid), chart_of(target, after[mrn])
        for field in a:
            assert a[field] == b[field], f"MRN {mrn}: {field} differs"
        assert plan_of(source, pid) == plan_of(target, after[mrn]), f"MRN {mrn}: care plan differs"


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
        # Importing the same bundle again changes nothing (issue 13: re-import is SAME).
        again = json.dumps(export_bundle(workspace)).encode("utf-8")
        incoming, problems = read_bundle(again, today=target.today())
        plan = panel_import.plan_import(target, incoming, problems, source="FHIR bundle")
        assert {p.action for p in plan.patients} == {Action.SAME}
    finally:
        target.lock()


def test_the_demo_panel_comes_back_whole(tmp_path):
    source, _code = create_demo_store(
        DataFolder(tmp_path / "demo"), patients=170, seed=3, clock=FixedClock(NOW), kdf=FAST_KDF, zone=ZONE
    )
    try:
        target = round_trip(source, tmp_path)
        try:
            assert len(patients.patient_list(target)) == 170
            assert_same_panel(source, target)
        finally:
            target.lock()
    finally:
        source.lock()
