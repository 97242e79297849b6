"""The app finds its shipped files and shows its icon."""

from __future__ import annotations

from caredesk.resources import resource, resources_dir
from caredesk.ui.shell.launch import application


def test_resources_are_found_beside_the_source_tree():
    folder = resources_dir()
    assert folder is not None and (folder / "caredesk.svg").exists()
    assert resource("caredesk.png") is not None
    assert resource("no-such-file.png") is None


def test_the_application_has_a_window_icon(qapp):
    app = application()
    assert not app.windowIcon().isNull()
