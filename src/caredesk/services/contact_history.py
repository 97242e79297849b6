"""One patient's contacts and minutes, newest first, with what was voided and why.

Voided records stay in the history, marked with who voided them, when and why; they count in
no month and no queue. Corrections and voids are written by services.contact_corrections.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import (
    Activity,
    Contact,
    StaffType,
    TimeEntry,
    Voided,
)
from caredesk.domain.patients import Program
from caredesk.errors import NotFound
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class VoidMark:
    """Who voided a record, when, and why (the reason as typed)."""

    at: datetime
    by: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryRow:
    """One line of the history: a contact with its minutes, or minutes logged without one.

    `on`: the clinic date (the contact's, or the time entry's); `time_of_day`: the contact's
    clinic time (None for minutes without a contact); `entries`: the contact's time entries,
    or the one time entry of the row; `voided`: set when the row was voided.
    """

    on: date
    time_of_day: time | None = None
    contact: Contact | None = None
    entries: tuple[TimeEntry, ...] = ()
    voided: VoidMark | None = None

    @property
    def kind(self) -> str:
        """'contact' or 'time entry' (their ids are separate series)."""
        return "contact" if self.contact is not None else "time entry"

    @property
    def record_id(self) -> int:
        record = self.contact if self.contact is not None else self.entries[0]
        assert record.id is not None
        return record.id

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.entries)

    @property
    def programs(self) -> tuple[Program, ...]:
        return tuple(dict.fromkeys(e.program for e in self.entries))

    @property
    def staff_types(self) -> tuple[StaffType, ...]:
        return tuple(dict.fromkeys(e.staff_type for e in self.entries))

    @property
    def activity(self) -> Activity | None:
        """What the minutes were for (a contact's minutes are the call)."""
        return self.entries[0].activity if self.entries else None

    @property
    def note(self) -> str:
        return self.contact.note if self.contact is not None else self.entries[0].note

    @property
    def of_contact(self) -> int | None:
        """For minutes shown apart from their contact (voided alone): that contact's id."""
        return self.entries[0].contact_id if self.contact is None else None

    def in_month(self, month: Month) -> bool:
        return month.contains(self.on) or any(month.contains(e.on) for e in self.entries)


# -- reading -------------------------------------------------------------------------


def history(ws: Workspace, patient_id: int, month: Month | None = None) -> list[HistoryRow]:
    """Every contact and time entry of the patient (or those of `month`), newest first,
    voided ones included and marked. Raises NotFound for an unknown patient."""
    with ws.uow() as uow:
        return _read(uow, patient_id, month, ws.tz)


def exported_history(ws: Workspace, patient_id: int, month: Month | None, how: str) -> list[HistoryRow]:
    """The history as it leaves CareDesk (the CLI prints it): read and audited as an export."""
    with ws.uow() as uow:
        rows = _read(uow, patient_id, month, ws.tz)
        uow.audit(actions.EXPORTED, "contact history", patient_id, f"{len(rows)} rows, {how}")
        uow.commit_audit_of_read()
    return rows


def months(rows: Iterable[HistoryRow]) -> list[Month]:
    """The months the rows fall in (a contact's or its minutes'), newest first."""
    found = {Month.of(d) for r in rows for d in (r.on, *(e.on for e in r.entries))}
    return sorted(found, reverse=True)


def program_minutes(rows: Iterable[HistoryRow], month: Month | None = None) -> dict[Program, int]:
    """Minutes per program that count (voided ones do not), of `month` or of all rows;
    programs in their usual order. A minute counts in the month of its own date."""
    totals: dict[Program, int] = defaultdict(int)
    for r in rows:
        if r.voided is None:
            for e in r.entries:
                if month is None or month.contains(e.on):
                    totals[e.program] += e.minutes
    return {p: totals[p] for p in Program if totals[p]}


def _read(uow: UnitOfWork, patient_id: int, month: Month | None, tz: tzinfo) -> list[HistoryRow]:
    if uow.patients.get(patient_id) is None:
        raise NotFound("patient")
    rows = history_rows(
        uow.contacts.for_patient(patient_id),
        uow.time_entries.for_patient(patient_id),
        uow.contacts.voided_for_patient(patient_id),
        uow.time_entries.voided_for_patient(patient_id),
        tz,
    )
    return [r for r in rows if month is None or r.in_month(month)]


def history_rows(
    contacts: Sequence[Contact],
    entries: Sequence[TimeEntry],
    voided_contacts: Sequence[Voided],
    voided_entries: Sequence[Voided],
    tz: tzinfo,
) -> list[HistoryRow]:
    """One patient's history (as `history` gives it) from their records, each kind in the order
    stored. Minutes sit in their contact's row when both are live, or were voided together."""
    rows: list[HistoryRow] = []
    live = {c.id for c in contacts}
    by_contact: dict[int | None, list[TimeEntry]] = defaultdict(list)
    for e in entries:
        if e.contact_id in live:
            by_contact[e.contact_id].append(e)
        else:
            rows.append(HistoryRow(on=e.on, entries=(e,)))
    for c in contacts:
        local = c.at.astimezone(tz)
        rows.append(HistoryRow(on=local.date(), time_of_day=local.time(), contact=c, entries=tuple(by_contact[c.id])))
    voided_at = {v.record.id: v.voided_at for v in voided_contacts}
    dead_by_contact: dict[int | None, list[TimeEntry]] = defaultdict(list)
    for v in voided_entries:
        dead = v.record
        assert isinstance(dead, TimeEntry)
        if dead.contact_id is not None and voided_at.get(dead.contact_id) == v.voided_at:
            dead_by_contact[dead.contact_id].append(dead)
        else:
            rows.append(HistoryRow(on=dead.on, entries=(dead,), voided=_mark(v)))
    for v in voided_contacts:
        gone = v.record
        assert isinstance(gone, Contact)
        local = gone.at.astimezone(tz)
        rows.append(
            HistoryRow(
                on=local.date(),
                time_of_day=local.time(),
                contact=gone,
                entries=tuple(dead_by_contact[gone.id]),
                voided=_mark(v),
            )
        )
    # Newest first; minutes without a time of day after the day's contacts; ids keep it stable.
    rows.sort(key=lambda r: (r.on, r.time_of_day or time.min, r.contact is not None, r.record_id), reverse=True)
    return rows


def _mark(v: Voided) -> VoidMark:
    return VoidMark(at=v.voided_at, by=v.voided_by, reason=v.reason)
