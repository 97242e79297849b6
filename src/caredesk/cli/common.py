"""What every CLI command shares: exit codes, the one-line failure, the shared options,
opening the store through the composition root."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from caredesk import secrets_input
from caredesk.app import AppContext
from caredesk.domain.checks import parse_date
from caredesk.domain.contacts import LONG_ENTRY_MINUTES, hours_text, is_long_entry
from caredesk.errors import ValidationError
from caredesk.paths import ENV_DATA_DIR
from caredesk.services import patients as patient_service
from caredesk.services.workspace import Workspace

EXIT_ERROR, EXIT_USAGE, EXIT_WRONG_SECRET, EXIT_NO_STORE = 1, 2, 3, 4
# Which is which (README "Command line", `caredesk --help`): 2 is the command line itself, what
# argparse reads (an option missing or unknown, a value that is not of the option's kind or
# outside the option's own bounds); 1 is a value read but refused by the record's rules, named
# by the field (a blank MRN or name, a birth date after today, 700 minutes, an outcome or an
# appointment kind that is none of its values, no such patient).
EXIT_CODES_HELP = (
    "exit codes: 0 done; 1 refused or failed: a value refused by the record's rules, naming the field "
    "(a blank MRN, a birth date after today, 700 minutes, not one of the values it takes, no patient "
    "with that MRN) or a fault; "
    "2 usage: an option missing or unknown, or a value that is not of the option's kind "
    "(a DATE, number or month that is none) or out of the option's own range; "
    "3 wrong passphrase or recovery code (or too many wrong tries); 4 no store in the folder."
)
DATE = "DATE"  # the metavar of every date option; the help explains it once (CliParser)
DATE_FORMATS = "MM/DD/YYYY or YYYY-MM-DD"

Command = Callable[[argparse.Namespace, AppContext], int]
# argparse's subparsers action has no public type.
Subparsers = Any


def fail(message: str, code: int) -> int:
    """One clear line on stderr; the exit code to return."""
    print(f"caredesk: {message}", file=sys.stderr)
    return code


def shared_options() -> tuple[CliParser, CliParser]:
    """(--data-dir, --passphrase-file) as parent parsers for every command."""
    common = CliParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"the data folder (default: ${ENV_DATA_DIR}, else the platform's user data folder)",
    )
    secret = CliParser(add_help=False)
    secret.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=f"read the passphrase from the first line of FILE (or set {secrets_input.ENV_PASSPHRASE}, meant for automation)",
    )
    return common, secret


def open_workspace(args: argparse.Namespace, context: AppContext, *, read_only: bool = False) -> Workspace:
    """Unlock the store: the remembered key when there is one and no passphrase was given.
    What the unlock found worth saying (failed attempts since the last one, a damaged audit
    log) goes to stderr as "caredesk: note: ..." lines; stdout stays the command's own.
    `read_only`: only to check the store (verify); nothing is written, not even the audit."""
    context.require_store()
    secret = secrets_input.passphrase(args.passphrase_file)
    ws = context.access.unlock_remembered(read_only=read_only) if secret is None else None
    if ws is None:
        secret = secret if secret is not None else secrets_input.require_passphrase(args.passphrase_file)
        ws = context.access.unlock(secret, read_only=read_only)
    for notice in context.access.notices:
        print(f"caredesk: note: {notice}", file=sys.stderr)
    return ws


def note_long_entry(minutes: int, entry_id: int | None) -> None:
    """A "caredesk: note:" on stderr for one entry of more than LONG_ENTRY_MINUTES (a typo, most
    often: 600 for 60), naming the correction; the app asks before saving it, a script cannot be
    asked. The entry is saved either way: the limit itself (600) is the service's refusal."""
    if not is_long_entry(minutes):
        return
    fix = f" If it is a typo: caredesk time correct {entry_id} --minutes M --reason TEXT." if entry_id else ""
    print(
        f"caredesk: note: {minutes} minutes ({hours_text(minutes)}) in one entry is more than "
        f"{LONG_ENTRY_MINUTES // 60} hours.{fix}",
        file=sys.stderr,
    )


def with_workspace(args: argparse.Namespace, context: AppContext, work: Callable[[Workspace], int]) -> int:
    """Unlock the store, run `work`, lock it again whatever happens; `work`'s exit code."""
    ws = open_workspace(args, context)
    try:
        return work(ws)
    finally:
        ws.lock()


