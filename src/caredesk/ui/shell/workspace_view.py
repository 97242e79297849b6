"""The unlocked view: a navigation list on the left, one page per use case on the right.

Pages are registered in PAGES (and their classes named in AnyPage). A page is a QWidget
with a `title` and four methods: load(workspace), clear() (drop all patient data),
selection() -> an id or None, and restore(selection). The first page is the home screen,
shown after every fresh unlock. A page may also have an `open_patient` signal (a patient
id): the view then shows that patient on the Patients page, and a `focus_home()` method that
puts the keyboard where Ctrl+digit should (else its first focusable control gets it).

`pages_later=True` (program start): the pages are made one per `build_next_page()` call, so
the window builds them one per event-loop turn while the user types (issue 14); asking for a
page not made yet builds the rest at once. A page made after `load()` is loaded as it is made,
so today's queue (the first page) can open before the others exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, Union

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QStackedWidget, QVBoxLayout, QWidget

from caredesk.services.workspace import Workspace

# Each page's module is imported when the page is made: today's queue can open while the
# patients and month pages' modules are still loading (issue 14).
if TYPE_CHECKING:
    from caredesk.ui.chart.patients_page import PatientsPage
    from caredesk.ui.month.page import MonthPage
    from caredesk.ui.queue.page import QueuePage


class Page(Protocol):
    title: str

    def load(self, workspace: Workspace) -> None: ...
    def clear(self) -> None: ...
    def selection(self) -> Any: ...
    def restore(self, selection: Any) -> None: ...


AnyPage = Union["QueuePage", "PatientsPage", "MonthPage"]  # each a QWidget and a Page
P = TypeVar("P", bound=AnyPage)


def _queue_page(parent: QWidget) -> QueuePage:
    from caredesk.ui.queue.page import QueuePage

    return QueuePage(parent)


def _patients_page(parent: QWidget) -> PatientsPage:
    from caredesk.ui.careplan.editor import CarePlanEditor
    from caredesk.ui.chart.patients_page import PatientsPage

    # The shell composes the features: the plan is a chart tab, made (like the record tabs)
    # in a slice of its own after the page is on screen (issue 14).
    return PatientsPage([CarePlanEditor], parent)


def _month_page(parent: QWidget) -> MonthPage:
    from caredesk.ui.month.page import MonthPage

    return MonthPage(parent)


# Each makes its page inside the given parent (the view's page stack): see build_next_page.
PAGES: list[Callable[[QWidget], AnyPage]] = [_queue_page, _patients_page, _month_page]


class WorkspaceView(QWidget):
    def __init__(self, parent: QWidget | None = None, *, pages_later: bool = False):
        super().__init__(parent)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.stack = QStackedWidget()
        self._pages: list[AnyPage] = []
        self._workspace: Workspace | None = None  # loaded into every page, also those made later
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        # The title bar is easy to miss: the demo also says so inside the window.
        self.demo_banner = QLabel("DEMO PANEL: synthetic patients, not real data. Nothing here is about a real person.")
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAccessibleName("Demo panel notice")
        self.demo_banner.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.demo_banner)
        layout.addLayout(row, 1)
        if not pages_later:  # into the stack already in place: each page is made where it stays
            while self.build_next_page():
                pass

    @property
    def pages(self) -> list[AnyPage]:
        """Every page (built now if some were still to come)."""
        while self.build_next_page():
            pass
        return self._pages

    @property
    def pages_made(self) -> int:
        return len(self._pages)

    def build_next_page(self) -> bool:
        """Make the next page of PAGES; False when there was none left to make."""
        if len(self._pages) == len(PAGES):
            return False
        # Made inside the stack, addWidget does not move the page: a page built on its own and
        # then moved in had the style sheet applied a second time to all it holds (issue 14).
        page = PAGES[len(self._pages)](self.stack)
        self._pages.append(page)
        self.stack.addWidget(page)
        self.nav.addItem(page.title)
        # Explicit row height: the stylesheet's item padding is not in Qt's size hint,
        # so with several items the rows overlapped.
        item = self.nav.item(self.nav.count() - 1)
        item.setSizeHint(QSize(0, int(self.nav.fontMetrics().height() * 2.3)))
        if hasattr(page, "open_patient"):
            page.open_patient.connect(self.show_patient)
        # Ctrl+1, Ctrl+2 ... switch sections from anywhere in the unlocked view (testers asked).
        row_index = len(self._pages) - 1
        keys = QKeySequence(f"Ctrl+{row_index + 1}")
        item.setToolTip(f"{page.title} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(partial(self.go_to, row_index))
        width = max(self.nav.fontMetrics().horizontalAdvance(p.title) for p in self._pages)
        self.nav.setFixedWidth(width + 3 * self.nav.fontMetrics().height())
        if row_index == 0:
            self.nav.setCurrentRow(0)
        if self._workspace is not None:
            page.load(self._workspace)
        return True

    def page(self, cls: type[P]) -> P:
        made = next((p for p in self._pages if isinstance(p, cls)), None)
        return made if made is not None else next(p for p in self.pages if isinstance(p, cls))

    def load(self, workspace: Workspace, *, demo: bool = False) -> None:
        self.demo_banner.setVisible(demo)
        self.nav.setCurrentRow(0)  # home: today's queue (restore() may return to another page)
        self._workspace = workspace
        for page in self._pages:
            page.load(workspace)

    def show_page(self, cls: type[P]) -> P:
        page = self.page(cls)
        self.nav.setCurrentRow(self.pages.index(page))
        return page

    def go_to(self, row: int) -> None:
        """Show section `row` and put the keyboard in it: where the page says (focus_home), else
        its first focusable control."""
        self.nav.setCurrentRow(row)
        page = self.pages[row]
        home = getattr(page, "focus_home", None)
        if callable(home):
            home()
            return
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page:
            if page.isAncestorOf(widget) and widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()

    def show_patient(self, patient_id: int) -> None:
        """The full chart of one patient, on the Patients page."""
        from caredesk.ui.chart.patients_page import PatientsPage

        self.show_page(PatientsPage).select_patient(patient_id)

    def clear(self) -> None:
        self.demo_banner.hide()
        self._workspace = None
        for page in self._pages:
            page.clear()

    def selection(self) -> dict[str, Any]:
        """Ids only, kept in memory across a lock (never written to settings)."""
        return {"page": self.nav.currentRow(), **{p.title: p.selection() for p in self.pages}}

    def restore(self, selection: dict[str, Any]) -> None:
        self.nav.setCurrentRow(selection.get("page", 0))
        for page in self.pages:
            page.restore(selection.get(page.title))
