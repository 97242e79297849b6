"""The store's own identity for what leaves it: a random uuid (RFC 4122 section 4.4, uuid4)
made once, on the first FHIR export, and kept in the store's meta table under
"store_identity".

The FHIR export names every resource `urn:uuid:` + a uuid5 (RFC 4122 section 4.3) of the
record's ids under this namespace (interop.fhir_codes.stable_id): the same record has the
same id on every export of this store, and no record of another store has it. A namespace
fixed in the code gave MRN 00012345 in one store and the demo's DM000001 the same Patient
id (both were row 1), so after a round trip one id named two people.
"""

from __future__ import annotations

import uuid

from caredesk.domain import audit as actions
from caredesk.services.workspace import Workspace

KEY = "store_identity"


def _parsed(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:  # only this module writes it; unreadable means "not made yet"
        return None


def fhir_namespace(ws: Workspace) -> uuid.UUID:
    """This store's namespace, made (and audited, with no patient data) the first time it
    is asked for. Read again inside the write transaction: two exports started at once
    make one identity, not two."""
    with ws.reading() as uow:
        found = _parsed(uow.meta.get(KEY))
    if found is not None:
        return found
    with ws.uow() as uow:
        found = _parsed(uow.meta.get(KEY))
        if found is None:
            found = uuid.uuid4()
            uow.meta.set(KEY, str(found))
            uow.audit(actions.RECORD_CREATED, "store identity", "1", "made for the FHIR export's ids")
            uow.commit()
    return found
