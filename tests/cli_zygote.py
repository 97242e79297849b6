"""The zygote behind tests/cli_process.py: a Python that has imported the CLI once and forks a
real `caredesk` process per request, as multiprocessing's forkserver or Android's zygote do.

It runs in its own interpreter (`python -c BOOT this-file FD`, started by cli_process.Zygote),
never in pytest. Protocol, over the SOCK_SEQPACKET socket FD:
- the zygote sends b"ready " + JSON of its os.environ once its imports are done (the variables
  the interpreter added at start, LC_CTYPE's coercion, go into every request's environment), or
  b"error " + the traceback;
- each request is one message, JSON {"module", "args", "env", "cwd", "umask", "stdin", "limits"},
  carrying the fds [reply socket, stdout, stderr] and stdin's when "stdin" is true (send_fds);
- on the reply socket the zygote sends b"pid N" after the fork and b"exit N" when the process
  ended (N as Popen.returncode: -SIGNAL when killed); the client may send b"kill" (its timeout)
  and closing the reply socket early kills the process too, as subprocess.run does.
The zygote ends when the control socket closes (the pytest process ended).

The forked child becomes what `python -m MODULE` (caredesk) would be when __main__ runs: its
fds 0/1/2, umask, resource limits, cwd, environment, argv, sys.path[0], standard streams built
as the interpreter builds them, then runpy's own `-m` entry; it ends as the interpreter does
(SystemExit's code, a traceback and 1 for an uncaught exception, threads joined, atexit run,
streams flushed: 120 when stdout cannot be flushed). What it cannot copy (the environment read
at the interpreter's start, a raised hard limit) the client checks before using the zygote.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import importlib
import importlib.machinery
import io
import json
import os
import pkgutil
import resource
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Any

# What `python -m caredesk` imports, plus what its commands import on first use (the store's
# SQLite dialect, Alembic, the PDF and FHIR modules, the demo panel): imports only, no state.
_LAZY = (
    "sqlalchemy.dialects.sqlite.pysqlcipher",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "alembic.command",
    "alembic.config",
    "alembic.script",
    "alembic.runtime.migration",
)
# Never imported ahead: the GUI (Qt), `__main__` (it would run the CLI) and Alembic's scripts.
_SKIP = ("caredesk.ui", "caredesk.__main__", "caredesk.store.migrations")
_MAX_REQUEST = 1 << 20


def preimport() -> None:
    importlib.import_module("caredesk.cli.main")
    package = importlib.import_module("caredesk")
    for info in pkgutil.walk_packages(package.__path__, "caredesk.", onerror=lambda _name: None):
        if not info.name.startswith(_SKIP):
            importlib.import_module(info.name)
    for name in _LAZY:
        importlib.import_module(name)


def serve(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    try:
        preimport()
    except BaseException:  # the client shows it and runs real processes
        control.send(b"error " + traceback.format_exc().encode())
        return
    gc.freeze()  # the imported modules stay shared with every child instead of being copied
    control.send(b"ready " + json.dumps(dict(os.environ)).encode())
    Server(control).loop()


class Server:
    """One thread: the control socket, the SIGCHLD wake-up pipe and each running child's reply socket."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda _sig, _frame: None)
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ)
        self.selector.register(self.wake_r, selectors.EVENT_READ)
        self.replies: dict[int, socket.socket] = {}  # pid -> its reply socket

    def loop(self) -> None:
        while True:
            for key, _events in self.selector.select():
                if key.fileobj is self.control:
                    if not self.accept():
                        return
                elif key.fileobj == self.wake_r:
                    os.read(self.wake_r, 4096)
                    self.reap()
                else:
                    self.from_client(key.fileobj, key.data)  # type: ignore[arg-type]

    def accept(self) -> bool:
        message, fds, _flags, _addr = socket.recv_fds(self.control, _MAX_REQUEST, 4)
        if not message:
            return False  # pytest ended
        reply = socket.socket(fileno=fds[0])
        request = json.loads(message)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                self.close_for_child(reply)
                become_caredesk(request, fds[1:])
            except BaseException:  # a fault of the zygote's own: said on the request's stderr
                traceback.print_exc()
            finally:
                os._exit(70)  # not reached when become_caredesk ran: it ends with os._exit
        for fd in fds[1:]:
            os.close(fd)
        self.replies[pid] = reply
        self.selector.register(reply, selectors.EVENT_READ, pid)
        _send(reply, f"pid {pid}")
        return True

    def close_for_child(self, reply: socket.socket) -> None:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        self.selector.close()
        for sock in (self.control, reply, *self.replies.values()):
            sock.close()
        os.close(self.wake_r)
        os.close(self.wake_w)

    def from_client(self, reply: socket.socket, pid: int) -> None:
        try:
            message = reply.recv(64)
        except OSError:
            message = b""
        if message == b"kill" or not message:  # the client's timeout, or it gave up waiting
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if not message:
            self.selector.unregister(reply)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            reply = self.replies.pop(pid, None)
            if reply is None:
                continue
            if _registered(self.selector, reply):
                self.selector.unregister(reply)
            _send(reply, f"exit {os.waitstatus_to_exitcode(status)}")
            reply.close()


