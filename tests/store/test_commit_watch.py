"""Writes made by another process are noticed; this process's own are not (caredesk.store.commit_watch).

A second Access(...).unlock(...) of the same folder stands for another process: its engine and
connections are its own, exactly as a `caredesk` command's are. One test runs a real command.
"""

from __future__ import annotations

import time
from datetime import date

from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.services.access import Access
from caredesk.services.patients import add_patient, by_mrn, open_chart
from caredesk.services.workspace import Workspace
from tests.cli.test_cli import pw_env, run
from tests.conftest import PASSPHRASE


def _patient(mrn: str) -> Patient:
    return Patient(mrn=mrn, given_name="Ann", family_name="Tester", birth_date=date(1950, 3, 4))


def _enrollment() -> Enrollment:
    return Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 5))


def test_a_patient_added_by_another_process_is_seen_once(workspace: Workspace, access: Access):
    assert workspace.watch_outside_writes()
    assert not workspace.written_elsewhere()
    other = Access(access.folder, access.clock).unlock(PASSPHRASE)
    try:
        add_patient(other, _patient("X1"), _enrollment())
    finally:
        other.lock()
    assert workspace.written_elsewhere()
    assert not workspace.written_elsewhere()  # told once


def test_own_writes_and_audited_reads_are_not_outside_writes(workspace: Workspace):
    assert workspace.watch_outside_writes()
    saved = add_patient(workspace, _patient("O1"), _enrollment()).value
    open_chart(workspace, saved.id)  # audits a view: a commit of our own
    by_mrn(workspace, "O1")  # a pure read
    assert not workspace.written_elsewhere()


def test_an_outside_write_between_own_writes_is_still_seen(workspace: Workspace, access: Access):
    """Our own commit right after another process's must not hide it (checked before ours)."""
    assert workspace.watch_outside_writes()
    other = Access(access.folder, access.clock).unlock(PASSPHRASE)
    try:
        add_patient(other, _patient("X2"), _enrollment())
    finally:
        other.lock()
    add_patient(workspace, _patient("O2"), _enrollment())
    assert workspace.written_elsewhere()


def test_not_watching_tells_nothing(workspace: Workspace, access: Access):
    other = Access(access.folder, access.clock).unlock(PASSPHRASE)
    try:
        add_patient(other, _patient("X3"), _enrollment())
    finally:
        other.lock()
    assert not workspace.written_elsewhere()


def test_a_real_caredesk_command_is_seen(workspace: Workspace, access: Access):
    assert workspace.watch_outside_writes()
    result = run(
        "patient", "add", "--mrn", "C1", "--given", "Cal", "--family", "Lee", "--dob", "03/04/1950", "--program", "CCM",
        "--data-dir", str(access.folder.path), env=pw_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert workspace.written_elsewhere()


def test_a_poll_costs_microseconds(workspace: Workspace, access: Access):
    """What the app's timer pays on the GUI thread every ~2 s (figures for the commit message)."""
    assert workspace.watch_outside_writes()
    n = 500
    start = time.perf_counter()
    for _ in range(n):
        workspace.written_elsewhere()
    idle = (time.perf_counter() - start) / n
    other = Access(access.folder, access.clock).unlock(PASSPHRASE)
    changed = []
    try:
        for i in range(20):
            add_patient(other, _patient(f"P{i}"), _enrollment())
            start = time.perf_counter()
            assert workspace.written_elsewhere()
            changed.append(time.perf_counter() - start)
    finally:
        other.lock()
    print(f"poll: {idle * 1e6:.0f} µs idle, {max(changed) * 1e6:.0f} µs at most after a change")
    assert idle < 0.002 and max(changed) < 0.005  # a few ms at most on a loaded machine; µs measured


def test_the_watch_ends_with_the_lock(workspace: Workspace, access: Access):
    assert workspace.watch_outside_writes()
    workspace.lock()
    assert not workspace.written_elsewhere()
    assert not workspace.watch_outside_writes()
