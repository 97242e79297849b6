"""Finding care-plan versions by MRN for printing (the CLI's print-plan and print-plans), on a real store."""

from __future__ import annotations

import pytest

from caredesk.errors import NotFound
from caredesk.services import plan_printing as pp
from tests.services.test_care_plans_service import _finalized, _patient, _ready


def _actions(ws) -> list[str]:
    with ws.uow() as uow:
        return [e.action for e in uow.audit_log.all()]


def test_the_latest_version_is_found_by_mrn_unless_a_number_is_asked(workspace):
    pid = _patient(workspace, "00042", "Abbott")
    _finalized(workspace, pid, _ready("diabetes"))
    _finalized(workspace, pid, _ready("diabetes", "hypertension"))
    latest = pp.version_for(workspace, "00042")
    assert (latest.patient_id, latest.number) == (pid, 2)
    assert pp.version_for(workspace, "00042", 1).number == 1


def test_an_unknown_mrn_is_named(workspace):
    with pytest.raises(NotFound, match=r"No patient with MRN 42\."):
        pp.version_for(workspace, "42")


def test_a_patient_without_a_finalized_plan_is_named_by_mrn(workspace):
    _patient(workspace, "B2")
    with pytest.raises(NotFound, match=r"No finalized care plan for MRN B2\."):
        pp.version_for(workspace, "B2")


def test_a_missing_version_lists_the_versions_there_are(workspace):
    pid = _patient(workspace, "C3")
    _finalized(workspace, pid, _ready("diabetes"))
    _finalized(workspace, pid, _ready("hypertension"))
    with pytest.raises(NotFound, match=r"MRN C3 has no care plan version 5 \(versions: 1, 2\)\."):
        pp.version_for(workspace, "C3", 5)


def test_latest_copies_are_each_patients_newest_version_by_mrn_and_skip_patients_without_one(workspace):
    b2 = _patient(workspace, "B2", "Bahena")
    a1 = _patient(workspace, "A1", "Abbott")
    _patient(workspace, "C3", "Castro")  # no finalized plan
    _finalized(workspace, b2, _ready("diabetes"))
    _finalized(workspace, a1, _ready("diabetes"))
    _finalized(workspace, a1, _ready("hypertension"))
    copies = pp.latest_copies(workspace)
    assert [(c.mrn, c.version.patient_id, c.version.number, c.name) for c in copies] == [
        ("A1", a1, 2, "Abbott, Test"),
        ("B2", b2, 1, "Bahena, Test"),
    ]


def test_looking_up_plans_writes_nothing(workspace):
    pid = _patient(workspace, "A1")
    _finalized(workspace, pid, _ready("diabetes"))
    before = _actions(workspace)
    pp.version_for(workspace, "A1")
    pp.latest_copies(workspace)
    assert _actions(workspace) == before
