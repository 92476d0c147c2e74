"""ropg-check against bad URLs, bad passwords and misbehaving servers (QA review of issue 5)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import BAD_TOKEN_ENDPOINTS, CLIENT_ID, TENANT, FakeEntra, run_cli

BASE = ["ropg-check", "--ropg-client-id", CLIENT_ID, "--allow-http-loopback", "--username", "ok@contoso.com"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:99999/x", "https://127.0.0.1:abc/x", "https://[zz/x", "https://exa mple.com/x", "https://a\tb.com/x"],
)
def test_unparsable_discovery_url_is_usage_error(url: str) -> None:
    result = run_cli([*BASE, "--ropg-discovery-url", url], env={"PROFILEGEN_PASSWORD": "pw"})
    assert result.exit_code == 2, result
    assert result.stderr.startswith("profilegen: --ropg-discovery-url: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("url", ["https://u:p@127.0.0.1:8765/d/ok", "http://admin:hunter2@127.0.0.1:8765/d", "https://tok@[zz/x"])
def test_credentials_in_discovery_url_refused(url: str) -> None:
    result = run_cli([*BASE, "--ropg-discovery-url", url], env={"PROFILEGEN_PASSWORD": "pw"})
    assert result.exit_code == 2
    assert "--ropg-discovery-url" in result.stderr
    for secret in ("u:p@", "hunter2", "tok@"):
        assert secret not in result.stdout + result.stderr


def test_credentials_in_config_url_not_echoed(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"azure:\n  tenant: {TENANT}\n  client_id: {CLIENT_ID}\n"
                   "  ropg_discovery_url: https://admin:hunter2@login.microsoftonline.com/x/v2.0/.well-known/openid-configuration\n")
    result = run_cli(["ropg-check", "--config", str(cfg), "--username", "a@b.com"], env={"PROFILEGEN_PASSWORD": "pw"})
    assert result.exit_code == 2
    assert "hunter2" not in result.stdout + result.stderr and str(cfg) in result.stderr


@pytest.mark.parametrize("tenant", sorted(BAD_TOKEN_ENDPOINTS))
def test_bad_token_endpoint_is_configuration_problem(fake_entra: FakeEntra, tenant: str) -> None:
    args = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(tenant), "--ropg-client-id", CLIENT_ID,
            "--allow-http-loopback", "--username", "ok@contoso.com", "--format", "json"]
    result = run_cli(args, env={"PROFILEGEN_PASSWORD": "pw"})
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert out["category"] == "configuration_problem" and "token_endpoint" in out["message"]
    assert "hunter2" not in result.stdout + result.stderr
    assert fake_entra.requests == []


def test_non_utf8_password_is_usage_error(ropg_args: list[str]) -> None:
    from typer.testing import CliRunner

    from profilegen.cli import app
    from profilegen.core.errors import InputError

    result = CliRunner().invoke(app, [*ropg_args, "--username", "ok@contoso.com", "--password-stdin"],
                                input=b"S3cr\xff\xfet\n", env={"PROFILEGEN_PASSWORD": None})
    if isinstance(result.exception, InputError):
        code, text = result.exception.exit_code, "\n".join(result.exception.problems)
    else:
        code, text = result.exit_code, result.stderr
    assert code == 2, result.exception
    assert "--password-stdin" in text and "UTF-8" in text and "S3cr" not in text + result.stdout


def test_non_utf8_password_surrogates_refused() -> None:
    from profilegen.cli.entra_inputs import read_password
    from profilegen.core.errors import InputError

    with pytest.raises(InputError) as info:
        read_password(password_stdin=False, environ={"PROFILEGEN_PASSWORD": "S3cr\udcff\udcfet"},
                      read_stdin=lambda: "", prompt=lambda: "")
    assert "PROFILEGEN_PASSWORD" in str(info.value.problems) and "S3cr" not in str(info.value.problems)


@pytest.mark.parametrize("user", ["mfa", "wrong", "public", "badgateway"])
def test_short_password_does_not_mangle_own_text(ropg_args: list[str], user: str) -> None:
    result = run_cli([*ropg_args, "--username", f"{user}@contoso.com"], env={"PROFILEGEN_PASSWORD": "e"})
    assert "********" not in result.stdout.splitlines()[1]  # the explanation is profilegen's own text


def test_echoed_password_scrubbed_in_any_case(ropg_args: list[str]) -> None:
    from pydantic import SecretStr

    from profilegen.entra.ropg import scrub

    assert scrub("you sent TR0UB4DOR and tr0ub4dor", SecretStr("Tr0ub4dor")) == "you sent ******** and ********"
    result = run_cli([*ropg_args, "--username", "echo@contoso.com"], env={"PROFILEGEN_PASSWORD": "Sekret"})
    assert "sekret" not in result.stdout.casefold()


@pytest.fixture()
def dripping_server() -> Iterator[str]:
    """Headers at once, then one body byte every 0.2 s: each read is fast, the whole never ends."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.2):
                conn.sendall(b" ")
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/t/v2.0/.well-known/openid-configuration"
    finally:
        stop.set()
        server.close()


def test_timeout_is_overall_not_per_read(dripping_server: str) -> None:
    start = time.monotonic()
    result = run_cli([*BASE, "--ropg-discovery-url", dripping_server, "--timeout", "1", "--format", "json"],
                     env={"PROFILEGEN_PASSWORD": "pw"})
    assert time.monotonic() - start < 3
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert out["category"] == "transient" and "1 s" in out["message"]
