"""A call being worked but not yet saved: kept per patient so nothing typed is lost.

SPEC section 5: switching patient, locking, idle lock and quitting never drop an unsaved
call. The draft lives in the encrypted store, so it survives a lock and a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caredesk.domain import checks
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program


@dataclass(frozen=True, slots=True, kw_only=True)
class CallDraft:
    """`elapsed_seconds`: the call timer's time so far (a draft's timer is always stopped);
    `minutes_edited`: the minutes were typed, not taken from the timer."""

    patient_id: int
    updated_at: datetime
    outcome: Outcome | None = None
    note: str = ""
    minutes: int = 0
    minutes_edited: bool = False
    program: Program | None = None
    follow_up: date | None = None
    elapsed_seconds: float = 0.0

    def __post_init__(self) -> None:
        checks.aware("draft time", self.updated_at)
        if self.outcome is not None:
            object.__setattr__(self, "outcome", checks.one_of("outcome", self.outcome, Outcome))
        if self.program is not None:
            object.__setattr__(self, "program", checks.one_of("program", self.program, Program))
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=4000, multiline=True))
        checks.whole_number("minutes", self.minutes, minimum=0, maximum=600)
        if self.elapsed_seconds < 0:
            raise ValueError("elapsed_seconds must not be negative")

    @property
    def empty(self) -> bool:
        """Nothing worth keeping: no outcome, note, minutes, follow-up or timed seconds."""
        return (
            self.outcome is None
            and not self.note.strip()
            and self.minutes == 0
            and self.follow_up is None
            and self.elapsed_seconds < 1
        )
