"""`caredesk export fhir`: the panel (or one patient) as a FHIR R4 Bundle file.

    caredesk export fhir --out FILE [--mrn M]

Every resource is validated against the R4 models before anything is written; the file is
written whole or not at all and audited (caredesk.interop.fhir_export). The command says
that the file holds patient data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_ERROR, fail, open_workspace
from caredesk.interop.fhir_export import write_bundle
from caredesk.services.files import refusal

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
