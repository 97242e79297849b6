"""The patient records from a terminal: the list (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys

from caredesk.app import AppContext
from caredesk.cli.common import Command, Subparsers, open_workspace
from caredesk.domain.calendar import age_on
from caredesk.services import patients as patient_records


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser("patients", parents=[common, secret], help="list the patients")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")


def cmd_patients(args: argparse.Namespace, context: AppContext) -> int:
    ws = open_workspace(args, context)
    try:
        today = ws.today()
        rows = patient_records.exported_list(ws, "json" if args.json else "text")
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
                "died_on": r.died_on.isoformat() if r.died_on else None,
                "risk_tier": r.risk_tier.value,
                "programs": [p.value for p in r.programs],
                "last_reached": r.last_reached.isoformat() if r.last_reached else None,
                "last_attempt": r.last_attempt.isoformat() if r.last_attempt else None,
                "minutes_this_month": r.minutes_this_month,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    # The MRN is shown whole (it is what `caredesk patient` looks one up by): the column is as
    # wide as the longest one, 10 for a registry's, 36 for a uuid from a FHIR bundle.
    w = max([10, *(len(r.mrn) for r in rows)])
    header = (
        f"{'MRN':<{w}} {'Name':<32} {'Age':>3}  {'Risk':<6} {'Programs':<18} {'Last reached':<12} "
        f"{'Last attempt':<12} {'Min':>4}  Status"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        programs = ", ".join(p.value for p in r.programs) or "-"
        reached = r.last_reached.isoformat() if r.last_reached else "-"
        attempt = r.last_attempt.isoformat() if r.last_attempt else "-"
        status = r.status.value + (f" {r.died_on.isoformat()}" if r.died_on else "")
        print(
            f"{r.mrn:<{w}} {r.display_name[:32]:<32} {age_on(r.birth_date, today):>3}  {r.risk_tier.value:<6} "
            f"{programs[:18]:<18} {reached:<12} {attempt:<12} {r.minutes_this_month:>4}  {status}"
        )
    print(f"{len(rows)} patient{'' if len(rows) == 1 else 's'}")
    return 0


COMMANDS: dict[str, Command] = {"patients": cmd_patients}
