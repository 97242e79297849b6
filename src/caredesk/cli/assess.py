"""Screens and the safety protocol from a terminal.

    caredesk assess --mrn M --instrument phq2|phq9|gad7|social --answers 3,3,3,3,3,3,3,3,3
                    [--on DATE] [--minutes N] [--json]
    caredesk assess history --mrn M [--instrument I] [--json]
    caredesk safety-check --mrn M --actions crisis-line,pcp-told [--note TEXT] [--screen ID] [--by NAME]

Answers are the items' option values in order, comma-separated; an empty place is an item
not answered (`--answers 1,2,,,,,,,` saves an incomplete PHQ-9, kept but never scored).
PHQ-9 / GAD-7 / PHQ-2 items take 0-3 (not at all .. nearly every day). The social-needs
screen takes the AHC questions in order: living situation 0-2, two food items 0-2 (never,
sometimes, often true), transportation 0-1, utilities 0-2 (no, yes, already shut off),
four interpersonal-safety items 1-5 (never .. frequently). The score is computed, never typed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, tzinfo

from caredesk.app import AppContext
from caredesk.cli.common import DATE, EXIT_USAGE, Command, Subparsers, date_arg, fail, open_workspace
from caredesk.domain.assessments import Instrument, Result, carried_into, spec
from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Assessment
from caredesk.domain.safety import SafetyAction, SafetyCheck
from caredesk.errors import ValidationError
from caredesk.services import assessments as screens
from caredesk.services import patients as patient_records
from caredesk.services.practice import signature
from caredesk.services.workspace import Workspace

INSTRUMENTS = {
    "phq2": Instrument.PHQ2,
    "phq9": Instrument.PHQ9,
    "gad7": Instrument.GAD7,
    "social": Instrument.SOCIAL_NEEDS,
}
ACTIONS = ", ".join(a.value for a in SafetyAction)
# Values that start with a dash and a digit, "-1,0,0" (argparse's own pattern takes "-1" alone).
_LEADING_DASH_VALUE = re.compile(r"^-\d[\d,\s.+-]*$|^-\.\d")
ANSWERS_HELP = """answers, in item order (an empty place = not answered):
  phq2, phq9, gad7  each 0-3: not at all, several days, more than half the days, nearly every day
  social            the AHC questions: living situation 0-2 (steady, worried about losing it,
                    no steady place); 2 food items 0-2 (never, sometimes, often true);
                    transportation 0-1; utilities 0-2 (no, yes, already shut off);
                    4 interpersonal-safety items 1-5 (never, rarely, sometimes, fairly often,
                    frequently)"""


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    shared = [common, secret]
    names = ", ".join(INSTRUMENTS)
    a = sub.add_parser(
        "assess",
        parents=shared,
        help="record a screen (PHQ-2, PHQ-9, GAD-7, social needs); 'assess history' lists them",
        description="Record a screen, scored from its answers; or, with the action history, list a patient's screens.",
        epilog=ANSWERS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # "--answers -1,0,..." is a value, not an option: argparse takes "-1" alone for a number
    # but "-1,0" for an unknown option ("expected one argument"); the check names the item.
    a._negative_number_matcher = _LEADING_DASH_VALUE
    a.add_argument("--mrn", help="the patient's MRN")
    a.add_argument("--instrument", help=f"the instrument: {names}")
    a.add_argument("--answers", help="the option values in item order, comma-separated; empty = not answered")
    a.add_argument("--on", metavar=DATE, help="the day it was taken (default: today; never a future day)")
    a.add_argument("--minutes", type=int, help="minutes spent, logged as assessment time for the main program")
    a.add_argument("--json", action="store_true", help="print the saved screen as a JSON object")
    actions = a.add_subparsers(dest="action", metavar="ACTION")
    h = actions.add_parser("history", parents=shared, help="a patient's screens and scores, oldest first")
    h.add_argument("--mrn", required=True, help="the patient's MRN")
    h.add_argument("--instrument", help=f"only this instrument: {names}")
    h.add_argument("--json", action="store_true", help="print a JSON list of objects")

    s = sub.add_parser("safety-check", parents=shared, help="document the safety check of a flagged screen")
    s.add_argument("--mrn", required=True, help="the patient's MRN")
    s.add_argument("--actions", required=True, help=f"what was done, comma-separated: {ACTIONS}")
    s.add_argument("--note", default="", help="what was said and agreed (required with 'other')")
    s.add_argument("--screen", type=int, metavar="ID", help="the flagged screen (needed when several are open)")
    s.add_argument("--by", metavar="NAME", help="who checked (default: the practice profile's care manager)")


def _instrument(text: str) -> Instrument:
    key = text.strip().lower().replace("-", "").replace(" ", "")
    key = "social" if key == "socialneeds" else key
    if key not in INSTRUMENTS:
        raise ValidationError("--instrument", f"must be one of: {', '.join(INSTRUMENTS)}")
    return INSTRUMENTS[key]


def parse_answers(instrument: Instrument, text: str) -> list[int | None]:
    """`1,2,,3` -> [1, 2, None, 3]. A place that is not a whole number written in ASCII digits
    ("-1", "x", a full-width "０") is refused naming its item: "PHQ-9 item 1: -1 is not an
    answer (0-3)"; no answer at all: "PHQ-9: needs 9 answers, none given"."""
    items = spec(instrument).items
    places = text.split(",")
    if not any(p.strip() for p in places):
        raise ValidationError(instrument.value, f"needs {len(items)} answers, none given")
    out: list[int | None] = []
    for n, raw in enumerate(places, start=1):
        token = raw.strip()
        if not token:
            out.append(None)
        elif token.isascii() and token.isdigit():
            out.append(int(token))
        else:
            if n > len(items):
                raise ValidationError(instrument.value, f"needs {len(items)} answers, not {len(places)}")
            values = items[n - 1].values
            raise ValidationError(
                f"{instrument.value} item {n}", f"{token} is not an answer ({values[0]}-{values[-1]})"
            )
    return out


