"""ropg-check against hostile servers (issue 8 §1.4, §2.1, §2.3): any body shape from the
discovery or token endpoint, and a password echoed back in any spelling.

The server is a real ThreadingHTTPServer on 127.0.0.1 whose answers the test sets per call.
"""

from __future__ import annotations

import html
import json
import random
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from profilegen.core.scrub import MIN_SCRUB_LENGTH, WITHHELD
from tests.helpers import QuietServer

from .conftest import CLIENT_ID, run_cli

Body = tuple[int, bytes]


@dataclass
class Hostile:
    base: str = ""
    discovery: Callable[[], Body] = lambda: (200, b"{}")
    token: Callable[[str], Body] = lambda password: (400, b"{}")
    posts: list[str] = field(default_factory=list)

    def default_discovery(self) -> Body:
        return 200, json.dumps({"token_endpoint": f"{self.base}/t/oauth2/v2.0/token"}).encode()

    def args(self, fmt: str = "json") -> list[str]:
        return ["ropg-check", "--ropg-discovery-url", f"{self.base}/t/v2.0/.well-known/openid-configuration",
                "--ropg-client-id", CLIENT_ID, "--allow-http-loopback", "--timeout", "2",
                "--username", "alex@contoso.com", "--format", fmt]


def _handler(state: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, answer: Body) -> None:
            status, data = answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send(state.discovery())

        def do_POST(self) -> None:
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("ascii"))
            password = form.get("password", [""])[0]
            state.posts.append(password)
            self._send(state.token(password))

    return Handler


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    state = Hostile()
    server = QuietServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _reset(state: Hostile) -> None:
    state.discovery = state.default_discovery
    state.token = lambda password: (400, b"{}")
    state.posts.clear()


DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


def _answer_with(hostile: Hostile, where: str, status: int, body: bytes) -> Any:
    """Run ropg-check while the discovery or token endpoint answers ``status`` with ``body``."""
    _reset(hostile)
    if where == "discovery":
        hostile.discovery = lambda: (status, body)
    else:
        hostile.token = lambda password: (status, body)
    return run_cli(hostile.args(), env={"PROFILEGEN_PASSWORD": "S3cret-pw!"})


@pytest.mark.parametrize("status", [200, 400, 503])
@pytest.mark.parametrize("where", ["discovery", "token"])
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, b'{"error_codes": [' + b"9" * 5000 + b"]}"])
def test_deeply_nested_body_is_configuration_problem(hostile: Hostile, where: str, status: int, body: bytes) -> None:
    result = _answer_with(hostile, where, status, body)
    assert result.exit_code == 3, result
    expected = "transient" if status >= 500 else "configuration_problem"
    if where == "token" and status == 200:
        expected = "configuration_problem"
    assert json.loads(result.stdout)["category"] == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["token_endpoint", "error", "error_codes", "error_description", "access_token", "x"]) | st.text(max_size=5),
        inner, max_size=5),
    max_leaves=20,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.builds(lambda n, open_, close: open_ * n + close * n, st.integers(1, 60_000), st.sampled_from([b"[", b'{"a":[']),
              st.sampled_from([b"]", b"]}"])),
    st.builds(lambda digits: b'{"error_codes":[' + digits + b'],"error_description":"AADSTS' + digits + b'"}',
              st.integers(1, 6000).map(lambda n: b"7" * n)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(["discovery", "token"]), status=st.sampled_from([200, 400, 401, 429, 500, 502]), body=bodies)
def test_any_body_from_either_endpoint_never_crashes(hostile: Hostile, where: str, status: int, body: bytes) -> None:
    result = _answer_with(hostile, where, status, body)
    assert result.exit_code in (0, 1, 3), result
    verdict = json.loads(result.stdout)
    assert verdict["category"] and "S3cret-pw!" not in result.stdout + result.stderr


# ---- §2.1: the password echoed back in any spelling --------------------------------------

def _quote(char: str, *, plus: bool, upper: bool) -> str:
    encoded = (urllib.parse.quote_plus if plus else urllib.parse.quote)(char, safe="")
    return encoded if upper else encoded.lower()


CHAR_ENCODERS: dict[str, Callable[[str], str]] = {
    "raw": lambda c: c,
    "quote": lambda c: _quote(c, plus=False, upper=True),
    "quote-lower": lambda c: _quote(c, plus=False, upper=False),
    "quote_plus": lambda c: _quote(c, plus=True, upper=True),
    "double-quote": lambda c: urllib.parse.quote(urllib.parse.quote(c, safe=""), safe=""),
    "html": lambda c: html.escape(c, quote=True),
    "html-decimal": lambda c: f"&#{ord(c)};",
    "html-hex": lambda c: f"&#x{ord(c):X};",
    "json": lambda c: json.dumps(c)[1:-1],
    "json-ascii": lambda c: json.dumps(c, ensure_ascii=True)[1:-1],
    "json-u": lambda c: json.dumps(c, ensure_ascii=True)[1:-1] if ord(c) > 127 else f"\\u{ord(c):04x}",
    "json-slash": lambda c: "\\/" if c == "/" else json.dumps(c)[1:-1],
}
WHOLE_ENCODERS: dict[str, Callable[[str], str]] = {
    "quote-safe-slash": lambda p: urllib.parse.quote(p),
    "quote_plus": urllib.parse.quote_plus,
    "quote-all-safe-punct": lambda p: urllib.parse.quote(p, safe="/&<>\"'"),
    "html-escape": html.escape,
    "json-dumps": lambda p: json.dumps(p)[1:-1],
    "json-dumps-ascii": lambda p: json.dumps(p, ensure_ascii=True)[1:-1],
}
passwords = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(" /\"<&>'%+\\")), min_size=1, max_size=24)


