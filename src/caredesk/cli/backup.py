"""Backup and restore from a terminal: `caredesk backup --to DIR`, `caredesk restore FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from caredesk import secrets_input
from caredesk.app import AppContext
from caredesk.cli.common import Command, Subparsers, open_workspace, print_recovery_code
from caredesk.services import backup as backups


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
    backups.check_folder(target)  # an unplugged drive is said before the passphrase is asked
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
    file = Path(args.file).expanduser()
    if args.recovery_code_file:
        code = secrets_input.recovery_code(args.recovery_code_file)
        new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE)
        done = backups.restore_backup(context.folder, file, clock=context.clock, recovery_code=code, new_passphrase=new)
    else:
        passphrase = secrets_input.require_passphrase(
            args.passphrase_file, prompt="Passphrase the store had when the backup was made: "
        )
        done = backups.restore_backup(context.folder, file, clock=context.clock, passphrase=passphrase)
    patients = done.rows.get("patients", 0)
    print(
        f"Restored the backup made {done.made_on} into {context.data_dir}: {patients:,} patients, "
        f"{sum(done.rows.values()):,} rows in {len(done.rows)} tables, each checked against the backup."
    )
    if done.replaced is not None:
        print(f"The store it replaced is kept, unchanged, in {done.replaced} (delete it once you have checked).")
    if done.new_recovery_code is not None:
        print("Passphrase set. The backup's old recovery code no longer opens the restored store.")
        print_recovery_code(done.new_recovery_code)
    return 0


COMMANDS: dict[str, Command] = {"backup": cmd_backup, "restore": cmd_restore}
