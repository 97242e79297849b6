"""`caredesk` as a real process in tests, without paying Python's start and imports on every call.

Each call is still its own OS process with its own argv, environment, fds 0/1/2, cwd, umask and
exit status, but it is forked from a zygote (tests/cli_zygote.py: a `python` started once per
pytest process, which imported the CLI and what its commands use) instead of exec'ing a new
interpreter: ~0.6 s a call becomes a few ms of fork plus the command's own work.

A call runs as a fresh `python -m caredesk` instead when
- the caller asks (`fresh=True`: the journey test, tests of the start itself),
- $CAREDESK_TEST_FRESH_PROCESSES is 1 (the whole suite the old way),
- its environment differs from the zygote's in what is read when a process starts or imports
  (PYTHON*, locale and time-zone variables, LD_*: an empty PYTHONTZPATH, PYTHONIOENCODING),
  unless the caller asks for a zygote of its own environment (`env_zygote=True`: one more zygote,
  started with those variables, serves every such call of this process; the journey's TZ),
- this process has raised a resource limit's hard ceiling above the zygote's, which a child
  cannot (a lowered one, as caredesk.core_dumps leaves RLIMIT_CORE after an in-process main(),
  is set in the child: it inherits this process's limits as a real child would),
- the platform cannot fork and pass fds (Windows), or the zygote could not start (a warning
  says why).
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

FRESH_ENV = "CAREDESK_TEST_FRESH_PROCESSES"
# A file to append one JSON line per call to: the test, the command, forked or fresh, seconds
# (to find the tests whose calls cost: BENCHMARKS.md, "`make test` wall time (issue 14)").
CALL_LOG_ENV = "CAREDESK_TEST_CALL_LOG"
_ZYGOTE_FILE = str(Path(__file__).with_name("cli_zygote.py"))
# Loads cli_zygote.py by path, so the zygote imports nothing of the tests package.
_BOOT = (
    "import importlib.util as u, sys; s = u.spec_from_file_location('caredesk_test_zygote', sys.argv[1]); "
    "m = u.module_from_spec(s); sys.modules[s.name] = m; s.loader.exec_module(m); m.serve(int(sys.argv[2]))"
)
_START_TIMEOUT_S = 120
_PIPE_BUF = 512  # as subprocess writes stdin: never more than a pipe takes without blocking


def run_caredesk(
    args: list[str],
    *,
    env: dict[str, str],
    input: str | None = None,
    timeout: float | None = None,
    fresh: bool = False,
    env_zygote: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m caredesk ARGS` with `env`, as subprocess.run(..., capture_output=True, text=True)
    runs it: the same CompletedProcess, TimeoutExpired after killing it on a timeout."""
    return run_module("caredesk", args, env=env, input=input, timeout=timeout, fresh=fresh, env_zygote=env_zygote)


