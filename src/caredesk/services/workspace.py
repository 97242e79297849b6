"""An unlocked store: the unit-of-work factory, the clinic's clock and zone, and lock.

Use cases are functions in the other service modules that take a Workspace; writes
return what changed (caredesk.services.changes).
"""

from __future__ import annotations

import logging
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from caredesk.clock import Clock
from caredesk.domain import audit as actions
from caredesk.domain.audit import verify_chain
from caredesk.errors import StoreError

if TYPE_CHECKING:  # the store layer (SQLAlchemy) loads with the store, not with every module naming Workspace
    from caredesk.store.uow import UnitOfWork
    from caredesk.store.vault import OpenStore

log = logging.getLogger(__name__)


class Workspace:
    def __init__(self, store: OpenStore, clock: Clock, actor: str = "care manager"):
        self.store = store
        self.clock = clock
        self.actor = actor

    @property
    def tz(self) -> tzinfo:
        return self.store.tz

    @property
    def is_open(self) -> bool:
        return self.store.is_open

    def today(self) -> date:
        return self.clock.today(self.tz)

    def uow(self) -> UnitOfWork:
        """A unit of work that may write: it holds the store's write lock from its start."""
        return self.store.uow(now=self.clock.now, actor=self.actor)

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads (lists, the queue, reports): it never makes a save wait.
        Writing in it may fail with StoreBusy when another process saved meanwhile."""
        return self.store.uow(now=self.clock.now, actor=self.actor, read_only=True)

    # -- other processes' writes ------------------------------------------------
    def watch_outside_writes(self) -> bool:
        """Start telling writes made by other processes (a `caredesk` command on this data folder)
        from this one's; False when the store cannot tell (caredesk.store.commit_watch)."""
        return self.store.watch_commits()

    def written_elsewhere(self) -> bool:
        """True once after another process saved to the store since the last call; microseconds,
        never waits, reads nothing that is audited (SPEC §4: reading changes is not a view)."""
        return self.store.commits_elsewhere()

    # -- the data folder and the remembered key --------------------------------
    @property
    def folder_path(self) -> Path:
        """The data folder this store lives in (to tell one store from another)."""
        return self.store.folder.path

    def remember_key(self) -> bool:
        """Keep the data key in the OS keyring; False when no secure keyring is available."""
        return self.store.remember_key()

    def forget_key(self) -> None:
        self.store.forget_key()

    # -- checks ---------------------------------------------------------------
    def verify(self) -> list[str]:
        """Problems found NOW by SQLite, SQLCipher and the audit chain; empty when all is sound.

        The chain's end is checked against its anchor when the store was opened (before the
        unlock was audited, which moves the anchor) and again now. A problem recorded at an
        earlier unlock (an `audit.problem` event, kept in the chain for good as evidence) is
        a problem for good, except a missing anchor: once re-anchored, `earlier_findings()` lists
        that one, or verify would fail forever over a store copied once without its anchor
        (issue 11, a tester). Removed or replaced events and dropped triggers fail every verify,
        before an unlock records them (the chain is shorter than its anchor) and after.

        Reads only (a store opened with Access.open_to_check writes nothing): a damaged page is
        reported as found, never hidden by a failing write. Pages first, so a chain that cannot
        be read past a damaged page is said as that."""
        with self.reading() as uow:
            problems = uow.integrity_problems()
        try:
            with self.reading() as uow:
                events = uow.audit_log.all()
            tail = self.store.audit_tail_problems()
        except StoreError:  # the damage found above keeps the chain from being read
            return [*problems, "audit log: cannot be read past the damaged page; its chain was not checked"]
        found = [
            (e.detail, f"found at the unlock of {e.at.astimezone(self.tz):%m/%d/%Y %H:%M}: {e.detail}")
            for e in events
            if e.action == actions.AUDIT_PROBLEM
        ]
        # Only a missing anchor (a store copied by hand, most likely) becomes a mere earlier
        # finding once re-anchored. Removed or replaced events, or dropped triggers, stay a
        # failure at every verify: an unlock after the tampering must not make it pass.
        from caredesk.store import anchor

        self._earlier = [text for detail, text in found if detail == anchor.MISSING]
        tampered = [text for detail, text in found if detail != anchor.MISSING]
        chain = [*verify_chain(events), *self.store.audit_problems, *tail, *tampered]
        return problems + [f"audit log: {p}" for p in dict.fromkeys(chain)]

    def earlier_findings(self) -> list[str]:
        """What earlier unlocks found wrong with the audit log, with their date and time
        ("found at the unlock of 12/01/2026 10:35: ..."), as of the last verify()."""
        return list(getattr(self, "_earlier", []))

    @staticmethod
    def only_anchor_missing(problems: list[str]) -> bool:
        """True when the one problem is the anchor file missing (a store copied without it,
        most likely): restoring a backup over intact data is not the advice then."""
        from caredesk.store import anchor

        return problems == [f"audit log: {anchor.MISSING}"]

    def audit_count(self) -> int:
        with self.reading() as uow:
            return uow.audit_log.count()

    # -- lock -----------------------------------------------------------------
    def lock(self) -> None:
        """Audit the lock (not for a store opened only to check it, which writes nothing) and
        drop every connection. Safe to call twice. Never raises for the store: the lock comes
        after the work, whose own transaction has committed or rolled back, so a lock event
        that cannot be written (a full disk, a busy or damaged store) must not turn a saved
        call into "nothing was saved" (issue 11: a retry double-billed the minutes). It is
        logged by its type (no data) and the store closes all the same; the WAL checkpoint
        on close is best effort too (caredesk.store.engine.checkpoint)."""
        if not self.store.is_open:
            return
        try:
            if not self.store.read_only:
                with self.uow() as uow:
                    uow.audit(actions.LOCK)
                    uow.commit()
        except StoreError as exc:
            log.warning("the lock was not written to the audit log (%s)", type(exc).__name__)
        finally:
            self.store.close()
