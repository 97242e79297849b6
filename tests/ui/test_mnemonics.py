"""Every Alt key answers one control of its window (a fresh tester, keyboard only, read Alt+I
on both Edit details… and Edit program…, and Add patient had no Alt key at all).

Qt gives an Alt key to a button's or a buddied label's '&' (QKeySequence.mnemonic), a tab's
'&', a menu bar title's '&', and to QShortcuts and actions set to Alt+something. When two
visible, enabled controls of one window share one, Qt answers neither at once: it moves the
focus between them on each press (QShortcut's activatedAmbiguously), so the key the user
learned does nothing they can predict. One generic walk over the real window and dialogs:
every tab of the chart (and of the care plan inside it), today's queue with a call open (timer
running and paused), the month, and the main dialogs (Add patient, Log contact, Log other time,
and the Record tab's forms: End program, Edit program, Enroll, Edit details, Change status). A greyed button counts: it answers its
key as soon as a row is chosen.

The same walk also finds every visible, enabled button and check box that has no key at all:
neither an Alt key, nor a shortcut, nor a key its tooltip names (a fresh tester, keyboard only,
listed Add patient's and End program's main buttons, the Clinical tab's, the care plan's, the
month's and the queue's filters). A dialog's OK/Cancel-type buttons are exempt by name
(ANSWERED_BY_ENTER_OR_ESC): Enter and Esc answer them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QGroupBox,
    QLabel,
    QMenuBar,
    QPushButton,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from caredesk.ui.chart.clinical_dialogs import AllergyDialog
from caredesk.ui.chart.clinical_tab import ClinicalTab
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_dialogs import EditPatientDialog, EndProgramDialog, EnrollmentDialog, StatusDialog
from caredesk.ui.chart.record_tab import RecordTab
from caredesk.ui.month.page import MonthPage
from caredesk.ui.month.table_model import MonthFilter
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import FakeSeconds
from tests.ui.test_month_page import settle


def _alt(keys: QKeySequence) -> str | None:
    """'Alt+I' for a one-key sequence with Alt and no Ctrl (what a mnemonic clashes with)."""
    if keys.count() != 1:
        return None
    text = keys.toString(QKeySequence.SequenceFormat.PortableText)
    return text if text.startswith("Alt+") else None


def _mnemonic(text: str) -> str | None:
    return _alt(QKeySequence.mnemonic(text))


def _active(w: QWidget, window: QWidget) -> bool:
    """Shown in the window. Greyed or not: a greyed button's key is the one it answers as soon as
    a row is chosen, so it must be its own then too."""
    return w.isVisibleTo(window)


def alt_keys(window: QWidget) -> dict[str, list[str]]:
    """Each Alt key of `window` (a main window or a dialog) -> what answers it there: the visible,
    enabled buttons, buddied labels, group boxes, tabs and menu bar titles by their '&', and
    the QShortcuts and actions set to an Alt key. Other top-level windows are not walked."""
    keys: dict[str, list[str]] = defaultdict(list)

    def add(key: str | None, what: str) -> None:
        if key is not None:
            keys[key].append(what)

    for w in window.findChildren(QWidget):
        if w.window() is not window or not _active(w, window):
            continue
        if isinstance(w, QAbstractButton):
            add(_mnemonic(w.text()), w.text())
            add(_alt(w.shortcut()) if w.shortcut() != QKeySequence.mnemonic(w.text()) else None, f"{w.text()!r} key")
        elif isinstance(w, QLabel) and w.buddy() is not None:
            add(_mnemonic(w.text()), w.text())
        elif isinstance(w, QGroupBox):
            add(_mnemonic(w.title()), w.title())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    add(_mnemonic(w.tabText(i)), f"tab {w.tabText(i)}")
        elif isinstance(w, QMenuBar):
            for action in w.actions():
                if action.isVisible():
                    add(_mnemonic(action.text()), f"menu {action.text()}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and parent.window() is window and (_active(parent, window) or parent is window):
            for seq in shortcut.keys():  # noqa: SIM118 - QShortcut.keys(), not a dict's
                add(_alt(seq), f"shortcut {seq.toString()} on {parent.accessibleName() or type(parent).__name__}")
    for action in window.findChildren(QAction):
        if action.isVisible() and action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
            for seq in action.shortcuts():
                add(_alt(seq), f"action {action.text()}")
    return dict(keys)


# Buttons a keyboard user answers without an Alt key of their own: a dialog's OK/Cancel-type
# buttons (Enter presses the default one, Esc rejects the dialog), by their text as shown.
ANSWERED_BY_ENTER_OR_ESC = frozenset({"OK", "Cancel", "Close", "Save", "Yes", "No"})


# A tooltip that names the button's key: "(Ctrl+S or Ctrl+Enter)", "(Space in the queue ...)",
# "(Enter in the list)". What the key does is each page's own tests' business.
_KEY_IN_TIP = re.compile(r"\((?:[^()]*\W)?(?:(?:Ctrl|Alt|Shift)\+\S|(?:Space|Enter|Delete|Insert|F\d+)\b)")


def keyless(window: QWidget) -> list[str]:
    """The visible, enabled push/tool buttons and check boxes of `window` that have neither an
    Alt key (a '&' in their text), a shortcut of their own, nor a key named in their tooltip,
    less ANSWERED_BY_ENTER_OR_ESC in a dialog. A button with neither text nor tooltip is skipped:
    Qt's own widgets' parts (a calendar's arrows), never ours."""
    found = []
    for w in window.findChildren(QAbstractButton):
        if w.window() is not window or not w.isVisibleTo(window) or not w.isEnabled():
            continue
        if not isinstance(w, (QPushButton, QToolButton, QCheckBox)):
            continue
        text = w.text()
        if not text.strip() and not w.toolTip():
            continue
        if _mnemonic(text) is not None or not w.shortcut().isEmpty() or _KEY_IN_TIP.search(w.toolTip()):
            continue
        if isinstance(window, QDialog) and text.replace("&", "") in ANSWERED_BY_ENTER_OR_ESC:
            continue
        found.append(text or w.toolTip())
    return sorted(found)


def clashes(window: QWidget) -> dict[str, list[str]]:
    """The Alt keys more than one control of `window` answers."""
    return {key: sorted(whats) for key, whats in alt_keys(window).items() if len(whats) > 1}


def _dialog_shown(qtbot, dialog: QDialog) -> QDialog:
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitExposed(dialog)
    return dialog


def _every_tab(tabs: QTabWidget) -> Iterator[str]:
    """Show each tab of `tabs` in turn, and each tab of a tab widget inside it (the care plan's
    parts); yields the tab's name as shown."""
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        inner = [t for t in tabs.widget(i).findChildren(QTabWidget) if t.isVisible()]
        if not inner:
            yield tabs.tabText(i)
        for sub in inner:
            for j in range(sub.count()):
                sub.setCurrentIndex(j)
                yield f"{tabs.tabText(i)} > {sub.tabText(j)}"


def test_every_tab_of_the_chart_gives_each_alt_key_one_control(demo_unlocked, qtbot):
    """The chart of the queue's first patients (the demo's busiest: flags, stays, tasks, devices;
    a tab shows some buttons only when the patient has what they act on), every tab."""
    window = demo_unlocked
    queue = window.view.page(QueuePage)
    first = [queue.proxy.patient_id(row) for row in range(min(5, queue.proxy.rowCount()))]
    page = window.view.show_page(PatientsPage)
    found: dict[str, dict[str, list[str]]] = {}
    for pid in first:
        assert pid is not None and page.select_patient(pid)
        for tab in _every_tab(page.chart.tabs):
            if clash := clashes(window):
                found[f"patient {pid}, {tab} tab"] = clash
            if without := keyless(window):
                found[f"patient {pid}, {tab} tab, no key"] = {"none": without}
    assert found == {}


def test_the_clinical_tabs_edit_and_remove_keys_follow_the_focus(demo_unlocked, qtbot):
    """Conditions, Allergies and Care team each have an Edit… and a Remove…: Alt+I and Alt+R
    answer the section the focus is in, whose buttons show the underline."""
    window = demo_unlocked
    queue = window.view.page(QueuePage)
    page = window.view.show_page(PatientsPage)
    tab = page.chart.tab(ClinicalTab)
    for row in range(queue.proxy.rowCount()):
        assert page.select_patient(queue.proxy.patient_id(row))
        page.chart.show_tab(tab)
        if tab.allergies.rowCount() and tab.conditions.rowCount() and tab.edit_allergy_button.isEnabled():
            break
    window.activateWindow()
    tab.conditions.setFocus()
    qtbot.waitUntil(tab.conditions.hasFocus)
    assert tab.edit_condition_button.text() == "Ed&it…" and tab.remove_condition_button.text() == "&Remove…"
    tab.allergies.setFocus()
    qtbot.waitUntil(tab.allergies.hasFocus)
    assert [b.text() for b in (tab.edit_condition_button, tab.remove_condition_button)] == ["Edit…", "Remove…"]
    assert [b.text() for b in (tab.edit_allergy_button, tab.remove_allergy_button)] == ["Ed&it…", "&Remove…"]
    assert clashes(window) == {} and keyless(window) == []
    qtbot.keyClick(tab.allergies, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(tab.dialog, AllergyDialog) and tab.dialog.isVisible())
    tab.dialog.reject()
    qtbot.waitUntil(lambda: tab.dialog is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.add_member_button.setFocus()  # a section's buttons count as the section
    qtbot.waitUntil(tab.add_member_button.hasFocus)
    assert tab.edit_member_button.text() == "Ed&it…" and tab.edit_allergy_button.text() == "Edit…"


def test_today_queue_with_a_call_open_gives_each_alt_key_one_control(unlocked, canary_store, qtbot):
    queue = unlocked.view.show_page(QueuePage)
    assert queue.select_patient(canary_store["canary"])
    queue.open_selected()
    qtbot.waitUntil(lambda: queue.panel.patient_id == canary_store["canary"])
    assert "Alt+F" in alt_keys(unlocked) and "Alt+E" in alt_keys(unlocked)  # the menu bar is walked
    assert clashes(unlocked) == {}
    assert keyless(unlocked) == []
    queue.panel.set_timer_clock(FakeSeconds())
    queue.panel.timing.start()  # Pause and Stop
    assert clashes(unlocked) == {}, "timer running"
    queue.panel.timing.toggle_pause()  # Resume
    assert clashes(unlocked) == {}, "timer paused"
    queue.panel.drafts.discard_call()


def test_alt_left_and_right_step_the_queues_filters(unlocked, canary_store, qtbot):
    """Five filters beside the call panel's Alt keys leave no letter for each: Alt+Left and
    Alt+Right step through them, as their tooltips say, wherever the cursor is on the page."""
    queue = unlocked.view.show_page(QueuePage)
    order = list(queue.filter_buttons)
    assert queue.filter_buttons[order[0]].isChecked()
    unlocked.activateWindow()
    queue.table.setFocus()
    qtbot.waitUntil(queue.table.hasFocus)
    qtbot.keyClick(queue.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert queue.filter_buttons[order[1]].isChecked() and queue.proxy.which is order[1]
    qtbot.keyClick(queue.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(queue.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # round to the last
    assert queue.filter_buttons[order[-1]].isChecked() and queue.proxy.which is order[-1]
    assert all("(Alt+Left" in b.toolTip() for b in queue.filter_buttons.values())


def test_this_month_gives_each_alt_key_one_control(demo_unlocked, qtbot):
    month = demo_unlocked.view.show_page(MonthPage)
    settle(month)
    assert clashes(demo_unlocked) == {}
    assert keyless(demo_unlocked) == []
    demo_unlocked.activateWindow()
    month.table.setFocus()
    qtbot.waitUntil(month.table.hasFocus)
    shown = month.month_label.text()
    # A button's key clicks it a moment later (Qt's animateClick).
    qtbot.keyClick(month.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # ◀, named in its tooltip
    qtbot.waitUntil(lambda: month.month_label.text() != shown)
    settle(month)
    qtbot.keyClick(month.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # ▶
    qtbot.waitUntil(lambda: month.month_label.text() == shown)
    settle(month)
    qtbot.keyClick(month.table, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # Cannot &bill
    qtbot.waitUntil(month.filter_buttons[MonthFilter.CANNOT_BILL].isChecked)


def test_the_patient_list_gives_each_alt_key_one_control_and_add_patient_has_one(unlocked, canary_store, qtbot):
    page = unlocked.view.show_page(PatientsPage)
    assert page.select_patient(canary_store["canary"])
    assert _mnemonic(page.add_button.text()) is not None  # Ctrl+N aside, the button's own Alt key
    for tab in _every_tab(page.chart.tabs):
        assert clashes(unlocked) == {}, tab
        assert keyless(unlocked) == [], tab


def _record(window, pid: int) -> RecordTab:
    page = window.view.show_page(PatientsPage)
    assert page.select_patient(pid)
    tab = page.chart.tab(RecordTab)
    page.chart.show_tab(tab)
    return tab


def test_add_patient_gives_each_alt_key_one_control(unlocked, qtbot):
    dialog = _dialog_shown(qtbot, unlocked.view.show_page(PatientsPage).add_patient())
    assert clashes(dialog) == {}
    assert keyless(dialog) == []


def test_log_contact_gives_each_alt_key_one_control(unlocked, canary_store, qtbot):
    page = unlocked.view.show_page(PatientsPage)
    assert page.select_patient(canary_store["canary"])
    dialog = _dialog_shown(qtbot, page.log_contact())
    assert clashes(dialog) == {}
    assert keyless(dialog) == []


@pytest.mark.parametrize(
    ("which", "kind"),
    [
        ("end_program", EndProgramDialog),
        ("change_program", EnrollmentDialog),
        ("enroll", EnrollmentDialog),
        ("edit_details", EditPatientDialog),
        ("change_status", StatusDialog),
    ],
)
def test_the_record_tab_forms_give_each_alt_key_one_control(unlocked, canary_store, qtbot, which, kind):
    """End program… and Edit program… (the tester's), and the tab's other forms."""
    tab = _record(unlocked, canary_store["canary"])
    getattr(tab, which)()
    assert isinstance(tab.dialog, kind)
    assert clashes(_dialog_shown(qtbot, tab.dialog)) == {}
    assert keyless(tab.dialog) == []


def test_log_other_time_gives_each_alt_key_one_control(unlocked, canary_store, qtbot):
    queue = unlocked.view.show_page(QueuePage)
    assert queue.select_patient(canary_store["canary"])
    queue.open_selected()
    dialog = queue.panel.side_work.log_other_time()
    assert dialog is not None
    assert clashes(_dialog_shown(qtbot, dialog)) == {}
    assert keyless(dialog) == []


def test_a_clash_is_found(unlocked, canary_store):
    """The walk finds what it looks for: two buttons given one Alt key in the window."""
    tab = _record(unlocked, canary_store["canary"])
    tab.programs.selectRow(0)
    tab.change_button.setText("Ed&it program…")
    assert clashes(unlocked) == {"Alt+I": ["Ed&it details…", "Ed&it program…"]}