def patient_id_of(ws: Workspace, args: argparse.Namespace) -> int:
    """The id of the patient `args.mrn` names (NotFound otherwise); `args.mrn` becomes the MRN
    as stored, not as typed, for what the command prints."""
    patient = patient_service.by_mrn(ws, args.mrn)
    assert patient.id is not None
    args.mrn = patient.mrn
    return patient.id


def print_json(value: object) -> None:
    """`value` as indented JSON on stdout (non-ASCII kept), then a newline."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    print()


def date_arg(field: str, value: date | str | None) -> date | None:
    """A date option's value, or None when absent. An option declared with metavar=DATE is
    already a date (CliParser parses it, a malformed one is a usage error, exit 2); text is
    parsed here, a ValidationError naming the option ("--on: 02/30/2026 is not a real
    calendar date")."""
    if value is None or isinstance(value, date):
        return value
    return parse_date(field, value)


def date_value(text: str) -> date:
    """argparse type of every DATE option: a malformed date is a usage error like a malformed
    number (README: exit 2), said in the same words as everywhere else."""
    try:
        return parse_date("date", text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


# argparse's own wording (CPython 3.11-3.13), turned into one line that names the option.
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.*)", re.DOTALL)
_INVALID_TYPE = re.compile(r"invalid (?P<type>\w+) value: (?P<value>.*)", re.DOTALL)
_INVALID_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", re.DOTALL)
_TYPE_WORDS = {"int": "a whole number", "float": "a number"}


class CliParser(argparse.ArgumentParser):
    """argparse with usage errors as one line on stderr naming the option, exit code 2
    ("caredesk: --minutes: must be a whole number, got 'abc'"; exit 1 for a value that is not one
    of an option's choices, see _code), and a help that says once how a DATE is written.
    Subparsers made from it are CliParsers too."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # Every DATE option, in groups and parents too, is parsed here (subparsers parse their
        # own arguments through this same method).
        for action in self._actions:
            if action.metavar == DATE and action.type is None:
                action.type = date_value
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        self.exit(self._code(message), f"caredesk: {self._one_line(message.replace(chr(10), ' '))}\n")

    @staticmethod
    def _code(message: str) -> int:
        """EXIT_USAGE, but EXIT_ERROR for an option's value that is not one of its choices: a value
        read but not one the record allows, as --outcome's and --program's are refused by the
        domain's rules (appt --kind dentist exited 2, log-contact --outcome maybe 1)."""
        found = _ARGUMENT.fullmatch(message)
        if found is not None and found["name"].startswith("--") and _INVALID_CHOICE.fullmatch(found["rest"]):
            return EXIT_ERROR
        return EXIT_USAGE

    def _one_line(self, message: str) -> str:
        found = _ARGUMENT.fullmatch(message)
        if found is None:  # missing or unknown arguments: the help has the whole usage
            return f"{message} (see {self.prog} --help)"
        name, rest = found["name"], found["rest"]
        if name in ("COMMAND", "ACTION") and (choice := _INVALID_CHOICE.fullmatch(rest)):
            return f"{choice['value']} is not a {self.prog} {name.lower()} (see {self.prog} --help)"
        if choice := _INVALID_CHOICE.fullmatch(rest):
            allowed = ", ".join(c.strip().strip("'") for c in choice["choices"].split(","))
            return f"{name}: must be one of: {allowed}; got {choice['value']}"
        if typed := _INVALID_TYPE.fullmatch(rest):
            return f"{name}: must be {_TYPE_WORDS.get(typed['type'], typed['type'])}, got {typed['value']}"
        return f"{name}: {rest}"

    def format_help(self) -> str:
        text = super().format_help()
        if any(action.metavar == DATE for action in self._actions):
            text += f"\n{DATE} is written {DATE_FORMATS}.\n"
        return text


def print_recovery_code(code: str) -> None:
    print("Recovery code (shown once; write it down or print it, and keep it away from this computer):")
    print(f"    {code}")


def confirm(prompt: str) -> bool | None:
    """Ask on the terminal (or read the answer piped in): True on yes, False on anything else,
    None when there is no answer to read (no standard input, or it ended). For commands that
    change the store after a preview (`caredesk import csv|fhir` without --yes)."""
    if sys.stdin is None or sys.stdin.closed:
        return None
    try:
        if sys.stdin.isatty():
            answer = input(prompt)
        else:
            print(prompt, end="", flush=True)
            answer = sys.stdin.readline()
            print()
            if not answer:
                return None
    except EOFError:
        print()
        return None
    return answer.strip().casefold() in ("y", "yes")
