"""File > Export FHIR bundle… and File > Import FHIR bundle…, driven through their real widgets
over a real store (issue 13): the export writes a bundle that validates against the R4 models
(fhir.resources R4B, R4-compatible) and says it holds health information; the import previews,
flags a SNOMED-only condition, refuses an invalid resource naming it, and stores on Import."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import shiboken6
from fhir.resources.R4B.bundle import Bundle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.services import patients
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.interop.fhir_dialogs import PHI_NOTE, FhirExportDialog, FhirImportWizard
from caredesk.ui.interop.import_steps import ImportWizard
from caredesk.ui.shell.main_window import MainWindow
from tests.ui.conftest import CANARY_MRN

# http://terminology.hl7.org/CodeSystem/v2-0203 "MR": the medical record number (FHIR R4 Patient.identifier).
MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}


@pytest.fixture(autouse=True)
def dialogs_deleted(qapp):
    """Delete the import and export dialogs once the test is done. The app deletes them when they
    close (deleteLater in its event loop); a test runs no loop, and a hidden QWizard holding a line
    edit, left alive under the closed window, crashed Qt inside the next test's re-theming
    (QApplication.setStyleSheet in ui.shell.launch.application, which the app itself calls once)."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, (ImportWizard, FhirExportDialog)):
            shiboken6.delete(widget)


