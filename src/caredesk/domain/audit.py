"""Audit events and their hash chain.

Each event's hash covers its own fields and the previous event's hash, so deleting,
reordering or editing any event breaks every hash after it. Events name records by id,
never by patient name or other content.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone

GENESIS = "0" * 64

# The actions CareDesk records (SPEC section 4).
UNLOCK = "unlock"
UNLOCK_FAILED = "unlock.failed"
LOCK = "lock"
STORE_CREATED = "store.created"
PATIENT_VIEWED = "patient.viewed"
RECORD_CREATED = "record.created"
RECORD_CHANGED = "record.changed"
RECORD_DELETED = "record.deleted"
KEY_CHANGED = "key.changed"
DEMO_CREATED = "demo.created"
EXPORTED = "exported"
PRINTED = "printed"


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


def event_hash(
    *, seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: str, detail: str, prev_hash: str
) -> str:
    payload = json.dumps(
        [seq, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), actor, action, entity, entity_id, detail, prev_hash],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def seal(event: AuditEvent) -> AuditEvent:
    """The event with its hash computed over its fields and prev_hash."""
    return replace(event, hash=_hash_of(event))


def _hash_of(e: AuditEvent) -> str:
    return event_hash(
        seq=e.seq,
        at=e.at,
        actor=e.actor,
        action=e.action,
        entity=e.entity,
        entity_id=e.entity_id,
        detail=e.detail,
        prev_hash=e.prev_hash,
    )


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
        if _hash_of(e) != e.hash:
            problems.append(f"event {e.seq}: its contents were changed after it was written")
        prev = e.hash
        expected_seq = e.seq + 1
    return problems
