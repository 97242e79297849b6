"""Files the user asked for (plans, letters, reports, the recovery kit): whole, and the user's alone."""

from __future__ import annotations

import os
import stat

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
