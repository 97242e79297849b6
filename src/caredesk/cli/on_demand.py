"""Command parsers made on demand: `caredesk patients` makes the patients command's parser, not
all 99 parsers of the 42 commands and their actions (~420 options; ~18 ms a call, a quarter of
a `caredesk` call's CPU, much of it argparse asking gettext for its three words per parser).

The top-level subparsers action takes `CommandParsers.make` as its parser_class (argparse's hook
for what `add_parser` makes): a real CliParser for the commands asked for, a `NotMade` stand-in
for the others. The stand-in keeps what the top-level parser needs of a command (its name, and
its help line, which argparse keeps on the action itself), takes and ignores what the command's
group module then adds to it, and makes the real parser when argparse picks its command after
all: the parser made is the same whichever commands were asked for, only later.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection
from typing import Any

from caredesk.cli.common import CliParser


class CommandParsers:
    """What the top-level subparsers action makes for each command: `make` is its parser_class.
    `wanted`: the commands whose parsers are made at once (None: every command); `later(name)`
    makes one command's real parser, for a stand-in whose command argparse picked. `made`: the
    real parsers made, by command name."""

    def __init__(self, wanted: Collection[str] | None, later: Callable[[str], argparse.ArgumentParser]) -> None:
        self._wanted = wanted
        self._later = later
        self.made: dict[str, argparse.ArgumentParser] = {}

    def make(self, *, prog: str, **kwargs: Any) -> CliParser | NotMade:
        """argparse's add_parser calls this with the parser's keyword arguments; it has set
        prog to "<top-level prog> <name>" and kept help and aliases for itself."""
        name = prog.rpartition(" ")[2]
        if self._wanted is not None and name not in self._wanted:
            return NotMade(name, self._later)
        parser = self.made[name] = CliParser(prog=prog, **kwargs)
        return parser


class NotMade:
    """A command's parser not made: what its group module adds (options, groups, actions) is
    ignored, and when argparse picks the command (it calls parse_known_args on the command's
    parser, and nothing else) the real parser is made and parses."""

    def __init__(self, name: str, later: Callable[[str], argparse.ArgumentParser]) -> None:
        self._name = name
        self._later = later

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        return self._later(self._name).parse_known_args(args, namespace)

    # What the group modules call while declaring a command: nothing to keep.
    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_mutually_exclusive_group(self, **kwargs: Any) -> NotMade:
        return self

    def add_subparsers(self, **kwargs: Any) -> NotMade:
        return self

    def add_parser(self, name: str, **kwargs: Any) -> NotMade:
        return self
