"""A condition coded only in SNOMED CT (issue 13: "keep the coding and flag it") leaves an
open task after the import, so the flag does not vanish with the preview: in the chart's
task list and the queue, closable, and never made twice (a fresh tester's finding).

SNOMED CT 44054006 "Diabetes mellitus type 2" (https://browser.ihtsdotools.org/?conceptId1=44054006).
"""

from __future__ import annotations

from caredesk.domain.coordination import TaskStatus
from caredesk.domain.incoming import Action
from caredesk.domain.queue import ReasonKind
from caredesk.interop.fhir_import import read_bundle
from caredesk.services import panel_import, patients, tasks
from caredesk.services.call_queue import CallQueue
from tests.conftest import TODAY
from tests.interop.test_fhir_import import DATA, a_patient, bundle_of

TITLE = "Needs an ICD-10 code: Diabetes mellitus type 2 (SNOMED CT 44054006) from the imported record"
SNOMED_ONLY = {
    "resourceType": "Condition",
    "id": "c1",
    "clinicalStatus": {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
    },
    "code": {
        "coding": [{"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes mellitus type 2"}]
    },
    "subject": {"reference": "urn:uuid:p1"},
}


def _import(ws, data):
    incoming, problems = read_bundle(data, today=TODAY)
    plan = panel_import.plan_import(ws, incoming, problems, source="FHIR bundle")
    panel_import.apply_import(ws, plan)
    return plan


def test_the_snomed_only_condition_is_an_open_task_due_today_in_the_chart_and_the_queue(workspace):
    _import(workspace, DATA.read_bytes())
    testa = patients.by_mrn(workspace, "0f0e0000-0000-4000-8000-000000000901")
    (task,) = tasks.tasks(workspace, testa.id)
    assert (task.title, task.due, task.status) == (TITLE, TODAY, TaskStatus.OPEN)
    (row,) = [r for r in CallQueue(workspace).build() if r.patient_id == testa.id]
    assert any(r.kind is ReasonKind.TASK for r in row.entry.reasons)
    # Imported again: the task is there, not made twice; the patient is unchanged.
    plan = _import(workspace, DATA.read_bytes())
    assert [p.action for p in plan.patients] == [Action.SAME]
    assert len(tasks.tasks(workspace, testa.id, include_done=True)) == 1
    # Done in the chart: a later import does not make it again either.
    tasks.complete_task(workspace, task.id)
    _import(workspace, DATA.read_bytes())
    assert [t.status for t in tasks.tasks(workspace, testa.id, include_done=True)] == [TaskStatus.DONE]


def test_a_known_patient_s_preview_lists_the_task_it_will_make(workspace):
    _import(workspace, bundle_of(a_patient()))
    incoming, problems = read_bundle(bundle_of(a_patient(), SNOMED_ONLY), today=TODAY)
    (planned,) = panel_import.plan_import(workspace, incoming, problems, source="FHIR bundle").patients
    assert planned.action is Action.UPDATE
    assert [(c.field, c.after) for c in planned.changes] == [("Tasks", f"+ {TITLE}")]
