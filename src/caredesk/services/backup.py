"""Backing up the store while it works, and restoring a backup (SPEC section 5).

`make_backup(ws, folder)` writes one verified, encrypted file (format: caredesk.store.backup)
and audits it. `restore_backup(folder, file, ...)` checks a backup with the passphrase or the
recovery code before anything is replaced, keeps the replaced store, and audits the restore
in the restored store. Both take a progress callback (fraction done, 0.0 to 1.0) where the
work is long; a backup also takes `cancel`, a callable asked between steps.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.domain.calendar import us_date
from caredesk.errors import DiskFull, StoreError, TooManyAttempts, ValidationError
from caredesk.services.access import Access, PendingKeyChange
from caredesk.services.workspace import Workspace
from caredesk.store import restore as restoring
from caredesk.store.backup import BackupFile, Cancel, Progress, check_target, describe_rows
from caredesk.store.keys import KeyFile
from caredesk.store.uow import UnitOfWork
from caredesk.store.vault import DataFolder

__all__ = ["BackupFile", "LastBackup", "Restored", "check_folder", "last_backup", "make_backup", "restore_backup"]

# Store meta: the store's own record of its last verified backup, {"at": ISO instant, "file": name}.
# Kept in the store (not the machine's settings) so it follows the store to another laptop.
LAST_BACKUP_KEY = "backup.last"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LastBackup:
    """The newest verified backup made of this store: when (aware) and its file's name.

    A backup holds the record as it was before that backup, so a restored store names the backups
    before the one it came from (a new laptop is then nagged to make its own)."""

    at: datetime
    file: str


def last_backup(ws: Workspace) -> LastBackup | None:
    """The store's record of its last verified backup; None when it has none (or it cannot be read)."""
    with ws.reading() as uow:
        raw = uow.meta.get(LAST_BACKUP_KEY)
    if not raw:
        return None
    try:
        doc = json.loads(raw)
        at = datetime.fromisoformat(doc["at"])
    except (ValueError, KeyError, TypeError):
        return None
    return LastBackup(at, str(doc.get("file", ""))) if at.tzinfo is not None else None


def _record(uow: UnitOfWork, at: datetime, file: str) -> None:
    uow.meta.set(LAST_BACKUP_KEY, json.dumps({"at": at.isoformat(timespec="seconds"), "file": file}))


def check_folder(folder: Path, data_folder: Path | None = None) -> None:
    """Before asking for a passphrase: a clear StoreError when the backup folder is absent (an
    unplugged drive: "the folder X is not there — is the drive plugged in?"), a file, read-only,
    or inside `data_folder` (the store's own folder: a backup there is lost with the laptop)."""
    if data_folder is not None and _inside(folder, data_folder):
        raise StoreError(
            f"The backup folder {folder} is inside CareDesk's data folder {data_folder}: a backup there is lost "
            "with this laptop. Choose a USB drive or another disk."
        )
    check_target(folder)


def _inside(folder: Path, data_folder: Path) -> bool:
    try:
        return folder.expanduser().resolve().is_relative_to(data_folder.expanduser().resolve())
    except OSError:
        return False


def make_backup(
    ws: Workspace, folder: Path, *, progress: Progress | None = None, cancel: Cancel | None = None
) -> BackupFile:
    """A verified backup of the open store in `folder`, named by the clinic's date and time.

    Raises StoreError with a clear message (an absent folder or unplugged drive, a full or
    read-only drive, a copy that fails its checks, the store's own data folder) or Cancelled; no
    file is left then. (The verified copy made before a schedule upgrade goes into the data folder
    on purpose, through the store, not here.)"""
    check_folder(folder, ws.folder_path)
    made = ws.store.backup_to(folder, now=ws.clock.now().astimezone(ws.tz), progress=progress, cancel=cancel)
    try:
        with ws.uow() as uow:
            uow.audit(actions.BACKUP_MADE, detail=f"{made.path.name}; {describe_rows(made.rows)} verified")
            _record(uow, ws.clock.now(), made.path.name)
            uow.commit()
    except DiskFull:
        # The store's disk is full (its unlock said so) and the backup is what the user needs
        # most then (issue 11): it is written and verified; only the store's note of it is lost.
        log.warning("the backup was not recorded in the store (DiskFull)")
    return made


@dataclass(frozen=True)
class Restored:
    """A restore done: the rows restored per table, when the backup was made (clinic date), where
    the replaced store was kept (None when the folder held none) and, after a restore with the
    recovery code, `pending`: the restored store open (`pending.workspace`) with the new
    passphrase and a new recovery code made but NOT in effect. The caller shows
    `pending.recovery_code`, then calls `pending.commit()` (issue 11 item 5: the new code is
    seen before the old one stops working), and locks `pending.workspace` when done. Dropped
    uncommitted, the restored store opens with the backup's passphrase and recovery code.
    `pending` is None after a recovery-code restore only when the back-off from earlier wrong
    tries refused to open it (`waiting` says so): restored all the same, with the backup's secrets."""

    rows: dict[str, int]
    made_on: str
    replaced: Path | None
    pending: PendingKeyChange | None = None
    waiting: str | None = None

    @property
    def new_recovery_code(self) -> str | None:
        return None if self.pending is None else self.pending.recovery_code


def restore_backup(
    folder: DataFolder,
    file: Path,
    *,
    clock: Clock,
    passphrase: str | None = None,
    recovery_code: str | None = None,
    new_passphrase: str | None = None,
    access: Access | None = None,
) -> Restored:
    """Restore `file` into `folder` with the passphrase the store had when the backup was made,
    or with its recovery code and a new passphrase (then a new recovery code is made, to be
    shown and committed by the caller: `Restored.pending`). `access`: the caller's Access for
    `folder` (the app's, so its notices and back-off are the window's); a new one otherwise.
    Raises WrongSecret, StoreLocked, StoreError, ValidationError; the live store's files are
    unchanged then."""
    if recovery_code is not None:
        if new_passphrase is None:
            raise ValidationError("new passphrase", "is needed with the recovery code")
        # Before anything is touched (begin_recover, after the restore, checks it again).
        (access or Access(folder, clock)).check_new_passphrase(new_passphrase)

        def unwrap(key_file: KeyFile) -> bytes:
            assert recovery_code is not None
            return key_file.unwrap_with_recovery(recovery_code)
    elif passphrase is not None:

        def unwrap(key_file: KeyFile) -> bytes:
            assert passphrase is not None
            return key_file.unwrap_with_passphrase(passphrase)
    else:
        raise ValidationError("passphrase", "is needed to open the backup (or the recovery code)")
    done = restoring.restore(folder, file, unwrap, now=clock.now())
    ws = Workspace(done.store, clock)
    try:
        made_on = us_date(done.backup.manifest.created.astimezone(ws.tz).date())
        with ws.uow() as uow:
            uow.audit(actions.STORE_RESTORED, detail=f"from {file.name}, made {made_on}")
            uow.commit()
    finally:
        ws.lock()
    rows, replaced = done.backup.manifest.rows, done.replaced
    if recovery_code is None or new_passphrase is None:
        return Restored(rows, made_on, replaced)
    try:
        pending = (access or Access(folder, clock)).begin_recover(recovery_code, new_passphrase)
    except TooManyAttempts as exc:  # earlier wrong tries elsewhere: the code was right, the store is in place
        return Restored(rows, made_on, replaced, waiting=str(exc))
    return Restored(rows, made_on, replaced, pending)
