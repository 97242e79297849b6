"""A registry CSV read by interop.csv_* and taken through services.panel_import into a real
store, in-process: re-importing the same file leaves the store's bytes as they were (sha256), a
changed row updates, a refused row never reaches the store (issue 13, CSV panel import)."""

from __future__ import annotations

import hashlib

from caredesk.domain.incoming import Action
from caredesk.interop.csv_mapping import Mapping, guess
from caredesk.interop.csv_panel import read_patients
from caredesk.interop.csv_table import read_table
from caredesk.services import panel_import
from caredesk.services import patients as patient_service
from tests.interop.csv_registry import HEADER, csv_bytes, registry


def _store_hash(workspace) -> str:
    """The store's bytes: the database, its write-ahead log and the audit anchor (the -shm index is
    SQLite's shared memory, which a read may touch)."""
    digest = hashlib.sha256()
    for name in ("caredesk.db", "caredesk.db-wal", "audit.anchor"):
        path = workspace.folder_path / name
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()


def _preview(workspace, data: bytes):
    table = read_table(data, source="registry.csv")
    incoming, problems = read_patients(
        table, Mapping.from_indices(table.header, guess(table.header)), today=workspace.today()
    )
    return panel_import.plan_import(workspace, incoming, problems, source="CSV file")


def test_the_same_file_twice_leaves_the_store_bytes_unchanged(workspace):
    rows, bad = registry(40, bad_every=10)
    data = csv_bytes(rows)
    first = _preview(workspace, data)
    assert first.count(Action.ADD) == 36 and len(first.problems) == len(bad) == 4
    assert panel_import.apply_import(workspace, first).value.added == 36
    before = _store_hash(workspace)
    again = _preview(workspace, data)
    assert again.count(Action.SAME) == 36 and again.count(Action.ADD) == again.count(Action.UPDATE) == 0
    panel_import.apply_import(workspace, again)
    assert _store_hash(workspace) == before


def test_a_changed_row_updates_only_that_patient(workspace):
    rows, _ = registry(3)
    panel_import.apply_import(workspace, _preview(workspace, csv_bytes(rows)))
    rows[0][HEADER.index("Preferred Language")] = "Spanish"
    plan = _preview(workspace, csv_bytes(rows))
    (update,) = [p for p in plan.patients if p.action is Action.UPDATE]
    assert update.incoming.patient.mrn == "000001"
    assert [(c.before, c.after) for c in update.changes] == [("English", "Spanish")]
    assert panel_import.apply_import(workspace, plan).value.updated == 1
    assert patient_service.by_mrn(workspace, "000001").language == "Spanish"


def test_a_refused_row_never_reaches_the_store(workspace):
    rows, bad = registry(10, bad_every=5)
    plan = _preview(workspace, csv_bytes(rows))
    panel_import.apply_import(workspace, plan)
    stored = {s.mrn for s in patient_service.patient_list(workspace)}
    assert stored == {f"{n - 1:06d}" for n in range(2, 12) if n not in bad}
    assert len(stored) == 8
