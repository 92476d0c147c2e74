"""A loopback look-alike of Microsoft Graph and the Entra token endpoint (ThreadingHTTPServer on
127.0.0.1), for ca-check --graph and signins --graph. Each behaviour names its source.

- Token endpoint, client credentials grant: POST /<tenant>/oauth2/v2.0/token, form fields
  grant_type=client_credentials, client_id, client_secret, scope=<graph>/.default; 200 with
  token_type, expires_in, access_token; a wrong secret is 401 invalid_client AADSTS7000215
  (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow ;
  reference-error-codes: 7000215 InvalidClientSecretProvided).
- Lists: {"@odata.context", "value": [...], "@odata.nextLink": absolute URL while more remain}
  (https://learn.microsoft.com/en-us/graph/paging), pages of ``page_size``.
- No or wrong bearer token: 401 {"error": {"code": "InvalidAuthenticationToken", ...}}; missing
  permission: 403 Authorization_RequestDenied (https://learn.microsoft.com/en-us/graph/errors).
- Throttling: 429 with Retry-After in seconds (https://learn.microsoft.com/en-us/graph/throttling).
- Sign-ins: GET /v1.0/auditLogs/signIns with $filter on appId and createdDateTime, newest first
  (https://learn.microsoft.com/en-us/graph/api/signin-list ; azure-facts.md §4.1).
Hostile modes imitate a broken or malicious server: a nextLink to another host, bodies that are
not JSON or hold no value list, an error message that echoes the token.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.helpers import TENANT, serving

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLWZha2U"
GRAPH_APP = "7a3c9e1f-2b4d-4f6a-8c0e-1d3f5a7b9c2e"
SECRET = "Xq8~fake.client-secret_0123456789abcdef"


@dataclass
class FakeGraph:
    base: str = ""
    policies: list[dict[str, Any]] = field(default_factory=list)
    signins: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    throttled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(fake: FakeGraph) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
            fake.requests.append({"method": "POST", "path": self.path, "form": form})
            if not self.path.endswith("/oauth2/v2.0/token") or form.get("grant_type") != ["client_credentials"]:
                return self._send(400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003: unsupported"})
            if form.get("client_id") != [GRAPH_APP] or form.get("client_secret") != [SECRET]:
                return self._send(401, {"error": "invalid_client", "error_codes": [7000215],
                                        "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being "
                                        f"sent in the request is the client secret value, not the client secret ID ({form.get('client_secret', [''])[0]})."})
            self._send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": TOKEN})

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query)
            fake.requests.append({"method": "GET", "path": parts.path, "query": query,
                                  "authorization": self.headers.get("Authorization")})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._send(401, {"error": {"code": "InvalidAuthenticationToken", "message": "Access token validation failure."}})
            mode = fake.mode
            if mode == "forbidden":
                return self._send(403, {"error": {"code": "Authorization_RequestDenied",
                                                  "message": "Insufficient privileges to complete the operation."}})
            if mode == "throttle-once":
                with fake.lock:
                    fake.throttled += 1
                    first = fake.throttled == 1
                if first:
                    return self._send(429, {"error": {"code": "TooManyRequests", "message": "Too many requests"}}, {"Retry-After": "0"})
            if mode == "throttle-forever":
                return self._send(429, {"error": {"code": "TooManyRequests", "message": "Too many requests"}}, {"Retry-After": "3600"})
            if mode == "echo-token":
                return self._send(500, {"error": {"code": "InternalServerError", "message": f"bad token {TOKEN} \x1b]0;x\x07"}})
            if mode == "not-json":
                return self._send(200, b"<html>Service Unavailable</html>")
            if mode == "no-value":
                return self._send(200, {"@odata.context": "x", "values": []})
            if mode == "deep":
                return self._send(200, b'{"value": ' + b"[" * 100000 + b"]" * 100000 + b"}")
            if parts.path == "/v1.0/identity/conditionalAccess/policies":
                items = fake.policies
            elif parts.path == "/v1.0/auditLogs/signIns":
                items = fake.signins
            else:
                return self._send(404, {"error": {"code": "BadRequest", "message": "Resource not found for the segment."}})
            start = int(query.get("$skiptoken", ["0"])[0])
            page = items[start:start + fake.page_size]
            body: dict[str, Any] = {"@odata.context": f"{fake.base}/v1.0/$metadata#{parts.path}", "value": page}
            if start + fake.page_size < len(items):
                rest = {k: v[0] for k, v in query.items() if k != "$skiptoken"}
                rest["$skiptoken"] = str(start + fake.page_size)
                host = fake.base if mode != "evil-next" else fake.base.replace("127.0.0.1", "localhost")
                body["@odata.nextLink"] = f"{host}{parts.path}?{urllib.parse.urlencode(rest)}"
            self._send(200, body)

    return Handler


@pytest.fixture()
def fake_graph() -> Iterator[FakeGraph]:
    fake = FakeGraph()
    with serving(_handler(fake)) as fake.base:
        yield fake


def graph_args(fake: FakeGraph) -> list[str]:
    return ["--graph-url", fake.base, "--login-url", fake.base, "--allow-http-loopback", "--timeout", "10"]


__all__ = ["GRAPH_APP", "SECRET", "TENANT", "TOKEN", "FakeGraph", "fake_graph", "graph_args"]
