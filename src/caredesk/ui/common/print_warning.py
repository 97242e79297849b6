"""A warning under a text field that prints on paper: the characters no PDF font has.

The screens show any script the system fonts cover; the PDFs carry their own fonts (DejaVu
Sans, Noto Sans Arabic and Hebrew, WenQuanYi Micro Hei: caredesk.pdf.fonts), which cover Latin,
Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese kana and Korean but not, say, Devanagari or
Thai (issue 12). What they lack is named as it is typed, before anything is saved, so the
care manager knows the patient's copy would show an empty box there. Nothing is refused.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from caredesk.pdf.script_text import unprintable
from caredesk.ui.common.forms import InlineMessage


def warning_text(label: str, text: str) -> str:
    """'' when every character of `text` prints, else a sentence naming the field and quoting the
    stretches of text that will not print (as typed: combining marks stay on their letters)."""
    missing = set(unprintable(text))
    if not missing:
        return ""
    stretches = dict.fromkeys(re.findall(f"[{re.escape(''.join(missing))}]+", text))  # in order, once each
    shown = ", ".join(f"“{s}”" for s in list(stretches)[:5]) + (", …" if len(stretches) > 5 else "")
    return f"{label}: {shown} will not print on the patient's copy or letters (no font for these characters)."


class PrintWarning(InlineMessage):
    """Shown under `field` while its text holds characters the PDFs cannot print; hidden otherwise."""

    def __init__(self, field: QLineEdit | QPlainTextEdit, label: str, parent: QWidget | None = None):
        super().__init__(f"{label}: characters that will not print", parent)
        self._field, self._label = field, label
        field.textChanged.connect(self.refresh)

    def refresh(self) -> None:
        field = self._field
        text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
        self.show_warning(warning_text(self._label, text))


def add_print_warning(form: QFormLayout, field: QLineEdit | QPlainTextEdit, label: str) -> PrintWarning:
    """A PrintWarning for `field` (already in `form`) in a row of its own just below the field's.

    The row spans the form's width and holds nothing else, so it takes no room while hidden."""
    warning = PrintWarning(field, label)
    position: Any = form.getWidgetPosition(field)  # (row, role); PySide6 types it as object
    form.insertRow(int(position[0]) + 1, warning)
    warning.refresh()  # a field filled before the warning was attached
    return warning
