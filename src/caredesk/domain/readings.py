"""Vitals and labs as a care manager types and reads them: values, blood-pressure pairs, targets.

A value is typed as a plain number in the measure's unit ("7.2", "182.5"). Text with a
unit ("142 mmHg") or a decimal comma ("7,2") is refused with a message saying how to
type it, rather than guessed at: "7,2" may be 7.2 or 72, and "1,200" a typing slip.
A blood pressure is typed "142/88" and stored as a systolic and a diastolic observation
of the same day; `readings` pairs them again for tables.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from caredesk.domain.patients import OBSERVATION_RANGES, Observation, ObservationKind
from caredesk.errors import ValidationError

BLOOD_PRESSURE = "blood pressure"  # the measure typed as 142/88 (a systolic and a diastolic)
BP_KINDS = (ObservationKind.SYSTOLIC_BP, ObservationKind.DIASTOLIC_BP)
# The other measures in the order a chronic-care call checks them (after blood pressure): the
# Summary's latest readings, the Vitals & labs entry and its trends.
CHECK_ORDER = (
    ObservationKind.A1C,
    ObservationKind.WEIGHT,
    ObservationKind.GLUCOSE,
    ObservationKind.HEART_RATE,
    ObservationKind.SPO2,
    ObservationKind.TEMPERATURE,
    ObservationKind.RESPIRATORY_RATE,
    ObservationKind.EGFR,
    ObservationKind.LDL,
    ObservationKind.HDL,
)

Band = tuple[float | None, float | None]

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

# Targets the guidelines write as "below" a value: a reading equal to the high misses it.
# ADA Standards of Care in Diabetes 2025: BP < 130/80 (10.4), A1c < 7% (6.5), LDL < 100
# mg/dL (10.21); ACC/AHA 2017 counts 130/80 as stage 1 hypertension. Other bands (glucose
# 80-130, heart rate 60-100, eGFR from 60, SpO2 from 92) include both ends.
BELOW_TARGETS = frozenset(
    {ObservationKind.SYSTOLIC_BP, ObservationKind.DIASTOLIC_BP, ObservationKind.A1C, ObservationKind.LDL}
)


def unit_of(kind: ObservationKind) -> str:
    return OBSERVATION_RANGES[kind][2]


_EXAMPLES = {ObservationKind.A1C: "7.2", ObservationKind.WEIGHT: "182.5", ObservationKind.TEMPERATURE: "98.6"}


def parse_value(field: str, kind: ObservationKind, text: str | float) -> float:
    """A typed value as a float in `kind`'s unit; ValidationError(field, ...) when it is not a plain number.

    Numbers pass through (range checks are the Observation's). "7.2", " 182 ", ".5" pass;
    "7,2", "142 mmHg", "1e3", "nan" and "" are refused with how to type them.
    """
    if isinstance(text, bool):
        raise ValidationError(field, "must be a number")
    if isinstance(text, (int, float)):
        return float(text)
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(field, "is required")
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return float(cleaned)
    if "," in cleaned:
        raise ValidationError(field, "must be written with a decimal point and no commas, such as 7.2")
    if re.match(r"\s*[+-]?\.?\d", cleaned) and re.search(r"[^\d\s.+-]", cleaned):
        # A number followed by letters ('142 mmHg', '7.2%'): the unit, typed out of habit.
        raise ValidationError(field, f"must be the number alone, without a unit ({unit_of(kind)} is understood)")
    raise ValidationError(field, f"must be a number, such as {_EXAMPLES.get(kind, '120')}")


def parse_blood_pressure(text: str) -> tuple[float, float]:
    """'142/88' as (systolic, diastolic) in mmHg; ValidationError naming "blood pressure" otherwise."""
    parts = (text or "").split("/")
    if not (text or "").strip():
        raise ValidationError(BLOOD_PRESSURE, "is required")
    if len(parts) != 2:
        raise ValidationError(BLOOD_PRESSURE, "must be written systolic/diastolic, such as 142/88")
    systolic = parse_value(BLOOD_PRESSURE, ObservationKind.SYSTOLIC_BP, parts[0])
    diastolic = parse_value(BLOOD_PRESSURE, ObservationKind.DIASTOLIC_BP, parts[1])
    return systolic, diastolic


def check_pair(systolic: float, diastolic: float) -> None:
    """The systolic pressure is the higher one; equal or reversed values are a typing slip."""
    if systolic <= diastolic:
        raise ValidationError(BLOOD_PRESSURE, "must have the systolic above the diastolic, as in 142/88")


class Position(str, Enum):
    """Where a reading sits against its target band."""

    IN = "in target"
    ABOVE = "above target"
    BELOW = "below target"


def position(kind: ObservationKind, value: float, band: Band | None) -> Position | None:
    """IN, ABOVE or BELOW `band` (low, high; None = open side); None when there is no band.

    The low is inclusive; the high is inclusive too, except for BELOW_TARGETS, where the
    guideline's target is "below" the high.
    """
    if band is None:
        return None
    low, high = band
    if low is not None and value < low:
        return Position.BELOW
    if high is not None and (value >= high if kind in BELOW_TARGETS else value > high):
        return Position.ABOVE
    return Position.IN


def _number(value: float) -> str:
    return f"{value:g}"


def with_unit(value: str, unit: str) -> str:
    """'7.2%', '182 lb': a percent sign follows the number, other units after a space."""
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}"


def band_text(kind: ObservationKind, band: Band | None) -> str:
    """A band as a care manager says it: 'below 7%', '80-130 mg/dL', 'from 60 mL/min/1.73m2', 'none'."""
    if band is None:
        return "none"
    low, high = band
    unit = unit_of(kind)
    if low is not None and high is not None:
        return with_unit(f"{_number(low)}-{_number(high)}", unit)
    if high is not None:
        return ("below " if kind in BELOW_TARGETS else "up to ") + with_unit(_number(high), unit)
    assert low is not None  # a band has at least one side
    return "from " + with_unit(_number(low), unit)


@dataclass(frozen=True, slots=True)
class Reading:
    """One row of a readings table: one observation, or a blood pressure (`first` the systolic,
    `diastolic` its partner of the same day). `position` is against the patient's band."""

    first: Observation
    diastolic: Observation | None = None
    position: Position | None = None

    @property
    def id(self) -> int:
        assert self.first.id is not None  # readings come from the store
        return self.first.id

    @property
    def measure(self) -> str:
        return BLOOD_PRESSURE if self.diastolic is not None else self.first.kind.value

    @property
    def kind(self) -> ObservationKind:
        return self.first.kind

    @property
    def observed_on(self) -> date:
        return self.first.observed_on

    @property
    def number_text(self) -> str:
        """The value as typed back into a field: '142/88', '7.2'."""
        if self.diastolic is not None:
            return f"{_number(self.first.value)}/{_number(self.diastolic.value)}"
        return _number(self.first.value)

    @property
    def value_text(self) -> str:
        """The value with its unit: '142/88 mmHg', '7.2%', '182.5 lb'."""
        return with_unit(self.number_text, self.first.unit)


def readings(
    observations: Iterable[Observation], bands: Mapping[ObservationKind, Band | None] | None = None
) -> list[Reading]:
    """Observations as table rows, newest first (then the later entry first).

    A systolic and a diastolic of the same day are one blood pressure; several on one day
    pair in the order they were entered (both halves are always written together). A
    half without a partner stays a row of its own. `bands` gives each row its position.
    """
    bands = bands or {}
    by_day: dict[date, dict[ObservationKind, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    out: list[Reading] = []
    for o in observations:
        if o.kind in BP_KINDS:
            by_day[o.observed_on][o.kind].append(o)
        else:
            out.append(Reading(o, None, position(o.kind, o.value, bands.get(o.kind))))
    for halves in by_day.values():
        systolic = sorted(halves[ObservationKind.SYSTOLIC_BP], key=_id)
        diastolic = sorted(halves[ObservationKind.DIASTOLIC_BP], key=_id)
        for s, d in zip(systolic, diastolic, strict=False):
            out.append(Reading(s, d, _bp_position(s.value, d.value, bands)))
        n = min(len(systolic), len(diastolic))
        for o in systolic[n:] + diastolic[n:]:
            out.append(Reading(o, None, position(o.kind, o.value, bands.get(o.kind))))
    out.sort(key=lambda r: (r.observed_on, r.id), reverse=True)
    return out


def _bp_position(systolic: float, diastolic: float, bands: Mapping[ObservationKind, Band | None]) -> Position | None:
    """Above when either half is above its target; below when either is below; else in."""
    found = [
        p
        for kind, value in zip(BP_KINDS, (systolic, diastolic), strict=True)
        if (p := position(kind, value, bands.get(kind))) is not None
    ]
    if not found:
        return None
    for p in (Position.ABOVE, Position.BELOW):
        if p in found:
            return p
    return Position.IN


def _id(o: Observation) -> int:
    return o.id or 0
