"""Fixtures for the Entra commands: a real HTTP server on 127.0.0.1 that answers like Entra.

The token endpoint picks its answer from the username's local part, and every body copies the
shapes in azure-facts section 1.4 (error, error_description starting AADSTSnnnnn, error_codes,
timestamp, trace_id, correlation_id, error_uri, suberror, claims).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.core.errors import ProfilegenError
from tests.helpers import serving

TENANT = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
CLIENT_ID = "2b8a9c1e-6f3d-4e2a-9b7c-1d5e8f0a3c46"
PASSWORD = "Tr0ub4dor&3 sekret"  # a space and '&' make form-encoding mistakes visible
TRAILER = "\r\nTrace ID: 5e178ca4-1111-2222-3333-444455556666\r\nCorrelation ID: a3dce328-aaaa-bbbb-cccc-ddddeeeeffff\r\nTimestamp: 2026-11-27 15:39:35Z"


def entra_error(error: str, code: int, text: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "error": error,
        "error_description": f"AADSTS{code}: {text}{TRAILER}",
        "error_codes": [code],
        "timestamp": "2026-11-27 15:39:35Z",
        "trace_id": "5e178ca4-1111-2222-3333-444455556666",
        "correlation_id": "a3dce328-aaaa-bbbb-cccc-ddddeeeeffff",
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
    body.update(extra)
    return body


TOKENS = {
    "token_type": "Bearer",
    "scope": "openid profile email https://graph.microsoft.com/User.Read",
    "expires_in": 4766,
    "ext_expires_in": 4766,
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig",
    "id_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig",
}
# local part of the username -> (status, body)
SCENARIOS: dict[str, tuple[int, dict[str, Any] | bytes]] = {
    "ok": (200, TOKENS),
    "mfa": (400, entra_error(
        "invalid_grant", 50076,
        "Due to a configuration change made by your administrator, or because you moved to a new location, "
        "you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
        suberror="basic_action")),
    "wrong": (400, entra_error("invalid_grant", 50126, "Error validating credentials due to invalid username or password.")),
    "ca": (400, entra_error(
        "invalid_grant", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        suberror="message_only",
        claims='{"access_token":{"capolids":{"essential":true,"values":["da9d1d9d-0000-4000-8000-000000000001"]}}}')),
    "public": (401, {k: v for k, v in entra_error(
        "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    ).items() if k != "error_uri"}),
    "tenant": (400, entra_error(
        "invalid_tenant", 90002, "Tenant 'x' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")),
    "expired": (400, entra_error("invalid_grant", 50055, "The password is expired.", suberror="user_password_expired")),
    "locked": (400, entra_error("invalid_grant", 50053, "Your account is locked.")),
    "throttled": (400, entra_error("temporarily_unavailable", 90055, "Too many requests.")),
    "novel": (400, entra_error("invalid_grant", 4242424, "Something Entra invented today.")),
    "nocode": (400, {"error": "invalid_grant", "error_description": "AADSTS50126: Error validating credentials." + TRAILER}),
    "badgateway": (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
}

# discovery "tenant" -> a token_endpoint no request can be sent to
BAD_TOKEN_ENDPOINTS = {
    "badport": "http://127.0.0.1:99999/t",
    "badipv6": "https://[zz/t",
    "space": "https://exa mple.com/t",
    "creds": "https://admin:hunter2@login.example.com/t",
}


@dataclass
class FakeEntra:
    base: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def discovery(self, tenant: str = TENANT) -> str:
        return f"{self.base}/{tenant}/v2.0/.well-known/openid-configuration"


def _handler(fake: FakeEntra) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: dict[str, Any] | bytes) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if isinstance(body, bytes) else "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = self.path.split("/")
            tenant = parts[1]
            if self.path.endswith("/.well-known/openid-configuration"):
                if tenant == "unknown-tenant.example.com":
                    return self._send(400, entra_error("invalid_tenant", 90002, f"Tenant '{tenant}' not found."))
                if tenant == "plainhttp":
                    return self._send(200, {"token_endpoint": "http://login.example.com/t/oauth2/v2.0/token"})
                if tenant in BAD_TOKEN_ENDPOINTS:
                    return self._send(200, {"token_endpoint": BAD_TOKEN_ENDPOINTS[tenant]})
                return self._send(200, {
                    "issuer": f"{fake.base}/{tenant}/v2.0",
                    "token_endpoint": f"{fake.base}/{tenant}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{fake.base}/{tenant}/oauth2/v2.0/authorize",
                    "scopes_supported": ["openid", "profile", "email", "offline_access"],
                })
            self._send(404, b"not found")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode("ascii"), keep_blank_values=True)
            fake.requests.append({"path": self.path, "content_type": self.headers.get("Content-Type"), "form": form})
            user = form.get("username", [""])[0].split("@")[0]
            password = form.get("password", [""])[0]
            if user == "slow":
                fake.release.wait(5)
                return self._send(200, TOKENS)
            if user == "echo":
                # A misbehaving server that echoes the password back, in several spellings.
                text = f"Error validating credentials for password '{password}' ({urllib.parse.quote_plus(password)})."
                return self._send(400, entra_error("invalid_grant", 50126, text, echo=password))
            if user == "echo-unknown":
                return self._send(400, {"error": "weird", "error_description": f"you sent {password}", "password": password})
            status, body = SCENARIOS.get(user, SCENARIOS["wrong"])
            self._send(status, body)

    return Handler


@pytest.fixture()
def fake_entra() -> Iterator[FakeEntra]:
    fake = FakeEntra("")
    with serving(_handler(fake), on_stop=fake.release.set) as fake.base:
        yield fake


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], *, input: str | None = None, env: Mapping[str, str | None] | None = None) -> CliResult:
    """Drive profilegen.cli.app with CliRunner and map ProfilegenError as main() does."""
    result = CliRunner().invoke(app, args, input=input, env=env)
    stderr = result.stderr
    code = result.exit_code
    if isinstance(result.exception, ProfilegenError):
        stderr += "".join(f"profilegen: {line}\n" for line in result.exception.problems)
        code = result.exception.exit_code
    elif result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(code, result.stdout, stderr)


@pytest.fixture()
def ropg_args(fake_entra: FakeEntra) -> list[str]:
    return ["ropg-check", "--ropg-discovery-url", fake_entra.discovery(), "--ropg-client-id", CLIENT_ID,
            "--allow-http-loopback", "--timeout", "10"]
