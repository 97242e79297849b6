"""Backup and restore on real SQLCipher files (SPEC section 5; issue 11 items 1, 2 and 4).

A backup is one file, verified when written and again before a restore replaces anything;
a damaged, truncated or foreign backup is refused with the live store's files unchanged
(their SHA-256 compared); a store made by a newer CareDesk is refused; a schema upgrade
runs only after a verified backup.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from datetime import date
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from caredesk.domain.patients import Patient
from caredesk.errors import Cancelled, CareDeskError, StoreError, ValidationError, WrongSecret
from caredesk.services.access import Access
from caredesk.services.backup import make_backup, restore_backup
from caredesk.services.calls import log_contact
from caredesk.services.patients import patient_list
from caredesk.store import migrate
from caredesk.store.backup import DB_MEMBER, KEY_MEMBER, MANIFEST_MEMBER, Manifest, row_counts
from caredesk.store.engine import connect, open_engine
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient
from tests.services.test_calls import _patient

NEW_PASSPHRASE = "a brand new passphrase"


def _fingerprint(folder: DataFolder) -> dict[str, str]:
    """SHA-256 of every file of the store (database, WAL, key file)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.files()}


def _patients(ws, n: int) -> None:
    for i in range(n):
        add_patient(
            ws, Patient(mrn=f"B{i:04d}", given_name="Test", family_name=f"Person{i}", birth_date=date(1950, 1, 1))
        )


def _counts(folder: DataFolder, passphrase: str = PASSPHRASE) -> dict[str, int]:
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(passphrase)
    conn = connect(folder.db, data_key)
    try:
        return row_counts(conn)
    finally:
        conn.close()


@pytest.fixture
def made(workspace, tmp_path):
    """A store of 5 patients and a verified backup of it; (workspace, backup file)."""
    _patients(workspace, 5)
    out = tmp_path / "usb"
    out.mkdir()
    return workspace, make_backup(workspace, out)


def test_a_backup_is_one_dated_file_holding_key_database_and_manifest(made, folder):
    _ws, backup = made
    assert backup.path.name == "caredesk-backup-2026-11-24-1030.cdbk"  # the clinic's date and time, no name
    assert list(backup.path.parent.iterdir()) == [backup.path]  # no temporary file left
    assert backup.path.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(backup.path) as zf:
        assert zf.namelist() == [KEY_MEMBER, DB_MEMBER, MANIFEST_MEMBER]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert zf.read(KEY_MEMBER) == folder.key.read_bytes()  # passphrase and recovery wraps
        manifest = Manifest.from_bytes(zf.read(MANIFEST_MEMBER))
        assert hashlib.sha256(zf.read(DB_MEMBER)).hexdigest() == manifest.db_sha256
    assert manifest.rows["patients"] == 5 == backup.rows["patients"]
    assert manifest.revision == migrate.HEAD
    assert "Person" not in json.dumps(manifest.rows)


def test_a_second_backup_in_the_same_minute_gets_its_own_name(made):
    ws, first = made
    second = make_backup(ws, first.path.parent)
    assert second.path.name == "caredesk-backup-2026-11-24-1030-2.cdbk"


def test_the_backup_is_audited_by_file_name_and_rows(made):
    ws, backup = made
    with ws.uow() as uow:
        last = uow.audit_log.all()[-1]
    assert last.action == "backup.made"
    assert last.detail.startswith(backup.path.name) and "rows in" in last.detail


def test_restore_into_an_empty_folder_gives_the_same_rows_and_a_sound_store(made, tmp_path, clock):
    _ws, backup = made
    fresh = DataFolder(tmp_path / "new-laptop" / "CareDesk")
    done = restore_backup(fresh, backup.path, clock=clock, passphrase=PASSPHRASE)
    assert done.replaced is None and done.made_on == "11/24/2026"
    restored = _counts(fresh)
    assert {k: v for k, v in restored.items() if k != "audit_events"} == {
        k: v for k, v in backup.rows.items() if k != "audit_events"
    }
    assert restored["audit_events"] > backup.rows["audit_events"]  # the restore itself is audited
    other = Access(fresh, clock).unlock(PASSPHRASE)
    try:
        assert other.verify() == []
        assert len(patient_list(other)) == 5
    finally:
        other.lock()
    assert not fresh.lock.exists()


def test_the_recovery_code_opens_the_backup_on_another_laptop(tmp_path, clock):
    folder = DataFolder(tmp_path / "old")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    _patients(ws, 3)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb")
    ws.lock()
    fresh = DataFolder(tmp_path / "new")
    done = restore_backup(fresh, backup.path, clock=clock, recovery_code=code, new_passphrase=NEW_PASSPHRASE)
    assert done.pending is not None and done.new_recovery_code and done.new_recovery_code != code
    # Not in effect until committed: the new code is shown first (issue 11 item 5).
    KeyFile.read(fresh.key).unwrap_with_recovery(code)
    with pytest.raises(WrongSecret):
        KeyFile.read(fresh.key).unwrap_with_passphrase(NEW_PASSPHRASE)
    done.pending.commit()
    done.pending.workspace.lock()
    ws2 = Access(fresh, clock).unlock(NEW_PASSPHRASE)
    try:
        assert len(patient_list(ws2)) == 3 and ws2.verify() == []
    finally:
        ws2.lock()
    with pytest.raises(WrongSecret):
        Access(fresh, clock).recover(code, "yet another passphrase")  # the used code was replaced


