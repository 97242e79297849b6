"""The CLI's care-plan printing: one patient's copy, or every patient's latest plan into a folder."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_ERROR, EXIT_USAGE, Command, Subparsers, fail, open_workspace
from caredesk.domain.calendar import us_date
from caredesk.domain.practice import PracticeProfile
from caredesk.services import patients as patient_records
from caredesk.services import plan_printing, practice

_BAR = 30


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    """The print commands' and the practice command's arguments."""
    s = sub.add_parser("print-plan", parents=[common, secret], help="write a patient's care plan as a PDF for them")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--out", required=True, metavar="FILE", help="the PDF file to write")
    s.add_argument("--large-print", action="store_true", help="16 pt body text for readers who need it")
    s.add_argument("--version", type=int, metavar="N", help="this finalized version (default: the latest)")

    s = sub.add_parser("print-plans", parents=[common, secret], help="write every patient's latest care plan as PDFs")
    s.add_argument("--out", required=True, metavar="DIR", help="the folder for the PDFs (<MRN>-v<N>.pdf)")
    s.add_argument("--due-only", action="store_true", help="only plans whose copy has not been given to the patient")
    s.add_argument("--large-print", action="store_true", help="16 pt body text")
    s.add_argument(
        "--leave-out",
        action="append",
        default=[],
        metavar="MRN",
        help="leave this patient's plan out of the batch (repeat for more), e.g. one whose review date has passed",
    )

    s = sub.add_parser(
        "practice",
        parents=[common, secret],
        help="show or set the care manager and practice named on patients' care plans",
    )
    for flag, field, what in PRACTICE_OPTIONS:
        s.add_argument(flag, dest=field, metavar="TEXT", help=f"{what} ('' clears it)")


PRACTICE_OPTIONS = (
    ("--name", "care_manager_name", "your name, as patients know you"),
    ("--credentials", "care_manager_credentials", "e.g. RN, LCSW"),
    ("--phone", "care_manager_phone", "your direct line"),
    ("--practice", "practice_name", "the practice's name"),
    ("--practice-phone", "practice_phone", "the practice's main number"),
    ("--after-hours", "after_hours_phone", "the after-hours line"),
    ("--address", "practice_address", "the practice's mailing address on letters: street, city, ST ZIP"),
    ("--hours", "office_hours", "when the office answers the phone, e.g. 'Monday to Friday, 8 am to 5 pm'"),
)


def cmd_practice(args: argparse.Namespace, context: AppContext) -> int:
    changes = {
        field: getattr(args, field) for _flag, field, _what in PRACTICE_OPTIONS if getattr(args, field) is not None
    }
    ws = open_workspace(args, context)
    try:
        profile = practice.get_profile(ws)
        if changes:
            profile = PracticeProfile(**{**profile.as_dict(), **changes})  # checked whole, saved whole
            practice.save_profile(ws, profile)
    finally:
        ws.lock()
    if changes:
        print("Saved.")
    for flag, field, _what in PRACTICE_OPTIONS:
        print(f"{flag[2:]:<15} {getattr(profile, field) or '-'}")
    return 0


def cmd_print_plan(args: argparse.Namespace, context: AppContext) -> int:
    if args.version is not None and args.version < 1:
        return fail("--version must be 1 or more", EXIT_USAGE)
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"The folder {out.parent} does not exist.", EXIT_ERROR)
    if out.is_dir():
        return fail(f"{out} is a folder; give a file name for the PDF.", EXIT_ERROR)
    ws = open_workspace(args, context)
    try:
        version = plan_printing.version_for(ws, args.mrn, args.version)
        plan_printing.save(ws, version, out, large_print=args.large_print)
    finally:
        ws.lock()
    print(
        f"Care plan version {version.number} for MRN {args.mrn.strip()} written to {out}"
        + (" (large print)." if args.large_print else ".")
    )
    return 0


def cmd_print_plans(args: argparse.Namespace, context: AppContext) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return fail(f"{out} is a file, not a folder.", EXIT_ERROR)
    if not out.parent.is_dir():
        return fail(f"The folder {out.parent} does not exist.", EXIT_ERROR)
    ws = open_workspace(args, context)
    try:
        patient_count = len(patient_records.patient_list(ws))
        every = plan_printing.latest_copies(ws)
        chosen = plan_printing.leave_out(plan_printing.due_copies(ws) if args.due_only else every, args.leave_out)
        today = ws.today()
        bar = _Progress(len(chosen)) if sys.stderr.isatty() else None
        outcome = plan_printing.print_batch(
            ws,
            chosen,
            plan_printing.folder_sender(out),
            "saved as PDF",
            large_print=args.large_print,
            progress=(lambda done, _total: bar.show(done)) if bar else None,
        )
        if bar is not None:
            bar.finish()
    finally:
        ws.lock()
    for line in outcome.skipped_lines():  # one patient's copy that failed never stops the rest
        print(line, file=sys.stderr)
    if outcome.error is not None:
        return fail(f"Stopped after {len(outcome.sent)} of {outcome.total} care plans. {outcome.error}", EXIT_ERROR)
    plans = "care plan" if len(outcome.sent) == 1 else "care plans"
    what = f"{plans} not yet given" if args.due_only else plans
    print(
        f"Printed {len(outcome.sent)} {what} to {out} "
        f"({patient_count} patient{'' if patient_count == 1 else 's'}, "
        f"{patient_count - len(every)} without a finalized plan)."
    )
    if args.leave_out:
        print(f"Left out as asked: MRN {', '.join(m.strip() for m in args.leave_out)}.")
    _warn_review_passed(outcome.sent, today)
    if outcome.skipped:
        n = len(outcome.skipped)
        return fail(f"{n} care plan{'' if n == 1 else 's'} could not be printed (listed above).", EXIT_ERROR)
    return 0


def _warn_review_passed(sent: list[plan_printing.DueCopy], today: date) -> None:
    """A list of the plans printed whose review date has passed: each still tells the patient
    'we will go over this plan with you again by <date>' (issue 12)."""
    late = [(c, day) for c in sent if (day := plan_printing.review_passed(c, today)) is not None]
    if not late:
        return
    print(
        f"The review date has passed on {len(late)} of these plans, and each still tells the patient when "
        "we will go over it again. Review it before it goes out, or hold it back (print again with --leave-out MRN):"
    )
    for copy, day in late:
        print(f"  MRN {copy.mrn}, version {copy.version.number}: review by {us_date(day)}")


class _Progress:
    """'\\r[#####-----] 12/40' on stderr, on a terminal only."""

    def __init__(self, total: int):
        self.total = total

    def show(self, done: int) -> None:
        filled = _BAR * done // self.total if self.total else _BAR
        sys.stderr.write(f"\r[{'#' * filled}{'-' * (_BAR - filled)}] {done}/{self.total}")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


COMMANDS: dict[str, Command] = {
    "print-plan": cmd_print_plan,
    "print-plans": cmd_print_plans,
    "practice": cmd_practice,
}
