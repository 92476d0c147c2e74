"""Fixtures: the fake Jamf Pro (tests/jamf/fake.py) and the CLI wired to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.entra.conftest import CliResult, run_cli
from tests.helpers import serving

from .fake import CLIENT_ID, CLIENT_SECRET, FakeJamf, handler

# Retry waits scaled down: a Retry-After of 2 s costs 2 ms here.
ENV: dict[str, str | None] = {
    "PROFILEGEN_JAMF_CLIENT_ID": CLIENT_ID, "PROFILEGEN_JAMF_CLIENT_SECRET": CLIENT_SECRET,
    "PROFILEGEN_JAMF_USERNAME": None, "PROFILEGEN_JAMF_PASSWORD": None, "PROFILEGEN_JAMF_BACKOFF_SCALE": "0.001",
}


# One login window profile, generated, as the scope and hostile-answer tests push it.
LOGIN_ARGS = ["--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-4000-8000-00000000000a",
              "--organization", "Contoso", "--identifier", "com.contoso.jc", "--component", "login"]
LOGIN_NAME = "Jamf Connect Login Window"


@pytest.fixture()
def login(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = run_cli(["generate", *LOGIN_ARGS, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    [path] = out.iterdir()
    return path


@pytest.fixture()
def fake_jamf() -> Iterator[FakeJamf]:
    fake = FakeJamf()
    with serving(handler(fake)) as fake.base:
        yield fake


def jamf(fake: FakeJamf, *args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> CliResult:
    """profilegen jamf ARGS against the fake; secrets and tokens must never show."""
    sub, rest = args[0], list(args[1:])
    result = run_cli(["jamf", sub, "--url", fake.base, "--allow-http-loopback", "--timeout", "5", *rest],
                     env={**ENV, **(env or {})}, input=input)
    shown = result.stdout + result.stderr
    for secret in (CLIENT_SECRET, *fake.issued):
        assert secret not in shown
    return result


def pulled_scope(**lists: list[str]) -> dict[str, object]:
    """A scope as jamf.json records it: every category, written out here (not taken from the code);
    ``lists`` sets categories by path, e.g. ``computer_groups=[...]``, ``exclusions__computer_groups=[...]``."""
    out: dict[str, object] = {
        "all_computers": False, "all_jss_users": False, "computers": [], "computer_groups": [], "buildings": [],
        "departments": [], "jss_users": [], "jss_user_groups": [],
        "limitations": {"users": [], "user_groups": [], "network_segments": [], "ibeacons": []},
        "exclusions": {"computers": [], "computer_groups": [], "buildings": [], "departments": [], "users": [],
                       "user_groups": [], "network_segments": [], "ibeacons": [], "jss_users": [], "jss_user_groups": []},
    }
    for key, value in lists.items():
        head, _, tail = key.rpartition("__")
        (out[head] if head else out)[tail] = value  # type: ignore[index]
    return out
