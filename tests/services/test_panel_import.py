"""The one import service on a real store: a preview that reads only, then every patient
stored in one transaction or none (issue 13: "the valid rows go in one transaction (all or
none of them); re-importing the same file changes nothing; a changed row updates the
patient (shown as a diff before accepting); an MRN is never duplicated; MRNs keep leading
zeros"; a refused import leaves the store's sha256 unchanged)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.incoming import Action, FieldChange, ImportProblem, IncomingPatient
from caredesk.domain.patients import Condition, ConsentMethod, Enrollment, Patient, Phone, Program
from caredesk.errors import Cancelled, StoreBusy, ValidationError
from caredesk.services import patients
from caredesk.services.access import Access
from caredesk.services.changes import Kind
from caredesk.services.panel_import import apply_import, plan_import
from caredesk.store import engine
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient
from tests.store.test_two_processes import _hold_write_lock

SOURCE = "CSV file"
# ICD-10-CM titles (CDC NCHS, FY2026 tabular list: https://www.cdc.gov/nchs/icd/icd-10-cm/files.html).
DIABETES = ("E11.9", "Type 2 diabetes mellitus without complications")
HYPERTENSION = ("I10", "Essential (primary) hypertension")


def _incoming(
    row: int,
    mrn: str,
    *,
    phone: str = "(555) 010-0101",
    conditions: tuple[tuple[str, str], ...] = (),
    enrollments: tuple[Enrollment, ...] = (),
    birth_date: date = date(1950, 3, 4),
) -> IncomingPatient:
    """One synthetic patient as a reader hands it over (patient_id=0, id=None)."""
    return IncomingPatient(
        where=f"row {row}",
        patient=Patient(
            mrn=mrn,
            given_name="Testa",
            family_name=f"Example{row}",
            birth_date=birth_date,
            phones=(Phone(number=phone),),
        ),
        enrollments=enrollments,
        conditions=tuple(Condition(patient_id=0, icd10=code, display=text) for code, text in conditions),
    )


def _ccm(start: date = date(2026, 10, 1), consent: date | None = date(2026, 9, 30)) -> Enrollment:
    method = ConsentMethod.VERBAL if consent else None
    return Enrollment(patient_id=0, program=Program.CCM, start_date=start, consent_date=consent, consent_method=method)


def _three() -> list[IncomingPatient]:
    return [
        _incoming(2, "000123", conditions=(DIABETES,), enrollments=(_ccm(),)),
        _incoming(3, "000124", phone="(555) 010-0102", conditions=(DIABETES, HYPERTENSION)),
        _incoming(4, "000125", phone="(555) 010-0103"),
    ]


def _store_hash(workspace) -> str:
    """The store's bytes: the database, its write-ahead log and the audit anchor (the -shm
    index is SQLite's shared memory, which a read may touch)."""
    folder = workspace.folder_path
    digest = hashlib.sha256()
    for name in ("caredesk.db", "caredesk.db-wal", "audit.anchor"):
        path = folder / name
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def _mrns(workspace) -> list[str]:
    return sorted(p.mrn for p in patients.patient_list(workspace))


def _audit(workspace):
    with workspace.reading() as uow:
        return uow.audit_log.all()


def test_three_new_patients_are_added_with_their_records(workspace):
    plan = plan_import(workspace, _three(), [], source=SOURCE)
    assert [p.action for p in plan.patients] == [Action.ADD] * 3
    assert plan.problems == () and plan.count(Action.ADD) == 3

    saved = apply_import(workspace, plan)

    assert (saved.value.added, saved.value.updated, saved.value.unchanged) == (3, 0, 0)
    assert _mrns(workspace) == ["000123", "000124", "000125"]
    ids = saved.value.patient_ids
    assert saved.changes.patients == frozenset(ids)
    assert saved.changes.touches(Kind.PATIENT, Kind.ENROLLMENT, Kind.CLINICAL)
    chart = patients.open_chart(workspace, ids[1], audit_view=False)
    assert [c.icd10 for c in chart.conditions] == ["E11.9", "I10"]
    first = patients.open_chart(workspace, ids[0], audit_view=False)
    assert [(e.program, e.consent_date) for e in first.enrollments] == [(Program.CCM, date(2026, 9, 30))]


