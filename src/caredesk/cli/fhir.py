"""`caredesk export fhir` and `caredesk import fhir`: FHIR R4 Bundles out and in.

    caredesk export fhir --out FILE [--mrn M]
    caredesk import fhir FILE [--yes]

Export: every resource is validated against the R4 models before anything is written; the
file is written whole or not at all and audited (caredesk.interop.fhir_export). The command
says that the file holds patient data.

Import: the file is read and every resource validated (caredesk.interop.fhir_import) before
the store is unlocked, so a file refused as a whole leaves the store untouched. The preview
(services.panel_import.plan_import, read-only) prints how many patients are added, updated
and unchanged, each update's changes, what each patient still needs (a condition without an
ICD-10 code ...), every refused resource, and what the bundle holds that CareDesk does not
import. Without --yes it asks; accepted, the patients go in one transaction (all or none).
Exit 0 when imported or nothing needed to change; 1 when nothing was imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_ERROR, confirm, fail, open_workspace
from caredesk.domain.incoming import Action, ImportPlan
from caredesk.errors import CareDeskError
from caredesk.interop.fhir_bundle import MAX_BYTES, SOURCE
from caredesk.interop.fhir_export import write_bundle
from caredesk.interop.fhir_import import BundleRead, read_bundle_report
from caredesk.services import panel_import
from caredesk.services.files import refusal
from caredesk.services.workspace import Workspace

PATIENT_DATA = (
    "The file holds patient data (protected health information): keep it where only the care team can "
    "read it, and delete it once the EHR has it."
)


def cmd_export_fhir(args: argparse.Namespace, context: AppContext) -> int:
    out = Path(args.out)
    reason = refusal(out)
    if reason is not None:  # before the store is unlocked or anything is read
        return fail(f"Cannot write {out}: {reason}.", EXIT_ERROR)
    ws = open_workspace(args, context)
    try:
        result = write_bundle(ws, out, mrn=args.mrn)
    finally:
        ws.lock()
    who = f"MRN {args.mrn}" if args.mrn else f"{result.patients} patient{'' if result.patients == 1 else 's'}"
    print(f"FHIR R4 bundle of {who} written to {out}: {result.total} resources.")
    for kind, n in result.counts.items():
        print(f"  {kind}: {n}")
    print(PATIENT_DATA)
    return 0


def add_import_parser(formats: Any, shared: list[argparse.ArgumentParser]) -> None:
    """`import fhir` under the `import` command's formats (an argparse subparsers action)."""
    s = formats.add_parser(
        "fhir", parents=shared, help="patients from a FHIR R4 Bundle (JSON), after a preview you accept"
    )
    s.add_argument("file", metavar="FILE", help="the Bundle (transaction, collection or searchset), UTF-8 JSON")
    s.add_argument("--yes", action="store_true", help="import without asking (for scripts)")


def cmd_import_fhir(args: argparse.Namespace, context: AppContext) -> int:
    path = Path(args.file).expanduser()
    read = read_bundle_report(_read_file(path), today=context.clock.now().date())  # before the unlock
    _print_read(path, read)
    ws = open_workspace(args, context)
    try:
        return _import(ws, args, read)
    finally:
        ws.lock()


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:  # not read into memory at all
            raise CareDeskError(
                f"Cannot import {path}: it is {path.stat().st_size / 1_000_000:.1f} MB; "
                f"CareDesk imports files up to {MAX_BYTES // 1_000_000} MB."
            )
        with path.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CareDeskError(f"Cannot read {path}: it is a folder; give a FHIR bundle file.") from None
    except OSError as exc:
        raise CareDeskError(f"Cannot read {path} ({exc.strerror}).") from None


def _print_read(path: Path, read: BundleRead) -> None:
    n = len(read.patients)
    print(f"{path.name}: {n:,} patient{_s(n)} read from the {SOURCE}.")
    if read.skipped:
        left = ", ".join(f"{count:,} {what}" for what, count in read.skipped.most_common())
        print(f"Not imported (CareDesk does not keep these from a bundle): {left}.")


def _import(ws: Workspace, args: argparse.Namespace, read: BundleRead) -> int:
    plan = panel_import.plan_import(ws, read.patients, read.problems, source=SOURCE)
    _print_preview(plan)
    to_store = plan.count(Action.ADD) + plan.count(Action.UPDATE)
    if to_store == 0:
        if plan.problems and not plan.patients:
            return fail(
                "nothing can be imported: every patient was refused (listed above); nothing was stored", EXIT_ERROR
            )
        if not plan.patients:
            print("Nothing to import: the bundle holds no Patient.")
            return 0
        # Not "as the bundle has them": what CareDesk does not keep (a SNOMED-only code, another
        # system's care plan) was left out, and the preview's flags say so.
        same = plan.count(Action.SAME)
        print(
            f"Nothing to import: {same:,} patient{_s(same)} unchanged (what CareDesk keeps of them is already stored)."
        )
        return 0
    if not args.yes:
        answer = confirm(f"Import {to_store:,} patient{_s(to_store)}? [y/N] ")
        if answer is None:
            return fail("no answer to read: add --yes to import without asking; nothing was imported", EXIT_ERROR)
        if not answer:
            return fail("nothing was imported; the store is unchanged", EXIT_ERROR)
    result = panel_import.apply_import(ws, plan).value
    print(
        f"Imported: {result.added:,} added, {result.updated:,} updated, {result.unchanged:,} unchanged (one transaction)."
    )
    return 0


def _print_preview(plan: ImportPlan) -> None:
    added, updated, same = (plan.count(a) for a in (Action.ADD, Action.UPDATE, Action.SAME))
    refused = len({p.where for p in plan.problems if p.where.startswith("Patient/")})
    print(
        f"Preview: {added:,} to add, {updated:,} to update, {same:,} unchanged, {refused:,} patient{_s(refused)} refused."
    )
    for planned in (p for p in plan.patients if p.action is Action.UPDATE):
        print(f"  Update MRN {planned.incoming.patient.mrn} ({planned.incoming.where}):")
        for change in planned.changes:
            print(f"    {change.field}: {change.before or '(empty)'} -> {change.after}")
    # An unchanged patient's flags too: a corrected Encounter's minutes are not stored (they
    # are the chart's to correct), and that is said only here.
    flagged = [p for p in plan.patients if p.incoming.flags]
    if flagged:
        print("To do after the import (the import cannot):")
        for planned in flagged:
            for flag in planned.incoming.flags:
                print(f"  MRN {planned.incoming.patient.mrn}: {flag}")
    if plan.problems:
        print("Refused (not imported; correct the bundle and import it again):")
        for problem in plan.problems:
            field = f", {problem.field}" if problem.field else ""
            value = f' "{problem.value}"' if problem.value else ""
            print(f"  {problem.where}{field}{value}: {problem.why}")
    sys.stdout.flush()


def _s(n: int) -> str:
    return "" if n == 1 else "s"
