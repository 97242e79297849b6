"""Which patient's call is being worked in a window, for forms elsewhere in it to ask about.

A tester ended a patient's CCM in the chart (End program, an end date before today) while
her call was worked in the queue's call panel, 10 min on its timer: nothing said so, and the
call could then no longer log its minutes (SPEC §3: minutes only within an enrollment). The
chart cannot import the queue (layers), so the call panel registers here and End program
asks `call_being_worked` (the same window's panels only: a second window is another user's).
"""

from __future__ import annotations

from typing import Protocol
from weakref import WeakSet

from PySide6.QtWidgets import QWidget


class WorksCalls(Protocol):
    def window(self) -> QWidget: ...

    def worked_minutes(self, patient_id: int) -> int | None:
        """The minutes of the call being worked for the patient (timer or typed), None when none is."""
        ...


_panels: WeakSet[WorksCalls] = WeakSet()  # Qt widgets are weak-referenceable: a closed window leaves it


def register(panel: WorksCalls) -> None:
    _panels.add(panel)


def call_being_worked(near: QWidget, patient_id: int) -> int | None:
    """The minutes of the patient's call being worked in `near`'s window (0 when it has none
    yet), or None when no call with the patient is being worked there."""
    window = near.window()
    while (owner := window.parentWidget()) is not None:  # a dialog is a window of its own: its owner's
        window = owner.window()
    for panel in list(_panels):
        try:
            if panel.window() is not window:
                continue
            minutes = panel.worked_minutes(patient_id)
        except RuntimeError:  # its C++ side deleted with its window
            continue
        if minutes is not None:
            return minutes
    return None
