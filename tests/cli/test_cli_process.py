"""The tests' zygote (tests/cli_process.py) gives each call a real process of its own that
behaves as a fresh `python -m MODULE` does: a probe module run both ways must give the same
exit status, stdout and stderr (tracebacks included), and each call is a new pid."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import cli_process
from tests.cli.test_cli import cli_env, run
from tests.cli_process import FRESH_ENV, run_module, zygote_pid

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the zygote forks; elsewhere every call is fresh")

PROBE = """
import atexit, os, sys, threading, time
what = sys.argv[1]
if what == "exit":
    sys.exit(int(sys.argv[2]))
if what == "exit-text":
    sys.exit("caredesk: said on stderr")
if what == "exit-none":
    sys.exit()
if what == "crash":
    def inner():
        raise ValueError("a real bug")
    inner()
if what == "interrupt":
    raise KeyboardInterrupt
if what == "echo":
    data = sys.stdin.read()
    print(len(data), data[:20], data[-20:])
if what == "big":
    line = "x" * 99 + "\\n"
    for _ in range(int(sys.argv[2])):
        sys.stdout.write(line)
        sys.stderr.write(line)
if what == "env":
    print(sorted(os.environ.items()))
if what == "where":
    print(os.getcwd(), sys.path[0], sys.argv, oct(os.umask(0o22)))
if what == "streams":
    for s in (sys.stdin, sys.stdout, sys.stderr):
        print(s.name, s.encoding, s.errors, s.line_buffering, s.write_through, s.mode, s.isatty())
if what == "pids":
    print(os.getpid(), os.getppid())
if what == "limits":
    import resource
    print(resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_CORE))
if what == "sleep":
    print("started", flush=True)
    time.sleep(float(sys.argv[2]))
if what == "late":  # a thread still writing and an atexit hook: the interpreter waits for both
    threading.Thread(target=lambda: (time.sleep(0.2), print("thread done"))).start()
    atexit.register(lambda: print("atexit ran"))
    sys.stdout.write("no newline, not flushed")
"""


@pytest.fixture
def probe(tmp_path: Path):
    (tmp_path / "zygote_probe.py").write_text(PROBE)
    env = cli_env()

    def both(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """The zygote's result, checked equal to a fresh interpreter's (in the environment run()
        gives `caredesk`: the zygote the CLI tests use, whichever test started it)."""
        forked = run_module("zygote_probe", list(args), env=env, input=input, timeout=60, cwd=str(tmp_path))
        fresh = run_module("zygote_probe", list(args), env=env, input=input, timeout=60, cwd=str(tmp_path), fresh=True)
        assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
        assert forked.args == fresh.args == [sys.executable, "-m", "zygote_probe", *args]
        return forked

    return both


@pytest.fixture(autouse=True)
def _zygote_on(monkeypatch):
    monkeypatch.delenv(FRESH_ENV, raising=False)


@pytest.mark.parametrize(
    ("args", "code"), [(("exit", "0"), 0), (("exit", "1"), 1), (("exit", "2"), 2), (("exit", "300"), 44)]
)
def test_exit_codes_as_the_interpreter_gives_them(probe, args, code):
    assert probe(*args).returncode == code


def test_sys_exit_with_text_prints_it_and_exits_1_and_none_is_0(probe):
    r = probe("exit-text")
    assert (r.returncode, r.stderr) == (1, "caredesk: said on stderr\n")
    assert probe("exit-none").returncode == 0


def test_a_crash_prints_the_interpreters_traceback_and_exits_1(probe, tmp_path):
    r = probe("crash")
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert f'File "{tmp_path / "zygote_probe.py"}"' in r.stderr and "in inner" in r.stderr
    assert r.stderr.endswith("ValueError: a real bug\n")
    assert "cli_zygote" not in r.stderr  # the zygote's own frames are not shown


def test_an_uncaught_keyboard_interrupt_ends_by_sigint(probe):
    r = probe("interrupt")
    assert r.returncode == -2 and "KeyboardInterrupt" in r.stderr


def test_stdin_is_the_input_or_empty(probe):
    text = "é" + "0123456789" * 100_000 + "ü"
    assert probe("echo", input=text).stdout == f"{len(text)} {text[:20]} {text[-20:]}\n"
    assert probe("echo", input="").stdout == "0  \n"


def test_large_output_on_both_streams_at_once(probe):
    r = probe("big", "20000")  # 2 MB each: far more than a pipe holds
    assert r.stdout == r.stderr == ("x" * 99 + "\n") * 20000


def test_each_call_gets_exactly_its_environment(probe, tmp_path):
    env = cli_env()
    first = run_module("zygote_probe", ["env"], env={**env, "ONLY_ONCE": "1"}, cwd=str(tmp_path), timeout=60)
    second = run_module("zygote_probe", ["env"], env=env, cwd=str(tmp_path), timeout=60)
    assert "('ONLY_ONCE', '1')" in first.stdout and "ONLY_ONCE" not in second.stdout
    probe("env")  # and the whole of it equals a fresh start's (LC_CTYPE's coercion included)


def test_cwd_argv_sys_path_and_umask_as_a_fresh_start(probe, tmp_path):
    old = os.umask(0o027)
    try:
        r = probe("where", "--flag", "é")
    finally:
        os.umask(old)
    assert r.stdout == f"{tmp_path} {tmp_path} {[str(tmp_path / 'zygote_probe.py'), 'where', '--flag', 'é']} 0o27\n"


def test_standard_streams_are_made_as_at_start(probe):
    probe("streams")


def test_threads_and_atexit_are_waited_for_and_stdout_flushed(probe):
    assert probe("late").stdout == "no newline, not flushedthread done\natexit ran\n"


def test_each_call_is_a_new_process_forked_from_the_zygote(tmp_path, probe):
    probe("exit", "0")  # the zygote runs
    env = cli_env()
    calls = [run_module("zygote_probe", ["pids"], env=env, cwd=str(tmp_path), timeout=60) for _ in range(3)]
    pids = {tuple(map(int, call.stdout.split())) for call in calls}
    assert len({pid for pid, _parent in pids}) == 3
    zygote = zygote_pid()
    assert zygote is not None and {parent for _pid, parent in pids} == {zygote}
    assert os.getpid() not in {pid for pid, _parent in pids} | {zygote}


def test_resource_limits_are_the_callers_as_a_real_child_inherits_them(tmp_path, probe):
    """A limit lowered here after the zygote started (an in-process main() leaves RLIMIT_CORE at
    0, caredesk.core_dumps) is the child's too, and the call still comes from the zygote."""
    probe("exit", "0")  # the zygote runs
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft - 1, hard))
    try:
        assert probe("limits").stdout.startswith(f"({soft - 1}, {hard}) ")
        env = cli_env()
        pids = run_module("zygote_probe", ["pids"], env=env, cwd=str(tmp_path), timeout=60)
        assert int(pids.stdout.split()[1]) == zygote_pid()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_timeout_kills_the_process_and_raises(tmp_path, probe):
    env = cli_env()
    began = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_module("zygote_probe", ["sleep", "60"], env=env, timeout=2, cwd=str(tmp_path))
    assert time.monotonic() - began < 30
    assert raised.value.output == b"started\n" and raised.value.timeout == 2
    assert probe("exit", "0").returncode == 0  # the zygote serves on


