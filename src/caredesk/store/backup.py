"""One-file encrypted backups of a store: the format, writing one, and checking a copy
(reading a backup file back for a restore is caredesk.store.backup_read).

A backup (`caredesk-backup-YYYY-MM-DD-HHMM.cdbk`, named by the clinic's date and time, never
by patient) is a ZIP archive whose members are stored, not compressed, in this order:

    caredesk.key   the store's key file as it was: the data key wrapped by the passphrase and
                   by the recovery code (never the OS keyring's copy), so the backup opens on
                   another computer with either secret
    caredesk.db    the SQLCipher database, under the same data key (SQLite's online backup,
                   page by page), in rollback-journal mode so it is one self-contained file
    manifest.json  {"format": "caredesk-backup", "version": 1, "created": ISO 8601 UTC,
                   "revision": schema revision, "store_id": hex, "db_bytes": int,
                   "db_sha256": hex, "rows": {table: count}} (no patient data: table names
                   and counts)

Why ZIP: any unzip tool lists it and can put the two files back by hand on a bad day; its
directory sits at the end, so a truncated file fails at once; each member has a CRC-32 and
the database also its SHA-256 in the manifest, so a flipped byte is found before SQLCipher's
own page HMACs are even asked.

The copy is consistent while other connections and processes write: it is taken inside one
read transaction (WAL mode lets writers go on), and the row counts it is checked against are
read in that same transaction. A backup counts as made only when verified: the copy opens
with the data key, passes `integrity_check` and `cipher_integrity_check`, has the same row
count in every table and an intact audit chain, and the archive read back from the disk
matches what was packed. It is written atomically (temporary files in the target folder,
fsync, rename); a failure or a cancel leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import sqlcipher3.dbapi2 as sqlcipher

from caredesk.domain.audit import AuditEvent, verify_chain
from caredesk.errors import Cancelled, StoreError, WrongSecret
from caredesk.store import faults
from caredesk.store.engine import connect
from caredesk.store.keys import KeyFile, fsync_dir
from caredesk.store.writable_folder import FolderWords, check_writable

FORMAT = "caredesk-backup"
VERSION = 1
SUFFIX = ".cdbk"
DB_MEMBER, KEY_MEMBER, MANIFEST_MEMBER = "caredesk.db", "caredesk.key", "manifest.json"
PAGES_PER_STEP = 256  # 1 MiB of 4 KiB pages between progress reports and cancel checks
CHUNK = 1 << 20
# Fractions of the whole job, for a progress bar: copy pages, check the copy, pack, read back.
_COPY, _CHECK, _PACK = 0.45, 0.65, 0.85

Progress = Callable[[float], None]  # fraction done, 0.0 to 1.0
Cancel = Callable[[], bool]  # True when the user asked to stop
# A backup folder is often on a USB drive: absent means unplugged; one on a synced folder is fine.
TARGET_WORDS = FolderWords(
    name="backup folder",
    missing="The folder {folder} is not there — is the drive plugged in?",
    is_file="{folder} is a file, not a folder: choose a folder for the backup.",
    not_writable="The folder {folder} cannot be written to (a read-only or locked drive?).",
)


@dataclass(frozen=True)
class BackupFile:
    """A backup written and verified: where, how big (bytes) and the rows it holds per table."""

    path: Path
    size: int
    rows: dict[str, int]


@dataclass(frozen=True)
class Manifest:
    created: datetime
    revision: str | None
    store_id: str
    db_bytes: int
    db_sha256: str
    rows: dict[str, int]

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "created": self.created.astimezone(UTC).isoformat(timespec="seconds"),
            "revision": self.revision,
            "store_id": self.store_id,
            "db_bytes": self.db_bytes,
            "db_sha256": self.db_sha256,
            "rows": self.rows,
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        doc = json.loads(raw.decode("ascii"))
        if doc.get("format") != FORMAT:
            raise ValueError("format")
        if doc.get("version") != VERSION:
            raise StoreError(
                f"This backup is format version {doc.get('version')}; this CareDesk reads version {VERSION}. "
                "Install the newer CareDesk to restore it."
            )
        return cls(
            created=datetime.fromisoformat(doc["created"]),
            revision=doc["revision"],
            store_id=str(doc["store_id"]),
            db_bytes=int(doc["db_bytes"]),
            db_sha256=str(doc["db_sha256"]),
            rows={str(k): int(v) for k, v in doc["rows"].items()},
        )


# -- checks shared by writing and restoring -----------------------------------------------
def _tables(conn: sqlcipher.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [r[0] for r in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(conn: sqlcipher.Connection) -> dict[str, int]:
    """Rows per table (every table but SQLite's own), read in the connection's current transaction."""
    return {name: conn.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0] for name in _tables(conn)}


def _audit_problems(conn: sqlcipher.Connection) -> list[str]:
    if "audit_events" not in _tables(conn):
        return []
    rows = conn.execute(
        "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_events ORDER BY seq"
    )
    events = [
        AuditEvent(
            seq=r[0],
            at=datetime.fromisoformat(r[1]),
            actor=r[2],
            action=r[3],
            entity=r[4],
            entity_id=r[5],
            detail=r[6],
            prev_hash=r[7],
            hash=r[8],
        )
        for r in rows
    ]
    return [f"audit log: {p}" for p in verify_chain(events)]


def _revision(conn: sqlcipher.Connection) -> str | None:
    if "alembic_version" not in _tables(conn):
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _open_read_only(path: Path, data_key: bytes) -> sqlcipher.Connection:
    conn = sqlcipher.connect(f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError:
            raise WrongSecret("The data key does not open the backup's database.") from None
    except BaseException:
        conn.close()
        raise
    return conn


def check_copy(path: Path, data_key: bytes, expected_rows: dict[str, int]) -> list[str]:
    """Problems with a copied database file; empty when it opens with `data_key`, passes SQLite's
    integrity_check and SQLCipher's cipher_integrity_check, holds `expected_rows` per table and an
    intact audit chain. Raises WrongSecret when the key does not open it. Opened read-only."""
    conn = _open_read_only(path, data_key)
    try:
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"page check: {r[0]}" for r in conn.execute("PRAGMA cipher_integrity_check")]
            if problems:
                return problems
            conn.execute("BEGIN")
            rows = row_counts(conn)
            problems += _audit_problems(conn)
            conn.execute("COMMIT")
        except sqlcipher.DatabaseError:
            return ["database pages cannot be read: damaged or altered"]
        for table in sorted(set(rows) | set(expected_rows)):
            if rows.get(table) != expected_rows.get(table):
                problems.append(f"table {table}: {rows.get(table, 0)} rows, expected {expected_rows.get(table, 0)}")
        return problems
    finally:
        conn.close()


def copy_revision(path: Path, data_key: bytes) -> str | None:
    """The schema revision of a copied database (None before any migration)."""
    conn = _open_read_only(path, data_key)
    try:
        return _revision(conn)
    finally:
        conn.close()


# -- writing ------------------------------------------------------------------------------
def backup_name(when: datetime, folder: Path) -> Path:
    """caredesk-backup-2026-11-24-1030.cdbk in `folder`; -2, -3 ... when that minute is taken."""
    stem = f"caredesk-backup-{when:%Y-%m-%d-%H%M}"
    path, n = folder / f"{stem}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{SUFFIX}"
    return path


def check_target(folder: Path, *, create: bool = False) -> None:
    """A clear StoreError for a backup folder that is absent (an unplugged drive), a file, or read-only."""
    check_writable(folder, TARGET_WORDS, create=create)


def _stop_if(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled("Backup cancelled; nothing was written.")


def _snapshot(
    db: Path, data_key: bytes, target: Path, progress: Progress, cancel: Cancel | None
) -> tuple[dict[str, int], str | None]:
    """Copy the live database into `target` page by page in one read transaction; the rows per
    table and the schema revision of that same snapshot."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # nobody else's to read
    src = connect(db, data_key)
    dst = sqlcipher.connect(str(target), isolation_level=None)
    try:
        dst.execute("PRAGMA cipher_log_level = NONE")
        dst.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        src.isolation_level = None
        # One read transaction for the counts and every step of the copy: writers in WAL mode
        # go on, and the copy is never restarted by their commits.
        src.execute("BEGIN")
        rows = row_counts(src)
        revision = _revision(src)

        def step(_status: int, remaining: int, total: int) -> None:
            _stop_if(cancel)
            progress(_COPY * (total - remaining) / max(total, 1))

        src.backup(dst, pages=PAGES_PER_STEP, progress=step, sleep=0)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        return rows, revision
    finally:
        dst.close()
        src.close()


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: IO[bytes], progress: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with zf.open(info, "w", force_zip64=True) as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            progress(len(chunk))
    return digest.hexdigest()


def member_digest(zf: zipfile.ZipFile, name: str, sink: IO[bytes] | None = None) -> str:
    """SHA-256 of one member read back (its CRC-32 checked by zipfile), optionally copied to `sink`."""
    digest = hashlib.sha256()
    with zf.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
            if sink is not None:
                sink.write(chunk)
    return digest.hexdigest()


@contextmanager
def removed_on_failure(*paths: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for p in paths:
            for extra in ("", "-journal", "-wal", "-shm"):
                with suppress(OSError):
                    p.with_name(p.name + extra).unlink()
        raise


def _disk_error(exc: OSError, folder: Path) -> StoreError:
    if exc.errno == errno.ENOSPC:
        return StoreError(f"The drive holding {folder} is full: the backup was not written.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError(f"The folder {folder} cannot be written to (a read-only or locked drive?).")
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return StoreError(f"The folder {folder} went away while writing — was the drive unplugged?")
    return StoreError(f"The backup could not be written to {folder} ({exc.strerror}).")


def write_backup(
    db: Path,
    data_key: bytes,
    key_file: bytes,
    folder: Path,
    *,
    now: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    create_folder: bool = False,
) -> BackupFile:
    """Back up the store at `db` (opened with `data_key`; `key_file` the bytes of its key file)
    into `folder`, verified; the file is named by `now` (an aware local time).

    Raises StoreError with a clear message (absent folder, full or read-only drive, a copy that
    fails its checks) or Cancelled; either way no file is left in `folder`."""
    report = progress or (lambda _fraction: None)
    check_target(folder, create=create_folder)
    store_id = KeyFile.from_bytes(key_file).store_id
    final = backup_name(now, folder)
    token = secrets.token_hex(4)
    tmp_db = folder / f".{final.stem}.{token}.db.tmp"
    tmp_zip = folder / f".{final.stem}.{token}.cdbk.tmp"
    try:
        with removed_on_failure(tmp_db, tmp_zip):
            rows, revision = _snapshot(db, data_key, tmp_db, report, cancel)
            _stop_if(cancel)
            problems = check_copy(tmp_db, data_key, rows)
            if problems:
                raise StoreError(
                    "The backup copy failed its checks and was not kept ("
                    + "; ".join(problems[:3])
                    + "). Run 'caredesk verify' on the store."
                )
            report(_CHECK)
            size = tmp_db.stat().st_size
            done = 0

            def packed(n: int) -> None:
                nonlocal done
                done += n
                _stop_if(cancel)
                report(_CHECK + (_PACK - _CHECK) * done / max(size, 1))

            fd = os.open(tmp_zip, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as zf:
                    stamp = now.timetuple()[:6]
                    zf.writestr(zipfile.ZipInfo(KEY_MEMBER, stamp), key_file)
                    with tmp_db.open("rb") as source:
                        sha = _copy_member(zf, zipfile.ZipInfo(DB_MEMBER, stamp), source, packed)
                    manifest = Manifest(now, revision, store_id, size, sha, rows)
                    zf.writestr(zipfile.ZipInfo(MANIFEST_MEMBER, stamp), manifest.to_bytes())
                raw.flush()
                os.fsync(raw.fileno())
            # Read back what the disk now holds: every CRC, and the database's SHA-256.
            with zipfile.ZipFile(tmp_zip) as zf:
                if member_digest(zf, DB_MEMBER) != sha or zf.read(KEY_MEMBER) != key_file:
                    raise StoreError(f"The backup read back from {folder} differs from what was written.")
            report(1.0 - (1.0 - _PACK) / 2)
            os.replace(tmp_zip, final)
            fsync_dir(folder)
            tmp_db.unlink()
    except OSError as exc:
        raise _disk_error(exc, folder) from None
    except sqlcipher.Error as exc:  # SQLite writing the copy: "database or disk is full" (issue 11)
        if faults.no_room(exc, folder):
            raise _disk_error(OSError(errno.ENOSPC, "full"), folder) from None
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise StoreError(f"The backup read back from {folder} is damaged; it was not kept.") from None
    report(1.0)
    return BackupFile(final, final.stat().st_size, rows)


def describe_rows(rows: dict[str, Any]) -> str:
    """'12,345 rows in 27 tables' (for messages)."""
    return f"{sum(rows.values()):,} rows in {len(rows)} tables"
