"""The one import service: preview what a file's patients change, then store them all or none.

Every reader (interop's CSV and FHIR) turns its file into IncomingPatient values and the
problems it found (domain.incoming), then:

    plan = plan_import(ws, incoming, problems, source="CSV file")   # read-only: the preview
    saved = apply_import(ws, plan, progress=..., cancelled=...)     # one transaction

`plan_import` matches each patient to the store by MRN (as `caredesk patient` finds one:
Unicode forms folded, leading zeros kept, case ignored), refuses every row of an MRN the
file holds twice, applies the store's own rules (services.panel_merge) and says ADD, UPDATE
(with what changes) or SAME. `apply_import` does it again inside its write transaction: if
the store changed since the preview it refuses and stores nothing. Issue 13, SPEC section 7.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from caredesk.domain import audit as actions
from caredesk.domain.calendar import us_date
from caredesk.domain.incoming import Action, ImportPlan, ImportProblem, IncomingPatient, PlannedPatient
from caredesk.domain.patients import Patient
from caredesk.errors import Cancelled, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.panel_merge import Merge, OnFile, merge
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

PROGRESS_EVERY = 50  # patients between progress reports and cancel checks
STALE = "the store changed since the preview; preview again"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an accepted import did: patients added, updated, left unchanged, and the ids of
    the patients it added or updated (in the plan's order)."""

    added: int
    updated: int
    unchanged: int
    patient_ids: tuple[int, ...]


def plan_import(
    ws: Workspace, incoming: Sequence[IncomingPatient], problems: Sequence[ImportProblem], *, source: str
) -> ImportPlan:
    """The preview of an import: reads the store only (one read-only unit of work).

    `incoming`: the patients the reader accepted; `problems`: the rows it refused (kept, in
    front of the ones found here); `source`: the kind of file for the audit ("CSV file",
    "FHIR bundle"), never its name (a file's name may hold a patient's). A patient refused
    here (an MRN on another row of the file; a date of birth not before today; an
    enrollment's dates or a condition's onset against the patient) becomes an ImportProblem
    naming the row and field, and none of its records come in.
    """
    refused = list(problems)
    twice = _duplicates(incoming)
    planned: list[PlannedPatient] = []
    today = ws.today()
    with ws.reading() as uow:
        for index, one in enumerate(incoming):
            if index in twice:
                refused.append(twice[index])
                continue
            try:
                stored = _match(uow, one)
                merged = merge(one, _on_file(uow, stored), today)
            except ValidationError as exc:
                refused.append(_problem(one, exc))
                continue
            action = _action(stored, merged)
            changes = merged.changes if action is Action.UPDATE else ()
            planned.append(PlannedPatient(one, action, changes, None if stored is None else stored.id))
    return ImportPlan(source=source, patients=tuple(planned), problems=tuple(refused))


