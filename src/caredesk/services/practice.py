"""The practice profile, kept inside the encrypted store (the CLI and the app share it)."""

from __future__ import annotations

import json

from caredesk.domain import audit as actions
from caredesk.domain.practice import PracticeProfile
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace

KEY = "practice_profile"


def get_profile(ws: Workspace) -> PracticeProfile:
    with ws.uow() as uow:
        raw = uow.meta.get(KEY)
    if not raw:
        return PracticeProfile()
    try:
        data = json.loads(raw)
    except ValueError:  # written by this module only; unreadable means start over, not crash
        return PracticeProfile()
    return PracticeProfile.from_dict(data) if isinstance(data, dict) else PracticeProfile()


def save_profile(ws: Workspace, profile: PracticeProfile) -> Changes:
    """Saved and audited as a settings change (the values are staff and office details, not patients')."""
    with ws.uow() as uow:
        uow.meta.set(KEY, json.dumps(profile.as_dict(), ensure_ascii=False, sort_keys=True))
        uow.audit(actions.RECORD_CHANGED, "practice profile", "1", "")
        uow.commit()
    return Changes(kinds=frozenset({Kind.PRACTICE}))


def signature(ws: Workspace) -> str:
    """Who finalizes a version: the profile's "Name, credentials", else the workspace's actor."""
    return get_profile(ws).signature or ws.actor.capitalize()
