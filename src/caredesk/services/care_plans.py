"""Care-plan use cases: the autosaved draft, finalizing versions, the copy given, the diff.

A patient has one editable draft and numbered, immutable finalized versions. Only the
copy-given record (date and method) is ever added to a version afterwards.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import CarePlanContent, CarePlanDraft, CarePlanVersion, GivenMethod
from caredesk.domain.careplan_rules import diff, finalize_problems
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

ENTITY = "care plan version"


class FinalizeRefused(ValidationError):
    """The draft is not ready; `.problems` lists every reason, each naming its item."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("care plan", "cannot be finalized yet:\n" + "\n".join(f"- {p}" for p in problems))


# -- draft --------------------------------------------------------------------------------
def get_draft(ws: Workspace, patient_id: int) -> CarePlanDraft:
    """The saved draft; else one started from the latest version; else an empty one."""
    with ws.uow() as uow:
        return _current_draft(uow, patient_id)


def save_draft(ws: Workspace, patient_id: int, content: CarePlanContent) -> Saved[CarePlanDraft]:
    """Autosave: one small transaction, not audited (it runs on every pause in typing;
    the finalize that follows is what the audit log records)."""
    draft = CarePlanDraft(patient_id=patient_id, content=content, updated_at=ws.clock.now())
    with ws.uow() as uow:
        _require_patient(uow, patient_id)
        uow.care_plans.save_draft(draft)
        uow.commit()
    return Saved(draft, Changes.of([patient_id], Kind.CARE_PLAN))


# -- versions -----------------------------------------------------------------------------
def finalize(ws: Workspace, patient_id: int, finalized_by: str) -> Saved[CarePlanVersion]:
    """The draft becomes the next numbered version; the draft stays for the next revision.

    Refused (FinalizeRefused) when the draft fails the finalize rules or is identical to
    the latest version, so a double click cannot make two equal versions.
    """
    with ws.uow() as uow:
        draft = _current_draft(uow, patient_id)
        latest = uow.care_plans.latest(patient_id)
        problems = [str(e) for e in finalize_problems(draft.content, ws.today())]
        if latest is not None and not problems and latest.content == draft.content:
            problems.append(f"Care plan: nothing changed since version {latest.number}")
        if problems:
            raise FinalizeRefused(problems)
        version = uow.care_plans.add_version(
            CarePlanVersion(
                patient_id=patient_id,
                number=(latest.number if latest else 0) + 1,
                content=draft.content,
                finalized_at=ws.clock.now(),
                finalized_by=finalized_by,
            )
        )
        uow.audit(actions.CARE_PLAN_FINALIZED, ENTITY, version.id, f"patient {patient_id} version {version.number}")
        uow.commit()
    return Saved(version, Changes.of([patient_id], Kind.CARE_PLAN))


def versions(ws: Workspace, patient_id: int) -> list[CarePlanVersion]:
    """Every finalized version, oldest first."""
    with ws.uow() as uow:
        return uow.care_plans.versions(patient_id)


def record_copy_given(
    ws: Workspace, patient_id: int, number: int, on: date, method: GivenMethod | str
) -> Saved[CarePlanVersion]:
    """Record when and how the patient got a copy of a version; once per version."""
    method, on = _given_checks(ws, method, on)
    with ws.uow() as uow:
        saved = _record_given(uow, ws, patient_id, number, on, method)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.CARE_PLAN))


def record_copies_given(
    ws: Workspace, versions: list[tuple[int, int]], on: date, method: GivenMethod | str
) -> Saved[int]:
    """The same for many (patient id, version number) pairs, all or none, in one transaction.

    A version already given (from the chart, another window, the CLI) is skipped, not an
    error; any other refusal records nothing and says which pair (`row`, from 1). `value`:
    how many were recorded.
    """
    method, on = _given_checks(ws, method, on)
    count = 0
    recorded: list[int] = []
    with ws.uow() as uow:
        for row, (patient_id, number) in enumerate(versions, 1):
            try:
                version = _version(uow, patient_id, number)
                if version.given_on is not None:
                    continue
                _record_given(uow, ws, patient_id, number, on, method)
            except ValidationError as exc:
                raise ValidationError(exc.field, exc.message, row=row) from None
            count += 1
            recorded.append(patient_id)
        uow.commit()
    return Saved(count, Changes.of(recorded, Kind.CARE_PLAN))


def version_diff(ws: Workspace, patient_id: int, a: int, b: int) -> list[str]:
    """What changed from version `a` to version `b`, in words."""
    with ws.uow() as uow:
        return diff(_version(uow, patient_id, a).content, _version(uow, patient_id, b).content)


def draft_changes(ws: Workspace, patient_id: int) -> list[str]:
    """What the draft changes against the latest version (all of it when there is none)."""
    with ws.uow() as uow:
        latest = uow.care_plans.latest(patient_id)
        old = latest.content if latest else CarePlanContent()
        return diff(old, _current_draft(uow, patient_id).content)


def due_plans(ws: Workspace) -> list[CarePlanVersion]:
    """Each active or paused patient's latest version whose copy is not given yet, by name.

    Older versions never given are left out: the patient needs the current plan.
    """
    with ws.uow() as uow:
        return uow.care_plans.due()


# -- helpers ------------------------------------------------------------------------------
def _current_draft(uow: UnitOfWork, patient_id: int) -> CarePlanDraft:
    saved = uow.care_plans.draft(patient_id)
    if saved is not None:
        return saved
    _require_patient(uow, patient_id)
    latest = uow.care_plans.latest(patient_id)
    content = latest.content if latest else CarePlanContent()
    return CarePlanDraft(patient_id=patient_id, content=content)


def _given_checks(ws: Workspace, method: GivenMethod | str, on: date) -> tuple[GivenMethod, date]:
    method = checks.one_of("copy given method", method, GivenMethod)
    on = checks.a_date("copy given date", on)
    if on > ws.today():
        raise ValidationError("copy given date", "cannot be in the future")
    return method, on


def _record_given(
    uow: UnitOfWork, ws: Workspace, patient_id: int, number: int, on: date, method: GivenMethod
) -> CarePlanVersion:
    version = _version(uow, patient_id, number)
    if on < version.finalized_at.astimezone(ws.tz).date():
        raise ValidationError("copy given date", f"cannot be before version {number} was finalized")
    if version.given_on is not None:
        raise ValidationError("copy given", f"version {number} was already given on {us_date(version.given_on)}")
    assert version.id is not None  # read from the store
    saved = uow.care_plans.set_copy_given(version.id, on, method.value)
    assert saved is not None  # checked above, in the same transaction
    uow.audit(actions.COPY_GIVEN, ENTITY, saved.id, f"patient {patient_id} version {number} {method.value}")
    return saved


def _version(uow: UnitOfWork, patient_id: int, number: int) -> CarePlanVersion:
    version = uow.care_plans.version(patient_id, number)
    if version is None:
        raise ValidationError("version", f"there is no version {number} of this care plan")
    return version


def _require_patient(uow: UnitOfWork, patient_id: int) -> None:
    if uow.patients.get(patient_id) is None:
        raise NotFound("patient")
