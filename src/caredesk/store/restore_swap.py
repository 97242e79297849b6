"""Swapping a checked backup's files into a data folder so that a crash at any moment leaves
one whole store there: the one replaced, or the one restored (issue 11; a tester's `kill -9`
during `caredesk restore` left no store, and `caredesk init` then made a new empty one).

The new files (database, key file, audit anchor) are written and fsynced in a staging folder
`.restore-<hex>/` inside the data folder (same disk, so a rename moves them). The restore
holds an flock on that folder's descriptor from the moment it exists until it is removed, so
anyone can tell a running restore (held) from an interrupted one (free). Then:

1. `journal.json` is written in the staging folder (temporary file, fsync, rename, fsync):
       {"replaced": "replaced-2026-12-01-104053" | null,   # where the old files go
        "old": ["caredesk.db", "caredesk.key", ...],       # live files there before
        "new": ["caredesk.db", "caredesk.key", "caredesk.anchor"],  # staged
        "names": [every file of a store]}                    # for an undo
2. every old file is moved into the replaced folder (fsync);
3. every staged file is renamed into place (fsync);
4. the caller opens the restored store; then the staging folder (journal and all) is removed.

`settle(folder)` runs wherever a data folder is looked at (caredesk.store.vault.DataFolder's
`has_store` and `check`: every command, the app, init and restore): an interrupted restore
with a journal is finished (steps 2-3 are redone where they stopped; each is idempotent: a
staged file still there means its live name holds the old file), or undone when it cannot be
finished; one without a journal never touched a live file and is simply removed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """caredesk.store.keys.fsync_dir, imported when first needed: DataFolder.has_store() loads
    this module before the app's first paint, and keys brings the cryptography package (issue 14)."""
    from caredesk.store.keys import fsync_dir as sync

    sync(folder)


PREFIX = ".restore-"
JOURNAL = "journal.json"
# Tests only: the restore kills itself (SIGKILL) at its Nth step, to prove every step is safe.
CRASH_AT = "CAREDESK_TEST_RESTORE_CRASH_AT"
log = logging.getLogger(__name__)
_steps = 0
# Staging folders this process holds: its own restore opens the store mid-way (through
# DataFolder.check, which settles), and must not take them for another process's.
_held: set[Path] = set()


def _step() -> None:
    """One step of a swap or its undo done (and durable); see CRASH_AT."""
    global _steps
    _steps += 1
    if os.environ.get(CRASH_AT) == str(_steps):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


@dataclass(frozen=True)
class Journal:
    """What a swap does; see the module docstring for the file's shape."""

    replaced: str | None
    old: list[str]
    new: list[str]
    names: list[str]

    @classmethod
    def read(cls, path: Path) -> Journal:
        doc = json.loads(path.read_text("utf-8"))
        return cls(doc["replaced"], list(doc["old"]), list(doc["new"]), list(doc["names"]))

    def write(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(self.__dict__).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)


class Staging:
    """A staging folder this process holds (flock on its descriptor until `close`)."""

    def __init__(self, folder: Path, path: Path, fd: int):
        self.folder, self.path, self._fd = folder, path, fd

    def file(self, name: str) -> Path:
        return self.path / name

    def swap(self, new: list[str], names: list[str], replaced: str | None) -> None:
        """Steps 1-3: journal, old files out into `replaced`, staged files `new` in. `names`:
        every file of a store (those present are the old ones). OSError leaves the journal,
        so `undo()` (or the next settle) can put things back."""
        for name in new:
            _fsync_file(self.file(name))
        fsync_dir(self.path)
        _step()
        old = [n for n in names if (self.folder / n).exists()]
        journal = Journal(replaced if old else None, old, new, names)
        journal.write(self.path / JOURNAL)
        _step()
        _forward(self.folder, self.path, journal)

    def undo(self) -> None:
        """Put the old files back after a swap whose store did not open (no-op before a swap)."""
        if (self.path / JOURNAL).exists():
            _back(self.folder, self.path, Journal.read(self.path / JOURNAL))

    def close(self) -> None:
        """Remove the staging folder (journal and leftovers) and let go of it."""
        _step()
        _remove(self.folder, self.path)
        os.close(self._fd)


