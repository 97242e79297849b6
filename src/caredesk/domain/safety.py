"""The safety protocol: a screen with a positive safety answer stays flagged until a safety
check is documented for it (SPEC section 3, Assessments and Call queue; issue 10).

A flag belongs to one screen. A later screen without the safety answer does not clear it:
the protocol asks for a record of who checked, when and what was done, and a calmer answer
weeks later is not that record. The flag cannot be dismissed any other way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.appointments import clock_time
from caredesk.domain.assessments import Instrument, safety_wording
from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Assessment
from caredesk.errors import ValidationError


class SafetyAction(str, Enum):
    """What was done; the value is what the store holds and the CLI takes."""

    CRISIS_LINE = "crisis-line"
    PCP_TOLD = "pcp-told"
    EMERGENCY_SERVICES = "emergency-services"
    SAFETY_PLAN = "safety-plan"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    # 988: the US Suicide & Crisis Lifeline (call or text), since July 2022.
    SafetyAction.CRISIS_LINE: "crisis line given (988)",
    SafetyAction.PCP_TOLD: "PCP told",
    SafetyAction.EMERGENCY_SERVICES: "emergency services called",
    SafetyAction.SAFETY_PLAN: "safety plan reviewed",
    SafetyAction.OTHER: "other",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyCheck:
    """Who checked a flagged screen, when (aware), what was done (at least one action; "other"
    needs a note saying what) and a note. Raises ValidationError naming the field."""

    patient_id: int
    assessment_id: int
    checked_at: datetime
    by: str
    actions: tuple[SafetyAction, ...]  # a set, kept in SafetyAction's order (any iterable accepted)
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("checked at", self.checked_at)
        object.__setattr__(self, "by", checks.required_text("checked by", self.by, max_len=120))
        if isinstance(self.actions, str) or not self.actions:
            allowed = ", ".join(a.value for a in SafetyAction)
            raise ValidationError("actions", f"say what was done: at least one of {allowed}")
        chosen = {checks.one_of("actions", a, SafetyAction) for a in self.actions}
        actions = tuple(a for a in SafetyAction if a in chosen)  # one order: a repr or a list reads the same
        object.__setattr__(self, "actions", actions)
        note = checks.optional_text("note", self.note, max_len=2000, multiline=True)
        object.__setattr__(self, "note", note)
        if SafetyAction.OTHER in actions and not note:
            raise ValidationError("note", "say what was done when the action is 'other'")

    @property
    def action_labels(self) -> tuple[str, ...]:
        """The actions as words: ("crisis line given (988)", "PCP told")."""
        return tuple(a.label for a in self.actions)

    def when(self, tz: tzinfo) -> str:
        """The clinic's date and time of the check: "11/24/2026 10:15 AM"."""
        at = self.checked_at.astimezone(tz)
        return f"{us_date(at.date())} {clock_time(at)}"

    def summary(self, tz: tzinfo) -> str:
        """The whole record on one line, as the history and the chart show it: "safety check
        11/24/2026 10:15 AM by Ana Ruiz, RN: crisis line given (988), PCP told; note: No plan."."""
        note = " ".join(self.note.split())
        said = f"safety check {self.when(tz)} by {self.by}: {', '.join(self.action_labels)}"
        return f"{said}; note: {note}" if note else said


@dataclass(frozen=True, slots=True)
class SafetyFlag:
    """An open flag: the screen that raised it, with no safety check documented yet."""

    assessment_id: int
    patient_id: int
    instrument: Instrument
    taken_on: date

    @property
    def what(self) -> str:
        return safety_wording(self.instrument)


def check_refusal(assessment_id: int, done: Iterable[SafetyCheck], tz: tzinfo) -> str | None:
    """Why a screen cannot get another safety check (the message of ValidationError("screen",
    ...)), or None. One check closes a flag: a second one would leave two records of the same
    protocol, and a follow-up call is a contact of its own."""
    first = next((c for c in done if c.assessment_id == assessment_id), None)
    if first is None:
        return None
    return f"screen {assessment_id} already has a safety check (by {first.by} on {first.when(tz)})"


def open_flags(screens: Iterable[Assessment], checked: Iterable[int]) -> list[SafetyFlag]:
    """Flags of the screens with a safety answer whose id is not in `checked` (the screens a
    safety check names), oldest first."""
    done = set(checked)
    return sorted(
        (
            SafetyFlag(s.id, s.patient_id, s.instrument, s.taken_on)
            for s in screens
            if s.safety and s.id is not None and s.id not in done
        ),
        key=lambda f: (f.taken_on, f.assessment_id),
    )