def bundle() -> dict:
    """A collection Bundle (https://hl7.org/fhir/R4/bundle.html): one patient with a SNOMED CT-only
    condition (44054006 Diabetes mellitus type 2: https://browser.ihtsdotools.org/ concept), and a
    Condition missing its required `subject` (Condition.subject is 1..1 in R4)."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000001",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [{"type": MR, "value": "000777"}],
                    "name": [{"family": "Example", "given": ["Fhira"]}],
                    "birthDate": "1951-02-03",
                    "gender": "female",
                    "telecom": [{"system": "phone", "value": "(555) 010-0177"}],
                },
            },
            {
                "fullUrl": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000002",
                "resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "subject": {"reference": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000001"},
                    "clinicalStatus": {
                        "coding": [
                            {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
                        ]
                    },
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "44054006",
                                "display": "Diabetes mellitus type 2",
                            }
                        ]
                    },
                },
            },
            {
                "fullUrl": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000004",
                "resource": {
                    "resourceType": "Immunization",
                    "id": "i1",
                    "status": "completed",
                    "vaccineCode": {"text": "Influenza"},
                    "patient": {"reference": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000001"},
                    "occurrenceDateTime": "2026-10-01",
                },
            },
            {
                "fullUrl": "urn:uuid:6f1c1e2a-0000-4000-8000-000000000003",
                "resource": {"resourceType": "Condition", "id": "c2", "code": {"text": "no subject"}},
            },
        ],
    }


def test_export_writes_a_bundle_that_validates_and_says_it_holds_health_information(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    dialog = window.interop.export_fhir()
    assert isinstance(dialog, FhirExportDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.phi.text() == PHI_NOTE
    assert Path(dialog.path.text()).name == "caredesk-fhir-2026-11-24.json"  # the date, never a name
    out = tmp_path / "panel.json"
    dialog.path.setText(str(out))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=30_000)
    parsed = Bundle.model_validate(json.loads(out.read_text("utf-8")))  # every entry against the R4B models
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds.count("Patient") == 4
    assert "Condition" in kinds and "AllergyIntolerance" in kinds
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Saved 4 patients" in dialog.message.text() and PHI_NOTE in dialog.message.text()
    dialog.reject()


def test_export_of_one_patient_and_an_unknown_mrn_named(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    dialog = window.interop.export_fhir()
    assert isinstance(dialog, FhirExportDialog)
    out = tmp_path / "one.json"
    dialog.path.setText(str(out))
    dialog.one.setChecked(True)
    dialog.mrn.setText("NOSUCH1")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.runner.busy and "NOSUCH1" in dialog.message.text(), timeout=30_000)
    assert not out.exists()
    dialog.mrn.setText(CANARY_MRN)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=30_000)
    parsed = Bundle.model_validate(json.loads(out.read_text("utf-8")))
    assert [e.resource.get_resource_type() for e in parsed.entry].count("Patient") == 1
    dialog.reject()


def test_import_previews_flags_and_refusals_then_stores_on_import(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    listed = window.view.page(PatientsPage).model.rowCount()
    path = tmp_path / "from-ehr.json"
    path.write_text(json.dumps(bundle()), encoding="utf-8")
    wizard = window.interop.import_fhir()
    assert isinstance(wizard, FhirImportWizard)
    qtbot.waitUntil(wizard.isVisible)
    wizard.load_file(path)
    qtbot.waitUntil(lambda: wizard.preview_page.plan is not None, timeout=20_000)
    preview = wizard.preview_page.preview
    assert preview.counts.text().startswith("1 to add, 0 to update, 0 unchanged, 1 resource")
    planned = preview.model.planned(0)
    assert planned.incoming.patient.mrn == "000777"
    assert any("needs an ICD-10 code" in flag for flag in planned.incoming.flags)
    refused = [preview.problems_model.problem(i) for i in range(preview.problems_model.rowCount())]
    assert refused and all("c2" in p.where or "entry 3" in p.where for p in refused), refused
    assert "Not imported (CareDesk does not keep them): 1 Immunization." in wizard.preview_page.status.text()
    assert not any(s.mrn == "000777" for s in patients.patient_list(window.workspace))  # nothing stored yet

    wizard.next()  # Import 1 patient
    qtbot.waitUntil(lambda: wizard.apply_page.saved is not None, timeout=20_000)
    assert "1 added" in wizard.apply_page.result.text()
    stored = patients.by_mrn(window.workspace, "000777")
    assert (stored.given_name, stored.family_name) == ("Fhira", "Example")
    qtbot.waitUntil(lambda: window.view.page(PatientsPage).model.rowCount() == listed + 1, timeout=10_000)
    wizard.accept()


def test_a_file_that_is_not_a_bundle_is_said_on_the_first_page(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    wizard = window.interop.import_fhir()
    assert isinstance(wizard, FhirImportWizard)
    path = tmp_path / "broken.json"
    path.write_text('{"resourceType": "Bundle", ', encoding="utf-8")
    wizard.load_file(path)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page, timeout=10_000)
    qtbot.waitUntil(lambda: wizard.preview_page.message.isVisible(), timeout=10_000)
    assert wizard.preview_page.message.text().startswith("FHIR bundle")
    assert not wizard.preview_page.isComplete()
    wizard.reject()


def test_export_controls_are_named_and_reached_with_tab_in_order(qtbot, unlocked):
    window: MainWindow = unlocked
    dialog = window.interop.export_fhir()
    assert isinstance(dialog, FhirExportDialog)
    qtbot.waitUntil(dialog.isVisible)
    wanted = [dialog.whole, dialog.one, dialog.mrn, dialog.path, dialog.browse_button, dialog.export_button]
    assert all(w.accessibleName() for w in wanted)
    dialog.one.setChecked(True)  # the MRN field takes part once it is enabled
    tab_stops, w = [], dialog.whole
    while True:  # the Tab order: focusable, enabled, shown widgets along the focus chain
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled() and w.isVisibleTo(dialog):
            tab_stops.append(w)
        w = w.nextInFocusChain()
        if w is dialog.whole or len(tab_stops) > 20:
            break
    assert tab_stops[: len(wanted)] == wanted
    dialog.reject()


def test_a_bundle_over_50_mb_is_refused_on_the_first_page_without_reading_it_all(qtbot, unlocked, tmp_path):
    window: MainWindow = unlocked
    wizard = window.interop.import_fhir()
    assert isinstance(wizard, FhirImportWizard)
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(50_000_001)  # sparse: one byte over the limit (SPEC bad input: "a 50 MB file")
    wizard.load_file(path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: not page.job.busy and page.message.isVisible(), timeout=10_000)
    assert wizard.currentPage() is page
    assert page.message.text() == "huge.json: is over 50 MB; CareDesk imports bundles up to that size."
    wizard.reject()
