"""Backup and restore from a terminal: `caredesk backup --to DIR`, `caredesk restore FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caredesk import secrets_input
from caredesk.app import AppContext
from caredesk.cli.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    EXIT_WRONG_SECRET,
    Command,
    Subparsers,
    fail,
    open_workspace,
    print_recovery_code,
)
from caredesk.errors import CareDeskError, StoreError
from caredesk.services import backup as backups
from caredesk.services import recovery_kit, restore_facts
from caredesk.services.access import PendingKeyChange


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "backup",
        parents=[common, secret],
        help="write one encrypted, verified backup file into a folder (a USB drive, say) while CareDesk works",
    )
    s.add_argument("--to", metavar="DIR", required=True, help="the folder to write the backup file into")

    s = sub.add_parser(
        "restore",
        parents=[common, secret],
        help="put a backup back (checked first; the store it replaces is kept in the data folder)",
    )
    s.add_argument("file", metavar="FILE", help="the backup file (caredesk-backup-....cdbk)")
    s.add_argument(
        "--recovery-code-file",
        metavar="FILE",
        help="forgotten passphrase: open the backup with the recovery code in FILE and set a new passphrase "
        f"(--new-passphrase-file or {secrets_input.ENV_NEW_PASSPHRASE}); a new recovery code is printed",
    )
    s.add_argument(
        "--recovery-kit",
        metavar="FILE",
        help="with --recovery-code-file: also write the recovery kit with the NEW code, a PDF to print and keep "
        "away from the computer, to FILE (after the code is printed)",
    )
    s.add_argument(
        "--replace",
        action="store_true",
        help="replace the store in the data folder without asking (needed when no terminal can ask; "
        "the replaced store is kept in replaced-<date>/)",
    )
    s.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=f"with --recovery-code-file: read the new passphrase from FILE (or set {secrets_input.ENV_NEW_PASSPHRASE})",
    )


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def _print_rows(rows: dict[str, int]) -> None:
    width = max((len(t) for t in rows), default=0)
    for table, count in sorted(rows.items()):
        print(f"    {table:<{width}}  {count:>9,}")


def cmd_backup(args: argparse.Namespace, context: AppContext) -> int:
    target = Path(args.to).expanduser()
    backups.check_folder(target, context.data_dir)  # said before the passphrase is asked
    ws = open_workspace(args, context)
    try:
        made = backups.make_backup(ws, target)
    finally:
        ws.lock()
    print(f"Backup written: {made.path}")
    print(f"Size: {_size(made.size)}")
    print(
        "Verified: integrity_check ok, cipher_integrity_check ok, audit chain ok, "
        f"{sum(made.rows.values()):,} rows in {len(made.rows)} tables, each equal to the store:"
    )
    _print_rows(made.rows)
    return 0


def cmd_restore(args: argparse.Namespace, context: AppContext) -> int:
    """With --recovery-code-file the new recovery code is printed and flushed before it takes
    effect (issue 11 item 5): until then the backup's recovery code still opens the store, so a
    command that dies or whose output is lost in between leaves a store the typed code opens."""
    file = Path(args.file).expanduser()
    if args.recovery_kit and not args.recovery_code_file:
        return fail(
            "--recovery-kit: goes with --recovery-code-file (a restore with the passphrase keeps the code)", EXIT_USAGE
        )
    kit = Path(args.recovery_kit).expanduser() if args.recovery_kit else None
    if kit is not None:
        recovery_kit.check_kit_path(kit)  # before anything is read or replaced
    asking = context.has_store() and not args.replace
    if asking and not sys.stdin.isatty():
        return fail(
            f"the data folder {context.data_dir} holds a store, and the restore would replace it (kept in "
            "replaced-<date>/ there). Add --replace to go ahead; without a terminal CareDesk cannot ask.",
            EXIT_USAGE,
        )
    if args.recovery_code_file:
        code = secrets_input.recovery_code(args.recovery_code_file)
        new = secrets_input.new_passphrase(
            args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE, check=context.access.check_new_passphrase
        )
        replacing = restore_facts.what_is_replaced(context.access, file, recovery_code=code) if asking else None
        if replacing is not None and not _confirmed(replacing):
            return fail("nothing was restored; the store in the data folder is unchanged.", EXIT_ERROR)
        done = backups.restore_backup(
            context.folder, file, clock=context.clock, recovery_code=code, new_passphrase=new, access=context.access
        )
    else:
        passphrase = secrets_input.require_passphrase(
            args.passphrase_file, prompt="Passphrase the store had when the backup was made: "
        )
        replacing = restore_facts.what_is_replaced(context.access, file, passphrase=passphrase) if asking else None
        if replacing is not None and not _confirmed(replacing):
            return fail("nothing was restored; the store in the data folder is unchanged.", EXIT_ERROR)
        done = backups.restore_backup(context.folder, file, clock=context.clock, passphrase=passphrase)
    patients = done.rows.get("patients", 0)
    print(
        f"Restored the backup made {done.made_on} into {context.data_dir}: {patients:,} patient{'' if patients == 1 else 's'}, "
        f"{sum(done.rows.values()):,} rows in {len(done.rows)} tables, each checked against the backup."
    )
    if done.replaced is not None:
        print(restore_facts.replaced_line(done.replaced, replacing))
    if done.pending is None:
        print(restore_facts.secrets_line(done.made_on))
    if done.waiting is not None:
        return fail(
            f"{done.waiting} The passphrase was not changed: the restored store opens with the backup's "
            "passphrase and recovery code; run 'caredesk change-passphrase --recovery-code-file' after the wait.",
            EXIT_WRONG_SECRET,
        )
    for notice in context.access.notices:  # what opening the restored store found (failed tries)
        print(f"caredesk: note: {notice}", file=sys.stderr)
    if done.pending is not None:
        return _reset(done.pending, kit)
    return 0


def _confirmed(replacing: restore_facts.Replacing) -> bool:
    """Say what the restore replaces and ask on the terminal; True on yes (EOF is no)."""
    print(replacing.sentence())
    print("The restore replaces it; it is kept, unchanged, in a replaced-<date> folder in the data folder.")
    try:
        answer = input("Replace it? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _reset(pending: PendingKeyChange, kit: Path | None) -> int:
    """Print and flush the new code, then put it and the new passphrase in effect; then the
    recovery kit, if asked for (a kit that cannot be written leaves the printed code standing)."""
    try:
        print("Your NEW recovery code (the backup's recovery code stops working now):")
        print_recovery_code(pending.recovery_code)
        sys.stdout.flush()  # on the terminal (or in the pipe) before the key file changes
        try:
            pending.commit()
        except StoreError as exc:
            return fail(
                f"{exc} The new recovery code printed above was not put in effect: the restored store opens "
                "with the backup's passphrase and recovery code.",
                EXIT_ERROR,
            )
        print("Passphrase set. The backup's old recovery code no longer opens the restored store.")
        if kit is None:
            return 0
        try:
            recovery_kit.save_kit(kit, recovery_kit.kit_pdf(pending.workspace, pending.recovery_code))
        except CareDeskError as exc:
            return fail(f"{exc} The recovery code printed above is in effect; write it down instead.", EXIT_ERROR)
        print(f"Recovery kit written to {kit} (print it, keep it away from this computer, then delete the file).")
        return 0
    finally:
        pending.workspace.lock()


COMMANDS: dict[str, Command] = {"backup": cmd_backup, "restore": cmd_restore}
