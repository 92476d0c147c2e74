"""The one HTTP transport of profilegen (ropg-check, jamf push/pull): URL checks, one exchange
with an overall deadline, retries where a retry is safe, and scrubbing of secrets.

Stdlib only (urllib). https with certificate verification; plain http only for
``http://127.0.0.1:<port>`` when the caller allows it (tests). No redirects are followed (a
redirect could downgrade to http or carry a password or token elsewhere). ``send`` never
retries; ``send_retrying`` retries 429/502/503/504 and connection resets (callers choose:
ropg-check never retries, because a loop of password attempts is what smart lockout punishes).

``--timeout`` bounds the whole exchange, not each socket read: a watchdog timer shuts the
connection's socket down at the deadline, so a server that drips one byte at a time cannot
keep the check alive (a per-read timeout alone would never fire).
"""

from __future__ import annotations

import email.utils
import functools
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError
from profilegen.core.scrub import SCRUBBED as SCRUBBED  # every spelling of a secret (re-exported)
from profilegen.core.scrub import scrub as scrub

MAX_BODY = 1 << 20  # discovery documents are ~2 KB and token answers ~5 KB
Scrub = Callable[[str], str]
_USERINFO = re.compile(r"(//)[^/?#]*@")
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


# Statuses that mean "not processed, try again later" (RFC 9110 §15.5.30 and §15.6.4; RFC 6585 §4
# for 429) or a gateway that lost the upstream (502, 504).
RETRY_STATUSES = frozenset({429, 502, 503, 504})


def redact(url: str) -> str:
    """The URL with any user:password@ part replaced, safe to show in a message."""
    return _USERINFO.sub(r"\1***@", url)


def _same(text: str) -> str:
    return text


def check_url(
    url: str, *, what: str, allow_http_loopback: bool, show: Scrub = _same, https_only: str = "Entra endpoints are https:// only"
) -> None:
    """Refuse anything but a well-formed https URL (or http://127.0.0.1:<port> when allowed).

    Raises InputError only; every message names ``what`` and never shows credentials (``show``
    scrubs a URL that came from a server)."""
    shown = show(redact(url))
    if _BAD_CHARS.search(url):
        raise InputError(f"{what}: {shown!r} contains white space or control characters; give the URL without them")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # validates the port: a number in 0..65535
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"{what}: {shown!r} is not a valid URL ({exc}); give the full https:// URL") from None
    if "@" in parts.netloc:
        raise InputError(f"{what}: {shown!r} contains a user name or password; remove the user:password@ part")
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http":
        if not allow_http_loopback:
            raise InputError(f"{what}: {shown} uses http://; {https_only}")
        if host != "127.0.0.1" or port is None:
            raise InputError(
                f"{what}: {shown}: --allow-http-loopback permits only http://127.0.0.1:<port>; use https:// for other hosts"
            )
        return
    raise InputError(f"{what}: {shown!r} is not an https:// URL; give the full URL")


class _Watch:
    """Shuts down every connection it made once the deadline passes."""

    def __init__(self) -> None:
        # The sockets, not the connections: urllib detaches conn.sock once the headers are in.
        self.sockets: list[socket.socket] = []
        self.expired = False

    def factory(self, http_class: Any) -> Callable[..., http.client.HTTPConnection]:
        def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
            conn: http.client.HTTPConnection = http_class(*args, **kwargs)
            connect = conn.connect

            def watched_connect() -> None:
                connect()
                if conn.sock is not None:
                    self.sockets.append(conn.sock)
                if self.expired:  # the deadline passed while connecting
                    raise TimeoutError("deadline")

            conn.connect = watched_connect  # type: ignore[method-assign]
            return conn

        return make

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            try:  # the plain socket's shutdown, so an SSL socket's state stays intact
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.watch = watch

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(self.watch.factory(http_class), req, **kwargs)


MAX_CA_FILE = 10 << 20  # a bundle of every public CA is ~250 KB
_extra_ca: str | None = None  # the PEM text of --ca-file, trusted beside the OS trust store


def trust_ca_file(path: Path | None, *, option: str = "--ca-file") -> None:
    """Trust the CA certificates in ``path`` (PEM) beside the OS trust store, for every request of
    this run. The file is read and checked now: a missing file or one without a certificate is
    an InputError naming ``option``, before anything is sent."""
    global _extra_ca
    if path is None:
        _extra_ca = None
        return
    from profilegen.core.errors import read_problem

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CA_FILE + 1)
    except OSError as exc:
        raise InputError(read_problem(exc, where=f"{option}: {path}", wanted="a PEM file of CA certificates")) from None
    if len(data) > MAX_CA_FILE:
        raise InputError(f"{option}: {path}: larger than {MAX_CA_FILE >> 20} MiB; give a PEM file of CA certificates")
    try:
        text = data.decode("ascii")
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise ValueError
        ssl.create_default_context(cadata=text)  # the same parser the real context uses
    except (ValueError, ssl.SSLError):  # UnicodeDecodeError is a ValueError
        raise InputError(f"{option}: {path}: no readable PEM certificate (-----BEGIN CERTIFICATE-----); "
                         "give the CA certificate of your server in PEM form") from None
    _extra_ca = text


