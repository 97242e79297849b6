"""An ICD-10-CM code field that completes from the code set as you type and says what the code is.

The code set comes from caredesk.domain.icd10 (the only module that reads the package); it is
loaded off the GUI thread the first time a field is made.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QCompleter, QVBoxLayout, QWidget

from caredesk.domain import icd10
from caredesk.errors import ValidationError
from caredesk.ui.chart.tab_parts import line
from caredesk.ui.common.forms import info_label
from caredesk.ui.common.workers import TaskRunner

LOADING = "Loading the ICD-10-CM code set…"
SEARCH_DELAY_MS = 120  # a pause in typing, so a fast typist does not wait on each key


class Icd10Field(QWidget):
    """An ICD-10-CM code field: completes from the code set as you type (code or words), and
    shows the official description of the code typed, or why it is not one, before saving.

    The code set (about 2 s the first time) loads in the background when the field is made;
    until then the field says so and completes once it is ready. An unknown code is offered
    the nearest billable codes in the list (those sharing its longest prefix).
    """

    _ready = False  # the code set is in memory (shared by every field)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = line("ICD-10 code", "code or words: E11.9, diabetes type 2")
        self.description = info_label("Official description")
        self.description.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)  # no jump when it wraps
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.completer.setWidget(self.edit)
        self.completer.activated.connect(self._picked)
        popup = self.completer.popup()
        assert popup is not None
        popup.setAccessibleName("ICD-10 codes found")
        popup.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # descriptions differ at their ends
        popup.installEventFilter(self)  # after the completer's own filter, so this one sees keys first
        self._typed = False
        self._searched: str | None = None  # the text the list and description are for
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(self._edited)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addWidget(self.description)
        # Focus given to the field (the dialog's first row, its label's Alt+I) goes to the code:
        # without this, typing went nowhere until Tab (a keyboard-only tester).
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(self.edit.focusPolicy())  # a label's buddy with no focus policy is skipped
        self.runner = TaskRunner(self)
        if not Icd10Field._ready:
            self.description.setText(LOADING)
            self.runner.run(icd10.load, self._loaded, self._failed)

    def text(self) -> str:
        return self.edit.text()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the list with no row chosen is Enter in the field: the list closes and the form
        saves what was typed (a code that is not one is refused there, naming the field). The
        completer alone closed the list and kept the key, so Enter seemed to do nothing."""
        popup = self.completer.popup()
        if (
            watched is popup
            and popup is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not popup.currentIndex().isValid()
        ):
            popup.hide()
            key = QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), event.text())
            QApplication.sendEvent(self.edit, key)  # the field ignores it: the dialog's default button
            return True
        return super().eventFilter(watched, event)

    def _edited(self, _text: str) -> None:
        self._typed = True
        self._timer.start()

    def _loaded(self, _result: object) -> None:
        Icd10Field._ready = True
        self._search()

    def _failed(self, _exc: BaseException) -> None:
        self.description.setText("The ICD-10-CM code set could not be loaded; the code is checked on save.")

    def _search(self) -> None:
        """Fill the list for the text typed (codes that start with it, then descriptions with its
        words; for an unknown code, the codes sharing its longest prefix) and describe the code."""
        if not Icd10Field._ready:
            return
        text = self.edit.text()
        if text == self._searched and not self._typed:
            # Already searched and shown: the code set's loading can end while a typing pause is
            # pending, and that second search hid the list the first had just opened.
            return
        self._searched = text
        found = icd10.search(text, limit=20)
        compact = icd10.normalize(text)
        if not found and len(text.split()) == 1:
            for size in range(len(compact) - 1, 2, -1):
                found = icd10.search(compact[:size], limit=20)
                if found:
                    break
        exact = len(found) == 1 and found[0].code == compact
        self.model.setStringList([f"{c.code}  {c.description}" for c in found])
        if found and not exact and self._typed and self.edit.hasFocus():
            rect = self.edit.rect()
            rect.setWidth(max(rect.width(), self.fontMetrics().averageCharWidth() * 90))
            self.completer.complete(rect)
            # Nothing chosen until the user moves to a row (Down, Up) or clicks one: the completer
            # kept the row chosen at its last showing, and Enter took it, so a tester's E11.99X
            # became E11.9 without a word. Enter with no row chosen leaves what was typed (Save
            # then refuses a code that is not one, naming the field and the nearest codes).
            popup = self.completer.popup()
            if popup is not None:
                popup.setCurrentIndex(QModelIndex())
        else:
            self._hide_popup()
        self._typed = False
        self._describe(text, bool(found))

    def _picked(self, text: str) -> None:
        self.edit.setText(text.split("  ", 1)[0])
        self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def _describe(self, text: str, listed: bool) -> None:
        typed = text.strip()
        if not typed:
            self.description.clear()
            return
        code_like = len(typed) >= 2 and typed[0].isalpha() and typed[1].isdigit()
        try:
            code = icd10.lookup(typed)
        except ValidationError as exc:
            if not code_like:
                words = "Choose a code from the list." if listed else "No billable code matches these words."
                self.description.setText(words)
            elif listed:
                self.description.setText(f"{exc.message.split(';')[0]}; choose one from the list.")
            else:
                self.description.setText(exc.message)
        else:
            self.description.setText(f"{code.code}: {code.description}")
        window = self.window()
        if window is not self and window.isVisible():
            window.adjustSize()  # a longer description takes another line, never hidden
