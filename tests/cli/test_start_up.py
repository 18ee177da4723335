"""`rmis` starts fast: the commands that need no record and no analyses load neither.

Each command runs in a fresh interpreter (a test process has long imported everything), and
the modules it loaded are read from sys.modules once it has finished.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rmis.cli

# What the record, the warehouse, the analyses, the charts and the linker cost to import.
HEAVY = ("sqlalchemy", "alembic", "pyarrow", "pandas", "ibis", "duckdb", "matplotlib",
         "statsmodels", "scipy", "splink", "fastapi", "uvicorn")  # fmt: skip
# Name similarity needs these; reading an MRZ and printing help need neither.
NUMERIC = ("numpy", "rapidfuzz")

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")  # fmt: skip

RUN_AND_LIST_MODULES = """
import json, sys
from rmis.cli import app
try:
    app(sys.argv[1:], prog_name="rmis")
except SystemExit as done:
    code = done.code
else:
    code = 0
sys.stderr.write("\\nMODULES " + json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""


def loaded_by(*args: str, exit_code: int = 0, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages an `rmis ARGS...` run imported."""
    run = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, *args], env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    report = json.loads(run.stderr.rpartition("\nMODULES ")[2])
    assert (report["exit"] or 0) == exit_code, run.stdout + run.stderr
    return {name.split(".")[0] for name in report["modules"]}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("mrz", "parse", *TD3, "--json", "--today", "2025-06-01"),
        ("mrz", "parse", *TD3, "--today", "2025-06-01"),
        ("analytics", "--help"),
        ("users", "create", "--help"),
    ],
    ids=["help", "mrz-json", "mrz-table", "analytics-help", "users-create-help"],
)
def test_help_and_mrz_import_nothing_heavy(args):
    assert sorted(loaded_by(*args) & {*HEAVY, *NUMERIC}) == []


def test_names_and_stay_import_nothing_heavy(tmp_path):
    assert sorted(loaded_by("names", "latin", "Юлия", "--json") & set(HEAVY)) == []
    stays = tmp_path / "stays.csv"
    stays.write_text("entry,exit\n2026-01-01,2026-01-10\n", encoding="utf-8")
    check = ("stay", "check", "--window-days", "180", "--max-days", "90",
             "--stays", str(stays), "--on", "2026-02-01", "--json")  # fmt: skip
    assert sorted(loaded_by(*check) & {*HEAVY, *NUMERIC}) == []


def test_the_check_sees_a_heavy_import(tmp_path):
    # The tests above could pass by never noticing: an analysis (here failing for want of a
    # warehouse, after it has loaded the engine) must show its engine.
    env = {**os.environ, "RMIS_DATA_DIR": str(tmp_path)}
    assert "ibis" in loaded_by("analytics", "flows", exit_code=2, env=env)


def deferred_imports() -> list[tuple[str, str, str]]:
    """(cli module, module, name) of every `from X import Y` inside a function of rmis.cli."""
    found = []
    for path in sorted(Path(rmis.cli.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    found += [(path.stem, node.module, alias.name) for alias in node.names]
    return found


def test_every_deferred_import_resolves():
    # An import moved into a command fails only when that command runs: check them all here.
    imports = deferred_imports()
    assert len(imports) > 30
    for cli_module, module, name in imports:
        found = hasattr(importlib.import_module(module), name)
        found = found or importlib.util.find_spec(f"{module}.{name}") is not None  # a submodule
        assert found, f"{cli_module}: from {module} import {name}"


def test_choices_spelled_in_the_cli_agree_with_their_rooms():
    from rmis.analytics.export import FORMATS
    from rmis.cli import output, synth, users
    from rmis.security import Role
    from rmis.synth.recording import Noise

    assert tuple(role.value for role in Role) == users.ROLES
    assert FORMATS == output.FORMATS
    noise = Noise()
    spelled = (synth.DEFAULT_TYPO_RATE, synth.DEFAULT_OCR_RATE, synth.DEFAULT_UNRECORDED_EXIT_RATE)
    assert (noise.typo_rate, noise.ocr_rate, noise.unrecorded_exit_rate) == spelled
