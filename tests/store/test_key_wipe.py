"""The data key lives in one mutable buffer, wiped on lock (issue 11 item 8, SPEC §4).

What Python cannot wipe (the immutable bytes unwrapping returns, the hex text of the PRAGMA,
a keyring's text) is listed in README "Your data and its protection".
"""

from __future__ import annotations

import pytest

from caredesk.errors import StoreError
from caredesk.services.patients import patient_list
from caredesk.store.keys import DATA_KEY_BYTES
from tests.conftest import PASSPHRASE


def test_lock_zeroes_the_key_and_the_engine_cannot_connect_again(workspace):
    store = workspace.store
    buffer, engine = store._data_key, store._engine
    assert isinstance(buffer, bytearray) and len(buffer) == DATA_KEY_BYTES and any(buffer)
    patient_list(workspace)  # the engine works while unlocked

    workspace.lock()

    assert buffer == bytearray(DATA_KEY_BYTES)
    assert store._data_key is buffer  # zeroed in place, not replaced (a copy would be the key)
    with pytest.raises(StoreError, match="locked"):
        engine.connect()  # the connection maker keys from the same, now zeroed, buffer
    with pytest.raises(StoreError, match="locked"):
        patient_list(workspace)


def test_each_unlock_has_its_own_buffer(access, workspace):
    first = workspace.store._data_key
    key = bytes(first)
    workspace.lock()
    again = access.unlock(PASSPHRASE)
    try:
        assert again.store._data_key is not first
        assert bytes(again.store._data_key) == key  # the same data key, unwrapped anew
        assert first == bytearray(DATA_KEY_BYTES)
    finally:
        again.lock()
    assert again.store._data_key == bytearray(DATA_KEY_BYTES)


def test_lock_zeroes_the_anchor_key_derived_from_the_data_key(workspace):
    sealer = workspace.store._sealer
    buffer = sealer.key
    assert isinstance(buffer, bytearray) and len(buffer) == 32 and any(buffer)
    assert bytes(buffer) != bytes(workspace.store._data_key)  # derived (HKDF), never the data key itself
    anchored = sealer.read()  # the key works while unlocked: it checks the anchor's seal
    assert anchored is not None

    workspace.lock()

    assert sealer.key is buffer and buffer == bytearray(32)  # zeroed in place
    with pytest.raises(StoreError, match="locked"):
        sealer.write(anchored)  # no anchor sealed with a zero key
