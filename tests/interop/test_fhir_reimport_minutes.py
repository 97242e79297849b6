"""Re-importing a bundle whose Encounter minutes were corrected (a fresh tester, issue 13):
the contact is on file, so its minutes are never added; the difference is a flag on the
patient for the care manager to settle in the chart. The billing report stays as it was."""

from __future__ import annotations

import json

from caredesk.domain.calendar import Month
from caredesk.domain.incoming import Action
from caredesk.interop.fhir_export import export_bundle
from caredesk.interop.fhir_import import read_bundle
from caredesk.services import assessments, panel_import
from tests.conftest import TODAY
from tests.interop.fhir_panel import make_panel
from tests.interop.test_fhir_round_trip import billing_of


def test_a_corrected_encounter_re_imported_adds_no_minutes_and_flags_the_difference(workspace):
    """Billing rules: CPT 99490 is the first 20 min of CCM in a month, 99439 each further 20
    (CMS MLN909188): 15 + 10 min stays 99490 only; 15 -> 30 added beside would be 55 min."""
    make_panel(workspace)
    month = Month(2026, 11)
    billing_before = billing_of(workspace, month)
    bundle = export_bundle(workspace)
    (encounter,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Encounter" and e["resource"]["length"]["value"] == 15
    ]
    encounter["length"]["value"] = 30  # the file says 30 where CareDesk has 15
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=TODAY)
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    (testa,) = [p for p in plan.patients if p.incoming.patient.mrn == "000123"]
    assert (
        "contact of 11/03/2026 12:00 PM: 30 min in the file, 15 in CareDesk: not changed; "
        "correct the minutes in the chart if the file is right"
    ) in testa.incoming.flags
    assert testa.action is Action.SAME  # nothing to add: its minutes are the chart's to correct
    panel_import.apply_import(workspace, plan)
    assert billing_of(workspace, month) == billing_before


def test_a_screen_with_other_answers_on_its_day_is_not_added_twice_and_is_flagged(workspace):
    make_panel(workspace)
    bundle = export_bundle(workspace)
    (qr,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    # PHQ-9 item 1 "Several days" (1) -> "Nearly every day" (3): LOINC answer LA6571-9.
    qr["item"][0]["answer"][0]["valueCoding"] |= {"code": "LA6571-9", "display": "Nearly every day"}
    incoming, problems = read_bundle(json.dumps(bundle).encode(), today=TODAY)
    plan = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle")
    (testa,) = [p for p in plan.patients if p.incoming.patient.mrn == "000123"]
    assert testa.action is Action.SAME
    assert (
        "PHQ-9 of 11/03/2026: answers differ in the file (score 11; 9 in CareDesk): not changed; "
        "correct the screen in the chart if the file is right"
    ) in testa.incoming.flags
    panel_import.apply_import(workspace, plan)
    assert [a.score for a in assessments.history(workspace, testa.patient_id)] == [9]
