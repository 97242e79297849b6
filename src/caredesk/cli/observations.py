"""Vitals and labs from a terminal: `obs add`, `obs list`, `target set|clear`.

    caredesk obs add --mrn M --kind A1c --value 7.2 [--on DATE]
    caredesk obs add --mrn M --bp 142/88 [--on DATE]
    caredesk obs list --mrn M [--kind K] [--json]
    caredesk obs trend --mrn M --kind K [--json]
    caredesk target set --mrn M --kind A1c [--low L] [--high H]
    caredesk target clear --mrn M --kind A1c

Values are plain numbers in the measure's unit (the unit is never typed); measures are
named as the chart names them, in any case (A1c, weight, glucose, heart rate, SpO2, eGFR,
LDL, HDL, temperature, respiratory rate; blood pressure with --bp).
"""

from __future__ import annotations

import argparse
import json
import sys

from caredesk.app import AppContext
from caredesk.cli.common import DATE, EXIT_USAGE, Command, Subparsers, date_arg, fail, open_workspace
from caredesk.domain.patients import ObservationKind
from caredesk.domain.readings import BLOOD_PRESSURE, BP_KINDS, Reading, band_text, unit_of, with_unit
from caredesk.services import observations as obs
from caredesk.services import patients as patient_records

MEASURES = ", ".join(k.value for k in ObservationKind if k not in BP_KINDS)
BP_NAMES = (BLOOD_PRESSURE, "bp")


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    o = sub.add_parser("obs", help="vitals and labs: add a reading, list them")
    osub = o.add_subparsers(dest="obs_command", metavar="ACTION", required=True)
    s = osub.add_parser("add", parents=[common, secret], help="record a reading (a blood pressure with --bp)")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", help=f"the measure: {MEASURES}")
    s.add_argument("--value", help="the value as a plain number in the measure's unit (7.2, not 7,2 or 7.2%%)")
    s.add_argument("--bp", metavar="SYS/DIA", help="a blood pressure in mmHg, such as 142/88")
    s.add_argument("--on", metavar=DATE, help="the day it was measured (default: today; never a future day)")

    s = osub.add_parser("list", parents=[common, secret], help="a patient's readings, newest first")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", help=f"only this measure ({MEASURES}, or blood pressure)")
    s.add_argument("--json", action="store_true", help="print a JSON list of objects")

    s = osub.add_parser("trend", parents=[common, secret], help="one measure's readings oldest first, and its target")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", required=True, help=f"the measure ({MEASURES}, systolic BP, diastolic BP)")
    s.add_argument("--json", action="store_true", help='print {"measure", "unit", "target", "points": [[date, value]]}')

    t = sub.add_parser("target", help="a patient's own target band for a measure")
    tsub = t.add_subparsers(dest="target_command", metavar="ACTION", required=True)
    s = tsub.add_parser("set", parents=[common, secret], help="set the patient's own band (replaces the default)")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", required=True, help=f"the measure ({MEASURES}, systolic BP, diastolic BP)")
    s.add_argument("--low", help="the lowest value in target (open when left out)")
    s.add_argument("--high", help="the highest value in target (open when left out)")
    s = tsub.add_parser("clear", parents=[common, secret], help="return a measure to the clinic's default band")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--kind", required=True, help="the measure")


def _is_bp(kind: str | None) -> bool:
    return kind is not None and kind.strip().lower() in BP_NAMES


def _position(r: Reading) -> str:
    return r.position.value if r.position is not None else "no target"


def cmd_obs(args: argparse.Namespace, context: AppContext) -> int:
    actions = {"add": _obs_add, "list": _obs_list, "trend": _obs_trend}
    return actions[args.obs_command](args, context)


def _obs_add(args: argparse.Namespace, context: AppContext) -> int:
    bp_text = args.bp if args.bp is not None else (args.value if _is_bp(args.kind) else None)
    if bp_text is None and (args.kind is None or args.value is None):
        return fail("obs add needs --kind and --value, or --bp SYS/DIA", EXIT_USAGE)
    if args.bp is not None and args.kind is not None:
        return fail("give either --bp or --kind with --value, not both", EXIT_USAGE)
    pair = obs.parse_blood_pressure(bp_text) if bp_text is not None else None
    on = date_arg("--on", args.on)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        day = on or ws.today()
        if pair is not None:
            saved = obs.add_blood_pressure(ws, patient.id, systolic=pair[0], diastolic=pair[1], observed_on=day)
        else:
            saved = obs.add_reading(ws, patient.id, kind=args.kind, value=args.value, observed_on=day)
    finally:
        ws.lock()
    r = saved.value
    print(f"Recorded {r.measure} {r.value_text} on {day.isoformat()} for {patient.mrn} ({_position(r)}).")
    return 0


def _obs_list(args: argparse.Namespace, context: AppContext) -> int:
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        rows = obs.readings(ws, patient.id, args.kind, audit_view=True)
    finally:
        ws.lock()
    if args.json:
        out = [
            {
                "id": r.id,
                "measure": r.measure,
                "value": r.first.value,
                "diastolic": r.diastolic.value if r.diastolic is not None else None,
                "unit": r.first.unit,
                "observed_on": r.observed_on.isoformat(),
                "position": r.position.value if r.position is not None else None,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    header = f"{'Date':<10}  {'Measure':<16}  {'Value':<20}  Target"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.observed_on.isoformat():<10}  {r.measure:<16}  {r.value_text:<20}  {_position(r)}")
    print(f"{len(rows)} reading{'' if len(rows) == 1 else 's'}")
    return 0


def _obs_trend(args: argparse.Namespace, context: AppContext) -> int:
    if _is_bp(args.kind):
        return fail("a blood-pressure trend is --kind 'systolic BP' or --kind 'diastolic BP'", EXIT_USAGE)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        points, band = obs.trend(ws, patient.id, args.kind, audit_view=True)
    finally:
        ws.lock()
    kind = _named(args.kind)
    if args.json:
        low, high = band or (None, None)
        out = {
            "measure": kind.value,
            "unit": unit_of(kind),
            "target": {"low": low, "high": high} if band else None,
            "points": [[day.isoformat(), value] for day, value in points],
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{kind.value} for {patient.mrn}, target {band_text(kind, band)}")
    for day, value in points:
        print(f"{day.isoformat()}  {with_unit(f'{value:g}', unit_of(kind))}")
    print(f"{len(points)} reading{'' if len(points) == 1 else 's'}")
    return 0


def _named(text: str) -> ObservationKind:
    """The measure the service accepted (by name, any case)."""
    return next(k for k in ObservationKind if k.value.lower() == text.strip().lower())


def cmd_target(args: argparse.Namespace, context: AppContext) -> int:
    if _is_bp(args.kind):
        return fail("set a blood-pressure target as --kind 'systolic BP' and --kind 'diastolic BP'", EXIT_USAGE)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        if args.target_command == "set":
            obs.set_target(ws, patient.id, kind=args.kind, low=args.low, high=args.high)
        else:
            obs.clear_target(ws, patient.id, kind=args.kind)
        bands = obs.bands(ws, patient.id)
        own = obs.targets(ws, patient.id)
    finally:
        ws.lock()
    kind = _named(args.kind)
    whose = "own" if kind in own else "clinic default"
    print(f"{kind.value} target for {patient.mrn}: {band_text(kind, bands[kind])} ({whose}).")
    return 0


COMMANDS: dict[str, Command] = {"obs": cmd_obs, "target": cmd_target}
