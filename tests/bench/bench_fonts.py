"""The PDF fonts for every script (issue 12): what registering them costs a process, the copies
of tests/pdf's plans, and what the fonts weigh.

BENCHMARKS.md ("Fonts for every script") quotes: registering the fonts once per process; the
2-problem plan and the 10-problem 40-goal plan of tests/pdf/test_careplan_pdf, normal and large
print (the Chinese/Arabic/Hebrew plan is bench_pdf's); the 40-goal plan's PDF size; the
fonts' size in the repository and uharfbuzz's installed size. The "without" column of that
table was a hand-edited tree (fallback, shaping and reordering taken out), which no bench can
rebuild; this measures the "with" side.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from caredesk.resources import resource
from tests.pdf.test_careplan_pdf import long_plan, render, small_plan

ROOT = Path(__file__).resolve().parents[2]
MIB = 2**20
# A fresh interpreter: reportlab imported first (not timed), then only the registration.
_REGISTER = """
import time
from reportlab.pdfbase import pdfmetrics, ttfonts
from caredesk.pdf import fonts
start = time.perf_counter()
fonts.register()
print(time.perf_counter() - start)
"""


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def test_registering_the_fonts_once_per_process(benchmark):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    seconds: list[float] = []

    def once() -> None:
        out = subprocess.run(
            [sys.executable, "-c", _REGISTER], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        seconds.append(float(out.stdout.split()[-1]))

    benchmark.pedantic(once, rounds=5, iterations=1)
    ms = sorted(s * 1000 for s in seconds)
    benchmark.extra_info.update(register_ms=[round(m, 1) for m in ms])
    print(
        f"\nregistering the PDF fonts in a fresh process: median {statistics.median(ms):.0f} ms ({ms[0]:.0f}-{ms[-1]:.0f})"
    )


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
@pytest.mark.parametrize("which", ["2-problem", "40-goal"])
def test_tests_pdf_plans(benchmark, which, large):
    content = small_plan() if which == "2-problem" else long_plan()
    pdf = benchmark.pedantic(render, args=(content,), kwargs={"large_print": large}, rounds=15, warmup_rounds=1)
    assert pdf.startswith(b"%PDF")
    benchmark.extra_info["pdf_bytes"] = len(pdf)
    print(
        f"\n{which} plan, {'large' if large else 'normal'} print: median {benchmark.stats.stats.median * 1000:.1f} ms, "
        f"{len(pdf):,} bytes"
    )


def test_what_the_fonts_weigh(benchmark):
    """The shipped fonts (resources/fonts, licences included): DejaVu, there before issue 12, and
    the faces issue 12 added for other scripts (Noto Arabic and Hebrew, WenQuanYi); uharfbuzz as
    installed. MiB, as `du -sh` shows them."""
    import uharfbuzz

    fonts = resource("fonts")
    assert fonts is not None
    harfbuzz = Path(uharfbuzz.__file__).parent

    def weigh() -> dict[str, float]:
        files = [p for p in fonts.iterdir() if p.is_file()]
        dejavu = sum(p.stat().st_size for p in files if p.name.startswith("DejaVu"))
        return {
            "fonts_mib": _tree_bytes(fonts) / MIB,
            "dejavu_mib": dejavu / MIB,
            "other_scripts_mib": (_tree_bytes(fonts) - dejavu) / MIB,
            "uharfbuzz_mib": _tree_bytes(harfbuzz) / MIB,
        }

    sizes = benchmark.pedantic(weigh, rounds=1)
    benchmark.extra_info.update({k: round(v, 2) for k, v in sizes.items()})
    print(
        f"\nresources/fonts {sizes['fonts_mib']:.2f} MiB: DejaVu {sizes['dejavu_mib']:.2f}, the faces for other "
        f"scripts {sizes['other_scripts_mib']:.2f}; uharfbuzz installed {sizes['uharfbuzz_mib']:.2f} MiB"
    )
