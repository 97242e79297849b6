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
from datetime import date, tzinfo
from typing import Any

from caredesk.domain import audit as actions
from caredesk.domain.appointments import Appointment
from caredesk.domain.calendar import us_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.community import CommunityResource, listing_name
from caredesk.domain.contacts import Contact, TimeEntry
from caredesk.domain.coordination import Assessment, Transition
from caredesk.domain.incoming import (
    Action,
    ImportPlan,
    ImportProblem,
    IncomingPatient,
    IncomingReferral,
    PlannedPatient,
)
from caredesk.domain.patients import Patient
from caredesk.domain.safety import SafetyCheck
from caredesk.domain.text import fold
from caredesk.errors import Cancelled, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.enrollments import ENROLLMENT_FIELDS
from caredesk.services.panel_merge import Merge, OnFile, merge
from caredesk.services.workspace import Workspace
from caredesk.store.panel_rows import unpadded_mrn
from caredesk.store.uow import UnitOfWork

PROGRESS_EVERY = 50  # patients between progress reports and cancel checks
STALE = "the store changed since the preview; preview again"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an accepted import did: patients added, updated, left unchanged, and the ids of
    the patients added (in the plan's order), then of those updated."""

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
    twice = _duplicates(incoming, source.split()[-1] if source else "file")
    planned: list[PlannedPatient] = []
    today = ws.today()
    with ws.reading() as uow:
        store = _Stored(uow, [one for index, one in enumerate(incoming) if index not in twice])
        for index, one in enumerate(incoming):
            if index in twice:
                if twice[index] not in refused:  # one resource given twice: said once
                    refused.append(twice[index])
                continue
            try:
                stored = store.match(one)
                merged = merge(one, store.on_file(stored), today, ws.tz)
            except ValidationError as exc:
                refused.append(_problem(one, exc))
                continue
            action = _action(stored, merged)
            changes = merged.changes if action is Action.UPDATE else ()
            if merged.flags:  # the store's side of a flag (minutes the file gives differently)
                one = replace(one, flags=(*one.flags, *merged.flags))
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
    with ws.uow() as uow:
        store = _Stored(uow, [p.incoming for p in plan.patients])
        accepted: list[tuple[Patient | None, Merge]] = []
        for index, planned in enumerate(plan.patients):
            if index % PROGRESS_EVERY == 0:
                _tick(index, total, progress, cancelled)
            stored, merged = _again(store, planned, today, ws.tz)
            if planned.action is not Action.SAME:
                accepted.append((stored, merged))
        added, updated, kinds = _write(uow, accepted, ws.tz)
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


def _duplicates(incoming: Sequence[IncomingPatient], noun: str) -> dict[int, ImportProblem]:
    """Every row whose MRN another row of the file (`noun`: "file", "bundle") also has, with
    a problem naming the others; one resource given twice is said as such."""
    rows: dict[str, list[int]] = defaultdict(list)
    for index, one in enumerate(incoming):
        rows[_key(one)].append(index)
    out = {}
    for indexes in rows.values():
        for index in indexes if len(indexes) > 1 else ():
            one = incoming[index]
            others = ", ".join(dict.fromkeys(incoming[i].where for i in indexes if incoming[i].where != one.where))
            if not others:  # the same resource given twice ("MRN also on Patient/x" named itself)
                why = f"{one.where} is in the {noun} twice"
            else:
                why = f"MRN also on {others}"
            out[index] = ImportProblem(one.where, "MRN", one.patient.mrn, why)
    return out


class _Stored:
    """What the store holds for the incoming patients' MRNs, read in a few queries
    (store.panel_rows) when the unit of work begins."""

    def __init__(self, uow: UnitOfWork, incoming: Sequence[IncomingPatient]):
        self.matches = uow.panel.by_mrns(one.patient.mrn for one in incoming)
        unmatched = [one.patient.mrn for one in incoming if one.patient.mrn.strip() not in self.matches]
        self.unpadded = uow.panel.by_unpadded_mrns(unmatched)
        ids = [p.id for p in self.matches.values() if p is not None and p.id is not None]
        self.records = {name: uow.panel.records(name, ids) for name in _KINDS}
        self.records |= uow.panel.history(ids)
        self.versions = uow.panel.version_counts(ids)
        self.referrals = uow.panel.referrals(ids)
        self.devices = uow.rpm_devices.for_patients(ids)

    def match(self, one: IncomingPatient) -> Patient | None:
        """The stored patient with this MRN (as Patients.by_mrn finds one). Two stored MRNs
        differing only by case, neither the file's exactly, cannot be told apart: refused
        (ValidationError on "MRN")."""
        mrn = one.patient.mrn.strip()
        if mrn in self.matches and self.matches[mrn] is None:
            raise ValidationError(
                "MRN", "matches two stored patients whose MRNs differ only by case; correct one first"
            )
        if mrn not in self.matches:
            self._zeros_lost(one)
        return self.matches.get(mrn)

    def _zeros_lost(self, one: IncomingPatient) -> None:
        """Refuse an MRN that is a stored one with its leading zeros lost (both compared with
        their zeros stripped: a spreadsheet that read the MRN column as numbers wrote 00012345
        as 12345) when the family name (case and accents folded) and the date of birth are that
        patient's too: added, it would duplicate the patient. Another name or birth date is
        another patient with a similar number, added as usual. The other way round (the stored
        MRN is the shorter: an earlier file lost the zeros) the stored MRN is to be corrected."""
        p = one.patient
        for stored in self.unpadded.get(unpadded_mrn(p.mrn), ()):
            if stored.birth_date == p.birth_date and fold(stored.family_name) == fold(p.family_name):
                mrn = p.mrn.strip()
                if len(mrn) < len(stored.mrn.strip()):
                    raise ValidationError(
                        "MRN",
                        f"MRN {mrn} looks like {stored.mrn} with its leading zeros lost (same name and date of "
                        "birth); format the MRN column as text in the spreadsheet and export again",
                    )
                raise ValidationError(
                    "MRN",
                    f"MRN {mrn} looks like the stored MRN {stored.mrn} with its leading zeros lost (same name and "
                    "date of birth); correct that patient's MRN in the chart, then import again",
                )

    def on_file(self, stored: Patient | None) -> OnFile | None:
        if stored is None or stored.id is None:
            return None
        pid = stored.id
        kinds = {name: tuple(self.records[name].get(pid, ())) for name in (*_KINDS, *_HISTORY)}
        referred = tuple(self.referrals.get(pid, ()))
        devices = tuple(self.devices.get(pid, ()))
        versions = self.versions.get(pid, 0)
        return OnFile(patient=stored, care_plan_versions=versions, referrals=referred, rpm_devices=devices, **kinds)


_KINDS = (
    "enrollments",
    "conditions",
    "allergies",
    "medications",
    "care_team",
    "observations",
    "transitions",
    "tasks",
    "appointments",
    "observation_targets",
)
_BULK = tuple(k for k in _KINDS if k not in ("transitions", "appointments"))  # those two: stays' ids first
_HISTORY = ("contacts", "time_entries", "assessments", "safety_checks")  # store.panel_rows.history


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
def _again(store: _Stored, planned: PlannedPatient, today: date, tz: tzinfo) -> tuple[Patient | None, Merge]:
    """The match and merge redone inside the write transaction; ValidationError (STALE) when
    they differ from the preview."""
    one = planned.incoming
    try:
        stored = store.match(one)
        merged = merge(one, store.on_file(stored), today, tz)
    except ValidationError:
        raise ValidationError(one.where, STALE) from None
    same_patient = (None if stored is None else stored.id) == planned.patient_id
    action = _action(stored, merged)
    changes = merged.changes if action is Action.UPDATE else ()
    if not same_patient or action is not planned.action or changes != planned.changes:
        raise ValidationError(one.where, STALE)
    return stored, merged


def _write(
    uow: UnitOfWork, accepted: list[tuple[Patient | None, Merge]], tz: tzinfo
) -> tuple[list[int], list[int], set[Kind]]:
    """Every accepted merge through the unit of work: new patients and each kind of record in
    one statement each (store.panel_rows), updates one by one; contacts before their minutes,
    which then point at the new contacts' ids, screens before their safety checks likewise. Returns the ids added, the ids updated and the
    kinds of record touched."""
    new_ids = iter(uow.panel.add_patients([merged.patient for stored, merged in accepted if stored is None]))
    added: list[int] = []
    updated: list[int] = []
    kinds: set[Kind] = set()
    records: dict[str, list[Any]] = {name: [] for name in _BULK}
    stays: list[Transition] = []
    visits: list[tuple[Appointment, int | None]] = []  # a new stay's place in `stays`
    versions: list[CarePlanVersion] = []
    contacts: list[Contact] = []
    entries: list[tuple[TimeEntry, int | None]] = []  # a new contact's place in `contacts`
    screens: list[Assessment] = []
    safety: list[tuple[SafetyCheck, int | None]] = []  # a new screen's place in `screens`
    referred: list[tuple[IncomingReferral, int | None]] = []  # likewise
    events: list[tuple[str, str, object, str]] = []
    for stored, merged in accepted:
        if stored is None:
            pid = next(new_ids)
            added.append(pid)
        else:
            pid = stored.id or 0
            updated.append(pid)
            if merged.changed:
                uow.patients.update(merged.patient)
        kinds |= merged.kinds(added=stored is None)
        for e in merged.consents:  # changed as the chart's change_enrollment audits a change
            was = uow.enrollments.get(e.id or 0)
            fields = [label for key, label in ENROLLMENT_FIELDS.items() if getattr(was, key, None) != getattr(e, key)]
            uow.enrollments.update(e)
            events.append((actions.RECORD_CHANGED, "enrollment", e.id, "imported: " + "; ".join(fields)))
        if merged.replaces_none_known is not None:  # the app's rule: a real allergy replaces it
            uow.allergies.remove(merged.replaces_none_known)
            events.append((actions.RECORD_REMOVED, "allergy", merged.replaces_none_known, _NONE_KNOWN_REPLACED))
        for name in _BULK:
            records[name] += [replace(r, patient_id=pid, id=None) for r in getattr(merged, name)]
        first = len(stays)
        stays += [replace(t, patient_id=pid, id=None) for t in merged.transitions]
        for a, link in zip(merged.appointments, merged.appointment_stays, strict=True):
            visits.append((replace(a, patient_id=pid, id=None), None if link is None else first + link))
        versions += [replace(v, patient_id=pid, id=None) for v in merged.care_plans]
        first = len(contacts)
        contacts += [replace(c, patient_id=pid, id=None) for c in merged.contacts]
        for minutes, link in zip(merged.time_entries, merged.entry_contacts, strict=True):
            entries.append((replace(minutes, patient_id=pid, id=None), None if link is None else first + link))
        first = len(screens)
        screens += [replace(a, patient_id=pid, id=None) for a in merged.assessments]
        for check, link in zip(merged.safety_checks, merged.check_screens, strict=True):
            safety.append((replace(check, patient_id=pid, id=None), None if link is None else first + link))
        for device in merged.rpm_devices:  # with its reading days (store.rpm_devices)
            uow.rpm_devices.add(replace(device, patient_id=pid, id=None))
        for one, link in zip(merged.referrals, merged.referral_screens, strict=True):
            sent = replace(one, referral=replace(one.referral, patient_id=pid, id=None))
            referred.append((sent, None if link is None else first + link))
        events.append(_audited(stored, merged, pid))
    for name, rows in records.items():
        uow.panel.add_records(name, rows)
    uow.panel.add_versions(versions)
    stay_ids = uow.panel.add_transitions(stays)
    uow.panel.add_records(
        "appointments", [a if n is None else replace(a, transition_id=stay_ids[n]) for a, n in visits]
    )
    contact_ids = uow.panel.add_contacts(contacts, tz)
    uow.panel.add_time_entries(m if n is None else replace(m, contact_id=contact_ids[n]) for m, n in entries)
    screen_ids = uow.panel.add_assessments(screens)
    uow.panel.add_safety_checks(c if n is None else replace(c, assessment_id=screen_ids[n]) for c, n in safety)
    events += _add_referrals(uow, [(x, None if n is None else screen_ids[n]) for x, n in referred])
    uow.audit_many(events)
    return added, updated, kinds


def _add_referrals(
    uow: UnitOfWork, referred: list[tuple[IncomingReferral, int | None]]
) -> list[tuple[str, str, object, str]]:
    """The referrals, each to the directory's resource of its name (folded as the directory
    compares names), else to one added meeting its need; the screen's new id when it came in
    too. Returns the audit events of the resources added (the referrals' patients' events
    count the referrals)."""
    if not referred:
        return []
    directory = {listing_name(r.name): r for r in uow.resources.all()}
    events: list[tuple[str, str, object, str]] = []
    for one, screen_id in referred:
        resource = directory.get(listing_name(one.resource))
        if resource is None:
            resource = uow.resources.add(CommunityResource(name=one.resource, needs=(one.referral.need,)))
            directory[listing_name(one.resource)] = resource
            events.append((actions.RECORD_CREATED, "community resource", resource.id, "imported with a referral"))
        r = one.referral
        uow.referrals.add(
            replace(r, resource_id=resource.id or 0, assessment_id=r.assessment_id if screen_id is None else screen_id)
        )
    return events


_NONE_KNOWN_REPLACED = "no known allergies, replaced by an allergy"  # as services.clinical.add_allergy says


def _audited(stored: Patient | None, merged: Merge, pid: int) -> tuple[str, str, object, str]:
    """One patient's audit event: by id, with field labels and record counts, never values."""
    counts = merged.counts()
    if stored is None:
        return actions.RECORD_CREATED, "patient", pid, f"imported{' with ' + counts if counts else ''}"
    what = [*merged.changed]
    if merged.consents:
        what.append("enrollment changed")
    if counts:
        what.append(f"added {counts}")
    return actions.RECORD_CHANGED, "patient", pid, "imported: " + "; ".join(what)


def _tick(
    done: int, total: int, progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None
) -> None:
    if progress is not None:
        progress(done, total)
    if cancelled is not None and cancelled():
        raise Cancelled("The import was cancelled: nothing was stored.")
