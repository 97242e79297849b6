"""Today's call queue as screens and commands see it: ranked entries with the patient's row.

Facts are loaded once and kept; after a call only that patient's facts are re-read and
the queue re-ranked in memory (Anki's queue: built from the store by rules, cached,
refreshed after a change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from caredesk.domain import today_plan
from caredesk.domain.calendar import local_date
from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.domain.patients import PatientSummary
from caredesk.domain.queue import PatientFacts, QueueEntry, entry_for, rank
from caredesk.domain.today_plan import TodayPlan
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar
from caredesk.services.call_capacity import get_capacity
from caredesk.services.gc_pause import gc_paused
from caredesk.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class QueueRow:
    entry: QueueEntry
    patient: PatientSummary

    @property
    def patient_id(self) -> int:
        return self.entry.patient_id


class CallQueue:
    def __init__(self, ws: Workspace, calendar: BusinessCalendar = US_FEDERAL):
        self.ws = ws
        self.calendar = calendar
        self.as_of: date | None = None
        self._facts: dict[int, PatientFacts] = {}
        self._entries: dict[int, QueueEntry] = {}  # patients in the queue, by id
        self._patients: dict[int, PatientSummary] = {}
        self.rows: list[QueueRow] = []
        self.capacity = Capacity()  # the daily capacity today's plan fills, read with the queue
        self.built = False  # a build has read the facts

    def build(self, as_of: date | None = None) -> list[QueueRow]:
        """Read every active patient's facts and rank them for `as_of` (default: today)."""
        self.as_of = as_of or self.ws.today()
        with gc_paused():  # ~100k acyclic records: the collector's passes were 15% of a build
            with self.ws.reading() as uow:
                facts = uow.queue_facts(self.as_of)
                summaries = uow.patients.summaries(self.as_of, [f.patient_id for f in facts])
            self._facts = {f.patient_id: f for f in facts}
            self._patients = {p.id: p for p in summaries}
            self._entries = {e.patient_id: e for e in rank(facts, self.as_of, self.ws.tz, self.calendar)}
        self.capacity = get_capacity(self.ws)
        self.built = True
        return self._ordered()

    def refresh(self, patient_ids: Iterable[int]) -> list[QueueRow]:
        """Re-read only these patients (after a call) and re-rank the cached rest."""
        if self.as_of is None:
            return self.build()
        ids = sorted(set(patient_ids))
        with self.ws.reading() as uow:
            facts = {f.patient_id: f for f in uow.queue_facts(self.as_of, ids)}
            summaries = {p.id: p for p in uow.patients.summaries(self.as_of, ids)}
        for pid in ids:
            self._entries.pop(pid, None)
            if pid in facts:  # still active
                self._facts[pid] = facts[pid]
                self._patients[pid] = summaries[pid]
                entry = entry_for(facts[pid], self.as_of, self.ws.tz, self.calendar)
                if entry is not None:
                    self._entries[pid] = entry
            else:
                self._facts.pop(pid, None)
                self._patients.pop(pid, None)
        return self._ordered()

    def calls_today(self) -> int:
        """Calls and other contacts logged on the queue's day with the active patients, any
        outcome: what today's plan counts as done (read from the facts already loaded)."""
        if self.as_of is None:
            return 0
        day = self.as_of
        return sum(1 for f in self._facts.values() for c in f.contacts if local_date(c.at, self.ws.tz) == day)

    @property
    def active_patients(self) -> int | None:
        """Active patients read for the queue, whether or not anyone is to be called (None
        until a build has read them)."""
        return len(self._facts) if self.built else None

    def minutes_today(self) -> int:
        """Minutes logged for the queue's day with the active patients, every program and staff
        type, split at midnight as billing counts them: what a plan by minutes counts as used."""
        if self.as_of is None:
            return 0
        day = self.as_of
        return sum(m for f in self._facts.values() for d, _p, _s, m in f.minutes_by_day if d == day)

    def plan(self, capacity: Capacity | None = None) -> TodayPlan:
        """Today's plan over the rows built (caredesk.domain.today_plan) at `capacity` (default:
        the saved one), what is done today counted in the capacity's unit."""
        capacity = capacity or self.capacity
        done = self.calls_today() if capacity.unit is CapacityUnit.CALLS else self.minutes_today()
        return today_plan.plan(
            [r.entry for r in self.rows], capacity, done, self.as_of or self.ws.today(), self.calendar
        )

    def _ordered(self) -> list[QueueRow]:
        """The cached entries in rank's order (score, then id): only changed patients were re-scored."""
        entries = sorted(self._entries.values(), key=lambda e: (-e.score, e.patient_id))
        self.rows = [QueueRow(e, self._patients[e.patient_id]) for e in entries]
        return self.rows
