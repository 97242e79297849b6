"""Files the user asked for (plans, letters, reports, the recovery kit): whole, and the user's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from caredesk.errors import CareDeskError
from caredesk.services.files import write_atomic


def test_the_file_is_written_whole_and_readable_by_its_owner_only(tmp_path):
    """SPEC section 4: everything CareDesk writes is 0600, even under a permissive umask."""
    old = os.umask(0)
    try:
        target = tmp_path / "plan.pdf"
        write_atomic(target, b"%PDF-1.4 synthetic")
        write_atomic(target, b"%PDF-1.4 replaced")  # over an existing file too
    finally:
        os.umask(old)
    assert target.read_bytes() == b"%PDF-1.4 replaced"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]  # no temporary file left


def test_a_folder_that_does_not_exist_is_named_and_nothing_is_left(tmp_path):
    with pytest.raises(CareDeskError, match=r"Cannot write .*missing.*plan\.pdf"):
        write_atomic(tmp_path / "missing" / "plan.pdf", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_is_followed_the_target_written_and_the_link_kept(tmp_path):
    """`--csv link.csv` where link.csv points at shared/billing.csv: the shell's `>` writes the
    target; so do we (the link is the user's way of naming that file)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "billing.csv"
    target.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(Path("shared") / "billing.csv")  # relative, as `ln -s` is usually used
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == os.path.join("shared", "billing.csv")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in shared.iterdir()) == ["billing.csv"]  # the temporary file beside the target, gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "shared"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "made.csv")
    write_atomic(link, b"x")
    assert link.is_symlink() and (tmp_path / "made.csv").read_bytes() == b"x"


def _null_device(tmp_path: Path) -> Path:
    """A real character device. As root, a null device made in the test's folder: a writer that
    regressed would otherwise rename a file over the machine's /dev/null (it happened once)."""
    if os.geteuid() != 0:
        return Path("/dev/null")  # not ours to replace: even a regression cannot touch it
    node = tmp_path / "null"
    if not node.exists():
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


@pytest.mark.parametrize("special", ["/dev/null", "fifo", "folder", "link-to-dev-null"])
def test_a_target_that_is_not_a_regular_file_is_refused_by_name_and_nothing_written(tmp_path, special):
    """Run as root, the old writer renamed a 0600 file over /dev/stdout. A device, a fifo or a
    folder is refused, named, and left as it was."""
    if special == "/dev/null":
        path = _null_device(tmp_path)
    elif special == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    elif special == "folder":
        path = tmp_path / "out.csv"
        path.mkdir()
    else:
        path = tmp_path / "link.csv"
        path.symlink_to(_null_device(tmp_path))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(CareDeskError) as caught:
        write_atomic(path, b"patient data")
    assert str(caught.value) == f"Cannot write {path}: it is not a regular file; give a file name."
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert _null_device(tmp_path).is_char_device()
    if special == "fifo":
        assert stat.S_ISFIFO(path.stat().st_mode)
    if special == "link-to-dev-null":
        assert path.is_symlink()


def test_a_lone_dash_is_refused_not_written_as_a_file_named_dash(tmp_path, monkeypatch):
    """`--csv -` means standard output to most tools; CareDesk does not write patient data there
    (see write_atomic), and a file named '-' in the working folder is never what was meant."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CareDeskError, match=r"^Cannot write -: standard output is not supported; give a file name\.$"):
        write_atomic(Path("-"), b"patient data")
    assert list(tmp_path.iterdir()) == []
    write_atomic(tmp_path / "-", b"x")  # a file really named '-', given with its folder, is a file name
    assert (tmp_path / "-").read_bytes() == b"x"
