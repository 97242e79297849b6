"""An unlocked store with the use cases screens and commands call."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, tzinfo

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.domain.audit import verify_chain
from caredesk.domain.patients import Chart, Enrollment, Patient, PatientSummary
from caredesk.errors import StoreError
from caredesk.store.uow import UnitOfWork
from caredesk.store.vault import OpenStore


class Workspace:
    def __init__(self, store: OpenStore, clock: Clock, actor: str = "care manager"):
        self.store = store
        self.clock = clock
        self.actor = actor

    @property
    def tz(self) -> tzinfo:
        return self.store.tz

    @property
    def is_open(self) -> bool:
        return self.store.is_open

    def today(self) -> date:
        return self.clock.today(self.tz)

    def uow(self) -> UnitOfWork:
        return self.store.uow(now=self.clock.now, actor=self.actor)

    # -- patients -------------------------------------------------------------
    def patient_list(self) -> list[PatientSummary]:
        with self.uow() as uow:
            return uow.patients.summaries(self.today())

    def open_chart(self, patient_id: int) -> Chart:
        """The chart for one patient; the view is audited."""
        with self.uow() as uow:
            chart = uow.patients.chart(patient_id, self.today())
            if chart is None:
                raise StoreError("That patient is no longer in the store.")
            uow.audit(actions.PATIENT_VIEWED, "patient", patient_id)
            uow.commit()
            return chart

    def add_patient(self, patient: Patient, enrollment: Enrollment | None = None) -> Patient:
        """A new patient, and optionally their first enrollment, in one transaction.

        `enrollment` is validated with any patient_id; the saved one points at the new
        patient. If either is refused, nothing is stored.
        """
        with self.uow() as uow:
            saved = uow.patients.add(patient)
            uow.audit(actions.RECORD_CREATED, "patient", saved.id)
            if enrollment is not None:
                enrolled = uow.enrollments.add(replace(enrollment, patient_id=saved.id))
                uow.audit(actions.RECORD_CREATED, "enrollment", enrolled.id)
            uow.commit()
            return saved

    # -- checks ---------------------------------------------------------------
    def verify(self) -> list[str]:
        """Problems found by SQLite, SQLCipher and the audit chain; empty when all is sound."""
        with self.uow() as uow:
            problems = uow.integrity_problems()
            problems += [f"audit log: {p}" for p in verify_chain(uow.audit_log.all())]
            return problems

    def audit_count(self) -> int:
        with self.uow() as uow:
            return uow.audit_log.count()

    # -- lock -----------------------------------------------------------------
    def lock(self) -> None:
        """Audit the lock and drop every connection. Safe to call twice."""
        if not self.store.is_open:
            return
        try:
            with self.uow() as uow:
                uow.audit(actions.LOCK)
                uow.commit()
        finally:
            self.store.close()
