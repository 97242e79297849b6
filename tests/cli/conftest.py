"""The CLI tests' marker: `slow` tests run in `make test` like every other; `-m "not slow"` skips them locally.
And `empty`: a store made by `caredesk init`, each test's own copy of one made once per session."""

from pathlib import Path

import pytest

from caredesk.store.vault import DataFolder
from tests.cli.test_cli import pw_env, run
from tests.conftest import StoreTemplates


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test of many real processes (tens of seconds); run by make test")


def _init_by_cli(folder: DataFolder) -> None:
    r = run("init", "--data-dir", str(folder.path), env=pw_env())
    assert r.returncode == 0, r.stderr


@pytest.fixture
def empty(tmp_path: Path, store_templates: StoreTemplates) -> Path:
    """The folder of an empty store made by `caredesk init` (PASSPHRASE, the CLI's own KDF, at
    NOW): a copy of the session's, byte for byte what `init` left (one `init` is ~1 s)."""
    path = tmp_path / "empty"
    store_templates.copy("cli-init", _init_by_cli, path)
    return path
