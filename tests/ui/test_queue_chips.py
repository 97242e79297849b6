"""Reason chips cut short in the Why column keep what matters (a keyboard-only tester read "CCM
needs 2 chronic conditions - 0 o…"): the counts come first, as in "0 of 20 min this month", and
the cell's tooltip has every reason whole."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics

from caredesk.domain.contacts import Outcome
from caredesk.domain.queue import entry_for
from caredesk.ui.queue.delegates import ChipDelegate
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.table_model import WHY
from tests.domain.test_queue import NY, TODAY, call, facts


def test_a_conditions_chip_cut_short_keeps_its_counts(unlocked, qtbot):
    # A follow-up overdue, CCM with no chronic condition on file, no finalized care plan.
    overdue = call(TODAY - timedelta(days=5), Outcome.REACHED, follow_up=date(2026, 11, 6))
    f = facts(chronic_conditions=0, minutes={}, contacts=(overdue,), has_care_plan=False)
    entry = entry_for(f, TODAY, NY)
    assert entry is not None
    texts = [r.text for r in entry.reasons]
    assert texts == [
        "Follow-up overdue since 11/06",
        "CCM: 0 of 2 chronic conditions on file",
        "No finalized care plan",
    ]
    unlocked.resize(1280, 800)  # the Why column as a 1280x800 window lays it out
    table = unlocked.view.show_page(QueuePage).table
    qtbot.waitUntil(lambda: table.columnWidth(WHY) > 0)
    font = QFont(table.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.92))  # as the delegate paints
    cell = QRect(0, 0, table.columnWidth(WHY), table.rowHeight(0))
    shown = [text for _rect, text, _colours in ChipDelegate.layout(entry.reasons, cell, QFontMetrics(font))]
    assert shown[0] == texts[0]
    (conditions,) = [s for s in shown if s.startswith("CCM")]
    assert conditions.startswith("CCM: 0 of 2 chronic")