def test_a_restore_with_the_recovery_code_left_uncommitted_opens_with_that_code(tmp_path, clock):
    folder = DataFolder(tmp_path / "old")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    _patients(ws, 2)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb")
    ws.lock()
    fresh = DataFolder(tmp_path / "new")
    done = restore_backup(fresh, backup.path, clock=clock, recovery_code=code, new_passphrase=NEW_PASSPHRASE)
    assert done.pending is not None
    assert len(patient_list(done.pending.workspace)) == 2  # open on the restored store meanwhile
    done.pending.workspace.lock()  # the new code was never confirmed: dropped
    again = Access(fresh, clock).begin_recover(code, "another new passphrase")
    again.workspace.lock()
    Access(fresh, clock).unlock(PASSPHRASE).lock()  # the backup's passphrase too


def _live_store(tmp_path, clock) -> tuple[DataFolder, dict[str, str]]:
    folder = DataFolder(tmp_path / "live")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    _patients(ws, 2)
    ws.lock()
    return folder, _fingerprint(folder)


def _rewrite(src: Path, dst: Path, **members: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, members.get(info.filename.replace(".", "_"), zin.read(info)))
    return dst


def _refused(folder: DataFolder, before: dict[str, str], backup: Path, clock, error=StoreError, **secret) -> str:
    with pytest.raises(error) as caught:
        restore_backup(folder, backup, clock=clock, **(secret or {"passphrase": PASSPHRASE}))
    assert _fingerprint(folder) == before  # the live store is byte for byte what it was
    assert not any(p.name.startswith((".restore", "replaced-")) for p in folder.path.iterdir())
    assert not folder.lock.exists()
    return str(caught.value)


def test_one_flipped_byte_in_the_database_part_is_refused_before_anything_changes(made, tmp_path, clock):
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    raw = bytearray(backup.path.read_bytes())
    with zipfile.ZipFile(backup.path) as zf:
        info = zf.getinfo(DB_MEMBER)
    raw[info.header_offset + 30 + len(DB_MEMBER) + 50_000] ^= 0x01  # a byte inside the database's pages
    bad = tmp_path / "flipped.cdbk"
    bad.write_bytes(bytes(raw))
    message = _refused(folder, before, bad, clock)
    assert "flipped.cdbk is damaged or incomplete" in message and "nothing was changed" in message


def test_a_flipped_byte_with_a_matching_checksum_is_still_caught_by_sqlcipher(made, tmp_path, clock):
    """A database part altered and its zip CRC and manifest digest recomputed: the page HMACs refuse it."""
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    with zipfile.ZipFile(backup.path) as zf:
        db = bytearray(zf.read(DB_MEMBER))
        manifest = json.loads(zf.read(MANIFEST_MEMBER))
    db[40_000] ^= 0x01
    manifest["db_sha256"] = hashlib.sha256(db).hexdigest()
    bad = _rewrite(
        backup.path, tmp_path / "forged.cdbk", caredesk_db=bytes(db), manifest_json=json.dumps(manifest).encode()
    )
    message = _refused(folder, before, bad, clock)
    assert "damaged or incomplete" in message and "page" in message


@pytest.mark.parametrize("keep", [0.5, 0.99, 0.1])
def test_a_truncated_backup_is_refused(made, tmp_path, clock, keep):
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    raw = backup.path.read_bytes()
    bad = tmp_path / "truncated.cdbk"
    bad.write_bytes(raw[: int(len(raw) * keep)])
    assert "damaged or incomplete" in _refused(folder, before, bad, clock)


def test_a_backup_under_another_key_is_refused(made, tmp_path, clock):
    """The backup's key file swapped for another store's (its passphrase opens the key file, but
    the data key it holds does not open the database)."""
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    bad = _rewrite(backup.path, tmp_path / "foreign.cdbk", caredesk_key=folder.key.read_bytes())
    message = _refused(folder, before, bad, clock)
    assert message == (
        "The backup file foreign.cdbk is damaged or incomplete (its key file does not open its database); "
        "nothing was changed."
    )


def test_the_wrong_passphrase_is_refused_with_the_files_untouched(made, tmp_path, clock):
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    message = _refused(folder, before, backup.path, clock, error=WrongSecret, passphrase="not the passphrase")
    assert "when this backup was made" in message


def test_a_recovery_code_restore_without_a_new_passphrase_is_refused_first(made, tmp_path, clock):
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    _refused(folder, before, backup.path, clock, error=ValidationError, recovery_code="0" * 25)


