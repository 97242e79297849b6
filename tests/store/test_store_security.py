"""The store on disk: ciphertext only, wrong secrets change nothing, recovery and re-keying."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from caredesk import logs
from caredesk.domain.patients import Patient, Phone
from caredesk.errors import StoreError, StoreExists, StoreMissing, TooManyAttempts, WrongSecret
from caredesk.lockout import ATTEMPTS_NAME, Lockout
from caredesk.services.access import Access
from caredesk.services.patients import open_chart, patient_list
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient

CANARY_NAME = "Qzxcanaryfamily"
CANARY_NOTE = "Qzxcanarynote-7731"


def _hashes(folder: DataFolder) -> dict[str, str]:
    """Every file of the data folder but the back-off's count of wrong tries (caredesk.lockout),
    which a wrong secret is meant to change."""
    files = [p for p in sorted(folder.path.rglob("*")) if p.is_file() and p.name != ATTEMPTS_NAME]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _canary_patient(mrn: str = "CAN001") -> Patient:
    return Patient(
        mrn=mrn,
        given_name="Canarygiven",
        family_name=CANARY_NAME,
        birth_date=date(1948, 2, 29),
        address=CANARY_NOTE,
        phones=(Phone(number="(555) 010-7777"),),
    )


def test_the_store_file_is_ciphertext_to_plain_sqlite(workspace, folder):
    add_patient(workspace, _canary_patient())
    plain = sqlite3.connect(folder.db)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()


def test_canary_strings_are_in_no_file_of_the_data_folder(workspace, folder, access):
    logs.configure(folder.logs)
    saved = add_patient(workspace, _canary_patient())
    chart = open_chart(workspace, saved.id)  # the view is logged and audited: by id only
    assert chart.patient.family_name == CANARY_NAME
    # Look while the WAL still holds the write, and again after closing.
    for phase in ("open", "closed"):
        files = [p for p in folder.path.rglob("*") if p.is_file()]
        assert any(p.name == "caredesk.db" for p in files)
        if phase == "open":
            assert any(p.name.endswith("-wal") for p in files), "expected a WAL file while open"
        for p in files:
            data = p.read_bytes()
            for canary in (CANARY_NAME, CANARY_NOTE, "Canarygiven", "555) 010-7777"):
                assert canary.encode() not in data, f"{canary} found in {p.name}"
                assert canary.encode("utf-16-le") not in data, f"{canary} found in {p.name}"
        workspace.lock()


def test_five_wrong_passphrases_leave_every_file_byte_identical(workspace, folder, clock):
    add_patient(workspace, _canary_patient())
    workspace.lock()
    before = _hashes(folder)
    access = Access(folder, clock)
    for attempt in range(5):
        with pytest.raises(WrongSecret, match="passphrase is not correct"):
            access.unlock(f"wrong passphrase {attempt}")
    assert _hashes(folder) == before
    assert (folder.path / ATTEMPTS_NAME).stat().st_mode & 0o777 == 0o600


def test_after_five_failures_the_wait_grows(folder, workspace, clock):
    workspace.lock()
    now = [1000.0]
    access = Access(folder, clock, Lockout(folder.path / ATTEMPTS_NAME, wall=lambda: now[0]))
    for _ in range(5):
        with pytest.raises(WrongSecret):
            access.unlock("wrong passphrase!")
    with pytest.raises(TooManyAttempts) as first:
        access.unlock(PASSPHRASE)  # even the right one waits: no oracle during the delay
    assert "wait 2 s" in str(first.value)
    now[0] += 2.1
    with pytest.raises(WrongSecret):
        access.unlock("wrong passphrase!")
    with pytest.raises(TooManyAttempts) as second:
        access.unlock(PASSPHRASE)
    assert second.value.wait_seconds > first.value.wait_seconds
    now[0] += 4.1
    ws = access.unlock(PASSPHRASE)
    # The failures are audited once the store can be written again.
    with ws.uow() as uow:
        actions = [e.action for e in uow.audit_log.all()]
    assert actions.count("unlock.failed") == 6
    ws.lock()


def test_recovery_code_unlocks_a_forgotten_passphrase_and_sets_a_new_one(folder, clock):
    access = Access(folder, clock)
    ws, code = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    pid = add_patient(ws, _canary_patient()).id
    ws.lock()
    ws, new_code = Access(folder, clock).recover(code, "a brand new passphrase")
    assert open_chart(ws, pid).patient.family_name == CANARY_NAME
    ws.lock()
    with pytest.raises(WrongSecret):
        Access(folder, clock).unlock(PASSPHRASE)
    ws = Access(folder, clock).unlock("a brand new passphrase")
    ws.lock()
    # The used code is retired; the new one works.
    assert new_code != code
    with pytest.raises(WrongSecret):
        Access(folder, clock).recover(code, "yet another passphrase")
    Access(folder, clock).recover(new_code, "yet another passphrase")[0].lock()


def test_recovery_requires_a_valid_new_passphrase_and_changes_nothing_otherwise(folder, clock):
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    before = _hashes(folder)
    with pytest.raises(Exception, match="passphrase: must be at least 10"):
        Access(folder, clock).recover(code, "short")
    assert _hashes(folder) == before


def test_change_passphrase_old_fails_new_works_data_intact(folder, clock):
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    pid = add_patient(ws, _canary_patient()).id
    ws.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    Access(folder, clock).change_passphrase(PASSPHRASE, "the second passphrase")
    # Rewrapped, not re-encrypted: the same data key under the new passphrase.
    assert KeyFile.read(folder.key).unwrap_with_passphrase("the second passphrase") == data_key
    with pytest.raises(WrongSecret):
        Access(folder, clock).unlock(PASSPHRASE)
    ws = Access(folder, clock).unlock("the second passphrase")
    assert open_chart(ws, pid).patient.mrn == "CAN001"
    assert ws.verify() == []
    with ws.uow() as uow:
        assert "key.changed" in [e.action for e in uow.audit_log.all()]
    ws.lock()


def test_change_passphrase_with_the_wrong_old_one_changes_nothing(folder, clock, workspace):
    workspace.lock()
    before = _hashes(folder)
    with pytest.raises(WrongSecret):
        Access(folder, clock).change_passphrase("not the passphrase", "the second passphrase")
    assert _hashes(folder) == before


def test_create_never_replaces_an_existing_store(workspace, folder, clock):
    workspace.lock()
    before = _hashes(folder)
    with pytest.raises(StoreExists):
        Access(folder, clock).create("another passphrase", kdf=FAST_KDF)
    assert _hashes(folder) == before


def test_a_database_without_its_key_file_is_never_replaced(workspace, folder, clock):
    workspace.lock()
    folder.key.unlink()
    before = _hashes(folder)
    with pytest.raises(StoreError, match=r"key file caredesk\.key is missing"):
        Access(folder, clock).unlock(PASSPHRASE)
    with pytest.raises(StoreExists):
        Access(folder, clock).create("another passphrase", kdf=FAST_KDF)
    assert _hashes(folder) == before


def test_a_key_file_without_its_database_is_reported(workspace, folder, clock):
    workspace.lock()
    for p in folder.path.glob("caredesk.db*"):
        p.unlink()
    with pytest.raises(StoreError, match=r"database caredesk\.db is missing"):
        Access(folder, clock).unlock(PASSPHRASE)
    assert not folder.db.exists()


def test_a_key_file_from_another_store_does_not_open_this_one(tmp_path, clock):
    a, b = DataFolder(tmp_path / "a"), DataFolder(tmp_path / "b")
    Access(a, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    Access(b, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    b.key.write_bytes(a.key.read_bytes())
    with pytest.raises(StoreError, match="does not belong to this database"):
        Access(b, clock).unlock(PASSPHRASE)


def test_no_store_and_bad_folders_have_clear_messages(tmp_path, clock):
    with pytest.raises(StoreMissing, match="does not exist"):
        Access(DataFolder(tmp_path / "nowhere"), clock).unlock(PASSPHRASE)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreMissing, match="No CareDesk store"):
        Access(DataFolder(empty), clock).unlock(PASSPHRASE)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Access(DataFolder(a_file), clock).create(PASSPHRASE, kdf=FAST_KDF)


def test_a_short_passphrase_creates_nothing(folder, clock):
    with pytest.raises(Exception, match="passphrase: must be at least 10 characters"):
        Access(folder, clock).create("short", kdf=FAST_KDF)
    assert not folder.path.exists() or not any(folder.path.iterdir())


def test_store_files_are_private_to_the_user(workspace, folder):
    assert folder.key.stat().st_mode & 0o077 == 0
    assert folder.db.stat().st_mode & 0o077 == 0


def test_lock_closes_the_store(workspace):
    workspace.lock()
    assert not workspace.is_open
    with pytest.raises(StoreError, match="locked"):
        patient_list(workspace)
    workspace.lock()  # twice is harmless


def test_a_locked_store_reopens_with_the_data(workspace, folder, clock):
    add_patient(workspace, _canary_patient())
    workspace.lock()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    assert [p.family_name for p in patient_list(ws)] == [CANARY_NAME]
    assert ws.verify() == []
    ws.lock()


def test_data_folder_paths(tmp_path):
    f = DataFolder(Path(tmp_path))
    assert f.db.name == "caredesk.db" and f.key.name == "caredesk.key"


def test_preflight_explains_half_a_store_before_any_passphrase(workspace, folder, clock):
    workspace.lock()
    access = Access(folder, clock)
    access.preflight()  # a whole store: nothing to say
    moved = folder.key.read_bytes()
    folder.key.unlink()
    with pytest.raises(StoreError, match=r"key file caredesk\.key is missing"):
        access.preflight()
    folder.key.write_bytes(moved)
    for p in folder.path.glob("caredesk.db*"):
        p.unlink()
    with pytest.raises(StoreError, match=r"database caredesk\.db is missing"):
        access.preflight()