def test_the_same_file_again_changes_nothing_not_even_the_store_bytes(workspace):
    apply_import(workspace, plan_import(workspace, _three(), [], source=SOURCE))
    before = _store_hash(workspace)

    plan = plan_import(workspace, _three(), [], source=SOURCE)
    assert [p.action for p in plan.patients] == [Action.SAME] * 3
    assert all(p.patient_id is not None and p.changes == () for p in plan.patients)
    saved = apply_import(workspace, plan)

    assert (saved.value.added, saved.value.updated, saved.value.unchanged) == (0, 0, 3)
    assert not saved.changes
    assert _store_hash(workspace) == before


def test_a_changed_phone_and_a_new_condition_update_the_patient_as_previewed(workspace):
    apply_import(workspace, plan_import(workspace, _three(), [], source=SOURCE))
    changed = _incoming(2, "000123", phone="(555) 010-0199", conditions=(DIABETES, HYPERTENSION))

    plan = plan_import(workspace, [changed], [], source=SOURCE)

    (planned,) = plan.patients
    assert planned.action is Action.UPDATE
    assert planned.changes == (
        # The file's mobile number replaces the stored mobile number (it changed in the EHR).
        FieldChange("Phone", "(555) 010-0101 (mobile)", "(555) 010-0199 (mobile)"),
        FieldChange("Conditions", "", "+ I10 Essential (primary) hypertension"),
    )
    saved = apply_import(workspace, plan)
    assert (saved.value.added, saved.value.updated) == (0, 1)
    assert saved.value.patient_ids == (planned.patient_id,)
    assert saved.changes.touches(Kind.PATIENT, Kind.CLINICAL) and not saved.changes.touches(Kind.ENROLLMENT)
    chart = patients.open_chart(workspace, planned.patient_id, audit_view=False)
    assert [p.number for p in chart.patient.phones] == ["(555) 010-0199"]
    assert [c.icd10 for c in chart.conditions] == ["E11.9", "I10"]
    # Accepted once, the same file is now the same.
    assert [p.action for p in plan_import(workspace, [changed], [], source=SOURCE).patients] == [Action.SAME]


def test_an_mrn_twice_in_the_file_refuses_every_row_naming_the_others(workspace):
    rows = [_incoming(2, "000123"), _incoming(3, "000200"), _incoming(7, " 000123")]

    plan = plan_import(workspace, rows, [], source=SOURCE)

    assert [p.incoming.where for p in plan.patients] == ["row 3"]
    assert plan.problems == (
        ImportProblem("row 2", "MRN", "000123", "MRN also on row 7"),
        ImportProblem("row 7", "MRN", "000123", "MRN also on row 2"),
    )


def test_leading_zeros_make_another_mrn(workspace):
    add_patient(workspace, Patient(mrn="123", given_name="Stored", family_name="Example", birth_date=date(1950, 3, 4)))

    plan = plan_import(workspace, [_incoming(2, "000123")], [], source=SOURCE)

    assert [p.action for p in plan.patients] == [Action.ADD]
    apply_import(workspace, plan)
    assert _mrns(workspace) == ["000123", "123"]


def test_an_mrn_a_spreadsheet_stripped_of_its_leading_zeros_is_refused(workspace):
    # A tester's Excel export turned "00012345" into 12345: "1 to add" made a duplicate patient.
    add_patient(
        workspace, Patient(mrn="00012345", given_name="Testa", family_name="Exámple2", birth_date=date(1950, 3, 4))
    )
    other_birth = _incoming(3, "12346", birth_date=date(1951, 3, 4))
    add_patient(
        workspace, Patient(mrn="0012346", given_name="Testa", family_name="Example3", birth_date=date(1950, 3, 4))
    )
    before = _store_hash(workspace)

    plan = plan_import(workspace, [_incoming(2, "12345"), other_birth], [], source=SOURCE)

    # Same family name (accents and case folded) and date of birth: refused. Another date of
    # birth: another patient, added.
    assert [p.incoming.where for p in plan.patients] == ["row 3"]
    assert plan.problems == (
        ImportProblem(
            "row 2",
            "MRN",
            "12345",
            "MRN 12345 looks like 00012345 with its leading zeros lost (same name and date of birth); "
            "format the MRN column as text in the spreadsheet and export again",
        ),
    )
    assert _store_hash(workspace) == before


