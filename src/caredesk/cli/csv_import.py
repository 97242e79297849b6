"""`caredesk import csv`: a registry spreadsheet's patients into the store, after a preview.

    caredesk import csv FILE [--mapping M.json] [--consent-method verbal|written]
        [--save-mapping] [--errors OUT.csv] [--yes]

1. The file is read (interop.csv_table: encodings, separators, the 50 MB and 20,000-row limits)
   before the store is unlocked: a file refused here leaves the store untouched.
2. The columns are mapped: by --mapping (a JSON file, `{"columns": {"mrn": "MRN", ...}}`), else
   the mapping remembered for a file with this header (--save-mapping keeps one), else a guess
   from the column names. The mapping used is printed.
3. Every row is checked by the domain's rules (interop.csv_panel) and against the store
   (services.panel_import.plan_import, read-only): the preview prints how many patients are
   added (the first 50 by MRN and name), updated (each update's changes, by MRN: it is the
   user's own terminal), each one's flags ("still needs: ..."), unchanged,
   and every refused row ("row 12, DOB "13/45/1950": not a real calendar date").
   --errors writes the refused rows as a CSV report (formula-guarded; it holds patient data).
4. Without --yes the command asks "Import N patients? [y/N]" and reads the answer from the
   terminal or standard input; no answer (end of input) refuses and says to use --yes.
   Accepted, the good rows go in one transaction (apply_import): all of them or none.

Exit 0 when the patients were imported (refused rows are skipped, and the output says so) or
nothing needed to change; 1 when nothing was imported because of a refusal (the file, the
mapping, every row bad, the answer no).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_ERROR, confirm, fail, open_workspace
from caredesk.domain.incoming import Action, ImportPlan, ImportProblem, PlannedPatient
from caredesk.domain.patients import ConsentMethod
from caredesk.errors import ValidationError
from caredesk.interop import csv_mapping, problem_report
from caredesk.interop.csv_mapping import Mapping
from caredesk.interop.csv_panel import read_patients
from caredesk.interop.csv_table import Table, read_file
from caredesk.services import panel_import
from caredesk.services.files import refusal
from caredesk.services.workspace import Workspace

SOURCE = "CSV file"  # the audit names the kind of file, never its name
LISTED = 50  # patients to add listed by MRN and name; the rest counted
ERRORS_HOLD_PATIENT_DATA = (
    "The error report holds patient data (the refused rows' values): keep it where only the care team can "
    "read it, and delete it once the file is corrected."
)


def add_parser(formats: Any, shared: list[argparse.ArgumentParser]) -> None:
    """`import csv` under the `import` command's formats (an argparse subparsers action)."""
    s = formats.add_parser(
        "csv", parents=shared, help="patients from a registry spreadsheet (CSV), after a preview you accept"
    )
    s.add_argument("file", metavar="FILE", help="the CSV file (UTF-8, UTF-16 or Windows-1252; , ; or tab)")
    s.add_argument(
        "--mapping",
        metavar="M.json",
        help='which column holds which field: {"columns": {"mrn": "MRN", "birth_date": "DOB", ...}} '
        "(default: the mapping saved for this header, else a guess from the column names)",
    )
    s.add_argument(
        "--consent-method",
        choices=[m.value for m in ConsentMethod],
        help="how consent was given, for every row with a consent date and no consent-method column",
    )
    s.add_argument("--save-mapping", action="store_true", help="remember the mapping used for files with this header")
    s.add_argument("--errors", metavar="OUT.csv", help="write the refused rows (row, column, value, why) as CSV")
    s.add_argument("--yes", action="store_true", help="import without asking (for scripts)")


def cmd_import_csv(args: argparse.Namespace, context: AppContext) -> int:
    path = Path(args.file).expanduser()
    errors = Path(args.errors).expanduser() if args.errors else None
    if errors is not None and (reason := refusal(errors)) is not None:
        return fail(f"Cannot write {errors}: {reason}.", EXIT_ERROR)
    if errors is not None and _same_file(errors, path):
        return fail(f"--errors: {errors} is the file being imported; give another name for the report", EXIT_ERROR)
    given = csv_mapping.load(Path(args.mapping).expanduser()) if args.mapping else None
    table = read_file(path)  # before the store is unlocked: a refused file changes nothing
    print(
        f"{path.name}: {len(table.rows):,} row{'' if len(table.rows) == 1 else 's'} of patients; "
        f"{table.encoding}, {table.separator_name}-separated."
    )
    ws = open_workspace(args, context)
    try:
        return _import(ws, args, table, given, errors)
    finally:
        ws.lock()


