"""Whole `caredesk` commands as a user runs them: real processes, wall time and peak resident size.

BENCHMARKS.md quotes these next to the in-process benches (bench_csv_import, bench_fhir,
bench_pdf), which time the library calls only:
- `caredesk import csv FILE --yes` of a 2,000 and a 10,000-row registry (tests/interop/
  csv_registry, 5% bad rows) into a store made by `caredesk init`, then the same file again
  (nothing to change);
- `caredesk import fhir FILE --yes` of the 170-patient demo panel's export into an empty store
  made by `caredesk init`;
- `caredesk print-plans --out DIR` over the 170-patient demo panel (every latest plan).
Each includes the interpreter's start, the imports and the store's unlock with the Argon2id
parameters calibrated at creation (about half a second, ~64 MiB), as a user gets them.
Peak RSS is the command's own, by GNU time (`/usr/bin/time -f %M`; Debian's `time` package).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from caredesk.interop.fhir_export import write_bundle
from caredesk.services.demo_store import create_demo_store
from caredesk.store.vault import DataFolder
from tests.conftest import PASSPHRASE, ZONE
from tests.interop.csv_registry import csv_bytes, registry

ROOT = Path(__file__).resolve().parents[2]
TIME = "/usr/bin/time"  # GNU time (Debian's `time` package): the peak RSS of the command alone
ROUNDS = 2  # whole processes of seconds each, on a shared machine: a few rounds, median
pytestmark = pytest.mark.skipif(not Path(TIME).exists(), reason="needs GNU time for the peak RSS")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the machine's keyring
        CAREDESK_PASSPHRASE=PASSPHRASE,
    )
    return env


def caredesk(*args: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one `caredesk ...` process; fails on a non-zero exit.

    The peak is GNU time's %M for the caredesk process alone: a child forked straight from
    pytest would report pytest's own high-water mark too (Linux keeps it across fork and exec)."""
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        done = subprocess.run(
            [TIME, "-f", "%M", "-o", peak.name, sys.executable, "-m", "caredesk", *args],
            env=_env(),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds = time.perf_counter() - start
        assert done.returncode == 0, (args, done.stderr[-2000:])
        return seconds, int(peak.read().split()[-1]) / 1024, done.stdout  # %M is KiB


def _init(folder: Path) -> Path:
    caredesk("init", "--data-dir", str(folder))
    return folder


def _report(benchmark, name: str, runs: list[tuple[float, float, str]], **extra) -> None:
    secs = [r[0] for r in runs]
    rss = [r[1] for r in runs]
    benchmark.extra_info.update(seconds=[round(s, 2) for s in secs], peak_rss_mb=[round(m) for m in rss], **extra)
    print(
        f"\n{name}: {statistics.median(secs):.2f} s median ({', '.join(f'{s:.2f}' for s in secs)}), "
        f"peak RSS {min(rss):.0f}-{max(rss):.0f} MB" + (f" {extra}" if extra else "")
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The 170-patient demo store (seed 1, one year), with the KDF calibrated as `caredesk demo` does."""
    folder = DataFolder(tmp_path_factory.mktemp("demo") / "data")
    ws, _ = create_demo_store(folder, PASSPHRASE, patients=170, seed=1, zone=ZONE)
    fhir = tmp_path_factory.mktemp("fhir") / "panel.json"
    exported = write_bundle(ws, fhir)
    ws.lock()
    return folder.path, fhir, exported.patients


@pytest.mark.parametrize("rows", [2000, 10000])
def test_caredesk_import_csv(benchmark, tmp_path, rows):
    cells, bad = registry(rows, bad_every=20)
    csv = tmp_path / "registry.csv"
    csv.write_bytes(csv_bytes(cells))
    first: list[tuple[float, float, str]] = []
    again: list[tuple[float, float, str]] = []
    stores = iter(range(100))

    def setup():
        return (_init(tmp_path / f"store{next(stores)}"),), {}

    def once(folder: Path) -> None:
        first.append(caredesk("import", "csv", str(csv), "--yes", "--data-dir", str(folder)))
        again.append(caredesk("import", "csv", str(csv), "--yes", "--data-dir", str(folder)))

    benchmark.pedantic(once, setup=setup, rounds=ROUNDS, iterations=1)
    _report(benchmark, f"caredesk import csv --yes, {rows} rows ({len(bad)} bad)", first, rows=rows)
    print(f"  the same file again: {', '.join(f'{s:.2f} s' for s, _, _ in again)}")
    benchmark.extra_info["again_seconds"] = [round(s, 2) for s, _, _ in again]


def test_caredesk_import_fhir(benchmark, tmp_path, demo):
    _folder, fhir, patients = demo
    runs: list[tuple[float, float, str]] = []
    stores = iter(range(100))

    def setup():
        return (_init(tmp_path / f"store{next(stores)}"),), {}

    benchmark.pedantic(
        lambda folder: runs.append(caredesk("import", "fhir", str(fhir), "--yes", "--data-dir", str(folder))),
        setup=setup,
        rounds=ROUNDS,
        iterations=1,
    )
    _report(benchmark, f"caredesk import fhir --yes, the 170 demo panel ({patients} patients)", runs)


def test_caredesk_print_plans(benchmark, tmp_path, demo):
    folder, _fhir, _ = demo
    runs: list[tuple[float, float, str]] = []
    outs = iter(range(100))

    def once() -> None:
        out = tmp_path / f"out{next(outs)}"
        runs.append(caredesk("print-plans", "--out", str(out), "--data-dir", str(folder)))
        runs[-1] = (*runs[-1][:2], str(len(list(out.glob("*.pdf")))))

    benchmark.pedantic(once, rounds=ROUNDS, iterations=1)
    _report(benchmark, "caredesk print-plans, the 170 demo panel", runs, plans=int(runs[-1][2]))
