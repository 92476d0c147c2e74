"""Small helpers for tests (not fixtures)."""

from __future__ import annotations

import plistlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TENANT = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"
CLIENT = "2f0c6a1e-5b7d-4c19-9e3a-7d1b2c3e4f50"
API = "6d1e9a7c-3f2b-4e8d-a1c5-9b7f0e2d4c31"
SCOPE = f"api://{API}/jamfconnect"

BASE_ARGS = [
    "generate",
    "--tenant", TENANT,
    "--client-id", CLIENT,
    "--organization", "Contoso",
    "--identifier", "com.contoso.jamfconnect",
]


def prefs_of(data: bytes) -> dict[str, Any]:
    """The preference keys of a generated document, whatever its shape."""
    doc = plistlib.loads(data)
    if doc.get("PayloadType") != "Configuration":
        return doc
    inner = doc["PayloadContent"][0]
    if inner["PayloadType"] == "com.apple.ManagedClient.preferences":
        (body,) = inner["PayloadContent"].values()
        return body["Forced"][0]["mcx_preference_settings"]
    return {k: v for k, v in inner.items() if not k.startswith("Payload")}


class QuietServer(ThreadingHTTPServer):
    """The loopback servers that imitate Entra ID and Jamf Pro: clients that hang up on purpose
    (the slow scenarios) are expected, so their broken pipes are not printed."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], *, on_stop: Callable[[], None] = lambda: None) -> Iterator[str]:
    """Run a QuietServer on 127.0.0.1 for the block; yields its base URL."""
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        on_stop()
        server.shutdown()
        server.server_close()
        thread.join(5)
