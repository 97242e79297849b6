"""Appointments the care manager arranges (PCP, specialist, the TCM face-to-face visit).

A scheduled appointment is a queue reason the working day before (a reminder call); after
its time the care manager records whether it was kept or missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar
from caredesk.errors import ValidationError


class AppointmentKind(str, Enum):
    PCP = "PCP visit"
    SPECIALIST = "specialist"
    TCM_VISIT = "TCM face-to-face visit"
    TEST = "lab or test"
    OTHER = "other"


class AppointmentStatus(str, Enum):
    SCHEDULED = "scheduled"
    KEPT = "kept"
    MISSED = "missed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class Appointment:
    """`at`: aware datetime of the appointment; `transition_id`: the stay it follows up, if any."""

    patient_id: int
    at: datetime
    kind: AppointmentKind
    with_whom: str
    place: str = ""
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    transition_id: int | None = None
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("appointment time", self.at)
        object.__setattr__(self, "kind", checks.one_of("appointment type", self.kind, AppointmentKind))
        object.__setattr__(self, "with_whom", checks.required_text("with whom", self.with_whom, max_len=120))
        object.__setattr__(self, "place", checks.optional_text("where", self.place, max_len=200))
        object.__setattr__(self, "status", checks.one_of("appointment status", self.status, AppointmentStatus))
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=1000, multiline=True))


def reminder_day(day: date, calendar: BusinessCalendar = US_FEDERAL) -> date:
    """The working day before an appointment on `day`: a Monday's is the Friday before (the
    Thursday when that Friday is a federal holiday)."""
    before = day - timedelta(days=1)
    while not calendar.is_business_day(before):
        before -= timedelta(days=1)
    return before


def clock_time(at: datetime) -> str:
    """A US clock time as a reminder reads it: "9:30 AM", "2:05 PM"."""
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?")


def parse_clock_time(field: str, text: str) -> time:
    """A time as typed: "9:30 AM", "9:30am", "2 PM", "14:30". Without AM/PM the hour is 0-23
    and minutes are needed ("9" alone is refused: morning or evening?)."""
    match = _CLOCK.fullmatch((text or "").strip())
    if match is None:
        raise ValidationError(field, "must be a time such as 9:30 AM or 14:30")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").upper()
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError(field, "must have an hour from 1 to 12 with AM or PM")
        hour = hour % 12 + (12 if half == "P" else 0)
    elif match.group(2) is None:
        raise ValidationError(field, "needs minutes or AM/PM (9:00 AM, 21:00)")
    if hour > 23 or minute > 59:
        raise ValidationError(field, "is not a time of day")
    return time(hour, minute)
