"""The key hierarchy: a random data key, stored only wrapped.

The data key (256 random bits) is the SQLCipher raw key. It is wrapped with AES-256-GCM
(a) by a key derived from the passphrase with Argon2id, parameters stored and tuned to
about half a second, and (b) by a key derived from a 128-bit recovery code with HKDF
(the code is random, so it needs no slow KDF). Changing the passphrase rewraps; the
database is never re-encrypted. The key file is small, versioned JSON written atomically.

What stays in memory: unwrapping returns `bytes` (AESGCM's output; the key-encryption key
from Argon2id or HKDF is `bytes` too). Those objects are immutable and Python cannot zero
them: they are dropped as soon as the caller has copied the key into the store's one
mutable buffer (store/vault.py OpenStore, wiped on lock), and their memory holds the key
until the allocator reuses it. README "Your data and its protection" says so.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caredesk.domain.passphrase_strength import check_form
from caredesk.errors import DiskFull, StoreError, ValidationError, WrongSecret
from caredesk.store import faults

FORMAT = "caredesk-key"
VERSION = 1
DATA_KEY_BYTES = 32
# Crockford base32: no I, L, O, U, so a printed code is hard to misread.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A JSON object as read from or written to the key file (KDF parameters, a slot).
JsonObject = dict[str, Any]


def check_passphrase_rules(passphrase: str) -> None:
    """The form only (length, edges), wherever a key is wrapped: how hard it is to guess is
    checked where a person chooses one (services.access, domain.passphrase_strength)."""
    check_form(passphrase)


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


@dataclass(frozen=True, slots=True)
class KdfParams:
    iterations: int = 3
    memory_kib: int = 65536
    lanes: int = 4

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Argon2id(
            salt=salt, length=32, iterations=self.iterations, lanes=self.lanes, memory_cost=self.memory_kib
        ).derive(secret)


def calibrate(target_seconds: float = 0.5, *, memory_kib: int = 65536, lanes: int = 4) -> KdfParams:
    """Argon2id parameters taking about target_seconds on this computer (64 MiB, at least 2 passes).

    Time is a fixed cost (filling memory) plus a cost per pass, so two probes find both.
    """

    def timed(iterations: int) -> float:
        params = KdfParams(iterations=iterations, memory_kib=memory_kib, lanes=lanes)
        best = float("inf")
        for _ in range(2):  # the first run pays for page faults; take the faster
            start = time.perf_counter()
            params.derive(b"calibration", b"\0" * 16)
            best = min(best, time.perf_counter() - start)
        return best

    one, four = timed(1), timed(4)
    per_pass = max((four - one) / 3, 1e-4)
    fixed = max(one - per_pass, 0.0)
    iterations = round((target_seconds - fixed) / per_pass)
    return KdfParams(iterations=max(2, min(64, iterations)), memory_kib=memory_kib, lanes=lanes)


def new_recovery_code() -> str:
    """25 Crockford characters (125 random bits) in five groups: 'XXXXX-XXXXX-...'."""
    chars = "".join(secrets.choice(_CROCKFORD) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def normalize_recovery_code(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != 25 or any(ch not in _CROCKFORD for ch in cleaned):
        raise ValidationError("recovery code", "must be the 25 letters and digits shown when the store was created")
    return cleaned.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True, slots=True)
class Slot:
    """One wrapping of the data key."""

    kdf: JsonObject
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> JsonObject:
        return {"kdf": self.kdf, "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, data: JsonObject) -> Slot:
        return cls(kdf=dict(data["kdf"]), nonce=_unb64(data["nonce"]), wrapped=_unb64(data["wrapped"]))


def _aad(store_id: str, slot: str) -> bytes:
    return f"{FORMAT}/v{VERSION}/{store_id}/{slot}".encode("ascii")


def _passphrase_kek(passphrase: str, kdf: JsonObject) -> bytes:
    params = KdfParams(iterations=int(kdf["iterations"]), memory_kib=int(kdf["memory_kib"]), lanes=int(kdf["lanes"]))
    return params.derive(passphrase.encode("utf-8"), _unb64(kdf["salt"]))


def _recovery_kek(code: bytes, kdf: JsonObject) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_unb64(kdf["salt"]), info=b"caredesk recovery").derive(code)


def _wrap(kek: bytes, data_key: bytes, aad: bytes, kdf: JsonObject) -> Slot:
    nonce = secrets.token_bytes(12)
    return Slot(kdf=kdf, nonce=nonce, wrapped=AESGCM(kek).encrypt(nonce, data_key, aad))


def _unwrap(kek: bytes, slot: Slot, aad: bytes, what: str) -> bytes:
    try:
        key = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, aad)
    except InvalidTag:
        raise WrongSecret(f"That {what} is not correct.") from None
    if len(key) != DATA_KEY_BYTES:
        raise StoreError("The key file is damaged.")
    return key


def _passphrase_slot(store_id: str, data_key: bytes, passphrase: str, params: KdfParams) -> Slot:
    kdf: JsonObject = {
        "name": "argon2id",
        "salt": _b64(secrets.token_bytes(16)),
        "iterations": params.iterations,
        "memory_kib": params.memory_kib,
        "lanes": params.lanes,
    }
    return _wrap(_passphrase_kek(passphrase, kdf), data_key, _aad(store_id, "passphrase"), kdf)


def _recovery_slot(store_id: str, data_key: bytes, recovery_code: str) -> Slot:
    kdf: JsonObject = {"name": "hkdf-sha256", "salt": _b64(secrets.token_bytes(16))}
    code = normalize_recovery_code(recovery_code)
    return _wrap(_recovery_kek(code, kdf), data_key, _aad(store_id, "recovery"), kdf)


@dataclass(frozen=True, slots=True)
class KeyFile:
    store_id: str
    passphrase: Slot
    recovery: Slot

    @classmethod
    def create(cls, data_key: bytes, passphrase: str, recovery_code: str, params: KdfParams) -> KeyFile:
        check_passphrase_rules(passphrase)
        store_id = uuid.uuid4().hex
        return cls(
            store_id=store_id,
            passphrase=_passphrase_slot(store_id, data_key, passphrase, params),
            recovery=_recovery_slot(store_id, data_key, recovery_code),
        )

    def with_passphrase(self, data_key: bytes, passphrase: str, params: KdfParams) -> KeyFile:
        check_passphrase_rules(passphrase)
        return replace(self, passphrase=_passphrase_slot(self.store_id, data_key, passphrase, params))

    def with_recovery(self, data_key: bytes, recovery_code: str) -> KeyFile:
        return replace(self, recovery=_recovery_slot(self.store_id, data_key, recovery_code))

    def unwrap_with_passphrase(self, passphrase: str) -> bytes:
        """The data key (immutable bytes: copy it into a bytearray you can wipe, then drop it)."""
        kek = _passphrase_kek(passphrase, self.passphrase.kdf)
        return _unwrap(kek, self.passphrase, _aad(self.store_id, "passphrase"), "passphrase")

    def unwrap_with_recovery(self, recovery_code: str) -> bytes:
        code = normalize_recovery_code(recovery_code)
        kek = _recovery_kek(code, self.recovery.kdf)
        return _unwrap(kek, self.recovery, _aad(self.store_id, "recovery"), "recovery code")

    def kdf_params(self) -> KdfParams:
        k = self.passphrase.kdf
        return KdfParams(iterations=int(k["iterations"]), memory_kib=int(k["memory_kib"]), lanes=int(k["lanes"]))

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "slots": {"passphrase": self.passphrase.to_json(), "recovery": self.recovery.to_json()},
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            doc = json.loads(raw.decode("ascii"))
            if doc.get("format") != FORMAT:
                raise ValueError("format")
            if doc.get("version") != VERSION:
                raise StoreError(
                    f"The key file is version {doc.get('version')}; this CareDesk reads version {VERSION}. Update CareDesk."
                )
            slots = doc["slots"]
            return cls(
                store_id=str(doc["store_id"]),
                passphrase=Slot.from_json(slots["passphrase"]),
                recovery=Slot.from_json(slots["recovery"]),
            )
        except StoreError:
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise StoreError("The key file is damaged or is not a CareDesk key file.") from None

    @classmethod
    def read(cls, path: Path) -> KeyFile:
        try:
            return cls.from_bytes(path.read_bytes())
        except FileNotFoundError:
            raise StoreError("The key file is missing.") from None
        except OSError as exc:
            raise StoreError(f"The key file cannot be read ({exc.strerror}).") from None

    def write(self, path: Path) -> None:
        """Atomic: a crash leaves the old file or the new one, never half of one. A failed write
        leaves the old file and no `.tmp` beside it: DiskFull when the disk has no room,
        StoreError for any other failure."""
        tmp = path.with_name(path.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                data = memoryview(self.to_bytes())
                while data:  # os.write may write less than asked
                    data = data[os.write(fd, data) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if faults.is_disk_full(exc):
                raise DiskFull(path.parent) from None
            raise StoreError(f"The key file could not be written ({exc.strerror}); the old one is unchanged.") from None
        fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); a no-op where a folder cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
