"""Printing patients' copies against a real store: render, save, the due batch, cancel, errors, audit."""

from __future__ import annotations

import io
from datetime import UTC, date

import pytest
from pypdf import PdfReader

from caredesk.domain.careplan import GivenMethod
from caredesk.domain.patients import Patient, Status
from caredesk.errors import CareDeskError
from caredesk.services import care_plans as cp
from caredesk.services import plan_printing as pp
from tests.conftest import add_patient
from tests.services.test_care_plans_service import TODAY, _finalized, _patient, _ready


def _printed(ws) -> list[str]:
    with ws.uow() as uow:
        return [e.detail for e in uow.audit_log.all() if e.action == "printed"]


def _panel(ws) -> dict[str, int]:
    """Four patients: two due, one already given, one without a plan, one disenrolled and due."""
    ids = {
        mrn: _patient(ws, mrn, family)
        for mrn, family in [("A1", "Abbott"), ("B2", "Bahena"), ("C3", "Castro"), ("D4", "Diallo")]
    }
    ids["E5"] = _patient(ws, "E5", "Evans", status=Status.DISENROLLED)
    for mrn in ("A1", "B2", "C3", "E5"):
        _finalized(ws, ids[mrn], _ready("diabetes"))
    cp.record_copy_given(ws, ids["C3"], 1, TODAY, GivenMethod.IN_PERSON)
    return ids


def test_due_copies_are_the_latest_plans_not_given_of_patients_still_enrolled(workspace):
    ids = _panel(workspace)
    due = pp.due_copies(workspace)
    assert [(c.mrn, c.version.patient_id, c.version.number) for c in due] == [
        ("A1", ids["A1"], 1),
        ("B2", ids["B2"], 1),
    ]


def test_render_gives_the_patients_pdf_and_audits_nothing(workspace):
    ids = _panel(workspace)
    version = cp.versions(workspace, ids["A1"])[-1]
    data = pp.render(workspace, version, large_print=True)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "My care plan" in text and "Test Abbott" in text
    assert _printed(workspace) == []


def test_a_spanish_speaking_patients_copy_is_in_spanish_from_the_record(workspace):
    """Issue 12: the copy's wording follows the language on the patient's record."""
    pid = add_patient(
        workspace,
        Patient(mrn="S1", given_name="Lucía", family_name="Díaz", birth_date=date(1954, 4, 29), language="Spanish"),
    ).id
    _finalized(workspace, pid, _ready("diabetes"))
    data = pp.render(workspace, cp.versions(workspace, pid)[-1], large_print=False)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Mi plan de cuidados" in text and "Fecha de nacimiento: 29 de abril de 1954" in text
    assert "a más tardar el 1 de marzo de 2027" in text  # the review date, spelled out in Spanish
    assert "My care plan" not in text and "Page 1" not in text


