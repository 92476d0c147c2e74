"""ropg-check's view of the shared transport (profilegen.core.transport): the same https-only
checks and one exchange per request, never retried, with network failures as Verdicts."""

from __future__ import annotations

import urllib.request

from profilegen.core.transport import MAX_BODY, Answer, Failure, Scrub, redact
from profilegen.core.transport import check_url as _check_url
from profilegen.core.transport import send as _send
from profilegen.entra.classify import CATEGORY_TEXT, CONFIGURATION_PROBLEM, TRANSIENT, Verdict

__all__ = ["MAX_BODY", "Answer", "Scrub", "check_url", "redact", "send"]


def check_url(url: str, *, what: str, allow_http_loopback: bool, show: Scrub = lambda text: text) -> None:
    _check_url(url, what=what, allow_http_loopback=allow_http_loopback, show=show,
               https_only="Entra endpoints are https:// only")


def send(req: urllib.request.Request, timeout: float, clean: Scrub) -> Answer | Verdict:
    """One exchange, no retry: a loop of password attempts is what smart lockout punishes."""
    answer = _send(req, timeout, clean)
    return verdict_of(answer) if isinstance(answer, Failure) else answer


def verdict_of(failure: Failure) -> Verdict:
    if failure.kind == "tls":
        return Verdict(CONFIGURATION_PROBLEM, None, f"{failure.text}; the password was not sent.")
    if failure.kind == "request":
        return Verdict(CONFIGURATION_PROBLEM, None, f"{failure.text}; check the URL.")
    return Verdict(TRANSIENT, None, f"{failure.text}. {CATEGORY_TEXT[TRANSIENT]}")
