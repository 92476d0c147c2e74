"""Issue 19 class 5: bytes that are not UTF-8 never end in exit 70, in any option or channel.

Python hands a program undecodable bytes from argv, the environment and file names as lone
surrogates (surrogateescape: byte 0xff is U+DCFF). Such text cannot be encoded as UTF-8, so
every place that encodes it (a form body, a file name in a report, a JSON dump, a terminal
line) raised UnicodeEncodeError, which the CLI reported as an internal error (exit 70).

The matrix is generated from the Typer app: every command (walked from the click command
tree), every option that takes a value and every argument, set to such text, on top of a
baseline invocation that gets far (real files, a loopback Entra and Jamf Pro); then every
PROFILEGEN_* environment variable the code names and every stdin channel. A new option or
command is covered without a new test; a new command without a baseline fails
test_every_command_has_a_baseline. Run in-process: the whole matrix in a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.core.errors import ProfilegenError
from tests.entra.conftest import CLIENT_ID as ENTRA_CLIENT
from tests.entra.conftest import FakeEntra, _handler
from tests.helpers import API, CLIENT, TENANT, serving
from tests.jamf.fake import CLIENT_ID as JAMF_CLIENT
from tests.jamf.fake import CLIENT_SECRET as JAMF_SECRET
from tests.jamf.fake import FakeJamf, handler
from tests.signing.pki import PASSWORD as KEY_PASSWORD
from tests.signing.pki import PKI

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
PROFILE = CASES / "PG402" / "pass-design-a.login.plist"
MOBILECONFIG = CASES / "PG108" / "pass-unsigned.mobileconfig"
BAD = os.fsdecode(b"h\xff\xfe")  # 'h\udcff\udcfe': what Python makes of the bytes ff fe
BAD_BYTES = b"\xff\xfepw\xc3(\n"  # not UTF-8, for stdin and file contents
ENV = {"PROFILEGEN_PASSWORD": "S3cret-pw!", "PROFILEGEN_KEY_PASSWORD": KEY_PASSWORD,
       "PROFILEGEN_JAMF_CLIENT_ID": JAMF_CLIENT, "PROFILEGEN_JAMF_CLIENT_SECRET": JAMF_SECRET,
       "PROFILEGEN_JAMF_USERNAME": None, "PROFILEGEN_JAMF_PASSWORD": None, "PROFILEGEN_JAMF_BACKOFF_SCALE": "0.001"}


@dataclass(frozen=True)
class World:
    tmp: Path
    profile: str
    mobileconfig: str
    signed: str
    p12: str
    variants: str
    signins: str
    policies: str
    discovery: str
    jamf: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("hostile")
    pki = PKI(tmp / "pki")
    shutil.copy(PROFILE, tmp / "p.login.plist")
    shutil.copy(MOBILECONFIG, tmp / "p.mobileconfig")
    signed = CliRunner().invoke(app, ["sign", str(tmp / "p.mobileconfig"), "--p12", str(pki.p12), "--out", str(tmp / "signed")],
                                env={"PROFILEGEN_KEY_PASSWORD": KEY_PASSWORD})
    assert signed.exit_code == 0, signed.output
    shutil.copy(ROOT / "samples" / "departments.yaml", tmp / "departments.yaml")
    (tmp / "s.json").write_text(json.dumps([{"userPrincipalName": "a@contoso.com", "appDisplayName": "Jamf Connect",
                                             "status": {"errorCode": 50126}}]))
    (tmp / "policies.json").write_text(json.dumps({"value": []}))
    fake_jamf = FakeJamf()
    fake_entra = FakeEntra("")
    with serving(_handler(fake_entra)) as fake_entra.base, serving(handler(fake_jamf)) as fake_jamf.base:
        yield World(tmp, str(tmp / "p.login.plist"), str(tmp / "p.mobileconfig"), str(tmp / "signed" / "p.mobileconfig"),
                    str(pki.p12), str(tmp / "departments.yaml"), str(tmp / "s.json"), str(tmp / "policies.json"),
                    fake_entra.discovery(), fake_jamf.base)


@dataclass(frozen=True)
class Call:
    """A baseline: positional arguments and options (None: a flag)."""

    command: tuple[str, ...]
    args: tuple[str, ...]
    options: tuple[tuple[str, str | None], ...]

    def argv(self, *, set_option: tuple[str, str] | None = None, args: tuple[str, ...] | None = None,
             extra: tuple[str, ...] = ()) -> list[str]:
        options = [(k, v) for k, v in self.options if not set_option or k != set_option[0]]
        if set_option:
            options.append(set_option)
        flat = [item for k, v in options for item in ((k,) if v is None else (k, v))]
        return [*self.command, *flat, *extra, "--", *(self.args if args is None else args)]


def _c(command: str, args: tuple[str, ...] = (), **options: str | None) -> Call:
    return Call(tuple(command.split()), args, tuple((f"--{k.replace('_', '-')}", v) for k, v in options.items()))


Baselines = Callable[[World], list[Call]]
BASELINES: dict[str, Baselines] = {
    "generate": lambda w: [_c("generate", tenant=TENANT, client_id=CLIENT, organization="Contoso",
                              identifier="com.contoso.jc", out=str(w.tmp / "gen"), force=None)],
    "validate": lambda w: [_c("validate", (w.profile,)), _c("validate", (w.profile,), format="sarif"),
                           _c("validate", (w.profile, w.signed), format="github", output=str(w.tmp / "r.txt"), force=None),
                           _c("validate", (w.profile,), format="junit")],
    "rules": lambda w: [_c("rules")],
    "variants": lambda w: [_c("variants", (w.variants,), out=str(w.tmp / "var"), force=None)],
    "diff": lambda w: [_c("diff", (w.profile, w.mobileconfig))],
    "sign": lambda w: [_c("sign", (w.mobileconfig,), p12=w.p12, out=str(w.tmp / "sig"), force=None)],
    "verify": lambda w: [_c("verify", (w.signed,)), _c("verify", (w.signed,), format="json")],
    "ropg-check": lambda w: [_c("ropg-check", ropg_discovery_url=w.discovery, ropg_client_id=ENTRA_CLIENT,
                                username="a@contoso.com", allow_http_loopback=None, timeout="5")],
    "signins": lambda w: [_c("signins", (w.signins,)), _c("signins", (w.signins,), format="json")],
    "schema": lambda w: [_c("schema", ("variants",))],
    "completion": lambda w: [_c("completion", ("bash",))],
    "azure blueprint": lambda w: [_c("azure blueprint", out=str(w.tmp / "bp"), force=None)],
    "azure ca-check": lambda w: [_c("azure ca-check", ca_design="A", policies=w.policies, api_app_id=API, client_id=CLIENT)],
    "jamf push": lambda w: [_c("jamf push", (w.mobileconfig,), url=w.jamf, allow_http_loopback=None, timeout="5")],
    "jamf pull": lambda w: [_c("jamf pull", url=w.jamf, allow_http_loopback=None, timeout="5", all=None,
                               out=str(w.tmp / "pulled"), force=None)],
}


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name, command


COMMANDS = dict(_commands(typer.main.get_command(app)))


def _cases() -> Iterator[Any]:
    """(command, which baseline, the parameter, its hostile value) for every value-taking parameter."""
    for name, command in sorted(COMMANDS.items()):
        for param in command.params:
            if param.name == "help" or getattr(param, "is_flag", False):
                continue
            where = param.opts[0] if param.param_type_name == "option" else "ARGS"
            # An option gets a file name holding the bytes (text too: it is text with them);
            # an argument also bare text and an existing file under such a name.
            for kind in ("text", "path", "existing") if where == "ARGS" else ("path",):
                yield pytest.param(name, where, kind, id=f"{name}:{where}:{kind}")


def _hostile(world: World, kind: str, call: Call) -> str:
    if kind == "text":
        return f"x{BAD}y"
    if kind == "path":
        return str(world.tmp / f"new{BAD}.json")
    # an existing input file under a name with the bytes: what that command reads
    source = Path(call.args[0]) if call.args and Path(call.args[0]).is_file() else Path(world.profile)
    target = world.tmp / f"in{BAD}{source.suffix}"
    shutil.copy(source, target)
    return str(target)


def _check(result: Any, what: str) -> None:
    exc = result.exception
    if isinstance(exc, ProfilegenError):
        return  # main() prints its problems and exits with its code (2 or 3)
    assert exc is None or isinstance(exc, SystemExit), f"{what}: {type(exc).__name__}: {exc}"
    assert result.exit_code != 70, what
    assert "Traceback" not in result.output, what


def _invoke(argv: list[str], *, env: dict[str, str | None] | None = None, input: bytes | None = None) -> Any:
    return CliRunner().invoke(app, argv, env={**ENV, **(env or {})}, input=input)


@pytest.fixture(autouse=True)
def _in_a_temporary_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile text argument is a relative path to a command that writes (an --out directory):
    run where that lands in a temporary directory, never in the checkout (qa: a run on main wrote
    ``xh\\xff\\xfey/`` with profiles, jamf.json and the blueprint into the repository, and it was
    committed)."""
    monkeypatch.chdir(tmp_path)


