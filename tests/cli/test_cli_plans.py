"""`caredesk print-plan` and `print-plans` as a user runs them, over a real encrypted store."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from caredesk.domain.careplan import CarePlanContent, CarePlanVersion, GivenMethod, Goal, Intervention, Owner, Problem
from caredesk.domain.patients import CareTeamMember, Medication, Patient
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient


def plan(goal: str) -> CarePlanContent:
    return CarePlanContent(
        problems=(
            Problem(
                title="Type 2 diabetes",
                plain="My blood sugar needs watching.",
                goals=(Goal(measure="A1c", target="below 8%", target_date=date(2027, 3, 1), plain=goal),),
                interventions=(Intervention(action="Take pills", owner=Owner.PATIENT, frequency="daily"),),
            ),
        ),
        next_review=date(2027, 2, 20),
    )


def finalized(pid: int, number: int, goal: str, given: bool = False) -> CarePlanVersion:
    return CarePlanVersion(
        patient_id=pid,
        number=number,
        content=plan(goal),
        finalized_at=datetime(2026, 11, number, 15, 0, tzinfo=UTC),
        finalized_by="Ana Ruiz, RN",
        given_on=date(2026, 11, 21) if given else None,
        given_method=GivenMethod.IN_PERSON if given else None,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> DataFolder:
    from zoneinfo import ZoneInfo

    from caredesk.clock import FixedClock

    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    folder = DataFolder(tmp_path_factory.mktemp("plans") / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        a = add_patient(ws, Patient(mrn="P0001", given_name="José", family_name="Núñez", birth_date=date(1947, 2, 9)))
        b = add_patient(ws, Patient(mrn="P0002", given_name="Zoë", family_name="Ødegård", birth_date=date(1951, 6, 1)))
        c = add_patient(ws, Patient(mrn="P0003", given_name="Hạnh", family_name="Nguyễn", birth_date=date(1939, 9, 9)))
        add_patient(ws, Patient(mrn="P0004", given_name="Ada", family_name="Byron", birth_date=date(1955, 12, 10)))
        with ws.uow() as uow:
            uow.care_plans.add_version(finalized(a.id, 1, "Bring my A1c under 9.", given=True))
            uow.care_plans.add_version(finalized(a.id, 2, "Bring my A1c under 8."))
            uow.care_plans.add_version(finalized(b.id, 1, "Walk 20 minutes most days.", given=True))
            uow.care_plans.add_version(finalized(c.id, 3, "Take my blood thinner every day."))
            uow.medications.add(Medication(patient_id=a.id, name="Metformin", dose="500 mg", frequency="twice a day"))
            uow.care_team.add(
                CareTeamMember(
                    patient_id=a.id,
                    name="Dr. Amara Okafor",
                    role="PCP",
                    organization="Demo Family Medicine",
                    phone="(555) 019-0000",
                )
            )
            uow.commit()
    finally:
        ws.lock()
    return folder


def pdf_text(path) -> str:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def audit_printed(folder: DataFolder) -> list[str]:
    ws = Access(folder).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            return [e.entity_id for e in uow.audit_log.all() if e.action == "printed"]
    finally:
        ws.lock()


def test_print_plan_writes_the_latest_version(store, tmp_path):
    out = tmp_path / "plan.pdf"
    before = len(audit_printed(store))
    r = run("print-plan", "--data-dir", str(store.path), "--mrn", "P0001", "--out", str(out), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "version 2" in r.stdout and str(out) in r.stdout
    text = pdf_text(out)
    assert "Bring my A1c under 8." in text and "under 9" not in text
    assert "José Núñez" in text and "Metformin" in text and "Demo Family Medicine" in text
    assert not list(tmp_path.glob(".*partial"))
    assert len(audit_printed(store)) == before + 1


def test_print_plan_an_earlier_version_in_large_print(store, tmp_path):
    out = tmp_path / "v1.pdf"
    r = run(
        "print-plan",
        "--data-dir",
        str(store.path),
        "--mrn",
        "P0001",
        "--out",
        str(out),
        "--version",
        "1",
        "--large-print",
        env=pw_env(),
    )
    assert r.returncode == 0, r.stderr
    assert "Bring my A1c under 9." in pdf_text(out)


def test_print_plan_unknown_mrn(store, tmp_path):
    r = run(
        "print-plan", "--data-dir", str(store.path), "--mrn", "NOPE", "--out", str(tmp_path / "x.pdf"), env=pw_env()
    )
    assert_clean_failure(r, 1, "No patient with MRN NOPE.")
    assert not (tmp_path / "x.pdf").exists()


def test_print_plan_without_a_finalized_plan(store, tmp_path):
    r = run(
        "print-plan", "--data-dir", str(store.path), "--mrn", "P0004", "--out", str(tmp_path / "x.pdf"), env=pw_env()
    )
    assert_clean_failure(r, 1, "No finalized care plan for MRN P0004.")
    assert not (tmp_path / "x.pdf").exists()


def test_print_plan_a_version_that_does_not_exist(store, tmp_path):
    r = run(
        "print-plan",
        "--data-dir",
        str(store.path),
        "--mrn",
        "P0001",
        "--out",
        str(tmp_path / "x.pdf"),
        "--version",
        "7",
        env=pw_env(),
    )
    assert_clean_failure(r, 1, "MRN P0001 has no care plan version 7 (versions: 1, 2).")
    r = run(
        "print-plan",
        "--data-dir",
        str(store.path),
        "--mrn",
        "P0001",
        "--out",
        str(tmp_path / "x.pdf"),
        "--version",
        "0",
        env=pw_env(),
    )
    assert_clean_failure(r, 2, "--version must be 1 or more")


def test_print_plan_into_a_missing_folder(store, tmp_path):
    r = run(
        "print-plan",
        "--data-dir",
        str(store.path),
        "--mrn",
        "P0001",
        "--out",
        str(tmp_path / "no" / "x.pdf"),
        env=pw_env(),
    )
    assert_clean_failure(r, 1, "does not exist")


def test_print_plans_due_only_writes_the_plans_not_yet_given(store, tmp_path):
    out = tmp_path / "due"
    before = len(audit_printed(store))
    r = run("print-plans", "--data-dir", str(store.path), "--out", str(out), "--due-only", env=pw_env())
    assert r.returncode == 0, r.stderr
    # P0001's latest (v2) and P0003's v3 were never given; P0002's was; P0004 has no plan.
    assert sorted(p.name for p in out.iterdir()) == ["P0001-v2.pdf", "P0003-v3.pdf"]
    assert "Printed 2 care plans not yet given" in r.stdout and "1 without a finalized plan" in r.stdout
    assert "[" not in r.stderr  # no progress bar when stderr is not a terminal
    assert "Take my blood thinner every day." in pdf_text(out / "P0003-v3.pdf")
    assert len(audit_printed(store)) == before + 2


def test_print_plans_all_writes_every_latest_version(store, tmp_path):
    out = tmp_path / "all"
    r = run("print-plans", "--data-dir", str(store.path), "--out", str(out), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["P0001-v2.pdf", "P0002-v1.pdf", "P0003-v3.pdf"]
    assert "Printed 3 care plans" in r.stdout
    assert "Zoë Ødegård" in pdf_text(out / "P0002-v1.pdf")


def test_practice_details_from_the_cli_are_checked_and_used_on_the_copy(tmp_path):
    from zoneinfo import ZoneInfo

    from caredesk.clock import FixedClock

    folder = DataFolder(tmp_path / "store")
    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        p = add_patient(ws, Patient(mrn="P0009", given_name="Zoë", family_name="Ødegård", birth_date=date(1951, 6, 1)))
        with ws.uow() as uow:
            uow.care_plans.add_version(finalized(p.id, 1, "Walk 20 minutes most days."))
            uow.commit()
    finally:
        ws.lock()
    d = ["--data-dir", str(folder.path)]
    bad = run("practice", *d, "--name", "Sam Rivera", "--after-hours", "12", env=pw_env())
    assert_clean_failure(bad, 1, "after-hours phone: 12 is not a phone number; type all 10 digits")
    shown = run("practice", *d, env=pw_env())
    assert shown.returncode == 0 and "name            -" in shown.stdout  # nothing was saved
    ok = run(
        "practice", *d, "--name", "Sam Rivera", "--credentials", "RN", "--after-hours", "(555) 019-4300", env=pw_env()
    )
    assert ok.returncode == 0, ok.stderr
    assert "Saved." in ok.stdout and "name            Sam Rivera" in ok.stdout
    out = tmp_path / "plan.pdf"
    assert run("print-plan", *d, "--mrn", "P0009", "--out", str(out), env=pw_env()).returncode == 0
    text = pdf_text(out)
    assert "Sam Rivera, RN" in text and "(555) 019-4300" in text


def _store_with(tmp_path, *versions_for: tuple[Patient, list[CarePlanVersion]]) -> DataFolder:
    """A store of its own holding these patients and their plans (pid 0 in a version: that patient)."""
    from zoneinfo import ZoneInfo

    from caredesk.clock import FixedClock

    folder = DataFolder(tmp_path / "store")
    clock = FixedClock(datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE)))
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        for patient, versions in versions_for:
            pid = add_patient(ws, patient).id
            with ws.uow() as uow:
                for v in versions:
                    uow.care_plans.add_version(replace(v, patient_id=pid))
                uow.commit()
    finally:
        ws.lock()
    return folder


def test_a_team_action_of_thousands_of_characters_prints_alone_and_in_the_batch(tmp_path):
    """Issue 12: over ~1,400 characters print-plan said 'unexpected error' and print-plans stopped."""
    long = " ".join(f"Step {i}: we will call your pharmacy to check the new doses arrived." for i in range(60))
    base = finalized(0, 1, "Bring my A1c under 8.")
    problem = base.content.problems[0]
    content = replace(
        base.content,
        problems=(
            replace(
                problem,
                interventions=(*problem.interventions, Intervention(action="Pharmacy", owner=Owner.PCP, plain=long)),
            ),
        ),
    )
    folder = _store_with(
        tmp_path,
        (
            Patient(mrn="L1", given_name="Ada", family_name="Long", birth_date=date(1950, 1, 1)),
            [replace(base, content=content)],
        ),
        (Patient(mrn="S1", given_name="Bo", family_name="Short", birth_date=date(1950, 1, 1)), [base]),
    )
    out = tmp_path / "one.pdf"
    r = run(
        "print-plan", "--data-dir", str(folder.path), "--mrn", "L1", "--out", str(out), "--large-print", env=pw_env()
    )
    assert r.returncode == 0, r.stderr
    assert "Step 59: we will call your pharmacy" in pdf_text(out)
    r = run("print-plans", "--data-dir", str(folder.path), "--out", str(tmp_path / "all"), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["L1-v1.pdf", "S1-v1.pdf"]
    assert "Step 59:" in pdf_text(tmp_path / "all" / "L1-v1.pdf")


def test_the_copy_gives_the_clinics_date_for_a_plan_finalized_in_the_evening(tmp_path):
    """Issue 12: the footer used the UTC date. 21:30 in New York on November 23 is 02:30 UTC on the 24th."""
    from zoneinfo import ZoneInfo

    evening = datetime(2026, 11, 23, 21, 30, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    base = replace(finalized(0, 1, "Bring my A1c under 8."), finalized_at=evening)
    folder = _store_with(
        tmp_path, (Patient(mrn="E1", given_name="Eve", family_name="Ning", birth_date=date(1950, 1, 1)), [base])
    )
    out = tmp_path / "e1.pdf"
    r = run("print-plan", "--data-dir", str(folder.path), "--mrn", "E1", "--out", str(out), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Care plan version 1, finalized November 23, 2026. Printed November 24, 2026." in pdf_text(out)


def test_the_batch_lists_plans_whose_review_date_passed_and_leaves_out_the_patients_asked(tmp_path):
    """Issue 12: plans due for review in March went out in November with no warning and no way
    to leave a patient out."""
    base = finalized(0, 1, "Bring my A1c under 8.")
    late = replace(base, content=replace(base.content, next_review=date(2026, 3, 3)))
    folder = _store_with(
        tmp_path,
        (Patient(mrn="O1", given_name="Olga", family_name="Old", birth_date=date(1950, 1, 1)), [late]),
        (Patient(mrn="N1", given_name="Nia", family_name="New", birth_date=date(1950, 1, 1)), [base]),
    )
    r = run("print-plans", "--data-dir", str(folder.path), "--out", str(tmp_path / "a"), "--due-only", env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "The review date has passed on 1 of these plans" in r.stdout and "--leave-out MRN" in r.stdout
    assert "  MRN O1, version 1: review by 03/03/2026" in r.stdout and "MRN N1" not in r.stdout

    r = run(
        "print-plans", "--data-dir", str(folder.path), "--out", str(tmp_path / "b"), "--leave-out", " o1 ", env=pw_env()
    )
    assert r.returncode == 0, r.stderr
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["N1-v1.pdf"]
    assert "Printed 1 care plan to" in r.stdout
    assert "Left out as asked: MRN o1." in r.stdout and "review date" not in r.stdout

    r = run(
        "print-plans", "--data-dir", str(folder.path), "--out", str(tmp_path / "c"), "--leave-out", "Z9", env=pw_env()
    )
    assert_clean_failure(r, 1, "leave out: no care plan in this batch for MRN Z9")
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").iterdir())