def test_a_stored_mrn_that_lost_its_leading_zeros_is_said_to_be_corrected_in_the_chart(workspace):
    add_patient(
        workspace, Patient(mrn="12345", given_name="Testa", family_name="Example2", birth_date=date(1950, 3, 4))
    )

    plan = plan_import(workspace, [_incoming(2, "00012345")], [], source=SOURCE)

    assert plan.patients == ()
    assert plan.problems[0].why == (
        "MRN 00012345 looks like the stored MRN 12345 with its leading zeros lost (same name and date of birth); "
        "correct that patient's MRN in the chart, then import again"
    )


def test_an_mrn_differing_only_by_case_is_the_same_patient(workspace):
    """As the store compares MRNs (store.patient_rows.Patients.mrn_taken): 'ab12' and 'AB12' are one."""
    stored = add_patient(
        workspace,
        Patient(
            mrn="AB12",
            given_name="Testa",
            family_name="Example2",
            birth_date=date(1950, 3, 4),
            phones=(Phone(number="(555) 010-0101"),),
        ),
    )

    plan = plan_import(workspace, [_incoming(2, "ab12")], [], source=SOURCE)

    assert [(p.action, p.patient_id) for p in plan.patients] == [(Action.SAME, stored.id)]


def test_a_birth_date_not_before_today_is_refused_naming_row_and_field(workspace):
    """patient_records.check_birth_date: a date of birth is before today."""
    rows = [_incoming(2, "000123", birth_date=date(2027, 1, 5)), _incoming(3, "000124")]
    before = _store_hash(workspace)

    plan = plan_import(workspace, rows, [ImportProblem("row 4", "DOB", "13/45/1950", "is not a date")], source=SOURCE)

    assert [p.incoming.where for p in plan.patients] == ["row 3"]
    assert plan.problems == (
        ImportProblem("row 4", "DOB", "13/45/1950", "is not a date"),  # the reader's, kept first
        ImportProblem("row 2", "date of birth", "01/05/2027", "must be before today"),
    )
    assert str(plan.problems[1]) == 'row 2: date of birth "01/05/2027": must be before today'
    assert _store_hash(workspace) == before  # the preview wrote nothing


def test_an_enrollment_consent_in_the_future_refuses_the_whole_patient(workspace):
    """services.enrollments.check_enrollment: consent is not in the future; the field names the program."""
    late = _ccm(consent=date(2026, 12, 1))
    plan = plan_import(
        workspace, [_incoming(2, "000123", conditions=(DIABETES,), enrollments=(late,))], [], source=SOURCE
    )

    assert plan.patients == ()
    (problem,) = plan.problems
    assert (problem.where, problem.field) == ("row 2", "CCM consent date")


def test_an_open_program_is_not_enrolled_twice_and_a_missing_consent_is_filled_in(workspace):
    first = [_incoming(2, "000123", enrollments=(_ccm(consent=None),))]
    apply_import(workspace, plan_import(workspace, first, [], source=SOURCE))

    again = [_incoming(2, "000123", enrollments=(_ccm(),))]
    plan = plan_import(workspace, again, [], source=SOURCE)

    (planned,) = plan.patients
    assert planned.action is Action.UPDATE
    assert planned.changes == (
        FieldChange("CCM consent date", "", "09/30/2026"),
        FieldChange("CCM consent method", "", "verbal"),
    )
    saved = apply_import(workspace, plan)
    assert saved.changes.touches(Kind.ENROLLMENT)
    (enrollment,) = patients.open_chart(workspace, planned.patient_id, audit_view=False).enrollments
    assert (enrollment.start_date, enrollment.consent_date) == (date(2026, 10, 1), date(2026, 9, 30))


