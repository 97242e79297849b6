"""Today's plan on the command line: `caredesk capacity` shows or sets the care manager's daily
capacity (kept in the store, shared with the app), and `caredesk queue --plan` prints the plan."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from caredesk.app import AppContext
from caredesk.cli.common import EXIT_USAGE, Command, Subparsers, fail, open_workspace
from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.domain.queue import ReasonKind
from caredesk.errors import ValidationError

if TYPE_CHECKING:
    from caredesk.domain.today_plan import TodayPlan
    from caredesk.services.call_queue import QueueRow


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser, secret: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "capacity",
        parents=[common, secret],
        help="show or set the daily capacity today's plan fills (calls, or minutes of calls, a day)",
    )
    how = s.add_mutually_exclusive_group()
    how.add_argument("--calls", metavar="N", help="plan N calls a day")
    how.add_argument("--minutes", metavar="N", help="plan N minutes of calls a day")
    s.add_argument("--call-minutes", metavar="N", help="an ordinary call's minutes, for a plan by minutes")


def whole_number(option: str, text: str) -> int:
    """`text` as a whole number of ASCII digits (argparse's int would take "٣" or " 3_0");
    raises ValidationError naming the option."""
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise ValidationError(option, "must be a whole number")
    return int(text)


def cmd_capacity(args: argparse.Namespace, context: AppContext) -> int:
    from caredesk.services.call_capacity import get_capacity, save_capacity

    ws = open_workspace(args, context)
    try:
        now = get_capacity(ws)
        if args.calls is None and args.minutes is None and args.call_minutes is None:
            print(f"Daily capacity: {now.describe()}")
            return 0
        try:
            calls, minutes, call_minutes = (
                None if v is None else whole_number(flag, v)
                for flag, v in (
                    ("--calls", args.calls),
                    ("--minutes", args.minutes),
                    ("--call-minutes", args.call_minutes),
                )
            )
        except ValidationError as exc:
            return fail(f"{exc.field}: {exc.message}", EXIT_USAGE)
        unit = CapacityUnit.CALLS if calls is not None else CapacityUnit.MINUTES if minutes is not None else now.unit
        amount = calls if calls is not None else minutes if minutes is not None else now.amount
        try:
            new = Capacity(unit, amount, now.call_minutes if call_minutes is None else call_minutes)
        except ValidationError as exc:
            flag = {"calls a day": "--calls", "minutes a day": "--minutes", "minutes a call": "--call-minutes"}
            return fail(f"{flag.get(exc.field, exc.field)}: {exc.message}", EXIT_USAGE)
        save_capacity(ws, new)
    finally:
        ws.lock()
    print(f"Daily capacity saved: {new.describe()}")
    return 0


def print_plan(rows: list[QueueRow], p: TodayPlan, day: date) -> int:
    """Today's plan first (must, then what fits), then the patients for later days."""
    by_id = {r.patient_id: r for r in rows}
    cap = p.capacity
    used = cap.amount_text(p.done_today)
    made = f"{used} made today" if cap.unit is CapacityUnit.CALLS else f"{used} logged today"
    print(f"Today's plan for {day.isoformat()}: {cap.describe()}, {made}")
    per_day = (
        f" (at {cap.amount_text(p.per_day_after_today)} a day, everyone short of minutes is reached in time)"
        if p.per_day_after_today and not p.short
        else ""
    )

    def line(pid: int, indent: str = "  ") -> None:
        r = by_id[pid]
        done = next((x.text for x in r.entry.reasons if x.kind is ReasonKind.DONE_TODAY), None)
        also = f" ({done[:1].lower()}{done[1:]})" if done else ""  # "reached today at 1:20 PM", as the app
        print(f"{indent}- {r.patient.display_name} ({r.patient.mrn}): {r.entry.top.text}{also}")

    for title, ids in (("Must call today", p.must), ("Then, as they fit", p.fits)):
        print(f"{title}: {len(ids)}")
        for pid in ids:
            line(pid)
    print(f"Later days: {len(p.later)}{per_day}")
    spread = {pid for _day, ids in p.spread for pid in ids}
    for day_, ids in p.spread:
        print(f"  {day_.strftime('%a')} {day_.isoformat()}: {len(ids)}")
        for pid in ids:
            line(pid, "    ")
    rest = [pid for pid in p.later if pid not in spread]
    if rest and p.spread:
        print(f"  As time allows: {len(rest)}")
    for pid in rest:
        line(pid, "    " if p.spread else "  ")
    for why in p.short:
        print(f"Short: {why}")
    return 0


COMMANDS: dict[str, Command] = {"capacity": cmd_capacity}
