"""Fields that print on paper warn, as the text is typed, about characters no PDF font has
(issue 12): the patient's names and address, and the care plan's wording. Nothing is refused."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.print_warning import PrintWarning, warning_text
from tests.ui.test_care_plan_editor import open_plan
from tests.ui.test_clinical_tab import open_tab


def shown(widget) -> list[str]:
    return [w.text() for w in widget.findChildren(PrintWarning) if not w.isHidden()]


def test_a_name_in_a_script_no_font_has_is_named_under_the_field_and_still_saves(unlocked, qtbot):
    dialog = unlocked.view.show_page(PatientsPage).add_patient()
    assert shown(dialog) == []
    dialog.given.setText("अनीता")
    assert shown(dialog) == [
        "Given name: “अनीता” will not print on the patient's copy or letters (no font for these characters)."
    ]
    dialog.family.setText("王")  # Chinese prints: no warning for the family name
    dialog.given.setText("Anita")
    assert shown(dialog) == []
    dialog.given.setText("Anita अनीता")
    for name, text in {"mrn": "NEW0002", "family": "王", "birth": "03/04/1948"}.items():
        getattr(dialog, name).setText(text)
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted  # a warning, not a refusal


def test_the_care_plans_wording_names_what_will_not_print(unlocked, canary_store, qtbot):
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    editor.template_menu.actions()[0].trigger()  # a blank problem, selected
    editor.form.p_plain.setPlainText("ดูแลความดัน every day")
    assert shown(editor.form) == [warning_text("Problem patient wording", "ดูแลความดัน")]
    assert shown(editor.form)[0].startswith("Problem patient wording: “ดูแลความดัน” will not print")
    editor.form.p_plain.setPlainText("خذ دواء السكري 每天")
    assert shown(editor.form) == []
    editor.sections.texts["symptom_management"].setPlainText("Call us ᏣᎳᎩ")
    assert [t.split(":")[1] for t in shown(editor.sections)] == [
        " “ᏣᎳᎩ” will not print on the patient's copy or letters (no font for these characters)."
    ]


def test_a_care_team_name_that_will_not_print_is_named_just_under_it(unlocked, canary_store, qtbot):
    dialog = open_tab(unlocked, canary_store["canary"], qtbot).add_member()
    dialog.name.setText("डॉ. शर्मा")
    assert shown(dialog) == [
        "Name: “डॉ”, “शर्मा” will not print on the patient's copy or letters (no font for these characters)."
    ]
    (warning,) = dialog.findChildren(PrintWarning)[:1]
    assert dialog.form.getWidgetPosition(warning)[0] == dialog.form.getWidgetPosition(dialog.name)[0] + 1
    dialog.organization.setText("Clínica 北京")
    assert len(shown(dialog)) == 1  # Chinese and accented Latin print
    dialog.reject()
