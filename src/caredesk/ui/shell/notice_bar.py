"""What an unlock found, said above the workspace: a bar the care manager sees and dismisses,
never a box that blocks the morning's calls.

services.access.Access after an unlock (passphrase, keyring, recovery code, restore) says
what it found, typed: `attempts` ("6 failed unlock attempts since 11/24 10:30"), `audit_problems`
(the end of the audit log does not match its anchor: "the newest 3 events were removed") and
`disk_full` (the store opened on a full disk: it can be read and backed up, not saved to); the
CLI prints the same as "caredesk: note: ...". Failed attempts are a warning (someone may have
tried the passphrase); an audit problem is serious (the store was altered or damaged by
someone holding its key), so the bar turns red and says what to do: restore from a backup and
tell the practice's IT. The bar stays until dismissed or the store is locked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.ui.common import theme
from caredesk.ui.common.forms import button

if TYPE_CHECKING:
    from caredesk.services.access import Access

AUDIT_ADVICE = (
    "The audit log does not match what CareDesk recorded: someone may have altered this store, or it is "
    "damaged. Restore from your last backup (File > Restore from backup…) and tell your practice's IT."
)
FAILURE_ADVICE = "If that was not you, tell your practice's IT."


def notice_lines(found: Access | None) -> tuple[list[str], bool]:
    """(lines to show, serious): what the unlock `found`, with what to do about it; serious when
    the audit log has a problem. [] when there is nothing to say (or nothing was unlocked)."""
    if found is None:
        return [], False
    from caredesk.services.access import DISK_FULL_NOTICE  # loaded with the store, after the first paint

    lines = [f"{found.attempts}. {FAILURE_ADVICE}"] if found.attempts else []
    if found.disk_full:
        lines.append(DISK_FULL_NOTICE)
    if found.audit_problems:
        lines = [AUDIT_ADVICE, *(f"Audit log: {p}." for p in found.audit_problems), *lines]
    return lines, bool(found.audit_problems)


class NoticeBar(QFrame):
    """A warning bar (red for audit problems) with a Dismiss button; hidden while empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notices")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Notice")
        self.dismiss_button = button("&Dismiss", "Dismiss the notice")
        self.dismiss_button.setAutoDefault(False)
        self.dismiss_button.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        column = QVBoxLayout()
        column.addWidget(self.text)
        row.addLayout(column, 1)
        row.addWidget(self.dismiss_button)
        self.serious = False
        self.hide()

    def show_notices(self, found: Access | None) -> None:
        """What the unlock `found` (None: nothing to say, the demo)."""
        lines, self.serious = notice_lines(found)
        if not lines:
            self.clear()
            return
        text = "\n".join(lines)
        self.text.setText(text)
        self.text.setAccessibleDescription(text)
        theme.set_role(self, "serious" if self.serious else "warning")
        self.show()

    def clear(self) -> None:
        self.text.clear()
        self.text.setAccessibleDescription("")
        self.serious = False
        self.hide()
