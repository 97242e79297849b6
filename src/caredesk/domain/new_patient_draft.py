"""What was typed in Add patient, kept when the form had to close before the patient existed.

SPEC §5: an idle lock, Ctrl+L or quitting never drops what was typed. A half-filled Add patient
(MRN, names, a phone) has no patient to hang on, so it is not a ContactFormDraft (one patient's
form) but a draft of its own, offered back on the Patients page after the unlock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from caredesk.domain import checks
from caredesk.domain.contact_form_draft import FieldValue


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPatientDraft:
    """`fields`: Add patient's fields by their accessible names ("MRN" -> "MRN-1004", "Family
    name" -> "Kim", "Phone" -> "(555) 010-1234", "Program" -> "CCM"); `updated_at`: when it was
    kept (aware); `id`: None until stored."""

    updated_at: datetime
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("draft time", self.updated_at)
        for name, value in self.fields.items():
            if not isinstance(name, str) or not (value is None or isinstance(value, str | int | bool)):
                raise ValueError(f"draft field {name!r} must be text, a number or a tick")
