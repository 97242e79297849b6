"""Contacts with patients and the minutes logged for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.patients import Program
from caredesk.errors import ValidationError

# The most minutes one entry holds (a typed 9999 is refused, never cut or billed).
ENTRY_MINUTES_MAX = 600
# Above this one call or time entry is asked about before it is saved: a care manager's call or
# piece of care-plan work runs minutes, a long home visit two hours or so; more than three hours
# in one entry is nearly always a slip of the keyboard (600 typed for 60, 180 for 18). Asked, not
# refused: a long day of transition work can be real, and the care manager knows.
LONG_ENTRY_MINUTES = 180


def is_long_entry(minutes: int) -> bool:
    """Whether one entry of `minutes` is asked (app) or noted (CLI) about: above
    LONG_ENTRY_MINUTES, within ENTRY_MINUTES_MAX (more is the service's refusal)."""
    return LONG_ENTRY_MINUTES < minutes <= ENTRY_MINUTES_MAX


def hours_text(minutes: int) -> str:
    """600 -> "10 h 00 min", as the app and the CLI write a long entry."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


# A follow-up is a call to make: next week, next month, at the longest next year's review. A date
# further out is a slip (a tester's 12/31/9999 was saved, and never came due).
FOLLOW_UP_MAX_DAYS = 366


def check_follow_up(follow_up: date | None, call_day: date) -> None:
    """ValidationError("follow-up date", ...) unless `follow_up` (None: none) is on or after the
    call's day and no more than FOLLOW_UP_MAX_DAYS after it."""
    if follow_up is None:
        return
    if follow_up < call_day:
        raise ValidationError("follow-up date", "cannot be before the call")
    latest = date.fromordinal(call_day.toordinal() + FOLLOW_UP_MAX_DAYS)
    if follow_up > latest:
        raise ValidationError(
            "follow-up date", f"cannot be more than a year after the call ({latest:%m/%d/%Y} at the latest)"
        )


class Channel(str, Enum):
    PHONE = "phone"
    VIDEO = "video"
    HOME_VISIT = "home visit"
    PORTAL = "portal"
    LETTER = "letter"


# The channels that make an interactive contact for TCM: a letter never does (CMS MLN908628:
# "direct, telephone, or electronic communication").
INTERACTIVE_CHANNELS = frozenset({Channel.PHONE, Channel.VIDEO, Channel.HOME_VISIT, Channel.PORTAL})


class Outcome(str, Enum):
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no answer"
    WRONG_NUMBER = "wrong number"
    DECLINED = "declined"
    SENT = "sent"  # a letter mailed: neither an answered contact nor an unanswered call attempt

    @property
    def answered(self) -> bool:
        return self in (Outcome.REACHED, Outcome.DECLINED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    patient_id: int
    at: datetime
    channel: Channel
    outcome: Outcome
    note: str = ""
    follow_up: date | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("contact time", self.at)
        object.__setattr__(self, "channel", checks.one_of("channel", self.channel, Channel))
        object.__setattr__(self, "outcome", checks.one_of("outcome", self.outcome, Outcome))
        if not checks.READING_STORED.get():
            if self.outcome is Outcome.SENT and self.channel is not Channel.LETTER:
                raise ValidationError("outcome", "'sent' is for a letter; a call was reached or not")
            if self.channel is Channel.LETTER and self.outcome is not Outcome.SENT:
                # A letter reaches no one by itself: "reached" would reset the unanswered calls,
                # end the no-contact reason and could meet a TCM contact (CMS MLN908628).
                raise ValidationError("outcome", "a letter is recorded as 'sent' (caredesk letter --sent)")
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=4000, multiline=True))
        if self.follow_up is not None:
            checks.a_date("follow-up date", self.follow_up)


class StaffType(str, Enum):
    CLINICAL_STAFF = "clinical staff"
    PHYSICIAN = "physician/QHP"


class Activity(str, Enum):
    CALL = "phone call"
    CARE_PLAN = "care plan"
    COORDINATION = "care coordination"
    MEDICATION_REVIEW = "medication review"
    ASSESSMENT = "assessment"
    DOCUMENTATION = "documentation"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeEntry:
    patient_id: int
    on: date  # the clinic's calendar date the minutes count in
    minutes: int
    activity: Activity
    staff_type: StaffType
    program: Program
    started_at: datetime | None = None
    contact_id: int | None = None
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        checks.a_date("date", self.on)
        checks.whole_number("minutes", self.minutes, minimum=1, maximum=ENTRY_MINUTES_MAX)
        object.__setattr__(self, "activity", checks.one_of("activity", self.activity, Activity))
        object.__setattr__(self, "staff_type", checks.one_of("staff type", self.staff_type, StaffType))
        object.__setattr__(self, "program", checks.one_of("program", self.program, Program))
        if self.started_at is not None:
            checks.aware("start time", self.started_at)
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=1000, multiline=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class Voided:
    """A contact or time entry taken back: the record as it was, who voided it, when and why.

    Voided records leave the month's minutes and the queue; they stay visible in the history.
    """

    record: Contact | TimeEntry
    voided_at: datetime
    voided_by: str
    reason: str

    def __post_init__(self) -> None:
        checks.aware("voided at", self.voided_at)
        object.__setattr__(self, "reason", checks.required_text("void reason", self.reason, max_len=300))