def test_restore_over_a_store_keeps_the_replaced_one_whole(made, tmp_path, clock):
    _ws, backup = made
    folder, before = _live_store(tmp_path, clock)
    done = restore_backup(folder, backup.path, clock=clock, passphrase=PASSPHRASE)
    assert done.replaced == folder.path / "replaced-2026-11-24-103000"
    assert _fingerprint(DataFolder(done.replaced)) == before  # moved, not changed
    old = Access(DataFolder(done.replaced), clock).unlock(PASSPHRASE)  # and it still opens
    try:
        assert len(patient_list(old)) == 2
    finally:
        old.lock()
    assert _counts(folder)["patients"] == 5


def test_cancel_stops_the_backup_and_leaves_no_file(workspace, tmp_path):
    _patients(workspace, 3)
    out = tmp_path / "usb"
    out.mkdir()
    seen: list[float] = []
    with pytest.raises(Cancelled):
        make_backup(workspace, out, progress=seen.append, cancel=lambda: len(seen) >= 1)
    assert list(out.iterdir()) == []


def test_progress_rises_to_one(workspace, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    seen: list[float] = []
    make_backup(workspace, out, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3


def test_an_absent_folder_is_a_clear_message(workspace, tmp_path):
    with pytest.raises(StoreError, match="is not there — is the drive plugged in"):
        make_backup(workspace, tmp_path / "unplugged")
    assert not (tmp_path / "unplugged").exists()


def test_a_backup_made_while_another_connection_writes_is_one_consistent_snapshot(workspace, folder, tmp_path):
    """Writers keep saving during the copy (WAL); the copy holds one moment: every reached call
    has its time entry, and its counts are those verified."""
    pid = _patient(workspace, "W1")
    stop = threading.Event()
    writer = Access(folder, workspace.clock).unlock(PASSPHRASE)
    written = 0

    def write() -> None:
        nonlocal written
        while not stop.is_set():
            log_contact(writer, pid, outcome="reached", minutes=2)
            written += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        out = tmp_path / "usb"
        out.mkdir()
        backup = make_backup(workspace, out)
    finally:
        stop.set()
        thread.join()
        writer.lock()
    assert written > 0
    assert backup.rows["contacts"] == backup.rows["time_entries"]


def test_a_store_from_a_newer_caredesk_is_refused_with_that_message(workspace, folder, clock):
    workspace.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9001'")
    engine.dispose()
    before = {p.name: p.read_bytes() for p in (folder.db, folder.key)}
    with pytest.raises(StoreError) as caught:
        Access(folder, clock).unlock(PASSPHRASE)
    assert str(caught.value) == (
        "This store was made by a newer version of CareDesk; install the newer version to open it."
    )
    assert not (folder.path / "backups").exists()
    assert {p.name: p.read_bytes() for p in (folder.db, folder.key)} == before


def test_an_upgrade_runs_only_after_a_verified_backup(workspace, folder, clock):
    _patients(workspace, 2)
    workspace.lock()
    scripts = ScriptDirectory.from_config(migrate._config())
    previous = scripts.get_revision(migrate.HEAD).down_revision
    assert isinstance(previous, str)
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, previous)
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        assert migrate.current_revision(ws.store._engine) == migrate.HEAD
    finally:
        ws.lock()
    (backup,) = (folder.path / "backups").iterdir()
    with zipfile.ZipFile(backup) as zf:
        manifest = Manifest.from_bytes(zf.read(MANIFEST_MEMBER))
    assert manifest.revision == previous and manifest.rows["patients"] == 2
    # The pre-upgrade backup restores (and is upgraded again on open).
    fresh = DataFolder(folder.path.parent / "fresh")
    restore_backup(fresh, backup, clock=clock, passphrase=PASSPHRASE)
    assert _counts(fresh)["patients"] == 2


def test_an_upgrade_whose_backup_cannot_be_written_leaves_the_store_alone(workspace, folder, clock):
    workspace.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    migrate.downgrade(engine, "base")
    engine.dispose()
    (folder.path / "backups").write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="needs an upgrade, and the verified backup made first failed"):
        Access(folder, clock).unlock(PASSPHRASE)
    engine = open_engine(folder.db, data_key)
    assert migrate.current_revision(engine) is None  # not upgraded
    engine.dispose()


def test_a_back_off_after_a_restore_with_the_recovery_code_is_said_not_raised(tmp_path, clock):
    old = DataFolder(tmp_path / "old")
    ws, code = Access(old, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb")
    ws.lock()
    here = DataFolder(tmp_path / "here")
    Access(here, clock).create("the store on this laptop", kdf=FAST_KDF, zone=ZONE)[0].lock()
    for _ in range(6):  # wrong tries at this laptop's store: the next opening must wait
        with pytest.raises(CareDeskError):
            Access(here, clock).unlock("not the passphrase at all")
    done = restore_backup(here, backup.path, clock=clock, recovery_code=code, new_passphrase=NEW_PASSPHRASE)
    assert done.pending is None and done.waiting is not None and "wait" in done.waiting
    assert done.replaced is not None  # restored all the same, with the backup's secrets
    KeyFile.read(here.key).unwrap_with_recovery(code)
    KeyFile.read(here.key).unwrap_with_passphrase(PASSPHRASE)
