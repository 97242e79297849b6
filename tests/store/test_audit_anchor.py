"""The audit chain's head is anchored outside the database (issue 11 item 6, SPEC section 5).

Someone who holds the data key drops the append-only triggers and deletes the newest events:
the chain that is left is valid, and `caredesk verify` passed. Now the anchor file beside the
store says how long the chain was and what its head was. Real stores, real files; `verify`
through the real `caredesk` command; a real process killed mid-write for the crash case.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

import pytest

from caredesk.domain import audit as actions
from caredesk.services.access import Access
from caredesk.store import anchor
from caredesk.store.engine import connect
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, templated


def _data_key(folder: DataFolder) -> bytes:
    return KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)


def _sql(folder: DataFolder, *statements: str) -> None:
    """What someone holding the key can do with any SQLCipher shell."""
    conn = connect(folder.db, _data_key(folder))
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def store(tmp_path: Path, clock, store_templates) -> DataFolder:
    """A store with a few sessions in its audit log (created, unlocked and locked three times):
    a copy of the worker's (tests.conftest.templated), with its anchor."""
    templated(store_templates, clock, "audit-anchor-sessions", _three_sessions, tmp_path / "data")
    return DataFolder(tmp_path / "data")


def _three_sessions(folder: DataFolder, clock) -> None:
    access = Access(folder, clock)
    ws, _ = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    for _ in range(3):
        access.unlock(PASSPHRASE).lock()


def _events(folder: DataFolder) -> int:
    conn = connect(folder.db, _data_key(folder))
    try:
        return conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    finally:
        conn.close()


def test_the_anchor_is_written_beside_the_store_for_the_chains_head(store: DataFolder) -> None:
    path = store.path / anchor.NAME
    doc = json.loads(path.read_text())
    assert doc["count"] == _events(store) == 9  # created, unlock, lock, then 3 x (unlock, lock)
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(store.path.glob(".caredesk.anchor.*"))  # no temporary file left


def test_verify_reports_the_newest_events_deleted_with_the_triggers_dropped(store: DataFolder) -> None:
    _sql(
        store,
        "DROP TRIGGER audit_events_no_delete",
        "DELETE FROM audit_events WHERE seq > 6",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    )
    r = run("verify", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "the log ends at event 6 but held at least 9 events: the newest 3 events were removed" in r.stdout
    # An unlock that writes (any command) says so, and writes it into the log, so it is not
    # forgotten once the anchor moves on with the next save: every later verify still fails on
    # it, with its date (tampering is never "acknowledged" by opening the store).
    work = run("patients", "--data-dir", str(store.path), env=pw_env())
    assert work.returncode == 0, work.stderr
    assert "caredesk: note: Audit log: the log ends at event 6 but held at least 9 events" in work.stderr
    again = run("verify", "--data-dir", str(store.path), env=pw_env())
    assert again.returncode == 1, again.stdout + again.stderr
    assert "problem: audit log: found at the unlock of 11/24/2026 10:30: the log ends at event 6" in again.stdout


def test_verify_reports_dropped_triggers(store: DataFolder) -> None:
    _sql(store, "DROP TRIGGER audit_events_no_delete", "DROP TRIGGER audit_events_no_update")
    r = run("verify", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 1
    assert "the trigger audit_events_no_update that keeps the log append-only was dropped" in r.stdout
    assert "the trigger audit_events_no_delete that keeps the log append-only was dropped" in r.stdout


def test_replaced_tail_events_are_reported(store: DataFolder, clock) -> None:
    # The last three events deleted and three forged ones, correctly chained, put in their place.
    conn = connect(store.db, _data_key(store))
    try:
        conn.execute("DROP TRIGGER audit_events_no_delete")
        conn.execute("DELETE FROM audit_events WHERE seq > 6")
        prev = conn.execute("SELECT hash FROM audit_events WHERE seq = 6").fetchone()[0]
        for seq in (7, 8, 9):
            e = actions.seal(actions.AuditEvent(seq=seq, at=NOW, actor="care manager", action="lock", prev_hash=prev))
            conn.execute(
                "INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, detail, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, '', '', '', ?, ?)",
                (
                    e.seq,
                    e.at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" "),
                    e.actor,
                    e.action,
                    e.prev_hash,
                    e.hash,
                ),
            )
            prev = e.hash
        conn.commit()
    finally:
        conn.close()
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        assert "event 9 is not the event written there (the events from it on were replaced)" in ws.store.audit_problems
    finally:
        ws.lock()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("delete", "the anchor file caredesk.anchor is missing"),
        ("edit", "its seal does not match this store"),
        ("garbage", "it is not a CareDesk anchor file"),
    ],
)
def test_a_missing_or_edited_anchor_is_reported(store: DataFolder, clock, damage: str, expected: str) -> None:
    path = store.path / anchor.NAME
    if damage == "delete":
        path.unlink()
    elif damage == "edit":
        doc = json.loads(path.read_text())
        doc["count"] = 3  # claim a shorter log, to hide a later deletion
        path.write_text(json.dumps(doc))
    else:
        path.write_text("not json")
    access = Access(store, clock)
    ws = access.unlock(PASSPHRASE)
    try:
        assert any(expected in p for p in ws.verify())
        assert any(expected in n for n in access.notices)
    finally:
        ws.lock()


