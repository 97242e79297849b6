"""`caredesk`: headless commands over the same services as the GUI.

Every error a user can cause ends with one clear line on stderr and a non-zero exit:
1 for most errors, 2 for usage, 3 for a wrong passphrase or recovery code, 4 when
there is no store. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from caredesk import __version__, logs, secrets_input
from caredesk.cli import plans as cli_plans
from caredesk.cli import work as cli_work
from caredesk.cli.common import EXIT_ERROR, EXIT_NO_STORE, EXIT_USAGE, EXIT_WRONG_SECRET, _fail, _open
from caredesk.domain import audit as actions
from caredesk.domain.calendar import age_on
from caredesk.errors import CareDeskError, StoreMissing, WrongSecret
from caredesk.paths import ENV_DATA_DIR, resolve_data_dir
from caredesk.services import patients as patient_records
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder


def _parser() -> argparse.ArgumentParser:
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

    p = argparse.ArgumentParser(prog="caredesk", description="CareDesk: an offline, encrypted caseload manager.")
    p.add_argument("--version", action="version", version=f"caredesk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("init", parents=[common, secret], help="create a new encrypted store")
    s.add_argument(
        "--remember", action="store_true", help="remember the key in the OS keyring (if a secure one exists)"
    )

    s = sub.add_parser("demo", parents=[common, secret], help="create a new store holding a synthetic demo panel")
    s.add_argument("--patients", type=int, default=170, help="number of synthetic patients (default 170)")
    s.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same panel")
    s.add_argument("--years", type=int, default=1, help="years of contact history (default 1)")

    s = sub.add_parser("patients", parents=[common, secret], help="list the patients")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

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

    s = sub.add_parser("queue", parents=[common, secret], help="today's call queue, ranked, with reasons")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="the queue as of this date (default: today)")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")
    s.add_argument("--limit", type=int, metavar="N", help="only the first N patients")

    s = sub.add_parser("log-contact", parents=[common, secret], help="log a call (or other contact) and its minutes")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--outcome", required=True, help="reached, voicemail, no answer, wrong number or declined")
    s.add_argument("--minutes", required=True, type=int, help="whole minutes spent (0 for a quick attempt)")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="back-fill a call made on an earlier day (never a future one)")
    s.add_argument("--program", help="the program the minutes count for (default: the patient's main program)")
    s.add_argument("--note", default="", help="a short note")
    s.add_argument("--follow-up", metavar="YYYY-MM-DD", help="the next follow-up date")
    s.add_argument("--channel", default="phone", help="phone, video, home visit, portal or letter")
    s.add_argument("--staff", default="clinical staff", help="clinical staff (default) or physician/QHP")

    s = sub.add_parser("report", parents=[common, secret], help="reports")
    s.add_argument("report", choices=["billing"], help="which report")
    s.add_argument("--month", required=True, metavar="YYYY-MM", help="the calendar month")
    s.add_argument("--csv", metavar="FILE", help="write the report as CSV")
    s.add_argument("--pdf", metavar="FILE", help="write the report as PDF")
    cli_plans.add_parsers(sub, common, secret)
    sub.add_parser("gui", parents=[common], help="start the desktop app")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "gui":
        from caredesk.ui.shell.launch import main as gui_main

        return gui_main(["--data-dir", args.data_dir] if args.data_dir else [])
    folder = DataFolder(resolve_data_dir(args.data_dir))
    if folder.path.is_dir():
        logs.configure(folder.logs)
    try:
        return COMMANDS[args.command](args, folder)
    except WrongSecret as exc:
        return _fail(str(exc), EXIT_WRONG_SECRET)
    except StoreMissing as exc:
        return _fail(str(exc), EXIT_NO_STORE)
    except CareDeskError as exc:
        return _fail(str(exc), EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:
        logs.log_unexpected(exc)
        return _fail(f"unexpected error ({type(exc).__name__}); the log in the data folder has the details", EXIT_ERROR)


def _print_recovery_code(code: str) -> None:
    print("Recovery code (shown once; write it down or print it, and keep it away from this computer):")
    print(f"    {code}")


def cmd_init(args: argparse.Namespace, folder: DataFolder) -> int:
    if folder.has_store():
        return _fail(f"A CareDesk store already exists in {folder.path}; it was left untouched.", EXIT_ERROR)
    passphrase = secrets_input.new_passphrase(args.passphrase_file, secrets_input.ENV_PASSPHRASE, "passphrase")
    ws, code = Access(folder).create(passphrase)
    try:
        remembered = args.remember and ws.store.remember_key()
    finally:
        ws.lock()
    logs.configure(folder.logs)
    print(f"Created an encrypted CareDesk store in {folder.path}")
    _print_recovery_code(code)
    if args.remember:
        print(
            "Key remembered on this computer."
            if remembered
            else "No secure keyring here: the passphrase will be asked each time."
        )
    return 0


def cmd_demo(args: argparse.Namespace, folder: DataFolder) -> int:
    from caredesk.services.demo_store import create_demo_store

    if not 1 <= args.patients <= 20000:
        return _fail("--patients must be between 1 and 20000", EXIT_USAGE)
    if not 1 <= args.years <= 10:
        return _fail("--years must be between 1 and 10", EXIT_USAGE)
    if folder.has_store():
        return _fail(
            f"A CareDesk store already exists in {folder.path}; demo data goes only into a new folder.", EXIT_ERROR
        )
    passphrase = secrets_input.new_passphrase(args.passphrase_file, secrets_input.ENV_PASSPHRASE, "passphrase")
    ws, code = create_demo_store(folder, passphrase, patients=args.patients, seed=args.seed, years=args.years)
    try:
        count = len(patient_records.patient_list(ws))
    finally:
        ws.lock()
    print(f"Created a demo store with {count} synthetic patients in {folder.path}")
    _print_recovery_code(code)
    return 0


def cmd_patients(args: argparse.Namespace, folder: DataFolder) -> int:
    ws = _open(args, folder)
    try:
        today = ws.today()
        rows = patient_records.patient_list(ws)
        with ws.uow() as uow:
            uow.audit(
                actions.EXPORTED, "patient list", detail=f"{len(rows)} patients, {'json' if args.json else 'text'}"
            )
            uow.commit()
    finally:
        ws.lock()
    if args.json:
        out = [
            {
                "id": r.id,
                "mrn": r.mrn,
                "given_name": r.given_name,
                "family_name": r.family_name,
                "preferred_name": r.preferred_name,
                "birth_date": r.birth_date.isoformat(),
                "age": age_on(r.birth_date, today),
                "phones": list(r.phones),
                "status": r.status.value,
                "risk_tier": r.risk_tier.value,
                "programs": [p.value for p in r.programs],
                "last_contact": r.last_contact.isoformat() if r.last_contact else None,
                "minutes_this_month": r.minutes_this_month,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    header = f"{'MRN':<10} {'Name':<32} {'Age':>3}  {'Risk':<6} {'Programs':<18} {'Last contact':<12} {'Min':>4}"
    print(header)
    print("-" * len(header))
    for r in rows:
        programs = ", ".join(p.value for p in r.programs) or "-"
        last = r.last_contact.isoformat() if r.last_contact else "-"
        print(
            f"{r.mrn:<10} {r.display_name[:32]:<32} {age_on(r.birth_date, today):>3}  {r.risk_tier.value:<6} "
            f"{programs[:18]:<18} {last:<12} {r.minutes_this_month:>4}"
        )
    print(f"{len(rows)} patients")
    return 0


def cmd_change_passphrase(args: argparse.Namespace, folder: DataFolder) -> int:
    access = Access(folder)
    if not access.has_store():
        folder.check()
        raise StoreMissing(f"No CareDesk store in {folder.path}. Run 'caredesk init' first.")
    if args.recovery_code_file:
        code = secrets_input.recovery_code(args.recovery_code_file)
        new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE)
        ws, new_code = access.recover(code, new)
        ws.lock()
        print("Passphrase reset with the recovery code. The old recovery code no longer works.")
        _print_recovery_code(new_code)
        return 0
    old = secrets_input.require_passphrase(args.passphrase_file, prompt="Current passphrase: ")
    new = secrets_input.new_passphrase(args.new_passphrase_file, secrets_input.ENV_NEW_PASSPHRASE)
    access.change_passphrase(old, new)
    print("Passphrase changed. The recovery code is unchanged.")
    return 0


def cmd_verify(args: argparse.Namespace, folder: DataFolder) -> int:
    ws = _open(args, folder)
    try:
        problems = ws.verify()
        events = ws.audit_count()
    finally:
        ws.lock()
    if problems:
        for p in problems:
            print(f"problem: {p}")
        return _fail(f"{len(problems)} problem(s) found", EXIT_ERROR)
    print("database integrity (integrity_check): ok")
    print("encrypted pages (cipher_integrity_check): ok")
    print(f"audit chain: ok ({events} events)")
    return 0


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "patients": cmd_patients,
    "change-passphrase": cmd_change_passphrase,
    "verify": cmd_verify,
    "queue": cli_work.cmd_queue,
    "log-contact": cli_work.cmd_log_contact,
    "report": cli_work.cmd_report,
    "print-plan": cli_plans.cmd_print_plan,
    "print-plans": cli_plans.cmd_print_plans,
    "practice": cli_plans.cmd_practice,
}
