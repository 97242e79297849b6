"""After a command's own transaction has committed, nothing may turn its success into "nothing
was saved" (issue 11, a tester's report): on a tmpfs with ~76-80 KiB left, `caredesk
log-contact` printed "The disk is full - nothing was saved" (exit 1) although the call was
saved, because the lock's audit event after it found the disk full; a retry double-billed
the minutes. Real `caredesk` processes on a real small tmpfs (tests/store/test_disk_full.py).
"""

from __future__ import annotations

import pytest

from caredesk.store.vault import DataFolder
from tests.cli.test_cli import run
from tests.conftest import PASSPHRASE
from tests.store.test_disk_full import FULL, disk, fill, store  # noqa: F401 (fixtures)

NOTHING_SAVED = "nothing was saved"


def _notes(folder: DataFolder) -> str:
    listed = run("contacts", "--mrn", "T0001", "--json", "--data-dir", str(folder.path),
                 env={"CAREDESK_PASSPHRASE": PASSPHRASE})  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


@pytest.mark.parametrize("leave_kib", list(range(40, 124, 4)))
def test_whatever_the_room_left_a_saved_call_is_never_reported_as_not_saved(store, disk, leave_kib):  # noqa: F811
    """exit 0 <=> the call (its note) was saved; "nothing was saved" => it was not."""
    note = f"note-{leave_kib}"
    filler = fill(disk, leave_kib)
    try:
        done = run("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "2", "--note", note,
                   "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE})  # fmt: skip
    finally:
        filler.unlink()
    assert "Traceback" not in done.stderr, done.stderr
    saved = note in _notes(store)
    assert (done.returncode == 0) == saved, (leave_kib, done.returncode, done.stderr)
    if NOTHING_SAVED in done.stderr:
        assert not saved and done.stderr.startswith(f"caredesk: {FULL}"), done.stderr