def run_module(
    module: str,
    args: list[str],
    *,
    env: dict[str, str],
    input: str | None = None,
    timeout: float | None = None,
    cwd: str | None = None,
    fresh: bool = False,
    env_zygote: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGS` in `cwd`: forked from the zygote unless a fresh one is due (above).
    MODULE is found as `-m` finds it (the current folder first) and imported in the process; a
    caredesk module other than the package itself is always fresh: the zygote imported it already,
    and runpy warns on stderr about a module imported before it runs as __main__."""
    command = [sys.executable, "-m", module, *args]
    forkable = module == "caredesk" or not module.startswith("caredesk.")
    started = time.perf_counter()
    how = "fresh"
    try:
        if forkable and not fresh and os.environ.get(FRESH_ENV) != "1":
            zygote = _zygote_of_environment(env) if env_zygote else _zygote(env)
            if zygote is not None and zygote.serves(env):
                how = "forked"
                return zygote.run(command, env, input, timeout, cwd)
        return subprocess.run(command, capture_output=True, text=True, env=env, input=input, timeout=timeout, cwd=cwd)
    finally:
        _log_call(module, args, how, time.perf_counter() - started)


def _log_call(module: str, args: list[str], how: str, seconds: float) -> None:
    """One line in $CAREDESK_TEST_CALL_LOG, when it is set, naming the command by its first two
    words (enough to tell the calls apart; the first call of a process includes the zygote's start)."""
    path = os.environ.get(CALL_LOG_ENV)
    if path:
        line = {
            "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0],
            "command": [module, *args[:2]],
            "how": how,
            "seconds": round(seconds, 4),
        }
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")


def _startup_environment(env: dict[str, str]) -> dict[str, str]:
    """What of `env` the interpreter, the loader and the C libraries read as the process starts and
    imports the CLI (Python's settings, locale, time zone, LD_PRELOAD, OpenSSL's configuration)."""
    keys = ("LANG", "LANGUAGE", "LOCPATH", "GCONV_PATH", "TZ", "TZDIR")
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "LC_", "LD_", "OPENSSL_", "MALLOC_")) or k in keys}


_RESOURCES = sorted({getattr(resource, n) for n in dir(resource) if n.startswith("RLIMIT_")})


def _limits() -> dict[int, tuple[int, int]]:
    return {r: resource.getrlimit(r) for r in _RESOURCES}


def _at_most(value: int, ceiling: int) -> bool:
    infinite = resource.RLIM_INFINITY
    return ceiling == infinite or (value != infinite and value <= ceiling)


# By pid: a forked pytest must not share its parent's. One that ended (killed from outside) is
# started again; one that could not start is None: real processes from then on.
_zygotes: dict[int, Zygote | None] = {}
_zygotes_lock = threading.Lock()


def _zygote(env: dict[str, str]) -> Zygote | None:
    if not (hasattr(os, "fork") and hasattr(socket, "send_fds")):
        return None
    with _zygotes_lock:
        pid = os.getpid()
        running = _zygotes.get(pid)
        if pid not in _zygotes or (running is not None and running.process.poll() is not None):
            _zygotes[pid] = Zygote.start({k: v for k, v in env.items() if not k.startswith("CAREDESK_")})
        return _zygotes[pid]


# Zygotes started for another start-up environment (env_zygote=True), by pid and its variables.
_env_zygotes: dict[tuple[int, tuple[tuple[str, str], ...]], Zygote | None] = {}


def _zygote_of_environment(env: dict[str, str]) -> Zygote | None:
    """This process's zygote when it serves `env`, else one started with `env`'s start-up
    variables (on first use, again if it ended). Never the first zygote itself: that one is
    started with the environment of the first ordinary call, which most calls share."""
    key = (os.getpid(), tuple(sorted(_startup_environment(env).items())))
    with _zygotes_lock:
        usual = _zygotes.get(key[0])
        if usual is not None and usual.serves(env):
            return usual
        running = _env_zygotes.get(key)
        if key not in _env_zygotes or (running is not None and running.process.poll() is not None):
            _env_zygotes[key] = Zygote.start({k: v for k, v in env.items() if not k.startswith("CAREDESK_")})
        return _env_zygotes[key]


class Zygote:
    def __init__(
        self, process: subprocess.Popen[bytes], control: socket.socket, env: dict[str, str], started: dict[str, str]
    ) -> None:
        self.process = process
        self.control = control
        self.startup = _startup_environment(env)
        # What the interpreter added to its environment as it started (LC_CTYPE=C.UTF-8 under the
        # C locale, PEP 538): a real start with the same locale adds the same.
        self.added = {k: v for k, v in started.items() if env.get(k) != v}
        self.limits = _limits()
        self.lock = threading.Lock()
        self.alive = True
        atexit.register(self.stop)

    @classmethod
    def start(cls, env: dict[str, str]) -> Zygote | None:
        control, remote = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with remote:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, _ZYGOTE_FILE, str(remote.fileno())],
                pass_fds=[remote.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        control.settimeout(_START_TIMEOUT_S)
        try:
            answer = control.recv(1 << 20)
        except OSError as exc:
            answer = f"error {exc!r}".encode()
        control.settimeout(None)
        if answer.startswith(b"ready "):
            return cls(process, control, env, json.loads(answer[6:]))
        warnings.warn(f"caredesk zygote did not start; real processes instead: {answer.decode()}", stacklevel=3)
        control.close()
        process.kill()
        process.wait()
        return None

    def serves(self, env: dict[str, str]) -> bool:
        return self.alive and _startup_environment(env) == self.startup and self.limits_for_child() is not None

    def limits_for_child(self) -> dict[int, tuple[int, int]] | None:
        """This process's limits that differ from the zygote's, for its child to set; None when one
        has a hard ceiling above the zygote's (only a privileged process may raise it)."""
        now = _limits()
        if not all(_at_most(now[r][1], self.limits[r][1]) for r in now):
            return None
        return {r: limit for r, limit in now.items() if limit != self.limits[r]}

    def stop(self) -> None:
        self.alive = False
        self.control.close()  # the zygote ends when its control socket closes
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def run(
        self, command: list[str], env: dict[str, str], input: str | None, timeout: float | None, cwd: str | None
    ) -> subprocess.CompletedProcess[str]:
        call = _Call(input)
        try:
            request = {
                "module": command[2],
                "args": command[3:],
                "env": {**env, **self.added},
                "cwd": os.path.abspath(cwd or os.getcwd()),
                "umask": _umask(),
                "stdin": call.stdin_fd is not None,
                "limits": list((self.limits_for_child() or {}).items()),
            }
            with self.lock:
                socket.send_fds(self.control, [json.dumps(request).encode()], call.remote_fds())
            call.sent()
            return call.communicate(command, timeout)
        finally:
            call.close()


def _umask() -> int:
    mask = os.umask(0o077)  # reading it means setting it: put it back at once
    os.umask(mask)
    return mask


class _Call:
    """One request's pipes and reply socket, and the loop that feeds stdin and reads stdout, stderr
    and the exit status together (as Popen.communicate), so no pipe fills up and blocks."""

    def __init__(self, input: str | None) -> None:
        self.encoding = subprocess._text_encoding()  # type: ignore[attr-defined]  # what text=True uses
        self.input = input.encode(self.encoding) if input is not None else None
        self.reply, self.reply_remote = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.out_r, self.out_w = os.pipe()
        self.err_r, self.err_w = os.pipe()
        self.in_w: int | None = None
        self.stdin_fd: int | None = None
        if input is not None:
            self.stdin_fd, self.in_w = os.pipe()
        elif _valid(0):
            self.stdin_fd = 0  # inherited, as subprocess.run(input=None) leaves it
        self.remote = [self.out_w, self.err_w] + ([self.stdin_fd] if self.stdin_fd not in (None, 0) else [])

    def remote_fds(self) -> list[int]:
        fds = [self.reply_remote.fileno(), self.out_w, self.err_w]
        return fds + ([self.stdin_fd] if self.stdin_fd is not None else [])

    def sent(self) -> None:
        """The zygote holds its copies now: close ours, so EOF comes when the child's close."""
        self.reply_remote.close()
        for fd in self.remote:
            os.close(fd)
        self.remote = []

    def communicate(self, command: list[str], timeout: float | None) -> subprocess.CompletedProcess[str]:
        deadline = None if timeout is None else time.monotonic() + timeout
        pid_message = self.reply.recv(64)
        if not pid_message.startswith(b"pid "):
            raise RuntimeError(f"caredesk zygote: no process started ({pid_message!r})")
        output: dict[int, list[bytes]] = {self.out_r: [], self.err_r: []}
        status: int | None = None
        with selectors.DefaultSelector() as selector:
            for fd in output:
                selector.register(fd, selectors.EVENT_READ)
            selector.register(self.reply, selectors.EVENT_READ)
            written = self._start_input(selector)
            while selector.get_map():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    self._kill_and_wait(status)
                    raise subprocess.TimeoutExpired(
                        command,
                        timeout or 0,
                        b"".join(output[self.out_r]) or None,
                        b"".join(output[self.err_r]) or None,
                    )
                for key, _events in selector.select(left):
                    if key.fileobj is self.reply:
                        status = _exit_status(self.reply.recv(64))
                        selector.unregister(self.reply)
                    elif key.fd == self.in_w:
                        written = self._write_input(selector, written)
                    else:
                        chunk = os.read(key.fd, 32768)
                        if chunk:
                            output[key.fd].append(chunk)
                        else:
                            selector.unregister(key.fd)
        assert status is not None
        out, err = (self._text(b"".join(output[fd])) for fd in (self.out_r, self.err_r))
        return subprocess.CompletedProcess(command, status, out, err)

    def _start_input(self, selector: selectors.BaseSelector) -> int:
        if self.in_w is not None:
            if self.input:
                selector.register(self.in_w, selectors.EVENT_WRITE)
            else:
                self._close_input()
        return 0

    def _write_input(self, selector: selectors.BaseSelector, written: int) -> int:
        assert self.input is not None and self.in_w is not None
        try:
            written += os.write(self.in_w, self.input[written : written + _PIPE_BUF])
        except BrokenPipeError:  # the process stopped reading: as communicate(), not an error
            written = len(self.input)
        if written >= len(self.input):
            selector.unregister(self.in_w)
            self._close_input()
        return written

    def _close_input(self) -> None:
        if self.in_w is not None:
            os.close(self.in_w)
            self.in_w = None

    def _kill_and_wait(self, status: int | None) -> None:
        if status is None:
            self.reply.send(b"kill")
            _exit_status(self.reply.recv(64))

    def _text(self, data: bytes) -> str:
        return data.decode(self.encoding).replace("\r\n", "\n").replace("\r", "\n")

    def close(self) -> None:
        """Everything still open; closing the reply socket early has the zygote kill the process."""
        self.reply.close()
        self.reply_remote.close()
        self._close_input()
        for fd in (self.out_r, self.err_r, *self.remote):
            os.close(fd)
        self.remote = []


def _exit_status(message: bytes) -> int:
    if not message.startswith(b"exit "):
        raise RuntimeError(f"caredesk zygote: no exit status ({message!r})")
    return int(message[5:])


def _valid(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def zygote_pid() -> int | None:
    """The pid of this process's zygote, if it runs (for tests of it)."""
    zygote = _zygotes.get(os.getpid())
    return zygote.process.pid if zygote is not None else None
