"""`caredesk export FORMAT ...` and `caredesk import FORMAT ...`: the panel leaving for, and
coming from, other systems (caredesk.interop). Each format is a sub-command with its own
options; its handler lives in its own module (cli/fhir.py ...) and is listed in
_EXPORTS / _IMPORTS by format."""

from __future__ import annotations

import argparse

from caredesk.app import AppContext
from caredesk.cli import csv_import, fhir
from caredesk.cli.common import Command, Subparsers


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]
    g = sub.add_parser("export", help="write the panel for another system (FHIR R4)")
    formats = g.add_subparsers(dest="format", metavar="FORMAT", required=True)
    s = formats.add_parser("fhir", parents=shared, help="a FHIR R4 Bundle (JSON) of the panel or one patient")
    s.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    s.add_argument("--mrn", help="one patient (default: every patient)")
    g = sub.add_parser("import", help="bring patients in from another system, after a preview (CSV, FHIR R4)")
    formats = g.add_subparsers(dest="format", metavar="FORMAT", required=True)
    csv_import.add_parser(formats, shared)
    fhir.add_import_parser(formats, shared)


_EXPORTS: dict[str, Command] = {"fhir": fhir.cmd_export_fhir}
_IMPORTS: dict[str, Command] = {"csv": csv_import.cmd_import_csv, "fhir": fhir.cmd_import_fhir}


def cmd_export(args: argparse.Namespace, context: AppContext) -> int:
    return _EXPORTS[args.format](args, context)


def cmd_import(args: argparse.Namespace, context: AppContext) -> int:
    return _IMPORTS[args.format](args, context)


COMMANDS: dict[str, Command] = {"export": cmd_export, "import": cmd_import}
