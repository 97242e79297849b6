"""The question when a call's minutes fall on a day the patient is in no program.

Minutes are logged only within an enrollment (SPEC §3), so the service refuses them
(services.calls.NoProgramForMinutes). A tester whose patient's CCM was ended while her call
was worked found no way to save it but to set Minutes to 0 herself, the 10 real minutes
dropped without a word. This asks instead: "Save without minutes" (Alt+W) saves the outcome,
note and follow-up as the contact and says the minutes are not logged; Go back (the default,
Enter and Esc) keeps the form as it is, to correct the program's dates first.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from caredesk.domain.calendar import us_date
from caredesk.services.calls import NoProgramForMinutes
from caredesk.ui.common.message_box import go_ahead

TITLE = "No program for these minutes"
SAVE_WITHOUT = "Save &without minutes"


def save_without_minutes(parent: QWidget | None, refused: NoProgramForMinutes, what: str = "call") -> bool:
    """True when the care manager chose to save the `what` ("call", "contact") without its
    minutes; False for Go back (or the box closed by a lock)."""
    fix = refused.message.rsplit(", or ", 1)[-1]  # the service's own way out: "correct the program's end date"
    return go_ahead(
        parent,
        TITLE,
        f"The patient is not enrolled in a program on {us_date(refused.day)}: "
        f"{refused.minutes}\N{NO-BREAK SPACE}min cannot be logged for that day.",  # "10" never alone at a line's end
        SAVE_WITHOUT,
        QMessageBox.ButtonRole.AcceptRole,
        informative=(
            f"Save without minutes: the {what}'s outcome, note and follow-up are saved, "
            f"the {refused.minutes} min are not logged. Or go back and {fix} in the chart's Record tab."
        ),
    )
