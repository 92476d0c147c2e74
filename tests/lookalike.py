"""Try the network commands without a tenant: `python -m tests.lookalike` (issue 22, point 8).

Starts the test suite's imitations on 127.0.0.1, prints their URLs, the throwaway credentials and
the `export` lines to paste into a second terminal, and runs until Ctrl-C (or SIGTERM): exit 0.

- Jamf Pro: tests/jamf/fake.py (API client credentials CLIENT_ID / CLIENT_SECRET of that file).
- Entra ID token endpoint (ROPG): the imitation of tests/entra/conftest.py. The fake picks its
  answer from the username's local part (``ok``, ``mfa``, ``ca``, ...); here, in front of it, any
  password other than the printed one answers AADSTS50126 (the answer the fake gives a wrong
  password, azure-facts.md §1.4), so "a right and a wrong password" can be tried.
- Microsoft Graph: tests/entra/graph_fake.py, for `azure ca-check --graph` and `signins --graph`.

Only the test dependencies are needed (`pip install -e '.[test]'`); run it from the clone's root,
where `tests` is importable. Docs: docs/try-locally.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import signal
import sys
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, NoReturn

from tests.entra.conftest import CLIENT_ID as ROPG_CLIENT_ID
from tests.entra.conftest import PASSWORD, SCENARIOS, TENANT, FakeEntra, _handler
from tests.entra.graph_fake import GRAPH_APP, SECRET, FakeGraph
from tests.entra.graph_fake import _handler as graph_handler
from tests.entra.test_ca_graph import CORPUS as CA_CORPUS
from tests.entra.test_ca_graph import NAMES as CA_POLICIES
from tests.entra.test_signins_graph import RECORDS as SIGNINS
from tests.helpers import API, CLIENT, QuietServer
from tests.jamf.fake import CLIENT_ID as JAMF_CLIENT_ID
from tests.jamf.fake import CLIENT_SECRET as JAMF_CLIENT_SECRET
from tests.jamf.fake import FakeJamf
from tests.jamf.fake import handler as jamf_handler

# The users a newcomer is told about: local part -> what the imitation answers.
USERS = {"ok": "signs in (exit 0)", "mfa": "AADSTS50076, MFA required: the password was right (exit 0)",
         "ca": "AADSTS53003, blocked by Conditional Access (exit 1)",
         "expired": "AADSTS50055, password expired (exit 1)", "locked": "AADSTS50053, account locked (exit 1)"}
# Requests a newcomer's commands send are small; a body larger than this is refused unread.
MAX_BODY = 1 << 20


class _Refused(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line and exit 2, not argparse's usage block
        sys.stderr.write(f"lookalike: {message} (see python -m tests.lookalike --help)\n")
        raise SystemExit(2)


def _entra_handler(fake: FakeEntra) -> type[BaseHTTPRequestHandler]:
    base = _handler(fake)

    class Handler(base):  # type: ignore[valid-type, misc]
        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                return self._send(400, {"error": "invalid_request", "error_description": "AADSTS900144: bad body"})
            body = self.rfile.read(length)
            form = urllib.parse.parse_qs(body.decode("ascii", "replace"), keep_blank_values=True)
            if form.get("password", [""])[0] != PASSWORD:
                return self._send(*SCENARIOS["wrong"])
            self.rfile = io.BytesIO(body)  # the fake reads the form again
            return super().do_POST()

        def do_GET(self) -> None:
            try:
                super().do_GET()
            except IndexError:  # a path without a tenant: the fake's 404
                self._send(404, b"not found")

    return Handler


def _start(handler: type[BaseHTTPRequestHandler], port: int, what: str) -> tuple[QuietServer, str]:
    try:
        server = QuietServer(("127.0.0.1", port), handler)
    except OSError as exc:
        sys.stderr.write(f"lookalike: --port: cannot listen on 127.0.0.1:{port} for {what} ({exc.strerror}); "
                         "give another --port or leave it out to pick free ports\n")
        raise SystemExit(2) from None
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def exports(jamf: str, entra: str, graph: str) -> list[tuple[str, str]]:
    """The environment a second terminal needs, in the order printed."""
    return [
        ("PROFILEGEN_JAMF_CLIENT_ID", JAMF_CLIENT_ID),
        ("PROFILEGEN_JAMF_CLIENT_SECRET", JAMF_CLIENT_SECRET),
        ("LOOKALIKE_JAMF_URL", jamf),
        ("LOOKALIKE_DISCOVERY_URL", f"{entra}/{TENANT}/v2.0/.well-known/openid-configuration"),
        ("LOOKALIKE_ROPG_CLIENT_ID", ROPG_CLIENT_ID),
        ("LOOKALIKE_PASSWORD", PASSWORD),
        ("LOOKALIKE_TENANT", TENANT),
        ("LOOKALIKE_GRAPH_URL", graph),
        ("LOOKALIKE_GRAPH_CLIENT_ID", GRAPH_APP),
        ("LOOKALIKE_GRAPH_SECRET", SECRET),
        ("LOOKALIKE_CLIENT_ID", CLIENT),
        ("LOOKALIKE_API_APP_ID", API),
    ]


def shown(path: Path) -> str:
    """A path as the terminal may see it: control, bidi and undecodable characters escaped."""
    text = str(path)
    return text if text.isprintable() and _encodable(text) else ascii(text)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from undecodable bytes
        return False
    return True  # bidi controls are format characters: isprintable() already refused them


def _write_env(path: Path, text: str, force: bool) -> None:
    """Atomically: a temporary file beside it, then linked into place (refused if another run
    got there first) or, with --force, renamed over the old one."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        sys.stderr.write(f"lookalike: --env-file: cannot write {shown(path)} ({exc.strerror}); give a writable path\n")
        raise SystemExit(2) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        sys.stderr.write(f"lookalike: --env-file: {shown(path)} exists; remove it or add --force\n")
        raise SystemExit(2) from None
    except OSError as exc:
        sys.stderr.write(f"lookalike: --env-file: cannot write {shown(path)} ({exc.strerror}); give a writable path\n")
        raise SystemExit(2) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = _Refused(prog="python -m tests.lookalike", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0,
                        help="Jamf Pro on PORT, Entra on PORT+1, Graph on PORT+2 (default: free ports)")
    parser.add_argument("--env-file", type=Path, help="also write the export lines to this file (removed on exit)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --env-file")
    args = parser.parse_args(argv)
    if args.port != 0 and not 1024 <= args.port <= 65533:
        parser.error(f"argument --port: {args.port} is outside 1024..65533; give a port in that range or leave it out")

    if args.env_file is not None and args.env_file.exists() and not args.force:  # before any port is held
        sys.stderr.write(f"lookalike: --env-file: {shown(args.env_file)} exists; remove it or add --force\n")
        raise SystemExit(2)
    jamf, entra, graph = FakeJamf(), FakeEntra(""), FakeGraph()
    # Graph holds the policies and sign-ins its own tests page through (test_ca_graph.py,
    # test_signins_graph.py), so ca-check --graph and signins --graph have something to report.
    graph.policies = [json.loads((CA_CORPUS / f"{n}.json").read_text(encoding="utf-8")) for n in CA_POLICIES]
    graph.signins = list(SIGNINS)
    servers = []
    try:
        for n, (handler, what) in enumerate(((jamf_handler(jamf), "Jamf Pro"), (_entra_handler(entra), "Entra ID"),
                                             (graph_handler(graph), "Microsoft Graph"))):
            server, url = _start(handler, args.port + n if args.port else 0, what)
            servers.append(server)
            (jamf if n == 0 else entra if n == 1 else graph).base = url
    except SystemExit:
        for server in servers:  # the ones already listening
            server.shutdown()
            server.server_close()
        raise
    # Installed once the ports are held: a refusal above leaves the caller's handlers alone.
    stop = threading.Event()
    before = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    env = exports(jamf.base, entra.base, graph.base)
    lines = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env)
    written = False
    try:
        if args.env_file is not None:
            _write_env(args.env_file, lines, args.force)
            written = True
        users = "".join(f"#   {u}@contoso.com: {what}\n" for u, what in USERS.items())
        text = (
            "# profilegen look-alikes on 127.0.0.1 (throwaway credentials; nothing leaves this machine)\n"
            f"#   Jamf Pro:        {jamf.base}  (categories: Jamf Connect; groups: {', '.join(sorted(jamf.groups))})\n"
            f"#   Entra ID:        {entra.base}  (ropg-check users, password $LOOKALIKE_PASSWORD; any other password: AADSTS50126)\n"
            f"{users}"
            f"#   Microsoft Graph: {graph.base}\n"
            "# Paste into another terminal (every command also needs --allow-http-loopback):\n"
            f"{lines}"
            + (f"# (also in {shown(args.env_file)})\n" if written else "")
            + "# Ctrl-C stops.\n")
        try:  # UTF-8 whatever the locale says: the export lines must paste byte for byte
            sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `| head`: keep serving; the --env-file still holds the lines
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in before.items():  # the caller's again (main() called in-process)
            signal.signal(sig, handler)
        for server in servers:
            server.shutdown()
            server.server_close()
        if written:
            args.env_file.unlink(missing_ok=True)
    sys.stderr.write("lookalike: stopped\n")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # Ctrl-C before the handlers were installed: nothing was started yet
        sys.stderr.write("lookalike: stopped\n")
        raise SystemExit(0) from None
