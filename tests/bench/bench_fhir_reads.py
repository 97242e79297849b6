"""FHIR export (and import) of the demo panel at 170 and 2,000 patients, as a care manager's
`caredesk export fhir` / `import fhir` does it, each in a child process: this checkout's src,
and, with `CAREDESK_BENCH_SRC=/path/to/other/src`, another checkout's interleaved round by
round (old code: `git archive COMMIT src resources | tar -x -C DIR`, then DIR/src). Both sides
work on copies of one store, so their bundles must be byte for byte the same (checked).

- export: `fhir_export.export_bundle` timed, then written as `write_bundle` writes it;
  `validated`: with the per-resource R4B check (the real export; 170 patients only: at 2,000
  over three years it is minutes of pydantic), `unchecked`: without it (the reads and the
  building of the resources, what services.panel_export changed).
- import: the 170-patient bundle into an empty store (`read_bundle_report`, `plan_import`,
  `apply_import`), then the same bundle again into that store (everything matched, nothing
  new: the stored patients' records are read to compare). The 2,000-patient bundle (508 MB)
  is over the import's 50 MB limit (interop.fhir_bundle.MAX_BYTES): not imported.

`CAREDESK_BENCH_ROUNDS` sets the rounds (default 3; 1 at 2,000). Medians to stdout (-s) and
`benchmark.extra_info`; the load average beside them (2 cores shared: ratios, not absolutes).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
HERE_SRC = str(ROOT / "src")
OTHER_SRC = os.environ.get("CAREDESK_BENCH_SRC")
PANELS = {"170x1y": (170, 1), "2000x3y": (2000, 3)}

# argv: store folder (a copy, written to), out file, what ("validated", "unchecked", "import").
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from datetime import datetime
    from pathlib import Path
    from caredesk.clock import FixedClock
    from caredesk.services.workspace import Workspace
    from caredesk.services.demo_store import DEMO_PASSPHRASE
    from caredesk.store import vault
    from caredesk.store.vault import DataFolder
    folder, out, what, now = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], datetime.fromisoformat(sys.argv[4])
    if what == "import":
        from caredesk.interop.fhir_import import read_bundle_report
        from caredesk.services import panel_import
        from caredesk.services.access import Access
        from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
        data = out.read_bytes()
        ws, _ = Access(DataFolder(folder), FixedClock(now)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
        took = []
        for _ in range(2):  # into the empty store, then the same again
            start = time.perf_counter()
            read = read_bundle_report(data, today=ws.today())
            plan = panel_import.plan_import(ws, read.patients, read.problems, source="FHIR bundle")
            panel_import.apply_import(ws, plan)
            took.append(time.perf_counter() - start)
        print(json.dumps({"import": took[0], "again": took[1]}))
    else:
        from caredesk.interop import fhir_export
        ws = Workspace(vault.unlock(DataFolder(folder), DEMO_PASSPHRASE), FixedClock(now))
        if what == "unchecked":
            fhir_export.validate = lambda resource: None
        from caredesk.services import patients
        fhir_export.export_bundle(ws, mrn=patients.patient_list(ws)[0].mrn)  # warm: the models imported, the namespace read
        start = time.perf_counter()
        bundle = fhir_export.export_bundle(ws)
        took = time.perf_counter() - start
        out.write_bytes(json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8"))
        print(json.dumps({what: took}))
    """
)


# argv: folder, patients, years, now. The store is made by the older side when there are two
# (CAREDESK_BENCH_SRC's: a newer schema would not open there; the newer side migrates its copy
# when it unlocks, before anything is timed).
MAKE = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from pathlib import Path
    from caredesk.clock import FixedClock
    from caredesk.services import store_identity
    from caredesk.services.demo_store import create_demo_store
    from caredesk.store.vault import DataFolder
    from tests.conftest import FAST_KDF, ZONE
    folder, patients, years, now = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), datetime.fromisoformat(sys.argv[4])
    ws, _ = create_demo_store(DataFolder(folder), patients=patients, years=years, seed=1, clock=FixedClock(now), kdf=FAST_KDF, zone=ZONE)
    store_identity.fhir_namespace(ws)  # made once: every copy exports the same ids
    ws.store.close()
    """
)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """store(name): the demo panel `name` (seed 1, made at NOW) closed on disk, with its FHIR
    namespace made; each made when first asked for (the 2,000-patient one takes ~20 s)."""
    made: dict[str, Path] = {}

    def store(name: str) -> Path:
        if name not in made:
            patients, years = PANELS[name]
            folder = tmp_path_factory.mktemp(f"fhir-{name}")
            subprocess.run(
                [sys.executable, "-c", MAKE, str(folder), str(patients), str(years), NOW.isoformat()],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": f"{OTHER_SRC or HERE_SRC}:{ROOT}"},
                check=True,
            )
            made[name] = folder
        return made[name]

    return store


def _child(src: str, folder: Path, out: Path, what: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(out), what, NOW.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{src}:{ROOT}", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


@pytest.mark.parametrize(
    ("panel", "what"),
    [("170x1y", "unchecked"), ("170x1y", "validated"), ("170x1y", "import"), ("2000x3y", "unchecked")],
)
def test_fhir_export_and_import(benchmark, stores, tmp_path, panel, what):
    rounds = int(os.environ.get("CAREDESK_BENCH_ROUNDS") or (1 if panel.startswith("2000") else 3))
    sides = {"this": HERE_SRC, **({"other": OTHER_SRC} if OTHER_SRC else {})}
    bundle = tmp_path / "bundle.json"
    if what == "import":  # the bundle both sides read, made once by this checkout's export
        copy = tmp_path / "export-store"
        shutil.copytree(stores(panel), copy)
        _child(HERE_SRC, copy, bundle, "unchecked")
    times: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    loads = []
    for r in range(rounds):
        for side, src in sides.items():
            folder = tmp_path / f"{side}-{r}"
            if what != "import":
                shutil.copytree(stores(panel), folder)
            out = bundle if what == "import" else tmp_path / f"{side}-{r}.json"
            for key, took in _child(src, folder, out, what).items():
                times[side].setdefault(key, []).append(took)
            loads.append(_load())
            shutil.rmtree(folder)
        if what != "import" and OTHER_SRC:
            mine, theirs = (tmp_path / f"{side}-{r}.json" for side in ("this", "other"))
            assert mine.read_bytes() == theirs.read_bytes(), "the two sides' bundles differ"
        for side in sides:
            (tmp_path / f"{side}-{r}.json").unlink(missing_ok=True)

    benchmark.pedantic(lambda: None, rounds=1, iterations=1)  # figures are the children's
    medians = {side: {k: round(statistics.median(v), 2) for k, v in kinds.items()} for side, kinds in times.items()}
    benchmark.extra_info.update(medians=medians, rounds=rounds, loads=loads)
    print(f"\nFHIR {what} {panel}, {rounds} rounds, medians (s): {medians}; all: {times}; load {loads}")
