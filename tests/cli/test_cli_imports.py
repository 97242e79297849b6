"""A `caredesk` call imports its command's module only (cli.command_groups): `caredesk patients`
loads none of the FHIR, CSV, backup, letter, PDF or demo code the other commands use (~0.2 s of
a fresh call's imports before this, measured with `python -X importtime`). Real fresh processes,
not the tests' zygote: it has imported everything already."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from caredesk.cli import command_groups
from tests.cli.test_cli import cli_env, pw_env, store  # noqa: F401 (the store fixture)

cli = importlib.import_module("caredesk.cli.main")  # caredesk.cli.main is also the name of main()

# Runs `caredesk ARGS` as `python -m caredesk` would, then writes the modules it imported to
# stdout's last line.
_CALL = (
    "import json, sys\n"
    "from caredesk.cli.main import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as exc:  # argparse's --help\n"
    "    code = exc.code\n"
    "print(json.dumps(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)
# What only other commands use: FHIR (with pydantic), CSV and the other interop formats, PDFs,
# letters, backups and restores, the demo panel, the migrations.
HEAVY = (
    "fhir",
    "fhir_core",
    "pydantic",
    "reportlab",
    "alembic",
    "phonenumbers",
    "caredesk.interop",
    "caredesk.pdf",
    "caredesk.demo",
    "caredesk.services.backup",
    "caredesk.services.panel_import",
    "caredesk.services.letters",
    "caredesk.services.plan_printing",
    "caredesk.services.referrals",
)


def _imported(tmp_path, *args: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """The exit code of a fresh `caredesk ARGS` and the modules it imported."""
    r = subprocess.run(
        [sys.executable, "-c", _CALL, *args],
        capture_output=True,
        text=True,
        env=cli_env(env),
        cwd=tmp_path,
        timeout=300,
    )
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, set(json.loads(r.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(
        m for m in modules if m.startswith(HEAVY) and (m in HEAVY or m.startswith(tuple(h + "." for h in HEAVY)))
    )


def _cli_modules(modules: set[str]) -> set[str]:
    return {m.rpartition(".")[2] for m in modules if m.startswith("caredesk.cli.")}


_BASE = {"main", "common", "on_demand", "command_groups"}


@pytest.mark.parametrize(
    ("args", "group"),
    [(("patients",), "records"), (("queue",), "work"), (("report", "billing", "--month", "2026-11"), "work")],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_a_command_imports_its_own_module_only(tmp_path, store, args, group):  # noqa: F811 (the store fixture)
    code, modules = _imported(tmp_path, *args, "--data-dir", str(store.path), env=pw_env())
    assert code == 0
    assert _heavy(modules) == []
    assert _cli_modules(modules) - {"day_plan"} == _BASE | {group}  # work's queue shares day_plan's text


def test_no_store_stops_after_its_commands_imports(tmp_path):
    code, modules = _imported(tmp_path, "patients", "--data-dir", str(tmp_path / "none"))
    assert code == 4
    assert _heavy(modules) == []
    assert _cli_modules(modules) == _BASE | {"records"}


def test_the_whole_help_imports_every_module(tmp_path):
    code, modules = _imported(tmp_path, "--help")
    assert code == 0
    assert set(command_groups.GROUPS) <= _cli_modules(modules)


def test_the_index_names_each_modules_commands_in_the_helps_order():
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(action.choices) == [*command_groups.GROUP_OF, "gui"]
    for group in command_groups.GROUPS:
        declared = list(command_groups.load(group).COMMANDS)
        assert declared == [name for name, its in command_groups.GROUP_OF.items() if its == group], group


def test_the_version_imports_no_commands_module(tmp_path):
    code, modules = _imported(tmp_path, "--version")
    assert code == 0
    assert _cli_modules(modules) == _BASE
