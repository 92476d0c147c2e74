"""Microsoft Graph, read-only, through the one transport (profilegen.core.transport).

- A bearer token comes from the caller (``az account get-access-token --resource-type ms-graph``
  prints one) or from the client credentials grant:
  ``POST https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`` with
  ``grant_type=client_credentials``, ``client_id``, ``client_secret`` and
  ``scope=https://graph.microsoft.com/.default``
  (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
- Lists are paged: each page has ``value`` and, while more remain, ``@odata.nextLink``, an absolute
  URL to GET as is (https://learn.microsoft.com/en-us/graph/paging). The token is sent only to the
  Graph host the run started with: a nextLink elsewhere is refused, not followed.
- Throttling answers 429 with ``Retry-After`` (https://learn.microsoft.com/en-us/graph/throttling);
  GETs are retried by ``send_retrying`` (429/502/503/504, resets). Errors carry
  ``{"error": {"code", "message"}}`` (https://learn.microsoft.com/en-us/graph/errors).
Every page, item count and body is bounded. The token and the secret never reach a message:
every text from the network goes through ``scrubber``.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import SecretStr

from profilegen.core.errors import InputError, ServiceError
from profilegen.core.scrub import scrubber
from profilegen.core.text import one_line, shown
from profilegen.core.transport import Answer, Failure, Retry, check_url, send_retrying

GRAPH_URL = "https://graph.microsoft.com"
LOGIN_URL = "https://login.microsoftonline.com"
POLICIES = "/v1.0/identity/conditionalAccess/policies"  # Policy.Read.All (azure-facts.md §10.4)
SIGNINS = "/v1.0/auditLogs/signIns"  # AuditLog.Read.All (azure-facts.md §4.1)
MAX_PAGE = 8 << 20  # a page of 1,000 sign-ins is a few MB
MAX_PAGES = 1000
MAX_DETAIL = 200


@dataclass(frozen=True)
class Graph:
    graph_url: str = GRAPH_URL
    login_url: str = LOGIN_URL
    timeout: float = 30.0
    allow_http_loopback: bool = False
    retry: Retry = Retry()
    log: Callable[[str], None] | None = None

    def check(self) -> None:
        check_url(self.graph_url, what="--graph-url", allow_http_loopback=self.allow_http_loopback,
                  https_only="Graph is https:// only")
        check_url(self.login_url, what="--login-url", allow_http_loopback=self.allow_http_loopback,
                  https_only="Entra endpoints are https:// only")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _error_text(answer: Answer, clean: Callable[[str], str]) -> str:
    try:
        body = json.loads(answer.body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        text = " ".join(str(x) for x in (code, message) if isinstance(x, str))
    elif isinstance(error, str):  # the token endpoint's OAuth error shape
        text = f"{error} {body.get('error_description') or ''}"
    else:
        return ""
    text = one_line(clean(text.split("\r\n")[0]))
    return f" ({text[:MAX_DETAIL]}{'...' if len(text) > MAX_DETAIL else ''})" if text.strip() else ""


def _json(answer: Answer, what: str) -> Any:
    try:
        return json.loads(answer.body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ServiceError(f"{what}: the answer is not JSON; is --graph-url Microsoft Graph?") from None


def client_credentials_token(graph: Graph, tenant: str, client_id: str, secret: SecretStr) -> SecretStr:
    """A Graph token for the app ``client_id`` of ``tenant``. ServiceError (exit 3) when refused."""
    clean = scrubber(secret)
    url = f"{graph.login_url.rstrip('/')}/{urllib.parse.quote(tenant, safe='')}/oauth2/v2.0/token"
    scope = f"{GRAPH_URL if graph.graph_url == GRAPH_URL else graph.graph_url.rstrip('/')}/.default"
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret.get_secret_value(), "scope": scope}).encode("ascii")

    def make() -> urllib.request.Request:
        return urllib.request.Request(url, data=form, method="POST",
                                      headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})

    answer = send_retrying(make, graph.timeout, clean, retry=graph.retry, resend_safe=True, log=graph.log)
    del form
    if isinstance(answer, Failure):
        raise ServiceError(f"token endpoint: {answer.text}")
    if answer.status != 200:
        raise ServiceError(f"token endpoint: HTTP {answer.status}{_error_text(answer, clean)}; check --tenant, "
                           "--graph-client-id and the client secret (and that the app has a secret, not only a certificate)")
    body = _json(answer, "token endpoint")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ServiceError("token endpoint: HTTP 200 without an access_token; check --login-url")
    return SecretStr(token)


def get_pages(graph: Graph, path: str, token: SecretStr, *, what: str, max_items: int) -> Iterator[dict[str, Any]]:
    """Every item of a paged Graph list, following @odata.nextLink on the same host only.

    ServiceError (exit 3) for refusals, throttling that outlasts the retries, a hostile or broken
    answer, or more than ``max_items`` items."""
    clean = scrubber(token)
    url = graph.graph_url.rstrip("/") + path
    origin = _origin(url)
    count = 0
    for number in range(1, MAX_PAGES + 1):
        def make(url: str = url) -> urllib.request.Request:
            return urllib.request.Request(url, headers={"Authorization": f"Bearer {token.get_secret_value()}",
                                                        "Accept": "application/json"})

        answer = send_retrying(make, graph.timeout, clean, retry=graph.retry, resend_safe=True, max_body=MAX_PAGE + 1,
                               log=graph.log)
        if isinstance(answer, Failure):
            raise ServiceError(f"{what}: {answer.text}")
        if answer.status != 200:
            raise ServiceError(_refusal(answer, what, clean))
        if len(answer.body) > MAX_PAGE:
            raise ServiceError(f"{what}: page {number} is over {MAX_PAGE >> 20} MiB; not a Graph page")
        body = _json(answer, what)
        items = body.get("value") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ServiceError(f"{what}: page {number} has no \"value\" list; is --graph-url Microsoft Graph?")
        for item in items:
            count += 1
            if count > max_items:
                raise ServiceError(f"{what}: more than {max_items:,} items; narrow the query")
            yield item
        link = body.get("@odata.nextLink")
        if link is None:
            return
        if not isinstance(link, str) or _origin(link) != origin:
            raise ServiceError(f"{what}: page {number}'s @odata.nextLink points away from {clean(one_line(graph.graph_url))}; "
                               "not followed (the token goes to Graph only)")
        try:
            check_url(link, what="@odata.nextLink", allow_http_loopback=graph.allow_http_loopback, show=clean)
        except InputError as exc:  # a bad URL from the server is a service problem, not the user's input
            raise ServiceError(f"{what}: {exc.problems[0]}") from None
        url = link
    raise ServiceError(f"{what}: more than {MAX_PAGES:,} pages; narrow the query")


def _refusal(answer: Answer, what: str, clean: Callable[[str], str]) -> str:
    detail = _error_text(answer, clean)
    if answer.status == 401:
        return (f"{what}: HTTP 401{detail}: Graph refused the token (expired or for another resource); get a new one, e.g. "
                "az account get-access-token --resource-type ms-graph")
    if answer.status == 403:
        need = "Policy.Read.All" if "conditionalAccess" in what else "AuditLog.Read.All"
        return f"{what}: HTTP 403{detail}: the token lacks {need} (delegated or application, with admin consent)"
    if answer.status == 429:
        return f"{what}: HTTP 429{detail}: Graph is throttling this tenant; try again later"
    return f"{what}: HTTP {answer.status}{detail}"


MAX_WINDOW_DAYS = 30  # Entra keeps sign-ins 30 days with P1/P2 (azure-facts.md §4.1)
_AGO = re.compile(r"^(\d{1,4})([hd])$")


def window_start(value: str, now: datetime) -> datetime:
    """``--since`` as an aware UTC datetime: ``24h``, ``7d``, a date ``2026-11-20`` or a UTC time
    ``2026-11-20T08:00:00Z``. InputError names the option and the accepted forms."""
    text = value.strip()
    match = _AGO.match(text)
    if match:
        amount = int(match.group(1))
        start = now - (timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount))
    else:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"--since: {shown(value)} is not a time; give 24h, 7d, 2026-11-20 or 2026-11-20T08:00:00Z") from None
        start = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if start > now:
        raise InputError(f"--since: {shown(value)} is in the future; give a time in the last {MAX_WINDOW_DAYS} days")
    if now - start > timedelta(days=MAX_WINDOW_DAYS, hours=1):
        raise InputError(f"--since: {shown(value)} is more than {MAX_WINDOW_DAYS} days ago; Entra keeps sign-ins "
                         f"{MAX_WINDOW_DAYS} days (older ones: the portal's download or Log Analytics)")
    return start.astimezone(timezone.utc)


def signins_path(app_ids: list[str], start: datetime, *, top: int = 1000) -> str:
    """``/v1.0/auditLogs/signIns`` filtered by app ID and time (filter syntax: azure-facts.md §4.1;
    ``$top`` at most 1000). App IDs are GUIDs checked by the caller, so no quote can break the filter."""
    apps = " or ".join(f"appId eq '{a}'" for a in app_ids)
    when = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    query = urllib.parse.urlencode({"$filter": f"createdDateTime ge {when} and ({apps})", "$top": str(top)},
                                   quote_via=urllib.parse.quote)
    return f"{SIGNINS}?{query}"
