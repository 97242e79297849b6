"""What a new user tripped over in the queue's layout (issue 9 item 11): the reason to call
stays readable in a narrow window, and the call panel's controls never move."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from caredesk.ui.queue.delegates import ChipDelegate
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.queue_view import WHY_CHARS
from caredesk.ui.queue.table_model import PHONE, WHY, ReasonsRole

READABLE = 60  # a reason up to this long is shown whole, over two lines if need be


def queue(window) -> QueuePage:
    return window.view.page(QueuePage)


def shown_first_reasons(page: QueuePage) -> list[tuple[str, str]]:
    """(the first reason, what its chip shows) for every row, laid out as the delegate paints it."""
    table = page.table
    font = QFont(table.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.92))
    metrics = QFontMetrics(font)
    out = []
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, WHY)
        cell = QRect(0, 0, table.columnWidth(WHY), table.rowHeight(row))
        reasons = index.data(ReasonsRole)
        chips = ChipDelegate.layout(reasons, cell, metrics)
        out.append((reasons[0].text, chips[0][1].replace("\n", " ")))
    return out


def test_why_stays_readable_in_a_1150_px_window(demo_unlocked, qtbot):
    page = queue(demo_unlocked)
    header = page.table.horizontalHeader()
    demo_unlocked.resize(1150, 720)
    qtbot.waitUntil(lambda: header.isSectionHidden(PHONE))  # the call panel shows the numbers
    # The others narrowed as far as they go; Why has most of what it asks for.
    assert page.table.columnWidth(WHY) >= 0.8 * WHY_CHARS * page.table.fontMetrics().averageCharWidth()
    pairs = shown_first_reasons(page)
    assert pairs
    for reason, shown in pairs:
        if len(reason) <= READABLE:
            assert shown == reason, f"{reason!r} was shown as {shown!r}"

    demo_unlocked.resize(1900, 1000)
    qtbot.waitUntil(lambda: not header.isSectionHidden(PHONE))  # room again: Phone is back


def test_the_call_panel_keeps_its_controls_still(demo_unlocked, qtbot):
    """Another patient (a longer name, more phones), a message, a restored draft, the long-call
    warning: the timer, the outcome buttons, the note and Save stay where they were."""
    page = queue(demo_unlocked)
    panel = page.panel
    demo_unlocked.resize(1150, 720)
    watched = (panel.start_button, panel.outcome_buttons[next(iter(panel.outcome_buttons))], panel.note)
    watched += (panel.save_button,)

    def places() -> list[tuple[int, int]]:
        QApplication.processEvents()
        return [(p.x(), p.y()) for p in (w.mapTo(demo_unlocked, w.rect().topLeft()) for w in watched)]

    first = places()
    names = {}
    for row in range(min(page.proxy.rowCount(), 12)):
        page.table.select_row(row)
        qtbot.waitUntil(lambda row=row: panel.patient_id == page.proxy.patient_id(row))
        names[panel.header.full_name] = places()
    assert all(p == first for p in names.values()), "the panel moved for another patient"
    panel.message.show_error("Follow-up date cannot be before the call.")
    panel.long_warning.show_warning("Timer running for 61 min — still on the call?")
    assert places() == first
    page.table.select_row(0)
    qtbot.waitUntil(lambda: panel.patient_id == page.proxy.patient_id(0))
    panel.note.setPlainText("kept for later")
    assert panel.drafts.keep_draft()
    page.table.select_row(1)
    qtbot.waitUntil(lambda: panel.patient_id == page.proxy.patient_id(1))
    page.table.select_row(0)
    qtbot.waitUntil(lambda: panel.discard_draft_button.isVisible())
    assert places() == first


def test_the_window_keeps_its_width_when_everyone_is_reached(unlocked, canary_store, qtbot):
    """A fresh tester's window grew ~60 px wider after the first call was saved: the heading
    ("Wednesday, December 2 — nobody left to call, 1 reached today") was one line that did not
    wrap, and its width became the window's least width."""
    from caredesk.domain.contacts import Outcome

    page = queue(unlocked)
    unlocked.resize(1100, 800)  # a narrow window: about the least the queue takes before any call
    qtbot.waitUntil(lambda: unlocked.width() == 1100)
    for who in ("canary", "Abbott", "Young"):
        page.select_patient(canary_store[who])
        page.panel.set_outcome(Outcome.REACHED)
        assert page.panel.save() is not None
    assert page.heading.text().endswith("— nobody left to call, 3 reached today")
    qtbot.wait(200)  # the layouts' pending requests run
    assert unlocked.minimumSizeHint().width() <= 1100
    assert unlocked.width() == 1100