def test_the_checkout_holds_no_file_name_that_is_not_utf8() -> None:
    """A tracked path with bytes that are not UTF-8 is a test's output committed by mistake."""
    import subprocess

    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=False).stdout
    bad = [name for name in listed.split(b"\0") if name and not _utf8(name)]
    assert bad == []


def _utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_every_command_has_a_baseline() -> None:
    assert set(COMMANDS) == set(BASELINES)


def test_the_baselines_get_far(world: World) -> None:
    """The matrix means something only when the unchanged invocation works."""
    for name, baselines in BASELINES.items():
        for call in baselines(world):
            result = _invoke(call.argv())
            assert result.exit_code in (0, 1), (name, call, result.output, result.exception)


@pytest.mark.parametrize("command, where, kind", list(_cases()))
def test_hostile_bytes_in_every_parameter(world: World, command: str, where: str, kind: str) -> None:
    for call in BASELINES[command](world):
        value = _hostile(world, kind, call)
        if where == "ARGS":
            argv = call.argv(args=(value,) + call.args[1:])
        else:
            argv = call.argv(set_option=(where, value))
        _check(_invoke(argv), f"{argv}")


ENV_NAMES = sorted({m for path in (ROOT / "profilegen").rglob("*.py")
                    for m in re.findall(r'"(PROFILEGEN_[A-Z0-9_]+)"', path.read_text(encoding="utf-8"))} - {"PROFILEGEN_TEST_WRITE_GATE"})


