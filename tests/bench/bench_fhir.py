"""FHIR R4 export of the 170-patient demo panel, and the import of that file into an empty
store (issue 13: "FHIR export of the 170-patient demo panel validates; importing it into an
empty store reproduces it"): seconds and peak memory.

- Export: interop.fhir_export.write_bundle (every resource validated with the R4B models,
  written atomically), timed on the session's demo panel.
- Import: read_bundle_report, plan_import and apply_import into a new empty store each round.
- Memory: the import's peak resident set, measured in a child process doing only that (the
  figure a care manager's `caredesk import fhir` sees, without the benchmark's own store and
  demo panels in the process), and the reading's peak traced Python memory in-process.
  The bundle is decoded one entry at a time (interop.fhir_bundle), never held as dicts whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from caredesk.clock import FixedClock
from caredesk.interop.fhir_export import write_bundle
from caredesk.interop.fhir_import import read_bundle_report
from caredesk.services import panel_import
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

ROOT = Path(__file__).resolve().parents[2]
# The child: an empty store, then the import as the CLI does it; prints its peak RSS in MiB.
_CHILD = """
import resource, sys, time
from datetime import datetime
from pathlib import Path
from caredesk.clock import FixedClock
from caredesk.interop.fhir_import import read_bundle_report
from caredesk.services import panel_import
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
clock = FixedClock(datetime.fromisoformat(sys.argv[3]))
ws, _ = Access(DataFolder(Path(sys.argv[2])), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
start = time.perf_counter()
read = read_bundle_report(Path(sys.argv[1]).read_bytes(), today=ws.today())
plan = panel_import.plan_import(ws, read.patients, read.problems, source="FHIR bundle")
panel_import.apply_import(ws, plan)
ws.lock()
# VmHWM: this image's own peak. ru_maxrss keeps the forking pytest process's across exec (Linux).
status = Path("/proc/self/status")
hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM")] if status.exists() else []
peak = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(len(plan.patients), time.perf_counter() - start, peak)
"""


def _import(path: Path, folder: Path, clock: FixedClock) -> int:
    """Patients added; the new store's clock is the exporting store's (the demo panel is built
    on today's date: a store whose today is earlier refuses its latest contacts as future)."""
    ws, _code = Access(DataFolder(folder), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        read = read_bundle_report(path.read_bytes(), today=ws.today())
        plan = panel_import.plan_import(ws, read.patients, read.problems, source="FHIR bundle")
        return panel_import.apply_import(ws, plan).value.added
    finally:
        ws.lock()


def test_fhir_export_and_import_of_the_demo_panel(benchmark, panels, tmp_path):
    ws = panels["170x1y"]
    path = tmp_path / "panel.json"
    start = time.perf_counter()
    exported = write_bundle(ws, path)
    export_s = time.perf_counter() - start
    rounds = iter(range(100))
    now = ws.clock.now()

    def once() -> None:
        assert _import(path, tmp_path / f"empty{next(rounds)}", FixedClock(now)) == exported.patients

    benchmark.pedantic(once, rounds=3, iterations=1)
    data = path.read_bytes()
    tracemalloc.start()
    read_bundle_report(data, today=ws.today())
    _current, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(tmp_path / "child"), now.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        # The user's environment (its cache folder holds the ICD-10 index, ~25 MB loaded; without
        # it the child would build the index from the package in-process, ~175 MB).
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        },
        check=True,
    )
    patients, child_s, rss_mib = (float(x) for x in child.stdout.split())
    assert patients == exported.patients

    median = benchmark.stats.stats.median
    mb = len(data) / 1e6
    benchmark.extra_info.update(
        export_s=round(export_s, 2),
        import_s=round(median, 2),
        resources=exported.total,
        mb=round(mb, 1),
        read_peak_traced_mib=round(read_peak / 2**20, 1),
        import_peak_rss_mib=round(rss_mib),
    )
    counts = json.dumps(dict(list(exported.counts.items())[:4]))
    print(
        f"\nFHIR demo panel ({exported.patients} patients, {exported.total} resources {counts}, {mb:.1f} MB): "
        f"export {export_s:.2f} s; import into an empty store median {median:.2f} s "
        f"(child process {child_s:.2f} s, peak RSS {rss_mib:.0f} MiB); reading's peak traced "
        f"memory {read_peak / 2**20:.1f} MiB"
    )
