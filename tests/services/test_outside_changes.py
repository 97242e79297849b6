"""What another process's saves changed, told from the audit events since a mark (services.outside_changes)."""

from __future__ import annotations

from datetime import date

from caredesk.domain.patients import Patient
from caredesk.services.access import Access
from caredesk.services.changes import Kind
from caredesk.services.outside_changes import audit_mark, changed_since
from caredesk.services.patients import add_patient, exported_list
from caredesk.services.workspace import Workspace
from tests.conftest import PASSPHRASE


def _elsewhere(access: Access) -> Workspace:
    return Access(access.folder, access.clock).unlock(PASSPHRASE)


def test_a_patient_added_elsewhere_names_every_patient_and_kind(workspace: Workspace, access: Access):
    mine = add_patient(workspace, Patient(mrn="M1", given_name="A", family_name="B", birth_date=date(1950, 1, 1)))
    mark = audit_mark(workspace)
    other = _elsewhere(access)
    try:
        theirs = add_patient(other, Patient(mrn="M2", given_name="C", family_name="D", birth_date=date(1951, 1, 1)))
    finally:
        other.lock()
    since = changed_since(workspace, mark)
    assert since.changes.patients == {mine.value.id, theirs.value.id}
    assert since.changes.kinds == frozenset(Kind)
    assert since.mark > mark
    # Asked again with no event since: a commit that left no event (none of a record) may still
    # have changed something, so everything is named again, never nothing.
    assert changed_since(workspace, since.mark).changes.kinds == frozenset(Kind)


def test_a_command_that_only_read_changes_nothing(workspace: Workspace, access: Access):
    mark = audit_mark(workspace)
    other = _elsewhere(access)
    try:
        exported_list(other, "printed")  # unlock, export, lock: all reads
    finally:
        other.lock()
    since = changed_since(workspace, mark)
    assert not since.changes and since.mark == audit_mark(workspace) > mark


def test_no_mark_means_everything(workspace: Workspace):
    assert changed_since(workspace, None).changes.kinds == frozenset(Kind)


def test_this_windows_own_saves_are_not_taken_for_outside_changes(workspace: Workspace, access: Access):
    """A fresh tester saved a call in the window, then ran `caredesk contacts` beside it: "Updated
    with changes made outside this window", though the command only read. The window's own events
    since the mark are left out; a read elsewhere after them changes nothing."""
    mark = audit_mark(workspace)
    add_patient(workspace, Patient(mrn="M1", given_name="A", family_name="B", birth_date=date(1950, 1, 1)))
    other = _elsewhere(access)
    try:
        exported_list(other, "printed")  # unlock, export, lock: all reads
    finally:
        other.lock()
    since = changed_since(workspace, mark)
    assert not since.changes and since.mark == audit_mark(workspace) > mark
    # Only the window's own events since the mark, and a commit seen from elsewhere that left none:
    # that commit may have changed anything, so everything is named.
    mark = since.mark
    add_patient(workspace, Patient(mrn="M3", given_name="E", family_name="F", birth_date=date(1952, 1, 1)))
    assert changed_since(workspace, mark).changes.kinds == frozenset(Kind)
