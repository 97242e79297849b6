"""Interop fixtures: the 170-patient demo panel (seed 3) the FHIR export and round-trip tests
start from, generated once per session (per xdist worker; ~9 s) and copied per use."""

from __future__ import annotations

from pathlib import Path

from caredesk.clock import FixedClock
from caredesk.services.demo_store import DEMO_PASSPHRASE, create_demo_store
from caredesk.services.workspace import Workspace
from caredesk.store import vault
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, ZONE, StoreTemplates


def _demo_170(folder: DataFolder) -> None:
    ws, _code = create_demo_store(folder, patients=170, seed=3, clock=FixedClock(NOW), kdf=FAST_KDF, zone=ZONE)
    ws.store.close()  # closed, not locked (a lock is audited): the copy opens as create_demo_store left it


def open_demo_170(templates: StoreTemplates, to: Path) -> Workspace:
    """The demo panel (170 patients, seed 3, made at NOW) in the new folder `to`, open as
    `create_demo_store` returns it: a copy of the session's, opened without another audited unlock."""
    templates.copy("demo-panel-170-seed3", _demo_170, to)
    return Workspace(vault.unlock(DataFolder(to), DEMO_PASSPHRASE), FixedClock(NOW))
