"""Who the patient's copy names: the care manager using CareDesk and the practice.

One profile per store (CareDesk has one user). It fills "Who to call" on the patient's
care plan where the patient's own care team does not name a care manager, an office or
an after-hours line, signs finalized versions ("Ana Ruiz, RN"), and heads the letters
to patients who could not be reached (the practice's address and office hours).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from caredesk.domain import checks
from caredesk.errors import ValidationError

# The profile's phone lines and the names a refusal gives them.
PHONE_FIELDS = (
    ("care_manager_phone", "care manager phone"),
    ("practice_phone", "practice phone"),
    ("after_hours_phone", "after-hours phone"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeProfile:
    care_manager_name: str = ""  # "Ana Ruiz"
    care_manager_credentials: str = ""  # "RN", "LCSW"
    care_manager_phone: str = ""  # a direct line, when there is one
    practice_name: str = ""
    practice_phone: str = ""
    after_hours_phone: str = ""
    practice_address: str = ""  # one line, as mailed: "120 Main St, Suite 4, Springfield, IL 62701"
    office_hours: str = ""  # as patients read it: "Monday to Friday, 8 am to 5 pm"

    def __post_init__(self) -> None:
        for f, label, max_len in (
            ("care_manager_name", "care manager name", 80),
            ("care_manager_credentials", "credentials", 40),
            ("practice_name", "practice name", 120),
            ("practice_address", "practice address", 200),
            ("office_hours", "office hours", 120),
        ):
            object.__setattr__(self, f, checks.optional_text(label, getattr(self, f), max_len=max_len))
        for f, label in PHONE_FIELDS:
            value = (getattr(self, f) or "").strip()
            object.__setattr__(self, f, checks.phone(label, value) if value else "")
        if self.care_manager_credentials and not self.care_manager_name:
            raise ValidationError("care manager name", "is needed with the credentials")

    @property
    def signature(self) -> str:
        """How a finalized version is signed: "Ana Ruiz, RN"; empty when no name is set."""
        if not self.care_manager_name:
            return ""
        return self.care_manager_name + (f", {self.care_manager_credentials}" if self.care_manager_credentials else "")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> PracticeProfile:
        """Known keys only (a newer CareDesk may store more); values as text."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in known})
