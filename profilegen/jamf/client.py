"""An authenticated Jamf Pro session over the project's one transport (profilegen.core.transport).

Token handling follows reference §1 and jamf-pro-sdk-python: fetched once per run, cached under
a lock, renewed early when its lifetime is known to be nearly over, and renewed once when a call
answers 401 (a token that expired mid-run); a second 401 is an authentication problem. The
secret, the token and the Authorization header never reach a message or a log line: every text
from the network is scrubbed of them (every spelling) and of control characters.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import SecretStr

from profilegen.core.errors import ServiceError
from profilegen.core.scrub import server_words
from profilegen.core.text import CONTROL_RE
from profilegen.core.transport import Answer, Failure, Retry, send, send_retrying
from profilegen.core.transport import scrub as scrub_secrets
from profilegen.jamf import PRIVILEGES

MAX_BODY = 32 << 20  # a profile is at most a few MiB; a list of thousands of names far less
MAX_LIFETIME = 366 * 86400  # a token lifetime beyond a year is no lifetime Jamf Pro sets
EARLY = 5.0  # seconds before a token's announced expiry at which it is renewed
Log = Callable[[str], None]
_C1 = re.compile(r"[\x80-\x9f]")  # C1 controls: U+009B is a one-character CSI


@dataclass(frozen=True)
class Credentials:
    """An API client (client ID + secret) or a user account (name + password)."""

    kind: Literal["client", "user"]
    ident: str
    secret: SecretStr  # its repr is SecretStr('**********')


@dataclass(frozen=True)
class Connection:
    url: str  # https://example.jamfcloud.com, no trailing slash
    timeout: float = 30.0
    allow_http_loopback: bool = False
    retry: Retry = field(default_factory=Retry)


def _quiet(_: str) -> None:
    pass


class Session:
    def __init__(self, conn: Connection, creds: Credentials, *, log: Log = _quiet) -> None:
        self.conn = conn
        self.creds = creds
        self.log = log
        self.host = urllib.parse.urlsplit(conn.url).netloc
        self._token: SecretStr | None = None
        self._expires = float("inf")
        self._lock = threading.Lock()

    def clean(self, text: str) -> str:
        """Server or network text, safe to print: no secret, no token, no control characters."""
        secret = self.creds.secret.get_secret_value()
        basic = base64.b64encode(f"{self.creds.ident}:{secret}".encode()).decode("ascii")
        token = self._token.get_secret_value() if self._token else ""
        return _C1.sub("?", CONTROL_RE.sub("?", scrub_secrets(text, self.creds.secret, basic, token)))

    # -- tokens ------------------------------------------------------------------------------
    def token(self, *, renew: bool = False) -> SecretStr:
        with self._lock:
            if renew or self._token is None or time.monotonic() >= self._expires - EARLY:
                self._token = None
                self._token, lifetime = self._fetch_token()
                self._expires = time.monotonic() + lifetime if lifetime else float("inf")
            return self._token

    def _fetch_token(self) -> tuple[SecretStr, float | None]:
        creds = self.creds
        if creds.kind == "client":
            # API client: client-credentials grant, form-encoded (reference §1, Jamf Pro docs
            # "API Roles and Clients"): {"access_token", "token_type", "expires_in"}.
            path = "/api/oauth/token"
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": creds.ident,
                                           "client_secret": creds.secret.get_secret_value()}).encode("ascii")
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        else:
            # User account: basic auth on /api/v1/auth/token → {"token", "expires"} (reference §1).
            path, form = "/api/v1/auth/token", b""
            pair = f"{creds.ident}:{creds.secret.get_secret_value()}".encode()
            headers = {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii"), "Accept": "application/json"}

        def make() -> urllib.request.Request:
            return urllib.request.Request(self.conn.url + path, data=form, method="POST", headers=headers)

        answer = self._exchange("POST", path, make, resend_safe=True)
        what = "API client" if creds.kind == "client" else "user account"
        if answer.status in (400, 401, 403):
            env = ("PROFILEGEN_JAMF_CLIENT_ID/PROFILEGEN_JAMF_CLIENT_SECRET" if creds.kind == "client"
                   else "PROFILEGEN_JAMF_USERNAME/PROFILEGEN_JAMF_PASSWORD")
            raise ServiceError(f"Jamf Pro at {self.host} refused the {what} {creds.ident!r} (HTTP {answer.status}); "
                               f"check {env} and that the {what} is enabled")
        if answer.status == 404 and creds.kind == "client":
            raise ServiceError(f"Jamf Pro at {self.host} has no {path} (HTTP 404); API clients need Jamf Pro 10.49 or "
                               "later: upgrade, or use a user account (PROFILEGEN_JAMF_USERNAME/PASSWORD)")
        if 300 <= answer.status < 400:
            raise ServiceError(f"Jamf Pro at {self.host}: {path} answered HTTP {answer.status}; "
                               f"{server_text(answer, self.clean)}")
        if answer.status != 200:
            raise ServiceError(f"Jamf Pro at {self.host}: {path} answered HTTP {answer.status}; check --url")
        try:
            data = json.loads(answer.body)
            value = data["access_token" if creds.kind == "client" else "token"]
            if not isinstance(value, str) or not value:
                raise ValueError
        except (ValueError, KeyError, TypeError, RecursionError):
            raise ServiceError(f"Jamf Pro at {self.host}: {path} sent no token; check --url (is this Jamf Pro?)") from None
        lifetime = data.get("expires_in") if creds.kind == "client" else None
        # Seconds, as a JSON number; anything else (true, "599", 400 digits that no float holds,
        # NaN) is ignored: the token is then renewed on its first 401, as for a user account.
        sane = type(lifetime) in (int, float) and 0 < lifetime < MAX_LIFETIME
        return SecretStr(value), float(lifetime) if sane else None

    def close(self) -> None:
        """End a user account's token (reference §1: POST /api/v1/auth/invalidate-token).
        Best effort: a failure here changes nothing that was pushed."""
        if self.creds.kind != "user" or self._token is None:
            return
        req = urllib.request.Request(self.conn.url + "/api/v1/auth/invalidate-token", data=b"", method="POST",
                                     headers={"Authorization": f"Bearer {self._token.get_secret_value()}"})
        send(req, self.conn.timeout, self.clean)
        self._token = None

    # -- calls -------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, privilege: str, body: bytes | None = None,
             accept: str = "application/json", resend_safe: bool = True) -> Answer:
        """One API call with the bearer token (Classic API included, reference §1). 401 renews
        the token once; 403 names the missing privilege. Other statuses go to the caller."""
        for renewed in (False, True):
            token = self.token(renew=renewed)

            def make() -> urllib.request.Request:
                headers = {"Authorization": f"Bearer {token.get_secret_value()}", "Accept": accept}
                if body is not None:
                    headers["Content-Type"] = "application/xml"
                return urllib.request.Request(self.conn.url + path, data=body, method=method, headers=headers)

            answer = self._exchange(method, path, make, resend_safe=resend_safe)
            if answer.status == 401 and not renewed:
                self.log("the token was refused (HTTP 401, expired?); fetching a new one once")
                continue
            if answer.status == 401:
                raise ServiceError(f"Jamf Pro at {self.host} refused a fresh token for {method} {path} (HTTP 401); "
                                   "check that the API client or account is enabled")
            if answer.status == 403:
                raise ServiceError(f"{method} {path}: HTTP 403: the API role lacks '{privilege}'; give it these "
                                   f"privileges: {', '.join(PRIVILEGES)}")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, method: str, path: str, make: Callable[[], urllib.request.Request], *, resend_safe: bool) -> Answer:
        start = time.monotonic()
        result = send_retrying(make, self.conn.timeout, self.clean, retry=self.conn.retry, resend_safe=resend_safe,
                               max_body=MAX_BODY, log=self.log)
        if isinstance(result, Failure):
            self.log(f"{method} {path}: {result.text}")
            raise ServiceError(f"Jamf Pro: {result.text}; {_HINTS.get(result.kind, 'check --url and the network')}")
        self.log(f"{method} {path} -> HTTP {result.status} ({time.monotonic() - start:.2f} s)")
        if len(result.body) >= MAX_BODY:
            raise ServiceError(f"Jamf Pro: {method} {path}: the answer is larger than {MAX_BODY >> 20} MiB; not read")
        return result

    def get_json(self, path: str, *, privilege: str) -> Any:
        answer = self.call("GET", path, privilege=privilege)
        if answer.status != 200:
            raise ServiceError(f"Jamf Pro: GET {path} answered HTTP {answer.status}; {server_text(answer, self.clean)}")
        try:
            return json.loads(answer.body)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            raise ServiceError(f"Jamf Pro: GET {path} did not answer JSON; check --url (is this Jamf Pro?)") from None


_HINTS = {
    "tls": "nothing was sent; fix the server's certificate or the trust store",
    "timeout": "raise --timeout or try again later",
    "request": "check --url",
}


def server_text(answer: Answer, clean: Callable[[str], str], limit: int = 200) -> str:
    """What Jamf Pro said, as one short line: tags dropped, secrets and control characters removed."""
    # Scrubbed before the tags go (core.scrub.server_words): a secret may hold "<q7>".
    text = server_words(answer.body.decode("utf-8", "replace"), clean)
    text = (text[:limit] + "…" if len(text) > limit else text) or f"HTTP {answer.status} with no text"
    if 300 <= answer.status < 400:
        # No redirect is followed (core.transport: it could carry the token elsewhere or to
        # http://), so a 3xx means --url is not the server's own address: say where it points.
        where = next((v for k, v in answer.headers.items() if k.lower() == "location"), "")
        shown = clean(_origin(where))[:limit] or "nowhere"
        text = (f"{text}: it redirects to {shown}; profilegen follows no redirect: give --url as the "
                "Jamf Pro address itself (https://NAME.jamfcloud.com)")
    return text


def _origin(location: str) -> str:
    """Where a Location header points, as scheme://host[:port] only. Its path and query are left
    out: that is where a server would echo a secret or token, and http.client decodes header bytes
    as Latin-1, so a UTF-8 secret there would no longer match the scrubber's spellings."""
    try:
        parts = urllib.parse.urlsplit(location.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return "an address that is not a URL"
    if not parts.scheme or not host:
        return "a path on the same server" if location.strip().startswith("/") else "an address that is not a URL"
    rest = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else ""
    return f"{parts.scheme}://{host}{f':{port}' if port is not None else ''}{rest}"
