"""Tasks, transitions of care and assessments (community resources and referrals: caredesk.domain.community
and caredesk.domain.referrals).

Instrument is defined with the instruments (caredesk.domain.assessments) and read from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from caredesk.domain import assessments, checks
from caredesk.domain.assessments import Instrument
from caredesk.domain.contacts import INTERACTIVE_CHANNELS, Channel
from caredesk.errors import ValidationError


class TaskStatus(str, Enum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskKind(str, Enum):
    """What a task is for; the value is what the store holds."""

    GENERAL = "general"
    LETTER = "letter"  # proposed after three unanswered calls in a month
    FOLLOW_UP = "follow-up"
    REFERRAL = "referral"


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    patient_id: int
    title: str
    due: date | None = None
    status: TaskStatus = TaskStatus.OPEN
    kind: TaskKind = TaskKind.GENERAL
    created_at: datetime | None = None
    done_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", checks.required_text("task", self.title))
        object.__setattr__(self, "status", checks.one_of("task status", self.status, TaskStatus))
        object.__setattr__(self, "kind", checks.one_of("task kind", self.kind, TaskKind))
        if self.due is not None:
            checks.a_date("due date", self.due)


class Complexity(str, Enum):
    MODERATE = "moderate"
    HIGH = "high"


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """A hospital or facility stay; its discharge starts the TCM deadlines."""

    patient_id: int
    facility: str
    admitted_on: date | None
    discharged_on: date
    complexity: Complexity = Complexity.MODERATE
    contacted_on: date | None = None  # interactive contact made
    seen_on: date | None = None  # face-to-face visit made
    meds_reconciled_on: date | None = None
    contact_channel: Channel | None = None  # how the interactive contact was made
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "facility", checks.required_text("facility", self.facility))
        if self.contact_channel is not None:
            channel = checks.one_of("contact channel", self.contact_channel, Channel)
            if channel not in INTERACTIVE_CHANNELS:
                raise ValidationError("contact channel", "a letter is not an interactive contact")
            object.__setattr__(self, "contact_channel", channel)
        checks.a_date("discharge date", self.discharged_on)
        checks.order("admission date", self.admitted_on, "discharge date", self.discharged_on)
        checks.order("discharge date", self.discharged_on, "contact date", self.contacted_on)
        checks.order("discharge date", self.discharged_on, "face-to-face date", self.seen_on)
        object.__setattr__(self, "complexity", checks.one_of("complexity", self.complexity, Complexity))


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """A screen as given: `answers` are the items' option values in order, None for an item not
    answered. Score, band, completeness and safety are computed from them (never typed):
    a partial set is an incomplete screen, kept but never scored or banded. Bad answers raise
    ValidationError naming the item (caredesk.domain.assessments.result)."""

    patient_id: int
    instrument: Instrument
    taken_on: date
    answers: tuple[int | None, ...]
    id: int | None = None
    result: assessments.Result = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        instrument = assessments.instrument_of(self.instrument)
        object.__setattr__(self, "instrument", instrument)
        checks.a_date("assessment date", self.taken_on)
        object.__setattr__(self, "answers", assessments.check_answers(instrument, self.answers))
        object.__setattr__(self, "result", assessments.result(instrument, self.answers))

    @property
    def score(self) -> int | None:
        return self.result.score

    @property
    def band(self) -> str | None:
        return self.result.band

    @property
    def complete(self) -> bool:
        return self.result.complete

    @property
    def safety(self) -> bool:
        return self.result.safety
