"""HTTP for ropg-check: URL checks and one exchange with an overall deadline.

Stdlib only (urllib). https with certificate verification; plain http only for
``http://127.0.0.1:<port>`` when the caller allows it (tests). No redirects are followed (a
redirect could downgrade to http or carry the password elsewhere) and nothing is retried.

``--timeout`` bounds the whole exchange, not each socket read: a watchdog timer shuts the
connection's socket down at the deadline, so a server that drips one byte at a time cannot
keep the check alive (a per-read timeout alone would never fire).
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from profilegen.entra.classify import CATEGORY_TEXT, CONFIGURATION_PROBLEM, TRANSIENT, Verdict
from profilegen.errors import InputError

MAX_BODY = 1 << 20  # discovery documents are ~2 KB and token answers ~5 KB
Scrub = Callable[[str], str]
_USERINFO = re.compile(r"(//)[^/?#]*@")
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


def redact(url: str) -> str:
    """The URL with any user:password@ part replaced, safe to show in a message."""
    return _USERINFO.sub(r"\1***@", url)


def _same(text: str) -> str:
    return text


def check_url(url: str, *, what: str, allow_http_loopback: bool, show: Scrub = _same) -> None:
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
            raise InputError(f"{what}: {shown} uses http://; Entra endpoints are https:// only")
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


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__(context=ssl.create_default_context())  # verifies certificates and host names
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


def send(req: urllib.request.Request, timeout: float, clean: Scrub) -> Answer | Verdict:
    """One HTTP exchange within ``timeout`` seconds overall. Network failures come back as a
    Verdict (network text passed through ``clean``); HTTP errors as an Answer. Never raises."""
    watch = _Watch()
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    timer.start()
    try:
        answer = _exchange(req, timeout, watch, clean)
    finally:
        timer.cancel()
    return _timeout(req, timeout, clean) if watch.expired else answer


def _exchange(req: urllib.request.Request, timeout: float, watch: _Watch, clean: Scrub) -> Answer | Verdict:
    host = clean(req.host)
    try:
        with _opener(req.full_url, watch).open(req, timeout=timeout) as resp:
            return Answer(resp.status, resp.read(MAX_BODY))
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_BODY)
        except (OSError, http.client.HTTPException, ValueError):
            body = b""
        finally:
            exc.close()
        return Answer(exc.code, body)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return Verdict(CONFIGURATION_PROBLEM, None, f"The TLS certificate of {host} could not be verified "
                           f"({clean(str(reason.verify_message))}); the password was not sent.")
        if isinstance(reason, TimeoutError):
            return _timeout(req, timeout, clean)
        return Verdict(TRANSIENT, None, f"Cannot reach {host}: {clean(str(reason))}. {CATEGORY_TEXT[TRANSIENT]}")
    except TimeoutError:
        return _timeout(req, timeout, clean)
    except (OSError, http.client.HTTPException) as exc:
        return Verdict(TRANSIENT, None, f"Connection to {host} failed ({type(exc).__name__}). {CATEGORY_TEXT[TRANSIENT]}")
    except ValueError as exc:  # e.g. a host name that cannot be IDNA-encoded
        return Verdict(CONFIGURATION_PROBLEM, None, f"Cannot send a request to {host} ({type(exc).__name__}); check the URL.")


def _timeout(req: urllib.request.Request, timeout: float, clean: Scrub) -> Verdict:
    return Verdict(TRANSIENT, None, f"{clean(req.host)} did not answer within {timeout:g} s. {CATEGORY_TEXT[TRANSIENT]}")
