"""One ROPG password check, the way Jamf Connect does it: discovery GET, then a form POST.

Stdlib only (urllib). https with certificate verification; plain http only for
``http://127.0.0.1:<port>`` when the caller allows it (tests). No redirects are followed (a
redirect could downgrade to http or carry the password elsewhere), one timeout per request,
and no retries: a loop of password attempts is what smart lockout (AADSTS50053) punishes.

Request shape: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc
The password lives in a ``SecretStr`` and is scrubbed from anything the server sends back.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from profilegen.azure.classify import (
    CATEGORY_TEXT,
    CONFIGURATION_PROBLEM,
    TRANSIENT,
    UNKNOWN,
    Verdict,
    classify_token_response,
    json_body,
)
from profilegen.errors import InputError

MAX_BODY = 1 << 20  # discovery documents are ~2 KB and token answers ~5 KB
DEFAULT_TIMEOUT = 15.0
SCRUBBED = "********"


@dataclass(frozen=True)
class RopgRequest:
    discovery_url: str
    client_id: str
    username: str
    scopes: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    allow_http_loopback: bool = False


def check_url(url: str, *, what: str, allow_http_loopback: bool) -> None:
    """Refuse anything but https (or http://127.0.0.1:<port> when allowed)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http":
        if not allow_http_loopback:
            raise InputError(f"{what}: {url} uses http://; Entra endpoints are https:// only")
        if parts.hostname != "127.0.0.1" or parts.port is None:
            raise InputError(
                f"{what}: {url}: --allow-http-loopback permits only http://127.0.0.1:<port>; use https:// for other hosts"
            )
        return
    raise InputError(f"{what}: {url!r} is not an https:// URL; give the full URL")


def scrub(text: str, secret: SecretStr) -> str:
    """Remove the password in every spelling a server might echo: plain, form- and JSON-encoded."""
    value = secret.get_secret_value()
    if not value:
        return text
    spellings = {
        value,
        urllib.parse.quote_plus(value),
        urllib.parse.quote(value, safe=""),
        json.dumps(value)[1:-1],
    }
    for spelling in sorted(spellings, key=len, reverse=True):
        text = text.replace(spelling, SCRUBBED)
    return text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError


def _opener(url: str) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()  # verifies certificates and host names
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect(), urllib.request.HTTPSHandler(context=context)]
    if urllib.parse.urlsplit(url).hostname == "127.0.0.1":
        handlers.append(urllib.request.ProxyHandler({}))  # a loopback test server is never behind a proxy
    return urllib.request.build_opener(*handlers)


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes


def _send(req: urllib.request.Request, timeout: float) -> _Answer | Verdict:
    """One HTTP exchange. Network failures come back as a Verdict; HTTP errors as an _Answer."""
    try:
        with _opener(req.full_url).open(req, timeout=timeout) as resp:
            return _Answer(resp.status, resp.read(MAX_BODY))
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_BODY)
        except OSError:
            body = b""
        finally:
            exc.close()
        return _Answer(exc.code, body)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return Verdict(CONFIGURATION_PROBLEM, None, f"The TLS certificate of {req.host} could not be verified "
                           f"({reason.verify_message}); the password was not sent.")
        if isinstance(reason, TimeoutError):
            return _timeout(req, timeout)
        return Verdict(TRANSIENT, None, f"Cannot reach {req.host}: {reason}. {CATEGORY_TEXT[TRANSIENT]}")
    except TimeoutError:
        return _timeout(req, timeout)
    except (ConnectionError, ssl.SSLError, OSError) as exc:
        return Verdict(TRANSIENT, None, f"Connection to {req.host} failed ({type(exc).__name__}). {CATEGORY_TEXT[TRANSIENT]}")


def _timeout(req: urllib.request.Request, timeout: float) -> Verdict:
    return Verdict(TRANSIENT, None, f"{req.host} did not answer within {timeout:g} s. {CATEGORY_TEXT[TRANSIENT]}")


def fetch_token_endpoint(request: RopgRequest) -> str | Verdict:
    """The discovery document's ``token_endpoint``, or a Verdict saying why there is none."""
    check_url(request.discovery_url, what="--ropg-discovery-url", allow_http_loopback=request.allow_http_loopback)
    req = urllib.request.Request(request.discovery_url, headers={"Accept": "application/json"})
    answer = _send(req, request.timeout)
    if isinstance(answer, Verdict):
        return answer
    if answer.status != 200:
        # Entra answers an unknown tenant here already: 400 invalid_tenant, AADSTS90002.
        verdict = classify_token_response(answer.status, answer.body)
        if verdict.category == UNKNOWN:
            return Verdict(CONFIGURATION_PROBLEM, None,
                           f"The discovery URL answered HTTP {answer.status}; check --ropg-discovery-url or the tenant.")
        return verdict
    document = json_body(answer.body)
    endpoint = document.get("token_endpoint") if isinstance(document, dict) else None
    if not isinstance(endpoint, str):
        return Verdict(CONFIGURATION_PROBLEM, None,
                       "The discovery URL did not return an OpenID discovery document with a token_endpoint.")
    try:
        check_url(endpoint, what="token_endpoint", allow_http_loopback=request.allow_http_loopback)
    except InputError as exc:
        return Verdict(CONFIGURATION_PROBLEM, None, f"The discovery document's {exc.problems[0]}.")
    return endpoint


def check_password(request: RopgRequest, password: SecretStr) -> Verdict:
    """Run the check and classify the answer. Never raises for network or server problems."""
    endpoint = fetch_token_endpoint(request)
    if isinstance(endpoint, Verdict):
        return endpoint
    # Scopes joined with spaces before form encoding: a literal '+' would be sent as %2B.
    form = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "client_id": request.client_id,
            "username": request.username,
            "password": password.get_secret_value(),
            "scope": " ".join(request.scopes),
        }
    ).encode("ascii")
    req = urllib.request.Request(
        endpoint,
        data=form,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    del form
    answer = _send(req, request.timeout)
    req.data = None  # do not keep the encoded password around
    verdict = answer if isinstance(answer, Verdict) else classify_token_response(answer.status, answer.body)
    return Verdict(verdict.category, verdict.error_code, scrub(verdict.explanation, password), scrub(verdict.detail, password))
