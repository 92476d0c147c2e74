"""HTTPS trust: the OS trust store (truststore) plus --ca-file, against a real TLS server on
127.0.0.1 whose certificate openssl issued from a private CA (an on-prem Jamf Pro's situation)."""

from __future__ import annotations

import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.entra.conftest import run_cli
from tests.helpers import QuietServer

from .conftest import ENV
from .fake import FakeJamf, handler

ARGS = ["--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
        "--organization", "Contoso", "--identifier", "com.contoso.jc", "--component", "login"]


@pytest.fixture(scope="module")
def pki(openssl: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca.pem (a private CA) and srv.pem/srv.key (127.0.0.1, issued by it), made by openssl."""
    d = tmp_path_factory.mktemp("pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", *ec, "-subj", "/CN=Contoso Internal CA", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("req", *ec, "-subj", "/CN=127.0.0.1", "-keyout", "srv.key", "-out", "srv.csr")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem",
        "-days", "2", "-extfile", "ext.cnf")
    return d


@pytest.fixture()
def tls_jamf(pki: Path) -> Iterator[FakeJamf]:
    fake = FakeJamf()
    server = QuietServer(("127.0.0.1", 0), handler(fake))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "srv.pem", pki / "srv.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.base = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def login(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    assert run_cli(["generate", *ARGS, "--out", str(out), "--force"]).exit_code == 0
    [path] = out.iterdir()
    return path


def _push(fake: FakeJamf, login: Path, *extra: str) -> object:
    return run_cli(["jamf", "push", str(login), "--url", fake.base, "--timeout", "5", *extra], env=ENV)


def test_internal_ca_trusted_with_ca_file(tls_jamf: FakeJamf, login: Path, pki: Path) -> None:
    result = _push(tls_jamf, login, "--ca-file", str(pki / "ca.pem"))
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert result.stdout == "created Jamf Connect Login Window (id 1)\n"  # type: ignore[attr-defined]


def test_internal_ca_unknown_without_ca_file(tls_jamf: FakeJamf, login: Path) -> None:
    result = _push(tls_jamf, login)
    assert result.exit_code == 3  # type: ignore[attr-defined]
    assert "The TLS certificate of 127.0.0.1" in result.stderr and "nothing was sent" in result.stderr  # type: ignore[attr-defined]
    assert not [p for m, p in tls_jamf.requests]  # the handshake failed: no request reached it


@pytest.mark.parametrize("kind", ["missing", "directory", "garbage", "key-only", "huge"])
@pytest.mark.parametrize("command", ["push", "ropg-check"])
def test_bad_ca_file_is_exit_2_before_anything_is_sent(fake_jamf: FakeJamf, login: Path, pki: Path, tmp_path: Path,
                                                       kind: str, command: str) -> None:
    path = tmp_path / "ca.pem"
    if kind == "directory":
        path.mkdir()
    elif kind == "garbage":
        path.write_bytes(b"\xff\xfe-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    elif kind == "key-only":
        path.write_bytes((pki / "srv.key").read_bytes())
    elif kind == "huge":
        path.write_bytes(b" " * ((10 << 20) + 1))
    if command == "push":
        result = run_cli(["jamf", "push", str(login), "--url", fake_jamf.base, "--allow-http-loopback",
                          "--ca-file", str(path)], env=ENV)
    else:
        result = run_cli(["ropg-check", "--username", "a@contoso.com", "--tenant", "contoso.onmicrosoft.com",
                          "--ropg-client-id", "00000000-0000-4000-8000-00000000000a", "--password-stdin",
                          "--ca-file", str(path)], input="pw\n")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"profilegen: --ca-file: {path}") and result.stderr.count("\n") == 1
    assert not fake_jamf.requests


def test_the_os_trust_store_is_used() -> None:
    """truststore's context (macOS Keychain, Windows' store), not a bundle shipped with Python."""
    import truststore

    from profilegen.core import transport

    transport.trust_ca_file(None)
    assert isinstance(transport._tls_context(), truststore.SSLContext)


class _Tunnel(socketserver.ThreadingTCPServer):
    """A CONNECT proxy (RFC 9110 §9.3.6) that records each tunnel's target."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.targets: list[str] = []
        super().__init__(("127.0.0.1", 0), _TunnelHandler)


class _TunnelHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline().decode("latin-1")
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        method, target, _ = line.split(" ", 2)
        assert isinstance(self.server, _Tunnel)
        self.server.targets.append(f"{method} {target}")
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection(("127.0.0.1" if host == "localhost" else host, int(port)))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        back = threading.Thread(target=pump, args=(upstream, self.connection), daemon=True)
        back.start()
        pump(self.connection, upstream)
        back.join(5)


@pytest.mark.parametrize("no_proxy", [None, "localhost"])
def test_https_proxy_is_honoured(tls_jamf: FakeJamf, login: Path, pki: Path, no_proxy: str | None) -> None:
    """docs/jamf-pro.md "Certificates and proxies": HTTPS_PROXY tunnels with CONNECT, the
    certificate checked is the server's own, NO_PROXY bypasses."""
    proxy = _Tunnel()
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = tls_jamf.base.replace("127.0.0.1", "localhost")
        env = {**ENV, "HTTPS_PROXY": f"http://127.0.0.1:{proxy.server_address[1]}", "https_proxy": None,
               "NO_PROXY": no_proxy, "no_proxy": None}
        result = run_cli(["jamf", "push", str(login), "--url", url, "--timeout", "5", "--ca-file", str(pki / "ca.pem")], env=env)
        assert result.exit_code == 0, result.stderr
        port = url.rsplit(":", 1)[1]
        if no_proxy:
            assert proxy.targets == []
        else:
            assert proxy.targets and set(proxy.targets) == {f"CONNECT localhost:{port}"}
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(5)
