"""Target bands for vitals and labs: the clinic's defaults and a patient's own targets.

Defaults are the usual adult targets; a patient's PCP may set others (an older patient's
A1c below 8, say), which replace the default for that patient and measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.domain import checks
from caredesk.domain.patients import OBSERVATION_RANGES, ObservationKind
from caredesk.errors import ValidationError


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservationTarget:
    """A target band for one measure: `low` and/or `high` (None = open), in the measure's unit."""

    patient_id: int
    kind: ObservationKind
    low: float | None = None
    high: float | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        kind = checks.one_of("measure", self.kind, ObservationKind)
        object.__setattr__(self, "kind", kind)
        if self.low is None and self.high is None:
            raise ValidationError("target", "needs a low or a high value")
        floor, ceiling, unit = OBSERVATION_RANGES[kind]
        for name, value in (("target low", self.low), ("target high", self.high)):
            if value is not None and not floor <= value <= ceiling:
                raise ValidationError(name, f"must be between {floor:g} and {ceiling:g} {unit}")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValidationError("target high", "must be above the target low")


# (low, high, source). Open sides are None.
DEFAULT_TARGETS: dict[ObservationKind, tuple[float | None, float | None, str]] = {
    # ADA Standards of Care in Diabetes 2025, 10.4 and 6.5: BP < 130/80; A1c < 7% for most adults.
    ObservationKind.SYSTOLIC_BP: (None, 130, "ADA Standards of Care 2025, 10.4"),
    ObservationKind.DIASTOLIC_BP: (None, 80, "ADA Standards of Care 2025, 10.4"),
    ObservationKind.A1C: (None, 7, "ADA Standards of Care 2025, 6.5"),
    # ADA 2025, 10.21: LDL < 100 mg/dL for people with diabetes aged 40-75 without ASCVD.
    ObservationKind.LDL: (None, 100, "ADA Standards of Care 2025, 10.21"),
    # ADA 2025, 6: fasting glucose 80-130 mg/dL before meals.
    ObservationKind.GLUCOSE: (80, 130, "ADA Standards of Care 2025, 6.5"),
    # KDIGO 2024 CKD guideline: eGFR below 60 is CKD stage 3a or worse.
    ObservationKind.EGFR: (60, None, "KDIGO 2024 CKD guideline, G3a threshold"),
    ObservationKind.SPO2: (92, None, "BTS oxygen guideline 2017: target 94-98 (92 as the floor)"),
    ObservationKind.HEART_RATE: (60, 100, "AHA: normal adult resting heart rate 60-100 bpm"),
}


def target_for(
    kind: ObservationKind, own: tuple[ObservationTarget, ...] | list[ObservationTarget] = ()
) -> tuple[float | None, float | None] | None:
    """The band to draw for `kind`: the patient's own target, else the default, else None."""
    for t in own:
        if t.kind is kind:
            return t.low, t.high
    default = DEFAULT_TARGETS.get(kind)
    return None if default is None else (default[0], default[1])
