"""The CLI's care-plan printing: one patient's copy, or every patient's latest plan into a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caredesk.cli.common import EXIT_ERROR, EXIT_USAGE, _fail, _open
from caredesk.domain.practice import PracticeProfile
from caredesk.services import plan_printing, practice
from caredesk.services.workspace import Workspace
from caredesk.store.vault import DataFolder

_BAR = 30


def add_parsers(sub, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:  # type: ignore[no-untyped-def]
    """The two print commands' arguments (called from cli._parser)."""
    s = sub.add_parser("print-plan", parents=[common, secret], help="write a patient's care plan as a PDF for them")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--out", required=True, metavar="FILE", help="the PDF file to write")
    s.add_argument("--large-print", action="store_true", help="16 pt body text for readers who need it")
    s.add_argument("--version", type=int, metavar="N", help="this finalized version (default: the latest)")

    s = sub.add_parser("print-plans", parents=[common, secret], help="write every patient's latest care plan as PDFs")
    s.add_argument("--out", required=True, metavar="DIR", help="the folder for the PDFs (<MRN>-v<N>.pdf)")
    s.add_argument("--due-only", action="store_true", help="only plans whose copy has not been given to the patient")
    s.add_argument("--large-print", action="store_true", help="16 pt body text")

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
)


def cmd_practice(args: argparse.Namespace, folder: DataFolder) -> int:
    changes = {
        field: getattr(args, field) for _flag, field, _what in PRACTICE_OPTIONS if getattr(args, field) is not None
    }
    ws = _open(args, folder)
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


def cmd_print_plan(args: argparse.Namespace, folder: DataFolder) -> int:
    if args.version is not None and args.version < 1:
        return _fail("--version must be 1 or more", EXIT_USAGE)
    out = Path(args.out)
    if not out.parent.is_dir():
        return _fail(f"The folder {out.parent} does not exist.", EXIT_ERROR)
    if out.is_dir():
        return _fail(f"{out} is a folder; give a file name for the PDF.", EXIT_ERROR)
    ws = _open(args, folder)
    try:
        with ws.uow() as uow:
            patient = uow.patients.by_mrn(args.mrn)
            versions = uow.care_plans.versions(patient.id) if patient is not None and patient.id is not None else []
        if patient is None or patient.id is None:
            return _fail(f"No patient with MRN {args.mrn}.", EXIT_ERROR)
        if not versions:
            return _fail(f"No finalized care plan for MRN {args.mrn}.", EXIT_ERROR)
        if args.version is None:
            version = versions[-1]
        else:
            version = next((v for v in versions if v.number == args.version), None)
            if version is None:
                have = ", ".join(str(v.number) for v in versions)
                return _fail(f"MRN {args.mrn} has no care plan version {args.version} (versions: {have}).", EXIT_ERROR)
        plan_printing.save(ws, version, out, large_print=args.large_print)
    finally:
        ws.lock()
    print(
        f"Care plan version {version.number} for MRN {args.mrn} written to {out}"
        + (" (large print)." if args.large_print else ".")
    )
    return 0


def cmd_print_plans(args: argparse.Namespace, folder: DataFolder) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail(f"{out} is a file, not a folder.", EXIT_ERROR)
    if not out.parent.is_dir():
        return _fail(f"The folder {out.parent} does not exist.", EXIT_ERROR)
    ws = _open(args, folder)
    try:
        with ws.uow() as uow:
            patient_count = len(uow.patients.summaries(ws.today()))
        every = _every_latest(ws)
        chosen = plan_printing.due_copies(ws) if args.due_only else every
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
    if outcome.error is not None:
        return _fail(f"Stopped after {len(outcome.sent)} of {outcome.total} care plans. {outcome.error}", EXIT_ERROR)
    what = "care plans not yet given" if args.due_only else "care plans"
    print(
        f"Printed {len(outcome.sent)} {what} to {out} "
        f"({patient_count} patients, {patient_count - len(every)} without a finalized plan)."
    )
    return 0


def _every_latest(ws: Workspace) -> list[plan_printing.DueCopy]:
    """Each patient's latest finalized version, by MRN."""
    with ws.uow() as uow:
        patients = sorted(uow.patients.summaries(ws.today()), key=lambda p: p.mrn)
        chosen = []
        for p in patients:
            versions = uow.care_plans.versions(p.id)
            if versions:
                chosen.append(plan_printing.DueCopy(versions[-1], p.mrn, f"{p.family_name}, {p.given_name}"))
    return chosen


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
