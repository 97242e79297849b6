"""Row <-> domain conversion. Field names match; the few that differ are named here."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from caredesk.domain import checks
from caredesk.domain.call_draft import CallDraft
from caredesk.domain.careplan import CarePlanContent, CarePlanDraft, CarePlanVersion
from caredesk.domain.coordination import Assessment
from caredesk.domain.patients import Patient, Phone
from caredesk.domain.safety import SafetyAction, SafetyCheck

T = TypeVar("T")
R = TypeVar("R", bound=Callable[..., Any])
E = TypeVar("E", bound=Enum)


def _stored(build: R) -> R:
    """Rebuilds a record from stored values: text saved under older rules loads, cleaned
    (domain.checks.READING_STORED), instead of making the whole chart or queue fail."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = checks.READING_STORED.set(True)  # not a contextmanager: ~20k rows per queue build
        try:
            return build(*args, **kwargs)
        finally:
            checks.READING_STORED.reset(token)

    return wrapper  # type: ignore[return-value]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def values_of(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values for a domain object (id left out when None, so the store assigns it)."""
    out = {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in skip}
    if out.get("id", 0) is None:
        del out["id"]
    return out


# Field names per record class, computed once (a plain dict: mypy does not see type[T] as
# hashable, so functools.cache would need an ignore at the call).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@_stored
def from_row(cls: type[T], row: Any, **extra: Any) -> T:
    """A domain object from an ORM instance or a plain result row (columns named like fields)."""
    kwargs = {n: getattr(row, n) for n in field_names(cls) if n not in extra and hasattr(row, n)}
    kwargs.update(extra)
    return cls(**kwargs)


_MEMBERS: dict[type, dict[Any, Any]] = {}


def members(enum: type[E]) -> dict[Any, E]:
    """{stored value: member} of an enum, made once: a dict lookup per row instead of
    Enum(value), which was a tenth of a queue build (68k of them at 2,000 patients)."""
    found = _MEMBERS.get(enum)
    if found is None:
        found = _MEMBERS[enum] = {e.value: e for e in enum}
    return found


def patient_values(p: Patient) -> dict[str, Any]:
    v = values_of(p, skip=("phones",))
    v["phones_json"] = json.dumps([{"number": ph.number, "kind": ph.kind} for ph in p.phones])
    return v


@_stored
def patient_from_row(row: Any) -> Patient:
    phones = tuple(Phone(**ph) for ph in json.loads(row.phones_json or "[]"))
    return from_row(Patient, row, phones=phones)


def assessment_values(a: Assessment) -> dict[str, Any]:
    """Columns of a screen; `complete` and `safety` are the domain's computed values."""
    v = values_of(a, skip=("answers", "result"))
    v["answers_json"] = json.dumps(list(a.answers))
    v["complete"], v["safety"] = a.complete, a.safety
    return v


@_stored
def assessment_from_row(row: Any) -> Assessment:
    return Assessment(
        id=row.id,
        patient_id=row.patient_id,
        instrument=row.instrument,
        taken_on=row.taken_on,
        answers=tuple(json.loads(row.answers_json)),
    )


def version_values(v: CarePlanVersion) -> dict[str, Any]:
    out = values_of(v, skip=("content",))
    out["content_json"] = json.dumps(v.content.to_dict(), sort_keys=True)
    return out


@_stored
def version_from_row(row: Any) -> CarePlanVersion:
    return from_row(CarePlanVersion, row, content=CarePlanContent.from_dict(json.loads(row.content_json)))


def draft_values(d: CarePlanDraft) -> dict[str, Any]:
    return {
        "patient_id": d.patient_id,
        "content_json": json.dumps(d.content.to_dict(), sort_keys=True),
        "updated_at": d.updated_at,
    }


@_stored
def draft_from_row(row: Any) -> CarePlanDraft:
    return CarePlanDraft(
        patient_id=row.patient_id,
        content=CarePlanContent.from_dict(json.loads(row.content_json)),
        updated_at=row.updated_at,
    )


def call_draft_values(d: CallDraft) -> dict[str, Any]:
    content = {k: v for k, v in values_of(d).items() if k not in ("patient_id", "updated_at")}
    content["follow_up"] = d.follow_up.isoformat() if d.follow_up else None
    return {"patient_id": d.patient_id, "content_json": json.dumps(content, sort_keys=True), "updated_at": d.updated_at}


@_stored
def call_draft_from_row(row: Any) -> CallDraft:
    content = json.loads(row.content_json)
    follow_up = content.pop("follow_up", None)
    return CallDraft(
        patient_id=row.patient_id,
        updated_at=row.updated_at,
        follow_up=date.fromisoformat(follow_up) if follow_up else None,
        **content,
    )


def safety_check_values(c: SafetyCheck) -> dict[str, Any]:
    v = values_of(c, skip=("actions",))
    v["actions_json"] = json.dumps([a.value for a in c.actions])
    return v


@_stored
def safety_check_from_row(row: Any) -> SafetyCheck:
    return from_row(SafetyCheck, row, actions=tuple(SafetyAction(a) for a in json.loads(row.actions_json)))
