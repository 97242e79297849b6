"""The CLI tests' marker: `slow` tests run in `make test` like every other; `-m "not slow"` skips them locally.
And `empty`: an empty store as `caredesk init` makes one, each test's own copy of one made once per session."""

from pathlib import Path

import pytest

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, StoreTemplates


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test of many real processes (tens of seconds); run by make test")


def _empty_store(folder: DataFolder) -> None:
    ws, _code = Access(folder, FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()


@pytest.fixture
def empty(tmp_path: Path, store_templates: StoreTemplates) -> Path:
    """The folder of an empty store made as `caredesk init` makes one (Access.create, PASSPHRASE,
    at NOW, locked), with the tests' fast key derivation: a copy of the session's. Its users
    import into it; `caredesk init` itself is tested in test_cli.py, test_recovery_cli.py and the
    journey. Made by `init` it had the calibrated Argon2id (~0.5 s of 2-4 threads in every later
    `caredesk` call on it) and `init`'s own process."""
    path = tmp_path / "empty"
    store_templates.copy("cli-empty", _empty_store, path)
    return path
