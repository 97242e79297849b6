"""A store made where the system has no time-zone database (Windows, a minimal Linux): real
processes with an empty PYTHONTZPATH, so zoneinfo sees no system database (issue 14).

With the `tzdata` package (a dependency) the clinic's zone still works; with `tzdata` hidden as
well there is no database at all, and the store is made in UTC, saying so, where it used to fail
with "unexpected error (ZoneInfoNotFoundError)"."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, run
from tests.conftest import NOW, PASSPHRASE

NO_SYSTEM_DATABASE = {"PYTHONTZPATH": "", "TZ": "America/Chicago"}  # tzlocal reads TZ first
# The command as `caredesk` runs it, with the tzdata package made unimportable first.
WITHOUT_TZDATA = "import sys; sys.modules['tzdata'] = None; from caredesk.cli.main import main; sys.exit(main())"


def run_without_any_database(*args: str) -> subprocess.CompletedProcess[str]:
    # run()'s environment, with `-c WITHOUT_TZDATA` in place of `-m caredesk`.
    env = {
        "PYTHONPATH": SRC,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CAREDESK_CLOCK": NOW.isoformat(),
        "CAREDESK_PASSPHRASE": PASSPHRASE,
        "PATH": "/usr/bin:/bin",
        **NO_SYSTEM_DATABASE,
    }
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TZDATA, *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_tzdata_gives_the_clinic_zone_when_the_system_has_no_database(tmp_path):
    target = tmp_path / "store"
    r = run("init", "--data-dir", str(target), env={"CAREDESK_PASSPHRASE": PASSPHRASE, **NO_SYSTEM_DATABASE})
    assert r.returncode == 0, r.stderr
    assert "Dates follow the time zone America/Chicago." in r.stdout
    ws = Access(DataFolder(target)).unlock(PASSPHRASE)
    try:
        assert str(ws.tz) == "America/Chicago"
    finally:
        ws.lock()


def test_with_no_database_at_all_the_store_is_made_in_utc_and_says_so(tmp_path):
    target = tmp_path / "store"
    r = run_without_any_database("init", "--data-dir", str(target))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert (
        "Dates follow the time zone UTC: this computer has no time-zone database to read its own zone from." in r.stdout
    )
    # The store opens there too, and its dates follow UTC wherever it is opened later.
    checked = run_without_any_database("verify", "--data-dir", str(target))
    assert checked.returncode == 0, checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    ws = Access(DataFolder(target)).unlock(PASSPHRASE)
    try:
        assert ws.tz.utcoffset(datetime(2026, 7, 1, tzinfo=UTC)) == UTC.utcoffset(None)
        assert str(ws.tz) == "UTC"
    finally:
        ws.lock()