def _cli_name(instrument: Instrument) -> str:
    return next((k for k, v in INSTRUMENTS.items() if v is instrument), instrument.value)


def cmd_assess(args: argparse.Namespace, context: AppContext) -> int:
    if args.action == "history":
        return _history(args, context)
    if args.mrn is None or args.instrument is None or args.answers is None:
        return fail("assess needs --mrn, --instrument and --answers (or: assess history --mrn M)", EXIT_USAGE)
    instrument = _instrument(args.instrument)
    answers = parse_answers(instrument, args.answers)
    on = date_arg("--on", args.on)
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        saved = screens.record_assessment(ws, patient.id, instrument, answers, on or ws.today(), minutes=args.minutes)
    finally:
        ws.lock()
    a = saved.value
    if args.json:
        json.dump(_as_json(a, patient.mrn, None, UTC), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for line in _said(a, patient.mrn):
        print(line)
    return 0


def _said(a: Assessment, mrn: str) -> list[str]:
    r = a.result
    where = f"{a.instrument.value} for {mrn} on {us_date(a.taken_on)} (screen {a.id})"
    if not r.complete:
        lines = [f"Saved {where} as incomplete: {r.answered} of {len(a.answers)} answered, not scored."]
    else:
        lines = [f"Saved {where}: score {r.score}, {r.band}."]
    if r.safety:
        what = "item 9 positive" if a.instrument is Instrument.PHQ9 else "interpersonal-safety items positive"
        lines.append(f"SAFETY: {what} - document a safety check")
        lines.append(
            f"  caredesk safety-check --mrn {mrn} --screen {a.id} --actions A,B --note TEXT  (actions: {ACTIONS})"
        )
    other = [d for d in r.positive_domains if d != "safety"]
    if other:
        lines.append(f"Positive: {', '.join(other)} - a referral to a community resource may help.")
    if r.follow_on is not None:
        lines.append(f"Positive {a.instrument.value}: continue with the {r.follow_on.value} ({_prefill(a, r)}).")
    return lines


def _prefill(a: Assessment, r: Result) -> str:
    assert r.follow_on is not None
    carried = ",".join("" if v is None else str(v) for v in carried_into(r.follow_on, a.answers))
    return f"--instrument {_cli_name(r.follow_on)} --answers {carried} with the rest filled in"


def _as_json(a: Assessment, mrn: str, check: SafetyCheck | None, tz: tzinfo) -> dict[str, object]:
    """The same keys for every instrument: `safety_checked` is null for a screen that raised no
    safety flag, else whether its safety check is documented; `safety_check` that record (its
    time in the clinic's zone) or null."""
    r = a.result
    out: dict[str, object] = {
        "id": a.id,
        "mrn": mrn,
        "instrument": a.instrument.value,
        "taken_on": a.taken_on.isoformat(),
        "answers": list(a.answers),
        "complete": r.complete,
        "score": r.score,
        "band": r.band,
        "safety": r.safety,
        "positive_domains": list(r.positive_domains),
        "follow_on": r.follow_on.value if r.follow_on is not None else None,
        "safety_checked": (check is not None) if r.safety else None,
        "safety_check": None
        if check is None
        else {
            "checked_at": check.checked_at.astimezone(tz).isoformat(),
            "by": check.by,
            "actions": [x.value for x in check.actions],
            "note": check.note,
        },
    }
    return out


def _history(args: argparse.Namespace, context: AppContext) -> int:
    instrument = _instrument(args.instrument) if args.instrument else None
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        rows = screens.history(ws, patient.id, instrument)
        checked = {c.assessment_id: c for c in screens.safety_checks(ws, patient.id)}
        tz = ws.tz
    finally:
        ws.lock()
    if args.json:
        out = [_as_json(a, patient.mrn, checked.get(a.id) if a.id is not None else None, tz) for a in rows]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    header = f"{'ID':>5}  {'Date':<10}  {'Instrument':<16}  {'Score':<26}  Safety"
    print(header)
    print("-" * len(header))
    for a in rows:
        r = a.result
        score = f"{r.score} {r.band}" if r.complete else f"incomplete ({r.answered} of {len(a.answers)})"
        safety = ("checked" if a.id in checked else "FLAG OPEN") if r.safety else ""
        print(f"{a.id:>5}  {us_date(a.taken_on):<10}  {a.instrument.value:<16}  {score:<26}  {safety}".rstrip())
        if a.id in checked:
            print(f"{'':>5}  {checked[a.id].summary(tz)}")
    print(f"{len(rows)} screen{'' if len(rows) == 1 else 's'}")
    return 0


def cmd_safety_check(args: argparse.Namespace, context: AppContext) -> int:
    chosen = [a.strip() for a in args.actions.split(",") if a.strip()]
    ws = open_workspace(args, context)
    try:
        patient = patient_records.by_mrn(ws, args.mrn)
        assert patient.id is not None
        screen_id = _screen(ws, patient.id, args.screen)
        saved = screens.record_safety_check(ws, screen_id, chosen, args.note, args.by or signature(ws))
        left = screens.open_safety_flags(ws, patient.id)
        screen = next(a for a in screens.history(ws, patient.id) if a.id == screen_id)
    finally:
        ws.lock()
    c = saved.value
    print(
        f"Safety check recorded for {patient.mrn}'s {screen.instrument.value} of {us_date(screen.taken_on)} "
        f"(screen {screen_id}) by {c.by}: {', '.join(c.action_labels)}."
    )
    if left:
        print(
            f"Still open: {', '.join(f'{f.what} on {us_date(f.taken_on)} (screen {f.assessment_id})' for f in left)}."
        )
    return 0


def _screen(ws: Workspace, patient_id: int, given: int | None) -> int:
    """The screen to check: the one given (the patient's), else the only open flag."""
    if given is not None:
        if not any(a.id == given for a in screens.history(ws, patient_id)):
            raise ValidationError("--screen", f"{given} is not a screen of this patient (see caredesk assess history)")
        return given
    flags = screens.open_safety_flags(ws, patient_id)
    if not flags:
        raise ValidationError("safety-check", "this patient has no open safety flag")
    if len(flags) > 1:
        ids = ", ".join(str(f.assessment_id) for f in flags)
        raise ValidationError("--screen", f"{len(flags)} safety flags are open (screens {ids}): name one")
    return flags[0].assessment_id


COMMANDS: dict[str, Command] = {"assess": cmd_assess, "safety-check": cmd_safety_check}
