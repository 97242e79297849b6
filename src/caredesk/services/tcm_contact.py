"""Which logged contact is a hospital stay's TCM interactive contact, kept right whatever the
order things are entered in: a call logged, corrected or voided, a stay entered or its
discharge corrected after the calls.

One rule for all of them: the stay's contact is the earliest contact that reached the patient
interactively (domain.transitions.reaches_for_tcm; never a letter) on a clinic date in the
stay's 30-day TCM period (domain.transitions.in_period). One after discharge + 2 business days
is still the contact, shown "met late" (Deadline.status): the call was made, so the queue stops
asking for it, and whether TCM can be billed is the bill's question (CMS MLN908628). A contact
date typed on the stay by hand (services.stays.record_contact) stays unless a logged contact
is earlier, or the contact it came from is corrected or voided.

Each function works inside the caller's unit of work, audits what it changed by id, and
returns whether a stay changed (the caller adds Kind.TRANSITION to its change set).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, tzinfo

from caredesk.domain import audit as actions
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.contacts import Channel
from caredesk.domain.coordination import Transition
from caredesk.domain.transitions import in_period, reaches_for_tcm
from caredesk.store.uow import UnitOfWork


def _reached(uow: UnitOfWork, patient_id: int, tz: tzinfo) -> list[tuple[date, int, Channel]]:
    """(clinic date, contact id, channel) of the patient's contacts that can be a TCM contact, earliest first."""
    return sorted(
        (local_date(c.at, tz), c.id or 0, c.channel) for c in uow.contacts.for_patient(patient_id) if reaches_for_tcm(c)
    )


def _earliest(stay: Transition, reached: list[tuple[date, int, Channel]]) -> tuple[date, int, Channel] | None:
    return next((r for r in reached if in_period(stay, r[0])), None)


def settle(uow: UnitOfWork, patient_id: int, tz: tzinfo, *, gone: tuple[int, date] | None = None) -> bool:
    """Bring every stay of the patient in line with the rule after contacts changed.

    `gone`: (contact id, clinic date) of a contact that was voided, moved to another patient,
    re-dated or corrected to another outcome; a stay whose contact date came from it takes the
    next one, or is open again. A stay with no contact takes the earliest; one whose contact
    is later than a logged one takes the earlier.
    """
    reached = _reached(uow, patient_id, tz)
    changed = False
    for stay in uow.transitions.for_patient(patient_id):
        first = _earliest(stay, reached)
        lost = gone is not None and stay.contacted_on == gone[1]
        if stay.contacted_on is not None and not lost and (first is None or first[0] >= stay.contacted_on):
            continue
        if first is None and not lost:
            continue
        day, contact_id, channel = first if first is not None else (None, 0, None)
        if (day, channel) == (stay.contacted_on, stay.contact_channel):
            continue
        uow.transitions.update(replace(stay, contacted_on=day, contact_channel=channel))
        uow.audit(actions.RECORD_CHANGED, "transition", stay.id, _line(stay, day, contact_id, gone))
        changed = True
    return changed


def _line(stay: Transition, day: date | None, contact_id: int, gone: tuple[int, date] | None) -> str:
    cause = f" (contact {gone[0]} corrected or voided)" if gone is not None and stay.contacted_on == gone[1] else ""
    if day is None:
        return f"TCM contact un-marked{cause}"
    if stay.contacted_on is not None:
        return f"TCM contact date {us_date(stay.contacted_on)} -> {us_date(day)} (contact {contact_id}){cause}"
    return f"TCM contact made (contact {contact_id})"
