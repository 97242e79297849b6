"""The CLI's care-plan printing: one patient's copy, or every patient's latest plan into a folder."""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from caredesk.cli_common import EXIT_ERROR, EXIT_USAGE, _fail, _open
from caredesk.domain import audit as actions
from caredesk.domain.careplan import CarePlanVersion
from caredesk.errors import CareDeskError
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
        print_version(ws, patient.id, version, out, large_print=args.large_print)
    finally:
        ws.lock()
    print(f"Care plan version {version.number} for MRN {args.mrn} written to {out}"
          + (" (large print)." if args.large_print else "."))
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
            patients = sorted(uow.patients.summaries(ws.today()), key=lambda p: p.mrn)
            latest = {}
            for p in patients:
                versions = uow.care_plans.versions(p.id)
                if versions:
                    latest[p.id] = versions[-1]
        chosen = [(p, latest[p.id]) for p in patients
                  if p.id in latest and (not args.due_only or latest[p.id].given_on is None)]
        try:
            out.mkdir(exist_ok=True)
        except OSError as exc:
            raise CareDeskError(f"Cannot create the folder {out} ({exc.strerror}).") from None
        bar = _Progress(len(chosen)) if sys.stderr.isatty() else None
        names: set[str] = set()
        for done, (p, version) in enumerate(chosen, 1):
            name = _file_name(p.mrn, version.number, names)
            print_version(ws, p.id, version, out / name, large_print=args.large_print)
            if bar is not None:
                bar.show(done)
        if bar is not None:
            bar.finish()
    finally:
        ws.lock()
    without = len(patients) - len(latest)
    what = "care plans not yet given" if args.due_only else "care plans"
    print(f"Printed {len(chosen)} {what} to {out} ({len(patients)} patients, {without} without a finalized plan).")
    return 0


def print_version(ws: Workspace, patient_id: int, version: CarePlanVersion, path: Path, *, large_print: bool) -> None:
    """Render one version for the patient, write it atomically and audit the printing."""
    from caredesk.pdf.careplan import PlanContacts, render_care_plan

    today = ws.today()
    with ws.uow() as uow:
        chart = uow.patients.chart(patient_id, today)
        if chart is None:
            raise CareDeskError("That patient is no longer in the store.")
        p = chart.patient
        data = render_care_plan(
            patient_name=f"{p.given_name} {p.family_name}",
            birth_date=p.birth_date,
            version=version,
            content=version.content,
            medications=[m for m in chart.medications if m.active_on(today)],
            contacts=PlanContacts.from_care_team(chart.care_team),
            large_print=large_print,
            generated=ws.clock.now().astimezone(ws.tz),
        )
        write_atomic(path, data)
        uow.audit(actions.PRINTED, "care plan", version.id, "large print" if large_print else "")
        uow.commit()


def write_atomic(path: Path, data: bytes) -> None:
    """A temporary file beside the target, then a rename: never a half-written PDF under the real name."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CareDeskError(f"Cannot write {path} ({exc.strerror}).") from None


def _file_name(mrn: str, number: int, taken: set[str]) -> str:
    """'<MRN>-v<N>.pdf': the practice's identifier, never the name; odd characters made safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", mrn).lstrip(".") or "patient"
    name, n = f"{safe}-v{number}.pdf", 2
    while name in taken:  # two MRNs that differ only in unsafe characters
        name, n = f"{safe}_{n}-v{number}.pdf", n + 1
    taken.add(name)
    return name


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