def test_a_consent_date_changed_in_the_file_updates_the_enrollment_as_the_chart_would(workspace):
    # A tester changed CCM consent 03/05/2026 to 04/05/2026 in the file: the preview said "unchanged".
    first = [_incoming(2, "000123", enrollments=(_ccm(start=date(2026, 3, 5), consent=date(2026, 3, 5)),))]
    apply_import(workspace, plan_import(workspace, first, [], source=SOURCE))
    later = _ccm(start=date(2026, 4, 5), consent=date(2026, 4, 5))

    plan = plan_import(workspace, [_incoming(2, "000123", enrollments=(later,))], [], source=SOURCE)

    (planned,) = plan.patients
    assert planned.action is Action.UPDATE
    assert planned.changes == (FieldChange("CCM consent date", "03/05/2026", "04/05/2026"),)
    apply_import(workspace, plan)
    (enrollment,) = patients.open_chart(workspace, planned.patient_id, audit_view=False).enrollments
    assert (enrollment.start_date, enrollment.consent_date) == (date(2026, 3, 5), date(2026, 4, 5))
    changed = [e for e in _audit(workspace) if e.action == actions.RECORD_CHANGED and e.entity == "enrollment"]
    assert [(e.entity_id, e.detail) for e in changed] == [(str(enrollment.id), "imported: consent date")]
    # A consent in the future is refused as the chart's enrollment form refuses it.
    late = _ccm(start=date(2026, 12, 1), consent=date(2026, 12, 1))
    refused = plan_import(workspace, [_incoming(2, "000123", enrollments=(late,))], [], source=SOURCE)
    assert refused.patients == () and refused.problems[0].field == "CCM consent date"


def test_a_consent_before_the_start_moves_the_start_back(workspace):
    first = [_incoming(2, "000123", enrollments=(_ccm(start=date(2026, 11, 24), consent=None),))]
    apply_import(workspace, plan_import(workspace, first, [], source=SOURCE))
    with_consent = _ccm(start=date(2026, 11, 2), consent=date(2026, 11, 2))

    plan = plan_import(workspace, [_incoming(2, "000123", enrollments=(with_consent,))], [], source=SOURCE)

    (planned,) = plan.patients
    assert planned.changes == (
        FieldChange("CCM start date", "11/24/2026", "11/02/2026"),
        FieldChange("CCM consent date", "", "11/02/2026"),
        FieldChange("CCM consent method", "", "verbal"),
    )
    apply_import(workspace, plan)
    (enrollment,) = patients.open_chart(workspace, planned.patient_id, audit_view=False).enrollments
    assert (enrollment.start_date, enrollment.consent_date) == (date(2026, 11, 2), date(2026, 11, 2))


def test_a_start_moved_back_over_another_enrollment_of_the_program_is_refused_naming_it(workspace):
    ended = Enrollment(
        patient_id=0,
        program=Program.CCM,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 10, 31),
        consent_date=date(2026, 1, 5),
        consent_method=ConsentMethod.WRITTEN,
    )
    first = [_incoming(2, "000123", enrollments=(ended, _ccm(start=date(2026, 11, 20), consent=None)))]
    apply_import(workspace, plan_import(workspace, first, [], source=SOURCE))
    before = _store_hash(workspace)
    consent = _ccm(start=date(2026, 10, 15), consent=date(2026, 10, 15))

    plan = plan_import(workspace, [_incoming(2, "000123", enrollments=(consent,))], [], source=SOURCE)

    assert plan.patients == ()
    (problem,) = plan.problems
    assert (problem.where, problem.field) == ("row 2", "CCM consent date")
    assert problem.why == (
        "10/15/2026 is before this enrollment's start (11/20/2026), and starting it then would overlap the CCM "
        "enrollment from 01/05/2026 to 10/31/2026: correct the consent date or that enrollment in the chart"
    )
    assert _store_hash(workspace) == before


