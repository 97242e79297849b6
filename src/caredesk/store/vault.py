"""Create, unlock, recover and re-key a store in a data folder.

A data folder holds caredesk.db (SQLCipher) and caredesk.key (the wrapped data key).
A wrong secret changes no file. If either file exists, CareDesk never creates a new
store there: it opens what is there or says why it cannot.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from caredesk.domain import audit as actions
from caredesk.domain import zones
from caredesk.errors import StoreError, StoreExists, StoreMissing, WrongSecret
from caredesk.store import anchor, faults, migrate, remembered
from caredesk.store import engine as store_engine
from caredesk.store.backup import BackupFile, Cancel, Progress, write_backup
from caredesk.store.commit_watch import CommitWatch

# DataFolder and the checks made before a secret is asked live apart, light (the unlock page's
# first paint needs them, not SQLAlchemy); named here too, as callers always found them here.
from caredesk.store.data_folder import DB_NAME as DB_NAME
from caredesk.store.data_folder import KEY_NAME as KEY_NAME
from caredesk.store.data_folder import DataFolder as DataFolder
from caredesk.store.data_folder import _missing_db, _missing_key
from caredesk.store.data_folder import preflight as preflight
from caredesk.store.engine import checkpoint, connect_watcher, open_engine
from caredesk.store.keys import KdfParams, KeyFile, calibrate, check_passphrase_rules, new_data_key, new_recovery_code
from caredesk.store.models import Base
from caredesk.store.uow import UnitOfWork

DAMAGED = (
    "The database is damaged or was altered (its pages fail authentication). "
    "Restore the data folder from a backup; CareDesk will not overwrite it."
)
# Where the verified backup made before a schema upgrade goes (inside the data folder).
UPGRADE_BACKUPS = "backups"


def clinic_zone_name() -> str:
    """This computer's IANA zone name (tzlocal), or "UTC" when it cannot be read or no
    time-zone database here knows it (caredesk.domain.zones)."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name:
            zones.lookup(name)
            return name
    except (ImportError, ZoneInfoNotFoundError, ValueError, OSError):
        pass
    return zones.FALLBACK


