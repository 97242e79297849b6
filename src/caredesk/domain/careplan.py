"""Care plans: one editable draft per patient and immutable finalized versions.

Content is a plain value (dataclasses of tuples) so a version can be stored as one
JSON document and compared with another.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from caredesk.domain import checks
from caredesk.errors import ValidationError


class GoalStatus(str, Enum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    MET = "met"
    NOT_MET = "not met"


class Owner(str, Enum):
    PATIENT = "patient"
    CARE_MANAGER = "care manager"
    PCP = "PCP"
    SPECIALIST = "specialist"
    COMMUNITY = "community"


class GivenMethod(str, Enum):
    IN_PERSON = "in person"
    MAIL = "mail"
    PORTAL = "portal"


@dataclass(frozen=True, slots=True, kw_only=True)
class Goal:
    measure: str
    target: str = ""
    target_date: date | None = None
    status: GoalStatus = GoalStatus.NOT_STARTED
    plain: str = ""  # what the patient reads


@dataclass(frozen=True, slots=True, kw_only=True)
class Intervention:
    action: str
    owner: Owner = Owner.CARE_MANAGER
    frequency: str = ""
    plain: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    title: str
    condition_icd10: str = ""
    plain: str = ""
    goals: tuple[Goal, ...] = ()
    interventions: tuple[Intervention, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CarePlanContent:
    problems: tuple[Problem, ...] = ()
    barriers: str = ""
    strengths: str = ""
    symptom_management: str = ""
    expected_outcome: str = ""
    medication_management: str = ""
    community_services: str = ""
    coordination: str = ""
    next_review: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: _jsonable(value) for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CarePlanContent:
        problems = tuple(
            Problem(
                title=p["title"],
                condition_icd10=p.get("condition_icd10", ""),
                plain=p.get("plain", ""),
                goals=tuple(
                    Goal(
                        measure=g["measure"],
                        target=g.get("target", ""),
                        target_date=_date(g.get("target_date")),
                        status=GoalStatus(g.get("status", GoalStatus.NOT_STARTED.value)),
                        plain=g.get("plain", ""),
                    )
                    for g in p.get("goals", ())
                ),
                interventions=tuple(
                    Intervention(
                        action=i["action"],
                        owner=Owner(i.get("owner", Owner.CARE_MANAGER.value)),
                        frequency=i.get("frequency", ""),
                        plain=i.get("plain", ""),
                    )
                    for i in p.get("interventions", ())
                ),
            )
            for p in data.get("problems", ())
        )
        texts = {k: data.get(k, "") for k in _TEXT_FIELDS}
        return cls(problems=problems, next_review=_date(data.get("next_review")), **texts)


_TEXT_FIELDS = (
    "barriers",
    "strengths",
    "symptom_management",
    "expected_outcome",
    "medication_management",
    "community_services",
    "coordination",
)
TEXT_FIELDS = _TEXT_FIELDS  # public name for validation, diff and editors

# How each text section is named to a care manager (diff lines, validation messages).
SECTION_LABELS = {
    "barriers": "Barriers",
    "strengths": "Strengths",
    "symptom_management": "Symptom management",
    "expected_outcome": "Expected outcome and prognosis",
    "medication_management": "Medication management",
    "community_services": "Community services",
    "coordination": "Coordination with outside agencies",
}


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class CarePlanVersion:
    """A finalized version: never edited; only the copy-given record is added later."""

    patient_id: int
    number: int
    content: CarePlanContent
    finalized_at: datetime
    finalized_by: str
    given_on: date | None = None
    given_method: GivenMethod | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        checks.aware("finalized at", self.finalized_at)
        object.__setattr__(self, "finalized_by", checks.required_text("finalized by", self.finalized_by, max_len=120))
        checks.whole_number("version number", self.number, minimum=1, maximum=10_000)
        if self.given_method is not None:
            object.__setattr__(self, "given_method", checks.one_of("given method", self.given_method, GivenMethod))
        if (self.given_on is None) != (self.given_method is None):
            raise ValidationError("copy given", "needs both the date and the method")


@dataclass(frozen=True, slots=True, kw_only=True)
class CarePlanDraft:
    patient_id: int
    content: CarePlanContent = field(default_factory=CarePlanContent)
    updated_at: datetime | None = None
