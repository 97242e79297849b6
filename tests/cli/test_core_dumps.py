"""Core dumps are off in the app and in every `caredesk` command (caredesk.core_dumps), before a
store is opened: real processes started with core dumps allowed (the soft limit raised to the
hard one), their limit read back from inside and from /proc/PID/limits."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import SRC

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CORE and /proc")


def _allow_core_dumps() -> None:  # in the child, before Python starts
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(
        PYTHONPATH=SRC,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # the app's settings, never the tester's
    )
    return env


def _core_limit(pid: int) -> tuple[str, str] | None:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    return None


def test_a_caredesk_command_turns_core_dumps_off_first(tmp_path):
    if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        pytest.skip("the hard limit is 0 here already: nothing to turn off")
    code = (
        "import resource, sys\n"
        "from caredesk.cli.main import main\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE) != (0, 0))\n"
        "status = main(['verify', '--data-dir', sys.argv[1]])\n"
        "print(status, resource.getrlimit(resource.RLIMIT_CORE))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "no store")],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        preexec_fn=_allow_core_dumps,
        timeout=120,
    )
    assert r.stdout.splitlines() == ["True", "4 (0, 0)"], r.stderr  # allowed before, off after; exit 4: no store


def test_the_app_turns_core_dumps_off_at_start(tmp_path):
    if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        pytest.skip("the hard limit is 0 here already: nothing to turn off")
    code = "import sys\nfrom caredesk.ui.shell.launch import main\nmain(['--data-dir', sys.argv[1]])\n"
    app = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(tmp_path),
        preexec_fn=_allow_core_dumps,
    )
    try:
        assert _core_limit(app.pid) != ("0", "0")  # as started
        deadline = time.monotonic() + 60
        while _core_limit(app.pid) != ("0", "0"):
            assert app.poll() is None and time.monotonic() < deadline, "the app never turned core dumps off"
            time.sleep(0.05)
    finally:
        app.kill()
        app.wait(timeout=30)
