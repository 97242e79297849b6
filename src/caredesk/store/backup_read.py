"""Reading a backup file back (caredesk.store.backup has its format): its manifest and key
file first, then its database written out and checked before a restore puts it in place."""

from __future__ import annotations

import errno
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from caredesk.errors import StoreError, WrongSecret
from caredesk.store import migrate
from caredesk.store.backup import (
    DB_MEMBER,
    KEY_MEMBER,
    MANIFEST_MEMBER,
    SUFFIX,
    Manifest,
    check_copy,
    copy_revision,
    member_digest,
    removed_on_failure,
)
from caredesk.store.keys import KeyFile


@dataclass(frozen=True)
class OpenedBackup:
    """A backup file's manifest and key file, read and parsed (the database not yet checked)."""

    path: Path
    manifest: Manifest
    key_file: KeyFile


def damaged(path: Path, why: str = "") -> StoreError:
    detail = f" ({why})" if why else ""
    return StoreError(f"The backup file {path.name} is damaged or incomplete{detail}; nothing was changed.")


def open_backup(path: Path) -> OpenedBackup:
    """The manifest and key file of a backup; StoreError when absent, not a backup, or damaged."""
    if not path.exists():
        raise StoreError(f"The backup file {path} is not there — is the drive plugged in?")
    if path.is_dir():
        raise StoreError(f"{path} is a folder: name the backup file (caredesk-backup-...{SUFFIX}).")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not {DB_MEMBER, KEY_MEMBER, MANIFEST_MEMBER} <= names:
                raise damaged(path, "a part is missing")
            manifest = Manifest.from_bytes(zf.read(MANIFEST_MEMBER))
            key_file = KeyFile.from_bytes(zf.read(KEY_MEMBER))
    except StoreError:
        raise
    except zipfile.BadZipFile:
        raise damaged(path) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise damaged(path, "its manifest cannot be read") from None
    except OSError as exc:
        raise StoreError(f"The backup file {path} cannot be read ({exc.strerror}).") from None
    return OpenedBackup(path, manifest, key_file)


def extract_checked(backup: OpenedBackup, data_key: bytes, target: Path) -> None:
    """Write the backup's database to `target` and check it (digest, size, integrity, cipher,
    row counts against the manifest, audit chain). StoreError when anything fails (also when
    `data_key` does not open it); `target` is removed then."""
    with removed_on_failure(target):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as sink, zipfile.ZipFile(backup.path) as zf:
                sha = member_digest(zf, DB_MEMBER, sink)
                sink.flush()
                os.fsync(sink.fileno())
        except zipfile.BadZipFile as exc:
            raise damaged(backup.path, _crc_words(exc)) from None
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise StoreError("The disk holding the data folder is full; nothing was changed.") from None
            raise
        m = backup.manifest
        if sha != m.db_sha256 or target.stat().st_size != m.db_bytes:
            raise damaged(backup.path, "the database part does not match its checksum")
        try:
            problems = check_copy(target, data_key, m.rows)
        except WrongSecret:  # the key file's passphrase was right, so the two parts do not belong together
            raise damaged(backup.path, "its key file does not open its database") from None
        if problems:
            raise damaged(backup.path, "; ".join(problems[:3]))
        revision = copy_revision(target, data_key)
        if revision is not None and not migrate.is_known(revision):
            raise StoreError(f"This backup {migrate.NEWER}")


def _crc_words(exc: Exception) -> str:
    return "a checksum does not match" if "CRC" in str(exc) else ""
