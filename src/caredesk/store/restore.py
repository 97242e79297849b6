"""Putting a backup back into a data folder, checked before anything is replaced.

Order, so that no step can lose the store that is there:
1. hold the folder's lock file (refused while CareDesk has the folder open);
2. read the backup's manifest and key file, unwrap the data key with the secret given;
3. write its database, its key file and an anchor of its audit chain's head (the chain was just
   checked; the old anchor belongs to the replaced store) into a staging folder in the data
   folder and check the database (checksum, integrity, cipher pages, row counts against the
   manifest, audit chain); any failure stops here with the live files untouched;
4. swap them in under a journal (caredesk.store.restore_swap): the live store's files
   (database, WAL, key file, audit anchor) go into `replaced-YYYY-MM-DD-HHMMSS/` in the data
   folder, unchanged, and the staged ones into place. A crash at any moment leaves a journal
   that the next look at the folder finishes (or undoes), so the folder holds one whole store;
5. open the restored store; if it does not open, the replaced files are moved back.
The replaced store is kept after that (the caller says where), not deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from caredesk.domain import audit as actions
from caredesk.domain.audit import GENESIS
from caredesk.errors import CareDeskError, StoreError, WrongSecret
from caredesk.store import anchor, folder_lock, restore_swap
from caredesk.store.backup_read import OpenedBackup, extract_checked, open_backup
from caredesk.store.engine import connect
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DB_NAME, KEY_NAME, DataFolder, OpenStore, open_with_key

# The files of a store, as DataFolder.files() names them.
_STORE_FILES = [DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", KEY_NAME, anchor.NAME]


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
    replaced = f"replaced-{now:%Y-%m-%d-%H%M%S}"
    with restore_swap.staging(folder.path) as stage:  # removed after, whatever happens
        extract_checked(backup, data_key, stage.file(DB_NAME))
        try:
            backup.key_file.write(stage.file(KEY_NAME))
            _stage_anchor(stage, data_key, backup.key_file.store_id)
        except OSError as exc:
            raise StoreError(
                f"The restored files could not be written ({exc.strerror}); nothing was changed."
            ) from None
        try:
            stage.swap([DB_NAME, KEY_NAME, anchor.NAME], _STORE_FILES, replaced)
            store = open_with_key(folder, data_key, reanchor=True)
        except BaseException as exc:
            stage.undo()
            if isinstance(exc, CareDeskError | OSError):
                raise StoreError(
                    f"The restored store did not open ({exc}); the previous store was put back unchanged."
                ) from None
            raise
    kept = folder.path / replaced
    return Restored(store, backup, kept if kept.exists() else None)


def _stage_anchor(stage: restore_swap.Staging, data_key: bytes, store_id: str) -> None:
    """The anchor of the checked copy's audit head, staged with it, so the store renamed into
    place is whole at once (an anchor written after the swap could be missing after a crash)."""
    conn = connect(stage.file(DB_NAME), data_key)
    try:
        row = conn.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    sealer = anchor.Sealer(stage.file(anchor.NAME), data_key, store_id)
    try:
        sealer.write(anchor.Anchor(int(row[0]), str(row[1])) if row else anchor.Anchor(0, GENESIS))
    finally:
        sealer.wipe()


def _remove_if_empty(path: Path) -> None:
    with suppress(OSError):
        path.rmdir()


# The store's "last change" is its newest event of a kind that changes something.
_NOT_CHANGES = actions.NOT_CHANGES


@dataclass(frozen=True)
class StoreFacts:
    """What a store holds, read before a restore replaces it: its patients, the time (aware)
    of its newest change (None for a store never changed) and its clinic zone's name."""

    patients: int
    last_change: datetime | None
    zone: str


def store_facts(folder: DataFolder, data_key: bytes) -> StoreFacts:
    """Read the facts on one read-only connection (nothing written). StoreError when the
    database does not open with `data_key` or cannot be read."""
    try:
        conn = connect(folder.db, data_key)
    except WrongSecret:
        raise StoreError("The key file does not belong to this database (or the database is damaged).") from None
    try:
        conn.execute("PRAGMA query_only = ON")
        patients = conn.execute("SELECT count(*) FROM patients").fetchone()[0]
        marks = ",".join("?" * len(_NOT_CHANGES))
        last = conn.execute(f"SELECT max(at) FROM audit_events WHERE action NOT IN ({marks})", _NOT_CHANGES).fetchone()
        zone = conn.execute("SELECT value FROM store_meta WHERE key = 'timezone'").fetchone()
    except Exception as exc:  # sqlcipher's own DatabaseError family: a damaged store
        raise StoreError(f"The store in {folder.path} cannot be read ({type(exc).__name__}).") from None
    finally:
        conn.close()
    return StoreFacts(int(patients), datetime.fromisoformat(last[0]) if last[0] else None, zone[0] if zone else "UTC")
