"""Reading and checking a registry CSV (issue 13: "a 2,000-row registry CSV ... benchmarks in
BENCHMARKS.md (rows per second, memory)"); the store's side (plan_import, apply_import) is
bench_panel_import's.

Measured, for 2,000 and 10,000 rows with 5% bad rows: the file's bytes to a Table
(interop.csv_table.read_table: decode, separator, parse) and the Table to IncomingPatients and
problems (interop.csv_panel.read_patients: every cell through the domain's rules, phones through
phonenumbers, ICD-10 codes through domain.icd10). The ICD-10 index is loaded before timing (the
app loads it once per process, ~0.1 s from its cache). Peak memory is measured in one more run
under tracemalloc, which slows it, so it is not timed.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from caredesk.domain import icd10
from caredesk.interop.csv_mapping import Mapping, guess
from caredesk.interop.csv_panel import read_patients
from caredesk.interop.csv_table import read_table
from tests.conftest import TODAY
from tests.interop.csv_registry import csv_bytes, registry


def _read(data: bytes) -> tuple[int, int, float]:
    """(patients, problems, seconds spent in read_table) for one pass over the file."""
    start = time.perf_counter()
    table = read_table(data, source="registry.csv")
    parsed = time.perf_counter() - start
    mapping = Mapping.from_indices(table.header, guess(table.header))
    incoming, problems = read_patients(table, mapping, today=TODAY)
    return len(incoming), len(problems), parsed


@pytest.mark.parametrize("rows", [2000, 10000])
def test_read_and_check_registry_rows(benchmark, rows):
    cells, bad = registry(rows, bad_every=20)
    data = csv_bytes(cells)
    icd10.load()
    parse_times: list[float] = []

    def once() -> None:
        good, problems, parsed = _read(data)
        assert good == rows - len(bad) and problems == len(bad)
        parse_times.append(parsed)

    benchmark.pedantic(once, rounds=3, iterations=1)
    tracemalloc.start()
    _read(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    median = benchmark.stats.stats.median
    parse = sorted(parse_times)[len(parse_times) // 2]
    benchmark.extra_info.update(
        rows_per_s=round(rows / median), parse_s=round(parse, 3), peak_mib=round(peak / 2**20, 1), mb=len(data) / 1e6
    )
    print(
        f"\nCSV read+check of {rows} rows ({len(data) / 1e6:.2f} MB, {len(bad)} bad): {rows / median:.0f} rows/s "
        f"(median {median:.2f} s, of which read_table {parse:.3f} s), peak traced memory {peak / 2**20:.1f} MiB"
    )
