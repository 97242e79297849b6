"""Many patients' rows at once, for an import of a whole panel (services.panel_import) and
the FHIR export of one (services.panel_export).

The per-record repositories flush one row at a time and match one MRN per query, with a
scan of the patients table for each MRN nobody has: for a 2,000-row registry that is
thousands of round trips and a scan that grows with every patient added. Here an import
reads the patients its MRNs match, and their records, in a few queries, and writes each kind
of record in one executemany; an export reads every table once per _CHUNK patients (reading
each patient's records in turn was ~27 queries a patient, 4,650 for the 170-patient demo).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import tzinfo
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caredesk.domain.calendar import local_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.contacts import Contact, TimeEntry, Voided
from caredesk.domain.coordination import Assessment, Transition
from caredesk.domain.incoming import IncomingReferral
from caredesk.domain.patients import Patient
from caredesk.domain.referrals import Referral
from caredesk.domain.rpm_devices import RpmDevice
from caredesk.domain.safety import SafetyCheck
from caredesk.errors import ValidationError
from caredesk.store import community
from caredesk.store import mapping as m
from caredesk.store import models as t
from caredesk.store.record_rows import REPO_TABLES, bulk_insert
from caredesk.store.rpm_devices import RpmDevices

_CHUNK = 500  # values per IN (...): well under SQLite's limit on bound parameters


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def unpadded_mrn(mrn: str) -> str:
    """An MRN as by_unpadded_mrns compares it: spaces around it, case and leading zeros dropped."""
    return mrn.strip().lower().lstrip("0")


class PanelRows:
    def __init__(self, session: Session):
        self.s = session

    def by_mrns(self, mrns: Iterable[str]) -> dict[str, Patient | None]:
        """For each MRN some stored patient has (compared as Patients.mrn_taken compares: case
        and surrounding spaces ignored), keyed by the MRN as given without surrounding spaces:
        the patient Patients.by_mrn finds (the exact MRN, else the one differing by case), or
        None when two stored MRNs differ from it only by case and neither is it exactly.
        MRNs nobody has are left out."""
        given = {mrn.strip() for mrn in mrns}
        folded = func.lower(func.trim(t.PatientRow.mrn))
        stored: dict[str, list[t.PatientRow]] = defaultdict(list)
        for keys in _chunks(sorted({mrn.lower() for mrn in given})):
            for key, row in self.s.execute(select(folded, t.PatientRow).where(folded.in_(keys))):
                stored[key].append(row)
        out: dict[str, Patient | None] = {}
        for mrn in given:
            rows = stored.get(mrn.lower(), [])
            exact = [r for r in rows if r.mrn == mrn]
            if exact or len(rows) == 1:
                out[mrn] = m.patient_from_row((exact or rows)[0])
            elif rows:
                out[mrn] = None
        return out

    def by_unpadded_mrns(self, mrns: Iterable[str]) -> dict[str, list[Patient]]:
        """The stored patients whose MRN, its leading zeros stripped, is one of these MRNs with
        theirs stripped (case and surrounding spaces ignored), keyed by that stripped, lower-case
        MRN: "12345" finds "00012345" (a spreadsheet that read an MRN column as numbers dropped
        its zeros). In batches of _CHUNK, one scan of the patients table each; an all-zero MRN
        is left out (it would match every other all-zero MRN and nothing useful)."""
        unpadded = func.ltrim(func.lower(func.trim(t.PatientRow.mrn)), "0")
        keys = sorted({k for mrn in mrns if (k := unpadded_mrn(mrn))})
        out: dict[str, list[Patient]] = defaultdict(list)
        for chunk in _chunks(keys):
            for key, row in self.s.execute(select(unpadded, t.PatientRow).where(unpadded.in_(chunk))):
                out[key].append(m.patient_from_row(row))
        return out

    def records(self, name: str, patient_ids: Collection[int], *, order: Sequence[str] = ()) -> dict[int, list[Any]]:
        """The records of one kind of REPO_TABLES ("conditions") of these patients, by patient,
        each patient's in the order stored, or sorted by the `order` columns of its row
        ("-observed_on" descending) and, where they tie, in the order stored."""
        row_cls: Any = REPO_TABLES[name][0]
        domain_cls = REPO_TABLES[name][1]
        return self._by_patient(row_cls, lambda row: m.from_row(domain_cls, row), patient_ids, order)

    def _by_patient(
        self, row_cls: Any, read: Callable[[Any], Any], patient_ids: Collection[int], order: Sequence[str] = ()
    ) -> dict[int, list[Any]]:
        columns = [getattr(row_cls, c[1:]).desc() if c.startswith("-") else getattr(row_cls, c) for c in order]
        out: dict[int, list[Any]] = defaultdict(list)
        for ids in _chunks(sorted(patient_ids)):
            rows = self.s.scalars(select(row_cls).where(row_cls.patient_id.in_(ids)).order_by(*columns, row_cls.id))
            for row in rows:
                out[row.patient_id].append(read(row))
        return out

    def patients(self, patient_ids: Collection[int]) -> dict[int, Patient]:
        """These patients by id (those not stored are left out)."""
        out: dict[int, Patient] = {}
        for ids in _chunks(sorted(patient_ids)):
            for row in self.s.scalars(select(t.PatientRow).where(t.PatientRow.id.in_(ids))):
                out[row.id] = m.patient_from_row(row)
        return out

    def voided(self, patient_ids: Collection[int]) -> dict[str, dict[int, list[Voided]]]:
        """The voided contacts and time entries of these patients ("contacts", "time_entries"),
        by patient, in the order stored (as Contacts.voided_for_patient gives one patient's)."""
        kinds: dict[str, tuple[Any, Any]] = {
            "contacts": (t.VoidedContactRow, Contact),
            "time_entries": (t.VoidedTimeEntryRow, TimeEntry),
        }

        def reader(cls: Any) -> Callable[[Any], Voided]:
            def read(r: Any) -> Voided:
                return Voided(record=m.from_row(cls, r), voided_at=r.voided_at, voided_by=r.voided_by, reason=r.reason)

            return read

        return {name: self._by_patient(row_cls, reader(cls), patient_ids) for name, (row_cls, cls) in kinds.items()}

    def screens(self, patient_ids: Collection[int]) -> tuple[dict[int, list[Assessment]], dict[int, list[SafetyCheck]]]:
        """These patients' screens (oldest first, as Assessments.for_patient) and safety checks
        (oldest first, as SafetyChecks.for_patient), by patient."""
        return (
            self._by_patient(t.AssessmentRow, m.assessment_from_row, patient_ids, ("taken_on",)),
            self._by_patient(t.SafetyCheckRow, m.safety_check_from_row, patient_ids, ("checked_at",)),
        )

    def versions(self, patient_ids: Collection[int]) -> dict[int, list[CarePlanVersion]]:
        """These patients' finalized care plan versions, oldest first (as CarePlans.versions)."""
        return self._by_patient(t.CarePlanVersionRow, m.version_from_row, patient_ids, ("number",))

    def devices(self, patient_ids: Collection[int]) -> dict[int, list[RpmDevice]]:
        """These patients' RPM devices with their reading days, newest set-up first."""
        out: dict[int, list[RpmDevice]] = {}
        for ids in _chunks(sorted(patient_ids)):
            out.update(RpmDevices(self.s).for_patients(ids))
        return out

    def referrals_made(self, patient_ids: Collection[int]) -> dict[int, list[Referral]]:
        """These patients' referrals with their steps, oldest first (as Referrals.for_patient)."""
        out: dict[int, list[Referral]] = {}
        for ids in _chunks(sorted(patient_ids)):
            out.update(community.Referrals(self.s).for_patients(ids))
        return out

    def history(self, patient_ids: Collection[int]) -> dict[str, dict[int, list[Any]]]:
        """The live (not voided) contacts, time entries and screens of these patients, and the
        screens' safety checks, by kind ("contacts", "time_entries", "assessments",
        "safety_checks") and patient, in the order stored."""
        kinds: dict[str, tuple[Any, Any]] = {
            "contacts": (t.ContactRow, lambda row: m.from_row(Contact, row)),
            "time_entries": (t.TimeEntryRow, lambda row: m.from_row(TimeEntry, row)),
            "assessments": (t.AssessmentRow, m.assessment_from_row),
            "safety_checks": (t.SafetyCheckRow, m.safety_check_from_row),
        }
        out: dict[str, dict[int, list[Any]]] = {}
        for name, (row_cls, read) in kinds.items():
            by_patient: dict[int, list[Any]] = defaultdict(list)
            for ids in _chunks(sorted(patient_ids)):
                for row in self.s.scalars(select(row_cls).where(row_cls.patient_id.in_(ids)).order_by(row_cls.id)):
                    by_patient[row.patient_id].append(read(row))
            out[name] = by_patient
        return out

    def add_contacts(self, contacts: Sequence[Contact], tz: tzinfo) -> list[int]:
        """Contacts in one statement (each dated in the clinic's zone `tz`, as Contacts.add
        dates one); their ids in the order given, for their time entries to point at."""
        if not contacts:
            return []
        statement = insert(t.ContactRow).returning(t.ContactRow.id, sort_by_parameter_order=True)
        values = [dict(m.values_of(c), on=local_date(c.at, tz)) for c in contacts]
        # render_nulls (SQLAlchemy 2, "Sending NULL values in ORM bulk INSERT statements"): a
        # follow-up of None is written as NULL, what leaving it out stores (the column has no
        # default), so the rows go in one batch. Without it the ORM leaves the None out, runs one
        # INSERT per run of rows with the same keys and splices each run's returned ids onto all
        # those before: quadratic, 1.5 -> 0.9 s of the demo panel's import (~5,000 contacts).
        return list(self.s.scalars(statement, values, execution_options={"render_nulls": True}))

    def add_time_entries(self, entries: Iterable[TimeEntry]) -> None:
        bulk_insert(self.s, t.TimeEntryRow, [m.values_of(e) for e in entries])

    def add_assessments(self, screens: Sequence[Assessment]) -> list[int]:
        """Screens in one statement; their ids in the order given, for their safety checks."""
        if not screens:
            return []
        statement = insert(t.AssessmentRow).returning(t.AssessmentRow.id, sort_by_parameter_order=True)
        return list(self.s.scalars(statement, [m.assessment_values(a) for a in screens]))

    def add_transitions(self, stays: Sequence[Transition]) -> list[int]:
        """Hospital stays in one statement; their ids in the order given, for the appointments
        that follow them up."""
        if not stays:
            return []
        statement = insert(t.TransitionRow).returning(t.TransitionRow.id, sort_by_parameter_order=True)
        return list(self.s.scalars(statement, [m.values_of(s) for s in stays]))

    def referrals(self, patient_ids: Collection[int]) -> dict[int, list[IncomingReferral]]:
        """The referrals of these patients, each with its resource's name, by patient."""
        out: dict[int, list[IncomingReferral]] = defaultdict(list)
        names = {r.id: r.name for r in community.Resources(self.s).all()}
        for pid, made in self.referrals_made(patient_ids).items():
            out[pid] = [IncomingReferral(r, names.get(r.resource_id, "")) for r in made]
        return out

    def add_safety_checks(self, checks: Iterable[SafetyCheck]) -> None:
        bulk_insert(self.s, t.SafetyCheckRow, [m.safety_check_values(c) for c in checks])

    def version_counts(self, patient_ids: Collection[int]) -> dict[int, int]:
        """How many finalized care plan versions each of these patients has (absent: none)."""
        v = t.CarePlanVersionRow
        out: dict[int, int] = {}
        for ids in _chunks(sorted(patient_ids)):
            query = select(v.patient_id, func.count()).where(v.patient_id.in_(ids)).group_by(v.patient_id)
            out.update((pid, n) for pid, n in self.s.execute(query))
        return out

    def add_patients(self, patients: Sequence[Patient]) -> list[int]:
        """New patients in one statement; their ids in the order given. The caller has seen
        that nobody has their MRNs (by_mrns); an MRN stored meanwhile raises
        ValidationError("MRN")."""
        if not patients:
            return []
        statement = insert(t.PatientRow).returning(t.PatientRow.id, sort_by_parameter_order=True)
        try:
            return list(self.s.scalars(statement, [m.patient_values(p) for p in patients]))
        except IntegrityError:
            raise ValidationError("MRN", "is already used by another patient") from None

    def add_records(self, name: str, records: Iterable[Any]) -> None:
        """Records of one kind of REPO_TABLES in one executemany (their patient_id set)."""
        bulk_insert(self.s, REPO_TABLES[name][0], [m.values_of(r) for r in records])

    def add_versions(self, versions: Iterable[CarePlanVersion]) -> None:
        """Finalized care plan versions in one executemany (numbers free for their patients)."""
        bulk_insert(self.s, t.CarePlanVersionRow, [m.version_values(v) for v in versions])
