"""The care manager's daily capacity, which today's plan fills (SPEC 3 "Call queue": "as many
calls as fit the care manager's hours (a setting)"; issue 12 "Today's plan": "minutes or calls").

Counted in calls (every call costs one) or in minutes of calling. By minutes, a call to a
patient short of a billing threshold is planned at the minutes still needed for it, and never
below the care manager's usual call length; any other call at the usual length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from caredesk.domain.queue import QueueEntry, ReasonKind
from caredesk.errors import ValidationError


class CapacityUnit(str, Enum):
    CALLS = "calls"
    MINUTES = "minutes"


CALLS_RANGE = (1, 200)  # calls a day
MINUTES_RANGE = (15, 720)  # minutes of calls a day: a quarter hour to a 12-hour day
CALL_MINUTES_RANGE = (5, 60)  # an ordinary call, with its note


def _within(field: str, value: object, bounds: tuple[int, int], unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    low, high = bounds
    if not low <= value <= high:
        raise ValidationError(field, f"must be between {low} and {high} {unit}")
    return value


@dataclass(frozen=True, slots=True)
class Capacity:
    """`amount` calls a day (1-200) or minutes of calls a day (15-720), by `unit`;
    `call_minutes` (5-60) is an ordinary call's length, used when planning by minutes.
    Raises ValidationError naming the field for a value out of range."""

    unit: CapacityUnit = CapacityUnit.CALLS
    amount: int = 20
    call_minutes: int = 15

    def __post_init__(self) -> None:
        try:
            unit = CapacityUnit(self.unit)
        except ValueError:
            raise ValidationError("plan by", "must be calls or minutes") from None
        object.__setattr__(self, "unit", unit)
        if unit is CapacityUnit.CALLS:
            _within("calls a day", self.amount, CALLS_RANGE, "calls")
        else:
            _within("minutes a day", self.amount, MINUTES_RANGE, "minutes")
        _within("minutes a call", self.call_minutes, CALL_MINUTES_RANGE, "minutes")
        if unit is CapacityUnit.MINUTES and self.call_minutes > self.amount:
            raise ValidationError("minutes a call", f"must not be more than the {self.amount} minutes a day")

    def cost(self, entry: QueueEntry) -> int:
        """What a call to this patient takes from the day: 1 call, or its minutes."""
        if self.unit is CapacityUnit.CALLS:
            return 1
        chased = entry.threshold is not None and any(r.kind is ReasonKind.MINUTES for r in entry.reasons)
        need = entry.threshold - entry.minutes if chased and entry.threshold is not None else 0
        return max(self.call_minutes, need)

    def amount_text(self, amount: int | None = None) -> str:
        """ "20 calls" or "4 h 30 min" (of `amount`, default the capacity's own)."""
        n = self.amount if amount is None else amount
        if self.unit is CapacityUnit.CALLS:
            return f"{n} call{'' if n == 1 else 's'}"
        hours, minutes = divmod(n, 60)
        return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"

    def describe(self) -> str:
        """ "20 calls a day" or "4 h 30 min of calls a day (15 min a call)"."""
        if self.unit is CapacityUnit.CALLS:
            return f"{self.amount_text()} a day"
        return f"{self.amount_text()} of calls a day ({self.call_minutes} min a call)"

    def as_dict(self) -> dict[str, object]:
        return {"unit": self.unit.value, "amount": self.amount, "call_minutes": self.call_minutes}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Capacity:
        """Raises ValidationError for values out of range or of the wrong kind."""
        unit, amount, call_minutes = data.get("unit", "calls"), data.get("amount", 20), data.get("call_minutes", 15)
        return cls(unit, amount, call_minutes)  # type: ignore[arg-type]  # __post_init__ checks each