def test_another_stores_anchor_is_reported(store: DataFolder, tmp_path: Path, clock) -> None:
    other = DataFolder(tmp_path / "other")
    Access(other, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    (store.path / anchor.NAME).write_bytes((other.path / anchor.NAME).read_bytes())
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        assert any("belongs to another store" in p for p in ws.store.audit_problems)
    finally:
        ws.lock()


def test_an_anchor_behind_the_chain_is_fine(store: DataFolder, clock) -> None:
    """A crash between the database commit and the anchor write leaves the anchor behind."""
    behind = (store.path / anchor.NAME).read_bytes()
    Access(store, clock).unlock(PASSPHRASE).lock()  # two more events, anchor moved on
    (store.path / anchor.NAME).write_bytes(behind)
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        assert ws.store.audit_problems == []
        assert ws.verify() == []
    finally:
        ws.lock()


_WRITER = """
import sys
from pathlib import Path
from caredesk.clock import Clock
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
ws = Access(DataFolder(Path(sys.argv[1])), Clock()).unlock(sys.argv[2])
print("writing", flush=True)
while True:
    with ws.uow() as uow:
        uow.audit("patient.viewed", "patient", 1)
        uow.commit()
"""


def test_a_process_killed_while_writing_never_leaves_a_false_alarm(store: DataFolder, clock) -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    for delay in (0.05, 0.2, 0.35, 0.5, 0.8):
        p = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(store.path), PASSPHRASE], stdout=subprocess.PIPE, text=True, env=env
        )
        assert p.stdout is not None and p.stdout.readline().strip() == "writing"
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        ws = Access(store, clock).unlock(PASSPHRASE)
        try:
            assert ws.verify() == [], delay
        finally:
            ws.lock()


def test_a_store_from_before_anchoring_is_anchored_when_opened(store: DataFolder, clock) -> None:
    (store.path / anchor.NAME).unlink()
    _sql(store, f"DELETE FROM store_meta WHERE key = '{anchor.META_KEY}'")
    access = Access(store, clock)
    ws = access.unlock(PASSPHRASE)
    try:
        assert ws.store.audit_problems == [] and access.notices == []
        assert (store.path / anchor.NAME).exists()
        assert ws.verify() == []
    finally:
        ws.lock()


def test_a_restored_store_verifies_with_its_own_anchor(store: DataFolder, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    backup = run("backup", "--to", str(tmp_path / "usb"), "--data-dir", str(store.path), env=pw_env())
    assert backup.returncode == 0, backup.stderr
    made = next((tmp_path / "usb").glob("*.cdbk"))
    for _ in range(2):  # the live store moves on: its anchor is now ahead of the backup's chain
        assert run("patients", "--data-dir", str(store.path), env=pw_env()).returncode == 0
    restored = run("restore", str(made), "--data-dir", str(store.path), "--replace", env=pw_env())
    assert restored.returncode == 0, restored.stderr
    r = run("verify", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stdout + r.stderr
    replaced = next(store.path.glob("replaced-*"))
    assert (replaced / anchor.NAME).exists()  # the replaced store keeps its own anchor
    # And on a new laptop: an empty folder.
    fresh = DataFolder(tmp_path / "new laptop")
    assert run("restore", str(made), "--data-dir", str(fresh.path), env=pw_env()).returncode == 0
    r = run("verify", "--data-dir", str(fresh.path), env=pw_env())
    assert r.returncode == 0, r.stdout + r.stderr
