"""The care manager's daily capacity for today's plan, kept inside the encrypted store so the
app and the CLI plan alike (caredesk.domain.call_capacity)."""

from __future__ import annotations

import json
import logging

from caredesk.domain import audit as actions
from caredesk.domain.call_capacity import Capacity
from caredesk.errors import ValidationError
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace

KEY = "call_capacity"
log = logging.getLogger(__name__)


def get_capacity(ws: Workspace) -> Capacity:
    """The saved capacity, or the default (20 calls a day) before one is saved."""
    with ws.uow() as uow:
        raw = uow.meta.get(KEY)
    if not raw:
        return Capacity()
    try:
        data = json.loads(raw)
        return Capacity.from_dict(data) if isinstance(data, dict) else Capacity()
    except (ValueError, ValidationError):  # written by this module only: a bad value is the default
        log.warning("the saved daily capacity could not be read; the default is used")
        return Capacity()


def save_capacity(ws: Workspace, capacity: Capacity) -> Changes:
    """Saved and audited as a settings change (no patient's data)."""
    with ws.uow() as uow:
        uow.meta.set(KEY, json.dumps(capacity.as_dict(), sort_keys=True))
        uow.audit(actions.RECORD_CHANGED, "daily capacity", "1", capacity.describe())
        uow.commit()
    return Changes(kinds=frozenset({Kind.PRACTICE}))