def test_the_environment_list_is_read_from_the_code() -> None:
    assert {"PROFILEGEN_PASSWORD", "PROFILEGEN_KEY_PASSWORD", "PROFILEGEN_JAMF_CLIENT_SECRET"} <= set(ENV_NAMES)


@pytest.mark.parametrize("variable", ENV_NAMES)
def test_hostile_bytes_in_every_environment_variable(world: World, variable: str) -> None:
    for name, baselines in sorted(BASELINES.items()):
        argv = baselines(world)[0].argv()  # the first baseline: what reads the environment is the same
        _check(_invoke(argv, env={variable: f"x{BAD}y"}), f"{variable} {argv}")


STDIN_FLAGS = sorted({opt for command in COMMANDS.values() for p in command.params if getattr(p, "is_flag", False)
                      for opt in p.opts if opt.endswith("-stdin")})


def test_the_stdin_flags_are_read_from_the_app() -> None:
    assert {"--password-stdin", "--secret-stdin"} <= set(STDIN_FLAGS)


@pytest.mark.parametrize("data", [BAD_BYTES, b"\xef\xbb\xbf" + BAD_BYTES, b"\x00\n"], ids=["bytes", "bom", "nul"])
def test_hostile_bytes_on_stdin(world: World, data: bytes) -> None:
    for name, command in sorted(COMMANDS.items()):
        flags = [opt for p in command.params if getattr(p, "is_flag", False) for opt in p.opts if opt in STDIN_FLAGS]
        for call in BASELINES[name](world)[:1]:
            for flag in flags:
                argv = call.argv(extra=(flag,))
                _check(_invoke(argv, input=data), f"{argv} < {data!r}")
            if call.args:  # - reads the input itself from stdin
                argv = call.argv(args=("-",) + call.args[1:])
                _check(_invoke(argv, input=data), f"{argv} < {data!r}")
        for param in command.params:  # --config - and --policies -
            if param.opts and param.opts[0] in ("--config", "--policies"):
                for call in BASELINES[name](world)[:1]:
                    argv = call.argv(set_option=(param.opts[0], "-"))
                    _check(_invoke(argv, input=data), f"{argv} < {data!r}")


def test_text_with_such_bytes_is_one_line_naming_the_option(world: World) -> None:
    call = BASELINES["generate"](world)[0]
    result = _invoke(call.argv(set_option=("--organization", f"Con{BAD}toso")))
    assert result.exit_code == 2
    assert result.stderr == ("profilegen: --organization: Conh\\udcff\\udcfetoso holds bytes that are not UTF-8 "
                             "(0xff 0xfe); give it as UTF-8 text\n")


def test_a_file_name_with_such_bytes_is_validated_and_reported(world: World) -> None:
    name = world.tmp / f"odd{BAD}.login.plist"
    shutil.copy(PROFILE, name)
    sarif = _invoke(["validate", "--format", "sarif", str(name)])
    assert sarif.exit_code == 0, sarif.output
    (uri,) = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
              for r in json.loads(sarif.stdout)["runs"][0]["results"]}
    assert uri.endswith("oddh%FF%FE.login.plist")  # the bytes the name is made of
    text = _invoke(["validate", str(name)])
    assert "oddh\\udcff\\udcfe.login.plist" in text.stdout
