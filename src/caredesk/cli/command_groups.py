"""Which module declares each `caredesk` command, so that a call imports only its command's
module. `caredesk patients` has no use for the FHIR, CSV, backup, letter or referral services the
other commands' modules import at their top (~210 modules, ~0.2 s of a fresh call's ~0.6 s of
imports, measured with `python -X importtime`); cli.main imports every module only when it
needs every command's help line (`caredesk`, `caredesk --help`, an option before the command).

GROUPS: the command-group modules (caredesk.cli.NAME), in the order `caredesk --help` lists
their commands. GROUP_OF: each command's name -> its group's NAME, in the same order.
tests/cli/test_cli_imports.py checks both against what the modules declare, so a command added
to a module and not here fails there, not in a user's hands.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Protocol, cast

from caredesk.cli.common import Command, Subparsers


class Group(Protocol):
    """What a command-group module (cli/records.py ...) offers: its commands by name, and the
    declaration of their parsers."""

    COMMANDS: dict[str, Command]

    def add_parsers(
        self, sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser
    ) -> None: ...


GROUP_OF: dict[str, str] = {
    "init": "access",
    "demo": "access",
    "change-passphrase": "access",
    "recovery-code": "access",
    "verify": "access",
    "backup": "backup",
    "restore": "backup",
    "patients": "records",
    "queue": "work",
    "log-contact": "work",
    "report": "work",
    "capacity": "day_plan",
    "print-plan": "plans",
    "print-plans": "plans",
    "practice": "plans",
    "obs": "observations",
    "target": "observations",
    "condition": "clinical",
    "allergy": "clinical",
    "careteam": "clinical",
    "med": "clinical",
    "contacts": "contacts",
    "contact": "contacts",
    "time": "contacts",
    "patient": "patient",
    "enroll": "patient",
    "consent": "patient",
    "task": "coordination",
    "appt": "coordination",
    "stay": "coordination",
    "assess": "assess",
    "safety-check": "assess",
    "letter": "letters",
    "resources": "community",
    "refer": "community",
    "referral": "community",
    "referrals": "community",
    "rpm": "rpm",
    "summary": "ehr_summary",
    "export": "interop",
    "import": "interop",
}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(GROUP_OF.values()))


def load(group: str) -> Group:
    """The module caredesk.cli.`group` (one of GROUPS), imported now if not yet."""
    return cast(Group, importlib.import_module(f"caredesk.cli.{group}"))


def command(name: str) -> Command:
    """The function that runs command `name` (a key of GROUP_OF)."""
    return load(GROUP_OF[name]).COMMANDS[name]
