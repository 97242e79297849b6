"""Unit of work: one transaction, its repositories, and its audit events.

Leaving the `with` block without commit() rolls everything back, so a failed use case
stores nothing partial.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from caredesk.domain.calendar import local_date
from caredesk.store import billing_facts, community, faults, queue_facts
from caredesk.store import mapping as m
from caredesk.store import models as t
from caredesk.store.audit_log import AuditLog
from caredesk.store.care_plan_rows import CarePlans
from caredesk.store.contact_form_drafts import ContactFormDrafts
from caredesk.store.contact_rows import CallDrafts, Contacts, TimeEntries
from caredesk.store.engine import READ_ONLY
from caredesk.store.new_patient_drafts import NewPatientDrafts
from caredesk.store.panel_rows import PanelRows
from caredesk.store.patient_rows import Patients
from caredesk.store.record_rows import REPO_TABLES, Assessments, Records, SafetyChecks, bulk_insert
from caredesk.store.rpm_devices import RpmDevices
from caredesk.store.store_meta import Meta

log = logging.getLogger(__name__)


class UnitOfWork:
    """One transaction. `read_only=True` for pure reads (lists, the queue, reports): they take no
    write lock, so they never make a save wait. Every other unit of work takes the write lock when
    it begins, waiting up to BUSY_TIMEOUT_S for another process's save, then raises StoreBusy.
    A full disk at any step (begin, a write, commit) ends the block with DiskFull, a damaged page
    with a StoreError saying so, everything rolled back; `folder` is the data folder they name."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        tz: tzinfo,
        now: Callable[[], datetime],
        actor: str,
        read_only: bool = False,
        folder: Path = Path("."),
    ):
        self._factory = session_factory
        self._folder = folder
        self.tz = tz
        self._now = now
        self.actor = actor
        self.read_only = read_only
        self._session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        s = self._session = self._factory()
        try:
            s.connection(execution_options={READ_ONLY: self.read_only})  # BEGIN or BEGIN IMMEDIATE now
        except DatabaseError as exc:
            s.close()
            self._session = None
            self._raise_known(exc)
            raise
        self.patients = Patients(s)
        self.contacts = Contacts(s, self.tz)
        self.time_entries = TimeEntries(s)
        self.call_drafts = CallDrafts(s)
        self.contact_form_drafts = ContactFormDrafts(s)
        self.new_patient_drafts = NewPatientDrafts(s)
        self.care_plans = CarePlans(s)
        self.audit_log = AuditLog(s)
        self.assessments = Assessments(s)
        self.safety_checks = SafetyChecks(s)
        self.meta = Meta(s)
        self.queue_facts = partial(queue_facts.load, s, tz=self.tz)
        self.billing_facts = partial(billing_facts.load, s, tz=self.tz)
        records = {name: Records(s, row, dom) for name, (row, dom) in REPO_TABLES.items()}
        self.enrollments = records["enrollments"]
        self.conditions = records["conditions"]
        self.allergies = records["allergies"]
        self.medications = records["medications"]
        self.care_team = records["care_team"]
        self.observations = records["observations"]
        self.tasks = records["tasks"]
        self.transitions = records["transitions"]
        self.resources = community.Resources(s)
        self.referrals = community.Referrals(s)
        self.rpm_devices = RpmDevices(s)
        self.panel = PanelRows(s)  # many patients at once: an import
        self.adherence_checks = records["adherence_checks"]
        self.observation_targets = records["observation_targets"]
        self.appointments = records["appointments"]
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        assert self._session is not None
        try:
            self._session.rollback()  # no-op after commit()
        finally:
            self._session.close()
            self._session = None
        if isinstance(exc, (DatabaseError, MemoryError)):
            self._raise_known(exc)

    def _raise_known(self, exc: BaseException) -> None:
        """A full disk, a failing disk, a damaged page or a busy store as the CareDesk error it is
        (store.faults); returns for anything else, which the caller re-raises."""
        known = faults.from_sqlite(exc, self._folder) or faults.if_damaged(exc, self._folder)
        if known is not None:
            raise known from None

    def commit(self) -> None:
        assert self._session is not None
        self._session.commit()

    def commit_audit_of_read(self) -> None:
        """Commit a transaction that only audits a read (a chart viewed, a list exported). On a
        full disk the read stands and its audit event is dropped, with a log line (its type, no
        data): a store on a full disk must still show and back up its data (issue 11), and the
        unlock that opened it said saving is not possible. Anything else raises as commit() does."""
        assert self._session is not None
        try:
            self._session.commit()
        except DatabaseError as exc:
            if not faults.no_room(exc, self._folder):
                raise
            self._session.rollback()
            log.warning("a read was not written to the audit log (DiskFull)")

    def audit(self, action: str, entity: str = "", entity_id: object = "", detail: str = "") -> None:
        """Record an event in this transaction: it lands with the change or not at all."""
        self.audit_log.append(
            at=self._now(), actor=self.actor, action=action, entity=entity, entity_id=str(entity_id), detail=detail
        )

    def audit_many(self, events: list[tuple[str, str, object, str]]) -> None:
        """Events (action, entity, entity_id, detail) in this transaction, as audit() records
        each, in one insert."""
        rows = [(action, entity, str(entity_id), detail) for action, entity, entity_id, detail in events]
        self.audit_log.append_many(at=self._now(), actor=self.actor, events=rows)

    def load_panel(self, panel: Any) -> None:
        """Every record of a generated panel (caredesk.demo.DemoPanel) into an empty store."""
        assert self._session is not None
        s, tz = self._session, self.tz
        bulk_insert(s, t.PatientRow, [m.patient_values(p) for p in panel.patients])
        bulk_insert(s, t.CommunityResourceRow, [community.resource_values(x) for x in panel.resources])
        bulk_insert(s, t.ContactRow, [dict(m.values_of(c), on=local_date(c.at, tz)) for c in panel.contacts])
        for name in (
            "enrollments",
            "conditions",
            "allergies",
            "medications",
            "care_team",
            "observations",
            "tasks",
            "transitions",
            "adherence_checks",
            "appointments",
            "observation_targets",
        ):
            bulk_insert(s, REPO_TABLES[name][0], [m.values_of(x) for x in getattr(panel, name)])
        bulk_insert(s, t.TimeEntryRow, [m.values_of(x) for x in panel.time_entries])
        bulk_insert(s, t.AssessmentRow, [m.assessment_values(a) for a in panel.assessments])
        # The demo numbers its referrals, so their steps can name them.
        bulk_insert(s, t.ReferralRow, [community.referral_values(x) for x in panel.referrals])
        steps = [community.step_values(x.id, step) for x in panel.referrals if x.id is not None for step in x.steps]
        bulk_insert(s, t.ReferralStepRow, steps)
        bulk_insert(s, t.SafetyCheckRow, [m.safety_check_values(c) for c in panel.safety_checks])
        bulk_insert(s, t.CarePlanVersionRow, [m.version_values(v) for v in panel.care_plan_versions])
        bulk_insert(s, t.CarePlanDraftRow, [m.draft_values(d) for d in panel.care_plan_drafts])

    def integrity_problems(self) -> list[str]:
        """SQLCipher cipher_integrity_check ("page check: HMAC verification failed for page 74"),
        then SQLite integrity_check; empty when sound. The page check runs first: it reads every
        page and names each damaged one, where integrity_check stops at the first with
        "database disk image is malformed" (a tester saw only that, or nothing at all)."""
        assert self._session is not None
        conn = self._session.connection()
        problems = []
        for pragma, says in (("cipher_integrity_check", "page check: {}"), ("integrity_check", "{}")):
            try:
                rows = [row[0] for row in conn.exec_driver_sql(f"PRAGMA {pragma}")]
            except (DatabaseError, MemoryError) as exc:  # SQLCipher reports some failed pages as NOMEM
                problems.append(f"{pragma} could not finish: {_reason(exc)}")
                continue
            problems += [says.format(row) for row in rows if row != "ok"]
        return problems


def _reason(exc: BaseException) -> str:
    """SQLite's own words for a failure ("database disk image is malformed"), without SQLAlchemy's
    wrapping (which never quotes values here: the store's engine hides parameters)."""
    if isinstance(exc, MemoryError):
        return "a page could not be decrypted"
    return str(getattr(exc, "orig", exc))
