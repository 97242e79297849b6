"""The key file: wrapping, unwrapping, recovery codes and passphrase rules."""

from __future__ import annotations

import json

import pytest

from caredesk.errors import StoreError, ValidationError, WrongSecret
from caredesk.store.keys import (
    KeyFile,
    calibrate,
    check_passphrase_rules,
    new_data_key,
    new_recovery_code,
    normalize_recovery_code,
)
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def made():
    key, code = new_data_key(), new_recovery_code()
    return key, code, KeyFile.create(key, PASSPHRASE, code, FAST_KDF)


def test_passphrase_unwraps_the_data_key(made):
    key, _code, kf = made
    assert kf.unwrap_with_passphrase(PASSPHRASE) == key


def test_wrong_passphrase_is_refused_with_a_clear_message(made):
    _key, _code, kf = made
    with pytest.raises(WrongSecret, match="passphrase is not correct"):
        kf.unwrap_with_passphrase(PASSPHRASE + "x")


def test_recovery_code_unwraps_even_typed_loosely(made):
    key, code, kf = made
    loose = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert kf.unwrap_with_recovery(loose) == key


def test_wrong_recovery_code_is_refused(made):
    _key, _code, kf = made
    with pytest.raises(WrongSecret, match="recovery code"):
        kf.unwrap_with_recovery(new_recovery_code())


def test_a_malformed_recovery_code_names_the_field():
    with pytest.raises(ValidationError, match="recovery code"):
        normalize_recovery_code("ABC-123")


def test_recovery_codes_are_random_and_grouped():
    codes = {new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 29 and c.count("-") == 4 for c in codes)


def test_the_key_file_never_holds_the_key_or_passphrase_in_clear(made):
    key, code, kf = made
    raw = kf.to_bytes()
    assert key.hex().encode() not in raw and key not in raw
    assert PASSPHRASE.encode() not in raw and code.encode() not in raw
    doc = json.loads(raw)
    assert doc["version"] == 1 and doc["slots"]["passphrase"]["kdf"]["name"] == "argon2id"


def test_the_key_file_round_trips_through_bytes(made):
    key, _code, kf = made
    again = KeyFile.from_bytes(kf.to_bytes())
    assert again.unwrap_with_passphrase(PASSPHRASE) == key


def test_rewrap_changes_only_the_passphrase_slot(made):
    key, code, kf = made
    new = kf.with_passphrase(key, "another passphrase", FAST_KDF)
    assert new.recovery == kf.recovery
    assert new.unwrap_with_passphrase("another passphrase") == key
    assert new.unwrap_with_recovery(code) == key
    with pytest.raises(WrongSecret):
        new.unwrap_with_passphrase(PASSPHRASE)


def test_a_slot_cannot_be_moved_to_another_store(made):
    """The store id is authenticated data: a wrap copied from another key file fails."""
    key, code, kf = made
    other = KeyFile.create(key, PASSPHRASE, code, FAST_KDF)
    spliced = KeyFile(store_id=kf.store_id, passphrase=other.passphrase, recovery=kf.recovery)
    with pytest.raises(WrongSecret):
        spliced.unwrap_with_passphrase(PASSPHRASE)


@pytest.mark.parametrize("raw", [b"", b"not json", b'{"format": "other"}', b'{"format": "caredesk-key", "version": 1}'])
def test_a_damaged_key_file_says_so(raw):
    with pytest.raises(StoreError, match="damaged"):
        KeyFile.from_bytes(raw)


def test_a_newer_key_file_version_asks_for_an_update(made):
    doc = json.loads(made[2].to_bytes())
    doc["version"] = 2
    with pytest.raises(StoreError, match="Update CareDesk"):
        KeyFile.from_bytes(json.dumps(doc).encode())


@pytest.mark.parametrize("bad", ["short", "123456789", " leading space ok?"])
def test_passphrase_rules_name_the_field(bad):
    with pytest.raises(ValidationError, match="passphrase"):
        check_passphrase_rules(bad)


def test_ten_characters_is_enough():
    check_passphrase_rules("abcdefghij")


def test_calibration_is_memory_hard_and_at_least_two_passes():
    params = calibrate(target_seconds=0.05)
    assert params.memory_kib >= 65536 and params.iterations >= 2
