"""Community resources and referrals from a terminal.

    caredesk resources add --name N --needs "food;transportation" [--phone P] [--address A]
                           [--hours H] [--eligibility E] [--notes T]
    caredesk resources list [--need food] [--search TEXT] [--all] [--json]
    caredesk resources import FILE.csv
    caredesk resources edit ID [--name N] [--needs ...] [--phone P] ... [--inactive | --active]
    caredesk refer --mrn M --resource ID --need food [--on DATE] [--note T] [--screen ID]
    caredesk referral update ID [--status sent|accepted|completed|declined|closed] [--on DATE] [--note T]
    caredesk referrals --mrn M [--json]
    caredesk referrals suggest --mrn M [--json]

Needs: housing, food, transportation, utilities, interpersonal safety (the AHC core domains),
other. The loop: proposed -> sent -> accepted -> completed, and declined or closed from any
open step (caredesk.domain.referrals); `referral update ID --note T` without --status records
news on the current status. IDs are those the list commands print. Every write goes
through the same services as the chart, so the queue shows the change at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import (
    DATE,
    EXIT_USAGE,
    Command,
    Subparsers,
    date_arg,
    fail,
    patient_id_of,
    print_json,
    with_workspace,
)
from caredesk.domain.calendar import us_date
from caredesk.domain.community import NEED_CHOICES, CommunityResource
from caredesk.domain.referrals import Referral
from caredesk.services import community as directory
from caredesk.services import referrals as referral_service
from caredesk.services.referrals import ReferralView
from caredesk.services.resource_import import COLUMNS, import_resources
from caredesk.services.workspace import Workspace

_FIELDS = ("phone", "address", "hours", "eligibility", "notes")


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]

    g = sub.add_parser("resources", help="the community-resource directory").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    s = g.add_parser("add", parents=shared, help="add a resource")
    s.add_argument("--name", required=True, help="the resource's name")
    s.add_argument("--needs", required=True, help=f'the needs it meets, separated by ";" ({NEED_CHOICES})')
    for name in _FIELDS:
        s.add_argument(f"--{name}", default="", help=f"its {name}")
    s = g.add_parser("list", parents=shared, help="the directory by name (active resources unless --all)")
    s.add_argument("--need", help=f"only those meeting this need ({NEED_CHOICES})")
    s.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="only those whose name holds each word of TEXT (case and accents ignored)",
    )
    s.add_argument("--all", action="store_true", help="inactive resources too")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")
    s = g.add_parser("import", parents=shared, help="add resources from a CSV file (all rows or none)")
    s.add_argument("file", metavar="FILE", help=f"UTF-8 CSV with a header row; columns: {', '.join(COLUMNS)}")
    s = g.add_parser("edit", parents=shared, help="change a resource (only the options given)")
    s.add_argument("id", type=int, metavar="ID", help="the resource's id (from resources list)")
    s.add_argument("--name", help="a new name")
    s.add_argument("--needs", help='the needs it meets, separated by ";"')
    for name in _FIELDS:
        s.add_argument(f"--{name}", help=f'a new {name} ("" clears it)')
    active = s.add_mutually_exclusive_group()
    active.add_argument("--inactive", dest="active", action="store_false", default=None, help="mark it inactive")
    active.add_argument("--active", dest="active", action="store_true", help="mark it active again")

    s = sub.add_parser("refer", parents=shared, help="propose a referral to a community resource")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--resource", type=int, required=True, metavar="ID", help="the resource's id (resources list)")
    s.add_argument("--need", required=True, help=f"the need it answers ({NEED_CHOICES})")
    s.add_argument("--on", metavar=DATE, help="the day it was proposed (default: today)")
    s.add_argument("--note", default="", help="why, or what was agreed")
    s.add_argument(
        "--screen", type=int, metavar="ID", help="the social-needs screen that found the need positive (assess history)"
    )

    g = sub.add_parser("referral", help="record a referral's next step").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    s = g.add_parser("update", parents=shared, help="the referral's next step, dated, with an outcome note")
    s.add_argument("id", type=int, metavar="ID", help="the referral's id (from referrals --mrn M)")
    s.add_argument(
        "--status", help="the next step: sent, accepted, completed, declined or closed (leave out to record news)"
    )
    s.add_argument("--on", metavar=DATE, help="the day it happened (default: today)")
    s.add_argument("--note", default="", help="the outcome; without --status, news on the current status")

    r = sub.add_parser(
        "referrals",
        parents=shared,
        help="a patient's referrals with their steps; 'referrals suggest' the resources a screen suggests",
    )
    r.add_argument("--mrn", help="the patient's MRN")
    r.add_argument("--json", action="store_true", help="print a JSON list of objects")
    actions = r.add_subparsers(dest="action", metavar="ACTION")
    s = actions.add_parser("suggest", parents=shared, help="resources for the latest social-needs screen's needs")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--json", action="store_true", help="print a JSON object")


# -- resources ------------------------------------------------------------------------------
def _resource_json(r: CommunityResource) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "needs": [n.value for n in r.needs],
        "phone": r.phone,
        "address": r.address,
        "hours": r.hours,
        "eligibility": r.eligibility,
        "notes": r.notes,
        "active": r.active,
    }


def cmd_resources(args: argparse.Namespace, context: AppContext) -> int:
    def work(ws: Workspace) -> int:
        if args.action == "add":
            fields = {name: getattr(args, name) for name in _FIELDS}
            r = directory.add_resource(ws, name=args.name, needs=args.needs, **fields).value
            print(f"Added community resource {r.id}: {r.name} ({r.needs_text}).")
        elif args.action == "import":
            added = import_resources(ws, Path(args.file)).value
            plural = "" if len(added) == 1 else "s"
            print(f"Imported {len(added)} community resource{plural} from {Path(args.file).name}.")
        elif args.action == "edit":
            fields = {name: getattr(args, name) for name in ("name", "needs", *_FIELDS)}
            saved = directory.change_resource(ws, args.id, active=args.active, **fields)
            r = saved.value
            said = "saved" if saved.changes else "unchanged"
            print(f"Community resource {r.id} {said}: {r.name} ({r.needs_text}){'' if r.active else ', inactive'}.")
        else:
            found = directory.resources(ws, need=args.need, text=args.search, include_inactive=args.all)
            if args.json:
                print_json([_resource_json(r) for r in found])
                return 0
            for r in found:
                state = "" if r.active else "  (inactive)"
                print(f"{r.id:>5}  {r.name:<36}  {r.needs_text:<28}  {r.phone}{state}".rstrip())
            print(f"{len(found)} resource{'' if len(found) == 1 else 's'}")
        return 0

    return with_workspace(args, context, work)


# -- referrals ------------------------------------------------------------------------------
def cmd_refer(args: argparse.Namespace, context: AppContext) -> int:
    on = date_arg("--on", args.on)

    def work(ws: Workspace) -> int:
        pid = patient_id_of(ws, args)
        made = referral_service.refer(
            ws, pid, args.resource, args.need, on=on, note=args.note, assessment_id=args.screen
        ).value
        name = directory.resource(ws, made.resource_id).name
        print(
            f"Referral {made.id} for {args.mrn} to {name} ({made.need.label}): proposed on {us_date(made.opened_on)}."
        )
        return 0

    return with_workspace(args, context, work)


def cmd_referral(args: argparse.Namespace, context: AppContext) -> int:
    if args.status is None and not args.note.strip():
        return fail("referral update needs --status, or --note alone to record news", EXIT_USAGE)
    on = date_arg("--on", args.on)

    def work(ws: Workspace) -> int:
        r = referral_service.record_step(ws, args.id, args.status, on=on, note=args.note).value
        step = r.last_step
        if args.status is None:
            print(f"Referral {r.id}: news recorded ({us_date(step.on)}); it is still {step.status.value}.")
            return 0
        state = "open" if r.is_open else "closed"
        print(f"Referral {r.id} is {step.status.value} ({us_date(step.on)}); the referral is {state}.")
        return 0

    return with_workspace(args, context, work)


def _referral_json(v: ReferralView) -> dict[str, Any]:
    r: Referral = v.referral
    return {
        "id": r.id,
        "need": r.need.value,
        "resource_id": r.resource_id,
        "resource": v.resource.name,
        "status": r.status.value,
        "open": r.is_open,
        "opened_on": r.opened_on.isoformat(),
        "closed_on": r.closed_on.isoformat() if r.closed_on else None,
        "screen_id": r.assessment_id,
        "steps": [{"status": s.status.value, "on": s.on.isoformat(), "note": s.note} for s in r.steps],
    }


def cmd_referrals(args: argparse.Namespace, context: AppContext) -> int:
    if args.mrn is None:
        return fail("referrals needs --mrn (or: referrals suggest --mrn M)", EXIT_USAGE)

    def work(ws: Workspace) -> int:
        pid = patient_id_of(ws, args)
        if args.action == "suggest":
            return _suggest(ws, pid, args)
        views = referral_service.referrals(ws, pid)
        if args.json:
            print_json([_referral_json(v) for v in views])
            return 0
        for v in views:
            r = v.referral
            print(f"{r.id:>5}  {r.status.value:<9}  {r.need.label:<20}  {v.resource.name} (resource {r.resource_id})")
            for s in r.steps:
                print(f"         {us_date(s.on)}  {s.status.value:<9}  {s.note}".rstrip())
        print(f"{len(views)} referral{'' if len(views) == 1 else 's'}")
        return 0

    return with_workspace(args, context, work)


def _suggest(ws: Workspace, pid: int, args: argparse.Namespace) -> int:
    found = referral_service.suggestions(ws, pid)
    screen = found.screen
    if args.json:
        print_json(
            {
                "screen_id": screen.id if screen else None,
                "taken_on": screen.taken_on.isoformat() if screen else None,
                "needs": [
                    {
                        "need": s.need.value,
                        "resources": [_resource_json(r) for r in s.resources],
                        "referrals": [r.id for r in s.referrals],
                    }
                    for s in found.needs
                ],
            }
        )
        return 0
    if screen is None:
        print(f"No complete social-needs screen for {args.mrn} (caredesk assess --instrument social).")
        return 0
    if not found.needs:
        print(f"The social-needs screen of {us_date(screen.taken_on)} (screen {screen.id}) is negative.")
        return 0
    print(f"Social-needs screen of {us_date(screen.taken_on)} (screen {screen.id}):")
    for s in found.needs:
        if s.referrals:
            made = ", ".join(f"referral {r.id} {r.status.value}" for r in s.referrals)
            print(f"  {s.need.label}: referred ({made})")
        elif not s.resources:
            print(f"  {s.need.label}: no active resource meets it (caredesk resources add --needs {s.need.value} ...)")
        else:
            print(f"  {s.need.label}: " + "; ".join(f"{r.id} {r.name}" for r in s.resources))
            first = s.resources[0]
            print(
                f"    caredesk refer --mrn {args.mrn} --resource {first.id} --need {s.need.value} --screen {screen.id}"
            )
    return 0


COMMANDS: dict[str, Command] = {
    "resources": cmd_resources,
    "refer": cmd_refer,
    "referral": cmd_referral,
    "referrals": cmd_referrals,
}
