"""`caredesk report billing --csv/--pdf` in a real process, aimed at a symlink, a fifo and "-":
the link's target is written and the link kept; what is not a regular file is refused by name
with nothing written (services.files.write_atomic)."""

from __future__ import annotations

import os
import stat

import pytest

from tests.cli.test_cli import assert_clean_failure
from tests.cli.test_patient import TODAY, cli, store  # noqa: F401 (store is a fixture)

MONTH = f"{TODAY:%Y-%m}"


def test_a_symlinked_csv_writes_the_shared_file_and_keeps_the_link(store, tmp_path):  # noqa: F811
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "billing.csv").write_text("last month\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to("shared/billing.csv")
    r = cli(store, "report", "billing", "--month", MONTH, "--csv", str(link))
    assert r.returncode == 0, r.stderr
    assert f"CSV written to {link}" in r.stdout
    assert link.is_symlink()
    assert (shared / "billing.csv").read_text(encoding="utf-8").startswith("patient,mrn,")


@pytest.mark.parametrize("option", ["--csv", "--pdf"])
def test_a_fifo_is_refused_by_name_and_left_a_fifo(store, tmp_path, option):  # noqa: F811
    """Nobody reads the fifo: the old writer would have renamed a file over it, never blocked."""
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    r = cli(store, "report", "billing", "--month", MONTH, option, str(fifo))
    assert_clean_failure(r, 1, f"Cannot write {fifo}: it is not a regular file; give a file name.")
    assert "written to" not in r.stdout
    assert stat.S_ISFIFO(fifo.stat().st_mode) and sorted(tmp_path.iterdir()) == sorted([fifo, tmp_path / "store"])


def test_a_dash_is_refused_and_no_file_named_dash_appears(store, tmp_path):  # noqa: F811
    r = cli(store, "report", "billing", "--month", MONTH, "--csv", "-")
    assert_clean_failure(r, 1, "Cannot write -: standard output is not supported; give a file name.")
    assert not os.path.lexists("-")


def test_a_link_to_standard_output_is_refused_and_nothing_is_printed_as_written(store, tmp_path):  # noqa: F811
    """The tester's `--csv /dev/stdout` as root replaced /dev/stdout with a 0600 file of patient
    data. A link to it in the test's folder stands in: a regression replaces only that link."""
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/stdout")
    r = cli(store, "report", "billing", "--month", MONTH, "--csv", str(link))
    assert_clean_failure(r, 1, f"Cannot write {link}: it is not a regular file; give a file name.")
    assert link.is_symlink() and "mrn" not in r.stdout and "written to" not in r.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("report", "billing", "--month", MONTH, "--csv"),
        ("export", "fhir", "--out"),
        ("summary", "--month", MONTH, "--mrn", "T0001", "--out"),
    ],
    ids=["billing csv", "fhir export", "ehr summaries"],
)
@pytest.mark.parametrize("name", ["caredesk.db", "caredesk.key", "logs/report.csv"])
def test_nothing_is_written_into_the_data_folder(store, tmp_path, command, name):  # noqa: F811
    """A tester's `export fhir --out DATA/caredesk.db` replaced the encrypted store with plain JSON,
    and `--out DATA/caredesk.key` the key: every later unlock failed. The data folder is refused,
    by a link into it too, and the store and key are byte for byte what they were."""
    data = store.path
    key = (data / "caredesk.key").read_bytes()
    link = tmp_path / "innocent.csv"
    link.symlink_to(data / name)
    for target in (data / name, link):
        r = cli(store, *command, str(target))
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"is inside CareDesk's data folder ({data.resolve()})" in r.stderr
        assert "Traceback" not in r.stderr and "written to" not in r.stdout
    assert (data / "caredesk.key").read_bytes() == key
    assert not (data / "logs" / "report.csv").exists()
    assert cli(store, "patients").returncode == 0  # the store still opens with its key
