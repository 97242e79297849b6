"""What was typed in one of the chart's contact forms, kept when the form had to close.

SPEC §5: an idle lock, Ctrl+L or quitting never drops what was typed. The call panel keeps its
call as a CallDraft (one per patient); the chart's Contacts & minutes forms (Log contact…, Log
other time…, Correct…, Void…) keep theirs here instead, so a kept call draft is never
overwritten. A form resumed from a draft and kept again replaces it; any other form is a new draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from caredesk.domain import checks

FieldValue = str | int | bool | None


class ContactFormKind(StrEnum):
    """Which form was open; its value is also how the form is named to the user."""

    LOG_CONTACT = "contact"
    LOG_TIME = "time entry"
    CORRECT = "correction"
    VOID = "void"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactFormDraft:
    """`fields`: the form's fields by their accessible names ("Note" -> "Called back", "Minutes"
    -> 12, "Outcome reached" -> True); `record`: the history row a correction or void is about
    ("contact:12", "time:5"), None for a new contact or time entry; `id`: None until stored."""

    patient_id: int
    kind: ContactFormKind
    updated_at: datetime
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    record: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("draft time", self.updated_at)
        object.__setattr__(self, "kind", checks.one_of("form", self.kind, ContactFormKind))
        for name, value in self.fields.items():
            if not isinstance(name, str) or not (value is None or isinstance(value, str | int | bool)):
                raise ValueError(f"draft field {name!r} must be text, a number or a tick")
