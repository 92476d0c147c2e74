"""ropg-check against a real HTTP server on 127.0.0.1: every category, exit code and the password."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .conftest import CLIENT_ID, PASSWORD, TENANT, FakeEntra, run_cli

ENV: dict[str, str | None] = {"PROFILEGEN_PASSWORD": PASSWORD}


@pytest.mark.parametrize(
    ("user", "category", "verified", "code", "exit_code"),
    [
        ("ok", "success", True, None, 0),
        ("mfa", "password_ok_mfa_required", True, 50076, 0),
        ("ca", "password_ok_blocked_by_policy", True, 53003, 0),
        ("expired", "password_ok_action_required", True, 50055, 0),
        ("wrong", "wrong_password", False, 50126, 1),
        ("nocode", "wrong_password", False, 50126, 1),  # code only in error_description
        ("locked", "account_problem", None, 50053, 3),
        ("public", "configuration_problem", None, 7000218, 3),
        ("tenant", "configuration_problem", None, 90002, 3),
        ("throttled", "transient", None, 90055, 3),
        ("badgateway", "transient", None, None, 3),
        ("novel", "unknown", None, 4242424, 3),
    ],
)
def test_categories_and_exit_codes(
    ropg_args: list[str], user: str, category: str, verified: bool | None, code: int | None, exit_code: int
) -> None:
    result = run_cli([*ropg_args, "--username", f"{user}@contoso.com", "--format", "json"], env=ENV)
    assert result.exit_code == exit_code, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["category", "password_verified", "error_code", "message"]
    assert out == {**out, "category": category, "password_verified": verified, "error_code": code}
    assert isinstance(out["message"], str) and out["message"]
    assert PASSWORD not in result.stdout + result.stderr


def test_ca_claims_containing_access_token_is_not_success(ropg_args: list[str]) -> None:
    # The 53003 body has "access_token" inside its claims string; only the code decides.
    result = run_cli([*ropg_args, "--username", "ca@contoso.com"], env=ENV)
    assert result.exit_code == 0
    assert result.stdout.startswith("password_ok_blocked_by_policy (AADSTS53003)")


def test_50076_explains_the_designs(ropg_args: list[str]) -> None:
    result = run_cli([*ropg_args, "--username", "mfa@contoso.com"], env=ENV)
    assert result.exit_code == 0
    assert "password verified" in result.stdout
    for phrase in ("All cloud apps", "api://<API app ID>/jamfconnect", "design A", "design B", "not on the scope alone", "failed sign-in"):
        assert phrase in result.stdout


def test_7000218_names_public_client_flows(ropg_args: list[str]) -> None:
    result = run_cli([*ropg_args, "--username", "public@contoso.com"], env=ENV)
    assert result.exit_code == 3
    assert "Allow public client flows" in result.stdout


def test_request_is_what_jamf_connect_sends(fake_entra: FakeEntra, ropg_args: list[str]) -> None:
    result = run_cli([*ropg_args, "--username", "ok@contoso.com", "--ropg-scopes", "openid+email+profile"], env=ENV)
    assert result.exit_code == 0
    [req] = fake_entra.requests
    assert req["path"] == f"/{TENANT}/oauth2/v2.0/token"
    assert req["content_type"] == "application/x-www-form-urlencoded"
    assert req["form"] == {
        "grant_type": ["password"], "client_id": [CLIENT_ID], "username": ["ok@contoso.com"],
        "password": [PASSWORD], "scope": ["openid email profile"],
    }


def test_timeout_is_transient_and_fast(ropg_args: list[str]) -> None:
    start = time.monotonic()
    # A generous default keeps the other scenarios clear of a loaded machine; this one sets its own.
    result = run_cli([*ropg_args, "--timeout", "0.5", "--username", "slow@contoso.com", "--format", "json"], env=ENV)
    assert time.monotonic() - start < 3
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert out["category"] == "transient" and out["password_verified"] is None and "0.5 s" in out["message"]


def test_unknown_tenant_at_discovery(fake_entra: FakeEntra) -> None:
    args = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery("unknown-tenant.example.com"), "--ropg-client-id",
            CLIENT_ID, "--allow-http-loopback", "--username", "ok@contoso.com", "--format", "json"]
    result = run_cli(args, env=ENV)
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error_code"] == 90002
    assert fake_entra.requests == []  # the password was never sent


def test_connection_refused_is_transient() -> None:
    args = ["ropg-check", "--ropg-discovery-url", "http://127.0.0.1:9/t/v2.0/.well-known/openid-configuration",
            "--ropg-client-id", CLIENT_ID, "--allow-http-loopback", "--username", "ok@contoso.com", "--format", "json"]
    result = run_cli(args, env=ENV)
    assert result.exit_code == 3 and json.loads(result.stdout)["category"] == "transient"


def test_http_token_endpoint_from_discovery_is_refused(fake_entra: FakeEntra) -> None:
    args = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery("plainhttp"), "--ropg-client-id", CLIENT_ID,
            "--allow-http-loopback", "--username", "ok@contoso.com", "--format", "json"]
    result = run_cli(args, env=ENV)
    assert result.exit_code == 3
    assert json.loads(result.stdout)["category"] == "configuration_problem"
    assert fake_entra.requests == []


@pytest.mark.parametrize("user", ["echo", "echo-unknown"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_password_never_shown_even_when_echoed(ropg_args: list[str], user: str, fmt: str) -> None:
    result = run_cli([*ropg_args, "--username", f"{user}@contoso.com", "--format", fmt], env=ENV)
    assert result.exit_code in (1, 3)
    combined = result.stdout + result.stderr
    assert "Entra said" in combined or "Entra said" in json.dumps(combined)
    for spelling in (PASSWORD, "Tr0ub4dor%263+sekret", "Tr0ub4dor&3", "sekret"):
        assert spelling not in combined


@pytest.mark.parametrize("how", ["stdin", "env", "prompt"])
def test_password_sources(ropg_args: list[str], how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [*ropg_args, "--username", "ok@contoso.com"]
    env: dict[str, str | None] = {"PROFILEGEN_PASSWORD": None}
    stdin = None
    if how == "stdin":
        args.append("--password-stdin")
        stdin = PASSWORD + "\n"
    elif how == "env":
        env = ENV
    else:
        monkeypatch.setattr("getpass.getpass", lambda prompt="", stream=None: PASSWORD)
        monkeypatch.setattr("profilegen.cli.entra.stdin_is_terminal", lambda: True)
    result = run_cli(args, input=stdin, env=env)
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr


def test_piped_stdin_without_option_is_refused(ropg_args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="", stream=None: asked.append(prompt) or PASSWORD)
    result = run_cli([*ropg_args, "--username", "ok@contoso.com"], input=PASSWORD + "\n", env={"PROFILEGEN_PASSWORD": None})
    assert result.exit_code == 2 and not asked
    assert "--password-stdin" in result.stderr and PASSWORD not in result.stdout + result.stderr


def test_password_is_not_an_option(ropg_args: list[str]) -> None:
    result = run_cli([*ropg_args, "--username", "ok@contoso.com", "--password", PASSWORD])
    assert result.exit_code == 2
    assert PASSWORD not in result.stdout


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--ropg-discovery-url", "http://login.example.com/t/v2.0/.well-known/openid-configuration"], "--allow-http-loopback permits only"),
        (["--ropg-discovery-url", "http://localhost:8080/t/v2.0/.well-known/openid-configuration"], "--allow-http-loopback permits only"),
        (["--ropg-discovery-url", "ftp://example.com/x"], "not an https:// URL"),
        (["--ropg-client-id", "not-a-guid"], "--ropg-client-id"),
        (["--username", " "], "--username"),
    ],
)
def test_usage_errors_exit_2(ropg_args: list[str], extra: list[str], needle: str) -> None:
    result = run_cli([*ropg_args, "--username", "ok@contoso.com", *extra], env=ENV)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_http_refused_without_loopback_flag(fake_entra: FakeEntra) -> None:
    args = ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--ropg-client-id", CLIENT_ID,
            "--username", "ok@contoso.com"]
    result = run_cli(args, env=ENV)
    assert result.exit_code == 2 and "uses http://" in result.stderr
    assert fake_entra.requests == []


def test_tenant_required_without_discovery_url() -> None:
    result = run_cli(["ropg-check", "--ropg-client-id", CLIENT_ID, "--username", "ok@contoso.com"], env=ENV)
    assert result.exit_code == 2 and result.stderr.startswith("profilegen: --tenant: required")


def test_common_tenant_refused() -> None:
    result = run_cli(["ropg-check", "--tenant", "common", "--ropg-client-id", CLIENT_ID, "--username", "a@b.com"], env=ENV)
    assert result.exit_code == 2 and "multi-tenant authority" in result.stderr


def test_empty_password_is_usage_error(ropg_args: list[str]) -> None:
    result = run_cli([*ropg_args, "--username", "ok@contoso.com", "--password-stdin"], input="\n")
    assert result.exit_code == 2 and "empty password" in result.stderr


def _config(tmp_path: Path, url: str, custom_scope: bool, design: str | None = None) -> Path:
    lines = ["organization: Contoso", "identifier: com.contoso.jc", "azure:", f"  tenant: {TENANT}",
             f"  client_id: {CLIENT_ID}"]
    if custom_scope:
        lines.append(f"  custom_scope: api://{CLIENT_ID}/jamfconnect")
    if design:
        lines.append(f"  ca_design: {design}")
    path = tmp_path / "contoso.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("custom_scope", "sent"), [(True, "openid email profile"), (False, "openid profile email")])
def test_config_supplies_client_and_scopes(
    tmp_path: Path, fake_entra: FakeEntra, custom_scope: bool, sent: str
) -> None:
    cfg = _config(tmp_path, fake_entra.discovery(), custom_scope)
    args = ["ropg-check", "--config", str(cfg), "--ropg-discovery-url", fake_entra.discovery(), "--allow-http-loopback",
            "--username", "ok@contoso.com"]
    result = run_cli(args, env=ENV)
    assert result.exit_code == 0, result.stderr
    [req] = fake_entra.requests
    assert req["form"]["scope"] == [sent] and req["form"]["client_id"] == [CLIENT_ID]


@pytest.mark.parametrize(("design", "sent"), [
    ("scoped-policy", "openid email profile"),
    # Design B: the password check asks for the private API (learn.jamf.com ROPG Scopes).
    ("excluded-api", f"api://{CLIENT_ID}/jamfconnect openid email profile"),
])
def test_config_design_decides_the_scopes_sent(tmp_path: Path, fake_entra: FakeEntra, design: str, sent: str) -> None:
    cfg = _config(tmp_path, fake_entra.discovery(), True, design)
    args = ["ropg-check", "--config", str(cfg), "--ropg-discovery-url", fake_entra.discovery(), "--allow-http-loopback",
            "--username", "ok@contoso.com"]
    assert run_cli(args, env=ENV).exit_code == 0
    assert fake_entra.requests[0]["form"]["scope"] == [sent]


def test_option_overrides_config_scopes(tmp_path: Path, fake_entra: FakeEntra) -> None:
    cfg = _config(tmp_path, fake_entra.discovery(), True)
    args = ["ropg-check", "--config", str(cfg), "--ropg-discovery-url", fake_entra.discovery(), "--allow-http-loopback",
            "--username", "ok@contoso.com", "--ropg-scopes", f"api://{CLIENT_ID}/jamfconnect+openid"]
    assert run_cli(args, env=ENV).exit_code == 0
    assert fake_entra.requests[0]["form"]["scope"] == [f"api://{CLIENT_ID}/jamfconnect openid"]


def test_bad_config_names_file_and_field(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("azure:\n  tenant: common\n  client_id: x\n")
    result = run_cli(["ropg-check", "--config", str(cfg), "--username", "a@b.com"], env=ENV)
    assert result.exit_code == 2
    assert f"{cfg}: azure.tenant:" in result.stderr and f"{cfg}: azure.client_id:" in result.stderr


def test_core_verdict_and_request_hold_no_password(fake_entra: FakeEntra) -> None:
    from dataclasses import fields

    from pydantic import SecretStr

    from profilegen.entra.ropg import RopgRequest, check_password

    request = RopgRequest(fake_entra.discovery(), CLIENT_ID, "echo@contoso.com", ("openid",), timeout=2, allow_http_loopback=True)
    assert "password" not in {f.name for f in fields(RopgRequest)}
    verdict = check_password(request, SecretStr(PASSWORD))
    assert verdict.category == "wrong_password"
    assert PASSWORD not in repr(verdict) and "Tr0ub4dor" not in verdict.message
