"""The patient list shows a patient's status as text (not only a greyed row, a tooltip or a
filter): recorded deceased in the Record tab's status form, the row reads "· Deceased 11/02/2026" at once,
and the queue no longer offers the patient. Real widgets on an init-made store (11/24/2026).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from caredesk.ui.chart.patient_table import NAME
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_dialogs import StatusDialog
from tests.ui.conftest import CANARY_FAMILY
from tests.ui.test_record_tab import _open, _queue_ids, _record, _save, _type


def _name_cell(window, family: str) -> str:
    page = window.view.page(PatientsPage)
    rows = [page.proxy.index(r, NAME).data() for r in range(page.proxy.rowCount())]
    return next(text for text in rows if text.startswith(family))


def test_a_paused_patient_reads_paused_and_an_active_one_plain(unlocked):
    unlocked.view.show_page(PatientsPage)
    assert _name_cell(unlocked, "Baker") == "Baker, Henry · Paused"
    assert _name_cell(unlocked, "Abbott") == "Abbott, Grace"


def test_recorded_deceased_the_list_says_so_and_the_queue_drops_the_patient(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    assert pid in _queue_ids(unlocked)
    tab = _record(unlocked, pid)
    dialog = _open(qtbot, tab, tab.status_button, StatusDialog)
    dialog.status.setCurrentText("deceased")
    _type(qtbot, dialog.died_on, "11/02/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: _name_cell(unlocked, CANARY_FAMILY).endswith(" · Deceased 11/02/2026"))
    page = unlocked.view.page(PatientsPage)
    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, NAME).data().startswith(CANARY_FAMILY))
    assert page.proxy.index(row, NAME).data(Qt.ItemDataRole.AccessibleDescriptionRole) == "Status: deceased"
    qtbot.waitUntil(lambda: pid not in _queue_ids(unlocked))
