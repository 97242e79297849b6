"""Benchmark fixtures: demo panels built once per session (make bench)."""

from __future__ import annotations

import time

import pytest

from caredesk.services.demo_store import create_demo_store
from caredesk.store import engine as store_engine
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, ZONE

PANELS = {"170x1y": (170, 1), "2000x3y": (2000, 3)}
BUILD_TIMES: dict[str, float] = {}


@pytest.fixture(autouse=True)
def compiled_statements_as_in_the_app(monkeypatch):
    """The app's way: SQLAlchemy's compiled statements dropped at every lock (the other tests keep
    them across their stores, tests/conftest.py), so an unlock a bench times compiles its
    statements as the app's first unlock does."""
    monkeypatch.setattr(store_engine, "KEEP_COMPILED_ACROSS_LOCKS", False)
    store_engine.COMPILED.clear()


@pytest.fixture(scope="session")
def panels(tmp_path_factory):
    """Open workspaces over the 170-patient/1-year and 2,000-patient/3-year demo panels."""
    out = {}
    for name, (patients, years) in PANELS.items():
        folder = DataFolder(tmp_path_factory.mktemp(name))
        start = time.perf_counter()
        ws, _ = create_demo_store(folder, patients=patients, years=years, seed=1, kdf=FAST_KDF, zone=ZONE)
        BUILD_TIMES[name] = time.perf_counter() - start
        out[name] = ws
    yield out
    for ws in out.values():
        ws.lock()
    print("\ndemo store build times (generate + write):", {k: f"{v:.1f} s" for k, v in BUILD_TIMES.items()})
