"""No command prints a control character it got from outside (issue 8 §2.2).

``ESC ] 0 ; pwned BEL`` retitles a terminal; C1 ``U+009B`` is a one-character CSI. They are fed
through every command's text output (file names, profile contents, log exports, config values,
a server's answer) and must come out escaped. The list of commands is read from the Typer
app, so a new command fails here until it has a recipe.
"""

from __future__ import annotations

import json
import plistlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.core.text import json_safe, one_line, terminal_safe
from tests.entra.conftest import CLIENT_ID
from tests.helpers import CLIENT, TENANT, QuietServer

EVIL = "\x1b]0;pwned\x07\x9b31m"
SHOWN = "\\x1b]0;pwned\\x07\\x9b31m"  # how it must appear
# Issue 19 classes 4 and 13: a line feed in a name must not forge a line of our own, and the
# bidi controls (Trojan Source) are escaped like the other controls.
BIDI = "\u202e\u2066\u061c"
FORGE = f"\nprofilegen: forged{BIDI}"
FORGE_SHOWN = "\\nprofilegen: forged\\u202e\\u2066\\u061c"
CASES = Path(__file__).resolve().parents[1] / "cases"


def _commands(group: Any, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (azure)
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name


@pytest.fixture(scope="module")
def evil_server() -> Iterator[str]:
    """An endpoint whose discovery document is fine and whose token answer carries EVIL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send(200, {"token_endpoint": f"http://127.0.0.1:{self.server.server_address[1]}/token"})

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(400, {"error": "invalid_grant", "error_codes": [50126],
                             "error_description": f"AADSTS50126: {EVIL} {BIDI}{FORGE}"})

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/t/v2.0/.well-known/openid-configuration"
    server.shutdown()
    server.server_close()


def _profile(tmp: Path, evil: str = EVIL) -> Path:
    """A real profile whose file name and a key name carry EVIL (plist XML cannot hold ESC
    itself in a string, but a file name and a binary plist's key can)."""
    source = CASES / "PG402" / "pass-design-a.login.plist"
    data = plistlib.loads(source.read_bytes())
    data[f"Unknown{evil}Key"] = "x"
    path = tmp / f"{evil}.login.plist"
    path.write_bytes(plistlib.dumps(data, fmt=plistlib.FMT_BINARY))
    return path


def _signins(tmp: Path, evil: str = EVIL) -> Path:
    path = tmp / "s.json"
    path.write_text(json.dumps([{"userPrincipalName": f"{evil}@contoso.com", "appDisplayName": "Jamf Connect",
                                 "status": {"errorCode": 50126}}]))
    return path


def _policies(tmp: Path, evil: str = EVIL) -> Path:
    path = tmp / "policies.json"
    path.write_text(json.dumps({"value": [{"id": "p1", "displayName": f"MFA {evil}", "state": "enabled",
                                           "conditions": {"applications": {"includeApplications": ["All"]},
                                                          "users": {"includeUsers": ["All"]}},
                                           "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}]}))
    return path


Recipe = Callable[[Path, str, str], list[str]]
RECIPES: dict[str, Recipe | None] = {
    "generate": lambda tmp, url, evil=EVIL: ["generate", "--tenant", TENANT, "--client-id", CLIENT, "--organization", "Contoso",
                                  "--identifier", "com.contoso.jc", "--out", str(tmp / f"out{evil}")],
    "validate": lambda tmp, url, evil=EVIL: ["validate", str(_profile(tmp, evil))],
    "rules": None,  # prints only profilegen's own rule table: nothing from outside reaches it
    "variants": lambda tmp, url, evil=EVIL: ["variants", str(tmp / f"{evil}.yaml"), "--out", str(tmp / "v")],
    "diff": lambda tmp, url, evil=EVIL: ["diff", str(_profile(tmp, evil)), str(CASES / "PG402" / "pass-design-a.login.plist")],
    "ropg-check": lambda tmp, url, evil=EVIL: ["ropg-check", "--ropg-discovery-url", url, "--ropg-client-id", CLIENT_ID,
                                    "--allow-http-loopback", "--username", "a@contoso.com"],
    "signins": lambda tmp, url, evil=EVIL: ["signins", str(_signins(tmp, evil))],
    "sign": lambda tmp, url, evil=EVIL: ["sign", str(tmp / f"{evil}.mobileconfig"), "--p12", str(tmp / "id.p12"), "--out", str(tmp / "s")],
    "verify": lambda tmp, url, evil=EVIL: ["verify", str(tmp / f"{evil}.mobileconfig")],
    "schema": None,  # prints profilegen's own JSON Schema: nothing from outside reaches it
    "completion": None,  # prints a fixed shell script; a bad shell name is refused by click, and usage lines are escaped
    "jamf push": lambda tmp, url, evil=EVIL: ["jamf", "push", str(tmp / "x.mobileconfig"), "--config", str(tmp / f"{evil}.yaml")],
    "jamf pull": lambda tmp, url, evil=EVIL: ["jamf", "pull", "--config", str(tmp / f"{evil}.yaml"), "--out", str(tmp / "d")],
    "azure blueprint": lambda tmp, url, evil=EVIL: ["azure", "blueprint", "--out", str(tmp / f"bp{evil}")],
    "azure ca-check": lambda tmp, url, evil=EVIL: ["azure", "ca-check", "--policies", str(_policies(tmp, evil)),
                                                   "--ca-design", "D", "--client-id", CLIENT],
}


def test_every_command_has_a_recipe() -> None:
    assert set(_commands(typer.main.get_command(app))) == set(RECIPES)


@pytest.mark.parametrize("command", sorted(c for c, r in RECIPES.items() if r is not None))
def test_outside_text_is_escaped_in_text_output(tmp_path: Path, evil_server: str, command: str) -> None:
    recipe = RECIPES[command]
    assert recipe is not None
    result = CliRunner().invoke(app, recipe(tmp_path, evil_server, EVIL), env={"PROFILEGEN_PASSWORD": "S3cret-pw!"})
    out = result.stdout + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert SHOWN in out, out  # the hostile text did reach the output ...
    for char in "\x1b\x07\x9b":
        assert char not in out  # ... escaped


@pytest.mark.parametrize("command", ["validate", "signins", "ropg-check", "azure ca-check"])
def test_json_output_stays_valid_and_safe(tmp_path: Path, evil_server: str, command: str) -> None:
    recipe = RECIPES[command]
    assert recipe is not None
    args = [*recipe(tmp_path, evil_server, EVIL), "--format", "json"]
    result = CliRunner().invoke(app, args, env={"PROFILEGEN_PASSWORD": "S3cret-pw!"})
    assert not any(char in result.stdout for char in "\x1b\x07\x9b")
    assert any(EVIL in text for text in _strings(json.loads(result.stdout)))  # the same value, read back


@pytest.mark.parametrize("command", sorted(c for c, r in RECIPES.items() if r is not None))
def test_line_feeds_and_bidi_controls_are_escaped(tmp_path: Path, evil_server: str, command: str) -> None:
    recipe = RECIPES[command]
    assert recipe is not None
    result = CliRunner().invoke(app, recipe(tmp_path, evil_server, FORGE), env={"PROFILEGEN_PASSWORD": "S3cret-pw!"})
    out = result.stdout + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    # ropg-check shows only the first line of what Entra said, so there the forged line never
    # comes through at all, and the bidi controls before it must show escaped.
    assert (FORGE_SHOWN if command != "ropg-check" else "\\u202e\\u2066\\u061c") in out, out
    assert "\nprofilegen: forged" not in out
    assert not any(char in out for char in BIDI)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_escaping_functions() -> None:
    assert terminal_safe("a\nb\tc\x1b\x9b\x7f\ud800") == "a\nb\\tc\\x1b\\x9b\\x7f\\ud800"
    assert one_line("a\nb\r") == "a\\nb\\r"
    bidi = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert one_line(bidi) == terminal_safe(bidi) == "".join(f"\\u{ord(c):04x}" for c in bidi)
    assert json.loads(json_safe(json.dumps(bidi, ensure_ascii=False))) == bidi and json_safe(json.dumps(bidi, ensure_ascii=False)).isascii()
    document = json.dumps({"k\x9b": "\ud800\x85\u2028"}, ensure_ascii=False)
    safe = json_safe(document)
    assert safe.isascii() and json.loads(safe) == json.loads(document)

