"""Public code sets (ICD-10-CM) kept as small files in the user's cache folder, built once per release.

A code set's package can be slow and big to read (simple-icd-10-cm parses a 9.7 MB XML: 1.5 s and
175 MB), while the index the rules need is a few big strings. `cached` returns that index from
`<cache folder>/<name>`; when the file is missing, damaged or from another release it has the index
built by a child process (`python -m <module> --build-cache PATH`), so this process never holds the
package, and reads the file it wrote. When the child cannot write the file (a full disk, a read-only
cache folder or one that cannot be made) it sends the file's bytes on its stdout instead, and this
process reads those: the code set is parsed once, by the child (this process parsing it again cost
a `caredesk condition add` 6.0 s of CPU instead of 3.7 s), and no temporary file is needed. Where
no child can be started (a frozen bundle, whose `sys.executable` is the app) or the child fails, it
builds here as before and writes the file for the next process.

The cache folder is $CAREDESK_CACHE_DIR, else the platform's user cache folder. The files hold only
public code sets, never patient data. A file is `MAGIC`, the release key and a newline, then the
payload zlib-compressed (its checksum finds a damaged file); it is written to a temporary file and
renamed over the old one, so a reader sees the old file or the new one, never half of one. Any
trouble reading or writing it means a rebuild, never an error.

This module knows no code set: the caller gives the release key, how to parse a payload and how to
make one. It lives outside domain/ because cache folders, files and child processes are the app's
plumbing, not rules.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import platformdirs

from caredesk import APP_NAME

ENV_CACHE_DIR = "CAREDESK_CACHE_DIR"
MAGIC = b"CareDesk code set cache\n"
BUILD_FLAG = "--build-cache"
CHILD_TIMEOUT_S = 300  # a slow laptop parses the XML in a few seconds; a hung child must not hang the app
_LEVEL = 6  # zlib: 15 MB of index in ~3 MB, read back in ~40 ms

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    """$CAREDESK_CACHE_DIR, else the platform's user cache folder for CareDesk (nothing is created)."""
    env = os.environ.get(ENV_CACHE_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_NAME))


def read(path: Path, release: str) -> bytes | None:
    """The payload stored at `path` for `release`; None when the file is missing, unreadable, damaged
    or from another release."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return _unframed(data, release)


def _unframed(data: bytes, release: str) -> bytes | None:
    """The payload of a cache file's bytes `data` for `release`; None when they are not one (damaged,
    cut short, from another release)."""
    head = MAGIC + release.encode() + b"\n"
    if not data.startswith(head):
        return None
    try:
        return zlib.decompress(memoryview(data)[len(head) :])
    except (zlib.error, MemoryError, ValueError):
        return None


def _framed(release: str, payload: bytes) -> bytes:
    """A cache file's bytes: `MAGIC`, the release and a newline, then the payload compressed."""
    return MAGIC + release.encode() + b"\n" + zlib.compress(payload, _LEVEL)


def write(path: Path, release: str, payload: bytes) -> bool:
    """Store `payload` for `release` at `path` atomically (temporary file, then rename); False when it
    could not be written (a read-only or full disk): the caller goes on without the file."""
    return _write_framed(path, _framed(release, payload))


def _write_framed(path: Path, data: bytes) -> bool:
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temp = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        return True
    except OSError as error:
        log.warning("code set cache %s not written: %s", path.name, type(error).__name__)
        if temp is not None:
            temp.unlink(missing_ok=True)
        return False


def hand_over(path: Path, release: str, payload: bytes) -> None:
    """The child's end of `cached`: store `payload` for `release` at `path`; when the file cannot be
    written, send its bytes on stdout instead, for the parent to read (its only use of stdout)."""
    data = _framed(release, payload)
    if not _write_framed(path, data):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def cached(name: str, release: str, *, parse: Callable[[bytes], T], make: Callable[[], bytes], module: str) -> T:
    """The code set `name` for `release`: parsed from the cache file, else built by a child process
    running `python -m <module> --build-cache PATH` (which makes the payload and calls `hand_over`)
    and read from the file it wrote or, when it could not write one, from the bytes it sent; else
    made here with `make()` and written for the next process.

    `parse(payload)` raises ValueError for a payload it cannot use (then the file is rebuilt).
    Errors of `make` (the package missing) propagate; cache trouble never does.
    """
    path = cache_dir() / name
    found = _parsed(name, read(path, release), parse)
    can_spawn = not getattr(sys, "frozen", False)  # a bundle's sys.executable is the app, not Python
    if found is None and can_spawn:
        sent = _run_child(module, path)  # None: it failed; empty: it wrote the file; else the file's bytes
        if sent is not None:
            # Bytes sent mean the folder cannot be written: not tried again here (the next process will).
            found = _parsed(name, _unframed(sent, release) if sent else read(path, release), parse)
    if found is not None:
        return found
    log.info("code set %s built in this process", name)
    payload = make()
    write(path, release, payload)
    return parse(payload)


def _parsed(name: str, payload: bytes | None, parse: Callable[[bytes], T]) -> T | None:
    if payload is None:
        return None
    try:
        return parse(payload)
    except ValueError:
        log.warning("code set cache %s is damaged; rebuilding it", name)
        return None


def _run_child(module: str, path: Path) -> bytes | None:
    """Run `python -m module --build-cache path`; what it sent on stdout when it exited cleanly (empty
    when it wrote the file), None when it did not."""
    env = dict(os.environ)
    # The child imports caredesk from where this process did (a source tree run with PYTHONPATH too).
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, BUILD_FLAG, str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            timeout=CHILD_TIMEOUT_S,
            check=False,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows: no console flashing up
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("code set child for %s did not run: %s", path.name, type(error).__name__)
        return None
    # The last line of its stderr: a traceback's names the exception, `write`'s warning why it failed.
    last = (done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""])[0]
    if done.returncode != 0:
        # Only the exception's type is logged, as everywhere.
        log.warning("code set child for %s failed (exit %s): %s", path.name, done.returncode, last.split(":")[0][:80])
        return None
    if done.stdout:
        log.warning("code set cache %s not written (%s); the child sent it", path.name, last.rsplit(": ", 1)[-1][:80])
    return done.stdout
