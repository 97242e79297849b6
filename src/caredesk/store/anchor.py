"""The audit chain's head, anchored outside the database it guards (SPEC section 5).

The hash chain (caredesk.domain.audit) finds an edited or removed event in the middle, but
not the newest events deleted from the end: what is left is still a valid chain. So after
every commit that appended events, the head is written to `caredesk.anchor` beside the
database, as a claim that can only grow:

    "the chain has at least `count` events, and event number `count` has hash `head`"

    {"format": "caredesk-anchor", "version": 1, "store_id": hex, "count": int,
     "head": hex, "mac": hex}

`mac` is HMAC-SHA256 over (store_id, count, head) under a key derived from the data key with
HKDF (its own info string, so it is never the SQLCipher key itself). Why this shape:
- A crash between the database commit and the anchor write leaves the anchor one commit
  behind; a chain longer than its anchor is fine, so that is never a false alarm. Two
  processes writing at once may leave the older head; still a true claim.
- Written atomically (a temporary file of our own, fsync, rename; 0600), after the commit,
  never on a wrong passphrase (the data key is needed to write it at all).
- Whoever edits the database without rewriting the anchor (deleting the last events after
  dropping the append-only triggers, say) is caught: the chain is shorter than the anchor or
  event `count` has another hash. Someone who holds the data key AND knows this scheme can
  rewrite the anchor too; nothing kept on the same laptop can stop that, and SPEC asks for the
  truncation to be found "as surely as editing old ones", which is what this gives.
- The store remembers in its meta table that it has been anchored, so deleting the anchor
  file is reported too; a store from before anchoring gets its first anchor when opened.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from caredesk.errors import StoreError
from caredesk.store.keys import fsync_dir

NAME = "caredesk.anchor"
FORMAT = "caredesk-anchor"
VERSION = 1
META_KEY = "audit_anchor"  # store_meta: set once the store has an anchor file beside it
_INFO = b"caredesk audit anchor v1"
# The likely cause first: a store copied by hand without this file (issue 11, a tester).
MISSING = (
    f"the anchor file {NAME} is missing: most likely the store's files were copied without {NAME}; "
    "if you did that, nothing is wrong (the next time CareDesk opens the store it anchors it again); "
    "if not, the newest events may have been removed"
)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The chain had at least `count` events and event `count` had hash `head` (GENESIS for 0)."""

    count: int
    head: str


class AnchorDamaged(Exception):
    """The anchor file cannot be read or its MAC does not match (edited, or another store's)."""


