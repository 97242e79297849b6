"""A fresh install as `make run` does it, and what the PySide6 wheels weigh (issue 14, Packaging).

BENCHMARKS.md ("A fresh install") quotes the venv's size (`du -sm`), its `PySide6/` folder, the
install time with pip's cache warm or cold, and what Essentials, Addons and Addons' WebEngine
take installed. Measured here:
- a fresh install: HEAD exported with `git archive` (a clean clone's files; an editable
  install of the work tree itself would write its egg-info there), then `make run`'s two steps
  into a new venv: `python -m venv` plus `pip install --upgrade "pip>=23.2"` (timed apart), and
  `pip install -e .` (the figure). pip's cache is whatever the machine has (warm here); set
  CAREDESK_BENCH_COLD=1 to pass `--no-cache-dir` (a cold figure, network permitting);
- the wheels' installed sizes (MB of their files; WebEngine: Addons' files named so), from their RECORD files in the project's own .venv (a wheel
  installs whole, so this is what each dependency costs). Addons is no dependency since CareDesk renders PDFs with
  pypdfium2 (issue 14); a venv made before that still holds it.
One round: a fresh install takes half a minute or more and ~1 GB of disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1e6
WHEELS = ("PySide6_Essentials", "PySide6_Addons", "shiboken6", "pypdfium2")  # Addons: only if installed


def du_mb(path: Path) -> int:
    """`du -sm path`: the disk it takes, in MiB blocks, as BENCHMARKS.md quotes it."""
    return int(subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def _export_head(into: Path) -> Path:
    archive = into / "head.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), "HEAD"], cwd=ROOT, check=True)
    src = into / "caredesk"
    with tarfile.open(archive) as tar:
        tar.extractall(src, filter="data")
    archive.unlink()
    return src


def _timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=1800)
    return time.perf_counter() - start


def test_fresh_install(benchmark, tmp_path):
    src = _export_head(tmp_path)
    cold = ["--no-cache-dir"] if os.environ.get("CAREDESK_BENCH_COLD") else []
    venvs = iter(range(10))
    prepared: list[float] = []

    def setup():
        venv = tmp_path / f"venv{next(venvs)}"
        base = getattr(sys, "_base_executable", sys.executable)
        prepared.append(_timed([base, "-m", "venv", str(venv)], src))
        prepared[-1] += _timed(
            [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip>=23.2"], src
        )
        return (venv,), {}

    def install(venv: Path) -> Path:
        _timed([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", *cold, "-e", "."], src)
        return venv

    venv = benchmark.pedantic(install, setup=setup, rounds=1, iterations=1)
    site = next((venv / "lib").glob("python3*/site-packages"))
    pip = subprocess.run([str(venv / "bin/python"), "-m", "pip", "--version"], capture_output=True, text=True)
    seconds = benchmark.stats.stats.median
    sizes = {"venv_mb": du_mb(venv), "pyside6_mb": du_mb(site / "PySide6")}
    benchmark.extra_info.update(
        sizes,
        install_s=round(seconds, 1),
        venv_and_pip_s=round(prepared[0], 1),
        cold=bool(cold),
        pip=pip.stdout.split()[1],
    )
    print(
        f"\nfresh install ({'--no-cache-dir' if cold else 'pip cache as it is'}, pip {pip.stdout.split()[1]}): "
        f"`pip install -e .` {seconds:.0f} s (venv + pip upgrade before it {prepared[0]:.0f} s); "
        f"venv {sizes['venv_mb']} MB, of it PySide6/ {sizes['pyside6_mb']} MB (`du -sm`)"
    )


def test_what_the_pyside6_wheels_weigh(benchmark):
    def weigh() -> dict[str, float]:
        out: dict[str, float] = {}
        for name in WHEELS:
            try:
                files = metadata.distribution(name).files or []
            except metadata.PackageNotFoundError:
                continue
            paths = [f.locate() for f in files]
            out[name] = sum(Path(p).stat().st_size for p in paths if Path(p).is_file()) / MB
            if name == "PySide6_Addons":
                web = [p for p in paths if "webengine" in str(p).lower() and Path(p).is_file()]
                out["PySide6_Addons WebEngine"] = sum(Path(p).stat().st_size for p in web) / MB
        return out

    sizes = benchmark.pedantic(weigh, rounds=1)
    venv = Path(sys.prefix)
    sizes[".venv (with the test extras, du -sm)"] = du_mb(venv)
    benchmark.extra_info.update({k: round(v, 1) for k, v in sizes.items()})
    print("\ninstalled: " + ", ".join(f"{k} {v:,.1f} MB" for k, v in sizes.items()))
