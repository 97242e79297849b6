"""What an unlock found, said above the workspace: a bar the care manager sees and dismisses,
never a box that blocks the morning's calls.

services.access.Access.notices after an unlock (passphrase, keyring, recovery code, restore)
holds lines such as "6 failed unlock attempts since 11/24 10:30" and, when the end of the
audit log does not match its anchor, "Audit log: the newest 3 events were removed." (the CLI
prints the same as "caredesk: note: ..."). Failed attempts are a warning (someone may have
tried the passphrase); an audit problem is serious (the store was altered or damaged by
someone holding its key), so the bar turns red and says what to do: restore from a backup and
tell the practice's IT. The bar stays until dismissed or the store is locked.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.ui.common import theme
from caredesk.ui.common.forms import button

AUDIT_PREFIX = "Audit log:"  # how services.access words an audit problem among the notices
AUDIT_ADVICE = (
    "The audit log does not match what CareDesk recorded: someone may have altered this store, or it is "
    "damaged. Restore from your last backup (File > Restore from backup…) and tell your practice's IT."
)
FAILURE_ADVICE = "If that was not you, tell your practice's IT."


def notice_lines(notices: list[str]) -> tuple[list[str], bool]:
    """(lines to show, serious): the notices with what to do about them; serious when any is
    an audit problem. [] when there is nothing to say."""
    audit = [n for n in notices if n.startswith(AUDIT_PREFIX)]
    others = [n for n in notices if not n.startswith(AUDIT_PREFIX)]
    lines = [f"{n}. {FAILURE_ADVICE}" if not n.endswith(".") else f"{n} {FAILURE_ADVICE}" for n in others]
    if audit:
        lines = [AUDIT_ADVICE, *audit, *lines]
    return lines, bool(audit)


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

    def show_notices(self, notices: list[str]) -> None:
        lines, self.serious = notice_lines(notices)
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
