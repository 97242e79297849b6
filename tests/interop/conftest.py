"""Interop fixtures: demo panels (seed 3) the FHIR export and round-trip tests start from, each
generated once per session (per xdist worker) and copied per use; and the 170-patient panel
after one export with that export's bundle, also made once per session.

Sizes: the round trip takes the whole 170-patient demo panel across once per worker (an export of
it is ~1-3 s since the export reads every patient at once, a read ~7 s); the export's own checks
(every resource type, one valid R4 bundle, stable ids) run on 30 patients, which hold every resource type the export writes
(test_fhir_export checks that they do)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from caredesk.clock import FixedClock
from caredesk.interop import fhir_export
from caredesk.interop.fhir_export import export_bundle
from caredesk.services.demo_store import DEMO_PASSPHRASE, create_demo_store
from caredesk.services.workspace import Workspace
from caredesk.store import vault
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, ZONE, StoreTemplates


def _demo(patients: int) -> Callable[[DataFolder], None]:
    def make(folder: DataFolder) -> None:
        ws, _code = create_demo_store(folder, patients=patients, seed=3, clock=FixedClock(NOW), kdf=FAST_KDF, zone=ZONE)
        ws.store.close()  # closed, not locked (a lock is audited): the copy opens as create_demo_store left it

    return make


def open_demo(templates: StoreTemplates, to: Path, patients: int = 170) -> Workspace:
    """The demo panel (`patients` patients, seed 3, made at NOW) in the new folder `to`, open as
    `create_demo_store` returns it: a copy of the session's, opened without another audited unlock."""
    templates.copy(f"demo-panel-{patients}-seed3", _demo(patients), to)
    return Workspace(vault.unlock(DataFolder(to), DEMO_PASSPHRASE), FixedClock(NOW))


def _exported_demo_170(templates: StoreTemplates) -> Callable[[DataFolder], bytes]:
    def make(folder: DataFolder) -> bytes:
        ws = open_demo(templates, folder.path)
        try:
            # Without export_bundle's check of each resource against the R4B models (~7 s of
            # 16,770 resources): the round trip reads these bytes with read_bundle, which checks
            # every entry against the same models and must find no problem. That an export is
            # valid is test_fhir_export's (on 30 patients, with the check).
            with pytest.MonkeyPatch.context() as patched:
                patched.setattr(fhir_export, "validate", lambda resource: None)
                return json.dumps(export_bundle(ws)).encode("utf-8")
        finally:
            ws.store.close()  # as _demo: the copy opens as the export left it

    return make


def exported_demo_170(templates: StoreTemplates, to: Path) -> tuple[Workspace, bytes]:
    """The 170-patient demo panel as `open_demo` gives it after one `export_bundle` (which made
    the store's FHIR namespace, services.store_identity), open in the new folder `to`, and that
    export's bundle as UTF-8 JSON bytes: what `export_bundle(ws)` of the returned store gives
    (same namespace, same records, same pinned clock), made once per session, not checked
    against the R4B models (see _exported_demo_170). The store is the caller's own copy; the
    bytes are the same for every caller (and cannot be changed)."""
    data: bytes = templates.copy("demo-panel-170-seed3-exported", _exported_demo_170(templates), to)
    return Workspace(vault.unlock(DataFolder(to), DEMO_PASSPHRASE), FixedClock(NOW)), data