def test_a_zygote_killed_from_outside_is_started_again(probe):
    probe("exit", "0")
    killed = zygote_pid()
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    zygote = cli_process._zygotes[os.getpid()]
    assert zygote is not None and zygote.process.wait(timeout=30) == -signal.SIGKILL
    assert probe("exit", "3").returncode == 3
    assert zygote_pid() not in (None, killed)


def test_caredesk_itself_through_the_zygote(tmp_path):
    r = run("patients", "--data-dir", str(tmp_path / "missing"))
    assert r.returncode == 4 and r.stderr.startswith("caredesk: ") and "Traceback" not in r.stderr
    assert run("--help").stdout.startswith("usage: caredesk ")


def test_an_environment_read_at_start_gets_a_fresh_interpreter(tmp_path):
    """An empty PYTHONTZPATH (tests/cli/test_zone_database.py) cannot be given to an interpreter
    that has started: such a call is a fresh `python -m caredesk`, not a child of the zygote."""
    code = "import os, sys, zoneinfo; print(os.getppid(), zoneinfo.TZPATH)"
    (tmp_path / "tz_probe.py").write_text(code)
    env = cli_env({"PYTHONTZPATH": ""})
    r = run_module("tz_probe", [], env=env, cwd=str(tmp_path), timeout=60)
    parent, tzpath = r.stdout.split(" ", 1)
    assert int(parent) == os.getpid() and tzpath == "()\n"


def test_a_zygote_of_the_callers_environment_when_asked(tmp_path, probe):
    """env_zygote=True (the journey's TZ): a call whose start-up environment the usual zygote
    cannot serve is forked from a second zygote started with it, which reads that environment at
    its start as a fresh interpreter does; a call the usual zygote serves still comes from it."""
    probe("exit", "0")  # the usual zygote runs
    code = "import os, time; print(os.getppid(), time.tzname[0], time.localtime(0).tm_hour)"
    (tmp_path / "tz_probe.py").write_text(code)
    env = cli_env({"TZ": "America/New_York"})
    fresh = run_module("tz_probe", [], env=env, cwd=str(tmp_path), timeout=60)
    assert int(fresh.stdout.split()[0]) == os.getpid()  # not asked: a fresh interpreter, as before
    forked = [run_module("tz_probe", [], env=env, cwd=str(tmp_path), timeout=60, env_zygote=True) for _ in range(2)]
    parents = {int(r.stdout.split()[0]) for r in forked}
    assert len(parents) == 1 and parents.isdisjoint({os.getpid(), zygote_pid()})
    assert {r.stdout.split(" ", 1)[1] for r in forked} == {fresh.stdout.split(" ", 1)[1]} == {"EST 19\n"}
    usual = run_module("tz_probe", [], env=cli_env(), cwd=str(tmp_path), timeout=60, env_zygote=True)
    assert int(usual.stdout.split()[0]) == zygote_pid()
