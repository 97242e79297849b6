"""Transitions of care: the TCM deadlines a discharge starts, and whether they are met.

SPEC section 3: interactive contact within 2 business days of discharge; face-to-face
visit within 7 calendar days (high complexity) or 14 (moderate); medication reconciliation
no later than the date of the face-to-face visit (CMS MLN908628, TCM services).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from caredesk.domain.contacts import INTERACTIVE_CHANNELS, Contact, Outcome
from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar

TCM_CONTACT = "TCM contact"
FACE_TO_FACE = "face-to-face visit"
MED_RECONCILIATION = "medication reconciliation"

CONTACT_BUSINESS_DAYS = 2
VISIT_DAYS = {Complexity.HIGH: 7, Complexity.MODERATE: 14}
# TCM covers the 30 days beginning on the discharge day; after that a deadline is moot.
TCM_PERIOD_DAYS = 30


class DeadlineStatus(str, Enum):
    MET = "met"
    MET_LATE = "met late"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    kind: str  # TCM_CONTACT, FACE_TO_FACE or MED_RECONCILIATION
    due: date
    done_on: date | None

    def status(self, as_of: date) -> DeadlineStatus:
        if self.done_on is not None:
            return DeadlineStatus.MET if self.done_on <= self.due else DeadlineStatus.MET_LATE
        return DeadlineStatus.DUE if as_of <= self.due else DeadlineStatus.OVERDUE


def tcm_deadlines(t: Transition, calendar: BusinessCalendar = US_FEDERAL) -> tuple[Deadline, Deadline]:
    """(interactive contact, face-to-face visit) deadlines for one discharge."""
    contact = Deadline(TCM_CONTACT, calendar.add_business_days(t.discharged_on, CONTACT_BUSINESS_DAYS), t.contacted_on)
    visit = Deadline(FACE_TO_FACE, t.discharged_on + timedelta(days=VISIT_DAYS[t.complexity]), t.seen_on)
    return contact, visit


def reconciliation_deadline(t: Transition) -> Deadline:
    """Medication reconciliation is due by the face-to-face visit: the visit's date once it
    was made, else the visit's own deadline (CMS MLN908628: "no later than the date of the
    face-to-face visit")."""
    due = t.seen_on or t.discharged_on + timedelta(days=VISIT_DAYS[t.complexity])
    return Deadline(MED_RECONCILIATION, due, t.meds_reconciled_on)


def stay_deadlines(t: Transition, calendar: BusinessCalendar = US_FEDERAL) -> tuple[Deadline, Deadline, Deadline]:
    """(interactive contact, face-to-face visit, medication reconciliation) for one discharge."""
    return (*tcm_deadlines(t, calendar), reconciliation_deadline(t))


def in_contact_window(t: Transition, day: date, calendar: BusinessCalendar = US_FEDERAL) -> bool:
    """True when a contact on clinic date `day` is timely for the TCM interactive contact:
    from the discharge day through discharge + 2 business days (SPEC section 3, CMS MLN908628)."""
    return t.discharged_on <= day <= tcm_deadlines(t, calendar)[0].due


def in_period(t: Transition, day: date) -> bool:
    """True when clinic date `day` falls in the stay's TCM period: the 30 days beginning on the
    discharge day (CMS MLN908628)."""
    return 0 <= (day - t.discharged_on).days < TCM_PERIOD_DAYS


def reaches_for_tcm(contact: Contact) -> bool:
    """A contact that can be a stay's TCM interactive contact: it reached the patient (or
    caregiver) by phone, video, portal or in person. A letter never is (SPEC section 3; CMS
    MLN908628: "direct, telephone, or electronic communication")."""
    return contact.outcome is Outcome.REACHED and contact.channel in INTERACTIVE_CHANNELS


def timely_attempts(t: Transition, attempts: Iterable[date], calendar: BusinessCalendar = US_FEDERAL) -> list[date]:
    """Unanswered interactive attempts (their clinic dates) made from the discharge day to the
    contact's due date. Two or more stand for the contact when it was never made (CMS
    MLN908628: "two or more separate attempts made in a timely manner")."""
    return sorted(d for d in attempts if in_contact_window(t, d, calendar))


def open_deadlines(
    transitions: Iterable[Transition], as_of: date, calendar: BusinessCalendar = US_FEDERAL
) -> list[tuple[Transition, Deadline]]:
    """Deadlines not yet met (due or overdue) of discharges in the TCM period, soonest first
    (contact, visit and medication reconciliation)."""
    found: list[tuple[Transition, Deadline]] = []
    for t in transitions:
        if not 0 <= (as_of - t.discharged_on).days < TCM_PERIOD_DAYS:
            continue
        for d in stay_deadlines(t, calendar):
            if d.status(as_of) in (DeadlineStatus.DUE, DeadlineStatus.OVERDUE):
                found.append((t, d))
    # Ties broken on stable values so the queue is the same for the same data.
    found.sort(key=lambda td: (td[1].due, td[0].patient_id, td[0].discharged_on, td[0].id or 0, td[1].kind))
    return found
