"""An import's change set (more patients than a page re-reads on the GUI thread) reaches the
patient list, today's queue and the month view, re-read in the background, with the open
chart's row, the list's filter and the queue's patient kept (issue 14)."""

from __future__ import annotations

import time
from datetime import date, timedelta

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from caredesk.domain.incoming import IncomingPatient
from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Phone, Program
from caredesk.services.panel_import import apply_import, plan_import
from caredesk.ui.chart.patients_page import RELOAD_OVER, PatientsPage
from caredesk.ui.common.hub import publish
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage

IMPORTED = RELOAD_OVER + 10


def _incoming(n: int) -> list[IncomingPatient]:
    """n new CCM patients enrolled this year, as a reader hands them over."""
    out = []
    for i in range(n):
        start = date(2026, 1, 5) + timedelta(days=i)
        out.append(
            IncomingPatient(
                where=f"row {i + 2}",
                patient=Patient(
                    mrn=f"IMP{i:04d}",
                    given_name="Testa",
                    family_name=f"Imported{i:03d}",
                    birth_date=date(1945, 3, 1) + timedelta(days=i * 40),
                    phones=(Phone(number=f"(555) 030-{i:04d}"),),
                ),
                enrollments=(
                    Enrollment(
                        patient_id=0,
                        program=Program.CCM,
                        start_date=start,
                        consent_date=start,
                        consent_method=ConsentMethod.VERBAL,
                    ),
                ),
            )
        )
    return out


def _settle(window, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while any(getattr(p, "loading", False) for p in window.view.pages):
        assert time.monotonic() < deadline, "the pages did not take the change in"
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def test_an_import_reaches_every_page_and_keeps_what_was_open(unlocked, qtbot):
    window = unlocked
    _settle(window)
    queue, month = window.view.page(QueuePage), window.view.page(MonthPage)
    patients = window.view.show_page(PatientsPage)
    _settle(window)
    list_before, month_before = patients.model.rowCount(), month.model.rowCount()
    queue_patient = queue.panel.patient_id
    assert queue_patient is not None
    opened = patients.proxy.source_id(1)
    assert opened is not None
    patients.select_patient(opened)
    assert patients.chart.patient_id == opened
    patients.filter.setText(patients.model.summary(patients.model.row_of(opened) or 0).mrn)
    assert patients.proxy.rowCount() == 1

    ws = window.workspace
    saved = apply_import(ws, plan_import(ws, _incoming(IMPORTED), [], source="CSV file"))
    assert saved.value.added == IMPORTED
    publish(saved.changes)
    assert patients.loading and queue.loading and month.loading  # re-read on workers, not here
    _settle(window)

    assert patients.model.rowCount() == list_before + IMPORTED
    assert patients.proxy.rowCount() == 1  # the filter typed before still applies
    assert patients.chart.patient_id == opened
    assert patients.proxy.source_id(patients.table.currentIndex().row()) == opened
    patients.filter.setText("imported")
    assert patients.proxy.rowCount() == IMPORTED
    assert month.model.rowCount() == month_before + IMPORTED
    assert queue.panel.patient_id == queue_patient
    assert queue.proxy.patient_id(queue.table.currentIndex().row()) == queue_patient
    imported_ids = set(saved.value.patient_ids)
    assert imported_ids & {queue.model.queue_row(r).patient_id for r in range(queue.model.rowCount())}