def _registered(selector: selectors.BaseSelector, sock: socket.socket) -> bool:
    try:
        selector.get_key(sock)
    except KeyError:
        return False
    return True


def _send(reply: socket.socket, text: str) -> None:
    with contextlib.suppress(OSError):  # the client went away; its process is killed or already ended
        reply.send(text.encode())


# -- the child ---------------------------------------------------------------------------------


def become_caredesk(request: dict[str, Any], fds: list[int]) -> None:
    """Turn this forked child into `python -m MODULE ARGS` and end with its exit status."""
    stdout, stderr, *stdin = fds
    # dup2 onto 0/1/2 in an order that never overwrites a received fd still to be moved.
    moved = [os.dup(fd) for fd in (*stdin, stdout, stderr)]
    for fd in fds:
        os.close(fd)
    if not stdin:
        os.close(0)  # the caller had no fd 0, so a real child would have none
    for fd, target in zip(moved, (0, 1, 2)[-len(moved) :], strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.umask(request["umask"])
    for which, (soft, hard) in request["limits"]:  # the caller's, as a real child inherits them
        resource.setrlimit(which, (soft, hard))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    _standard_streams()
    module, args = request["module"], request["args"]
    sys.argv = ["-m", *args]
    sys.orig_argv = [sys.executable, "-m", module, *args]
    sys.path[0] = os.getcwd()  # `-m` puts the current folder first
    main = sys.modules["__main__"].__dict__
    main.clear()
    main.update(
        __name__="__main__",
        __doc__=None,
        __package__=None,
        __loader__=importlib.machinery.BuiltinImporter,
        __spec__=None,
        __annotations__={},
        __builtins__=builtins,
    )
    os._exit(_run(module))


def _standard_streams() -> None:
    """sys.stdin/stdout/stderr over fds 0/1/2 as the interpreter makes them at start (create_stdio
    in CPython's pylifecycle.c): encodings and errors as this interpreter's (the client checked
    the environment they come from is the same), line-buffered on a terminal, stderr always."""
    buffered = not sys.__stdout__.write_through if sys.__stdout__ else True
    made: list[Any] = []
    for fd, name, old in ((0, "stdin", sys.__stdin__), (1, "stdout", sys.__stdout__), (2, "stderr", sys.__stderr__)):
        try:
            os.fstat(fd)
        except OSError:
            made.append(None)
            continue
        writing = fd != 0
        mode, buffering = ("wb", -1 if buffered else 0) if writing else ("rb", -1)
        buf: Any = open(fd, mode, buffering=buffering, closefd=False)  # noqa: SIM115 - the process's own stdio
        raw = buf.raw if buffering else buf  # as create_stdio: the FileIO under a buffer
        raw.name = f"<{name}>"
        line = buffered and (raw.isatty() or fd == 2)
        encoding = old.encoding if old else "utf-8"
        errors = old.errors if old else "strict"
        stream: Any = io.TextIOWrapper(
            buf, encoding, errors, newline="\n", line_buffering=line, write_through=not buffered
        )
        stream.mode = "w" if writing else "r"
        made.append(stream)
    sys.stdin = sys.__stdin__ = made[0]  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = made[1]  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = made[2]  # type: ignore[misc]


def _run(module: str) -> int:
    """runpy's `-m` entry, then the interpreter's own ending (Py_RunMain, Py_FinalizeEx)."""
    import runpy

    interrupted = False
    try:
        runpy._run_module_as_main(module)  # type: ignore[attr-defined]
        code = 0
    except SystemExit as exc:
        code = _system_exit(exc)
    except BaseException as exc:  # printed as the interpreter prints it
        interrupted = isinstance(exc, KeyboardInterrupt)
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None  # from runpy's frame on, as -m shows it
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # non-daemon threads are waited for
    import atexit

    atexit._run_exitfuncs()
    for stream, failed in ((sys.stdout, 120), (sys.stderr, None)):
        try:
            if stream is not None:
                stream.flush()
        except Exception as exc:  # the interpreter reports it and exits 120
            if failed is not None:
                sys.unraisablehook(_Unraisable(exc, stream))  # type: ignore[arg-type]
                code = failed
    if interrupted:  # the interpreter ends by the signal itself, so the parent sees -SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return code


def _system_exit(exc: SystemExit) -> int:
    """SystemExit's code as the interpreter reads it: None is 0, an int itself, anything else is
    printed on stderr and is 1."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"{code}\n")
            sys.stderr.flush()
    except Exception:  # as the interpreter: the exit status is still 1
        pass
    return 1


class _Unraisable:
    def __init__(self, exc: BaseException, stream: object) -> None:
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = None
        self.object = stream