def test_a_batch_into_a_folder_writes_each_due_plan_and_audits_each(workspace, tmp_path):
    _panel(workspace)
    seen: list[tuple[int, int]] = []
    outcome = pp.print_batch(
        workspace,
        pp.due_copies(workspace),
        pp.folder_sender(tmp_path / "out"),
        "saved as PDF",
        large_print=False,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert [c.mrn for c in outcome.sent] == ["A1", "B2"] and not outcome.cancelled and outcome.error is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["A1-v1.pdf", "B2-v1.pdf"]
    assert seen == [(1, 2), (2, 2)]
    assert _printed(workspace) == ["saved as PDF", "saved as PDF"]


def test_a_cancelled_batch_stops_between_plans_and_says_what_went_out(workspace, tmp_path):
    _panel(workspace)
    sent: list[str] = []
    outcome = pp.print_batch(
        workspace,
        pp.due_copies(workspace),
        lambda c, data: sent.append(c.mrn),
        "sent to a printer",
        large_print=True,
        cancelled=lambda: len(sent) == 1,
    )
    assert outcome.cancelled and [c.mrn for c in outcome.sent] == ["A1"] == sent and outcome.total == 2
    assert _printed(workspace) == ["sent to a printer, large print"]


def test_a_batch_that_cannot_write_stops_naming_the_plan_and_keeps_what_was_written(workspace, tmp_path):
    _panel(workspace)
    folder = tmp_path / "out"
    send = pp.folder_sender(folder)

    def flaky(copy, data):
        if copy.mrn == "B2":
            raise CareDeskError("Cannot write B2-v1.pdf (No space left on device).")
        send(copy, data)

    outcome = pp.print_batch(workspace, pp.due_copies(workspace), flaky, "saved as PDF", large_print=False)
    assert [c.mrn for c in outcome.sent] == ["A1"] and outcome.error is not None and outcome.error.startswith("MRN B2")
    assert [p.name for p in folder.iterdir()] == ["A1-v1.pdf"]
    assert len(_printed(workspace)) == 1


def test_record_given_for_a_batch_skips_copies_given_meanwhile(workspace):
    ids = _panel(workspace)
    due = pp.due_copies(workspace)
    cp.record_copy_given(workspace, ids["B2"], 1, TODAY, GivenMethod.PORTAL)  # e.g. from the chart meanwhile
    recorded = pp.record_given(workspace, due, TODAY, GivenMethod.MAIL)
    assert recorded.value == 1
    assert recorded.changes.patients == {ids["A1"]}  # B2's copy was given meanwhile: not recorded again
    assert pp.due_copies(workspace) == []
    b2 = cp.versions(workspace, ids["B2"])[-1]
    assert b2.given_method is GivenMethod.PORTAL  # not overwritten by the batch


def test_file_names_are_mrns_made_safe_and_never_collide():
    taken: set[str] = set()
    assert pp.file_name("../A 1", 2, taken) == "_A_1-v2.pdf"
    assert pp.file_name("A 1", 2, taken) == "A_1-v2.pdf"
    assert pp.file_name("A/1", 2, taken) == "A_1_2-v2.pdf"  # same safe form as "A 1": numbered
    assert pp.file_name("...", 1, set()) == "patient-v1.pdf"


def test_due_copies_sort_like_the_patient_list_accents_folded(workspace):
    for mrn, family in (("1", "Phillips"), ("2", "Pérez"), ("3", "Perry"), ("4", "Ødegård"), ("5", "Nguyễn")):
        _finalized(workspace, _patient(workspace, mrn, family), _ready("copd"))
    assert [c.name.split(",")[0] for c in pp.due_copies(workspace)] == [
        "Nguyễn",
        "Ødegård",
        "Pérez",
        "Perry",
        "Phillips",
    ]


def test_recording_a_batch_as_given_is_all_or_none(workspace):
    from datetime import date, datetime

    import pytest

    from caredesk.domain.careplan import CarePlanVersion
    from caredesk.errors import ValidationError

    early = _patient(workspace, "A1", "Abbott")
    with workspace.uow() as uow:  # finalized on November 1st
        uow.care_plans.add_version(
            CarePlanVersion(
                patient_id=early,
                number=1,
                content=_ready("copd"),
                finalized_by="Nurse Kim",
                finalized_at=datetime(2026, 11, 1, 15, tzinfo=UTC),
            )
        )
        uow.commit()
    _finalized(workspace, _patient(workspace, "B2", "Bahena"), _ready("copd"))  # finalized today
    due = pp.due_copies(workspace)
    with pytest.raises(ValidationError, match=r"before version 1 was finalized \(MRN B2\)"):
        pp.record_given(workspace, due, date(2026, 11, 10), GivenMethod.MAIL)  # right for A1, not for B2
    assert len(pp.due_copies(workspace)) == 2  # A1 was not recorded either
    with workspace.uow() as uow:
        assert not [e for e in uow.audit_log.all() if e.action == "care plan.copy given"]


def test_a_copy_that_cannot_be_made_is_named_and_the_batch_prints_the_rest(workspace, tmp_path):
    """Issue 12: one patient's copy that failed stopped the whole batch without naming them."""
    from dataclasses import replace

    _panel(workspace)
    a1, b2 = pp.due_copies(workspace)
    gone = pp.DueCopy(replace(a1.version, patient_id=999_999), "Z9", "Gone, Patient")  # its patient no longer there
    outcome = pp.print_batch(
        workspace, [a1, gone, b2], pp.folder_sender(tmp_path / "out"), "saved as PDF", large_print=False
    )
    assert [c.mrn for c in outcome.sent] == ["A1", "B2"] and outcome.error is None and not outcome.cancelled
    assert [c.mrn for c, _why in outcome.skipped] == ["Z9"]
    assert outcome.skipped_lines()[0].startswith("Not printed: MRN Z9 (version 1): ")
    from caredesk.ui.careplan.due_plans import outcome_text  # the app's batch dialog says the same

    assert outcome_text(outcome, "saved").startswith("2 care plans saved. Not printed: MRN Z9 (version 1): ")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["A1-v1.pdf", "B2-v1.pdf"]
    assert len(_printed(workspace)) == 2


def test_review_passed_and_leave_out(workspace):
    from dataclasses import replace
    from datetime import date

    from caredesk.errors import ValidationError

    _panel(workspace)
    a1, b2 = pp.due_copies(workspace)
    late = pp.DueCopy(replace(a1.version, content=replace(a1.version.content, next_review=date(2026, 3, 3))), "A1")
    assert pp.review_passed(late, TODAY) == date(2026, 3, 3)
    assert pp.review_passed(b2, TODAY) is None  # reviewed by 2027
    assert pp.leave_out([a1, b2], [" a1 "]) == [b2]  # MRNs as typed: case and spaces ignored
    assert pp.leave_out([a1, b2], []) == [a1, b2]
    with pytest.raises(ValidationError, match="Q7") as refused:  # a typo never prints the plan it meant to hold back
        pp.leave_out([a1, b2], ["A1", "Q7"])
    assert refused.value.field == "leave out" and "A1" not in refused.value.message


def test_a_chinese_name_prints_family_name_first_in_the_header_and_the_intro(workspace):
    """王 秀英 is 王秀英 on paper, not '秀英 王' (domain.names.full_name)."""
    pid = add_patient(workspace, Patient(mrn="W1", given_name="秀英", family_name="王", birth_date=date(1950, 1, 2))).id
    _finalized(workspace, pid, _ready("diabetes"))
    data = pp.render(workspace, cp.versions(workspace, pid)[-1], large_print=False)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "This plan is for 王秀英" in text and text.count("王秀英") >= 2  # the intro, and every page's header
    assert "秀英 王" not in text