def apply_import(
    ws: Workspace,
    plan: ImportPlan,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Saved[ImportResult]:
    """Store an accepted preview: every ADD and UPDATE in one transaction, or nothing.

    Inside the transaction each patient is matched and merged again; any difference from
    the preview (a patient added, changed or removed meanwhile) raises ValidationError
    naming the row: "the store changed since the preview; preview again". `progress(i, n)`
    is called every PROGRESS_EVERY patients and at the end; `cancelled()` is asked as often
    and once more before the commit: True raises Cancelled, nothing stored. A plan whose
    patients are all SAME writes nothing (not even an audit event). Audited: record.created
    or record.changed per patient by id (changed field names and record counts, no values),
    and one "imported" event with the source kind and the counts. StoreBusy / DiskFull as
    any write.
    """
    today = ws.today()
    total = len(plan.patients)
    added: list[int] = []
    updated: list[int] = []
    kinds: set[Kind] = set()
    with ws.uow() as uow:
        for index, planned in enumerate(plan.patients):
            if index % PROGRESS_EVERY == 0:
                _tick(index, total, progress, cancelled)
            stored, merged = _again(uow, planned, today)
            if planned.action is Action.SAME:
                continue
            patient_id = _write(uow, stored, merged)
            (added if stored is None else updated).append(patient_id)
            kinds |= merged.kinds(added=stored is None)
        _tick(total, total, progress, cancelled)
        if added or updated:
            counts = f"{len(added)} added, {len(updated)} updated, {total - len(added) - len(updated)} unchanged"
            uow.audit(actions.IMPORTED, "patients", detail=f"{plan.source}: {counts}, {len(plan.problems)} refused")
            uow.commit()
    ids = (*added, *updated)
    result = ImportResult(len(added), len(updated), total - len(ids), tuple(ids))
    return Saved(result, Changes.of(ids, *kinds) if ids else Changes())


# -- matching -------------------------------------------------------------------------------
def _key(one: IncomingPatient) -> str:
    """The MRN as the store compares it (Patient already folded it with plain_mrn)."""
    return one.patient.mrn.strip().lower()


def _duplicates(incoming: Sequence[IncomingPatient]) -> dict[int, ImportProblem]:
    """Every row whose MRN another row of the file also has, with a problem naming the others."""
    rows: dict[str, list[int]] = defaultdict(list)
    for index, one in enumerate(incoming):
        rows[_key(one)].append(index)
    out = {}
    for indexes in rows.values():
        for index in indexes if len(indexes) > 1 else ():
            others = ", ".join(incoming[i].where for i in indexes if i != index)
            one = incoming[index]
            out[index] = ImportProblem(one.where, "MRN", one.patient.mrn, f"MRN also on {others}")
    return out


def _match(uow: UnitOfWork, one: IncomingPatient) -> Patient | None:
    """The stored patient with this MRN. Two stored MRNs differing only by case, neither the
    file's exactly, cannot be told apart: refused (ValidationError on "MRN")."""
    stored = uow.patients.by_mrn(one.patient.mrn)
    if stored is None and uow.patients.mrn_taken(one.patient.mrn):
        raise ValidationError("MRN", "matches two stored patients whose MRNs differ only by case; correct one first")
    return stored


def _on_file(uow: UnitOfWork, stored: Patient | None) -> OnFile | None:
    if stored is None or stored.id is None:
        return None
    pid = stored.id
    return OnFile(
        patient=stored,
        enrollments=tuple(uow.enrollments.for_patient(pid)),
        conditions=tuple(uow.conditions.for_patient(pid)),
        allergies=tuple(uow.allergies.for_patient(pid)),
        medications=tuple(uow.medications.for_patient(pid)),
        care_team=tuple(uow.care_team.for_patient(pid)),
        observations=tuple(uow.observations.for_patient(pid)),
        care_plan_versions=len(uow.care_plans.versions(pid)),
    )


def _action(stored: Patient | None, merged: Merge) -> Action:
    if stored is None:
        return Action.ADD
    return Action.UPDATE if merged.changes else Action.SAME


def _problem(one: IncomingPatient, exc: ValidationError) -> ImportProblem:
    """A refusal by the store's rules as the preview lists it: the row, the field, the value."""
    value = ""
    if exc.field == "date of birth":
        value = us_date(one.patient.birth_date)
    elif exc.field == "MRN":
        value = one.patient.mrn
    return ImportProblem(one.where, exc.field, value, exc.message)


# -- storing --------------------------------------------------------------------------------
def _again(uow: UnitOfWork, planned: PlannedPatient, today: date) -> tuple[Patient | None, Merge]:
    """The match and merge redone inside the write transaction; ValidationError (STALE) when
    they differ from the preview."""
    one = planned.incoming
    try:
        stored = _match(uow, one)
        merged = merge(one, _on_file(uow, stored), today)
    except ValidationError:
        raise ValidationError(one.where, STALE) from None
    same_patient = (None if stored is None else stored.id) == planned.patient_id
    action = _action(stored, merged)
    changes = merged.changes if action is Action.UPDATE else ()
    if not same_patient or action is not planned.action or changes != planned.changes:
        raise ValidationError(one.where, STALE)
    return stored, merged


def _write(uow: UnitOfWork, stored: Patient | None, merged: Merge) -> int:
    """One patient's merge through the unit of work's repositories; returns the patient's id."""
    if stored is None:
        saved = uow.patients.add(merged.patient)
    elif merged.changed:
        saved = uow.patients.update(merged.patient)
    else:
        saved = stored
    pid = saved.id
    assert pid is not None  # the store numbered it
    for e in merged.consents:
        uow.enrollments.update(e)
    if merged.replaces_none_known is not None:  # the app's rule: a real allergy replaces it
        uow.allergies.remove(merged.replaces_none_known)
        uow.audit(
            actions.RECORD_REMOVED, "allergy", merged.replaces_none_known, "no known allergies, replaced by an allergy"
        )
    for repo, records in (
        (uow.enrollments, merged.enrollments),
        (uow.conditions, merged.conditions),
        (uow.allergies, merged.allergies),
        (uow.medications, merged.medications),
        (uow.care_team, merged.care_team),
        (uow.observations, merged.observations),
    ):
        for record in records:
            repo.add(replace(record, patient_id=pid))
    for version in merged.care_plans:
        uow.care_plans.add_version(replace(version, patient_id=pid))
    counts = merged.counts()
    if stored is None:
        uow.audit(actions.RECORD_CREATED, "patient", pid, f"imported{' with ' + counts if counts else ''}")
    else:
        what = [*merged.changed]
        if merged.consents:
            what.append("enrollment filled in")
        if counts:
            what.append(f"added {counts}")
        uow.audit(actions.RECORD_CHANGED, "patient", pid, "imported: " + "; ".join(what))
    return pid


def _tick(
    done: int, total: int, progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None
) -> None:
    if progress is not None:
        progress(done, total)
    if cancelled is not None and cancelled():
        raise Cancelled("The import was cancelled: nothing was stored.")
