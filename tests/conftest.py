"""Shared fixtures: real SQLCipher stores in tmp folders, a pinned clock, test keyrings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.store.keys import KdfParams
from caredesk.store.vault import DataFolder

# Argon2id at its cheapest: tests of wrapping logic need not wait half a second each.
FAST_KDF = KdfParams(iterations=1, memory_kib=1024, lanes=1)
PASSPHRASE = "correct horse battery"
ZONE = "America/New_York"
# The tests' "now": the `clock` fixture in this process, and $CAREDESK_CLOCK in every `caredesk`
# process the tests start, so a run crossing the clinic's midnight or a month sees one day.
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo(ZONE))
TODAY = NOW.date()


class MemoryKeyring(KeyringBackend):
    """A secure-looking keyring that lives in memory (the tests' stand-in for the OS one)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def no_system_keyring():
    """Never touch the machine's keyring: default to the fail backend."""
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def folder(tmp_path: Path) -> DataFolder:
    return DataFolder(tmp_path / "data")


@pytest.fixture
def access(folder: DataFolder, clock: FixedClock) -> Access:
    return Access(folder, clock)


@pytest.fixture
def workspace(access: Access):
    ws, _code = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    yield ws
    ws.lock()


def add_patient(ws, patient, enrollment=None):
    """The saved Patient (services.patients.add_patient returns it with its change set)."""
    from caredesk.services.patients import add_patient as add

    return add(ws, patient, enrollment).value
