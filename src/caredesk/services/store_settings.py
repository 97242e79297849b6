"""Settings kept inside the encrypted store as JSON (the practice profile, the daily
capacity): the app and the CLI read the same values, and every change is audited."""

from __future__ import annotations

import json
from collections.abc import Mapping

from caredesk.domain import audit as actions
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace


def read(ws: Workspace, key: str) -> dict[str, object] | None:
    """The object saved under `key`, or None when nothing (or nothing readable) is saved:
    only these modules write it, so an unreadable value means "start from the default". A
    read-only unit of work: the queue reads its capacity while it builds in the background,
    and a read never makes a save wait."""
    with ws.reading() as uow:
        raw = uow.meta.get(key)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def save(ws: Workspace, key: str, data: Mapping[str, object], entity: str, detail: str = "") -> Changes:
    """Save `data` under `key` with a settings-change audit event naming `entity` (no
    patient's data in it), in one transaction."""
    with ws.uow() as uow:
        uow.meta.set(key, json.dumps(dict(data), ensure_ascii=False, sort_keys=True))
        uow.audit(actions.RECORD_CHANGED, entity, "1", detail)
        uow.commit()
    return Changes(kinds=frozenset({Kind.PRACTICE}))
