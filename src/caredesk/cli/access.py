"""Getting into the store from a terminal: init, demo, change-passphrase, verify."""

from __future__ import annotations

import argparse

from caredesk import logs, secrets_input
from caredesk.app import AppContext
from caredesk.cli.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    Command,
    Subparsers,
    fail,
    open_workspace,
    print_recovery_code,
)
from caredesk.services import patients as patient_records


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser("init", parents=[common, secret], help="create a new encrypted store")
    s.add_argument(
        "--remember", action="store_true", help="remember the key in the OS keyring (if a secure one exists)"
    )

    s = sub.add_parser("demo", parents=[common, secret], help="create a new store holding a synthetic demo panel")
    s.add_argument("--patients", type=int, default=170, help="number of synthetic patients (default 170)")
    s.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same panel")
    s.add_argument("--years", type=int, default=1, help="years of contact history (default 1)")

    s = sub.add_parser(
        "change-passphrase", parents=[common, secret], help="set a new passphrase (the database is not re-encrypted)"
    )
    s.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=f"read the new passphrase from FILE (or set {secrets_input.ENV_NEW_PASSPHRASE})",
    )
    s.add_argument(
        "--recovery-code-file",
        metavar="FILE",
        help="forgotten passphrase: unlock with the recovery code in FILE instead (a new recovery code is printed)",
    )

    sub.add_parser("verify", parents=[common, secret], help="check the database, its encryption and the audit chain")


def cmd_init(args: argparse.Namespace, context: AppContext) -> int:
    if context.has_store():
        return fail(f"A CareDesk store already exists in {context.data_dir}; it was left untouched.", EXIT_ERROR)
    passphrase = secrets_input.new_passphrase(args.passphrase_file, secrets_input.ENV_PASSPHRASE, "passphrase")
    ws, code = context.access.create(passphrase)
    try:
        remembered = args.remember and ws.remember_key()
    finally:
        ws.lock()
    logs.configure(context.logs_dir)
    print(f"Created an encrypted CareDesk store in {context.data_dir}")
    print_recovery_code(code)
    if args.remember:
        print(
            "Key remembered on this computer."
            if remembered
            else "No secure keyring here: the passphrase will be asked each time."
        )
    return 0


def cmd_demo(args: argparse.Namespace, context: AppContext) -> int:
    if not 1 <= args.patients <= 20000:
        return fail("--patients must be between 1 and 20000", EXIT_USAGE)
    if not 1 <= args.years <= 10:
        return fail("--years must be between 1 and 10", EXIT_USAGE)
    if context.has_store():
        return fail(
            f"A CareDesk store already exists in {context.data_dir}; demo data goes only into a new folder.",
            EXIT_ERROR,
        )
    passphrase = secrets_input.new_passphrase(args.passphrase_file, secrets_input.ENV_PASSPHRASE, "passphrase")
    ws, code = context.create_demo(passphrase, patients=args.patients, seed=args.seed, years=args.years)
    try:
        count = len(patient_records.patient_list(ws))
    finally:
        ws.lock()
    print(f"Created a demo store with {count} synthetic patients in {context.data_dir}")
    print_recovery_code(code)
    return 0


def cmd_change_passphrase(args: argparse.Namespace, context: AppContext) -> int:
    context.require_store()
    if args.recovery_code_file:
        code = secrets_input.recovery_code(args.recovery_code_file)
        new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE)
        ws, new_code = context.access.recover(code, new)
        ws.lock()
        print("Passphrase reset with the recovery code. The old recovery code no longer works.")
        print_recovery_code(new_code)
        return 0
    old = secrets_input.require_passphrase(args.passphrase_file, prompt="Current passphrase: ")
    new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE)
    context.access.change_passphrase(old, new)
    print("Passphrase changed. The recovery code is unchanged.")
    return 0


def cmd_verify(args: argparse.Namespace, context: AppContext) -> int:
    ws = open_workspace(args, context)
    try:
        problems = ws.verify()
        events = ws.audit_count()
    finally:
        ws.lock()
    if problems:
        for p in problems:
            print(f"problem: {p}")
        return fail(f"{len(problems)} problem(s) found", EXIT_ERROR)
    print("database integrity (integrity_check): ok")
    print("encrypted pages (cipher_integrity_check): ok")
    print(f"audit chain: ok ({events} events)")
    return 0


COMMANDS: dict[str, Command] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "change-passphrase": cmd_change_passphrase,
    "verify": cmd_verify,
}
