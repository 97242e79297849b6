"""RPM devices and the days they transmitted readings, from a terminal.

    caredesk rpm add --mrn M --kind KIND --set-up D [--ended D]
    caredesk rpm change ID [--kind KIND] [--set-up D] [--ended D | --not-ended]
    caredesk rpm remove ID                       (a device entered by mistake)
    caredesk rpm days ID D [D ...]               (days with readings; FROM..TO for a run of days)
    caredesk rpm drop-days ID D [D ...]          (days entered by mistake)
    caredesk rpm list --mrn M [--json]

KIND is one of: blood pressure cuff, scale, glucometer, pulse oximeter, other. The device
codes (99453, 99454, 99445) are billed from these in `caredesk report billing --month YYYY-MM` (SPEC 3); every write
goes through the same service as the chart and is audited.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from caredesk.app import AppContext
from caredesk.cli.common import DATE, Command, Subparsers, patient_id_of, print_json, with_workspace
from caredesk.domain.rpm_devices import MEASURES, DeviceKind, RpmDevice, parse_reading_dates, periods
from caredesk.services import rpm_devices as rpm
from caredesk.services.workspace import Workspace

_KINDS = "; ".join(f"{k.value} ({MEASURES[k]})" for k in DeviceKind)


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]
    g = sub.add_parser("rpm", help="RPM devices and their reading days (99453, 99454, 99445)")
    actions = g.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("add", parents=shared, help="record a device supplied and set up with the patient")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", required=True, help=_KINDS)
    s.add_argument(
        "--set-up", dest="set_up", required=True, metavar=DATE, help="the day it was set up with the patient"
    )
    s.add_argument("--ended", metavar=DATE, help="the day it was taken back, when it was")
    s = actions.add_parser("change", parents=shared, help="correct a device's kind or dates, or end it")
    s.add_argument("id", type=int, metavar="ID", help="the device's id (from rpm list)")
    s.add_argument("--kind", help=_KINDS)
    s.add_argument("--set-up", dest="set_up", metavar=DATE, help="the set-up day")
    ended = s.add_mutually_exclusive_group()
    ended.add_argument("--ended", metavar=DATE, help="the day it was taken back")
    ended.add_argument("--not-ended", action="store_true", help="take back an end day entered by mistake")
    s = actions.add_parser("remove", parents=shared, help="remove a device entered by mistake, with its days")
    s.add_argument("id", type=int, metavar="ID", help="the device's id (from rpm list)")
    for name, text in (("days", "record days with readings"), ("drop-days", "remove days entered by mistake")):
        s = actions.add_parser(name, parents=shared, help=text)
        s.add_argument("id", type=int, metavar="ID", help="the device's id (from rpm list)")
        s.add_argument(
            "dates", nargs="+", metavar="D", help="MM/DD/YYYY or YYYY-MM-DD; FROM..TO for every day of a run"
        )
    s = actions.add_parser("list", parents=shared, help="the patient's devices with their 30-day periods")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")


def _lines(d: RpmDevice, today: date) -> list[str]:
    end = f", ended {d.ended_on.isoformat()}" if d.ended_on else ""
    out = [f"{d.id:>5}  {d.kind.value}, set up {d.set_up_on.isoformat()}{end}: {len(d.reading_days)} reading days"]
    for p in periods(d, today):
        state = "open" if p.closes >= today and d.ended_on is None else f"closed {p.closes.isoformat()}"
        out.append(
            f"       period {p.number} {p.start.isoformat()} to {p.end.isoformat()} ({state}): "
            f"{len(p.days)} reading day{'' if len(p.days) == 1 else 's'}"
        )
    return out


def _json(d: RpmDevice, today: date) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind.value,
        "set_up": d.set_up_on.isoformat(),
        "ended": d.ended_on.isoformat() if d.ended_on else None,
        "reading_days": [x.isoformat() for x in d.reading_days],
        "periods": [
            {
                "number": p.number,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "closes": p.closes.isoformat(),
                "reading_days": len(p.days),
            }
            for p in periods(d, today)
        ],
    }


def cmd_rpm(args: argparse.Namespace, context: AppContext) -> int:
    dates = parse_reading_dates(" ".join(args.dates)) if args.action in ("days", "drop-days") else []

    def work(ws: Workspace) -> int:
        today = ws.today()
        if args.action == "add":
            saved = rpm.add_device(
                ws, patient_id_of(ws, args), kind=args.kind, set_up_on=args.set_up, ended_on=args.ended
            )
            print(f"Added RPM device {saved.value.id} for MRN {args.mrn}: {saved.value.name}.")
        elif args.action == "change":
            fields: dict[str, Any] = {}
            if args.kind is not None:
                fields["kind"] = args.kind
            if args.set_up is not None:
                fields["set_up_on"] = args.set_up
            if args.ended is not None or args.not_ended:
                fields["ended_on"] = args.ended
            saved = rpm.change_device(ws, args.id, **fields)
            print(f"RPM device {args.id}: {'changed' if saved.changes else 'nothing to change'}.")
            print("\n".join(_lines(saved.value, today)))
        elif args.action == "remove":
            rpm.remove_device(ws, args.id)
            print(f"Removed RPM device {args.id} and its reading days.")
        elif args.action in ("days", "drop-days"):
            if args.action == "days":
                saved = rpm.add_reading_days(ws, args.id, dates)
                done = "recorded"
            else:
                saved = rpm.remove_reading_days(ws, args.id, dates)
                done = "removed"
            n = len(set(dates))
            print(f"RPM device {args.id}: {n} reading day{'' if n == 1 else 's'} {done}.")
            print("\n".join(_lines(saved.value, today)))
        else:
            found = rpm.devices(ws, patient_id_of(ws, args))
            if args.json:
                print_json([_json(d, today) for d in found])
                return 0
            for d in found:
                print("\n".join(_lines(d, today)))
            print(f"{len(found)} RPM device{'' if len(found) == 1 else 's'}")
        return 0

    return with_workspace(args, context, work)


COMMANDS: dict[str, Command] = {"rpm": cmd_rpm}