def _import(ws: Workspace, args: argparse.Namespace, table: Table, given: Mapping | None, errors: Path | None) -> int:
    mapping, how = _mapping(ws, table, given)
    if args.consent_method:
        mapping = Mapping(columns=mapping.columns, consent_method=ConsentMethod(args.consent_method))
    _print_mapping(table, mapping, how)
    try:
        incoming, problems = read_patients(table, mapping, today=ws.today())
    except ValidationError as exc:
        if "consent date needs its method" in exc.message:
            hint = "; --consent-method verbal|written says how this file's consents were given"
        else:
            hint = "" if given is not None else "; choose the columns with --mapping M.json (a start is printed above)"
            if given is None:
                _print_template(table, mapping)
        return fail(f"{exc}{hint}", EXIT_ERROR)
    if args.save_mapping:
        csv_mapping.remember(ws, table.header, mapping)
        print(f"Mapping saved for files with this header ({csv_mapping.signature(table.header)}).")
    plan = panel_import.plan_import(ws, incoming, problems, source=SOURCE)
    _print_preview(plan)
    if errors is not None and plan.problems:
        problem_report.write_problems(errors, plan.problems)
        print(f"Error report of {len(plan.problems):,} problem{_s(len(plan.problems))} written to {errors}.")
        print(ERRORS_HOLD_PATIENT_DATA)
    elif errors is not None:
        print(f"No refused rows: {errors} was not written.")
    to_store = plan.count(Action.ADD) + plan.count(Action.UPDATE)
    if to_store == 0:
        if plan.problems and not plan.patients:
            return fail("no row can be imported: every row was refused (listed above); nothing was stored", EXIT_ERROR)
        print(
            "Nothing to import: every patient in the file is already in the store with what the file gives "
            "(an empty cell never clears a stored value)."
        )
        _say_skipped(plan)
        return 0
    if not args.yes:
        answer = _confirmed(to_store)
        if answer is None:
            return fail("no answer to read: add --yes to import without asking; nothing was imported", EXIT_ERROR)
        if not answer:
            return fail("nothing was imported; the store is unchanged", EXIT_ERROR)
    result = panel_import.apply_import(ws, plan).value
    print(
        f"Imported: {result.added:,} added, {result.updated:,} updated, {result.unchanged:,} unchanged "
        "(one transaction)."
    )
    _say_skipped(plan)
    return 0


def _say_skipped(plan: ImportPlan) -> None:
    if plan.problems:
        rows = len({p.where for p in plan.problems})
        print(
            f"{rows:,} refused row{_s(rows)} {'was' if rows == 1 else 'were'} skipped and not imported (listed above)."
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _print_template(table: Table, mapping: Mapping) -> None:
    """A mapping file to start from: the guess, and the fields a column can fill."""
    print("A mapping file to start from (put the file's column names against the fields it needs):")
    columns = dict(mapping.columns)
    named = "full_name" in columns or ("given_name" in columns and "family_name" in columns)
    for key in ("mrn", *(() if named else ("full_name",)), "birth_date"):
        columns.setdefault(key, "?")
    print(Mapping(columns=columns, consent_method=mapping.consent_method).to_json(), end="")
    print("Fields: " + ", ".join(f.key for f in csv_mapping.FIELDS))
    print("The file's columns: " + ", ".join(f'"{name}"' for name in table.header))


def _mapping(ws: Workspace, table: Table, given: Mapping | None) -> tuple[Mapping, str]:
    """The mapping to use and how it was found, for the printout."""
    if given is not None:
        return given, "from the mapping file"
    kept = csv_mapping.remembered(ws, table.header)
    if kept is not None:
        return kept, "as saved for this header"
    guessed = Mapping.from_indices(table.header, csv_mapping.guess(table.header))
    return guessed, "guessed from the column names; --mapping M.json chooses others"


def _print_mapping(table: Table, mapping: Mapping, how: str) -> None:
    print(f"Columns ({how}):")
    for line in csv_mapping.describe(mapping):
        print(f"  {line}")
    if mapping.consent_method is not None:
        print(f"  consent method for every consent date: {mapping.consent_method.value}")
    used = {csv_mapping.column_key(name) for name in mapping.columns.values()}
    unread = [name for name in table.header if name and csv_mapping.column_key(name) not in used]
    if unread:
        print("  Not read: " + ", ".join(f'"{name}"' for name in unread))


def _print_preview(plan: ImportPlan) -> None:
    added, updated, same = (plan.count(a) for a in (Action.ADD, Action.UPDATE, Action.SAME))
    rows = len({p.where for p in plan.problems})
    print(f"Preview: {added:,} to add, {updated:,} to update, {same:,} unchanged, {rows:,} row{_s(rows)} refused.")
    adds = [p for p in plan.patients if p.action is Action.ADD]
    if adds:
        print("To add:")
        for planned in adds[:LISTED]:
            one = planned.incoming
            print(f"  MRN {one.patient.mrn}  {one.patient.full_name} ({one.where})")
            _print_flags(planned)
        if len(adds) > LISTED:
            print(f"  and {len(adds) - LISTED:,} more")
    updates = [p for p in plan.patients if p.action is Action.UPDATE]
    if updates:
        print("Updates:")
        for planned in updates:
            print(f"  MRN {planned.incoming.patient.mrn} ({planned.incoming.where}):")
            for change in planned.changes:
                before = change.before or "(empty)"
                print(f"    {change.field}: {before} -> {change.after}")
            _print_flags(planned)
    if plan.problems:
        print("Refused rows (not imported; correct them in the file and import it again):")
        for problem in plan.problems:
            print(f"  {_problem_line(problem)}")


def _print_flags(planned: PlannedPatient) -> None:
    """What the care manager must still do for this patient (IncomingPatient.flags)."""
    for flag in planned.incoming.flags:
        print(f"    still needs: {flag}")


def _problem_line(problem: ImportProblem) -> str:
    """'row 12, DOB "13/45/1950": not a real calendar date'."""
    value = f' "{problem.value}"' if problem.value else ""
    return f"{problem.where}, {problem.field}{value}: {problem.why}"


def _confirmed(count: int) -> bool | None:
    return confirm(f"Import {count:,} patient{_s(count)}? [y/N] ")


def _s(n: int) -> str:
    return "" if n == 1 else "s"
