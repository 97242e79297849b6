"""Backup on quit once per clinic date, keeping the last N, and the last-backup line (issue 11 item 3).

Real stores, real backup files in tmp folders; the clock is tests.conftest's NOW.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caredesk.services import backup_schedule as schedule
from caredesk.services.access import Access
from caredesk.services.backup import LastBackup, last_backup, make_backup
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, TODAY, ZONE

TZ = ZoneInfo(ZONE)


def at(day_offset: int, hour: int = 10, minute: int = 30) -> datetime:
    return datetime(NOW.year, NOW.month, NOW.day, hour, minute, tzinfo=TZ) + timedelta(days=day_offset)


def test_a_backup_is_recorded_in_the_store_by_time_and_file(workspace, tmp_path, clock):
    assert last_backup(workspace) is None
    made = make_backup(workspace, tmp_path)
    assert last_backup(workspace) == LastBackup(NOW, made.path.name)


@pytest.mark.parametrize(
    ("enabled", "folder", "last", "now", "due"),
    [
        (True, Path("/media/usb"), None, NOW, True),  # never backed up
        (False, Path("/media/usb"), None, NOW, False),  # the setting is off
        (True, None, None, NOW, False),  # no folder chosen yet: nowhere to write
        (True, Path("/media/usb"), LastBackup(at(0, 8), "x"), at(0, 17), False),  # once a day
        (True, Path("/media/usb"), LastBackup(at(-1, 17), "x"), at(0, 8), True),  # yesterday's
        # 9 pm in New York is already tomorrow in UTC: the clinic's date decides.
        (True, Path("/media/usb"), LastBackup(at(0, 8), "x"), at(0, 21), False),
        (True, Path("/media/usb"), LastBackup(at(0, 23, 50), "x"), at(1, 0, 10), True),
        (True, Path("/media/usb"), LastBackup(at(2), "x"), NOW, True),  # a clock set back
    ],
)
def test_backup_on_quit_at_most_once_per_clinic_date(enabled, folder, last, now, due):
    assert schedule.due_on_quit(enabled, folder, last, now, TZ) is due


def test_quitting_twice_in_a_day_backs_up_once(workspace, tmp_path, clock):
    folder = tmp_path / "usb"
    folder.mkdir()
    for _quit in range(3):
        if schedule.due_on_quit(True, folder, last_backup(workspace), clock.now(), workspace.tz):
            schedule.backup_and_prune(workspace, folder, keep=10)
        clock.advance(hours=2)
    assert len(list(folder.iterdir())) == 1
    clock.advance(days=1)
    assert schedule.due_on_quit(True, folder, last_backup(workspace), clock.now(), workspace.tz)


@pytest.mark.parametrize(
    ("last", "text", "warn"),
    [
        (None, "No backup yet — File > Back up now", True),
        (LastBackup(at(0), "x"), "Last verified backup: 11/24/2026 (today)", False),
        (LastBackup(at(-1), "x"), "Last verified backup: 11/23/2026 (yesterday)", False),
        (LastBackup(at(-3), "x"), "Last verified backup: 11/21/2026 (3 days ago)", False),
        (LastBackup(at(-7), "x"), "Last verified backup: 11/17/2026 (7 days ago)", False),
        (LastBackup(at(-8), "x"), "Last verified backup: 11/16/2026 (8 days ago) — File > Back up now", True),
        # GUI tester: a backup dated 12/12 showed "(today)" on 12/01 after the clock had been wrong.
        (
            LastBackup(at(3), "x"),
            "Last verified backup: 11/27/2026 (a date after today: check this computer's clock)",
            False,
        ),
    ],
)
def test_the_last_backup_line_warns_after_seven_days(last, text, warn):
    assert schedule.indicator(last, TODAY, TZ) == schedule.Indicator(text, warn)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pruning_keeps_the_newest_n_of_this_store_and_touches_nothing_else(workspace, tmp_path, clock):
    folder = tmp_path / "usb"
    folder.mkdir()
    # Another store's backup in the same folder, and files that only look like ours.
    other_ws, _code = Access(DataFolder(tmp_path / "other"), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        other = make_backup(other_ws, folder).path
    finally:
        other_ws.lock()
    (folder / "notes.txt").write_text("the clinic's own file\n")
    fake = folder / "caredesk-backup-2020-01-01-0900.cdbk"
    fake.write_bytes(b"not a zip at all")
    renamed = folder / "my copy of caredesk-backup-2020-01-01-0900.cdbk"
    kept_by_hand = folder / "keep-this.cdbk"
    clock.advance(minutes=1)
    ours = []
    for _day in range(5):
        done = schedule.backup_and_prune(workspace, folder, keep=3)
        ours.append(done.made.path)
        if len(ours) == 1:  # the user's own copies of our first backup, under other names
            renamed.write_bytes(ours[0].read_bytes())
            kept_by_hand.write_bytes(ours[0].read_bytes())
        clock.advance(days=1)
    before = {p: _sha(p) for p in (other, folder / "notes.txt", fake, renamed, kept_by_hand)}
    assert done.removed == [ours[1]]
    assert sorted(p for p in folder.iterdir() if p in ours) == ours[2:]
    assert {p: _sha(p) for p in before} == before  # every other file still there, unchanged


def test_the_backup_just_made_is_kept_even_with_keep_one(workspace, tmp_path, clock):
    first = schedule.backup_and_prune(workspace, tmp_path, keep=1)
    clock.advance(minutes=5)
    second = schedule.backup_and_prune(workspace, tmp_path, keep=1)
    assert second.removed == [first.made.path]
    assert list(tmp_path.glob("*.cdbk")) == [second.made.path]
    assert "1 older backup of this store removed." in schedule.result_text(second)


def test_the_result_names_the_file_the_patients_and_the_folder(workspace, tmp_path):
    from caredesk.domain.patients import Patient
    from tests.conftest import add_patient

    add_patient(workspace, Patient(mrn="R1", given_name="Ann", family_name="Lee", birth_date=NOW.date().replace(1950)))
    done = schedule.backup_and_prune(workspace, tmp_path, keep=10)
    text = schedule.result_text(done)
    assert text.startswith(f"Backup verified: {done.made.path.name}, 1 patient, ")
    assert text.endswith(f"in {tmp_path}.")
