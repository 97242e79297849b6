"""Medication adherence: what the patient says on a call, kept as a history per medication.

The four answers are the ones care managers ask in CCM adherence checks (taken as
prescribed / missed doses / stopped / cost or access problem); the medication's summary
adherence follows the newest check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from caredesk.domain import checks
from caredesk.domain.patients import Adherence


class AdherenceAnswer(str, Enum):
    TAKEN = "taken as prescribed"
    MISSED = "missed doses"
    STOPPED = "stopped"
    COST_OR_ACCESS = "cost or access problem"

    @property
    def adherence(self) -> Adherence:
        """The summary shown in the medication list after this answer."""
        return _SUMMARY[self]


_SUMMARY = {
    AdherenceAnswer.TAKEN: Adherence.GOOD,
    AdherenceAnswer.MISSED: Adherence.PARTIAL,
    AdherenceAnswer.STOPPED: Adherence.POOR,
    AdherenceAnswer.COST_OR_ACCESS: Adherence.POOR,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AdherenceCheck:
    """One answer about one medication on one day (`note`: free text, optional)."""

    patient_id: int
    medication_id: int
    checked_on: date
    answer: AdherenceAnswer
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        checks.a_date("date checked", self.checked_on)
        object.__setattr__(self, "answer", checks.one_of("adherence answer", self.answer, AdherenceAnswer))
        object.__setattr__(self, "note", checks.optional_text("note", self.note, max_len=500, multiline=True))
