"""The change hub: one signal every page listens to (Anki's "operation did execute").

A screen that calls a writing service publishes the `Changes` it got back; each page
refreshes only what it shows of those patients and kinds. Nothing re-reads the whole
store on show. Always emitted on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from caredesk.services.changes import Changes


class ChangeHub(QObject):
    changed = Signal(object, object)  # Changes, the publishing object (or None)

    def publish(self, changes: Changes, source: object = None) -> None:
        """Tell every page what a write changed; an empty change set is not sent.

        `source` lets the page that made the change skip what it has already shown.
        """
        if changes:
            self.changed.emit(changes, source)


_hub: ChangeHub | None = None


def hub() -> ChangeHub:
    """The application's one hub (created on first use, after the QApplication)."""
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub


def publish(changes: Changes, source: object = None) -> None:
    hub().publish(changes, source)
