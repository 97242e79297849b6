"""Is a folder on this computer's own disk? Synced and network folders cannot hold a store.

SPEC section 4: "the data folder must be on a local disk". A sync client (Dropbox, OneDrive,
iCloud Drive, Google Drive, Box, Nextcloud/ownCloud, pCloud, Syncthing) uploads the
encrypted files off the laptop and copies `caredesk.db` without its `-wal` file or while it
is being written, then writes conflicting copies back; a network file system (NFS, SMB/CIFS,
sshfs, WebDAV) breaks SQLite's locking and its shared-memory WAL index. Either can lose or
split the store, so such a folder is refused, with the reason, before any file is written.

Two kinds of evidence, each cheap and read-only:
- the sync clients' own markers in the folder or any folder above it (the client's root
  folder name, or a file it keeps there: `.dropbox`, `.sync_*.db`, `.stfolder` ...);
- the file system type (Linux: /proc/self/mountinfo; Windows: GetDriveType says "remote"
  or the path is a \\\\server\\share path). macOS exposes the type only through statfs(2),
  which Python does not wrap; there the markers (every macOS sync client keeps its folders
  under ~/Library/CloudStorage or ~/Library/Mobile Documents) are the check.

A backup target may well be synced (that is a good place for a backup): this module is
asked about the data folder only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Folder names sync clients give their root folder (compared without case). "OneDrive - Org"
# and "Dropbox (Org)" are the business variants' names.
_SYNC_FOLDER_NAMES = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "icloud drive": "iCloud Drive",
    "icloudrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "google drive": "Google Drive",
    "my drive": "Google Drive",
    "googledrive": "Google Drive",
    "box": "Box",
    "box sync": "Box",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "pcloud drive": "pCloud",
    "pclouddrive": "pCloud",
    "cloudstorage": "a cloud storage provider",  # macOS ~/Library/CloudStorage/<Provider>-<account>
}
_SYNC_PREFIXES = {"onedrive - ": "OneDrive", "dropbox (": "Dropbox", "googledrive-": "Google Drive"}

# Files or folders a sync client keeps in its root folder. Not `.dropbox` as a folder: that is
# Dropbox's settings folder in the home folder, not a synced one (the synced root has a FILE).
_MARKER_FILES = {".dropbox": "Dropbox", ".nextcloudsync.log": "Nextcloud", ".owncloudsync.log": "ownCloud"}
_MARKER_DIRS = {
    ".dropbox.cache": "Dropbox",
    ".stfolder": "Syncthing",
    ".tmp.drivedownload": "Google Drive",
    ".shortcut-targets-by-id": "Google Drive",
}

# File system types (mountinfo's, as the kernel names them) that are network or remote mounts.
NETWORK_FS = {
    "nfs": "NFS",
    "nfs4": "NFS",
    "cifs": "SMB",
    "smb3": "SMB",
    "smbfs": "SMB",
    "ncpfs": "NetWare",
    "afs": "AFS",
    "ceph": "Ceph",
    "glusterfs": "GlusterFS",
    "9p": "9p (a virtual machine's shared folder)",
    "davfs": "WebDAV",
    "fuse.davfs2": "WebDAV",
    "fuse.sshfs": "sshfs",
    "sshfs": "sshfs",
    "fuse.rclone": "rclone (a cloud drive)",
    "fuse.s3fs": "S3",
    "fuse.gcsfuse": "Google Cloud Storage",
    "fuse.gvfsd-fuse": "a GNOME network share",
}

_ADVICE = "Choose a folder on this computer's own disk (--data-dir or CAREDESK_DATA_DIR)."
# A store already there (moved in by hand, or the folder became synced): how to get it out.
_MOVE_ADVICE = (
    "Your store is there: with CareDesk closed, move the whole folder to this computer's own disk "
    "(your home folder, say), open it there (--data-dir or CAREDESK_DATA_DIR) and make a backup."
)


def refusal(folder: Path) -> str | None:
    """Why `folder` cannot hold a store (one sentence naming the evidence), or None when it
    looks like a local disk. `folder` need not exist yet: its nearest existing parent is asked."""
    folder = Path(os.path.abspath(folder.expanduser()))
    why = _sync_client(folder) or _network_mount(folder)
    if why is None:
        return None
    advice = _MOVE_ADVICE if (folder / "caredesk.key").exists() else _ADVICE
    return f"The data folder {folder} is {why}. {_SYNC_RISK} {advice}"


_SYNC_RISK = (
    "CareDesk keeps patient data only on a local disk: a synced or network folder copies the store "
    "off this computer and can copy it half-written or make conflicting copies."
)


def _sync_client(folder: Path) -> str | None:
    for d in (folder, *folder.parents):
        name = d.name.casefold()
        client = _SYNC_FOLDER_NAMES.get(name) or next(
            (c for prefix, c in _SYNC_PREFIXES.items() if name.startswith(prefix)), None
        )
        if client is not None:
            article = "an" if client[0].casefold() in "aeiou" else "a"
            return f"inside {article} {client} folder ({d})"
        marker = _marker_in(d)
        if marker is not None:
            client, path = marker
            return f"inside a folder synced by {client} (found {path})"
    return None


def _marker_in(d: Path) -> tuple[str, Path] | None:
    try:
        if not d.is_dir():
            return None
        for name, client in _MARKER_FILES.items():
            if (d / name).is_file():
                return client, d / name
        for name, client in _MARKER_DIRS.items():
            if (d / name).is_dir():
                return client, d / name
        for entry in d.glob(".sync_*.db"):  # Nextcloud/ownCloud's journal in the synced root
            return "Nextcloud or ownCloud", entry
        ini = d / "desktop.ini"
        if ini.is_file() and b"onedrive" in ini.read_bytes()[:4096].lower():
            return "OneDrive", ini
    except OSError:
        return None  # an unreadable parent says nothing either way
    return None


def _network_mount(folder: Path) -> str | None:
    if sys.platform == "win32":
        return _windows_remote(folder)
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux (macOS): the markers are the check there
    existing = _nearest_existing(folder)
    fs = mount_type(text, os.path.realpath(existing))
    if fs is None or fs[0] not in NETWORK_FS:
        return None
    kind, mount_point = fs
    return f"on a network file system ({NETWORK_FS[kind]}, mounted at {mount_point})"


def _nearest_existing(folder: Path) -> Path:
    for d in (folder, *folder.parents):
        if d.exists():
            return d
    return Path(folder.anchor or "/")


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes (\\040)."""
    for code, ch in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, ch)
    return field


def mount_type(mountinfo: str, path: str) -> tuple[str, str] | None:
    """(file system type, mount point) of the mount holding the absolute, resolved `path`,
    from the text of /proc/self/mountinfo (proc(5)): the mount point that is the longest
    prefix of `path`; the last such line wins, as a later mount covers an earlier one."""
    best: tuple[int, str, str] | None = None
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if len(fields) < 10 or "-" not in fields[6:]:
            continue
        point = _unescape(fields[4])
        fstype = fields[fields.index("-", 6) + 1]
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fstype, point)
    return None if best is None else (best[1], best[2])


def _windows_remote(folder: Path) -> str | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return None
    text = str(folder)
    if text.startswith("\\\\"):
        return "on a network share"
    import ctypes

    drive_remote = 4  # GetDriveTypeW's DRIVE_REMOTE
    if ctypes.windll.kernel32.GetDriveTypeW(folder.anchor) == drive_remote:
        return f"on a network drive ({folder.anchor})"
    return None
