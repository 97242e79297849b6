"""Putting a backup back into a data folder, checked before anything is replaced.

Order, so that no step can lose the store that is there:
1. hold the folder's lock file (refused while CareDesk has the folder open);
2. read the backup's manifest and key file, unwrap the data key with the secret given;
3. write its database to a temporary file in the data folder and check it (checksum, integrity,
   cipher pages, row counts against the manifest, audit chain); any failure stops here with the
   live files untouched;
4. move the live store's files (database, WAL, key file, audit anchor) into `replaced-YYYY-MM-DD-HHMMSS/`
   in the data folder, unchanged (open it with `--data-dir` if ever needed);
5. rename the checked copy and the backup's key file into place and open the store, anchoring
   its audit chain's head anew (caredesk.store.anchor; the chain was just checked, and the old
   anchor belongs to the replaced store); if it does not open, the replaced files are moved back.
The replaced store is kept after that (the caller says where), not deleted.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from caredesk.errors import CareDeskError, StoreError, WrongSecret
from caredesk.store import anchor, folder_lock
from caredesk.store.backup import OpenedBackup, extract_checked, open_backup
from caredesk.store.keys import KeyFile, fsync_dir
from caredesk.store.vault import DB_NAME, DataFolder, OpenStore, open_with_key

# The files of a store, as DataFolder.files() names them.
_STORE_FILES = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")


@dataclass(frozen=True)
class Restored:
    """The restored store (open), the backup it came from and where the replaced store was put."""

    store: OpenStore
    backup: OpenedBackup
    replaced: Path | None


def restore(folder: DataFolder, file: Path, unwrap: Callable[[KeyFile], bytes], *, now: datetime) -> Restored:
    """Replace the store in `folder` (or fill an empty or new folder) with the backup `file`.

    `unwrap` turns the backup's key file into the data key (the passphrase or the recovery
    code); `now` names the folder the replaced store goes to. Raises WrongSecret, StoreLocked,
    or StoreError for a damaged, truncated or foreign backup; then no live file has changed."""
    backup = open_backup(file)
    try:
        data_key = unwrap(backup.key_file)
    except WrongSecret as exc:
        raise WrongSecret(f"{exc} It must be the one the store had when this backup was made.") from None
    made = not folder.path.exists()
    folder.check(for_create=True)
    try:
        with folder_lock.holding(folder.lock):
            return _replace(folder, backup, data_key, now)
    except BaseException:
        if made:
            _remove_if_empty(folder.path)
        raise


def _replace(folder: DataFolder, backup: OpenedBackup, data_key: bytes, now: datetime) -> Restored:
    staged = folder.path / f".restore-{secrets.token_hex(4)}.db"
    extract_checked(backup, data_key, staged)
    replaced: Path | None = None
    present = [p for p in _files(folder) if p.exists()]
    moved: list[Path] = []
    try:
        if present:
            replaced = folder.path / f"replaced-{now:%Y-%m-%d-%H%M%S}"
            replaced.mkdir(mode=0o700)
            for p in present:
                os.replace(p, replaced / p.name)
                moved.append(p)
            fsync_dir(folder.path)
        os.replace(staged, folder.db)
        backup.key_file.write(folder.key)
        store = open_with_key(folder, data_key, reanchor=True)
    except BaseException as exc:
        _put_back(folder, staged, present, replaced, moved)
        if isinstance(exc, CareDeskError | OSError):
            raise StoreError(
                f"The restored store did not open ({exc}); the previous store was put back unchanged."
            ) from None
        raise
    return Restored(store, backup, replaced)


def _files(folder: DataFolder) -> list[Path]:
    return [folder.path / n for n in _STORE_FILES] + [folder.key, folder.path / anchor.NAME]


def _put_back(folder: DataFolder, staged: Path, present: list[Path], replaced: Path | None, moved: list[Path]) -> None:
    """Undo a restore that did not open: remove what it put in place, move the old files back."""
    for p in [staged, *_files(folder)]:
        if p in moved or p not in present:  # a file the restore wrote, never a live one left in place
            with suppress(OSError):
                p.unlink()
    for p in moved:
        assert replaced is not None
        os.replace(replaced / p.name, p)
    if replaced is not None:
        with suppress(OSError):
            replaced.rmdir()


def _remove_if_empty(path: Path) -> None:
    with suppress(OSError):
        path.rmdir()
