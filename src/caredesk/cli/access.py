"""Getting into the store from a terminal: init, demo, change-passphrase, recovery-code, verify.

A recovery code is printed and flushed before anything that can fail and before the old
code stops working (issue 11): `init` prints it before the recovery kit is written and the
keyring is asked; a reset or a new code prints it before the key file is rewritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
from caredesk.domain import zones
from caredesk.errors import CareDeskError, StoreError, TooManyAttempts, ValidationError, WrongSecret
from caredesk.services import patients as patient_records
from caredesk.services import recovery_kit
from caredesk.services.workspace import Workspace

KIT_HELP = "also write the recovery kit, a PDF to print and keep away from the computer, to FILE"


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser("init", parents=[common, secret], help="create a new encrypted store")
    s.add_argument(
        "--remember", action="store_true", help="remember the key in the OS keyring (if a secure one exists)"
    )
    s.add_argument("--recovery-kit", metavar="FILE", help=KIT_HELP)

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
    s.add_argument("--recovery-kit", metavar="FILE", help=KIT_HELP + " (with --recovery-code-file)")

    s = sub.add_parser(
        "recovery-code",
        parents=[common, secret],
        help="make a new recovery code (the old one stops working); the passphrase is required",
    )
    s.add_argument("--new", action="store_true", help="make the new code (CareDesk keeps no readable copy to show)")
    s.add_argument("--recovery-kit", metavar="FILE", help=KIT_HELP)

    sub.add_parser("verify", parents=[common, secret], help="check the database, its encryption and the audit chain")


def _kit_path(args: argparse.Namespace) -> Path | None:
    """--recovery-kit FILE, checked before any code is made (nothing changes when it is wrong)."""
    if not args.recovery_kit:
        return None
    path = Path(args.recovery_kit)
    recovery_kit.check_kit_path(path)
    return path


def _show_code(code: str) -> None:
    print_recovery_code(code)
    sys.stdout.flush()  # on the terminal (or in the pipe) before anything else can fail


def _write_kit(ws: Workspace, code: str, path: Path | None) -> int:
    """Write the kit after the code is printed and in effect; a failure says the code stands."""
    if path is None:
        return 0
    try:
        recovery_kit.save_kit(path, recovery_kit.kit_pdf(ws, code))
    except CareDeskError as exc:
        return fail(f"{exc} The recovery code printed above is in effect; write it down instead.", EXIT_ERROR)
    print(f"Recovery kit written to {path} (print it, keep it away from this computer, then delete the file).")
    return 0


def cmd_init(args: argparse.Namespace, context: AppContext) -> int:
    if context.has_store():
        return fail(f"A CareDesk store already exists in {context.data_dir}; it was left untouched.", EXIT_ERROR)
    context.check_can_create()  # a folder that cannot be written is refused before the passphrase is asked
    kit = _kit_path(args)
    passphrase = secrets_input.new_passphrase(
        args.passphrase_file, secrets_input.ENV_PASSPHRASE, "passphrase", context.access.check_new_passphrase
    )
    ws, code = context.access.create(passphrase)
    try:
        logs.configure(context.logs_dir)
        print(f"Created an encrypted CareDesk store in {context.data_dir}")
        print(_zone_line(ws))
        _show_code(code)
        status = _write_kit(ws, code, kit)
        if args.remember:
            # Asked only now: a keyring that hangs or fails cannot hide the code (issue 11).
            print(
                "Key remembered on this computer."
                if ws.remember_key()
                else "No secure keyring here: the passphrase will be asked each time."
            )
    finally:
        ws.lock()
    return status


def _zone_line(ws: Workspace) -> str:
    """Which zone the store's dates follow: a store made where no time-zone database exists
    (issue 14) follows UTC, which the user should hear rather than find in the dates."""
    if zones.have_database():
        return f"Dates follow the time zone {ws.tz}."
    return f"Dates follow the time zone {ws.tz}: this computer has no time-zone database to read its own zone from."


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
    context.check_can_create()
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
        kit = _kit_path(args)
        code = secrets_input.recovery_code(args.recovery_code_file)
        new = secrets_input.new_passphrase(
            args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE, check=context.access.check_new_passphrase
        )

        shown: list[str] = []

        def show(new_code: str) -> None:
            print("Your NEW recovery code (the one you typed stops working now):")
            _show_code(new_code)
            shown.append(new_code)

        try:
            ws, new_code = context.access.recover(code, new, show_code=show)
        except (WrongSecret, TooManyAttempts):
            raise  # no new code was made: exit 3, as for any wrong secret
        except StoreError as exc:
            # Only a code that was printed can be "not put in effect" (a tester saw that said of none).
            return _not_in_effect(exc) if shown else fail(str(exc), EXIT_ERROR)
        try:
            print("Passphrase reset with the recovery code. The old recovery code no longer works.")
            return _write_kit(ws, new_code, kit)
        finally:
            ws.lock()
    if args.recovery_kit:
        return fail(
            "--recovery-kit: goes with --recovery-code-file (a plain passphrase change keeps the code)", EXIT_USAGE
        )
    old = secrets_input.require_passphrase(args.passphrase_file, prompt="Current passphrase: ")
    new = secrets_input.new_passphrase(
        args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE, check=context.access.check_new_passphrase
    )
    try:
        context.access.change_passphrase(old, new)
    except ValidationError as exc:  # built on the practice's name, say: known once the store is open
        raise secrets_input.refused(
            exc, "new passphrase", args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE
        ) from None
    print("Passphrase changed. The recovery code is unchanged.")
    return 0


def _not_in_effect(exc: StoreError) -> int:
    return fail(f"{exc} The new recovery code printed above was not put in effect.", EXIT_ERROR)


def cmd_recovery_code(args: argparse.Namespace, context: AppContext) -> int:
    """A new recovery code from the passphrase (never the remembered key: a way in is handed
    out only to someone who knows the passphrase)."""
    if not args.new:
        return fail(
            "--new: needed; CareDesk keeps no readable copy of the recovery code, so it can only make a new one",
            EXIT_USAGE,
        )
    context.require_store()
    kit = _kit_path(args)
    passphrase = secrets_input.require_passphrase(args.passphrase_file)
    ws = context.access.unlock(passphrase)
    try:
        pending = context.access.begin_new_recovery_code(ws, passphrase)
        print("Your NEW recovery code (the old one stops working now):")
        _show_code(pending.recovery_code)
        try:
            pending.commit()
        except StoreError as exc:
            return _not_in_effect(exc)
        print("New recovery code in effect. The old recovery code no longer works; the passphrase is unchanged.")
        return _write_kit(ws, pending.recovery_code, kit)
    finally:
        ws.lock()


def cmd_verify(args: argparse.Namespace, context: AppContext) -> int:
    """Check the store read-only: a damaged page is reported as found, never hidden behind a
    failing audit write (a tester saw 'unexpected error (OperationalError)'); nothing is written.
    Fails (exit 1) on problems found now; what earlier unlocks found is listed with its date
    as an earlier finding and fails nothing once the anchor is sound (Workspace.verify)."""
    ws = open_workspace(args, context, read_only=True)
    try:
        problems = ws.verify()
        earlier = ws.earlier_findings()
        events = 0 if problems else ws.audit_count()
    finally:
        ws.lock()
    for p in problems:
        print(f"problem: {p}")
    for finding in earlier:
        print(f"earlier finding: audit log: {finding}")
    if ws.only_anchor_missing(problems):
        return fail(
            "The audit log's anchor file is missing; nothing else is wrong. If you copied the store's files "
            "yourself, open the store once (any command, or the app) and it is anchored again; if not, "
            "tell your practice's IT. Nothing was changed.",
            EXIT_ERROR,
        )
    if problems:
        return fail(
            f"{len(problems)} problem(s) found: the store is damaged or was altered. Restore the last backup "
            "(File > Restore from backup... in the app, or 'caredesk restore FILE'); nothing was changed.",
            EXIT_ERROR,
        )
    print("database integrity (integrity_check): ok")
    print("encrypted pages (cipher_integrity_check): ok")
    print(f"audit chain: ok ({events} events)")
    return 0


COMMANDS: dict[str, Command] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "change-passphrase": cmd_change_passphrase,
    "recovery-code": cmd_recovery_code,
    "verify": cmd_verify,
}
