"""One audit line for something that left CareDesk (a file, a print, text copied or printed on a
terminal) and that no other service writes: the interchange code (caredesk.interop) may not
reach the store, so it records its exports here. Details say how and how many, never a name."""

from __future__ import annotations

from caredesk.domain import audit as actions
from caredesk.services.workspace import Workspace

_ACTIONS = frozenset({actions.EXPORTED, actions.PRINTED})


def record(ws: Workspace, action: str, entity: str, entity_id: int | str, detail: str) -> None:
    """Audit `action` (EXPORTED or PRINTED) of `entity` (by id, or a month for a batch)."""
    if action not in _ACTIONS:
        raise ValueError(f"not an export action: {action}")
    with ws.uow() as uow:
        uow.audit(action, entity, entity_id, detail)
        uow.commit()
