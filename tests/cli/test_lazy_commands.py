"""A run of one command loads only that command's modules (profilegen/cli/__init__.py, issue 21),
and the table that says which module registers which command stays true."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from profilegen import cli

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "cases" / "PG402" / "pass-design-a.login.plist"

# Run in a fresh interpreter: which commands each module set registers on its own (the cli
# modules are dropped from sys.modules between sets, so each set gets an app of its own).
PROBE = """
import json, sys
import profilegen.cli as cli

def names(app):
    top = [i.name or i.callback.__name__.lower().replace("_", "-") for i in app.registered_commands]
    groups = {g.name: sorted(c.name for c in g.typer_instance.registered_commands) for g in app.registered_groups}
    return top + list(groups), groups

out = {}
for modules in sorted(set(cli.COMMANDS.values())) + [cli.MODULES]:
    for name in [m for m in sys.modules if m.startswith("profilegen.cli.")]:
        del sys.modules[name]
    out[",".join(modules)] = names(cli._load_app(modules))
print(json.dumps(out), file=sys.stderr)
"""

# Run in a fresh interpreter: a validate command line through main(), then the modules it loaded;
# then `from profilegen.cli import app` in the same process, which must give the whole app in order.
def after_one_command(argv: list[str]) -> str:
    return f"""
import json, sys
sys.argv = ["profilegen", *{argv!r}]
from profilegen.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m.startswith("profilegen.cli."))
typer_loaded = "typer" in sys.modules
from profilegen.cli import app
from typer.main import get_command
listed = list(get_command(app).list_commands(None))
print(json.dumps({{"code": code, "loaded": loaded, "typer": typer_loaded, "listed": listed, "typer_app": type(app).__name__}}), file=sys.stderr)
"""


def probe(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.splitlines()[-1])


def test_each_command_is_registered_by_the_modules_the_table_names():
    sets = probe(PROBE)
    whole, whole_groups = sets.pop(",".join(cli.MODULES))
    assert whole == list(cli.COMMANDS), "COMMANDS lists every command, in the order --help shows them"
    for name, modules in cli.COMMANDS.items():
        registered, groups = sets[",".join(modules)]
        assert name in registered, (name, modules, registered)
        if name in whole_groups:
            assert groups[name] == whole_groups[name], f"{name}: every subcommand comes with its modules"


def test_one_command_loads_only_its_module_and_the_app_is_whole_afterwards():
    # An option: through the Typer app (validate's fast path takes only lines without one).
    seen = probe(after_one_command(["validate", "--jobs", "1", str(GOOD)]))
    assert seen["code"] == 0
    commands = {f"profilegen.cli.{m}" for m in cli.MODULES}
    assert commands & set(seen["loaded"]) == {"profilegen.cli.profiles"}, seen["loaded"]
    assert seen["typer"]
    assert seen["typer_app"] == "Typer"
    assert seen["listed"] == list(cli.COMMANDS)


def test_generate_loads_only_its_module_and_the_app_is_whole_afterwards():
    # generate has a module of its own (cli/generate_cmd.py): validate's and rules' Click
    # commands are not built for it, nor validate_cmd imported.
    argv = ["generate", "--tenant", "contoso.onmicrosoft.com", "--client-id", "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50",
            "--organization", "Contoso", "--identifier", "com.contoso.jc", "--component", "login", "--out", "-"]
    seen = probe(after_one_command(argv))
    assert seen["code"] == 0
    commands = {f"profilegen.cli.{m}" for m in cli.MODULES}
    assert commands & set(seen["loaded"]) == {"profilegen.cli.generate_cmd"}, seen["loaded"]
    assert "profilegen.cli.validate_cmd" not in seen["loaded"]
    assert seen["listed"] == list(cli.COMMANDS)


def test_validate_without_options_loads_no_typer_and_the_app_is_whole_afterwards():
    # validate's fast path (cli/validate_cmd.py): `validate FILE` and the hook's `validate -- FILE`.
    for argv in (["validate", str(GOOD)], ["validate", "--", str(GOOD)]):
        seen = probe(after_one_command(argv))
        assert seen["code"] == 0, argv
        commands = {f"profilegen.cli.{m}" for m in cli.MODULES}
        assert commands & set(seen["loaded"]) == set(), seen["loaded"]
        assert not seen["typer"], argv
        assert seen["typer_app"] == "Typer"
        assert seen["listed"] == list(cli.COMMANDS)


def test_modules_for():
    assert cli.modules_for(["validate", "x.plist"]) == ("profiles",)
    assert cli.modules_for(["generate", "--out", "-"]) == ("generate_cmd",)
    assert cli.modules_for(["azure", "ca-check"]) == ("entra", "entra_ca")
    for args in ([], ["--help"], ["valdate"], ["--version", "validate"]):
        assert cli.modules_for(args) == cli.MODULES, args
