"""A call being worked but not yet saved: kept per patient so nothing typed is lost.

SPEC section 5: switching patient, locking, idle lock and quitting never drop an unsaved
call. The draft lives in the encrypted store, so it survives a lock and a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from caredesk.domain import checks
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program

TYPED_MINUTES_MAX = 9999  # the largest the minutes boxes take; the save refuses over 600
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls but tab and line ends


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
        # A draft keeps what was typed, even what the save will refuse by name (a note past 4,000
        # characters, 700 minutes): a draft is made on lock and quit, where a refusal would lose
        # the call. Only characters no text field shows are blanked.
        object.__setattr__(self, "note", _CONTROL.sub(" ", self.note))
        checks.whole_number("minutes", self.minutes, minimum=0, maximum=TYPED_MINUTES_MAX)
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
