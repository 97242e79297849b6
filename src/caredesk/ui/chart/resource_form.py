"""Add or edit one community resource: name, needs met, phone, address, hours, eligibility,
notes and (when editing) active (services.community; issue 10).

The needs are a checkable list (Space ticks the highlighted need). A refusal names its field
("Needs at least one is required", "Phone: 12 is not a phone number; type all 10 digits") and
nothing is saved. A resource is never deleted: unticking Active takes it out of searches and suggestions, and the
referrals naming it keep it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QListWidget, QListWidgetItem, QWidget

from caredesk.domain.community import CommunityResource, Need
from caredesk.services import community as directory
from caredesk.services.changes import Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.referral_dialogs import need_title, note_box
from caredesk.ui.chart.tab_parts import FormDialog, line


class NeedsList(QListWidget):
    """The six needs, each with a check box; Space ticks the highlighted one."""

    def __init__(self, chosen: tuple[Need, ...] = ()):
        super().__init__()
        self.setAccessibleName("Needs met")
        for n in Need:
            item = QListWidgetItem(need_title(n))
            item.setData(Qt.ItemDataRole.UserRole, n.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if n in chosen else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setCurrentRow(0)
        rows = self.sizeHintForRow(0) * self.count() + 2 * self.frameWidth()
        self.setFixedHeight(rows)

    def checked(self) -> list[Need]:
        return [
            Need(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() is Qt.CheckState.Checked
        ]


class ResourceDialog(FormDialog):
    """A new resource, or (given one) its correction."""

    def __init__(self, ws: Workspace, resource: CommunityResource | None = None, parent: QWidget | None = None):
        super().__init__("Edit community resource" if resource else "Add community resource", parent)
        self.ws, self.resource = ws, resource
        r = resource
        self.name = line("Name", "e.g. Riverside Food Pantry", r.name if r else "")
        self.needs = NeedsList(r.needs if r else ())
        self.phone = line("Phone", "e.g. (555) 010-2000", r.phone if r else "")
        self.address = line("Address", "street, city, ST ZIP", r.address if r else "")
        self.hours = line("Hours", "e.g. Mon-Fri 9-5", r.hours if r else "")
        self.eligibility = note_box("Eligibility", "who may use it: e.g. 60 and older, county residents")
        self.notes = note_box("Notes", "how to refer: fax, online form, contact person")
        if r is not None:
            self.eligibility.setPlainText(r.eligibility)
            self.notes.setPlainText(r.notes)
        self.active = QCheckBox("&Active (offered in referrals)")
        self.active.setAccessibleName("Active")
        self.active.setChecked(r.active if r else True)
        rows: list[tuple[str, QWidget, str]] = [
            ("&Name", self.name, "name"),
            ("Needs &met", self.needs, "needs"),
            ("&Phone", self.phone, "phone"),
            ("A&ddress", self.address, "address"),
            ("&Hours", self.hours, "hours"),
            ("&Eligibility", self.eligibility, "eligibility"),
            ("N&otes", self.notes, "notes"),
        ]
        if r is not None:
            rows.append(("", self.active, "active"))
        self.add_rows(rows)

    def save(self) -> Saved[Any]:
        texts = {
            "name": self.name.text(),
            "phone": self.phone.text(),
            "address": self.address.text(),
            "hours": self.hours.text(),
            "eligibility": self.eligibility.toPlainText(),
            "notes": self.notes.toPlainText(),
        }
        if self.resource is None:
            return directory.add_resource(self.ws, needs=self.needs.checked(), **texts)
        assert self.resource.id is not None
        return directory.change_resource(
            self.ws, self.resource.id, needs=self.needs.checked(), active=self.active.isChecked(), **texts
        )
