"""Screenshots of forms kept by an idle lock (SPEC §5): the unlock page saying why it locked and
that what was typed was kept; the chart's Contacts & minutes tab after the unlock, saying so, and
Log contact… reopened filled by Resume; the Patients page's line about a kept Add patient, and
Add patient reopened filled by Finish adding…"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.log_contact_dialog import LogContactDialog
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.shell.main_window import MainWindow
from caredesk.ui.shell.shot_tools import shoot_widget, wait_for

TYPED_NOTE = "Called back after yesterday's no answer: new inhaler works, no night cough. Wants a refill reminder."


def shoot_kept_form(window: MainWindow, patient_id: int, out: Path, size: tuple[int, int]) -> list[Path]:
    """Log contact… typed on the patient's chart, the idle lock, the demo panel opened again:
    the tab's line (44) and the form resumed (44b). The form is closed unsaved; the draft stays."""
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(patient_id)
    wait_for(lambda: patients.chart.patient_id == patient_id)
    tab = patients.chart.tab(ContactsTab)
    patients.chart.show_tab(tab)
    dialog = tab.log_contact()
    if dialog is None:
        return []
    dialog.form.outcome_buttons[next(iter(dialog.form.outcome_buttons))].setChecked(True)
    dialog.form.note.setPlainText(TYPED_NOTE)
    dialog.form.minutes.setValue(14)
    shots = _idle_lock_and_back(window, out, size, "44a-unlock-after-idle-lock")
    tab = patients.chart.tab(ContactsTab)
    wait_for(tab.kept.isVisible)
    window.resize(*size)
    shots.append(shoot_widget(window, out, "44-contact-kept-after-lock"))
    form = tab.kept.resume()
    if isinstance(form, LogContactDialog):
        wait_for(form.isVisible)
        QApplication.processEvents()
        shots.append(shoot_widget(form, out, "44b-contact-resumed"))
        form.reject()  # the window's X: the draft stays, offered again
    return shots


def _idle_lock_and_back(window: MainWindow, out: Path, size: tuple[int, int], name: str) -> list[Path]:
    """The real idle path; the unlock page as it then reads (`name`); the demo panel opened again."""
    window.set_idle_interval_ms(50)
    wait_for(lambda: window.workspace is None)
    window.set_idle_interval_ms(10 * 60_000)
    window.resize(*size)
    shots = [shoot_widget(window, out, name)]
    window.unlock_panel.open_demo()
    wait_for(lambda: window.workspace is not None and window.central_page() is window.view, timeout=120)
    wait_for(lambda: not any(getattr(p, "loading", False) for p in window.view.pages), timeout=120)
    return shots


def shoot_kept_new_patient(window: MainWindow, out: Path, size: tuple[int, int]) -> list[Path]:
    """Add patient half typed (MRN, names, phone), the idle lock, the demo opened again: the
    Patients page's line (45) and the form reopened (45b). Closed unsaved: the draft stays."""
    dialog = window.add_patient()
    if dialog is None:
        return []
    dialog.mrn.setText("DM009998")
    dialog.given.setText("Zoë")
    dialog.family.setText("Núñez")
    dialog.phone.setText("(555) 010-6060")
    shots = _idle_lock_and_back(window, out, size, "45a-unlock-after-idle-lock-new-patient")
    patients = window.view.show_page(PatientsPage)
    wait_for(patients.kept_new.isVisible)
    shots.append(shoot_widget(window, out, "45-new-patient-kept-after-lock"))
    form = patients.kept_new.resume()
    if isinstance(form, AddPatientDialog):
        wait_for(form.isVisible)
        QApplication.processEvents()
        shots.append(shoot_widget(form, out, "45b-new-patient-resumed"))
        form.reject()
    return shots
