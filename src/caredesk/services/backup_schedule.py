"""When CareDesk backs up by itself, which old backups it removes, and what the window says
about the last one (SPEC section 5 "Scheduled"; issue 11 item 3).

Rules:
- On quit, at most once per clinic date: no backup when the store's record says a verified
  backup (made on quit, by hand, or the one a restore came from) was made on today's date;
  only with the setting on, a folder used before, and an unlocked store (the key is needed).
- After each backup the folder keeps this store's newest `keep` backups. Only files named as
  CareDesk names backups (caredesk-backup-YYYY-MM-DD-HHMM[-N].cdbk) whose manifest names this
  store are candidates; any other file, another store's backup, or one that cannot be read is
  never touched; the file just written is never removed.
- The window shows the date of the last verified backup and warns when it is more than
  NAG_AFTER_DAYS days old, or when there is none.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from caredesk.domain.calendar import us_date
from caredesk.errors import StoreError
from caredesk.services.backup import BackupFile, LastBackup, make_backup
from caredesk.services.workspace import Workspace
from caredesk.store.backup_read import open_backup

log = logging.getLogger(__name__)

KEEP_DEFAULT = 10
KEEP_RANGE = (1, 100)
NAG_AFTER_DAYS = 7
NO_BACKUP = "No backup yet — File > Back up now"
# The names caredesk.store.backup.backup_name gives; nothing else in a folder is ours to delete.
BACKUP_NAME = re.compile(r"caredesk-backup-\d{4}-\d{2}-\d{2}-\d{4}(?:-\d+)?\.cdbk")


def due_on_quit(enabled: bool, folder: Path | None, last: LastBackup | None, now: datetime, tz: tzinfo) -> bool:
    """Whether quitting now should back up: the setting is on, a folder was used before, and no
    verified backup was made on the clinic's date of `now` (a clock set back counts as another day)."""
    if not enabled or folder is None:
        return False
    return last is None or last.at.astimezone(tz).date() != now.astimezone(tz).date()


@dataclass(frozen=True)
class Indicator:
    """The window's line about the last backup; `warn` when it is old or missing."""

    text: str
    warn: bool


def indicator(last: LastBackup | None, today: date, tz: tzinfo) -> Indicator:
    """'Last verified backup: 11/24/2026 (3 days ago)'; a warning after NAG_AFTER_DAYS days or with none."""
    if last is None:
        return Indicator(NO_BACKUP, True)
    day = last.at.astimezone(tz).date()
    age = (today - day).days
    # A date after today means the computer's clock was wrong then or is now: say so, not "today".
    ago = "a date after today: check this computer's clock" if age < 0 else ""
    ago = ago or ("today" if age == 0 else "yesterday" if age == 1 else f"{age} days ago")
    text = f"Last verified backup: {us_date(day)} ({ago})"
    if age > NAG_AFTER_DAYS:
        return Indicator(f"{text} — File > Back up now", True)
    return Indicator(text, False)


def prune(folder: Path, store_id: str, keep: int, *, made: Path) -> list[Path]:
    """Delete this store's backups in `folder` beyond the newest `keep` (by the time in each
    manifest, then name); returns those removed. Never `made`, never a file not proven ours."""
    ours: list[tuple[datetime, str, Path]] = []
    for path in folder.iterdir():
        if not BACKUP_NAME.fullmatch(path.name) or not path.is_file():
            continue
        try:
            opened = open_backup(path)
        except StoreError:
            continue  # damaged or not a backup after all: not ours to judge, left alone
        if opened.manifest.store_id == store_id:
            ours.append((opened.manifest.created, path.name, path))
    ours.sort(reverse=True)
    removed: list[Path] = []
    for _created, _name, path in ours[max(1, keep) :]:
        if path == made:
            continue
        try:
            path.unlink()
        except OSError as exc:  # a read-only file or a drive pulled out: the backup itself stands
            log.warning("an old backup could not be removed: %s", exc.strerror)
            continue
        removed.append(path)
    return removed


@dataclass(frozen=True)
class BackupDone:
    """A verified backup and the older backups of this store removed from its folder."""

    made: BackupFile
    removed: list[Path]


def backup_and_prune(
    ws: Workspace,
    folder: Path,
    *,
    keep: int,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupDone:
    """make_backup into `folder`, then keep this store's newest `keep` backups there.
    Raises what make_backup raises (StoreError, Cancelled); then nothing is removed."""
    made = make_backup(ws, folder, progress=progress, cancel=cancel)
    return BackupDone(made, prune(folder, ws.store.store_id, keep, made=made.path))


def result_text(done: BackupDone) -> str:
    """'Backup verified: caredesk-backup-2026-11-24-1030.cdbk, 170 patients, 12,345 rows (3.1 MB) in /media/usb.'"""
    made = done.made
    patients = made.rows.get("patients", 0)
    size = f"{made.size / 1e6:.1f} MB" if made.size >= 100_000 else f"{made.size / 1e3:.0f} kB"
    text = (
        f"Backup verified: {made.path.name}, {patients:,} patient{'' if patients == 1 else 's'}, "
        f"{sum(made.rows.values()):,} rows ({size}) in {made.path.parent}."
    )
    if done.removed:
        n = len(done.removed)
        text += f" {n} older backup{'' if n == 1 else 's'} of this store removed."
    return text
