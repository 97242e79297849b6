"""The practice profile, kept inside the encrypted store (the CLI and the app share it)."""

from __future__ import annotations

from caredesk.domain.practice import PracticeProfile
from caredesk.services import store_settings
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace

KEY = "practice_profile"


def get_profile(ws: Workspace) -> PracticeProfile:
    data = store_settings.read(ws, KEY)  # unreadable means start over, not crash
    return PracticeProfile() if data is None else PracticeProfile.from_dict(data)


def save_profile(ws: Workspace, profile: PracticeProfile) -> Changes:
    """Saved and audited as a settings change (the values are staff and office details, not patients')."""
    return store_settings.save(ws, KEY, profile.as_dict(), "practice profile")


def signature(ws: Workspace) -> str:
    """Who finalizes a version: the profile's "Name, credentials", else the workspace's actor."""
    return get_profile(ws).signature or ws.actor.capitalize()
