"""The practice profile, kept inside the encrypted store (the CLI and the app share it)."""

from __future__ import annotations

from caredesk.domain.phone_entry import entered_or_kept
from caredesk.domain.practice import PHONE_FIELDS, PracticeProfile
from caredesk.services import store_settings
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace

KEY = "practice_profile"


def get_profile(ws: Workspace) -> PracticeProfile:
    data = store_settings.read(ws, KEY)  # unreadable means start over, not crash
    return PracticeProfile() if data is None else PracticeProfile.from_dict(data)


def save_profile(ws: Workspace, profile: PracticeProfile) -> Changes:
    """Saved and audited as a settings change (the values are staff and office details, not patients').
    A phone line changed must be a whole number (domain.phone_entry: they print on the patient's
    copy, "Who to call"); one already on file is kept as it is. ValidationError naming the line."""
    before = get_profile(ws)
    for name, label in PHONE_FIELDS:
        entered_or_kept(label, getattr(profile, name), getattr(before, name))
    return store_settings.save(ws, KEY, profile.as_dict(), "practice profile")


def signature(ws: Workspace) -> str:
    """Who finalizes a version: the profile's "Name, credentials", else the workspace's actor."""
    return get_profile(ws).signature or ws.actor.capitalize()
