"""The recovery kit: a printable PDF of a recovery code, for the moment the code is shown.

The code itself is kept nowhere readable (only the key it wraps), so a kit is made only
while a new code is on screen: at store creation, after a reset with the recovery code,
or with a new code made from the passphrase (services.access). No patient data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from caredesk.errors import ValidationError
from caredesk.services.files import refusal, write_atomic

if TYPE_CHECKING:  # annotations only: the unlock page imports this module before its first paint (issue 14)
    from caredesk.services.workspace import Workspace

SUGGESTED_NAME = "CareDesk recovery kit.pdf"


def kit_pdf(ws: Workspace, code: str) -> bytes:
    """The kit for `code` as PDF bytes: the store's data folder, the clinic's date today."""
    from caredesk.pdf.recovery_kit import render_recovery_kit  # reportlab loads on first use

    return render_recovery_kit(code, str(ws.folder_path), ws.today())


def check_kit_path(path: Path) -> None:
    """Before a code is made: refuse a kit path that cannot be written (CareDeskError naming it),
    so `init --recovery-kit` and `recovery-code --new` fail before they change anything."""
    if path.is_dir():
        raise ValidationError("--recovery-kit", f"{path} is a folder; name the PDF file to write")
    if (reason := refusal(path)) is not None:  # a fifo, a device, "-"
        raise ValidationError("--recovery-kit", reason if str(path) == "-" else f"{path} {reason.removeprefix('it ')}")
    if not path.parent.is_dir():
        raise ValidationError("--recovery-kit", f"the folder {path.parent} does not exist")


def save_kit(path: Path, pdf: bytes) -> None:
    """Write the kit whole or not at all; readable by this user only (it holds the code).
    CareDeskError naming the file when it cannot be written."""
    write_atomic(path, pdf)
