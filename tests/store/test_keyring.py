"""'Remember on this computer': only with a secure keyring; nothing on disk otherwise."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from caredesk.services.access import Access
from caredesk.store import remembered
from caredesk.store.keys import KeyFile
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, MemoryKeyring


class PlaintextFileKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend: must be refused."""


PlaintextFileKeyring.__module__ = "keyrings.alt.file"


def test_a_remembered_key_unlocks_without_a_prompt(folder, clock, memory_keyring):
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    assert ws.store.remember_key()
    ws.lock()
    again = Access(folder, clock).unlock_remembered()
    assert again is not None and again.is_open
    with again.uow() as uow:
        assert uow.audit_log.all()[-1].detail == "remembered key"
    again.lock()


def test_the_remembered_value_is_the_data_key(folder, clock, memory_keyring):
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.store.remember_key()
    ws.lock()
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    (stored,) = memory_keyring.items.values()
    assert bytes.fromhex(stored) == data_key


def test_forget_removes_the_key(folder, clock, memory_keyring):
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.store.remember_key()
    ws.store.forget_key()
    ws.lock()
    assert memory_keyring.items == {}
    assert Access(folder, clock).unlock_remembered() is None


def test_a_stale_remembered_key_falls_back_to_the_passphrase(folder, clock, memory_keyring):
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.store.remember_key()
    ws.lock()
    key = next(iter(memory_keyring.items))
    memory_keyring.items[key] = "00" * 32
    assert Access(folder, clock).unlock_remembered() is None


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), PlaintextFileKeyring()],
    ids=["fail", "null", "plaintext-file"],
)
def test_insecure_keyrings_are_refused_and_nothing_is_written(folder, clock, backend, tmp_path):
    keyring.set_keyring(backend)
    assert not remembered.available()
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    data_key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    assert ws.store.remember_key() is False
    ws.lock()
    if isinstance(backend, MemoryKeyring):
        assert backend.items == {}
    # The passphrase path still works, and no key material is on disk in clear.
    ws = Access(folder, clock).unlock(PASSPHRASE)
    ws.lock()
    for p in tmp_path.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert data_key not in data and data_key.hex().encode() not in data


def test_a_chainer_is_trusted_only_if_all_its_backends_are():
    class Chain(KeyringBackend):
        priority = 10  # type: ignore[assignment]

        def __init__(self, backends):
            super().__init__()
            self.backends = backends

        def get_password(self, s, u):
            return None

        def set_password(self, s, u, p):
            pass

        def delete_password(self, s, u):
            pass

    assert remembered._is_secure(Chain([MemoryKeyring()]))
    assert not remembered._is_secure(Chain([MemoryKeyring(), PlaintextFileKeyring()]))
    assert not remembered._is_secure(Chain([]))
