"""A data folder and whether it holds a store, without opening it (no SQLAlchemy, no SQLCipher).

The unlock page asks these before anything is typed, so they stay light: the app's first
paint does not wait for the database layer (issue 14). caredesk.store.vault opens what is here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from caredesk import paths
from caredesk.errors import StoreError, StoreLocked, StoreMissing
from caredesk.store import folder_kind, restore_swap
from caredesk.store.writable_folder import FolderWords, check_writable

DB_NAME = "caredesk.db"
KEY_NAME = "caredesk.key"
WORDS = FolderWords(
    name="data folder",
    missing="No CareDesk store in {folder}: the folder does not exist. Run 'caredesk init' first.",
    is_file="The data folder {folder} is a file, not a folder.",
    not_writable="The data folder {folder} is not writable.",
    missing_error=StoreMissing,
)


@dataclass(frozen=True)
class DataFolder:
    path: Path

    def __post_init__(self) -> None:
        paths.note_data_folder(self.path)  # no report or export is ever written in here

    @property
    def db(self) -> Path:
        return self.path / DB_NAME

    @property
    def key(self) -> Path:
        return self.path / KEY_NAME

    @property
    def lock(self) -> Path:
        return self.path / "caredesk.lock"

    @property
    def logs(self) -> Path:
        return self.path / "logs"

    def has_store(self) -> bool:
        """A store is here, or a restore is putting one here now. An interrupted restore is
        finished or undone first (caredesk.store.restore_swap), so none is taken for an empty folder."""
        try:
            busy = restore_swap.settle(self.path)
        except OSError:
            busy = True  # it cannot be settled now (check() says why): never a new store over it
        return busy or self.db.exists() or self.key.exists()

    def check(self, *, for_create: bool = False) -> None:
        """Clear errors for a folder that cannot hold a store: a file, missing, not writable, or
        a synced or network folder (caredesk.store.folder_kind; refused before anything is made)."""
        p = self.path
        refused = folder_kind.refusal(p)
        if refused is not None:
            raise StoreError(refused)
        check_writable(p, WORDS, create=for_create)
        try:
            if restore_swap.settle(p):
                raise StoreLocked(
                    f"A backup is being restored into {p} (by another CareDesk). Try again when it is done."
                )
        except OSError as exc:
            raise StoreError(f"An interrupted restore in {p} could not be finished ({exc.strerror}).") from None
        if for_create or self.has_store():
            _keep_private(p)

    def files(self) -> list[Path]:
        """Every file of the store, for checks that nothing changed."""
        from caredesk.store import anchor

        names = (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", KEY_NAME, anchor.NAME)
        return [self.path / n for n in names if (self.path / n).exists()]


def _keep_private(folder: Path) -> None:
    """Make the data folder 0700 (a tester's existing folder stayed 0755). The folder is
    CareDesk's own, holding only the store, its key, logs and backups made before an upgrade,
    so nobody else needs to list it. Its parents (a home folder) and the folders backups go to
    (a USB drive) are the user's, shared as they choose: they keep their modes, as does a
    folder someone else owns. Windows folders keep their ACLs (chmod changes no access there)."""
    try:
        info = folder.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            os.chmod(folder, info.st_mode & 0o700)
    except (OSError, AttributeError):  # AttributeError: no os.getuid on Windows
        pass


def _missing_db(folder: DataFolder) -> StoreError:
    return StoreError(
        f"The database {folder.db.name} is missing from {folder.path} but its key file is there. "
        "Restore the folder from a backup; CareDesk will not create a new store in its place."
    )


def _missing_key(folder: DataFolder) -> StoreError:
    return StoreError(
        f"The key file {folder.key.name} is missing from {folder.path}. Restore it from a backup; "
        "without it the database cannot be opened."
    )


def preflight(folder: DataFolder) -> None:
    """Before asking for a secret: raise if the folder holds half a store."""
    folder.check()
    if folder.key.exists() and not folder.db.exists():
        raise _missing_db(folder)
    if folder.db.exists() and not folder.key.exists():
        raise _missing_key(folder)
