"""Shared fixtures: real SQLCipher stores in tmp folders, a pinned clock, test keyrings."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend

from caredesk.clock import Clock, FixedClock
from caredesk.services.access import Access
from caredesk.services.workspace import Workspace
from caredesk.store import engine as store_engine
from caredesk.store import vault
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
T = TypeVar("T")


# Where the tests' stores are written: a RAM-backed tmpfs when the machine has one with room, so
# that SQLite's synchronous commits do not wait for the disk (each fsync ~3.7 ms on the CI kind's
# disk, ~20 per UI test), unless TMPDIR is set or CAREDESK_TEST_TMP=disk. The files are still
# real SQLCipher files on a real file system; the tests of a full disk mount their own tmpfs.
FAST_TMP = Path("/dev/shm")
FAST_TMP_ROOM = 4 << 30  # bytes free: one run writes ~0.6 GB, and pytest keeps the last run's


def pytest_configure(config: pytest.Config) -> None:
    # The statements SQLAlchemy compiled for one test's store serve the next test's: the app empties
    # them at every lock (they keep the values they were compiled with; caredesk.store.engine.COMPILED),
    # and each test opens stores of its own, compiling every statement again (~20% of the services
    # tests' CPU). tests/store/test_compiled_statements.py tests the app's way. Set here, not on
    # import: tests/soak/gui_session.py imports this module and must run as the app does.
    store_engine.KEEP_COMPILED_ACROSS_LOCKS = True
    if "TMPDIR" in os.environ or os.environ.get("CAREDESK_TEST_TMP") == "disk":
        return
    try:
        room = os.statvfs(FAST_TMP)
        writable = os.access(FAST_TMP, os.W_OK | os.X_OK)
    except OSError:
        return
    if writable and not room.f_flag & os.ST_NOEXEC and room.f_bavail * room.f_frsize >= FAST_TMP_ROOM:
        os.environ["TMPDIR"] = str(FAST_TMP)  # pytest's tmp_path, tempfile, and every process started
        tempfile.tempdir = None  # read again


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


class StoreTemplates:
    """Stores made once per session (per xdist worker) and copied into each test's own folder.

    A copy is the whole store: the database (checkpointed when its maker locked it), the key file
    and the audit anchor; nothing in them names their folder. Copies share the template's data key
    and store id, which no test compares across tests."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._made: dict[str, tuple[Path, Any]] = {}

    def copy(self, name: str, make: Callable[[DataFolder], T], to: Path) -> T:
        """Copy the template `name` into the folder `to` (which must not exist) and return what
        `make` returned when it made it. `make(folder)` fills an empty folder and leaves it locked."""
        if name not in self._made:
            folder = DataFolder(self._factory.mktemp(name) / "data")
            self._made[name] = (folder.path, make(folder))
        path, made = self._made[name]
        shutil.copytree(path, to)
        return cast(T, made)


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplates:
    return StoreTemplates(tmp_path_factory)


def pinned_at_now(clock: Clock) -> bool:
    """True when `clock` reads NOW: a template made at NOW is what a test would have made itself."""
    return isinstance(clock, FixedClock) and clock.now() == NOW


def templated(
    store_templates: StoreTemplates, clock: Clock, name: str, make: Callable[[DataFolder, Clock], T], path: Path
) -> T:
    """Fill the folder `path` as `make(DataFolder(path), clock)` would and return what it returned:
    a copy of the session's store `name` (made once per worker by `make` at NOW) when `clock` reads
    NOW, else made now. What `make` returns must not name its folder (a copy lives elsewhere)."""
    if path.exists() or not pinned_at_now(clock):
        return make(DataFolder(path), clock)
    return store_templates.copy(name, lambda folder: make(folder, FixedClock(NOW)), path)


def _empty_store(folder: DataFolder) -> None:
    ws, _code = Access(folder, FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.store.close()  # closed, not locked: a lock is audited, and the test's store is still open


@pytest.fixture
def workspace(access: Access, store_templates: StoreTemplates):
    """An open, empty store of the test's own in `folder`: a copy of the session's store made by
    `access.create` at NOW, opened with the passphrase but not audited again, so it holds what
    `access.create` would have left (~0.01 s instead of ~0.2 s, for ~1,000 tests). Tests of
    creating a store call `access.create` themselves."""
    if access.folder.path.exists() or not pinned_at_now(access.clock):
        ws, _code = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)  # not what the template is
    else:
        store_templates.copy("empty-store", _empty_store, access.folder.path)
        ws = Workspace(vault.unlock(access.folder, PASSPHRASE), access.clock)
    yield ws
    ws.lock()


def add_patient(ws, patient, enrollment=None):
    """The saved Patient (services.patients.add_patient returns it with its change set)."""
    from caredesk.services.patients import add_patient as add

    return add(ws, patient, enrollment).value
