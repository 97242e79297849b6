"""`caredesk` run on a pseudo-terminal, answering its prompts: getpass's prompts are real only when
its standard input is a terminal, so tests of what is asked (and when) run the command this way."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from collections.abc import Callable

from tests.cli.test_cli import cli_env


def at_a_terminal(
    args: list[str], answer: Callable[[str, int], str | None], *, env: dict[str, str] | None = None
) -> tuple[int, str, int]:
    """Run a fresh `python -m caredesk ARGS` whose terminal is a pty. After each read of its
    output, `answer(output so far, answers typed so far)` gives the next line to type, or None to
    wait. Returns the exit status, everything written to the terminal, and how many lines were
    typed. Killed after 90 s."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a caredesk process whose terminal is the pty
        os.execve(sys.executable, [sys.executable, "-m", "caredesk", *args], env if env is not None else cli_env())
    output, typed = "", 0
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child has exited and closed the terminal
                break
            if not chunk:
                break
            output += chunk.decode(errors="replace")
            while (line := answer(output, typed)) is not None:
                os.write(fd, f"{line}\n".encode())
                typed += 1
        else:
            os.kill(pid, 9)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output, typed
