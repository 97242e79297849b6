"""Synced and network folders are refused as a data folder (issue 11 item 9), before any file is
written; a plain local folder is accepted. Real folders with the sync clients' markers, and
the file system type read from a mountinfo text (plus the real one of this machine's /tmp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caredesk.errors import StoreError
from caredesk.store import folder_kind
from caredesk.store.vault import DataFolder


def _tree(root: Path, dirs: tuple[str, ...] = (), files: dict[str, str] | None = None) -> None:
    for d in dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


# (what the user has, how to lay it out under tmp_path, the data folder, the client named)
SYNCED = [
    ("Dropbox root (marker file)", (), {"Work/.dropbox": "{}"}, "Work/CareDesk", "Dropbox"),
    ("Dropbox by name", ("Dropbox",), None, "Dropbox/CareDesk", "Dropbox"),
    ("Dropbox cache folder", ("Sync/.dropbox.cache",), None, "Sync/CareDesk", "Dropbox"),
    ("OneDrive business", ("OneDrive - Lakeside Clinic",), None, "OneDrive - Lakeside Clinic/Data", "OneDrive"),
    (
        "OneDrive desktop.ini",
        (),
        {"Docs/desktop.ini": "[.ShellClassInfo]\r\nIconResource=C:\\OneDrive\\x.dll"},
        "Docs/CareDesk",
        "OneDrive",
    ),
    (
        "iCloud Drive",
        ("Library/Mobile Documents/com~apple~CloudDocs",),
        None,
        "Library/Mobile Documents/com~apple~CloudDocs/CareDesk",
        "iCloud",
    ),
    ("Google Drive", ("Google Drive/My Drive",), None, "Google Drive/My Drive/CareDesk", "Google Drive"),
    ("Box", ("Box",), None, "Box/CareDesk", "Box"),
    ("Nextcloud journal", (), {"Cloud/.sync_4f2a9c.db": ""}, "Cloud/CareDesk", "Nextcloud"),
    ("Nextcloud by name", ("Nextcloud",), None, "Nextcloud/CareDesk", "Nextcloud"),
    ("ownCloud log", (), {"oc/.owncloudsync.log": ""}, "oc/CareDesk", "ownCloud"),
    ("pCloud", ("pCloud Drive",), None, "pCloud Drive/CareDesk", "pCloud"),
    ("Syncthing", ("Shared/.stfolder",), None, "Shared/CareDesk", "Syncthing"),
    (
        "macOS CloudStorage",
        ("Library/CloudStorage/Dropbox-Personal",),
        None,
        "Library/CloudStorage/Dropbox-Personal/CD",
        "cloud storage",
    ),
]


@pytest.mark.parametrize(("dirs", "files", "data", "client"), [s[1:] for s in SYNCED], ids=[s[0] for s in SYNCED])
def test_a_synced_folder_is_refused_naming_the_client_and_nothing_is_written(
    tmp_path: Path, dirs: tuple[str, ...], files: dict[str, str] | None, data: str, client: str
) -> None:
    _tree(tmp_path, dirs, files)
    before = sorted(tmp_path.rglob("*"))
    folder = DataFolder(tmp_path / data)
    with pytest.raises(StoreError) as refused:
        folder.check(for_create=True)
    assert client in str(refused.value)
    assert "local disk" in str(refused.value)
    assert sorted(tmp_path.rglob("*")) == before  # the data folder was not even made


def test_dropbox_settings_folder_in_home_is_not_a_synced_folder(tmp_path: Path) -> None:
    # ~/.dropbox (a folder) is the Dropbox app's settings; ~/.local/share/CareDesk is local.
    _tree(tmp_path, (".dropbox", ".local/share"))
    assert folder_kind.refusal(tmp_path / ".local/share/CareDesk") is None
    DataFolder(tmp_path / ".local/share/CareDesk").check(for_create=True)
    assert (tmp_path / ".local/share/CareDesk").is_dir()


def test_a_plain_local_folder_is_accepted(tmp_path: Path) -> None:
    assert folder_kind.refusal(tmp_path / "CareDesk") is None


MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
45 27 0:40 / /home rw,relatime - ext4 /dev/vdb rw
46 45 0:41 / /home/ann/clinic rw,relatime shared:7 - nfs4 files.example:/export/ann rw,vers=4.2
47 45 0:42 / /home/ann/My\040Share rw,relatime - cifs //nas/share rw,vers=3.0
48 45 0:43 / /home/ann/remote rw,nosuid - fuse.sshfs ann@host:/srv rw
49 45 0:44 / /home/ann/clinic/local rw - ext4 /dev/vdc rw
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/ann/clinic/CareDesk", ("nfs4", "/home/ann/clinic")),
        ("/home/ann/clinic", ("nfs4", "/home/ann/clinic")),
        ("/home/ann/My Share/CareDesk", ("cifs", "/home/ann/My Share")),
        ("/home/ann/remote/x", ("fuse.sshfs", "/home/ann/remote")),
        ("/home/ann/clinic/local/CareDesk", ("ext4", "/home/ann/clinic/local")),  # a disk mounted inside
        ("/home/ann/clinical", ("ext4", "/home")),  # a prefix of the name is not the mount
        ("/var/lib", ("ext4", "/")),
    ],
)
def test_mount_type_is_the_longest_mount_point_holding_the_path(path: str, expected: tuple[str, str]) -> None:
    assert folder_kind.mount_type(MOUNTINFO, path) == expected


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "davfs", "9p", "fuse.rclone"])
def test_network_file_system_types_are_known(fstype: str) -> None:
    assert fstype in folder_kind.NETWORK_FS


def test_this_machines_tmp_is_a_local_file_system(tmp_path: Path) -> None:
    # The real /proc/self/mountinfo of the machine running the tests: tmp is not a network mount.
    mountinfo = Path("/proc/self/mountinfo")
    if not mountinfo.exists():
        pytest.skip("no /proc/self/mountinfo (not Linux)")
    found = folder_kind.mount_type(mountinfo.read_text(), str(tmp_path.resolve()))
    assert found is not None and found[0] not in folder_kind.NETWORK_FS
    assert folder_kind.refusal(tmp_path) is None


def test_a_store_already_in_a_synced_folder_is_told_how_to_get_out(tmp_path: Path) -> None:
    """CLI tester: a store moved into iCloud Drive was refused with 'choose another folder' and
    'inside a iCloud Drive folder' - no way out was said. Now: move the folder, then back up."""
    folder = tmp_path / "iCloud Drive" / "CareDesk"
    folder.mkdir(parents=True)
    (folder / "caredesk.key").write_text("{}")
    why = folder_kind.refusal(folder)
    assert why is not None and "inside an iCloud Drive folder" in why
    assert "move the whole folder to this computer's own disk" in why and "make a backup" in why
    assert "Your store is there" not in (folder_kind.refusal(tmp_path / "iCloud Drive" / "new") or "")