@contextmanager
def staging(folder: Path) -> Iterator[Staging]:
    """A new staging folder in `folder`, held for the block and removed after it."""
    import secrets  # here: settle() runs before the unlock page's first paint, this only on a restore

    while True:
        path = folder / f"{PREFIX}{secrets.token_hex(4)}"
        path.mkdir(mode=0o700)
        fd = _open_dir(path)
        _lock(fd, wait=True)
        if _same(fd, path):  # not removed as debris by a settle between mkdir and flock
            break
        os.close(fd)
    stage = Staging(folder, path, fd)
    _held.add(path)
    try:
        yield stage
    finally:
        _held.discard(path)
        stage.close()


def settle(folder: Path) -> bool:
    """Finish or undo every interrupted restore in `folder` and remove restore debris; True
    when a restore is running there now (another process holds its staging folder).
    OSError when the folder refuses the moves (read-only, say): the journal stays for next time."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(PREFIX)]
    except OSError:  # no folder (yet), or not a folder: nothing to settle
        return False
    busy = False
    for entry in entries:
        path = Path(entry.path)
        if path in _held:
            continue
        if not entry.is_dir(follow_symlinks=False):
            path.unlink(missing_ok=True)  # a staged database of a CareDesk before this module
            continue
        try:
            fd = _open_dir(path)
        except FileNotFoundError:
            continue  # finished meanwhile
        try:
            if not _lock(fd, wait=False):
                busy = True
            elif _same(fd, path):
                _settle_one(folder, path)
        finally:
            os.close(fd)
    return busy


def _settle_one(folder: Path, path: Path) -> None:
    journal_path = path / JOURNAL
    if journal_path.exists():
        try:
            journal = Journal.read(journal_path)
        except (ValueError, KeyError, TypeError):
            # Written atomically, so never half: a damaged disk. Left as it is for someone to look at.
            log.error("an interrupted restore's journal cannot be read; %s left as it is", path.name)
            return
        if all((path / n).exists() or (folder / n).exists() for n in journal.new):
            _forward(folder, path, journal)
            log.warning("an interrupted restore was finished (the restored store is in place)")
        else:
            _back(folder, path, journal)
            log.warning("an interrupted restore was undone (the replaced store is back)")
    _remove(folder, path)


def _forward(folder: Path, stage: Path, journal: Journal) -> None:
    """Steps 2 and 3, from wherever they stopped. Every staged file still present means no new
    file is in place yet, so a live file of an old name is still the old one."""
    pending = [n for n in journal.new if (stage / n).exists()]
    if journal.replaced is not None and len(pending) == len(journal.new):
        replaced = folder / journal.replaced
        replaced.mkdir(mode=0o700, exist_ok=True)
        for name in journal.old:
            if (folder / name).exists() and not (replaced / name).exists():
                os.replace(folder / name, replaced / name)
                _step()
        fsync_dir(replaced)
        fsync_dir(folder)
    for name in pending:
        os.replace(stage / name, folder / name)
        _step()
    fsync_dir(folder)


def _back(folder: Path, stage: Path, journal: Journal) -> None:
    """Undo: every old file back from the replaced folder, every file the restore put in place
    (or SQLite made beside it) removed; an old file never moved stays."""
    replaced = folder / journal.replaced if journal.replaced else None
    for name in journal.names:
        live = folder / name
        if replaced is not None and name in journal.old and (replaced / name).exists():
            os.replace(replaced / name, live)
            _step()
        elif name not in journal.old:
            live.unlink(missing_ok=True)
    fsync_dir(folder)
    if replaced is not None:
        with suppress(OSError):
            replaced.rmdir()


def _remove(folder: Path, path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_dir(path: Path) -> int:
    return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive flock on the staging folder; False when another process holds it. Windows
    (no flock on folders) takes every staging folder for an abandoned one: the restore there is
    guarded only by the data folder's lock file."""
    if sys.platform == "win32":
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _same(fd: int, path: Path) -> bool:
    """The held descriptor is still the folder at `path` (a settle may have removed it)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False
