"""Schema 0007: Add patient forms kept at a lock (SPEC §5) are a table of their own (no patient
yet); a 0006 store's rows, its kept contact forms among them, are kept through the upgrade."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import inspect

from caredesk.domain.contact_form_draft import ContactFormDraft, ContactFormKind
from caredesk.domain.new_patient_draft import NewPatientDraft
from caredesk.services import contact_form_drafts, new_patient_drafts
from caredesk.services.access import Access
from caredesk.services.patients import patient_list
from caredesk.store import migrate
from caredesk.store.engine import open_engine
from caredesk.store.keys import KeyFile
from tests.conftest import NOW, PASSPHRASE
from tests.services.test_calls import _patient


def test_a_0006_store_upgrades_keeping_its_kept_forms_and_gains_new_patient_drafts(workspace, folder, clock):
    pid = _patient(workspace, "M7")
    contact_form_drafts.keep(
        workspace,
        ContactFormDraft(patient_id=pid, kind=ContactFormKind.LOG_CONTACT, updated_at=NOW, fields={"Note": "kept"}),
    )
    workspace.lock()
    engine = open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))
    migrate.downgrade(engine, "0006")
    tables = set(inspect(engine).get_table_names())
    assert "new_patient_drafts" not in tables and "contact_form_drafts" in tables
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)  # upgraded on unlock
    try:
        assert [p.mrn for p in patient_list(ws)] == ["M7"]
        assert [d.fields for d in contact_form_drafts.kept(ws, pid)] == [{"Note": "kept"}]
        typed = NewPatientDraft(updated_at=NOW, fields={"MRN": "MRN-77", "Family name": "Qzx", "Phone": "555"})
        first = new_patient_drafts.keep(ws, typed)
        # Kept again once resumed (with its id) it replaces itself; another is kept beside it.
        assert new_patient_drafts.keep(ws, replace(typed, id=first, fields={"MRN": "MRN-78"})) == first
        second = new_patient_drafts.keep(ws, replace(typed, fields={"Given name": "Bo"}))
        assert [(d.id, d.fields) for d in new_patient_drafts.kept(ws)] == [
            (first, {"MRN": "MRN-78"}),
            (second, {"Given name": "Bo"}),
        ]
        assert new_patient_drafts.kept(ws)[0].updated_at == NOW
        new_patient_drafts.discard(ws, first)
        new_patient_drafts.discard(ws, first)  # gone already is fine
        assert [d.id for d in new_patient_drafts.kept(ws)] == [second]
    finally:
        ws.lock()