def _spelling(password: str, data: st.DataObject) -> str:
    if data.draw(st.booleans(), label="whole"):
        return WHOLE_ENCODERS[data.draw(st.sampled_from(sorted(WHOLE_ENCODERS)), label="encoder")](password)
    names = data.draw(st.lists(st.sampled_from(sorted(CHAR_ENCODERS)), min_size=len(password), max_size=len(password)), label="per char")
    return "".join(CHAR_ENCODERS[n](c) for n, c in zip(names, password))


def _echoing(spelling: str) -> Callable[[str], Body]:
    def answer(password: str) -> Body:
        return 400, json.dumps({"error": "invalid_grant", "error_codes": [50126],
                                "error_description": f"AADSTS50126: you sent [{spelling}] today"}).encode()
    return answer


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=passwords, fmt=st.sampled_from(["text", "json"]), data=st.data())
def test_echoed_password_never_printed_in_any_spelling(hostile: Hostile, password: str, fmt: str, data: st.DataObject) -> None:
    _reset(hostile)
    hostile.token = _echoing("")
    baseline = run_cli(hostile.args(fmt), env={"PROFILEGEN_PASSWORD": password})
    spelling = _spelling(password, data)
    # Only spellings profilegen's own text cannot contain by chance ("e" is in every sentence).
    assume(spelling.casefold() not in (baseline.stdout + baseline.stderr).casefold())
    assume(password.casefold() not in (baseline.stdout + baseline.stderr).casefold())
    hostile.token = _echoing(spelling)
    hostile.posts.clear()
    result = run_cli(hostile.args(fmt), env={"PROFILEGEN_PASSWORD": password})
    assert hostile.posts == [password]
    assert result.exit_code == 1, result
    shown = result.stdout + result.stderr
    if fmt == "json":
        shown += json.loads(result.stdout)["message"]
    if len(password) < MIN_SCRUB_LENGTH:
        assert WITHHELD in shown
        shown = shown.replace(WITHHELD, "")  # profilegen's own words
    for text in (spelling, password):
        assert text.casefold() not in shown.casefold(), (spelling, shown)


PASSWORD = 'S3cret/pw "x" <&>'


@pytest.mark.parametrize("spelling", [
    PASSWORD,
    urllib.parse.quote(PASSWORD),  # '/' left as is
    urllib.parse.quote(PASSWORD, safe=""),  # %2F
    urllib.parse.quote(PASSWORD, safe="").lower(),
    urllib.parse.quote_plus(PASSWORD),
    html.escape(PASSWORD),
    "S3cret&#47;pw &#34;x&#34; &#60;&#38;&#62;",
    "S3cret&#x2f;pw &#X22;x&quot; &lt;&amp;&gt;",
    json.dumps(PASSWORD)[1:-1],
    "S3cret\\/pw \\\"x\\\" \\u003c\\u0026\\u003E",
])
def test_issue_password_spellings(hostile: Hostile, spelling: str) -> None:
    _reset(hostile)
    hostile.token = _echoing(spelling)
    result = run_cli(hostile.args("text"), env={"PROFILEGEN_PASSWORD": PASSWORD})
    assert result.exit_code == 1
    assert spelling not in result.stdout and "S3cret" not in result.stdout
    assert "you sent [********] today" in result.stdout


def test_short_password_drops_the_servers_text_instead_of_mangling(hostile: Hostile) -> None:
    _reset(hostile)
    hostile.token = _echoing("s")
    result = run_cli(hostile.args("text"), env={"PROFILEGEN_PASSWORD": "s"})
    assert WITHHELD in result.stdout and "*" not in result.stdout
    # Server text without the password stays as it was, letters and all.
    hostile.token = _echoing("xyz")
    result = run_cli(hostile.args("text"), env={"PROFILEGEN_PASSWORD": "q"})
    assert "you sent [xyz] today" in result.stdout


def test_password_stdin_bom_is_stripped(hostile: Hostile) -> None:
    """Notepad saves UTF-8 with a BOM: the password sent is the text after it."""
    _reset(hostile)
    result = run_cli([*hostile.args(), "--password-stdin"], input="\ufeffS3cret-pw!\r\n",
                     env={"PROFILEGEN_PASSWORD": None})
    assert result.exit_code == 3, result  # the default token answer is "{}"
    assert hostile.posts == ["S3cret-pw!"]


def test_random_mixtures_of_the_issue_password() -> None:
    """Core check over many random per-character mixtures (fast, no server)."""
    from pydantic import SecretStr

    from profilegen.core.scrub import scrub

    rng = random.Random(8)
    for _ in range(2000):
        spelling = "".join(CHAR_ENCODERS[rng.choice(sorted(CHAR_ENCODERS))](c) for c in PASSWORD)
        assert scrub(f"<{spelling}>", SecretStr(PASSWORD)) == "<********>", spelling
