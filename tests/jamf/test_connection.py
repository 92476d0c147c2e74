"""Authentication, tokens, retries, deadlines and secrets, against the fake Jamf Pro."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.entra.conftest import run_cli

from .conftest import ENV, jamf
from .fake import CLIENT_SECRET, PASSWORD, USERNAME, FakeJamf

USER_ENV: dict[str, str | None] = {"PROFILEGEN_JAMF_CLIENT_ID": None, "PROFILEGEN_JAMF_CLIENT_SECRET": None,
                                   "PROFILEGEN_JAMF_USERNAME": USERNAME, "PROFILEGEN_JAMF_PASSWORD": PASSWORD}


@pytest.fixture()
def profiles(tmp_path: Path) -> list[Path]:
    out = tmp_path / "out"
    result = run_cli(["generate", "--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
                      "--organization", "Contoso", "--identifier", "com.contoso.jc", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return sorted(out.iterdir())


def test_api_client_token_fetched_once(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    result = jamf(fake_jamf, "push", *map(str, profiles))
    assert result.exit_code == 0, result.stderr
    assert [p for m, p in fake_jamf.requests if p.startswith("/api/")] == ["/api/oauth/token"]
    assert len(fake_jamf.issued) == 1


def test_user_account_fallback_and_token_ended(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    # Reference §1: basic auth on /api/v1/auth/token; the token is ended with invalidate-token.
    result = jamf(fake_jamf, "push", str(profiles[0]), env=USER_ENV)
    assert result.exit_code == 0, result.stderr
    paths = [p for _, p in fake_jamf.requests]
    assert paths[0] == "/api/v1/auth/token" and paths[-1] == "/api/v1/auth/invalidate-token"
    assert not fake_jamf.tokens  # nothing left valid
    assert PASSWORD not in result.stdout + result.stderr


def test_token_expiring_mid_run_is_renewed_once(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.expire_after = 3  # list, create, read back: then 401
    result = jamf(fake_jamf, "push", *map(str, profiles), "--verbose")
    assert result.exit_code == 0, result.stderr
    assert len(fake_jamf.issued) == 2 and "fetching a new one once" in result.stderr
    assert len(fake_jamf.profiles) == 2


def test_refused_token_twice_is_exit_3(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.expire_after = 0  # every token dies on its first use: the renewal cannot help
    fake_jamf.delay = 0.0
    original = fake_jamf.tokens

    class Refusing(set[str]):
        def __contains__(self, item: object) -> bool:
            return False

    fake_jamf.tokens = Refusing(original)
    result = jamf(fake_jamf, "push", str(profiles[0]))
    assert result.exit_code == 3 and "refused a fresh token" in result.stderr
    assert len(fake_jamf.issued) == 2


@pytest.mark.parametrize("env", [{"PROFILEGEN_JAMF_CLIENT_SECRET": "wrong" + CLIENT_SECRET},
                                 {**USER_ENV, "PROFILEGEN_JAMF_PASSWORD": "wrong" + PASSWORD}])
def test_wrong_credentials_exit_3_without_echo(fake_jamf: FakeJamf, profiles: list[Path], env: dict[str, str | None]) -> None:
    result = jamf(fake_jamf, "push", str(profiles[0]), "--verbose", env=env)
    assert result.exit_code == 3
    assert "refused the" in result.stderr and "PROFILEGEN_JAMF_" in result.stderr
    for value in env.values():
        if value and ("wrong" in value):
            assert value not in result.stdout + result.stderr and value[5:] not in result.stdout + result.stderr


@pytest.mark.parametrize(("missing", "privilege"), [("Create", "Create macOS Configuration Profiles"),
                                                    ("Read", "Read macOS Configuration Profiles")])
def test_missing_privilege_is_named(fake_jamf: FakeJamf, profiles: list[Path], missing: str, privilege: str) -> None:
    fake_jamf.privileges = frozenset(p for p in fake_jamf.privileges if not p.startswith(missing))
    result = jamf(fake_jamf, "push", str(profiles[0]))
    assert result.exit_code == 3
    assert f"lacks '{privilege}'" in result.stderr and "Read Smart Computer Groups" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_429_waits_as_retry_after_asks(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.throttle = 2
    result = jamf(fake_jamf, "push", str(profiles[0]), "--verbose")
    assert result.exit_code == 0, result.stderr
    assert "HTTP 429; retry 1 of 3 in 2 s (as Retry-After asks)" in result.stderr
    assert "HTTP 429; retry 2 of 3 in 2 s (as Retry-After asks)" in result.stderr


def test_429_at_most_three_retries(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.throttle = 10
    result = jamf(fake_jamf, "push", str(profiles[0]))
    assert result.exit_code == 3 and "HTTP 429" in result.stderr
    assert fake_jamf.throttle == 6  # one try and three retries
    assert not fake_jamf.profiles


def test_502_and_reset_retried_with_backoff(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.gateway = 1
    fake_jamf.reset = 1
    result = jamf(fake_jamf, "push", str(profiles[0]), "--verbose")
    assert result.exit_code == 0, result.stderr
    assert "(backoff)" in result.stderr and "HTTP 502" in result.stderr


def test_500_is_not_retried_and_others_still_pushed(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.fail_500 = {"Jamf Connect Login Window"}
    result = jamf(fake_jamf, "push", *map(str, profiles))
    assert result.exit_code == 1
    assert result.stdout == "failed Jamf Connect Login Window\ncreated Jamf Connect Menu Bar (id 1)\n"
    assert "HTTP 500 (Error: Internal Server Error)" in result.stderr
    assert len(fake_jamf.writes("POST")) == 2


def test_slow_server_hits_the_deadline(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.delay = 2.0
    start = time.monotonic()
    result = run_cli(["jamf", "push", str(profiles[0]), "--url", fake_jamf.base, "--allow-http-loopback", "--timeout", "0.3"], env=ENV)
    assert time.monotonic() - start < 1.5
    assert result.exit_code == 3 and "did not answer within 0.3 s" in result.stderr


def test_connection_refused_is_exit_3(profiles: list[Path]) -> None:
    result = run_cli(["jamf", "pull", "--out", "x", "--url", "http://127.0.0.1:9", "--allow-http-loopback"], env=ENV)
    assert result.exit_code == 3 and "Cannot reach 127.0.0.1:9" in result.stderr


@pytest.mark.parametrize(("url", "needle"), [
    ("http://jamf.example.com", "--allow-http-loopback permits only"),
    ("ftp://jamf.example.com", "not an https:// URL"),
    ("https://admin:pw@jamf.example.com", "user name or password"),
    ("https://jamf.example.com/?x=1", "query or fragment"),
])
def test_bad_urls_are_usage_errors(profiles: list[Path], url: str, needle: str) -> None:
    result = run_cli(["jamf", "push", str(profiles[0]), "--url", url, "--allow-http-loopback"], env=ENV)
    assert result.exit_code == 2 and needle in result.stderr
    assert "pw" not in result.stderr


def test_http_needs_the_loopback_flag(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    result = run_cli(["jamf", "push", str(profiles[0]), "--url", fake_jamf.base], env=ENV)
    assert result.exit_code == 2 and "Jamf Pro is reached over https:// only" in result.stderr
    assert not fake_jamf.requests


def test_secret_from_stdin_and_never_an_option(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    env = {"PROFILEGEN_JAMF_CLIENT_SECRET": None}
    ok = jamf(fake_jamf, "push", str(profiles[0]), "--password-stdin", env=env, input=CLIENT_SECRET + "\n")
    assert ok.exit_code == 0, ok.stderr
    piped = jamf(fake_jamf, "push", str(profiles[0]), env=env, input=CLIENT_SECRET + "\n")
    assert piped.exit_code == 2 and "--password-stdin" in piped.stderr
    option = jamf(fake_jamf, "push", str(profiles[0]), "--client-secret", CLIENT_SECRET)
    assert option.exit_code == 2


def test_no_credentials_is_usage_error(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    env = {k: None for k in ENV if "CLIENT" in k or "USER" in k or "PASSWORD" in k}
    result = jamf(fake_jamf, "push", str(profiles[0]), env=env)
    assert result.exit_code == 2 and "PROFILEGEN_JAMF_CLIENT_ID" in result.stderr and not fake_jamf.requests


def test_config_supplies_the_url(fake_jamf: FakeJamf, profiles: list[Path], tmp_path: Path) -> None:
    config = tmp_path / "jamf.yaml"
    config.write_text(f"jamf:\n  url: {fake_jamf.base}\n")
    result = run_cli(["jamf", "push", str(profiles[0]), "--config", str(config), "--allow-http-loopback"], env=ENV)
    assert result.exit_code == 0, result.stderr


def test_server_echo_of_secret_and_token_is_scrubbed(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.echo = True
    result = jamf(fake_jamf, "push", str(profiles[0]), "--verbose")  # jamf() asserts no secret or token shows
    assert result.exit_code == 1
    assert "Bearer ********" in result.stderr and "******** / ********" in result.stderr
    assert "\x1b" not in result.stderr


def test_retry_after_forms() -> None:
    from profilegen.core.transport import retry_after

    assert retry_after({"Retry-After": "120"}) == 120.0
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=1445412470.0) == 10.0
    assert retry_after({"Retry-After": "soon"}) is None and retry_after({}) is None


def test_retry_after_beyond_a_minute_is_not_waited_for(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.throttle = 1
    fake_jamf.retry_after = "3600"
    start = time.monotonic()
    result = jamf(fake_jamf, "push", str(profiles[0]), env={"PROFILEGEN_JAMF_BACKOFF_SCALE": "1"})
    assert time.monotonic() - start < 5
    assert result.exit_code == 3 and "HTTP 429" in result.stderr


def test_scope_check_names_the_group_privileges(fake_jamf: FakeJamf, profiles: list[Path]) -> None:
    fake_jamf.privileges = fake_jamf.privileges - {"Read Static Computer Groups"}
    result = jamf(fake_jamf, "push", str(profiles[0]), "--scope-group", "All Staff")
    assert result.exit_code == 3 and "lacks 'Read Smart Computer Groups and Read Static Computer Groups'" in result.stderr
    assert not fake_jamf.writes("POST")


NOT_JSON = "did not answer JSON; check --url (is this Jamf Pro?)"
NO_LIST = ": no os_x_configuration_profiles list; is this Jamf Pro?"
GARBAGE = {  # the body of every GET answer -> what the one stderr line says after the GET
    b"": NOT_JSON,
    b"<html>Sign in to the proxy</html>": NOT_JSON,
    b"[]": NO_LIST,
    b'{"os_x_configuration_profiles": 5}': NO_LIST,
    b'{"os_x_configuration_profiles": [{"id": "1", "name": null}]}':
        ": an entry of the profile list is not a whole-number id and a name; is this Jamf Pro?",
    b"\xff\xfe\x00": NOT_JSON,
    b'{"a":' * 5000: NOT_JSON,
}


@pytest.mark.parametrize("body", list(GARBAGE), ids=range(len(GARBAGE)))
@pytest.mark.parametrize("command", ["push", "pull"])
def test_garbage_answers_are_exit_3_and_change_nothing(fake_jamf: FakeJamf, profiles: list[Path], tmp_path: Path,
                                                        body: bytes, command: str) -> None:
    # Issue 23: exit 3 exactly, one line naming the request, and nothing created, changed or written
    # (a malformed list once made push create a profile before exiting 3).
    fake_jamf.garbage = body
    out = tmp_path / "p"
    args = [str(profiles[0])] if command == "push" else ["--out", str(out)]
    result = jamf(fake_jamf, command, *args)
    separator = " " if GARBAGE[body] == NOT_JSON else ""
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"profilegen: Jamf Pro: GET /JSSResource/osxconfigurationprofiles{separator}{GARBAGE[body]}\n"
    assert not fake_jamf.profiles
    assert [p for m, p in fake_jamf.requests if m != "GET"] == ["/api/oauth/token"]  # no POST or PUT of a profile
    assert not out.exists()
