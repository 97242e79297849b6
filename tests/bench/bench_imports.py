"""What start-up pays before any work: the imports of the GUI's launch chain and the Argon2id
key derivation of the unlock (BENCHMARKS.md, issue 2's start-up notes; issue 14's "0.63 s of
imports (SQLAlchemy 0.22 s; holidays 65-73 ms)").

- Imports: a fresh interpreter runs `python -X importtime -c "import caredesk.ui.shell.launch"`
  (what `caredesk gui` imports before its window), and the cumulative time of each package's
  first import is read from CPython's report; also `import caredesk.app` and pyqtgraph with numpy
  (the trend chart's, paid in the background when a chart opens). The report's own overhead
  makes these upper bounds; the totals are wall time of the same import without the report.
- Key derivation: `keys.calibrate()` (what store creation does: about 0.5 s on this computer,
  64 MiB), then that KdfParams' derive, which the passphrase unlock runs once.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from caredesk.store import keys

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3
PACKAGES = (  # top-level packages reported (the others go into the total only)
    "PySide6",
    "shiboken6",
    "caredesk",
    "sqlalchemy",
    "cryptography",
    "keyring",
    "holidays",
    "alembic",
    "sqlcipher3",
    "reportlab",
    "pyqtgraph",
    "numpy",
)
# `first` is imported before the clock starts (e.g. sqlalchemy, already loaded when a migration runs).
_WALL = "import time{1}; s = time.perf_counter(); import {0}; print(time.perf_counter() - s)"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "QT_QPA_PLATFORM": "offscreen"}


def _importtime(module: str) -> dict[str, float]:
    """Seconds each top-level package took to import, from -X importtime's report: the
    cumulative times of its outermost entries (one nested in another package counts for both,
    e.g. numpy inside pyqtgraph)."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    entries = []  # (depth, top-level package, cumulative us), in the report's order (children first)
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line[len("import time:") :].split("|")
        if not cumulative.strip().isdigit():
            continue  # the header line
        depth = len(name) - len(name.lstrip())
        entries.append((depth, name.strip().split(".")[0], int(cumulative)))
    out: dict[str, float] = {}
    enclosing: list[tuple[int, str]] = []  # walking backwards, a parent comes before its children
    for depth, package, cumulative in reversed(entries):
        while enclosing and enclosing[-1][0] >= depth:
            enclosing.pop()
        if all(p != package for _, p in enclosing):
            out[package] = out.get(package, 0.0) + cumulative / 1e6
        enclosing.append((depth, package))
    return out


def _wall(module: str, first: str = "") -> float:
    code = _WALL.format(module, f", {first}" if first else "")
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[-1])


@pytest.mark.parametrize("module", ["caredesk.ui.shell.launch", "caredesk.app", "pyqtgraph"])
def test_imports_in_a_fresh_process(benchmark, module):
    if module == "caredesk.app" and not (ROOT / "src/caredesk/app.py").exists():
        pytest.skip("no caredesk.app")
    walls: list[float] = []
    reports: list[dict[str, float]] = []

    def once() -> None:
        walls.append(_wall(module))
        reports.append(_importtime(module))

    benchmark.pedantic(once, rounds=ROUNDS, iterations=1)
    packages = {p: statistics.median(r.get(p, 0.0) for r in reports) for p in PACKAGES if any(p in r for r in reports)}
    wall = statistics.median(walls)
    benchmark.extra_info.update(wall_s=round(wall, 3), **{f"{p}_s": round(s, 3) for p, s in packages.items()})
    print(
        f"\nimport {module}: {wall:.2f} s wall (median of {ROUNDS}); first imports, -X importtime: "
        + ", ".join(f"{p} {s * 1000:.0f} ms" for p, s in sorted(packages.items(), key=lambda x: -x[1]))
    )


def test_alembic_when_a_migration_runs(benchmark):
    """store/migrate.py imports Alembic only when a store needs a migration; SQLAlchemy is loaded by then."""
    walls: list[float] = []
    benchmark.pedantic(lambda: walls.append(_wall("alembic.config, alembic.script", "sqlalchemy")), rounds=ROUNDS)
    wall = statistics.median(walls)
    benchmark.extra_info.update(wall_s=round(wall, 3))
    print(
        f"\nimport alembic.config and alembic.script, SQLAlchemy already loaded: {wall * 1000:.0f} ms (median of {ROUNDS})"
    )


def test_argon2id_derivation_calibrated_at_creation(benchmark):
    params = keys.calibrate()
    salt = os.urandom(16)
    benchmark.pedantic(params.derive, args=(b"correct horse battery staple", salt), rounds=5, iterations=1)
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(
        iterations=params.iterations,
        memory_mib=params.memory_kib // 1024,
        lanes=params.lanes,
        derive_s=round(median, 3),
    )
    print(
        f"\nArgon2id as calibrated here ({params.iterations} passes, {params.memory_kib // 1024} MiB, "
        f"{params.lanes} lanes): derive median {median:.2f} s"
    )