class OpenStore:
    """An unlocked store. Hands out units of work; close() drops every connection and wipes the key.

    The data key lives in one bytearray, `data_key`, shared with the engine's connection maker
    (store/engine.py); close() zeroes it in place. Immutable copies Python cannot wipe are
    listed in README "Your data and its protection"."""

    def __init__(
        self,
        folder: DataFolder,
        engine: Engine,
        store_id: str,
        data_key: bytearray,
        *,
        reanchor: bool = False,
        read_only: bool = False,
        watch: CommitWatch | None = None,
    ):
        """`watch`: the engine's CommitWatch (see watch_commits). `reanchor`: trust the audit chain as it is and anchor its head now (a restore, whose
        chain was checked against its backup). Otherwise the chain's end is checked against the
        anchor before anything is written: `audit_problems` (caredesk.store.anchor).
        `read_only`: opened only to be checked (caredesk verify, on an engine that refuses
        writes): every unit of work reads, nothing is anchored, and what cannot be read here
        is left for the check to report."""
        self.folder = folder
        self.read_only = read_only
        self.store_id = store_id
        self._engine: Engine | None = engine
        self._data_key = data_key
        self._watch = watch
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._sealer = anchor.Sealer(folder.path / anchor.NAME, data_key, store_id)  # wiped on close too
        self.written_here = anchor.WrittenHere()  # the audit events this process committed
        name, anchored, self.audit_problems = "UTC", True, []
        try:
            with self.uow(now=lambda: datetime.now(UTC), actor="system") as uow:
                name = uow.meta.get("timezone") or "UTC"
                anchored = uow.meta.get(anchor.META_KEY) is not None
                # A read-only open (verify) leaves the tail to its own check, which reads the anchor
                # before its snapshot begins; this unit of work has read already.
                checked = not (reanchor or read_only)
                self.audit_problems = (
                    anchor.tail_problems(self._sealer, uow.audit_log, lambda: anchored) if checked else []
                )
        except StoreError:
            if not read_only:
                raise  # a damaged page: the check that opened the store read-only reports it
        self.tz = zones.zone_or_utc(name)
        if read_only:
            return
        anchor.keep_anchored(self._sessions, self._sealer, self.written_here)
        if reanchor or not anchored:
            self._anchor_now()

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def _anchor_now(self) -> None:
        """Anchor the chain's head as it is (a store made before anchoring, or just restored).
        The file first, then the mark in the store: a crash between leaves a file and no mark,
        which the next open simply anchors again."""
        try:
            with self.uow(now=lambda: datetime.now(UTC), actor="system") as uow:
                self._sealer.write(anchor.Anchor(*uow.audit_log.head()))
                uow.meta.set(anchor.META_KEY, anchor.NAME)
                uow.commit()
        except (OSError, DatabaseError, StoreError):
            pass  # a read-only or full disk (DiskFull): anchored at the next open that can write

    def audit_tail_problems(self) -> list[str]:
        """The end of the audit chain checked against its anchor now (caredesk.store.anchor)."""
        with self.uow(now=lambda: datetime.now(UTC), actor="system", read_only=True) as uow:
            return anchor.tail_problems(self._sealer, uow.audit_log, lambda: uow.meta.get(anchor.META_KEY) is not None)

    def uow(self, *, now: Callable[[], datetime], actor: str, read_only: bool = False) -> UnitOfWork:
        if self._engine is None:
            raise StoreError("The store is locked.")
        tz = getattr(self, "tz", None) or zones.lookup(zones.FALLBACK)
        reading = read_only or self.read_only
        return UnitOfWork(self._sessions, tz=tz, now=now, actor=actor, read_only=reading, folder=self.folder.path)

    def watch_commits(self) -> bool:
        """From now on, tell other processes' commits from this one's (commits_elsewhere). False
        when that cannot be known: opened read only, or on a full disk (one connection at a time).
        Costs one more open connection (a few ms), so only the app asks; the CLI never does."""
        if self._engine is None or self._watch is None or isinstance(self._engine.pool, NullPool):
            return False
        return self._watch.start()

    def commits_elsewhere(self) -> bool:
        """True once after another process (a `caredesk` command) committed to this store since
        the last call or watch_commits(); always False when not watching. Microseconds; never waits."""
        return self._watch is not None and self._watch.elsewhere()

    def remember_key(self) -> bool:
        """Keep the data key in the OS keyring, if a secure one exists."""
        return self._engine is not None and remembered.remember(self.store_id, bytes(self._data_key))

    def forget_key(self) -> None:
        remembered.forget(self.store_id)

    def backup_to(
        self, folder: Path, *, now: datetime, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> BackupFile:
        """A verified one-file backup in `folder`, named by `now` (see caredesk.store.backup)."""
        if self._engine is None:
            raise StoreError("The store is locked.")
        key_file = _key_file_bytes(self.folder)
        return write_backup(
            self.folder.db, bytes(self._data_key), key_file, folder, now=now, progress=progress, cancel=cancel
        )

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()  # its connection first: the checkpoint below needs no reader
        if self._engine is not None:
            if not self.read_only:
                checkpoint(self._engine)
            self._engine.dispose()
            _forget_compiled_statements()
        self._engine = None
        _wipe(self._data_key)
        self._sealer.wipe()  # the anchor's key, derived from the data key, goes with it


def _wipe(buffer: bytearray) -> None:
    """Zero the buffer in place (same length: no new allocation, the old bytes overwritten)."""
    buffer[:] = bytes(len(buffer))


def _forget_compiled_statements() -> None:
    """Drop the statements compiled while the store was open: SQLAlchemy's compiled-statement
    cache (store.engine.COMPILED), whose statements keep the values they were first compiled with
    (a patient id, a name, a note), and the ORM's per-mapper caches of compiled INSERT/UPDATE/
    DELETE statements (their entries also kept each closed engine's dialect alive before
    StoreDialect: ~1,000 objects a lock, tests/soak/test_long_session.py). Not in the tests,
    which keep them across their thousands of stores (store.engine.KEEP_COMPILED_ACROSS_LOCKS)."""
    if store_engine.KEEP_COMPILED_ACROSS_LOCKS:
        return
    store_engine.COMPILED.clear()
    for mapper in Base.registry.mappers:
        mapper._compiled_cache.clear()


def _open(
    folder: DataFolder, key_file: KeyFile, data_key: bytes, *, reanchor: bool = False, read_only: bool = False
) -> OpenStore:
    """`data_key` is copied into the store's one wipeable buffer; the caller drops its copy.
    `read_only`: open only to check the store; nothing is written (no upgrade, no anchor)."""
    if not folder.db.exists():
        raise _missing_db(folder)
    key = bytearray(data_key)
    # Its connection is made only if the app asks (OpenStore.watch_commits), with the key
    # buffer as it is then: after close() wipes it, none can be made.
    watch = None if read_only else CommitWatch(lambda: connect_watcher(folder.db, key))
    try:
        engine = open_engine(folder.db, key, read_only=read_only, watch=watch)
    except WrongSecret:
        _wipe(key)
        raise StoreError("The key file does not belong to this database (or the database is damaged).") from None
    try:
        if migrate.needs_upgrade(engine):
            revision = migrate.current_revision(engine)
            if revision is not None and not migrate.is_known(revision):
                raise StoreError(f"This store {migrate.NEWER}")
            if read_only:
                raise StoreError("This store was made by an older CareDesk: open it once to upgrade it, then check it.")
            _backup_before_upgrade(folder, data_key)
            migrate.upgrade(engine)
        return OpenStore(folder, engine, key_file.store_id, key, reanchor=reanchor, read_only=read_only, watch=watch)
    except DatabaseError as exc:
        engine.dispose()
        _wipe(key)
        raise faults.from_sqlite(exc, folder.path) or StoreError(DAMAGED) from None
    except Exception:
        engine.dispose()
        _wipe(key)
        raise


def _key_file_bytes(folder: DataFolder) -> bytes:
    try:
        return folder.key.read_bytes()
    except OSError as exc:
        raise StoreError(f"The key file cannot be read ({exc.strerror}).") from None


def _backup_before_upgrade(folder: DataFolder, data_key: bytes) -> None:
    """A schema upgrade runs only after a verified backup (SPEC section 5): into backups/ in the
    data folder, named by this computer's local time (the store's zone is not read yet)."""
    try:
        write_backup(
            folder.db,
            data_key,
            _key_file_bytes(folder),
            folder.path / UPGRADE_BACKUPS,
            now=datetime.now().astimezone(),
            create_folder=True,
        )
    except StoreError as exc:
        raise StoreError(
            f"This store needs an upgrade, and the verified backup made first failed: {exc} "
            "Nothing was changed; free some space or fix the folder, then open it again."
        ) from None


def open_with_key(folder: DataFolder, data_key: bytes, *, reanchor: bool = False) -> OpenStore:
    """Open the store with a data key already unwrapped (a restore checks it opens, and
    `reanchor`s its checked chain: the anchor beside it was the replaced store's)."""
    return _open(folder, read_key_file(folder), data_key, reanchor=reanchor)


def read_key_file(folder: DataFolder) -> KeyFile:
    folder.check()
    if not folder.key.exists():
        if folder.db.exists():
            raise _missing_key(folder)
        raise StoreMissing(f"No CareDesk store in {folder.path}. Run 'caredesk init' or create one in the app.")
    return KeyFile.read(folder.key)


def create(
    folder: DataFolder,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    zone: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[OpenStore, str]:
    """A new store; returns it open and the recovery code to show once."""
    check_passphrase_rules(passphrase)
    folder.check(for_create=True)
    if folder.has_store():
        raise StoreExists(f"A CareDesk store already exists in {folder.path}; it was left untouched.")
    zone_name = zone or clinic_zone_name()
    tz = zones.lookup(zone_name)  # refuse an unknown zone before writing anything
    data_key = new_data_key()
    code = new_recovery_code()
    key_file = KeyFile.create(data_key, passphrase, code, kdf or calibrate())
    try:
        # Made 0600 before SQLite opens it (SQLite would make it 0644 less the umask, and its
        # -wal and -shm take the database's mode): ciphertext, but nobody else's business.
        os.close(os.open(folder.db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = open_engine(folder.db, data_key)
        migrate.upgrade(engine)
        engine.dispose()
        key_file.write(folder.key)
    except BaseException:
        # Nothing half-made is left behind: a store without its key is useless.
        for p in (folder.db, folder.path / (DB_NAME + "-wal"), folder.path / (DB_NAME + "-shm"), folder.key):
            p.unlink(missing_ok=True)
        raise
    store = _open(folder, key_file, data_key)
    with store.uow(now=now, actor="care manager") as uow:
        uow.meta.set("timezone", zone_name)
        uow.audit(actions.STORE_CREATED)
        uow.commit()
    store.tz = tz
    return store, code


def unlock(folder: DataFolder, passphrase: str, *, read_only: bool = False) -> OpenStore:
    """The store opened with the passphrase; `read_only` to check it without writing anything."""
    key_file = read_key_file(folder)
    return _open(folder, key_file, key_file.unwrap_with_passphrase(passphrase), read_only=read_only)


def unlock_from_keyring(folder: DataFolder, *, read_only: bool = False) -> OpenStore | None:
    """Open with the remembered key, or None when nothing usable is remembered."""
    key_file = read_key_file(folder)
    data_key = remembered.recall(key_file.store_id)
    if data_key is None:
        return None
    try:
        return _open(folder, key_file, data_key, read_only=read_only)
    except StoreError:
        return None  # a stale remembered key: fall back to the passphrase
