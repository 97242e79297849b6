"""File > Practice details: a bad phone is named and nothing is saved; the name then signs finalized versions."""

from __future__ import annotations

from datetime import timedelta

from caredesk.services import care_plans, practice
from tests.ui.test_care_plan_editor import open_plan


def test_practice_details_are_checked_saved_and_sign_the_next_version(unlocked, canary_store, qtbot):
    assert unlocked.practice_action.isEnabled()
    dialog = unlocked.open_practice_details()
    assert dialog.isVisible() and dialog.fields["care_manager_name"].text() == ""
    dialog.fields["care_manager_name"].setText("Sam Rivera")
    dialog.fields["care_manager_credentials"].setText("RN")
    dialog.fields["practice_phone"].setText("019-43")  # too short
    dialog.save()
    assert (
        dialog.isVisible()
        and dialog.message.text() == "Practice phone: 019-43 is not a phone number; type all 10 digits."
    )
    assert practice.get_profile(unlocked.workspace).is_empty  # nothing partial was saved
    dialog.fields["practice_phone"].setText("(555) 019-4321")
    dialog.save()
    assert not dialog.isVisible()
    saved = practice.get_profile(unlocked.workspace)
    assert (saved.signature, saved.practice_phone) == ("Sam Rivera, RN", "(555) 019-4321")

    pid = canary_store["canary"]
    editor = open_plan(qtbot, unlocked, pid)
    editor.add_from_template("diabetes")
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=30))
    editor.history.finalize_button.click()
    assert care_plans.versions(unlocked.workspace, pid)[0].finalized_by == "Sam Rivera, RN"
    assert "by Sam Rivera, RN" in editor.history.versions.item(1).text()

    again = unlocked.open_practice_details()  # shows what was saved
    assert again.fields["care_manager_name"].text() == "Sam Rivera"
    unlocked.lock()  # a lock closes it like every dialog
    assert not again.isVisible() and not unlocked.practice_action.isEnabled()
