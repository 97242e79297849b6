"""A 36-character MRN (a FHIR bundle's uuid typed MR, as Synthea writes it; domain.patients
holds up to 64) shows whole in the patient list, and the list keeps its "Min this month"
column in view: the list drops Programs, Age, Risk, cuts long names, then the long MRN
(PatientsPage._split), which its tooltip shows whole. Real widgets on an init-made store."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from caredesk.domain.patients import Patient
from caredesk.ui.chart.patient_table import MINUTES, MRN
from caredesk.ui.chart.patients_page import PatientsPage
from tests.conftest import add_patient

UUID = "0f0e0000-0000-4000-8000-000000000901"


def test_a_uuid_mrn_shows_whole_and_the_minutes_stay_in_view(unlocked, qtbot):
    add_patient(
        unlocked.workspace, Patient(mrn=UUID, given_name="Testa", family_name="Synthetica", birth_date=date(1950, 3, 4))
    )
    unlocked.view.show_page(PatientsPage)
    page = unlocked.view.page(PatientsPage)
    page.load(unlocked.workspace)
    qtbot.waitUntil(lambda: not page.loading and page.proxy.rowCount() > 0, timeout=15_000)
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, MRN).data() == UUID)
    header = page.table.horizontalHeader()
    # Cut to fit when the list is narrow, but whole in its tooltip (and the filter finds it).
    assert UUID in page.proxy.index(row, MRN).data(Qt.ItemDataRole.ToolTipRole)
    assert not header.isSectionHidden(MINUTES)
    rect = page.table.visualRect(page.proxy.index(row, MINUTES))
    assert rect.right() <= page.table.viewport().width()
