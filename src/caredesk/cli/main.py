"""`caredesk`: headless commands over the same services as the GUI.

Every command group is a module (access, records, work, plans) with `add_parsers` and
`COMMANDS`; each command gets the parsed arguments and the composition root's context. A call
imports only its command's module (cli.command_groups), unless it shows every command's help.
Every error a user can cause ends with one clear line on stderr and a non-zero exit:
1 for most errors, 2 for usage, 3 for a wrong passphrase or recovery code, 4 when
there is no store. Never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from caredesk import __version__, clock, core_dumps, logs
from caredesk import app as composition
from caredesk.cli import command_groups
from caredesk.cli.common import (
    EXIT_CODES_HELP,
    EXIT_ERROR,
    EXIT_NO_STORE,
    EXIT_USAGE,
    EXIT_WRONG_SECRET,
    CliParser,
    fail,
    shared_options,
)
from caredesk.cli.on_demand import CommandParsers
from caredesk.errors import CareDeskError, StoreMissing, TooManyAttempts, WrongSecret
from caredesk.paths import resolve_data_dir

# A write to our own stdout failed for want of room or a device, not a bug of ours.
_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}
NAMES = frozenset([*command_groups.GROUP_OF, "gui"])


def _parser(commands: Collection[str] | None = None, *, alone: bool = False) -> argparse.ArgumentParser:
    """The `caredesk` parser. `commands`: those whose parsers are made now (None: every one);
    the others are named with their help line, and make theirs only if argparse picks them
    (cli.on_demand): same help, same errors, same parse. `alone`: only the modules of
    `commands` are imported (cli.command_groups); the others' commands are named without
    their help line, so the parser's own help is incomplete: only for an argv whose first word
    is the command, which the top-level parser never prints its help for."""
    return _build(commands, alone=alone).top


@dataclass(frozen=True)
class _Built:
    top: argparse.ArgumentParser
    commands: dict[str, argparse.ArgumentParser]  # the commands' parsers made, by name


def _build(commands: Collection[str] | None, *, alone: bool = False) -> _Built:
    parsers = CommandParsers(commands, later=lambda name: _build({name}, alone=True).commands[name])
    common, secret = shared_options()
    p = CliParser(
        prog="caredesk", description="CareDesk: an offline, encrypted caseload manager.", epilog=EXIT_CODES_HELP
    )
    p.add_argument("--version", action="version", version=f"caredesk {__version__}")
    # typeshed wants a class; argparse only calls it (cli.on_demand).
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=parsers.make)  # type: ignore[call-overload]
    for group in command_groups.GROUPS:
        names = [name for name, its in command_groups.GROUP_OF.items() if its == group]
        if alone and commands is not None and not any(name in commands for name in names):
            for name in names:  # a stand-in (cli.on_demand) with no help line: the module is not imported
                sub.add_parser(name)
        else:
            command_groups.load(group).add_parsers(sub, common, secret)
    sub.add_parser("gui", parents=[common], help="start the desktop app")
    return _Built(p, parsers.made)


def _command_in(argv: Sequence[str]) -> set[str]:
    """The command `argv` names, as argparse finds it: its first word that is a command's name
    (the top-level options, --help and --version, take no value); none for `caredesk`,
    `caredesk --help`. A guess, to make that one parser at once: argparse still decides, and a
    word it takes for something else only costs one more build (cli.on_demand)."""
    first = next((word for word in argv if word in NAMES), None)
    return set() if first is None else {first}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Output piped to a reader that went away
    (`caredesk patients | head -1`) ends quietly with 0: the reader took what it wanted
    (issue 11), as other tools that write to a pipe do. Core dumps are off before anything
    else (caredesk.core_dumps)."""
    core_dumps.disable()
    # Without CareDesk's log file, logging must not fall back to printing records on stderr.
    logging.getLogger().addHandler(logging.NullHandler())
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # `caredesk patients >&-`: run, and the output goes nowhere
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
    try:
        code = _run(argv)
        sys.stdout.flush()  # a pipe closed after the last write breaks here, not at exit
    except BrokenPipeError:
        # Python would report the pipe again while flushing stdout at exit: point it at null.
        _silence_stdout()
        return 0
    except OSError as exc:  # `caredesk patients > /dev/full`: the output could not be written
        _silence_stdout()
        return fail(f"the output could not be written ({exc.strerror})", EXIT_ERROR)
    return code


def _silence_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = _command_in(argv)
    # The top-level parser prints its help only for what comes before the command, and a
    # --version there ends the call before anything after it is read.
    parser = _parser(wanted, alone=bool(argv) and (argv[0] in wanted or argv[0] == "--version"))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "gui":
        from caredesk.ui.shell.launch import main as gui_main

        return gui_main(["--data-dir", args.data_dir] if args.data_dir else [])
    try:
        now = clock.from_environment()
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    context = composition.build(resolve_data_dir(args.data_dir), clock=now)
    refused = context.folder_refusal()
    if refused is not None:  # before logs/ or anything else is made there
        return fail(refused, EXIT_ERROR)
    if context.folder.has_store():  # never a logs/ folder in a folder that is not a store
        logs.configure(context.logs_dir)
    try:
        return command_groups.command(args.command)(args, context)
    except (WrongSecret, TooManyAttempts) as exc:  # README: 3 also while the back-off lasts
        return fail(str(exc), EXIT_WRONG_SECRET)
    except StoreMissing as exc:
        return fail(str(exc), EXIT_NO_STORE)
    except CareDeskError as exc:
        return fail(str(exc), EXIT_ERROR)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        raise  # main() ends quietly; not a defect, so not logged
    except OSError as exc:
        if exc.filename is None and exc.errno in _OUTPUT_ERRORS:
            raise  # writing our own output failed (a full disk under `> file`): main() says so
        return _unexpected(exc)
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    logs.log_unexpected(exc)
    where = "; the log in the data folder has the details" if logs.active() else ""
    return fail(f"unexpected error ({type(exc).__name__}){where}", EXIT_ERROR)
