"""SQLAlchemy's compiled statements: shared by every store's engine, dropped at the lock.

A compiled statement keeps the values it was first compiled with (a searched MRN, a patient
id, a note typed), so the app empties the cache when a store locks (SPEC §4: patient data
leaves with the lock; caredesk.store.engine.COMPILED). The tests keep it across their stores
(tests/conftest.py); the first test here sets the app's way back.
"""

from __future__ import annotations

import gc
import types
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Engine, event

from caredesk.domain.patients import Patient
from caredesk.services.patients import by_mrn, patient_list
from caredesk.store import engine as store_engine
from caredesk.store.models import Base
from tests.conftest import PASSPHRASE, add_patient

MRN = "QZXCOMPILED7"  # no other test's store holds it


def strings_reached(roots: Iterable[object], needle: str) -> list[str]:
    """Every str holding `needle` reachable from `roots` through objects' references, not through
    modules, classes or functions (which reach everything the process has loaded)."""
    found: list[str] = []
    seen: set[int] = set()
    todo = list(roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if needle in obj:
                found.append(obj)
            continue
        if isinstance(obj, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            continue
        todo.extend(gc.get_referents(obj))
    return found


def caches() -> list[object]:
    return [store_engine.COMPILED, *(mapper._compiled_cache for mapper in Base.registry.mappers)]


def test_a_lock_leaves_no_value_in_the_compiled_statements(workspace, monkeypatch):
    monkeypatch.setattr(store_engine, "KEEP_COMPILED_ACROSS_LOCKS", False)  # the app's way
    store_engine.COMPILED.clear()  # as after the app's last lock (earlier tests compiled the SELECT)
    add_patient(workspace, Patient(mrn=MRN, given_name="Ida", family_name="Qzxcompiled", birth_date=date(1950, 1, 2)))
    by_mrn(workspace, MRN)  # SELECT ... WHERE mrn = ?: its compiled form holds the MRN searched for
    assert strings_reached([workspace, *caches()], MRN)  # what the lock must drop

    workspace.lock()

    assert not strings_reached([workspace, *caches()], MRN)
    assert len(store_engine.COMPILED) == 0


def test_a_store_opened_again_compiles_none_of_its_statements_again(access, workspace):
    patient_list(workspace)  # compiled for this store's engine
    workspace.lock()
    hits: list[bool] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if context is not None and context.compiled is not None:
            hits.append(context.cache_hit == context.dialect.CACHE_HIT)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        again = access.unlock(PASSPHRASE)  # a new engine: another dialect object, equal to the first
        try:
            hits.clear()
            patient_list(again)
        finally:
            again.lock()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert hits and all(hits)
