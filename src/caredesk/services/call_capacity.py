"""The care manager's daily capacity for today's plan, kept inside the encrypted store so the
app and the CLI plan alike (caredesk.domain.call_capacity)."""

from __future__ import annotations

import logging

from caredesk.domain.call_capacity import Capacity
from caredesk.errors import ValidationError
from caredesk.services import store_settings
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace

KEY = "call_capacity"
log = logging.getLogger(__name__)


def get_capacity(ws: Workspace) -> Capacity:
    """The saved capacity, or the default (20 calls a day) before one is saved."""
    data = store_settings.read(ws, KEY)
    if data is None:
        return Capacity()
    try:
        return Capacity.from_dict(data)
    except ValidationError:  # written by this module only: a bad value is the default
        log.warning("the saved daily capacity could not be read; the default is used")
        return Capacity()


def save_capacity(ws: Workspace, capacity: Capacity) -> Changes:
    """Saved and audited as a settings change (no patient's data)."""
    return store_settings.save(ws, KEY, capacity.as_dict(), "daily capacity", capacity.describe())
