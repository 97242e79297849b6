"""A new recovery code is seen before the old one stops working; a keyring that errors is no keyring.

Issue 11 item 5: a recovery-code reset and a new code from the passphrase are made first
and written only after the code was shown; until then the old secrets work. Every
exception from the keyring backend means "no keyring here".
"""

from __future__ import annotations

import logging

import keyring
import pytest

from caredesk.domain import audit as actions
from caredesk.errors import StoreError, WrongSecret
from caredesk.services.access import Access
from caredesk.store import key_changes, remembered
from caredesk.store.keys import KeyFile
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.keyring_faults import SECRET_IN_MESSAGE, BrokenKeyring

NEW = "a brand new passphrase"


@pytest.fixture
def made(folder, clock):
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    return code


def _last_audit(ws):
    with ws.uow() as uow:
        return uow.audit_log.all()[-1]


def test_a_reset_shows_the_new_code_while_the_old_key_file_is_still_in_place(folder, clock, made):
    before = folder.key.read_bytes()
    seen: list[tuple[str, bytes]] = []
    ws, new_code = Access(folder, clock).recover(
        made, NEW, show_code=lambda c: seen.append((c, folder.key.read_bytes()))
    )
    ws.lock()
    assert seen == [(new_code, before)]  # shown while the old code still worked
    key_file = KeyFile.read(folder.key)
    key_file.unwrap_with_recovery(new_code)
    key_file.unwrap_with_passphrase(NEW)
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(made)


def test_a_reset_not_committed_changes_nothing(folder, clock, made):
    before = folder.key.read_bytes()
    pending = Access(folder, clock).begin_recover(made, NEW)
    pending.workspace.lock()  # the app closed with the new code still on screen
    assert folder.key.read_bytes() == before
    Access(folder, clock).unlock(PASSPHRASE).lock()
    with pytest.raises(WrongSecret):
        KeyFile.read(folder.key).unwrap_with_recovery(pending.recovery_code)


def test_a_reset_committed_is_audited_and_forgets_a_remembered_key(folder, clock, made, memory_keyring):
    ws = Access(folder, clock).unlock(PASSPHRASE)
    assert ws.remember_key()
    ws.lock()
    pending = Access(folder, clock).begin_recover(made, NEW)
    assert memory_keyring.items  # not before the change is in effect
    pending.commit()
    assert memory_keyring.items == {}
    event = _last_audit(pending.workspace)
    assert event.action == actions.KEY_CHANGED and "recovery code" in (event.detail or "")
    pending.workspace.lock()


def test_a_new_code_from_the_passphrase_keeps_the_passphrase(folder, clock, made):
    access = Access(folder, clock)
    ws = access.unlock(PASSPHRASE)
    pending = access.begin_new_recovery_code(ws, PASSPHRASE)
    KeyFile.read(folder.key).unwrap_with_recovery(made)  # the old code works until commit
    pending.commit()
    key_file = KeyFile.read(folder.key)
    key_file.unwrap_with_recovery(pending.recovery_code)
    key_file.unwrap_with_passphrase(PASSPHRASE)
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(made)
    event = _last_audit(ws)
    assert (event.action, event.detail) == (actions.KEY_CHANGED, "new recovery code issued")
    ws.lock()


def test_a_new_code_needs_the_right_passphrase_and_counts_a_wrong_one(folder, clock, made):
    access = Access(folder, clock)
    ws = access.unlock(PASSPHRASE)
    before = folder.key.read_bytes()
    with pytest.raises(WrongSecret):
        access.begin_new_recovery_code(ws, "not the passphrase")
    assert access.lockout.failures == 1
    assert folder.key.read_bytes() == before
    ws.lock()


def test_a_change_made_elsewhere_meanwhile_is_not_overwritten(folder, clock, made):
    access = Access(folder, clock)
    ws = access.unlock(PASSPHRASE)
    pending = access.begin_new_recovery_code(ws, PASSPHRASE)
    key_changes.change_passphrase(folder, PASSPHRASE, "changed by another process")
    after_other = folder.key.read_bytes()
    with pytest.raises(StoreError, match="changed meanwhile"):
        pending.commit()
    assert folder.key.read_bytes() == after_other
    ws.lock()


def test_changing_the_passphrase_in_the_app_is_audited_through_the_open_store(folder, clock, made):
    access = Access(folder, clock)
    ws = access.unlock(PASSPHRASE)
    access.change_passphrase(PASSPHRASE, NEW, ws=ws)
    event = _last_audit(ws)
    assert (event.action, event.detail) == (actions.KEY_CHANGED, "passphrase changed")
    ws.lock()
    Access(folder, clock).unlock(NEW).lock()
    KeyFile.read(folder.key).unwrap_with_recovery(made)  # the recovery code is unchanged


def test_a_keyring_raising_anything_is_no_keyring(folder, clock, made, caplog):
    keyring.set_keyring(BrokenKeyring())
    caplog.set_level(logging.INFO)
    ws = Access(folder, clock).unlock(PASSPHRASE)
    assert ws.remember_key() is False
    ws.forget_key()  # no exception
    ws.lock()
    assert remembered.recall("any store") is None
    assert Access(folder, clock).unlock_remembered() is None  # the passphrase is asked instead
    logged = caplog.text
    assert "DBusLikeError" in logged
    assert SECRET_IN_MESSAGE not in logged  # only the exception's type is logged
