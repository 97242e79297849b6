"""Every way a passphrase is SET refuses one that is easy to guess, before anything is written
or any secret is tried; unlocking never rates the passphrase typed (domain.passphrase_strength)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caredesk.domain.practice import PracticeProfile
from caredesk.errors import ValidationError
from caredesk.services.access import Access
from caredesk.services.backup import make_backup, restore_backup
from caredesk.services.demo_store import DEMO_PASSPHRASE, create_demo_store
from caredesk.services.practice import save_profile
from caredesk.store import vault
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

WEAK = "password12"
TOO_EASY = "is too easy to guess (this is a very common password); add two or three uncommon words"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.exists() else {}


def test_a_new_store_with_a_guessable_passphrase_is_refused_and_nothing_is_written(access, folder):
    with pytest.raises(ValidationError) as refused:
        access.create(WEAK, kdf=FAST_KDF, zone=ZONE)
    assert (refused.value.field, refused.value.message) == ("passphrase", TOO_EASY)
    assert not folder.has_store() and _files(folder.path) == {}


def test_the_data_folders_name_counts_as_a_guess(tmp_path, clock):
    access = Access(DataFolder(tmp_path / "Maplewood Pediatrics"), clock)
    with pytest.raises(ValidationError, match='built on "maplewood pediatrics"'):
        access.create("maplewood pediatrics 1", kdf=FAST_KDF, zone=ZONE)
    ws, _code = Access(DataFolder(tmp_path / "elsewhere"), clock).create(
        "maplewood pediatrics 1", kdf=FAST_KDF, zone=ZONE
    )
    ws.lock()


def test_a_demo_panels_passphrase_is_not_rated(tmp_path, clock):
    """Synthetic data, and the app's demo panel has a fixed passphrase nobody chose (which would
    pass anyway)."""
    folder = DataFolder(tmp_path / "demo-panel")
    Access(folder, clock).check_new_passphrase(DEMO_PASSPHRASE)
    with pytest.raises(ValidationError):
        Access(folder, clock).create(WEAK, kdf=FAST_KDF, zone=ZONE)
    ws, _code = create_demo_store(folder, WEAK, patients=2, clock=clock, kdf=FAST_KDF, zone=ZONE)
    ws.lock()


def test_a_store_whose_passphrase_is_guessable_still_unlocks(folder, clock):
    """Made before the rule (the key layer checks only the length): it opens as before."""
    store, _code = vault.create(folder, WEAK, kdf=FAST_KDF, zone=ZONE)
    store.close()
    ws = Access(folder, clock).unlock(WEAK)
    ws.lock()


def test_changing_to_a_guessable_passphrase_changes_nothing_and_counts_no_attempt(workspace, access, folder):
    before = folder.key.read_bytes()
    for old in (PASSPHRASE, "not the passphrase at all"):  # refused before the old one is tried
        with pytest.raises(ValidationError, match="too easy to guess"):
            access.change_passphrase(old, "1234567890", ws=workspace)
    assert folder.key.read_bytes() == before
    assert access.lockout.failures == 0


def test_the_practices_and_care_managers_names_count_when_the_store_is_open(workspace, access, folder):
    save_profile(workspace, PracticeProfile(care_manager_name="Ana Ruiz", practice_name="Riverside Clinic"))
    with pytest.raises(ValidationError, match='built on "ana"'):
        access.change_passphrase(PASSPHRASE, "anaruiz2026!", ws=workspace)
    access.change_passphrase(PASSPHRASE, "anaruiz2026!")  # from a terminal: the store is not open
    ws = access.unlock("anaruiz2026!")
    ws.lock()


def test_a_reset_with_the_recovery_code_refuses_a_guessable_one_before_the_code_is_tried(folder, clock):
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    before = _files(folder.path)
    access = Access(folder, clock)
    for typed in (code, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"):
        with pytest.raises(ValidationError, match="too easy to guess"):
            access.begin_recover(typed, "aaaaaaaaaaaa")
    assert _files(folder.path) == before and access.lockout.failures == 0
    pending = access.begin_recover(code, "a brand new passphrase")
    pending.commit()
    pending.workspace.lock()


def test_a_restore_with_the_recovery_code_refuses_a_guessable_new_passphrase(tmp_path, clock):
    folder = DataFolder(tmp_path / "old-laptop")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    (tmp_path / "usb").mkdir()
    backup = make_backup(ws, tmp_path / "usb")
    ws.lock()
    fresh = DataFolder(tmp_path / "new-laptop")
    with pytest.raises(ValidationError, match="too easy to guess"):
        restore_backup(fresh, backup.path, clock=clock, recovery_code=code, new_passphrase="qwertyuiop12")
    assert not fresh.has_store()
