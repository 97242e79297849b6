"""Alembic: the migrated schema is the ORM's, older stores are upgraded, audit is append-only."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from caredesk.services.access import Access
from caredesk.services.patients import patient_list
from caredesk.store import migrate
from caredesk.store.engine import open_engine
from caredesk.store.keys import KeyFile
from caredesk.store.models import Base
from tests.conftest import PASSPHRASE


def test_upgrade_from_empty_equals_the_orm_metadata(tmp_path):
    engine = open_engine(tmp_path / "m.db", b"\x07" * 32)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_table_of_the_domain_exists(tmp_path):
    engine = open_engine(tmp_path / "m.db", b"\x07" * 32)
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    expected = {
        "patients",
        "enrollments",
        "conditions",
        "allergies",
        "medications",
        "care_team_members",
        "observations",
        "contacts",
        "time_entries",
        "tasks",
        "transitions",
        "assessments",
        "community_resources",
        "referrals",
        "care_plan_drafts",
        "care_plan_versions",
        "audit_events",
    }
    assert expected <= tables


def test_downgrade_then_upgrade_round_trips(tmp_path):
    engine = open_engine(tmp_path / "m.db", b"\x07" * 32)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert "patients" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_opening_an_older_store_migrates_it(workspace, folder, clock):
    """A store left at an earlier revision (here: before the first) is upgraded on unlock."""
    workspace.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, "base")
    assert migrate.needs_upgrade(engine)
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    assert migrate.current_revision(ws.store._engine) == migrate.head_revision()
    assert patient_list(ws) == []
    ws.lock()


def test_the_audit_log_refuses_edits_and_deletions(workspace):
    with workspace.uow() as uow:
        conn = uow.audit_log.s.connection()
        for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            try:
                conn.execute(text(statement))
            except DatabaseError as exc:
                assert "append-only" in str(exc.orig)
            else:
                raise AssertionError(f"{statement} was allowed")


def test_the_head_constant_names_the_newest_migration_script():
    assert migrate.head_revision() == migrate.HEAD


def test_a_store_at_0001_keeps_its_records_through_0002(workspace, folder, clock):
    """Upgrading a store made before issue 9 keeps every row and fills the new columns' defaults."""
    from datetime import date

    from caredesk.domain.patients import Enrollment, Patient, Program
    from tests.conftest import add_patient

    pid = add_patient(
        workspace,
        Patient(mrn="M1", given_name="Old", family_name="Store", birth_date=date(1950, 1, 1)),
        Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 1)),
    ).id
    workspace.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, "0001")
    assert "call_drafts" not in inspect(engine).get_table_names()
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        assert migrate.current_revision(ws.store._engine) == migrate.HEAD
        with ws.uow() as uow:
            patient = uow.patients.get(pid)
            (enrollment,) = uow.enrollments.for_patient(pid)
        assert patient is not None and patient.died_on is None
        assert enrollment.qmb is False
    finally:
        ws.lock()


def test_a_store_at_0002_keeps_its_screens_through_0003_scored_from_their_answers(workspace, folder, clock):
    """Issue 10: a 0002 store's typed score and band go; the screens stay and are read from
    their answers (nine answers of 3 once typed as "4, minimal" read 27, severe: Kroenke 2001);
    their safety answers become open flags; the yes/no social screens keep their answers."""
    from datetime import date

    from caredesk.domain.assessments import Instrument
    from caredesk.services import assessments as screens
    from tests.services.test_calls import _patient

    pid = _patient(workspace, "M3")
    workspace.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, "0002")
    assert "safety_checks" not in inspect(engine).get_table_names()
    old_rows = [
        ("PHQ-9", "2026-10-01", "[3, 3, 3, 3, 3, 3, 3, 3, 3]", 4, "minimal"),
        ("PHQ-9", "2026-11-01", "[2, 2, 2, 2, 1, 1, 0, 0, 0]", 10, "moderate"),
        ("social needs", "2026-11-02", "[0, 1, 0, 0, 1]", 2, "positive"),
    ]
    with engine.begin() as conn:
        for instrument, on, answers, score, band in old_rows:
            conn.execute(
                text(
                    "INSERT INTO assessments (patient_id, instrument, taken_on, answers_json, score, band) "
                    "VALUES (:p, :i, :o, :a, :s, :b)"
                ),
                {"p": pid, "i": instrument, "o": on, "a": answers, "s": score, "b": band},
            )
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        assert migrate.current_revision(ws.store._engine) == migrate.HEAD
        kept = screens.history(ws, pid)
        assert [(a.instrument, a.score, a.band, a.complete) for a in kept] == [
            (Instrument.PHQ9, 27, "severe", True),
            (Instrument.PHQ9, 10, "moderate", True),
            (Instrument.SOCIAL_NEEDS_YES_NO, 2, "positive", True),
        ]
        assert kept[2].answers == (0, 1, 0, 0, 1) and kept[2].result.positive_domains == ("food", "safety")
        flags = screens.open_safety_flags(ws, pid)
        assert [(f.taken_on, f.what) for f in flags] == [
            (date(2026, 10, 1), "PHQ-9 item 9 positive"),
            (date(2026, 11, 2), "Social-needs safety item positive"),
        ]
    finally:
        ws.lock()
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, "0002")  # and back: 0002's columns filled from the answers
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT instrument, score, band FROM assessments ORDER BY taken_on")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("PHQ-9", 27, "severe"),
        ("PHQ-9", 10, "moderate"),
        ("social needs", 2, "positive"),
    ]
