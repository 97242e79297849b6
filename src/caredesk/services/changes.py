"""What a write changed: which patients and which kinds of record.

Every service that writes returns a `Changes` (alone, or as the `changes` of its result).
The UI's change hub hands it to every page, and each page refreshes only what it shows:
the queue re-scores exactly these patients, an open chart refreshes the tabs of these
kinds, the month view recomputes these rows. (Anki: `operation_did_execute(changes)`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Kind(str, Enum):
    """A kind of record a write can touch."""

    PATIENT = "patient"  # demographics, status, risk tier; a patient added
    ENROLLMENT = "enrollment"  # programs, consent, billing practitioner
    CLINICAL = "clinical"  # conditions, medications, allergies, care team, vitals and labs
    CONTACT = "contact"
    TIME = "time"  # time entries: the month's minutes
    TASK = "task"
    APPOINTMENT = "appointment"  # appointments arranged and whether they were kept
    TRANSITION = "transition"  # hospital stays and their TCM deadlines
    CARE_PLAN = "care plan"  # draft, versions, copies given
    ASSESSMENT = "assessment"
    REFERRAL = "referral"  # referrals and their steps; the community-resource directory
    PRACTICE = "practice"  # the care manager and practice details (no patient)


@dataclass(frozen=True, slots=True)
class Changes:
    """`patients`: ids of the patients whose records changed; `kinds`: what changed."""

    patients: frozenset[int] = field(default_factory=frozenset)
    kinds: frozenset[Kind] = field(default_factory=frozenset)

    @classmethod
    def of(cls, patients: Iterable[int], *kinds: Kind) -> Changes:
        return cls(frozenset(patients), frozenset(kinds))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.patients | other.patients, self.kinds | other.kinds)

    def __bool__(self) -> bool:
        return bool(self.patients or self.kinds)

    def touches(self, *kinds: Kind) -> bool:
        """True when any of `kinds` changed."""
        return not self.kinds.isdisjoint(kinds)


@dataclass(frozen=True, slots=True)
class Saved(Generic[T]):
    """A write's result: `value` (the record saved, or a count) and the `changes` it made."""

    value: T
    changes: Changes


def changed_fields(before: Any, after: Any, names: Mapping[str, str]) -> list[str]:
    """The user's names (`names`: attribute -> label, in the form's order) of the fields
    that differ between two versions of a record: what the audit detail of a change lists."""
    return [label for key, label in names.items() if getattr(before, key) != getattr(after, key)]
