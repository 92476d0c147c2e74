"""One ROPG password check, the way Jamf Connect does it: discovery GET, then a form POST.

The HTTP side (https only, no redirects, one overall deadline per request, no retries: a loop
of password attempts is what smart lockout, AADSTS50053, punishes) lives in ``transport``.

Request shape: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc
The password lives in a ``SecretStr``. Text that came from the server or the network is
scrubbed of it in every spelling (``scrub``) before it reaches a Verdict; profilegen's own
explanations are not, so a short password does not turn every matching letter into asterisks.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from dataclasses import dataclass

from pydantic import SecretStr

from profilegen.core.errors import InputError
from profilegen.core.scrub import scrubber
from profilegen.core.transport import SCRUBBED, scrub
from profilegen.entra.classify import (
    CONFIGURATION_PROBLEM,
    UNKNOWN,
    Verdict,
    classify_token_response,
    json_body,
)
from profilegen.entra.transport import Scrub, check_url, send

__all__ = ["DEFAULT_TIMEOUT", "SCRUBBED", "RopgRequest", "check_password", "check_url", "fetch_token_endpoint", "scrub"]

DEFAULT_TIMEOUT = 15.0
# What the server said is shown up to this length (after scrubbing: a cut first could leave a
# prefix of the password that no longer matches).
MAX_DETAIL = 500


@dataclass(frozen=True)
class RopgRequest:
    discovery_url: str
    client_id: str
    username: str
    scopes: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    allow_http_loopback: bool = False


def _keep(text: str) -> str:
    return text


def fetch_token_endpoint(request: RopgRequest, clean: Scrub = _keep) -> str | Verdict:
    """The discovery document's ``token_endpoint``, or a Verdict saying why there is none.

    ``clean`` scrubs server and network text. Whatever the server sends, this never raises:
    an unusable token_endpoint is a configuration_problem."""
    check_url(request.discovery_url, what="--ropg-discovery-url", allow_http_loopback=request.allow_http_loopback)
    req = urllib.request.Request(request.discovery_url, headers={"Accept": "application/json"})
    answer = send(req, request.timeout, clean)
    if isinstance(answer, Verdict):
        return answer
    if answer.status != 200:
        # Entra answers an unknown tenant here already: 400 invalid_tenant, AADSTS90002.
        verdict = classify_token_response(answer.status, answer.body)
        if verdict.category == UNKNOWN:
            return Verdict(CONFIGURATION_PROBLEM, None,
                           f"The discovery URL answered HTTP {answer.status}; check --ropg-discovery-url or the tenant.")
        return Verdict(verdict.category, verdict.error_code, verdict.explanation, clean(verdict.detail))
    document = json_body(answer.body)
    endpoint = document.get("token_endpoint") if isinstance(document, dict) else None
    if not isinstance(endpoint, str):
        return Verdict(CONFIGURATION_PROBLEM, None,
                       "The discovery URL did not return an OpenID discovery document with a token_endpoint.")
    try:
        check_url(endpoint, what="token_endpoint", allow_http_loopback=request.allow_http_loopback, show=clean)
    except InputError as exc:
        return Verdict(CONFIGURATION_PROBLEM, None,
                       f"The discovery document's {exc.problems[0]}. The password was not sent; check --ropg-discovery-url.")
    return endpoint


def check_password(request: RopgRequest, password: SecretStr) -> Verdict:
    """Run the check and classify the answer. Never raises for network or server problems."""

    remove_password = scrubber(password)

    def clean(text: str) -> str:
        text = remove_password(text)
        return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"

    endpoint = fetch_token_endpoint(request, clean)
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
    answer = send(req, request.timeout, clean)
    req.data = None  # do not keep the encoded password around
    if isinstance(answer, Verdict):
        return answer  # its network text is already scrubbed
    verdict = classify_token_response(answer.status, answer.body)
    # The explanation is profilegen's own text; only what Entra said (detail) is scrubbed.
    return Verdict(verdict.category, verdict.error_code, verdict.explanation, clean(verdict.detail))
