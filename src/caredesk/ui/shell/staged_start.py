"""The main window's staged start (issue 14): the unlocked view is made after the first paint.

At program start (`preload=True`) the window paints its unlock page with only Qt and the
unlock panel loaded; then a thread imports the database layer and the pages' modules
(caredesk.ui.shell.preload) and the pages are built one per event-loop turn while the user
types. An unlock that comes first shows "Opening your panel" and waits for them. Without a
preload (tests, tools) the view and every page are made at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from caredesk.ui.shell.preload import Preloader

# The pages and what they bring (the database layer) load after the first paint.
if TYPE_CHECKING:
    from caredesk.services.workspace import Workspace
    from caredesk.ui.shell.main_window import MainWindow
    from caredesk.ui.shell.workspace_view import WorkspaceView


class StagedStart(QObject):
    """Makes `window`'s unlocked view, now or in stages after a preload (`begin`).

    `open_workspace(workspace, is_demo)` is called for an unlock that came before today's
    queue page was made, once it is; `show_opening()` shows "Opening your panel"."""

    def __init__(
        self,
        window: MainWindow,
        *,
        open_workspace: Callable[[Workspace, bool], None],
        show_opening: Callable[[], None],
    ):
        # Made before the window's menus, which ask whether there is a view yet.
        super().__init__(window)
        self.window = window
        self._open_workspace = open_workspace
        self._show_opening = show_opening
        self.view: WorkspaceView | None = None  # the unlocked view, once made
        self._waiting: tuple[Workspace, bool] | None = None  # unlocked before the pages were built
        self._try_keyring = False  # at start, once loaded: open with a remembered key
        self.preloader: Preloader | None = None  # None once every page is made
        self._opening = False  # today's queue page is made: an unlock can open the store
        self._stopped = False  # the window is shut down

    def begin(self, *, preload: bool) -> None:
        """`preload`: build the pages after the first paint (program start); otherwise now."""
        window = self.window
        self._opening = not preload
        if preload:
            self.preloader = Preloader(window)
            self.preloader.loaded.connect(self._build_view)
            window.unlock_panel.wait_for_loading = self.preloader.wait
        else:
            self.make_view(pages_later=False)

    @property
    def can_open(self) -> bool:
        """Today's queue page is made: an unlock may open the store now."""
        return self.view is not None and self._opening

    def wait_for(self, workspace: Workspace, is_demo: bool) -> None:
        """An unlock that came first: opened once today's queue page is made."""
        self._waiting = (workspace, is_demo)

    def make_view(self, *, pages_later: bool) -> WorkspaceView:
        if self.preloader is not None and not pages_later:  # every page now: every module first
            self.preloader.wait()
        from caredesk.ui.shell.workspace_view import WorkspaceView

        # Made inside the window's stack: made apart and then added, a view whose pages were made
        # already (pages_later=False) had the style sheet applied again to all they hold, ~15 ms.
        view = self.view = WorkspaceView(self.window.stack, pages_later=pages_later)
        self.window.stack.addWidget(view)
        return view

    def painted(self) -> None:
        """After the window's paint: the preload starts once the first frame is out."""
        if self.preloader is not None and not self.preloader.started:
            QTimer.singleShot(0, self.preloader.start)

    def start_panel(self) -> None:
        """First page at program start: a remembered key opens the store at once (after the
        preload: meanwhile "Opening your panel" shows if the last unlock remembered the key,
        otherwise the passphrase page, which the user can type into)."""
        panel = self.window.unlock_panel
        if self.preloader is None:
            panel.start(try_keyring=True)
        else:
            panel.start(try_keyring=False)
            self._try_keyring = panel.currentWidget() is panel.unlock
            if self._try_keyring and self.window.settings.key_remembered:
                self._show_opening()

    def shutdown(self) -> None:
        self._stopped = True  # the window is closing: no more pages are made
        if self.preloader is not None:
            self.preloader.wait()  # its imports end before the interpreter does

    def _build_view(self) -> None:
        """The unlocked view: its pages, one per event-loop turn after a preload (each a short
        stall, not all of them at once); once the first (today's queue) is made, a remembered
        key or a waiting unlock goes on, and the later pages load as they are made."""
        view = self.view or self.make_view(pages_later=True)
        self.window.unlock_panel.wait_for_loading = None
        self.window.unlock_panel.check_keyring()

        preloader = self.preloader
        assert preloader is not None

        # Each later step is timed with this object as context: a window closed and deleted
        # while its pages were still being made cancels them (a step ran on the deleted view).
        def next_step() -> None:
            if self._stopped:
                return
            if view.pages_made and not preloader.done:  # the later pages' modules are still loading
                QTimer.singleShot(20, self, next_step)
                return
            if not view.build_next_page():
                self.preloader = None
                if not self._opening:  # something asked for the view first: every page was made then
                    self._opening = True
                    self._view_ready()
                return
            if not self._opening:  # today's queue is made: an unlock may open it now
                self._opening = True
                self._view_ready()
            from caredesk.ui.queue.page import QueuePage

            queue = view.page(QueuePage)
            if self.window.workspace is not None and queue.loading:
                # today's queue is being built: the other pages are made once it is on screen
                queue.ready.connect(
                    lambda: QTimer.singleShot(0, self, next_step), Qt.ConnectionType.SingleShotConnection
                )
            else:
                QTimer.singleShot(0, self, next_step)

        QTimer.singleShot(0, self, next_step)

    def _view_ready(self) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._open_workspace(*waiting)
        elif self._try_keyring:
            self._try_keyring = False
            panel = self.window.unlock_panel
            # Only where nothing was started meanwhile: a typed passphrase or another page wins.
            idle = panel.currentWidget() in (panel.unlock, panel.busy) and not panel.tasks.busy
            if idle and not panel.try_remembered() and panel.currentWidget() is panel.busy:
                panel.show_unlock()