class Sealer:
    """Reads and writes one store's anchor file. Holds a key derived from the data key (HKDF,
    its own info string), never the data key itself: 32 bytes in one bytearray, `key`, derived
    into it in place where the cryptography library can (46+: HKDF.derive_into), zeroed by
    `wipe()` when the store closes (OpenStore.close). Whoever holds it can forge an anchor, so
    it goes with the data key. After `wipe()` reading or writing raises StoreError."""

    def __init__(self, path: Path, data_key: bytes | bytearray, store_id: str):
        self.path = path
        self.store_id = store_id
        self.key = bytearray(32)
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
        if hasattr(hkdf, "derive_into"):
            hkdf.derive_into(data_key, self.key)
        else:  # older cryptography: an immutable copy is left for the garbage collector
            self.key[:] = hkdf.derive(bytes(data_key))
        self._wiped = False

    def wipe(self) -> None:
        """Zero the key in place (same length: no new allocation, the old bytes overwritten)."""
        self.key[:] = bytes(len(self.key))
        self._wiped = True

    def _mac(self, anchor: Anchor) -> str:
        if self._wiped:
            raise StoreError("The store is locked.")
        message = json.dumps([FORMAT, VERSION, self.store_id, anchor.count, anchor.head], separators=(",", ":"))
        return hmac.new(self.key, message.encode("ascii"), hashlib.sha256).hexdigest()

    def write(self, anchor: Anchor) -> None:
        """Replace the anchor file atomically (OSError when the disk refuses; the old one stays)."""
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "count": anchor.count,
            "head": anchor.head,
            "mac": self._mac(anchor),
        }
        # A name of our own: another process anchoring the same store at once must not share it.
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.path.parent)

    def read(self) -> Anchor | None:
        """The anchor; None when there is no file; AnchorDamaged when it is not this store's."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AnchorDamaged(f"it cannot be read ({exc.strerror})") from None
        try:
            doc = json.loads(raw.decode("ascii"))
            if doc.get("format") != FORMAT or doc.get("version") != VERSION:
                raise ValueError("format")
            anchor = Anchor(count=int(doc["count"]), head=str(doc["head"]))
            mac, stored_for = str(doc["mac"]), str(doc["store_id"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise AnchorDamaged("it is not a CareDesk anchor file") from None
        if stored_for != self.store_id or not hmac.compare_digest(mac, self._mac(anchor)):
            raise AnchorDamaged("its seal does not match this store (it was edited or belongs to another store)")
        return anchor


class AuditTail(Protocol):
    """What the check reads from the audit table (caredesk.store.audit_log.AuditLog)."""

    def head(self) -> tuple[int, str]: ...
    def hash_of(self, seq: int) -> str | None: ...
    def missing_guards(self) -> list[str]: ...


def tail_problems(sealer: Sealer, audit_log: AuditTail, anchored: Callable[[], bool]) -> list[str]:
    """What is wrong with the end of the chain, in words; empty when the anchor holds.

    `anchored()`: the store says it has had an anchor (so a missing file is a problem).
    The anchor file is read BEFORE anything of the database: a reader's snapshot begins at its
    first read, so another process committing (and moving the anchor) in between then only makes
    the chain longer than the anchor, which is fine. The other way round, verify beside three
    writers saw a snapshot older than the anchor and reported events removed (a false alarm)."""
    try:
        anchor, damaged = sealer.read(), None
    except AnchorDamaged as exc:
        anchor, damaged = None, exc
    problems = [f"the trigger {name} that keeps the log append-only was dropped" for name in audit_log.missing_guards()]
    if damaged is not None:
        return [*problems, f"the anchor file {NAME} is damaged: {damaged}"]
    if anchor is None:
        if anchored():
            problems.append(MISSING)
        return problems
    last, _ = audit_log.head()
    if last < anchor.count:
        gone = anchor.count - last
        problems.append(
            f"the log ends at event {last} but held at least {anchor.count} events: "
            f"the newest {gone} event{'s were' if gone > 1 else ' was'} removed"
        )
    elif audit_log.hash_of(anchor.count) != anchor.head:
        problems.append(f"event {anchor.count} is not the event written there (the events from it on were replaced)")
    return problems


# AuditLog.append notes the newest event of a transaction here (Session.info), and its first ...
HEAD_INFO = "caredesk_audit_head"
FIRST_INFO = "caredesk_audit_first"


class WrittenHere:
    """The numbers of the audit events this process committed, kept as (first, last) ranges (the
    events of one transaction are consecutive, and so are those of back-to-back transactions
    when no other process writes between them, so there are few). What the app's outside-writes
    check reads to tell another process's events from its own. Thread-safe: commits happen on
    workers."""

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def add(self, first: int, last: int) -> None:
        with self._lock:
            if self._ranges and self._ranges[-1][1] + 1 == first:
                self._ranges[-1] = (self._ranges[-1][0], last)
            else:
                self._ranges.append((first, last))

    def __contains__(self, seq: int) -> bool:
        with self._lock:
            return any(first <= seq <= last for first, last in self._ranges)


def keep_anchored(sessions: sessionmaker[Session], sealer: Sealer, written_here: WrittenHere | None = None) -> None:
    """... and after that transaction commits, the anchor moves to it. After, never before: a
    crash in between leaves the anchor behind the chain, which is a true claim. A disk that
    refuses the anchor write leaves the older anchor (also true) and a line in the log.
    `written_here` is told the committed events' numbers."""

    def after_commit(session: Session) -> None:
        head = session.info.pop(HEAD_INFO, None)
        first = session.info.pop(FIRST_INFO, None)
        if head is not None:
            if written_here is not None and first is not None:
                written_here.add(first, head[0])
            try:
                sealer.write(Anchor(*head))
            except OSError as exc:
                log.warning("audit anchor not updated (%s)", exc.strerror)

    def after_rollback(session: Session) -> None:
        session.info.pop(HEAD_INFO, None)
        session.info.pop(FIRST_INFO, None)

    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_rollback", after_rollback)
