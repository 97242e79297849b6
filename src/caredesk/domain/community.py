"""The community-resource directory: who helps with which social need (SPEC section 1.6, issue 10).

A resource meets one or more needs: the core domains of the CMS Accountable Health
Communities Health-Related Social Needs Screening Tool (housing, food, transportation,
utilities, interpersonal safety; Billioux et al., NAM Perspectives 2017), whose values are the
social-needs screen's domain names (caredesk.domain.assessments), plus "other" for help outside
them (a senior center, a caregiver group). A resource that has been referred to is never
deleted: it is marked inactive, and inactive resources are left out of suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from caredesk.domain import checks
from caredesk.domain.assessments import SAFETY_DOMAIN
from caredesk.domain.text import fold
from caredesk.errors import ValidationError


class Need(str, Enum):
    """A social need a resource meets; the value is what the store holds (and, but for OTHER,
    the social-needs screen's domain name)."""

    HOUSING = "housing"
    FOOD = "food"
    TRANSPORTATION = "transportation"
    UTILITIES = "utilities"
    SAFETY = SAFETY_DOMAIN  # interpersonal safety
    OTHER = "other"

    @property
    def label(self) -> str:
        """The words a care manager reads: "interpersonal safety" for SAFETY."""
        return "interpersonal safety" if self is Need.SAFETY else self.value


_TYPED = {n.value: n for n in Need} | {n.label: n for n in Need} | {"interpersonal-safety": Need.SAFETY}
NEED_CHOICES = ", ".join(n.label for n in Need)


def need_of(field: str, value: object) -> Need:
    """A Need from itself, its value or its label, whatever the case ("Food", "interpersonal
    safety"). ValidationError naming `field` lists the needs otherwise."""
    if isinstance(value, Need):
        return value
    if isinstance(value, str) and (found := _TYPED.get(" ".join(value.split()).casefold())) is not None:
        return found
    # The value is quoted: in a CSV row of several needs the user must see which one is wrong.
    shown = f'"{" ".join(value.split())[:40]}" is not a need; ' if isinstance(value, str) else ""
    raise ValidationError(field, f"{shown}must be one of: {NEED_CHOICES}")


def needs_of(field: str, values: str | Iterable[Need | str]) -> tuple[Need, ...]:
    """At least one need, each once, in the directory's order (housing, food, transportation,
    utilities, safety, other). Text is split on ';' ("food;transportation")."""
    items = values.split(";") if isinstance(values, str) else list(values)
    chosen = {need_of(field, v) for v in items if not (isinstance(v, str) and not v.strip())}
    if not chosen:
        raise ValidationError(field, f"at least one is required ({NEED_CHOICES})")
    return tuple(n for n in Need if n in chosen)


def _phone(value: object) -> str:
    # The patient record's phone rule (7-15 digits; digits, spaces and ( ) + - . x); optional here.
    text = value.strip() if isinstance(value, str) else ""
    return checks.phone("phone", text) if text else ""


def _active(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("active", "must be yes or no")
    return value


# Each field's rule, by the name the forms, CLI options and CSV columns use.
FIELD_RULES: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: checks.required_text("name", v),
    "needs": lambda v: needs_of("needs", v),
    "phone": _phone,
    "address": lambda v: checks.optional_text("address", v, max_len=300),
    "hours": lambda v: checks.optional_text("hours", v, max_len=200),
    "eligibility": lambda v: checks.optional_text("eligibility", v, max_len=1000, multiline=True),
    "notes": lambda v: checks.optional_text("notes", v, max_len=2000, multiline=True),
    "active": _active,
}


def field_refusals(values: Mapping[str, Any]) -> list[ValidationError]:
    """Every refusal among `values` (field name -> value), one per field, in FIELD_RULES'
    order: a form or an import row can say all that is wrong at once."""
    out = []
    for name, rule in FIELD_RULES.items():
        if name in values:
            try:
                rule(values[name])
            except ValidationError as exc:
                out.append(exc)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CommunityResource:
    """One entry of the directory. Field names are the words the forms, the CLI options and
    the CSV columns use, and each refusal names one: ValidationError("name", "is required")."""

    name: str
    needs: tuple[Need, ...]
    phone: str = ""
    address: str = ""
    hours: str = ""  # "Mon-Fri 9-5"
    eligibility: str = ""  # "65 and older; county residents"
    notes: str = ""
    active: bool = True
    id: int | None = None

    def __post_init__(self) -> None:
        for name, rule in FIELD_RULES.items():
            object.__setattr__(self, name, rule(getattr(self, name)))

    def meets(self, need: Need) -> bool:
        return need in self.needs

    @property
    def needs_text(self) -> str:
        """The needs as one line: "food; transportation"."""
        return "; ".join(n.label for n in self.needs)


def listing_name(name: str) -> str:
    """A name as the directory compares it: without case, accents or extra spaces, the patient
    search's folding (caredesk.domain.text.fold): "Café  Rides" -> "cafe rides"."""
    return " ".join(fold(name).split())


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def same_listing(a: CommunityResource, b: CommunityResource) -> bool:
    """Two listings are one resource when their names match (listing_name) and their phones
    have the same digits ("(555) 010-2000" and "555.010.2000" are one number) or either has
    none: a listing without a phone cannot be told apart from one with. The same name with
    another phone is another site (a branch)."""
    if listing_name(a.name) != listing_name(b.name):
        return False
    mine, theirs = _digits(a.phone), _digits(b.phone)
    return not mine or not theirs or mine == theirs


def twin_refusal(twin: CommunityResource, resource: CommunityResource) -> str:
    """Why `resource` is refused when `twin` (in the directory) is the same listing
    (same_listing), naming what matched: the message of ValidationError("name", ...)."""
    if resource.phone and twin.phone:
        return f"is already in the directory with this phone (resource {twin.id})"
    if twin.phone:
        return (
            f"is already in the directory (resource {twin.id}, phone {twin.phone}); "
            "give this one's phone if it is another site"
        )
    if resource.phone:
        return f"is already in the directory without a phone (resource {twin.id}); add the phone to that one instead"
    return f"is already in the directory (resource {twin.id}, no phone either)"


def repeat_refusal(line: int, earlier: CommunityResource, row: CommunityResource) -> str:
    """Why an import row is refused when the row at `line` of the same file is the same listing."""
    if earlier.phone and row.phone:
        return f"repeats row {line} (same name and phone)"
    if earlier.phone:
        return f"repeats row {line} (same name; this row has no phone)"
    if row.phone:
        return f"repeats row {line} (same name; row {line} has no phone)"
    return f"repeats row {line} (same name, no phone in either)"


def name_matches(name: str, text: str) -> bool:
    """Whether a resource's name holds every word of `text`, folded as the patient search folds
    (caredesk.domain.text.fold): "cafe" finds "Café Rides", "pantry river" finds "Riverside Food
    Pantry"; "" matches every name."""
    folded = listing_name(name)
    return all(word in folded for word in fold(text).split())


def search(
    resources: Iterable[CommunityResource],
    *,
    need: Need | None = None,
    text: str = "",
    include_inactive: bool = False,
) -> list[CommunityResource]:
    """The resources meeting `need` (any when None) whose name holds `text` (name_matches),
    active ones only unless `include_inactive`, by name (folded: "Café" sorts with "Cafe")."""
    found = [
        r
        for r in resources
        if (include_inactive or r.active) and (need is None or r.meets(need)) and name_matches(r.name, text)
    ]
    return sorted(found, key=lambda r: (listing_name(r.name), r.id or 0))
