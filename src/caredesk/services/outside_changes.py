"""What saves made by another process (a `caredesk` command beside the app) changed, as far as
can be told: the app's window asks after the store said another process committed
(Workspace.written_elsewhere; caredesk.ui.shell.outside_writes).

Every save of a record is audited in the same transaction (SPEC §4, §8), so the audit events
written since the last look tell whether anything but reads happened: a `caredesk queue` or
`caredesk patients` beside the app commits only its unlock, lock and export events, and nothing
needs refreshing. Anything else (a record created or changed, an import, a setting; or a commit
that left no event at all) may have touched any patient: the change set then names every
patient and every kind of record, what the app's pages refresh after an import. Reading the
audit log to tell is not a view of patient data and is not audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.domain import audit as actions
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace

READS_ONLY = frozenset(actions.NOT_CHANGES)  # a read or a session, not a change to any record


@dataclass(frozen=True, slots=True)
class SinceMark:
    """`changes`: what to refresh (empty: only reads were recorded); `mark`: the newest event now."""

    changes: Changes
    mark: int


def audit_mark(ws: Workspace) -> int:
    """The number of the newest audit event: what `changed_since` counts from."""
    with ws.reading() as uow:
        return uow.audit_log.head()[0]


def changed_since(ws: Workspace, mark: int | None) -> SinceMark:
    """What may have changed since audit event `mark` (None: not known, so everything may have).
    The events this process committed are left out (the app's pages took its own changes in as
    it made them): a save in the window, then a `caredesk queue` beside it, is only a read
    elsewhere, and the window said "changes made outside" for its own."""
    with ws.reading() as uow:
        events = uow.audit_log.actions_after(mark) if mark is not None else []
        newest = events[-1][0] if events else (mark if mark is not None else uow.audit_log.head()[0])
        elsewhere = [action for seq, action in events if seq not in ws.store.written_here]
        if mark is not None and elsewhere and all(action in READS_ONLY for action in elsewhere):
            return SinceMark(Changes(), newest)
        return SinceMark(Changes.of(uow.patients.ids(), *Kind), newest)
