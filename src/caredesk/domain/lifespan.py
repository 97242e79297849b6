"""Records dated within a patient's life: not before the date of birth, not after the date of death.

A reading, a stay, an appointment or minutes dated after the death is a typing slip or
the wrong patient; a call back-filled for a day before it is ordinary (the care manager
learns of the death later). Every check names the field the user typed the date in.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Patient, Status
from caredesk.errors import ValidationError


def check_within_life(field: str, day: date | None, patient: Patient) -> None:
    """`day` is on or after the date of birth and on or before the date of death (when one
    is recorded). Raises ValidationError naming `field`; None passes."""
    if day is None:
        return
    if day < patient.birth_date:
        raise ValidationError(field, "cannot be before the date of birth")
    if patient.died_on is not None and day > patient.died_on:
        raise ValidationError(field, f"cannot be after the date of death ({us_date(patient.died_on)})")


def check_not_deceased(field: str, patient: Patient) -> None:
    """Nothing new is planned for a deceased patient (a task, a future appointment).
    Raises ValidationError naming `field`."""
    if patient.status is Status.DECEASED:
        raise ValidationError(field, "cannot be added: the patient is recorded as deceased")