@functools.cache
def _context(extra_ca: str | None) -> ssl.SSLContext:
    """Verifies certificates and host names against the operating system's trust store (the
    ``truststore`` package, as pip does: macOS Keychain, Windows' store, the distribution's
    bundle on Linux), so an internal CA that IT installed is trusted, and python.org's macOS
    Python, which has no CA bundle of its own, works. Built once per run: loading a trust store
    takes ~0.1 s, which a run of many requests (jamf push) would otherwise pay per request."""
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if extra_ca is not None:
        context.load_verify_locations(cadata=extra_ca)
    return context


def _tls_context() -> ssl.SSLContext:
    return _context(_extra_ca)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__(context=_tls_context())
        self.watch = watch

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(self.watch.factory(http_class), req, **kwargs)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError


def _opener(url: str, watch: _Watch) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect(), _HTTP(watch), _HTTPS(watch)]
    if urllib.parse.urlsplit(url).hostname == "127.0.0.1":
        handlers.append(urllib.request.ProxyHandler({}))  # a loopback test server is never behind a proxy
    return urllib.request.build_opener(*handlers)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    """A request that got no HTTP answer. ``text`` is one sentence without its final period,
    network text already passed through the caller's scrubber.

    kind: "tls" (certificate not verified), "request" (cannot be sent: bad host name), "timeout",
    "reset" (connection reset or closed by the peer: safe to retry), "unreachable", "connection".
    """

    kind: str
    text: str


def send(req: urllib.request.Request, timeout: float, clean: Scrub, *, max_body: int = MAX_BODY) -> Answer | Failure:
    """One HTTP exchange within ``timeout`` seconds overall. Network failures come back as a
    Failure (network text passed through ``clean``); HTTP errors as an Answer. Never raises."""
    watch = _Watch()
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    timer.start()
    try:
        answer = _exchange(req, timeout, watch, clean, max_body)
    finally:
        timer.cancel()
    return _timeout(req, timeout, clean) if watch.expired else answer


def _exchange(req: urllib.request.Request, timeout: float, watch: _Watch, clean: Scrub, max_body: int) -> Answer | Failure:
    host = clean(req.host)
    try:
        with _opener(req.full_url, watch).open(req, timeout=timeout) as resp:
            return Answer(resp.status, resp.read(max_body), dict(resp.headers.items()))
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(max_body)
        except (OSError, http.client.HTTPException, ValueError):
            body = b""
        finally:
            exc.close()
        return Answer(exc.code, body, dict(exc.headers.items()) if exc.headers else {})
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return Failure("tls", f"The TLS certificate of {host} could not be verified ({clean(str(reason.verify_message))})")
        if isinstance(reason, TimeoutError):
            return _timeout(req, timeout, clean)
        kind = "reset" if isinstance(reason, ConnectionResetError) else "unreachable"
        return Failure(kind, f"Cannot reach {host}: {clean(str(reason))}")
    except TimeoutError:
        return _timeout(req, timeout, clean)
    except (OSError, http.client.HTTPException) as exc:
        # http.client.RemoteDisconnected is a ConnectionResetError: the peer closed the connection.
        kind = "reset" if isinstance(exc, ConnectionResetError) else "connection"
        return Failure(kind, f"Connection to {host} failed ({type(exc).__name__})")
    except ValueError as exc:  # e.g. a host name that cannot be IDNA-encoded
        return Failure("request", f"Cannot send a request to {host} ({type(exc).__name__})")


def _timeout(req: urllib.request.Request, timeout: float, clean: Scrub) -> Failure:
    return Failure("timeout", f"{clean(req.host)} did not answer within {timeout:g} s")


@dataclass(frozen=True)
class Retry:
    """At most ``attempts`` retries after the first try, waiting ``backoff`` seconds doubled each
    time, or what ``Retry-After`` asks for (RFC 9110 §10.2.3) up to ``max_wait``. ``scale``
    multiplies every wait (tests use a small one, so no test sleeps for seconds)."""

    attempts: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    scale: float = 1.0


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP-date; None if absent or bad."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", value):  # ASCII digits only: "²".isdigit() is true, float("²") fails
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def send_retrying(
    make: Callable[[], urllib.request.Request],
    timeout: float,
    clean: Scrub,
    *,
    retry: Retry,
    resend_safe: bool,
    max_body: int = MAX_BODY,
    log: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer | Failure:
    """``send`` with retries for 429/502/503/504 and connection resets. ``make`` builds a fresh
    request per try. Without ``resend_safe`` (a create: it may have happened before a 502, a 504
    or a reset) only 429 and 503, which say the request was not processed, are retried."""
    statuses = RETRY_STATUSES if resend_safe else frozenset({429, 503})
    attempt = 0
    while True:
        result = send(make(), timeout, clean, max_body=max_body)
        again = result.kind == "reset" and resend_safe if isinstance(result, Failure) else result.status in statuses
        asked = None if isinstance(result, Failure) else retry_after(result.headers)
        wait = retry.backoff * (2**attempt) if asked is None else asked
        # Stop when done, out of retries, or asked to wait longer than a person at a terminal does.
        if not again or attempt == retry.attempts or wait > retry.max_wait:
            return result
        attempt += 1
        if log is not None:
            why = result.text if isinstance(result, Failure) else f"HTTP {result.status}"
            log(f"{why}; retry {attempt} of {retry.attempts} in {wait:g} s ({'backoff' if asked is None else 'as Retry-After asks'})")
        sleep(wait * retry.scale)
