"""Keys that step a tab widget's tabs from anywhere inside it: Ctrl+Tab / Ctrl+PageDown to the next
tab, Ctrl+Shift+Tab / Ctrl+PageUp to the previous one, wrapping round as Qt's own Ctrl+Tab does.

QTabWidget steps on Ctrl+Tab only when the focused widget passes the key up to it: a table or a
date field kept it, so a keyboard-only tester could not leave the chart's Summary tables or the
Vitals & labs date field that way; Ctrl+PageDown / Ctrl+PageUp (browsers', many editors'
convention) Qt does not take at all. Shortcuts come before the focused widget's own key handling.

On X11 one press of Ctrl+Shift+Tab matches two of these sequences at once (xcb offers the key as
Ctrl+Shift+Backtab and as Ctrl+Backtab, Shift read as making the Backtab): Qt then calls it
ambiguous and emits activatedAmbiguously instead of activated, so a tester found that key dead.
Every sequence of one direction does the same step, so an ambiguous press steps too.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

NEXT_KEYS = ("Ctrl+Tab", "Ctrl+PgDown")
PREVIOUS_KEYS = ("Ctrl+Shift+Tab", "Ctrl+Backtab", "Ctrl+Shift+Backtab", "Ctrl+PgUp")


def add_tab_keys(tabs: QTabWidget) -> None:
    """Give `tabs` the keys above while the focus is anywhere in it. A tab widget nested in one of
    its tabs (the care plan's) is stepped instead while the focus is inside that one."""
    for keys, step in [*((k, 1) for k in NEXT_KEYS), *((k, -1) for k in PREVIOUS_KEYS)]:
        shortcut = QShortcut(QKeySequence(keys), tabs)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(partial(_step, tabs, step))
        shortcut.activatedAmbiguously.connect(partial(_step, tabs, step))


def _step(outer: QTabWidget, step: int) -> None:
    """The innermost tab widget around the focus (up to `outer`) to its next enabled tab `step` away."""
    tabs = outer
    widget: QWidget | None = QApplication.focusWidget()
    while widget is not None and widget is not outer:
        if isinstance(widget, QTabWidget):
            tabs = widget
            break
        widget = widget.parentWidget()
    count = tabs.count()
    index = tabs.currentIndex()
    for _ in range(count):
        index = (index + step) % count
        if tabs.isTabEnabled(index):
            tabs.setCurrentIndex(index)
            return