def test_cancelled_before_the_commit_stores_nothing(workspace):
    plan = plan_import(workspace, _three(), [], source=SOURCE)
    before = _store_hash(workspace)
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) >= 2  # the first check passes; the one before the commit cancels

    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        apply_import(workspace, plan, progress=lambda i, n: seen.append((i, n)), cancelled=cancelled)

    assert seen == [(0, 3), (3, 3)]  # every patient was written, then rolled back
    assert _mrns(workspace) == []
    assert _store_hash(workspace) == before


def test_a_store_changed_since_the_preview_refuses_everything(workspace):
    """Another window adds the third row's MRN between the preview and the accept: the first
    two patients, already written in the transaction, are rolled back with it."""
    plan = plan_import(workspace, _three(), [], source=SOURCE)
    add_patient(
        workspace, Patient(mrn="000125", given_name="Other", family_name="Example", birth_date=date(1960, 1, 1))
    )
    before = _store_hash(workspace)

    with pytest.raises(ValidationError) as refused:
        apply_import(workspace, plan)

    assert str(refused.value) == "row 4: the store changed since the preview; preview again"
    assert _mrns(workspace) == ["000125"]
    assert _store_hash(workspace) == before


def test_the_audit_names_patients_by_id_only(workspace):
    before = len(_audit(workspace))
    saved = apply_import(workspace, plan_import(workspace, _three(), [], source=SOURCE))
    apply_import(
        workspace,
        plan_import(
            workspace, [_incoming(2, "000123", phone="(555) 010-0199", conditions=(HYPERTENSION,))], [], source=SOURCE
        ),
    )

    events = _audit(workspace)[before:]
    ids = saved.value.patient_ids
    assert [(e.action, e.entity, e.entity_id) for e in events] == [
        (actions.RECORD_CREATED, "patient", str(ids[0])),
        (actions.RECORD_CREATED, "patient", str(ids[1])),
        (actions.RECORD_CREATED, "patient", str(ids[2])),
        (actions.IMPORTED, "patients", ""),
        (actions.RECORD_CHANGED, "patient", str(ids[0])),
        (actions.IMPORTED, "patients", ""),
    ]
    assert events[0].detail == "imported with 1 enrollment, 1 condition"
    assert events[3].detail == "CSV file: 3 added, 0 updated, 0 unchanged, 0 refused"
    assert events[4].detail == "imported: Phone; added 1 condition"
    for e in events:
        for data in ("000123", "000124", "Testa", "Example", "555", "E11", "I10"):
            assert data not in e.detail, (e, data)
    # Events written in one insert chain as one by one, and the anchor follows them.
    assert workspace.verify() == []


def test_nothing_is_written_by_a_preview_of_updates(workspace):
    apply_import(workspace, plan_import(workspace, _three(), [], source=SOURCE))
    before = _store_hash(workspace)
    rows = [_incoming(2, "000123", conditions=(HYPERTENSION,))]

    plan = plan_import(workspace, rows, [], source=SOURCE)

    assert plan.count(Action.UPDATE) == 1
    assert _store_hash(workspace) == before


def test_a_store_another_process_keeps_busy_stores_nothing_and_says_so(tmp_path, clock, monkeypatch):
    """A real second process holds the write lock past SQLite's busy timeout: StoreBusy, its
    message saying nothing was saved, and no patient of the plan is stored."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.3)  # read when a connection opens
    folder = DataFolder(tmp_path / "store")
    Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        plan = plan_import(ws, _three(), [], source=SOURCE)
        holder = _hold_write_lock(folder, 2.0)
        try:
            with pytest.raises(StoreBusy) as busy:
                apply_import(ws, plan)
        finally:
            holder.wait(timeout=60)
        assert "Nothing was saved" in str(busy.value)
        assert _mrns(ws) == []
        assert actions.IMPORTED not in {e.action for e in _audit(ws)}
    finally:
        ws.lock()
