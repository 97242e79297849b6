"""The audit log: events appended sealed and chained (domain.audit), read back, and the
triggers that keep it append-only; callers never see rows or SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from caredesk.domain import audit as audit_rules
from caredesk.domain.audit import AuditEvent
from caredesk.store import anchor
from caredesk.store import mapping as m
from caredesk.store import models as t
from caredesk.store.record_rows import bulk_insert

# The triggers that make the database refuse edits and deletions of audit events.
APPEND_ONLY_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete")


def _sealed(seq: int, prev: str, at: datetime, actor: str, fields: tuple[str, str, str, str]) -> AuditEvent:
    """Event `seq` (action, entity, entity_id, detail), chained to `prev` and sealed."""
    action, entity, entity_id, detail = fields
    return audit_rules.seal(
        AuditEvent(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            prev_hash=prev,
        )
    )


class AuditLog:
    def __init__(self, session: Session):
        self.s = session

    def append(
        self, *, at: datetime, actor: str, action: str, entity: str = "", entity_id: str = "", detail: str = ""
    ) -> AuditEvent:
        seq, prev = self.head()
        event = _sealed(seq + 1, prev, at, actor, (action, entity, entity_id, detail))
        self.s.add(t.AuditRow(**m.values_of(event)))
        self.s.flush()
        self.s.info[anchor.HEAD_INFO] = (event.seq, event.hash)  # anchored once committed
        self.s.info.setdefault(anchor.FIRST_INFO, event.seq)
        return event

    def append_many(self, *, at: datetime, actor: str, events: Sequence[tuple[str, str, str, str]]) -> None:
        """Events (action, entity, entity_id, detail) in one insert, chained one after the other
        exactly as `append` chains them (an import audits every patient it stores)."""
        seq, prev = self.head()
        first = seq + 1
        rows = []
        for fields in events:
            seq += 1
            event = _sealed(seq, prev, at, actor, fields)
            prev = event.hash
            rows.append(m.values_of(event))
        if rows:
            bulk_insert(self.s, t.AuditRow, rows)
            self.s.info[anchor.HEAD_INFO] = (seq, prev)  # anchored once committed
            self.s.info.setdefault(anchor.FIRST_INFO, first)

    def head(self) -> tuple[int, str]:
        """(number, hash) of the newest event; (0, GENESIS) for an empty log."""
        last = self.s.execute(select(t.AuditRow.seq, t.AuditRow.hash).order_by(t.AuditRow.seq.desc()).limit(1)).first()
        return (last.seq, last.hash) if last else (0, audit_rules.GENESIS)

    def actions_after(self, seq: int) -> list[tuple[int, str]]:
        """(number, action) of every event after event `seq`, oldest first."""
        query = select(t.AuditRow.seq, t.AuditRow.action).where(t.AuditRow.seq > seq).order_by(t.AuditRow.seq)
        return [(row.seq, row.action) for row in self.s.execute(query)]

    def hash_of(self, seq: int) -> str | None:
        """The hash of event `seq` (GENESIS for 0), None when there is no such event."""
        if seq == 0:
            return audit_rules.GENESIS
        return self.s.scalar(select(t.AuditRow.hash).where(t.AuditRow.seq == seq))

    def missing_guards(self) -> list[str]:
        """The append-only triggers (migration 0001) that are no longer in the database."""
        present = set(self.s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        return [name for name in APPEND_ONLY_TRIGGERS if name not in present]

    def all(self) -> list[AuditEvent]:
        return [m.from_row(AuditEvent, r) for r in self.s.scalars(select(t.AuditRow).order_by(t.AuditRow.seq))]

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(t.AuditRow)) or 0
