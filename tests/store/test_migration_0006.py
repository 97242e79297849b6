"""Schema 0006: the chart's contact forms kept at a lock (SPEC §5) are a table of their own; a
0005 store's rows are kept through the upgrade, and the downgrade removes only the new table."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import inspect

from caredesk.domain.call_draft import CallDraft
from caredesk.domain.contact_form_draft import ContactFormDraft, ContactFormKind
from caredesk.services import call_drafts, contact_form_drafts
from caredesk.services.access import Access
from caredesk.services.patients import patient_list
from caredesk.store import migrate
from caredesk.store.engine import open_engine
from caredesk.store.keys import KeyFile
from tests.conftest import NOW, PASSPHRASE
from tests.services.test_calls import _patient


def test_a_0005_store_upgrades_keeping_its_patients_and_gains_contact_form_drafts(workspace, folder, clock):
    pid = _patient(workspace, "M6")
    call_drafts.save(workspace, CallDraft(patient_id=pid, updated_at=NOW, note="call kept"))
    workspace.lock()
    engine = open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))
    migrate.downgrade(engine, "0005")
    tables = set(inspect(engine).get_table_names())
    assert "contact_form_drafts" not in tables and "call_drafts" in tables
    engine.dispose()
    ws = Access(folder, clock).unlock(PASSPHRASE)  # upgraded on unlock
    try:
        assert [p.mrn for p in patient_list(ws)] == ["M6"]
        kept = ContactFormDraft(
            patient_id=pid,
            kind=ContactFormKind.LOG_CONTACT,
            updated_at=NOW,
            fields={"Note": "form kept", "Minutes": 14},
        )
        first = contact_form_drafts.keep(ws, kept)
        # Kept again once resumed (with its id) it replaces itself; a second form is kept beside it
        # (never over it); the call draft is another table, untouched.
        assert contact_form_drafts.keep(ws, replace(kept, id=first, fields={"Note": "form kept, more"})) == first
        second = contact_form_drafts.keep(ws, replace(kept, fields={"Note": "another"}))
        assert second != first
        assert [d.fields for d in contact_form_drafts.kept(ws, pid)] == [
            {"Note": "form kept, more"},
            {"Note": "another"},
        ]
        assert contact_form_drafts.kept(ws, pid)[0].updated_at == NOW
        assert call_drafts.load(ws, pid).note == "call kept"
        contact_form_drafts.discard(ws, first)
        contact_form_drafts.discard(ws, second)
        assert contact_form_drafts.kept(ws, pid) == []
    finally:
        ws.lock()
