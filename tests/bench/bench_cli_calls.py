"""What the tests' zygote (tests/cli_process.py) saves: `caredesk` calls forked from it against a
fresh `python -m caredesk` each, interleaved round by round (A, B, A, B ...), medians printed and
kept in `benchmark.extra_info`.

- `test_one_call`: one call's wall time, `caredesk --version` (start and imports alone) and
  `caredesk patients` over a small store (the unlock at the tests' cheap Argon2id as well);
- `test_cli_test_files`: whole CLI test files (`pytest -q tests/cli/FILE`, a pytest process each,
  its zygote started inside it) with the zygote and with CAREDESK_TEST_FRESH_PROCESSES=1.
  $CAREDESK_BENCH_CLI_FILES (comma-separated) and $CAREDESK_BENCH_CLI_ROUNDS change the files and
  the rounds (2: each run is tens of seconds on a shared machine).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import pw_env, run
from tests.cli_process import FRESH_ENV
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

ROOT = Path(__file__).resolve().parents[2]
CALL_ROUNDS = 15
FILES = ("test_patient.py", "test_clinical.py", "test_coordination.py", "test_cli.py")


def _timed_call(*args: str, fresh: bool, env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    done = run(*args, env=env, fresh=fresh)
    elapsed = time.perf_counter() - began
    assert done.returncode == 0, done.stderr
    return elapsed


def _report(benchmark, title: str, runs: dict[str, list[float]]) -> None:
    medians = {k: statistics.median(v) for k, v in runs.items()}
    for k, v in medians.items():
        benchmark.extra_info[f"{k}_s"] = round(v, 3)
    lines = [f"{k:>40}: {v:8.3f} s   (runs {[round(x, 3) for x in runs[k]]})" for k, v in medians.items()]
    print(f"\n{title}:\n" + "\n".join(lines))


def test_one_call(benchmark, tmp_path, clock):
    folder = DataFolder(tmp_path / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    listing = ("patients", "--data-dir", str(folder.path))
    runs: dict[str, list[float]] = {
        k: [] for k in ("version_zygote", "version_fresh", "patients_zygote", "patients_fresh")
    }

    def one_round() -> None:
        runs["version_zygote"].append(_timed_call("--version", fresh=False))
        runs["version_fresh"].append(_timed_call("--version", fresh=True))
        runs["patients_zygote"].append(_timed_call(*listing, fresh=False, env=pw_env()))
        runs["patients_fresh"].append(_timed_call(*listing, fresh=True, env=pw_env()))

    one_round()  # warm-up: the zygote starts, the .pyc files are read once
    for values in runs.values():
        values.clear()
    benchmark.pedantic(one_round, rounds=CALL_ROUNDS)
    _report(benchmark, f"one caredesk call, medians of {CALL_ROUNDS} interleaved rounds", runs)


def _pytest_file(name: str, fresh: bool) -> float:
    env = {k: v for k, v in os.environ.items() if k != FRESH_ENV}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if fresh:
        env[FRESH_ENV] = "1"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", f"tests/cli/{name}"]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - began
    assert done.returncode == 0, done.stdout[-3000:]
    return elapsed


def test_cli_test_files(benchmark):
    files = [f for f in os.environ.get("CAREDESK_BENCH_CLI_FILES", ",".join(FILES)).split(",") if f]
    rounds = int(os.environ.get("CAREDESK_BENCH_CLI_ROUNDS", "2"))
    runs: dict[str, list[float]] = {f"{name} {way}": [] for name in files for way in ("zygote", "fresh")}

    def one_round() -> None:
        for name in files:
            runs[f"{name} zygote"].append(_pytest_file(name, fresh=False))
            runs[f"{name} fresh"].append(_pytest_file(name, fresh=True))

    benchmark.pedantic(one_round, rounds=rounds)
    _report(benchmark, f"pytest -q tests/cli/FILE, medians of {rounds} interleaved rounds", runs)
    for name in files:
        ratio = statistics.median(runs[f"{name} fresh"]) / statistics.median(runs[f"{name} zygote"])
        benchmark.extra_info[f"{name}_speedup"] = round(ratio, 2)
        print(f"{name}: {ratio:.2f}x faster with the zygote")
