"""What every CLI command shares: exit codes, the one-line failure, opening the store."""

from __future__ import annotations

import argparse
import sys

from caredesk import secrets_input
from caredesk.errors import StoreMissing
from caredesk.services.access import Access
from caredesk.services.workspace import Workspace
from caredesk.store.vault import DataFolder

EXIT_ERROR, EXIT_USAGE, EXIT_WRONG_SECRET, EXIT_NO_STORE = 1, 2, 3, 4


def _fail(message: str, code: int) -> int:
    print(f"caredesk: {message}", file=sys.stderr)
    return code


def _open(args: argparse.Namespace, folder: DataFolder) -> Workspace:
    access = Access(folder)
    if not access.has_store():
        folder.check()  # a clear message for a missing or unusable folder
        raise StoreMissing(f"No CareDesk store in {folder.path}. Run 'caredesk init' first.")
    secret = secrets_input.passphrase(args.passphrase_file)
    if secret is None:
        ws = access.unlock_remembered()
        if ws is not None:
            return ws
        secret = secrets_input.require_passphrase(args.passphrase_file)
    return access.unlock(secret)
