"""What every CLI command shares: exit codes, the one-line failure, the shared options,
opening the store through the composition root."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from caredesk import secrets_input
from caredesk.app import AppContext
from caredesk.domain.checks import parse_date
from caredesk.paths import ENV_DATA_DIR
from caredesk.services.workspace import Workspace

EXIT_ERROR, EXIT_USAGE, EXIT_WRONG_SECRET, EXIT_NO_STORE = 1, 2, 3, 4

Command = Callable[[argparse.Namespace, AppContext], int]
# argparse's subparsers action has no public type.
Subparsers = Any


def fail(message: str, code: int) -> int:
    """One clear line on stderr; the exit code to return."""
    print(f"caredesk: {message}", file=sys.stderr)
    return code


def shared_options() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """(--data-dir, --passphrase-file) as parent parsers for every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"the data folder (default: ${ENV_DATA_DIR}, else the platform's user data folder)",
    )
    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=f"read the passphrase from the first line of FILE (or set {secrets_input.ENV_PASSPHRASE}, meant for automation)",
    )
    return common, secret


def open_workspace(args: argparse.Namespace, context: AppContext) -> Workspace:
    """Unlock the store: the remembered key when there is one and no passphrase was given."""
    context.require_store()
    secret = secrets_input.passphrase(args.passphrase_file)
    if secret is None:
        ws = context.access.unlock_remembered()
        if ws is not None:
            return ws
        secret = secrets_input.require_passphrase(args.passphrase_file)
    return context.access.unlock(secret)


def date_arg(field: str, text: str | None) -> date | None:
    """A YYYY-MM-DD option, or None when absent; a ValidationError naming the option otherwise."""
    return None if text is None else parse_date(field, text)


def print_recovery_code(code: str) -> None:
    print("Recovery code (shown once; write it down or print it, and keep it away from this computer):")
    print(f"    {code}")
