"""`caredesk patient add` refuses a patient who looks like one on the panel (same birth date,
family name, and given name or initial: domain.same_person) with exit 1 and one line naming the
stored MRN; --allow-duplicate adds them. Real processes over a real store."""

from __future__ import annotations

import json

from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.cli.test_cli import store as store

ZOE_AGAIN = ("patient", "add", "--mrn", "T0002", "--given", "Zoe", "--family", "NUNEZ", "--dob", "03/04/1950")


def _mrns(store) -> list[str]:
    listed = run("patients", "--json", "--data-dir", str(store.path), env=pw_env())
    assert listed.returncode == 0, listed.stderr
    return sorted(row["mrn"] for row in json.loads(listed.stdout))


def test_the_same_person_again_is_refused_naming_the_stored_mrn(store):
    r = run(*ZOE_AGAIN, "--data-dir", str(store.path), env=pw_env())
    assert_clean_failure(r, 1, "already in your panel: Núñez, Zoë (MRN T0001, born 03/04/1950)")
    assert "--allow-duplicate" in r.stderr
    assert _mrns(store) == ["T0001"]


def test_allow_duplicate_adds_them(store):
    r = run(*ZOE_AGAIN, "--allow-duplicate", "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Added MRN T0002: NUNEZ, Zoe, born 03/04/1950.")
    assert _mrns(store) == ["T0001", "T0002"]


def test_another_person_born_the_same_day_is_added_without_the_flag(store):
    r = run(*ZOE_AGAIN[:5], "Ana", *ZOE_AGAIN[6:], "--data-dir", str(store.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert _mrns(store) == ["T0001", "T0002"]


def test_the_help_says_so():
    r = run("patient", "add", "--help")
    assert r.returncode == 0 and "--allow-duplicate" in r.stdout and "same birth date" in " ".join(r.stdout.split())
