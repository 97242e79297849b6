"""Interop fixtures: the 170-patient demo panel (seed 3) the FHIR export and round-trip tests
start from, generated once per session (per xdist worker; ~9 s) and copied per use; and the
same panel after one export with that export's bundle, also made once per session (an export
of the panel is ~7-10 s, half of it the R4B models' validation)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from caredesk.clock import FixedClock
from caredesk.interop.fhir_export import export_bundle
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


def _exported_demo_170(templates: StoreTemplates) -> Callable[[DataFolder], bytes]:
    def make(folder: DataFolder) -> bytes:
        ws = open_demo_170(templates, folder.path)
        try:
            return json.dumps(export_bundle(ws)).encode("utf-8")
        finally:
            ws.store.close()  # as _demo_170: the copy opens as the export left it

    return make


def exported_demo_170(templates: StoreTemplates, to: Path) -> tuple[Workspace, bytes]:
    """The demo panel as `open_demo_170` gives it after one `export_bundle` (which made the
    store's FHIR namespace, services.store_identity), open in the new folder `to`, and that
    export's bundle as UTF-8 JSON bytes: what `export_bundle(ws)` of the returned store gives
    (same namespace, same records, same pinned clock), made once per session. The store is
    the caller's own copy; the bytes are the same for every caller (and cannot be changed)."""
    data: bytes = templates.copy("demo-panel-170-seed3-exported", _exported_demo_170(templates), to)
    return Workspace(vault.unlock(DataFolder(to), DEMO_PASSPHRASE), FixedClock(NOW)), data
