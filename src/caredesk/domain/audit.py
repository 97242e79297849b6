"""Audit events and their hash chain.

Each event's hash covers its own fields and the previous event's hash, so deleting,
reordering or editing any event breaks every hash after it. Events name records by id,
never by patient name or other content.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

GENESIS = "0" * 64

# The actions CareDesk records (SPEC section 4).
UNLOCK = "unlock"
UNLOCK_FAILED = "unlock.failed"
LOCK = "lock"
STORE_CREATED = "store.created"
PATIENT_VIEWED = "patient.viewed"
RECORD_CREATED = "record.created"
RECORD_CHANGED = "record.changed"
RECORD_REMOVED = "record.removed"  # a record entered by mistake (a condition, an allergy ...)
RECORD_VOIDED = "record.voided"  # a contact or time entry taken back; kept, with the reason
KEY_CHANGED = "key.changed"
DEMO_CREATED = "demo.created"
EXPORTED = "exported"
IMPORTED = "imported"  # detail: the source kind ("CSV file") and the counts added, updated, unchanged, refused
PRINTED = "printed"
CARE_PLAN_FINALIZED = "care plan.finalized"
COPY_GIVEN = "care plan.copy given"
BACKUP_MADE = "backup.made"  # detail: the file's name (a date and time) and the rows verified
STORE_RESTORED = "store.restored"  # detail: the backup's name and when it was made
AUDIT_PROBLEM = "audit.problem"  # detail: what the anchor check found at unlock (events removed ...)

# Events that record a session, a read or a copy, never a change to a record: a store's "last
# change" (restore) and what another process changed (the app's outside-writes check) skip them.
NOT_CHANGES = (UNLOCK, UNLOCK_FAILED, LOCK, PATIENT_VIEWED, EXPORTED, PRINTED, BACKUP_MADE, AUDIT_PROBLEM)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str = ""
    entity_id: str = ""
    detail: str = ""
    prev_hash: str = GENESIS
    hash: str = ""


def event_hash(e: AuditEvent) -> str:
    """SHA-256 over the event's fields (time in UTC) and the previous event's hash."""
    payload = json.dumps(
        [
            e.seq,
            e.at.astimezone(UTC).isoformat(timespec="microseconds"),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.detail,
            e.prev_hash,
        ],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def seal(event: AuditEvent) -> AuditEvent:
    """The event with its hash computed over its fields and prev_hash."""
    return replace(event, hash=event_hash(event))


def verify_chain(events: list[AuditEvent] | tuple[AuditEvent, ...]) -> list[str]:
    """Problems found walking the chain in seq order; empty when intact."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    for e in events:
        if e.seq != expected_seq:
            problems.append(f"event {e.seq}: expected sequence number {expected_seq} (an event is missing)")
        if e.prev_hash != prev:
            problems.append(f"event {e.seq}: does not link to the event before it")
        if event_hash(e) != e.hash:
            problems.append(f"event {e.seq}: its contents were changed after it was written")
        prev = e.hash
        expected_seq = e.seq + 1
    return problems
